package server

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"darner/engine"
	"darner/jsonpath"
)

// The RedisJSON 2 command set. Arity and key positions are those COMMAND INFO reports for
// RedisJSON, except JSON.MGET's last key (-2 here, where RedisJSON says 1), which the
// dispatcher needs to lock every key's shard. The handlers are split by what they do:
// cmd_json_read.go (reads), cmd_json_write.go (whole values: SET, MSET, MERGE, DEL,
// CLEAR) and cmd_json_ops.go (numbers, booleans, strings, arrays).
//
// Every command takes a legacy path (".a.b", "a[0]": one value, an error when there is
// none) or a JSONPath ("$..a": every match, one reply entry each, nil where a match has
// the wrong type); the default path is the legacy root ".", in RESP3 too, as in
// RedisJSON. Error texts are RedisJSON's, prefix included or not as it sends them: a
// module's error goes out as written, so a JSON syntax error in a value reads "expected
// value at line 1 column 1" with no ERR, while RedisJSON's own messages carry one.
func jsonCommands() []*Command {
	const (
		ro = FlagReadonly
		w  = FlagWrite
		wd = FlagWrite | FlagDenyOOM
	)
	cmd := func(name string, arity int, flags Flag, since, summary string, h func(*Ctx)) *Command {
		return keyRange("json", name, arity, flags, 1, since, summary, h)
	}
	mget := cmd("json.mget", -3, ro, "1.0.0", "Returns the value at a path in each of several JSON documents.", cmdJSONMget)
	mget.Last = -2
	mset := cmd("json.mset", -4, wd, "2.6.0", "Sets values in several JSON documents at once, all or none.", cmdJSONMset)
	mset.Last, mset.Step = -1, 3
	return []*Command{
		cmd("json.set", -4, wd, "1.0.0", "Sets a JSON document, or the values at a path in one.", cmdJSONSet),
		cmd("json.get", -2, ro, "1.0.0", "Returns the values at one or more paths as JSON text.", cmdJSONGet),
		mget,
		mset,
		cmd("json.merge", -4, wd, "2.6.0", "Merges a JSON value into the values at a path (RFC 7396 merge patch).", cmdJSONMerge),
		cmd("json.del", -2, w, "1.0.0", "Deletes the values at a path; the root deletes the key.", cmdJSONDel),
		cmd("json.forget", -2, w, "1.0.0", "Deletes the values at a path (JSON.DEL's other name).", cmdJSONDel),
		cmd("json.clear", -2, w, "2.0.0", "Empties the arrays and objects at a path and sets its numbers to 0.", cmdJSONClear),
		cmd("json.type", -2, ro, "1.0.0", "Returns the JSON type of the values at a path.", cmdJSONType),
		cmd("json.numincrby", 4, w, "1.0.0", "Adds a number to the numbers at a path.", cmdJSONNumincrby),
		cmd("json.nummultby", 4, w, "1.0.0", "Multiplies the numbers at a path by a number.", cmdJSONNummultby),
		cmd("json.toggle", 3, wd, "2.0.0", "Flips the booleans at a path.", cmdJSONToggle),
		cmd("json.strappend", -3, wd, "1.0.0", "Appends a string to the strings at a path.", cmdJSONStrappend),
		cmd("json.strlen", -2, ro, "1.0.0", "Returns the length in bytes of the strings at a path.", cmdJSONStrlen),
		cmd("json.arrappend", -3, wd, "1.0.0", "Appends values to the arrays at a path.", cmdJSONArrappend),
		cmd("json.arrinsert", -5, wd, "1.0.0", "Inserts values into the arrays at a path before an index.", cmdJSONArrinsert),
		cmd("json.arrindex", -4, ro, "1.0.0", "Returns the first position of a value in the arrays at a path.", cmdJSONArrindex),
		cmd("json.arrlen", -2, ro, "1.0.0", "Returns the length of the arrays at a path.", cmdJSONArrlen),
		cmd("json.arrpop", -2, w, "1.0.0", "Removes and returns an element of the arrays at a path.", cmdJSONArrpop),
		cmd("json.arrtrim", 5, w, "1.0.0", "Keeps only a range of elements of the arrays at a path.", cmdJSONArrtrim),
		cmd("json.objkeys", -2, ro, "1.0.0", "Returns the member names of the objects at a path.", cmdJSONObjkeys),
		cmd("json.objlen", -2, ro, "1.0.0", "Returns the number of members of the objects at a path.", cmdJSONObjlen),
		cmd("json.resp", -2, ro, "1.0.0", "Returns the values at a path in RedisJSON's RESP form.", cmdJSONResp),
		{Name: "json.debug", Arity: -2, Flags: ro, First: 2, Last: 2, Step: 1, Group: "json", Since: "1.0.0",
			Summary: "A container for the JSON debugging commands.", Handler: cmdContainer,
			Subcommands: []*Command{
				{Name: "memory", Arity: -3, Flags: ro, First: 2, Last: 2, Step: 1, Group: "json", Since: "1.0.0",
					Summary: "Returns the memory the values at a path use, in bytes.", Handler: cmdJSONDebugMemory},
				{Name: "help", Arity: 2, Flags: ro, Group: "json", Since: "1.0.0",
					Summary: "Describes the JSON.DEBUG subcommands.", Handler: cmdJSONDebugHelp},
			}},
	}
}

