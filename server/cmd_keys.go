package server

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"

	"darner/engine"
)

func keyCommands() []*Command {
	const ro, w = FlagReadonly, FlagWrite
	key := func(name string, arity int, flags Flag, since, summary string, h func(*Ctx)) *Command {
		return keyRange("generic", name, arity, flags, 1, since, summary, h)
	}
	keys := func(name string, arity int, flags Flag, last int, since, summary string, h func(*Ctx)) *Command {
		return keyRange("generic", name, arity, flags, last, since, summary, h)
	}
	whole := func(name string, arity int, since, summary string, h func(*Ctx)) *Command {
		return &Command{Name: name, Arity: arity, Flags: ro | FlagAllShards,
			Group: "generic", Since: since, Summary: summary, Handler: h}
	}
	return []*Command{
		keys("del", -2, w, -1, "1.0.0", "Deletes keys.", cmdDel),
		keys("unlink", -2, w|FlagFast, -1, "4.0.0", "Deletes keys (darner frees memory the same way as DEL).", cmdDel),
		keys("exists", -2, ro|FlagFast, -1, "1.0.0", "Counts how many of the given keys exist, repeats counted.", cmdExists),
		keys("touch", -2, ro|FlagFast, -1, "3.2.1", "Counts how many of the given keys exist, as a read of each.", cmdExists),
		key("type", 2, ro|FlagFast, "1.0.0", "Returns the type of a key's value, or none.", cmdType),
		key("expire", -3, w|FlagFast, "1.0.0", "Sets a key's time to live in seconds.", cmdExpire),
		key("pexpire", -3, w|FlagFast, "2.6.0", "Sets a key's time to live in milliseconds.", cmdPexpire),
		key("expireat", -3, w|FlagFast, "1.2.0", "Sets a key's expiry to a Unix time in seconds.", cmdExpireat),
		key("pexpireat", -3, w|FlagFast, "2.6.0", "Sets a key's expiry to a Unix time in milliseconds.", cmdPexpireat),
		key("ttl", 2, ro|FlagFast, "1.0.0", "Returns a key's time to live in seconds.", cmdTTL),
		key("pttl", 2, ro|FlagFast, "2.6.0", "Returns a key's time to live in milliseconds.", cmdPTTL),
		key("expiretime", 2, ro|FlagFast, "7.0.0", "Returns a key's expiry as a Unix time in seconds.", cmdExpiretime),
		key("pexpiretime", 2, ro|FlagFast, "7.0.0", "Returns a key's expiry as a Unix time in milliseconds.", cmdPexpiretime),
		key("persist", 2, w|FlagFast, "2.2.0", "Removes a key's expiry.", cmdPersist),
		keys("rename", 3, w, 2, "1.0.0", "Renames a key, replacing any key of the new name.", cmdRename),
		keys("renamenx", 3, w|FlagFast, 2, "1.0.0", "Renames a key only if the new name is free.", cmdRenamenx),
		keys("copy", -3, w|FlagDenyOOM, 2, "6.2.0", "Copies a key's value and expiry to another key, in this or another database.", cmdCopy),
		whole("keys", 2, "1.0.0", "Returns every key name matching a glob pattern.", cmdKeys),
		whole("scan", -2, "2.8.0", "Walks the key names of the database with a cursor.", cmdScan),
		whole("randomkey", 1, "1.0.0", "Returns a random key name.", cmdRandomkey),
	}
}

// DEL key [key ...] (also UNLINK)
func cmdDel(c *Ctx) {
	var n int64
	for _, k := range c.Args[1:] {
		if c.View(k).Delete(string(k)) {
			n++
		}
	}
	c.W.Int(n)
}

// EXISTS key [key ...] (also TOUCH)
func cmdExists(c *Ctx) {
	var n int64
	for _, k := range c.Args[1:] {
		if c.View(k).Read(string(k)) != nil {
			n++
		}
	}
	c.W.Int(n)
}

// TYPE key
func cmdType(c *Ctx) {
	o := c.View(c.Args[1]).Read(c.Key(1))
	if o == nil {
		c.W.Simple("none")
		return
	}
	c.W.Simple(o.Value.Type().String())
}

// EXPIRE key seconds [NX | XX | GT | LT]
func cmdExpire(c *Ctx) { expireGeneric(c, c.Now(), true) }

