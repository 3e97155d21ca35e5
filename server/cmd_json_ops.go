package server

import (
	"math"
	"strconv"

	"darner/jsonpath"
)

// openJSONAt opens Args[1] for a change at the path text and returns the document with the
// path's matches. A missing key is an error for these commands, with either kind of path.
func openJSONAt(c *Ctx, text string) (d jsonDoc, p *jsonpath.Path, refs []jsonpath.Ref, ok bool) {
	if d, ok = openJSON(c, c.Args[1], false); !ok {
		return d, nil, nil, false
	}
	if !d.exists() {
		c.Err(errJSONNoKey)
		return d, nil, nil, false
	}
	if p, ok = compilePath(c, text); !ok {
		return d, nil, nil, false
	}
	return d, p, p.Locate(d.root()), true
}

// JSON.NUMINCRBY key path value
func cmdJSONNumincrby(c *Ctx) { jsonNumOp(c, false) }

// JSON.NUMMULTBY key path value
func cmdJSONNummultby(c *Ctx) { jsonNumOp(c, true) }

// jsonNumOp adds to (or multiplies) the numbers at the path. Integer with integer stays an
// integer and must not overflow; anything else is a float and must stay finite. The
// reply is the new value (legacy, as JSON text), the JSON array of new values with null
// for the matches that are not numbers (JSONPath), or in RESP3 always an array of
// integers, doubles and nils. An error changes nothing: the numbers already changed are
// put back (RedisJSON would leave them changed).
func jsonNumOp(c *Ctx, mult bool) {
	d, p, refs, ok := openJSONAt(c, string(c.Args[2]))
	if !ok {
		return
	}
	numeric := make([]bool, len(refs))
	anyNumeric := false
	for i, r := range refs {
		numeric[i] = isNumber(r.Value())
		anyNumeric = anyNumeric || numeric[i]
	}
	if !anyNumeric && p.Legacy() && !c.W.RESP3() {
		c.Err(errJSONPathOr("does not contains a number"))
		return
	}
	var by any
	if anyNumeric {
		if by, ok = parseJSONArg(c, c.Args[3], true); !ok {
			return
		}
		if !isNumber(by) {
			c.Err(errJSONBadNumber)
			return
		}
	}
	results := make([]any, len(refs))
	old := make([]any, len(refs))
	var last any
	for i, r := range refs {
		if !numeric[i] {
			continue
		}
		old[i] = r.Value() // read again: a place matched twice changes twice
		nv, err := numResult(old[i], by, mult)
		if err != "" {
			for j := i - 1; j >= 0; j-- {
				if numeric[j] {
					d.json.Root = refs[j].Replace(d.root(), old[j])
				}
			}
			c.Err(err)
			return
		}
		d.json.Root = r.Replace(d.root(), nv)
		results[i], last = nv, nv
	}
	if anyNumeric {
		d.grow(0) // an int64 and a float64 take the same room
		d.commit()
	}
	switch {
	case c.W.RESP3():
		c.W.Array(len(results))
		for _, v := range results {
			writeJSONValue(c.W, v, fmtExpand, jsonpath.Format{}) // a number or nil
		}
	case p.Legacy():
		c.W.Bulk(jsonpath.Serialize(last))
	default:
		c.W.Bulk(jsonpath.Serialize(results))
	}
}

func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64:
		return true
	}
	return false
}

// numResult computes cur+by or cur*by with RedisJSON's types and errors.
func numResult(cur, by any, mult bool) (any, Error) {
	a, aInt := cur.(int64)
	b, bInt := by.(int64)
	if aInt && bInt {
		var r int64
		ok := false
		if mult {
			r, ok = mulInt64(a, b)
		} else {
			r = a + b
			ok = (b >= 0) == (r >= a)
		}
		if !ok {
			return nil, errJSONOverflow
		}
		return r, ""
	}
	x, y := toFloat(cur), toFloat(by)
	r := x + y
	if mult {
		r = x * y
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return nil, errJSONNaN
	}
	return r, ""
}

func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	r := a * b
	if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return r, true
}

func toFloat(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}

// JSON.TOGGLE key path
func cmdJSONToggle(c *Ctx) {
	d, p, refs, ok := openJSONAt(c, string(c.Args[2]))
	if !ok {
		return
	}
	vals := make([]int64, len(refs))
	isBool := make([]bool, len(refs))
	found, last := false, false
	for i, r := range refs {
		b, ok := r.Value().(bool)
		if !ok {
			continue
		}
		d.json.Root = r.Replace(d.root(), !b)
		isBool[i], found, last = true, true, !b
		if !b {
			vals[i] = 1
		}
	}
	if p.Legacy() && !found {
		c.Err(errJSONPathOr("not a bool"))
		return
	}
	if found {
		d.grow(0)
		d.commit()
	}
	if p.Legacy() {
		c.W.BulkString(strconv.FormatBool(last))
		return
	}
	writeIntsOrNulls(c.W, vals, isBool)
}