// RedisJSON's error replies, written as it sends them.
const (
	errJSONNewAtRoot    Error = "ERR new objects must be created at the root"
	errJSONNoPath       Error = "ERR Path does not exist"
	errJSONNoKey        Error = "ERR could not perform this operation on a key that doesn't exist"
	errJSONNotInt       Error = "Couldn't parse as integer"
	errJSONNotUTF8      Error = "Couldn't parse as UTF-8 string"
	errJSONFormatRESP2  Error = "ERR FORMAT argument is not supported on RESP2"
	errJSONReplyFormat  Error = "ERR wrong reply format"
	errJSONFormat       Error = "ERR wrong format"
	errJSONLegacyFormat Error = "Legacy paths are supported only with FORMAT STRINGS"
	errJSONOverflow     Error = "ERR numeric overflow"
	errJSONNaN          Error = "ERR result is not a number"
	errJSONBadNumber    Error = "bad input number"
	errJSONTooDeep      Error = "ERR recursion limit exceeded"
	errJSONIndexBounds  Error = "ERR index out of bounds"
)

// errJSONPathOr is RedisJSON's reply when a legacy path finds nothing of the kind a
// command works on ("not an array", "not a string", …).
func errJSONPathOr(what string) Error { return Error("ERR Path does not exist or " + what) }

// errJSONExpected is RedisJSON's reply when a legacy path's value has the wrong type.
func errJSONExpected(what string) Error {
	return Error("WRONGTYPE wrong type of path value - expected " + what)
}

// jsonDoc is the document a command works on: an existing one, changed in place, or none
// (obj nil) until put creates it.
type jsonDoc struct {
	view  engine.View
	key   string
	obj   *engine.Object
	json  *engine.JSON
	dirty bool // changed in place since the last commit
}

// openJSON looks key up, counting a hit or miss when read (the read commands), and answers
// WRONGTYPE itself (ok=false) when the key holds another type.
func openJSON(c *Ctx, key []byte, read bool) (d jsonDoc, ok bool) {
	d.view, d.key = c.View(key), string(key)
	var o *engine.Object
	if read {
		o = d.view.Read(d.key)
	} else {
		o = d.view.Get(d.key)
	}
	if o == nil {
		return d, true
	}
	if d.json, ok = o.Value.(*engine.JSON); !ok {
		c.Err(errWrongType)
		return d, false
	}
	d.obj = o
	return d, true
}

func (d *jsonDoc) exists() bool { return d.obj != nil }

func (d *jsonDoc) root() any { return d.json.Root }

// put makes v the document: a new key (without expiry), or the existing key's new root,
// which keeps its expiry as in RedisJSON.
func (d *jsonDoc) put(v any) {
	if d.obj == nil {
		d.obj = d.view.Set(d.key, engine.NewJSON(v), false)
		d.json = d.obj.Value.(*engine.JSON)
		return
	}
	d.json.Root = v
	d.touch()
}

// touch records an in-place change of unknown size; grow one of n bytes exactly.
func (d *jsonDoc) touch() { d.json.Changed(); d.dirty = true }

func (d *jsonDoc) grow(n int64) { d.json.Grew(n); d.dirty = true }

// commit tells the view about the changes made in place since the last commit.
func (d *jsonDoc) commit() {
	if d.dirty {
		d.view.Modified(d.key, d.obj)
		d.dirty = false
	}
}

