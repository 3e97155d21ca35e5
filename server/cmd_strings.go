package server

import (
	"math"
	"math/big"
	"strconv"

	"darner/engine"
)

func stringCommands() []*Command {
	const ro, w = FlagReadonly, FlagWrite | FlagDenyOOM
	// cmd makes a single-key command: the key is the first argument.
	cmd := func(name string, arity int, flags Flag, since, summary string, h func(*Ctx)) *Command {
		return keyRange("string", name, arity, flags, 1, since, summary, h)
	}
	return []*Command{
		cmd("get", 2, ro|FlagFast, "1.0.0", "Returns the string value of a key.", cmdGet),
		cmd("set", -3, w, "1.0.0", "Sets a key to a string value, with options for existence, expiry and the old value.", cmdSet),
		cmd("setnx", 3, w|FlagFast, "1.0.0", "Sets a key to a string value only if the key does not exist.", cmdSetnx),
		cmd("setex", 4, w, "2.0.0", "Sets a key to a string value that expires after a number of seconds.", cmdSetex),
		cmd("psetex", 4, w, "2.6.0", "Sets a key to a string value that expires after a number of milliseconds.", cmdPsetex),
		cmd("getset", 3, w|FlagFast, "1.0.0", "Sets a key to a string value and returns its previous string value.", cmdGetset),
		cmd("getdel", 2, FlagWrite|FlagFast, "6.2.0", "Returns the string value of a key and deletes the key.", cmdGetdel),
		cmd("getex", -2, FlagWrite|FlagFast, "6.2.0", "Returns the string value of a key, changing or removing its expiry.", cmdGetex),
		cmd("incr", 2, w|FlagFast, "1.0.0", "Adds one to the integer value of a key.", cmdIncr),
		cmd("decr", 2, w|FlagFast, "1.0.0", "Subtracts one from the integer value of a key.", cmdDecr),
		cmd("incrby", 3, w|FlagFast, "1.0.0", "Adds an integer to the integer value of a key.", cmdIncrby),
		cmd("decrby", 3, w|FlagFast, "1.0.0", "Subtracts an integer from the integer value of a key.", cmdDecrby),
		cmd("incrbyfloat", 3, w|FlagFast, "2.6.0", "Adds a decimal number to the numeric value of a key.", cmdIncrbyfloat),
		cmd("append", 3, w|FlagFast, "2.0.0", "Appends bytes to a key's string value, creating the key if needed.", cmdAppend),
		cmd("strlen", 2, ro|FlagFast, "2.2.0", "Returns the length in bytes of a key's string value.", cmdStrlen),
		cmd("getrange", 4, ro, "2.4.0", "Returns a byte range of a key's string value.", cmdGetrange),
		cmd("substr", 4, ro, "1.0.0", "Returns a byte range of a key's string value (GETRANGE's old name).", cmdGetrange),
		cmd("setrange", 4, w, "2.2.0", "Overwrites part of a key's string value from an offset, padding with zero bytes.", cmdSetrange),
		{Name: "mget", Arity: -2, Flags: ro | FlagFast, First: 1, Last: -1, Step: 1, Group: "string", Since: "1.0.0",
			Summary: "Returns the string values of several keys.", Handler: cmdMget},
		{Name: "mset", Arity: -3, Flags: w, First: 1, Last: -1, Step: 2, Group: "string", Since: "1.0.1",
			Summary: "Sets several keys to string values at once.", Handler: cmdMset},
		{Name: "msetnx", Arity: -3, Flags: w, First: 1, Last: -1, Step: 2, Group: "string", Since: "1.0.1",
			Summary: "Sets several keys to string values only if none of them exists.", Handler: cmdMsetnx},
	}
}