// JSON.STRAPPEND key [path] value
func cmdJSONStrappend(c *Ctx) {
	text, arg := ".", c.Args[2]
	if len(c.Args) > 3 {
		text, arg = string(c.Args[2]), c.Args[3]
	}
	d, p, refs, ok := openJSONAt(c, text)
	if !ok {
		return
	}
	isStr := make([]bool, len(refs))
	found := false
	for i, r := range refs {
		_, isStr[i] = r.Value().(string)
		found = found || isStr[i]
	}
	if p.Legacy() && !found {
		c.Err(errJSONPathOr("not a string"))
		return
	}
	var suffix string
	if found {
		v, ok := parseJSONArg(c, arg, true)
		if !ok {
			return
		}
		if suffix, ok = v.(string); !ok {
			c.Err(errJSONExpected("string"))
			return
		}
	}
	lens := make([]int64, len(refs))
	for i, r := range refs {
		if isStr[i] {
			s := r.Value().(string) + suffix
			d.json.Root = r.Replace(d.root(), s)
			lens[i] = int64(len(s))
			d.grow(int64(len(suffix)))
		}
	}
	d.commit()
	if p.Legacy() {
		c.W.Int(lastOf(lens, isStr))
		return
	}
	writeIntsOrNulls(c.W, lens, isStr)
}

// lastOf returns the last value whose has is true: a legacy path's reply when it matched
// several places.
func lastOf(ns []int64, has []bool) int64 {
	for i := len(ns) - 1; i >= 0; i-- {
		if has[i] {
			return ns[i]
		}
	}
	return 0
}

// checkDepth refuses values that would nest MaxDepth deep or more inside the arrays at
// refs, before anything changes.
func checkDepth(c *Ctx, refs []jsonpath.Ref, arrs []*jsonpath.Array, vals []any) bool {
	deepest := 0
	for _, v := range vals {
		deepest = max(deepest, jsonpath.Depth(v))
	}
	for i, r := range refs {
		if arrs[i] != nil && r.Depth()+1+deepest >= jsonpath.MaxDepth {
			c.Err(errJSONTooDeep)
			return false
		}
	}
	return true
}

// copies returns vals for the first array that gets them and deep copies for the others.
func copies(vals []any, first bool) []any {
	if first {
		return vals
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = jsonpath.Clone(v)
	}
	return out
}

// openJSONArrays is openJSONAt for the array commands: it also returns each match's array
// (nil where the match is not one) and answers a legacy path that finds no array with
// RedisJSON's error (ok=false).
func openJSONArrays(c *Ctx, text string) (d jsonDoc, p *jsonpath.Path, refs []jsonpath.Ref, arrs []*jsonpath.Array, ok bool) {
	if d, p, refs, ok = openJSONAt(c, text); !ok {
		return d, p, refs, nil, false
	}
	arrs, found := arrays(refs)
	if p.Legacy() && !found {
		c.Err(errJSONPathOr("not an array"))
		return d, p, refs, arrs, false
	}
	return d, p, refs, arrs, true
}

// openJSONArraysFor is openJSONArrays at the path Args[2] for the commands that put vals
// into the arrays (JSON.ARRAPPEND, ARRINSERT): it also refuses values that would nest
// too deep, before anything changes.
func openJSONArraysFor(c *Ctx, vals []any) (d jsonDoc, p *jsonpath.Path, refs []jsonpath.Ref, arrs []*jsonpath.Array, ok bool) {
	if d, p, refs, arrs, ok = openJSONArrays(c, string(c.Args[2])); !ok {
		return d, p, refs, arrs, false
	}
	return d, p, refs, arrs, checkDepth(c, refs, arrs, vals)
}

// changeArrays applies op to the arrays arrs[i] for i in order (k counts the calls), then
// answers with the new lengths: the last array changed's for a legacy path, one per match
// (nil where the match is not an array) for a JSONPath. JSON.ARRAPPEND, ARRINSERT and
// ARRTRIM differ only in op and order.
func changeArrays(c *Ctx, d *jsonDoc, p *jsonpath.Path, arrs []*jsonpath.Array, order []int, op func(a *jsonpath.Array, k int)) {
	lens := make([]int64, len(arrs))
	has := make([]bool, len(arrs))
	var last int64
	for k, i := range order {
		a := arrs[i]
		op(a, k)
		lens[i], has[i], last = int64(a.Len()), true, int64(a.Len())
	}
	if len(order) > 0 {
		d.touch()
		d.commit()
	}
	if p.Legacy() {
		c.W.Int(last)
		return
	}
	writeIntsOrNulls(c.W, lens, has)
}

// JSON.ARRAPPEND key path value [value ...]
func cmdJSONArrappend(c *Ctx) {
	if len(c.Args) < 4 {
		c.ArityErr()
		return
	}
	vals, ok := parseJSONArgs(c, 3)
	if !ok {
		return
	}
	d, p, _, arrs, ok := openJSONArraysFor(c, vals)
	if !ok {
		return
	}
	changeArrays(c, &d, p, arrs, arrayPositions(arrs), func(a *jsonpath.Array, k int) {
		a.Append(copies(vals, k == 0)...)
	})
}