// isRootPath is RedisJSON's test for the root, made on the text: "$" or the legacy ".".
func isRootPath(text string) bool { return text == "$" || text == "." }

// isJSONPathText tells a JSONPath from a legacy path as RedisJSON does, from the text
// alone, so that a path that does not compile still gets its kind's reply.
func isJSONPathText(text string) bool {
	return text == "$" || strings.HasPrefix(text, "$.") || strings.HasPrefix(text, "$[")
}

// pathArg returns argument i as a path, the legacy root when it is absent.
func pathArg(c *Ctx, i int) string {
	if i < len(c.Args) {
		return string(c.Args[i])
	}
	return "."
}

// compilePath compiles a path, answering the syntax error itself (ok=false).
func compilePath(c *Ctx, text string) (*jsonpath.Path, bool) {
	p, err := jsonpath.Compile(text)
	if err != nil {
		c.Err(Error(err.Error()))
		return nil, false
	}
	return p, true
}

// parseJSONArg parses a JSON value argument, answering the error itself (ok=false).
// RedisJSON sends the parser's message bare for the values it stores (JSON.SET, MSET,
// MERGE, ARRAPPEND, ARRINSERT) and with ERR before it for those it only reads (withERR:
// JSON.STRAPPEND's string, JSON.ARRINDEX's needle, the NUM* numbers).
func parseJSONArg(c *Ctx, b []byte, withERR bool) (any, bool) {
	if !utf8.Valid(b) {
		c.Err(errJSONNotUTF8)
		return nil, false
	}
	v, err := jsonpath.Parse(b)
	if err != nil {
		if withERR {
			c.Err(Error("ERR " + err.Error()))
		} else {
			c.Err(Error(err.Error()))
		}
		return nil, false
	}
	return v, true
}