// PEXPIRE key milliseconds [NX | XX | GT | LT]
func cmdPexpire(c *Ctx) { expireGeneric(c, c.Now(), false) }

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
func cmdExpireat(c *Ctx) { expireGeneric(c, 0, true) }

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
func cmdPexpireat(c *Ctx) { expireGeneric(c, 0, false) }

// The conditions of the EXPIRE family.
const (
	expNX = 1 << iota
	expXX
	expGT
	expLT
)

func parseExpireFlags(c *Ctx) (int, bool) {
	flags := 0
	for _, a := range c.Args[3:] {
		switch {
		case asciiEqualFold(a, "nx"):
			flags |= expNX
		case asciiEqualFold(a, "xx"):
			flags |= expXX
		case asciiEqualFold(a, "gt"):
			flags |= expGT
		case asciiEqualFold(a, "lt"):
			flags |= expLT
		default:
			c.Err(Error("ERR Unsupported option " + string(a)))
			return 0, false
		}
	}
	switch {
	case flags&expNX != 0 && flags&(expXX|expGT|expLT) != 0:
		c.Err("ERR NX and XX, GT or LT options at the same time are not compatible")
		return 0, false
	case flags&expGT != 0 && flags&expLT != 0:
		c.Err("ERR GT and LT options at the same time are not compatible")
		return 0, false
	}
	return flags, true
}

// expireGeneric sets an expiry of base + the time argument (in seconds or milliseconds). A
// time at or before now deletes the key; a key without expiry counts as expiring never,
// so GT never applies to it and LT always does.
func expireGeneric(c *Ctx, base int64, seconds bool) {
	flags, ok := parseExpireFlags(c)
	if !ok {
		return
	}
	when, ok := parseInt(c.Args[2])
	if !ok {
		c.Err(errNotInt)
		return
	}
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.Err(invalidExpire(c))
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		c.Err(invalidExpire(c))
		return
	}
	when += base
	key := c.Key(1)
	v := c.View(c.Args[1])
	o := v.Get(key)
	if o == nil {
		c.W.Int(0)
		return
	}
	cur := o.Expire
	if (flags&expNX != 0 && cur != 0) ||
		(flags&expXX != 0 && cur == 0) ||
		(flags&expGT != 0 && (cur == 0 || when <= cur)) ||
		(flags&expLT != 0 && cur != 0 && when >= cur) {
		c.Propagate() // nothing changed
		c.W.Int(0)
		return
	}
	if when <= v.Now() {
		v.Delete(key) // also for when == 0, which SetExpire would read as "persist"
		if c.logging() {
			c.Propagate([]byte("DEL"), c.Args[1])
		}
	} else {
		v.SetExpire(key, o, when)
		if c.logging() {
			c.Propagate([]byte("PEXPIREAT"), c.Args[1], strconv.AppendInt(nil, when, 10))
		}
	}
	c.W.Int(1)
}

// TTL key
func cmdTTL(c *Ctx) { ttlGeneric(c, false, false) }

// PTTL key
func cmdPTTL(c *Ctx) { ttlGeneric(c, true, false) }

// EXPIRETIME key
func cmdExpiretime(c *Ctx) { ttlGeneric(c, false, true) }

// PEXPIRETIME key
func cmdPexpiretime(c *Ctx) { ttlGeneric(c, true, true) }

// ttlGeneric answers -2 for a missing key, -1 for one without expiry, else the time left
// (or the expiry time, with abs). Seconds are rounded to the nearest, as Redis does.
func ttlGeneric(c *Ctx, ms, abs bool) {
	v := c.View(c.Args[1])
	o := v.Read(c.Key(1))
	switch {
	case o == nil:
		c.W.Int(-2)
		return
	case o.Expire == 0:
		c.W.Int(-1)
		return
	}
	t := o.Expire
	if !abs {
		t = max(t-v.Now(), 0)
	}
	if !ms {
		// Unsigned, so that PEXPIREAT's largest time rounds as Redis' compiled code does.
		t = int64((uint64(t) + 500) / 1000)
	}
	c.W.Int(t)
}

// PERSIST key
func cmdPersist(c *Ctx) {
	key := c.Key(1)
	v := c.View(c.Args[1])
	o := v.Get(key)
	if o == nil || o.Expire == 0 {
		c.W.Int(0)
		return
	}
	v.SetExpire(key, o, 0)
	c.W.Int(1)
}

