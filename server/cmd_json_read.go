package server

import (
	"strings"

	"darner/engine"
	"darner/jsonpath"
)

// jsonGetOptions are JSON.GET's arguments once read.
type jsonGetOptions struct {
	layout jsonpath.Format
	format jsonReplyFormat
	paths  []string
}

// parseJSONGet reads JSON.GET's options and paths, which may come in any order as in
// RedisJSON: an argument longer than any option name is always a path. It answers the
// error itself (ok=false).
func parseJSONGet(c *Ctx) (o jsonGetOptions, ok bool) {
	for i := 2; i < len(c.Args); i++ {
		a := c.Args[i]
		if len(a) > len("NOESCAPE") {
			o.paths = append(o.paths, string(a))
			continue
		}
		opt := strings.ToUpper(string(a))
		switch opt {
		case "NOESCAPE": // RedisJSON 1's option, still accepted and ignored
			continue
		case "FORMAT", "INDENT", "NEWLINE", "SPACE":
		default:
			o.paths = append(o.paths, string(a))
			continue
		}
		if opt == "FORMAT" && !c.W.RESP3() && len(o.paths) == 0 {
			c.Err(errJSONFormatRESP2)
			return o, false
		}
		if i+1 == len(c.Args) {
			c.ArityErr()
			return o, false
		}
		i++
		val := string(c.Args[i])
		switch opt {
		case "FORMAT":
			f, ok := parseReplyFormat(c.Args[i])
			if !ok || f == fmtStrings { // STRINGS is JSON.ARRPOP's
				c.Err(errJSONReplyFormat)
				return o, false
			}
			o.format = f
		case "INDENT":
			o.layout.Indent = val
		case "NEWLINE":
			o.layout.Newline = val
		case "SPACE":
			o.layout.Space = val
		}
	}
	if len(o.paths) == 0 {
		o.paths = []string{"."}
	}
	return o, true
}

// JSON.GET key [INDENT indent] [NEWLINE newline] [SPACE space] [FORMAT STRING|EXPAND1|EXPAND]
// [path ...]
func cmdJSONGet(c *Ctx) {
	o, ok := parseJSONGet(c)
	if !ok {
		return
	}
	d, ok := openJSON(c, c.Args[1], true)
	switch {
	case !ok:
	case !d.exists():
		c.W.Null()
	case c.W.RESP3() && o.format != fmtString:
		jsonGetRESP3(c, d.root(), o)
	case len(o.paths) > 1:
		jsonGetMulti(c, d.root(), o)
	default:
		jsonGetOne(c, d.root(), o)
	}
}

// jsonGetOne answers a single path: the value for a legacy path, the array of matches for
// a JSONPath.
func jsonGetOne(c *Ctx, root any, o jsonGetOptions) {
	p, ok := compilePath(c, o.paths[0])
	if !ok {
		return
	}
	if !p.Legacy() {
		c.W.Bulk(o.layout.Serialize(p.Get(root)))
		return
	}
	v, found := p.First(root)
	if !found {
		c.Err(errJSONNoPath)
		return
	}
	c.W.Bulk(o.layout.Serialize(v))
}

// jsonGetMulti answers several paths with one JSON object keyed by the paths as written:
// each value is the array of matches, or the first match when every path is legacy (then
// a path with no match is an error). As in RedisJSON a path that does not compile is
// left out, and a path given twice appears once. RedisJSON's keys come in hash-map
// order; here they come in the order of the arguments.
func jsonGetMulti(c *Ctx, root any, o jsonGetOptions) {
	allLegacy := true
	for _, text := range o.paths {
		allLegacy = allLegacy && !isJSONPathText(text)
	}
	out := jsonpath.NewObject(len(o.paths))
	for _, text := range o.paths {
		p, err := jsonpath.Compile(text)
		if err != nil {
			continue
		}
		vals := p.Get(root)
		switch {
		case !allLegacy:
			out.Set(text, jsonpath.NewArray(vals...))
		case len(vals) == 0:
			c.Err(errJSONNoPath)
			return
		default:
			out.Set(text, vals[0])
		}
	}
	c.W.Bulk(o.layout.Serialize(out))
}

// jsonGetRESP3 answers FORMAT EXPAND1 / EXPAND: one array of matches per path, legacy
// paths included, an empty one for a path that does not compile.
func jsonGetRESP3(c *Ctx, root any, o jsonGetOptions) {
	c.W.Array(len(o.paths))
	for _, text := range o.paths {
		p, err := jsonpath.Compile(text)
		if err != nil {
			c.W.Array(0)
			continue
		}
		vals := p.Get(root)
		c.W.Array(len(vals))
		for _, v := range vals {
			writeJSONValue(c.W, v, o.format, o.layout)
		}
	}
}

