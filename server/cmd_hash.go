package server

import (
	"math"
	"math/big"
	"strconv"

	"darner/engine"
)

func hashCommands() []*Command {
	const (
		w  = FlagWrite | FlagDenyOOM | FlagFast
		ro = FlagReadonly | FlagFast
	)
	return []*Command{
		{Name: "hset", Arity: -4, Flags: w, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Sets fields of a hash, creating the hash if needed.", Handler: cmdHset},
		{Name: "hsetnx", Arity: 4, Flags: w, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Sets a hash field only if it is not set yet.", Handler: cmdHsetnx},
		{Name: "hmset", Arity: -4, Flags: w, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Sets fields of a hash (HSET's older form, replying OK).", Handler: cmdHmset},
		{Name: "hget", Arity: 3, Flags: ro, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Returns the value of one hash field.", Handler: cmdHget},
		{Name: "hmget", Arity: -3, Flags: ro, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Returns the values of several hash fields.", Handler: cmdHmget},
		{Name: "hgetall", Arity: 2, Flags: FlagReadonly, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Returns every field and value of a hash.", Handler: cmdHgetall},
		{Name: "hdel", Arity: -3, Flags: FlagWrite | FlagFast, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Removes fields from a hash; an emptied hash is deleted.", Handler: cmdHdel},
		{Name: "hexists", Arity: 3, Flags: ro, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Tells whether a hash field is set.", Handler: cmdHexists},
		{Name: "hlen", Arity: 2, Flags: ro, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Returns the number of fields of a hash.", Handler: cmdHlen},
		{Name: "hkeys", Arity: 2, Flags: FlagReadonly, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Returns every field name of a hash.", Handler: cmdHkeys},
		{Name: "hvals", Arity: 2, Flags: FlagReadonly, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Returns every value of a hash.", Handler: cmdHvals},
		{Name: "hincrby", Arity: 4, Flags: w, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.0.0",
			Summary: "Adds an integer to a hash field's integer value.", Handler: cmdHincrby},
		{Name: "hincrbyfloat", Arity: 4, Flags: w, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.6.0",
			Summary: "Adds a decimal number to a hash field's numeric value.", Handler: cmdHincrbyfloat},
		{Name: "hstrlen", Arity: 3, Flags: ro, First: 1, Last: 1, Step: 1, Group: "hash", Since: "3.2.0",
			Summary: "Returns the length in bytes of a hash field's value.", Handler: cmdHstrlen},
		{Name: "hrandfield", Arity: -2, Flags: FlagReadonly, First: 1, Last: 1, Step: 1, Group: "hash", Since: "6.2.0",
			Summary: "Returns random fields of a hash, distinct or not, with or without values.", Handler: cmdHrandfield},
		{Name: "hscan", Arity: -3, Flags: FlagReadonly, First: 1, Last: 1, Step: 1, Group: "hash", Since: "2.8.0",
			Summary: "Walks the fields and values of a hash with a cursor.", Handler: cmdHscan},
	}
}

// readHash returns the hash at Args[1] for a read (counted as a keyspace hit or miss), nil
// when there is no such key. When the key holds another type it answers WRONGTYPE itself
// and returns ok=false.
func readHash(c *Ctx) (h *engine.Hash, ok bool) {
	o := c.View(c.Args[1]).Read(c.Key(1))
	if o == nil {
		return nil, true
	}
	h, ok = o.Value.(*engine.Hash)
	if !ok {
		c.Err(errWrongType)
	}
	return h, ok
}

// hashWrite is the hash one command changes: an existing one, changed in place, or a new
// one, stored only when the command has put something in it.
type hashWrite struct {
	view engine.View
	key  string
	obj  *engine.Object // nil while the hash is new
	h    *engine.Hash
}

// writeHash opens the hash at Args[1] for writing, a new empty one when the key does not
// exist. When the key holds another type it answers WRONGTYPE itself and returns ok=false.
func writeHash(c *Ctx) (w hashWrite, ok bool) {
	w.view = c.View(c.Args[1])
	w.key = c.Key(1)
	o, err := w.view.GetType(w.key, engine.TypeHash)
	if err != nil {
		c.Err(errWrongType)
		return w, false
	}
	if o == nil {
		w.h = engine.NewHash()
		return w, true
	}
	w.obj, w.h = o, o.Value.(*engine.Hash)
	return w, true
}

// commit records a change made to w.h: a new hash is stored, an emptied one deleted (Redis
// never keeps an empty hash), an existing one reported to the view.
func (w hashWrite) commit() {
	switch {
	case w.h.Len() == 0:
		if w.obj != nil {
			w.view.Delete(w.key)
		}
	case w.obj == nil:
		w.view.Set(w.key, w.h, false)
	default:
		w.view.Modified(w.key, w.obj)
	}
}

// setPairs applies HSET/HMSET's field value pairs and returns how many fields were new.
// An odd number of arguments after the key is an arity error, as in Redis.
func setPairs(c *Ctx) (added int64, ok bool) {
	if len(c.Args)%2 != 0 {
		c.ArityErr()
		return 0, false
	}
	w, ok := writeHash(c)
	if !ok {
		return 0, false
	}
	for i := 2; i < len(c.Args); i += 2 {
		if w.h.Set(c.Key(i), c.Args[i+1]) {
			added++
		}
	}
	w.commit()
	return added, true
}

// HSET key field value [field value ...]
func cmdHset(c *Ctx) {
	if added, ok := setPairs(c); ok {
		c.W.Int(added)
	}
}

// HMSET key field value [field value ...]
func cmdHmset(c *Ctx) {
	if _, ok := setPairs(c); ok {
		c.W.OK()
	}
}

// HSETNX key field value
func cmdHsetnx(c *Ctx) {
	w, ok := writeHash(c)
	if !ok {
		return
	}
	field := string(c.Args[2])
	if _, exists := w.h.Get(field); exists {
		c.W.Int(0)
		return
	}
	w.h.Set(field, c.Args[3])
	w.commit()
	c.W.Int(1)
}

// HGET key field
func cmdHget(c *Ctx) {
	h, ok := readHash(c)
	if !ok {
		return
	}
	if h == nil {
		c.W.Null()
		return
	}
	if v, found := h.Get(c.Key(2)); found {
		c.W.Bulk(v)
		return
	}
	c.W.Null()
}

// HMGET key field [field ...]
func cmdHmget(c *Ctx) {
	h, ok := readHash(c)
	if !ok {
		return
	}
	fields := c.Args[2:]
	c.W.Array(len(fields))
	for _, f := range fields {
		var v []byte
		found := false
		if h != nil {
			v, found = h.Get(string(f))
		}
		if found {
			c.W.Bulk(v)
		} else {
			c.W.Null()
		}
	}
}

// HGETALL key
func cmdHgetall(c *Ctx) {
	h, ok := readHash(c)
	if !ok {
		return
	}
	if h == nil {
		c.W.Map(0)
		return
	}
	c.W.Map(h.Len())
	h.Range(func(f string, v []byte) bool {
		c.W.BulkString(f)
		c.W.Bulk(v)
		return true
	})
}

// HKEYS key
func cmdHkeys(c *Ctx) { writeHashColumn(c, true) }

// HVALS key
func cmdHvals(c *Ctx) { writeHashColumn(c, false) }

// writeHashColumn answers HKEYS (fields) or HVALS (values).
func writeHashColumn(c *Ctx, fields bool) {
	h, ok := readHash(c)
	if !ok {
		return
	}
	if h == nil {
		c.W.Array(0)
		return
	}
	c.W.Array(h.Len())
	h.Range(func(f string, v []byte) bool {
		if fields {
			c.W.BulkString(f)
		} else {
			c.W.Bulk(v)
		}
		return true
	})
}

// HDEL key field [field ...]
func cmdHdel(c *Ctx) {
	w, ok := writeHash(c)
	if !ok {
		return
	}
	var n int64
	if w.obj != nil {
		for _, f := range c.Args[2:] {
			if w.h.Delete(string(f)) {
				n++
			}
		}
	}
	if n > 0 {
		w.commit()
	}
	c.W.Int(n)
}

// HEXISTS key field
func cmdHexists(c *Ctx) {
	h, ok := readHash(c)
	if !ok {
		return
	}
	found := false
	if h != nil {
		_, found = h.Get(c.Key(2))
	}
	if found {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

// HLEN key
func cmdHlen(c *Ctx) {
	h, ok := readHash(c)
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(h.Len()))
}

// HSTRLEN key field
func cmdHstrlen(c *Ctx) {
	h, ok := readHash(c)
	if !ok {
		return
	}
	var v []byte
	if h != nil {
		v, _ = h.Get(c.Key(2))
	}
	c.W.Int(int64(len(v)))
}

// HINCRBY key field increment
func cmdHincrby(c *Ctx) {
	incr, ok := parseInt(c.Args[3])
	if !ok {
		c.Err(errNotInt)
		return
	}
	w, ok := writeHash(c)
	if !ok {
		return
	}
	field := string(c.Args[2])
	var cur int64
	if v, found := w.h.Get(field); found {
		if cur, ok = parseInt(v); !ok {
			c.Err("ERR hash value is not an integer")
			return
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) ||
		(incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		c.Err(errOverflow)
		return
	}
	cur += incr
	var buf [20]byte
	w.h.Set(field, strconv.AppendInt(buf[:0], cur, 10))
	w.commit()
	c.W.Int(cur)
}

// HINCRBYFLOAT key field increment
func cmdHincrbyfloat(c *Ctx) {
	incr, ok := parseLongDouble(c.Args[3])
	if !ok {
		c.Err(errNotFloat)
		return
	}
	if incr.IsInf() {
		c.Err("ERR value is NaN or Infinity")
		return
	}
	w, ok := writeHash(c)
	if !ok {
		return
	}
	field := string(c.Args[2])
	cur := new(big.Float)
	if v, found := w.h.Get(field); found {
		if cur, ok = parseLongDouble(v); !ok {
			c.Err("ERR hash value is not a float")
			return
		}
	}
	sum, ok := addLongDouble(cur, incr)
	if !ok {
		c.Err("ERR increment would produce NaN or Infinity")
		return
	}
	s := formatLongDouble(sum)
	w.h.Set(field, []byte(s))
	w.commit()
	c.W.BulkString(s)
}

// maxRandReplyBytes bounds the reply of HRANDFIELD with a negative count, which repeats
// fields and so is not bounded by the hash. Redis would build any size until memory runs
// out; darner answers Redis' out-of-range error instead (replies are built in memory).
const maxRandReplyBytes = 512 << 20

// HRANDFIELD key [count [WITHVALUES]]
func cmdHrandfield(c *Ctx) {
	if len(c.Args) == 2 {
		h, ok := readHash(c)
		switch {
		case !ok:
		case h == nil:
			c.W.Null()
		default:
			f, _ := h.Random(nil)
			c.W.BulkString(f)
		}
		return
	}
	count, withValues, ok := parseRandCount(c)
	if !ok {
		return
	}
	h, ok := readHash(c)
	if !ok {
		return
	}
	if h == nil || count == 0 {
		c.W.Array(0)
		return
	}
	n := h.Len()
	switch {
	case count < 0:
		if -count > maxRandReplyBytes/(h.Size()/int64(n)) {
			c.Err("ERR value is out of range")
			return
		}
		writeRandHeader(c.W, int(-count), withValues)
		for range -count {
			f, v := h.Random(nil)
			writeRandEntry(c.W, withValues, f, v)
		}
	case count >= int64(n):
		writeRandHeader(c.W, n, withValues)
		h.Range(func(f string, v []byte) bool {
			writeRandEntry(c.W, withValues, f, v)
			return true
		})
	default:
		writeRandHeader(c.W, int(count), withValues)
		h.RandomDistinct(nil, int(count), func(f string, v []byte) {
			writeRandEntry(c.W, withValues, f, v)
		})
	}
}

// parseRandCount reads HRANDFIELD's count and WITHVALUES, answering errors in Redis' order.
func parseRandCount(c *Ctx) (count int64, withValues, ok bool) {
	count, ok = parseInt(c.Args[2])
	if !ok {
		c.Err(errNotInt)
		return 0, false, false
	}
	if count == math.MinInt64 {
		c.Err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
		return 0, false, false
	}
	if len(c.Args) > 4 || (len(c.Args) == 4 && !asciiEqualFold(c.Args[3], "withvalues")) {
		c.Err(errSyntax)
		return 0, false, false
	}
	withValues = len(c.Args) == 4
	// Redis refuses what would overflow once doubled for the values.
	if withValues && (count < -math.MaxInt64/2 || count > math.MaxInt64/2) {
		c.Err("ERR value is out of range")
		return 0, false, false
	}
	return count, withValues, true
}

// writeRandHeader writes the array header for n picks: RESP2 flattens field value pairs,
// RESP3 nests each pair in its own array.
func writeRandHeader(w *Writer, n int, withValues bool) {
	if withValues && !w.RESP3() {
		n *= 2
	}
	w.Array(n)
}

func writeRandEntry(w *Writer, withValues bool, field string, value []byte) {
	if !withValues {
		w.BulkString(field)
		return
	}
	if w.RESP3() {
		w.Array(2)
	}
	w.BulkString(field)
	w.Bulk(value)
}

// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]
func cmdHscan(c *Ctx) {
	cursor, ok := parseScanCursor(c, 2)
	if !ok {
		return
	}
	h, ok := readHash(c)
	if !ok {
		return
	}
	if h == nil {
		// Redis answers a missing key before it looks at the options.
		writeScanHeader(c.W, 0, 0)
		return
	}
	opt, ok := parseScanOptions(c, 3, true)
	if !ok {
		return
	}
	var fields []string
	var values [][]byte
	next := h.Scan(cursor, int(min(opt.count, math.MaxInt)), func(f string, v []byte) {
		if opt.useMatch && !matchGlob(opt.match, f, false) {
			return
		}
		fields = append(fields, f)
		values = append(values, v)
	})
	if opt.noValues {
		writeScanHeader(c.W, next, len(fields))
	} else {
		writeScanHeader(c.W, next, 2*len(fields))
	}
	for i, f := range fields {
		c.W.BulkString(f)
		if !opt.noValues {
			c.W.Bulk(values[i])
		}
	}
}

// asciiEqualFold compares an argument with a lower-case ASCII keyword, ignoring case.
func asciiEqualFold(arg []byte, lower string) bool {
	if len(arg) != len(lower) {
		return false
	}
	for i, ch := range arg {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != lower[i] {
			return false
		}
	}
	return true
}