// RENAME key newkey
func cmdRename(c *Ctx) { rename(c, false) }

// RENAMENX key newkey
func cmdRenamenx(c *Ctx) { rename(c, true) }

// rename moves the value and expiry of Args[1] to Args[2], which may be on another shard
// (both are declared, so both are locked).
func rename(c *Ctx, nx bool) {
	src, dst := c.Key(1), c.Key(2)
	sv := c.View(c.Args[1])
	o := sv.Get(src)
	if o == nil {
		c.Err(errNoSuchKey)
		return
	}
	if src == dst {
		replyDone(c, nx, false)
		return
	}
	dv := c.View(c.Args[2])
	if nx && dv.Get(dst) != nil {
		c.W.Int(0)
		return
	}
	val, exp := o.Value, o.Expire
	sv.Delete(src)
	no := dv.Set(dst, val, false)
	if exp != 0 {
		dv.SetExpire(dst, no, exp)
	}
	replyDone(c, nx, true)
}

// replyDone answers RENAME's OK, or RENAMENX's 1 (done) or 0.
func replyDone(c *Ctx, nx, done bool) {
	switch {
	case !nx:
		c.W.OK()
	case done:
		c.W.Int(1)
	default:
		c.W.Int(0)
	}
}

// COPY source destination [DB destination-db] [REPLACE]
func cmdCopy(c *Ctx) {
	db, replace := c.cl.db(), false
	for i := 3; i < len(c.Args); i++ {
		switch {
		case asciiEqualFold(c.Args[i], "replace"):
			replace = true
		case asciiEqualFold(c.Args[i], "db") && i+1 < len(c.Args):
			n, ok := parseInt(c.Args[i+1])
			if !ok {
				c.Err(errNotInt)
				return
			}
			if n < math.MinInt32 || n > math.MaxInt32 {
				c.Err("ERR value is out of range, value must between -2147483648 and 2147483647")
				return
			}
			if n < 0 || n >= engine.NumDBs {
				c.Err(errDBIndex)
				return
			}
			db = int(n)
			i++
		default:
			c.Err(errSyntax)
			return
		}
	}
	src, dst := c.Key(1), c.Key(2)
	if db == c.cl.db() && src == dst {
		c.Err("ERR source and destination objects are the same")
		return
	}
	o := c.View(c.Args[1]).Read(src)
	if o == nil {
		c.W.Int(0)
		return
	}
	val, exp := o.Value.Clone(), o.Expire
	// The destination is the declared key Args[2], in whichever database: its shard is locked.
	dv := c.ViewDB(db, c.Args[2])
	if !replace && dv.Get(dst) != nil {
		c.W.Int(0)
		return
	}
	no := dv.Set(dst, val, false)
	if exp != 0 {
		dv.SetExpire(dst, no, exp)
	}
	c.W.Int(1)
}

// KEYS pattern
func cmdKeys(c *Ctx) {
	pattern := string(c.Args[1])
	all := pattern == "*" // as in Redis, this also lists the empty key, which "*" does not match
	var keys []string
	for _, v := range c.Views() {
		v.Range(func(k string, _ *engine.Object) bool {
			if all || matchGlob(pattern, k, false) {
				keys = append(keys, k)
			}
			return true
		})
	}
	c.W.Array(len(keys))
	for _, k := range keys {
		c.W.BulkString(k)
	}
}

// RANDOMKEY
func cmdRandomkey(c *Ctx) {
	views := c.Views()
	total := 0
	for _, v := range views {
		total += v.Len()
	}
	if total == 0 {
		c.W.Null()
		return
	}
	// Pick a shard in proportion to its keys, so every key is about equally likely; a shard
	// whose samples find only expired keys passes the turn to the next.
	pick := rand.IntN(total)
	start := 0
	for pick >= views[start].Len() {
		pick -= views[start].Len()
		start++
	}
	for i := range views {
		if k, _, ok := views[(start+i)%len(views)].Random(); ok {
			c.W.BulkString(k)
			return
		}
	}
	c.W.Null()
}