// JSON.MGET key [key ...] path
func cmdJSONMget(c *Ctx) {
	last := len(c.Args) - 1
	p, err := jsonpath.Compile(string(c.Args[last]))
	c.W.Array(last - 1)
	for _, k := range c.Args[1:last] {
		// A missing key, another type or a bad path is a nil for that key, never an error.
		var doc *engine.JSON
		if o := c.View(k).Read(string(k)); o != nil {
			doc, _ = o.Value.(*engine.JSON)
		}
		switch {
		case err != nil || doc == nil:
			c.W.Null()
		case p.Legacy():
			if v, found := p.First(doc.Root); found {
				c.W.Bulk(jsonpath.Serialize(v))
			} else {
				c.W.Null()
			}
		default:
			c.W.Bulk(jsonpath.Serialize(p.Get(doc.Root)))
		}
	}
}

// JSON.TYPE key [path]
//
// RESP3 wraps the RESP2 reply in an array of one, as RedisJSON does.
func cmdJSONType(c *Ctx) {
	d, ok := openJSON(c, c.Args[1], true)
	if !ok {
		return
	}
	text := pathArg(c, 2)
	wrap := func() {
		if c.W.RESP3() {
			c.W.Array(1)
		}
	}
	if !d.exists() {
		wrap()
		c.W.Null()
		return
	}
	if isJSONPathText(text) {
		p, ok := compilePath(c, text)
		if !ok {
			return
		}
		vals := p.Get(d.root())
		wrap()
		c.W.Array(len(vals))
		for _, v := range vals {
			c.W.BulkString(jsonpath.TypeName(v))
		}
		return
	}
	// A legacy path: the first match's type, nil when there is none or the path is bad.
	wrap()
	if v, found := lenientFirst(&d, text); found {
		c.W.BulkString(jsonpath.TypeName(v))
	} else {
		c.W.Null()
	}
}

// openJSONLen opens Args[1] at the path Args[2] (the legacy root when absent) for
// JSON.STRLEN and JSON.ARRLEN, which answer a missing key with nil for a legacy path and
// an error for a JSONPath. It answers that, and a path that does not compile, itself
// (ok=false).
func openJSONLen(c *Ctx) (d jsonDoc, p *jsonpath.Path, legacy, ok bool) {
	if d, ok = openJSON(c, c.Args[1], true); !ok {
		return d, nil, false, false
	}
	text := pathArg(c, 2)
	legacy = !isJSONPathText(text)
	switch {
	case !d.exists() && legacy:
		c.W.Null()
		return d, nil, legacy, false
	case !d.exists():
		c.Err(errJSONNoKey)
		return d, nil, legacy, false
	}
	p, ok = compilePath(c, text)
	return d, p, legacy, ok
}

// JSON.STRLEN key [path]
func cmdJSONStrlen(c *Ctx) {
	d, p, legacy, ok := openJSONLen(c)
	if !ok {
		return
	}
	strlen := func(s string) { c.W.Int(int64(len(s))) }
	if legacy {
		v, found := p.First(d.root())
		writeFirstOf(c, v, found, errJSONNoPath, errJSONExpected("string"), strlen)
		return
	}
	writeMatchesOf(c.W, p.Get(d.root()), strlen)
}

// JSON.ARRLEN key [path]
func cmdJSONArrlen(c *Ctx) {
	d, p, legacy, ok := openJSONLen(c)
	if !ok {
		return
	}
	vals := p.Get(d.root())
	arrlen := func(a *jsonpath.Array) { c.W.Int(int64(a.Len())) }
	if legacy {
		var first any
		if len(vals) > 0 {
			first = vals[0]
		}
		writeFirstOf(c, first, len(vals) > 0, errJSONNoPath, errJSONPathOr("not an array"), arrlen)
		return
	}
	writeMatchesOf(c.W, vals, arrlen)
}

// JSON.ARRINDEX key path value [start [stop]]
func cmdJSONArrindex(c *Ctx) {
	if len(c.Args) > 6 {
		c.ArityErr()
		return
	}
	var start, stop int64
	var ok bool
	if len(c.Args) > 4 {
		if start, ok = parseJSONInt(c, c.Args[4]); !ok {
			return
		}
	}
	if len(c.Args) > 5 {
		if stop, ok = parseJSONInt(c, c.Args[5]); !ok {
			return
		}
	}
	needle, ok := parseJSONArg(c, c.Args[3], true)
	if !ok {
		return
	}
	d, ok := openJSON(c, c.Args[1], true)
	if !ok {
		return
	}
	if !d.exists() {
		c.Err(errJSONNoPath)
		return
	}
	p, ok := compilePath(c, string(c.Args[2]))
	if !ok {
		return
	}
	index := func(a *jsonpath.Array) { c.W.Int(arrIndex(a, needle, start, stop)) }
	if p.Legacy() {
		v, found := p.First(d.root())
		writeFirstOf(c, v, found, errJSONNoPath, errJSONExpected("array"), index)
		return
	}
	writeMatchesOf(c.W, p.Get(d.root()), index)
}