// lookupString returns key's entry and string value, (nil, nil) when the key does not
// exist. When it holds another type it answers WRONGTYPE and returns ok=false. read counts
// the lookup in the keyspace hit/miss statistics, as Redis does for its read lookups.
func lookupString(c *Ctx, v engine.View, key string, read bool) (o *engine.Object, s *engine.Str, ok bool) {
	if read {
		o = v.Read(key)
	} else {
		o = v.Get(key)
	}
	if o == nil {
		return nil, nil, true
	}
	s, ok = o.Value.(*engine.Str)
	if !ok {
		c.Err(errWrongType)
		return nil, nil, false
	}
	return o, s, true
}

// replyString answers GET's way: the value, or a null for a missing key. It returns false
// after a WRONGTYPE error.
func replyString(c *Ctx, v engine.View, key string) (found, ok bool) {
	o, s, ok := lookupString(c, v, key, true)
	switch {
	case !ok:
		return false, false
	case o == nil:
		c.W.Null()
		return false, true
	}
	c.W.Bulk(s.B)
	return true, true
}

// GET key
func cmdGet(c *Ctx) { replyString(c, c.View(c.Args[1]), c.Key(1)) }

// The options of SET and GETEX, as bits. Redis accepts a repeated option but no two that
// conflict (NX with XX; any two of EX, PX, EXAT, PXAT, KEEPTTL, PERSIST).
const (
	optNX uint16 = 1 << iota
	optXX
	optGet
	optKeepTTL
	optPersist
	optEX
	optPX
	optEXAT
	optPXAT

	optExpire = optEX | optPX | optEXAT | optPXAT
)

type stringOptions struct {
	flags  uint16
	expire []byte // the argument of EX, PX, EXAT or PXAT
}

// parseStringOptions reads SET's options (forSet) or GETEX's from args. A conflicting or
// unknown option, or a time option without its argument, is a syntax error.
func parseStringOptions(args [][]byte, forSet bool) (o stringOptions, ok bool) {
	for i := 0; i < len(args); i++ {
		hasNext := i+1 < len(args)
		var f, conflicts uint16
		switch {
		case forSet && asciiEqualFold(args[i], "nx"):
			f, conflicts = optNX, optXX
		case forSet && asciiEqualFold(args[i], "xx"):
			f, conflicts = optXX, optNX
		case forSet && asciiEqualFold(args[i], "get"):
			f = optGet
		case forSet && asciiEqualFold(args[i], "keepttl"):
			f, conflicts = optKeepTTL, optPersist|optExpire
		case !forSet && asciiEqualFold(args[i], "persist"):
			f, conflicts = optPersist, optKeepTTL|optExpire
		case hasNext && asciiEqualFold(args[i], "ex"):
			f = optEX
		case hasNext && asciiEqualFold(args[i], "px"):
			f = optPX
		case hasNext && asciiEqualFold(args[i], "exat"):
			f = optEXAT
		case hasNext && asciiEqualFold(args[i], "pxat"):
			f = optPXAT
		default:
			return o, false
		}
		if f&optExpire != 0 {
			conflicts = optKeepTTL | optPersist | optExpire&^f
			i++
			o.expire = args[i]
		}
		if o.flags&conflicts != 0 {
			return o, false
		}
		o.flags |= f
	}
	return o, true
}

// expireAt turns the EX/PX/EXAT/PXAT argument into a Unix time in milliseconds. Like Redis
// it refuses a time that is not positive or whose conversion overflows, naming the command.
func (o stringOptions) expireAt(c *Ctx) (int64, bool) {
	n, ok := parseInt(o.expire)
	if !ok {
		c.Err(errNotInt)
		return 0, false
	}
	seconds := o.flags&(optEX|optEXAT) != 0
	if n <= 0 || (seconds && n > math.MaxInt64/1000) {
		c.Err(invalidExpire(c))
		return 0, false
	}
	if seconds {
		n *= 1000
	}
	if o.flags&(optEX|optPX) != 0 {
		now := c.Now()
		if n > math.MaxInt64-now {
			c.Err(invalidExpire(c))
			return 0, false
		}
		n += now
	}
	return n, true
}