// scanOptions are the options after a SCAN-family cursor.
type scanOptions struct {
	count    int64
	match    string
	useMatch bool   // false when there is no pattern, or it is "*": the matcher is skipped, as Redis does
	typ      string // SCAN's TYPE; "" for every type
	noValues bool   // HSCAN's NOVALUES (Redis 7.4)
}

// parseScanOptions reads the options from Args[from] on. TYPE is SCAN's only and NOVALUES
// HSCAN's only (hash), with Redis' errors when they come with the other command.
func parseScanOptions(c *Ctx, from int, hash bool) (opt scanOptions, ok bool) {
	opt.count = 10
	args := c.Args[from:]
	for len(args) > 0 {
		switch {
		case asciiEqualFold(args[0], "count") && len(args) >= 2:
			n, ok := parseInt(args[1])
			if !ok {
				c.Err(errNotInt)
				return opt, false
			}
			if n < 1 {
				c.Err(errSyntax)
				return opt, false
			}
			opt.count = n
			args = args[2:]
		case asciiEqualFold(args[0], "match") && len(args) >= 2:
			opt.match = string(args[1])
			opt.useMatch = opt.match != "*"
			args = args[2:]
		case asciiEqualFold(args[0], "type") && len(args) >= 2 && !hash:
			opt.typ = string(args[1])
			args = args[2:]
		case asciiEqualFold(args[0], "novalues"):
			if !hash {
				c.Err("ERR NOVALUES option can only be used in HSCAN")
				return opt, false
			}
			opt.noValues = true
			args = args[1:]
		default:
			c.Err(errSyntax)
			return opt, false
		}
	}
	return opt, true
}

// parseScanCursor reads the cursor at Args[i], answering the error itself (ok=false).
func parseScanCursor(c *Ctx, i int) (uint64, bool) {
	cursor, ok := parseCursor(c.Args[i])
	if !ok {
		c.Err("ERR invalid cursor")
	}
	return cursor, ok
}

// writeScanHeader starts a SCAN-family reply: the next cursor, then the array of n
// elements the caller writes.
func writeScanHeader(w *Writer, next uint64, n int) {
	w.Array(2)
	w.BulkString(strconv.FormatUint(next, 10))
	w.Array(n)
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//
// The cursor walks the shards in order and each shard's dict with the dict's own cursor. It
// carries both: the shard index in its low b bits (b = bits needed for the shard count), the
// dict cursor above them. A full scan thus returns every key present from start to end,
// however the shards' tables grow or shrink meanwhile.
//
//	 63                     b   b-1        0
//	[      dict cursor       | shard index  ]
func cmdScan(c *Ctx) {
	cursor, ok := parseScanCursor(c, 1)
	if !ok {
		return
	}
	opt, ok := parseScanOptions(c, 2, false)
	if !ok {
		return
	}
	views := c.Views()
	b := bits.Len(uint(len(views) - 1))
	shard, dc := int(cursor&(1<<b-1)), cursor>>b
	var found []string
	if shard < len(views) { // else not a cursor of ours: the scan is over
		shard, dc, found = scanShards(views, shard, dc, opt)
	}
	next := uint64(0)
	if shard < len(views) {
		next = dc<<b | uint64(shard)
	}
	writeScanHeader(c.W, next, len(found))
	for _, k := range found {
		c.W.BulkString(k)
	}
}

// scanShards runs SCAN's loop from shard's dict cursor dc: one bucket at a time, moving to
// the next shard when one is done, until count keys were looked at or ten times count
// buckets were, as Redis bounds its own loop. It returns where to resume (shard ==
// len(views) when everything was seen) and the keys that pass the filters.
func scanShards(views []engine.View, shard int, dc uint64, opt scanOptions) (int, uint64, []string) {
	budget := opt.count * 10
	if opt.count > math.MaxInt64/10 {
		budget = math.MaxInt64
	}
	var found []string
	var seen int64
	for {
		dc = views[shard].Scan(dc, func(k string, o *engine.Object) {
			seen++
			if opt.useMatch && !matchGlob(opt.match, k, false) {
				return
			}
			if opt.typ != "" && !strings.EqualFold(opt.typ, o.Value.Type().String()) {
				return
			}
			found = append(found, k)
		})
		if dc == 0 {
			if shard++; shard == len(views) {
				return shard, 0, found
			}
		}
		if budget--; budget <= 0 || seen >= opt.count {
			return shard, dc, found
		}
	}
}