// arrIndex is the first position of needle in a[start:stop], -1 if none, with RedisJSON's
// bounds: negative ones count from the end, a start past the end is the last element,
// a stop of 0 (or none) is the end, a stop past the end is the end.
func arrIndex(a *jsonpath.Array, needle any, start, stop int64) int64 {
	n := int64(a.Len())
	if n == 0 {
		return -1
	}
	if start < 0 {
		start = max(0, n+start)
	} else {
		start = min(start, n-1)
	}
	switch {
	case stop == 0:
		stop = n
	case stop < 0:
		stop = max(0, n+stop)
	default:
		stop = min(stop, n)
	}
	for i := start; i < stop; i++ {
		if jsonpath.Equal(a.At(int(i)), needle) {
			return i
		}
	}
	return -1
}

// JSON.OBJKEYS key [path]
func cmdJSONObjkeys(c *Ctx) {
	jsonObjectRead(c, errJSONPathOr("not an object"), errJSONNoKey, func(o *jsonpath.Object) {
		c.W.Array(o.Len())
		for k := range o.All() {
			c.W.BulkString(k)
		}
	})
}

// JSON.OBJLEN key [path]
func cmdJSONObjlen(c *Ctx) {
	jsonObjectRead(c, errJSONExpected("object"), errJSONPathOr("not an object"), func(o *jsonpath.Object) {
		c.W.Int(int64(o.Len()))
	})
}

// jsonObjectRead answers JSON.OBJKEYS and OBJLEN, write's reply for each object at the path
// Args[2] (the legacy root when absent). A legacy path answers nil for a missing key or
// path (a bad one too) and wrongKind for a value that is not an object; a JSONPath answers
// noKey for a missing key. The two commands differ in those errors as in RedisJSON.
func jsonObjectRead(c *Ctx, wrongKind, noKey Error, write func(*jsonpath.Object)) {
	d, ok := openJSON(c, c.Args[1], true)
	if !ok {
		return
	}
	text := pathArg(c, 2)
	if !isJSONPathText(text) {
		v, found := lenientFirst(&d, text)
		writeFirstOf(c, v, found, "", wrongKind, write)
		return
	}
	if !d.exists() {
		c.Err(noKey)
		return
	}
	p, ok := compilePath(c, text)
	if !ok {
		return
	}
	writeMatchesOf(c.W, p.Get(d.root()), write)
}

// JSON.RESP key [path]
func cmdJSONResp(c *Ctx) {
	d, ok := openJSON(c, c.Args[1], true)
	if !ok {
		return
	}
	if !d.exists() {
		c.W.Null()
		return
	}
	p, ok := compilePath(c, pathArg(c, 2))
	if !ok {
		return
	}
	if p.Legacy() {
		v, found := p.First(d.root())
		if !found {
			c.Err(errJSONNoPath)
			return
		}
		writeRESPForm(c.W, v)
		return
	}
	vals := p.Get(d.root())
	c.W.Array(len(vals))
	for _, v := range vals {
		writeRESPForm(c.W, v)
	}
}

// JSON.DEBUG MEMORY key [path]
//
// The sizes are darner's estimate of its own memory (jsonpath.MemSize), not RedisJSON's.
func cmdJSONDebugMemory(c *Ctx) {
	d, ok := openJSON(c, c.Args[2], true)
	if !ok {
		return
	}
	text := pathArg(c, 3)
	legacy := !isJSONPathText(text)
	switch {
	case !d.exists() && legacy:
		c.W.Int(0)
		return
	case !d.exists():
		c.W.Array(0)
		return
	}
	p, ok := compilePath(c, text)
	if !ok {
		return
	}
	if legacy {
		v, found := p.First(d.root())
		if !found {
			c.Err(errJSONNoPath)
			return
		}
		c.W.Int(int64(jsonpath.MemSize(v)))
		return
	}
	vals := p.Get(d.root())
	c.W.Array(len(vals))
	for _, v := range vals {
		c.W.Int(int64(jsonpath.MemSize(v)))
	}
}

// JSON.DEBUG HELP
func cmdJSONDebugHelp(c *Ctx) {
	c.W.Array(2)
	c.W.BulkString("MEMORY <key> [path] - reports memory usage")
	c.W.BulkString("HELP                - this message")
}