func invalidExpire(c *Ctx) Error {
	return Error("ERR invalid expire time in '" + c.cmd.Name + "' command")
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
// PXAT unix-time-milliseconds | KEEPTTL]
func cmdSet(c *Ctx) {
	opt, ok := parseStringOptions(c.Args[3:], true)
	if !ok {
		c.Err(errSyntax)
		return
	}
	setString(c, opt, c.Args[2], false)
}

// SETNX key value
func cmdSetnx(c *Ctx) { setString(c, stringOptions{flags: optNX}, c.Args[2], true) }

// SETEX key seconds value
func cmdSetex(c *Ctx) { setString(c, stringOptions{flags: optEX, expire: c.Args[2]}, c.Args[3], false) }

// PSETEX key milliseconds value
func cmdPsetex(c *Ctx) {
	setString(c, stringOptions{flags: optPX, expire: c.Args[2]}, c.Args[3], false)
}

// setString is SET once its options are known (SETNX, SETEX and PSETEX are SETs too). The
// reply is the old value with GET; otherwise OK, or a null when NX or XX stops the write
// (1 and 0 instead with ints, for SETNX).
func setString(c *Ctx, opt stringOptions, value []byte, ints bool) {
	var at int64
	if opt.expire != nil {
		var ok bool
		if at, ok = opt.expireAt(c); !ok {
			return
		}
	}
	key := c.Key(1)
	v := c.View(c.Args[1])
	get := opt.flags&optGet != 0
	var found bool
	if get {
		var ok bool
		if found, ok = replyString(c, v, key); !ok {
			return
		}
	} else {
		found = v.Get(key) != nil
	}
	if (opt.flags&optNX != 0 && found) || (opt.flags&optXX != 0 && !found) {
		switch {
		case get:
		case ints:
			c.W.Int(0)
		default:
			c.W.Null()
		}
		return
	}
	o := v.SetString(key, value, opt.flags&optKeepTTL != 0 || opt.expire != nil)
	if opt.expire != nil {
		// A time already past deletes the key, as Redis' next read would. The log records
		// the absolute time, or the deletion.
		if v.SetExpire(key, o, at) {
			if c.logging() {
				c.Propagate([]byte("SET"), c.Args[1], value, []byte("PXAT"), strconv.AppendInt(nil, at, 10))
			}
		} else if c.logging() {
			c.Propagate([]byte("DEL"), c.Args[1])
		}
	}
	switch {
	case get:
	case ints:
		c.W.Int(1)
	default:
		c.W.OK()
	}
}

// GETSET key value
func cmdGetset(c *Ctx) {
	key := c.Key(1)
	v := c.View(c.Args[1])
	if _, ok := replyString(c, v, key); !ok {
		return
	}
	v.SetString(key, c.Args[2], false)
}

// GETDEL key
func cmdGetdel(c *Ctx) {
	key := c.Key(1)
	v := c.View(c.Args[1])
	if found, ok := replyString(c, v, key); ok && found {
		v.Delete(key)
	}
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
// PXAT unix-time-milliseconds | PERSIST]
func cmdGetex(c *Ctx) {
	opt, ok := parseStringOptions(c.Args[2:], false)
	if !ok {
		c.Err(errSyntax)
		return
	}
	key := c.Key(1)
	v := c.View(c.Args[1])
	// Redis checks the key before the time: a missing key answers null even for EX -1.
	o, s, ok := lookupString(c, v, key, true)
	if !ok {
		return
	}
	if o == nil {
		c.W.Null()
		return
	}
	var at int64
	if opt.expire != nil {
		if at, ok = opt.expireAt(c); !ok {
			return
		}
	}
	c.W.Bulk(s.B)
	logging := c.logging() // the log's commands are built only when there is a log
	switch {
	case opt.expire != nil:
		// EXAT/PXAT in the past delete the key; the log has the absolute time or DEL.
		kept := v.SetExpire(key, o, at)
		if logging && kept {
			c.Propagate([]byte("PEXPIREAT"), c.Args[1], strconv.AppendInt(nil, at, 10))
		} else if logging {
			c.Propagate([]byte("DEL"), c.Args[1])
		}
	case opt.flags&optPersist != 0 && o.Expire != 0:
		v.SetExpire(key, o, 0)
		if logging {
			c.Propagate([]byte("PERSIST"), c.Args[1])
		}
	default:
		c.Propagate() // a read
	}
}

// MGET key [key ...]
func cmdMget(c *Ctx) {
	c.W.Array(len(c.Args) - 1)
	for _, k := range c.Args[1:] {
		o := c.View(k).Read(string(k))
		if s, ok := valueString(o); ok {
			c.W.Bulk(s.B)
		} else {
			c.W.Null() // a missing key, or one of another type
		}
	}
}

func valueString(o *engine.Object) (*engine.Str, bool) {
	if o == nil {
		return nil, false
	}
	s, ok := o.Value.(*engine.Str)
	return s, ok
}

// MSET key value [key value ...]
func cmdMset(c *Ctx) {
	if len(c.Args)%2 == 0 {
		c.ArityErr()
		return
	}
	msetAll(c)
	c.W.OK()
}

// MSETNX key value [key value ...]
func cmdMsetnx(c *Ctx) {
	if len(c.Args)%2 == 0 {
		c.ArityErr()
		return
	}
	for i := 1; i < len(c.Args); i += 2 {
		if c.View(c.Args[i]).Get(c.Key(i)) != nil {
			c.W.Int(0)
			return
		}
	}
	msetAll(c)
	c.W.Int(1)
}

func msetAll(c *Ctx) {
	for i := 1; i < len(c.Args); i += 2 {
		c.View(c.Args[i]).SetString(c.Key(i), c.Args[i+1], false)
	}
}

// INCR key
func cmdIncr(c *Ctx) { incrBy(c, 1) }

// DECR key
func cmdDecr(c *Ctx) { incrBy(c, -1) }

// INCRBY key increment
func cmdIncrby(c *Ctx) {
	n, ok := parseInt(c.Args[2])
	if !ok {
		c.Err(errNotInt)
		return
	}
	incrBy(c, n)
}

// DECRBY key decrement
func cmdDecrby(c *Ctx) {
	n, ok := parseInt(c.Args[2])
	if !ok {
		c.Err(errNotInt)
		return
	}
	if n == math.MinInt64 {
		c.Err("ERR decrement would overflow")
		return
	}
	incrBy(c, -n)
}

// incrBy adds delta to the integer in key (0 when missing), keeping the key's expiry.
func incrBy(c *Ctx, delta int64) {
	key := c.Key(1)
	v := c.View(c.Args[1])
	o, s, ok := lookupString(c, v, key, false)
	if !ok {
		return
	}
	var n int64
	if o != nil {
		if n, ok = parseInt(s.B); !ok {
			c.Err(errNotInt)
			return
		}
	}
	if (delta < 0 && n < 0 && delta < math.MinInt64-n) || (delta > 0 && n > 0 && delta > math.MaxInt64-n) {
		c.Err(errOverflow)
		return
	}
	n += delta
	if o == nil {
		v.Set(key, &engine.Str{B: strconv.AppendInt(nil, n, 10)}, false)
	} else {
		s.B = strconv.AppendInt(s.B[:0], n, 10)
		v.Modified(key, o)
	}
	c.W.Int(n)
}

// INCRBYFLOAT key increment
func cmdIncrbyfloat(c *Ctx) {
	key := c.Key(1)
	v := c.View(c.Args[1])
	o, s, ok := lookupString(c, v, key, false)
	if !ok {
		return
	}
	cur := new(big.Float)
	if o != nil {
		if cur, ok = parseLongDouble(s.B); !ok {
			c.Err(errNotFloat)
			return
		}
	}
	incr, ok := parseLongDouble(c.Args[2])
	if !ok {
		c.Err(errNotFloat)
		return
	}
	sum, ok := addLongDouble(cur, incr)
	if !ok {
		c.Err("ERR increment would produce NaN or Infinity")
		return
	}
	text := formatLongDouble(sum)
	if o == nil {
		v.Set(key, &engine.Str{B: []byte(text)}, false)
	} else {
		s.B = append(s.B[:0], text...)
		v.Modified(key, o)
	}
	c.W.BulkString(text)
}

// checkLength refuses a string that would grow past proto-max-bulk-len, as Redis'
// checkStringLength does (the sum is compared as well as its overflow).
func checkLength(c *Ctx, size, add int64) bool {
	total := size + add
	if total > c.srv.cfg.protoMaxBulkLen.Load() || total < size || total < add {
		c.Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
		return false
	}
	return true
}

// APPEND key value
func cmdAppend(c *Ctx) {
	key := c.Key(1)
	v := c.View(c.Args[1])
	o, s, ok := lookupString(c, v, key, false)
	if !ok {
		return
	}
	if o == nil {
		v.SetString(key, c.Args[2], false)
		c.W.Int(int64(len(c.Args[2])))
		return
	}
	if !checkLength(c, int64(len(s.B)), int64(len(c.Args[2]))) {
		return
	}
	s.B = append(s.B, c.Args[2]...)
	v.Modified(key, o)
	c.W.Int(int64(len(s.B)))
}

// STRLEN key
func cmdStrlen(c *Ctx) {
	o, s, ok := lookupString(c, c.View(c.Args[1]), c.Key(1), true)
	switch {
	case !ok:
	case o == nil:
		c.W.Int(0)
	default:
		c.W.Int(int64(len(s.B)))
	}
}

// GETRANGE key start end (also SUBSTR key start end)
func cmdGetrange(c *Ctx) {
	start, ok1 := parseInt(c.Args[2])
	end, ok2 := parseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.Err(errNotInt)
		return
	}
	o, s, ok := lookupString(c, c.View(c.Args[1]), c.Key(1), true)
	switch {
	case !ok:
	case o == nil:
		c.W.BulkString("")
	default:
		c.W.Bulk(byteRange(s.B, start, end))
	}
}

// byteRange applies GETRANGE's index rules: negative indexes count from the end, both
// ends are clamped, and an empty range (including two negative indexes out of order) is "".
func byteRange(b []byte, start, end int64) []byte {
	n := int64(len(b))
	if start < 0 && end < 0 && start > end {
		return nil
	}
	if start < 0 {
		start = max(n+start, 0)
	}
	if end < 0 {
		end = max(n+end, 0)
	}
	end = min(end, n-1)
	if start > end || n == 0 {
		return nil
	}
	return b[start : end+1]
}

// SETRANGE key offset value
func cmdSetrange(c *Ctx) {
	offset, ok := parseInt(c.Args[2])
	if !ok {
		c.Err(errNotInt)
		return
	}
	if offset < 0 {
		c.Err("ERR offset is out of range")
		return
	}
	val := c.Args[3]
	key := c.Key(1)
	v := c.View(c.Args[1])
	o, s, ok := lookupString(c, v, key, false)
	if !ok {
		return
	}
	// Writing nothing answers the current length, even past the size limit.
	if len(val) == 0 {
		if o == nil {
			c.W.Int(0)
		} else {
			c.W.Int(int64(len(s.B)))
		}
		return
	}
	if !checkLength(c, offset, int64(len(val))) {
		return
	}
	if o == nil {
		b := make([]byte, offset+int64(len(val)))
		copy(b[offset:], val)
		v.Set(key, &engine.Str{B: b}, false)
		c.W.Int(int64(len(b)))
		return
	}
	if need := offset + int64(len(val)); need > int64(len(s.B)) {
		s.B = append(s.B, make([]byte, need-int64(len(s.B)))...)
	}
	copy(s.B[offset:], val)
	v.Modified(key, o)
	c.W.Int(int64(len(s.B)))
}