// parseJSONArgs parses every argument from i on as a JSON value.
func parseJSONArgs(c *Ctx, i int) ([]any, bool) {
	vals := make([]any, 0, len(c.Args)-i)
	for _, b := range c.Args[i:] {
		v, ok := parseJSONArg(c, b, false)
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, true
}

// parseJSONInt parses an integer argument as the RedisJSON commands do (Redis' string2ll).
func parseJSONInt(c *Ctx, b []byte) (int64, bool) {
	n, ok := parseInt(b)
	if !ok {
		c.Err(errJSONNotInt)
	}
	return n, ok
}

// jsonFormatOK accepts JSON.SET's and JSON.MERGE's FORMAT: JSON, or STRING, which
// RedisJSON parses the same way. BSON is not supported.
func jsonFormatOK(b []byte) bool { return string(b) == "JSON" || string(b) == "STRING" }

// arrays returns, for each match, its array or nil, and whether there was any.
func arrays(refs []jsonpath.Ref) ([]*jsonpath.Array, bool) {
	out := make([]*jsonpath.Array, len(refs))
	found := false
	for i, r := range refs {
		out[i], _ = r.Value().(*jsonpath.Array)
		found = found || out[i] != nil
	}
	return out, found
}

// arrayPositions returns the positions of the matches that are arrays, in match order
// (JSON.ARRAPPEND's order).
func arrayPositions(arrs []*jsonpath.Array) []int {
	var order []int
	for i, a := range arrs {
		if a != nil {
			order = append(order, i)
		}
	}
	return order
}

// mutationOrder returns the positions of the matches that are arrays in the order
// RedisJSON changes them in (JSON.ARRINSERT, ARRPOP, ARRTRIM): deeper ones first, so
// that an array changes before any array holding it and each reply is the one RedisJSON
// gives; among equal depths later matches first (the higher index of one array first).
func mutationOrder(refs []jsonpath.Ref, arrs []*jsonpath.Array) []int {
	order := arrayPositions(arrs)
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(refs[b].Depth(), refs[a].Depth()); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	return order
}

// lenientFirst is a legacy path's first match for the commands that answer nil alike
// for no match, a missing key and a path that does not compile (JSON.TYPE, OBJKEYS,
// OBJLEN).
func lenientFirst(d *jsonDoc, text string) (any, bool) {
	p, err := jsonpath.Compile(text)
	if !d.exists() || err != nil {
		return nil, false
	}
	return p.First(d.root())
}

// writeFirstOf answers a legacy path from its first match v (found=false when there is
// none): write's reply when v is a T, the error wrongKind when it is another kind of
// value, and with no match the error missing, or nil when missing is "".
func writeFirstOf[T any](c *Ctx, v any, found bool, missing, wrongKind Error, write func(T)) {
	t, isT := v.(T)
	switch {
	case !found && missing == "":
		c.W.Null()
	case !found:
		c.Err(missing)
	case !isT:
		c.Err(wrongKind)
	default:
		write(t)
	}
}

// writeMatchesOf writes a JSONPath reply of one entry per match: write's for a match that
// is a T, nil for a match of another kind.
func writeMatchesOf[T any](w *Writer, vals []any, write func(T)) {
	w.Array(len(vals))
	for _, v := range vals {
		if t, isT := v.(T); isT {
			write(t)
		} else {
			w.Null()
		}
	}
}

// writeIntsOrNulls writes a JSONPath reply of one integer per match, nil where the match
// was not of the command's kind (has[i] false).
func writeIntsOrNulls(w *Writer, ns []int64, has []bool) {
	w.Array(len(ns))
	for i, n := range ns {
		if has[i] {
			w.Int(n)
		} else {
			w.Null()
		}
	}
}

// jsonReplyFormat is JSON.GET's and JSON.ARRPOP's FORMAT, RESP3 only: the JSON text
// (STRING for GET, STRINGS for ARRPOP), EXPAND1 (scalars as RESP3 values, containers as
// JSON text) or EXPAND (everything as RESP3 values).
type jsonReplyFormat uint8

const (
	fmtString jsonReplyFormat = iota
	fmtStrings
	fmtExpand1
	fmtExpand
)

// parseReplyFormat reads a FORMAT name; like RedisJSON it takes upper case only.
func parseReplyFormat(b []byte) (jsonReplyFormat, bool) {
	switch string(b) {
	case "STRING":
		return fmtString, true
	case "STRINGS":
		return fmtStrings, true
	case "EXPAND1":
		return fmtExpand1, true
	case "EXPAND":
		return fmtExpand, true
	}
	return 0, false
}

// writeJSONValue writes v in format: JSON text, or RESP3 values (EXPAND: nulls, booleans,
// integers, doubles, strings, arrays and maps; EXPAND1: the same for scalars, containers
// as JSON text laid out with f).
func writeJSONValue(w *Writer, v any, format jsonReplyFormat, f jsonpath.Format) {
	switch t := v.(type) {
	case bool:
		w.Bool(t)
	case *jsonpath.Array:
		if format != fmtExpand {
			w.Bulk(f.Serialize(t))
			return
		}
		w.Array(t.Len())
		for _, e := range t.Values() {
			writeJSONValue(w, e, format, f)
		}
	case *jsonpath.Object:
		if format != fmtExpand {
			w.Bulk(f.Serialize(t))
			return
		}
		w.Map(t.Len())
		for k, e := range t.All() {
			w.BulkString(k)
			writeJSONValue(w, e, format, f)
		}
	default:
		writeJSONScalar(w, v)
	}
}

// writeJSONScalar writes a JSON null, integer, number or string the way both
// writeJSONValue and writeRESPForm do: nil, integer, double (a bulk string in RESP2),
// bulk string.
func writeJSONScalar(w *Writer, v any) {
	switch t := v.(type) {
	case nil:
		w.Null()
	case int64:
		w.Int(t)
	case float64:
		w.Double(t)
	case string:
		w.BulkString(t)
	}
}

// writeRESPForm writes v as JSON.RESP does: null as nil, booleans as the simple strings
// true and false, integers as integers, numbers as doubles (bulk strings in RESP2),
// strings as bulk strings, an array as ["[", elements…] and an object as ["{", name,
// value, …].
func writeRESPForm(w *Writer, v any) {
	switch t := v.(type) {
	case bool:
		w.Simple(strconv.FormatBool(t))
	case *jsonpath.Array:
		w.Array(t.Len() + 1)
		w.Simple("[")
		for _, e := range t.Values() {
			writeRESPForm(w, e)
		}
	case *jsonpath.Object:
		w.Array(2*t.Len() + 1)
		w.Simple("{")
		for k, e := range t.All() {
			w.BulkString(k)
			writeRESPForm(w, e)
		}
	default:
		writeJSONScalar(w, v)
	}
}