// JSON.ARRINSERT key path index value [value ...]
func cmdJSONArrinsert(c *Ctx) {
	index, ok := parseJSONInt(c, c.Args[3])
	if !ok {
		return
	}
	vals, ok := parseJSONArgs(c, 4)
	if !ok {
		return
	}
	d, p, refs, arrs, ok := openJSONArraysFor(c, vals)
	if !ok {
		return
	}
	order := mutationOrder(refs, arrs)
	// Check every index first (an array matched twice grows in between), so that an
	// index out of bounds changes nothing.
	lens := make(map[*jsonpath.Array]int64)
	for _, i := range order {
		a := arrs[i]
		n, seen := lens[a]
		if !seen {
			n = int64(a.Len())
		}
		if _, ok := insertAt(index, n); !ok {
			c.Err(errJSONIndexBounds)
			return
		}
		lens[a] = n + int64(len(vals))
	}
	changeArrays(c, &d, p, arrs, order, func(a *jsonpath.Array, k int) {
		at, _ := insertAt(index, int64(a.Len()))
		a.Insert(int(at), copies(vals, k == 0)...)
	})
}

// insertAt turns JSON.ARRINSERT's index into a position in an array of n elements:
// negative indexes count from the end; the result must lie in [0, n].
func insertAt(index, n int64) (int64, bool) {
	if index < 0 {
		index += n
	}
	return index, index >= 0 && index <= n
}

// JSON.ARRPOP key [FORMAT STRINGS|EXPAND1|EXPAND] [path [index]]
func cmdJSONArrpop(c *Ctx) {
	args := c.Args[2:]
	format := fmtStrings
	// FORMAT is an option only when something follows it; alone it is the path.
	if len(args) >= 2 && asciiEqualFold(args[0], "format") {
		f, ok := parseReplyFormat(args[1])
		if !ok || f == fmtString {
			c.Err(errJSONReplyFormat)
			return
		}
		if !c.W.RESP3() {
			c.Err(errJSONFormatRESP2)
			return
		}
		format, args = f, args[2:]
	}
	text, index := ".", int64(math.MaxInt64) // no path: the last element of the root
	if len(args) > 0 {
		text, index = string(args[0]), -1
		if len(args) > 1 {
			if n, ok := parseInt(args[1]); ok { // RedisJSON takes a bad index as -1
				index = n
			}
		}
	}
	if !isJSONPathText(text) && format != fmtStrings {
		c.Err(errJSONLegacyFormat)
		return
	}
	d, p, refs, arrs, ok := openJSONArrays(c, text)
	if !ok {
		return
	}
	popped := make([]any, len(refs))
	has := make([]bool, len(refs))
	lastPos := -1
	for _, i := range mutationOrder(refs, arrs) {
		lastPos = i
		a := arrs[i]
		if a.Len() == 0 {
			continue
		}
		popped[i], has[i] = a.RemoveAt(int(popAt(index, int64(a.Len())))), true
		d.touch()
	}
	d.commit()
	if p.Legacy() {
		if lastPos < 0 || !has[lastPos] {
			c.W.Null()
			return
		}
		c.W.Bulk(jsonpath.Serialize(popped[lastPos]))
		return
	}
	c.W.Array(len(refs))
	for i, v := range popped {
		switch {
		case !has[i]:
			c.W.Null()
		case format == fmtStrings:
			c.W.Bulk(jsonpath.Serialize(v))
		default:
			writeJSONValue(c.W, v, format, jsonpath.Format{})
		}
	}
}

// popAt turns JSON.ARRPOP's index into a position in an array of n > 0 elements: negative
// indexes count from the end and stop at the first element, others stop at the last.
func popAt(index, n int64) int64 {
	if index < 0 {
		return max(0, n+index)
	}
	return min(index, n-1)
}

// JSON.ARRTRIM key path start stop
func cmdJSONArrtrim(c *Ctx) {
	start, ok := parseJSONInt(c, c.Args[3])
	if !ok {
		return
	}
	stop, ok := parseJSONInt(c, c.Args[4])
	if !ok {
		return
	}
	d, p, refs, arrs, ok := openJSONArrays(c, string(c.Args[2]))
	if !ok {
		return
	}
	changeArrays(c, &d, p, arrs, mutationOrder(refs, arrs), func(a *jsonpath.Array, _ int) {
		from, to := trimRange(start, stop, int64(a.Len()))
		a.Keep(int(from), int(to))
	})
}

// trimRange turns JSON.ARRTRIM's inclusive start and stop into the half-open range to keep
// of an array of n elements, as RedisJSON does: negative bounds count from the end and
// stop at 0, bounds past the end stop at the last element, except that a start past the
// end keeps nothing; a start after the stop keeps nothing.
func trimRange(start, stop, n int64) (from, to int64) {
	norm := func(i int64) int64 {
		switch {
		case i < 0:
			return max(0, n+max(i, -n))
		case n > 0:
			return min(i, n-1)
		}
		return 0
	}
	to = norm(stop)
	if start < 0 || start < n {
		from = norm(start)
	} else {
		from = to + 1
	}
	if from > to || n == 0 {
		return 0, 0
	}
	return from, to + 1
}
