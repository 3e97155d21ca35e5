package jsonpath

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSet(t *testing.T) {
	tests := []struct {
		name, doc, path, value string
		mode                   SetMode
		want                   string // the document afterwards
		changed                int
		err                    error
	}{
		{"root replaces", `{"a":1}`, "$", `[1]`, SetAlways, `[1]`, 1, nil},
		{"legacy root", `{"a":1}`, ".", `"s"`, SetAlways, `"s"`, 1, nil},
		{"root XX", `{"a":1}`, "$", `{}`, SetXX, `{}`, 1, nil},
		{"root NX on an existing document", `{"a":1}`, "$", `{}`, SetNX, `{"a":1}`, 0, nil},
		{"replace keeps the key's place", `{"a":2,"b":1}`, "$.a", `3`, SetAlways, `{"a":3,"b":1}`, 1, nil},
		{"new key goes last", `{"b":1,"a":2}`, "$.c", `3`, SetAlways, `{"b":1,"a":2,"c":3}`, 1, nil},
		{"legacy new key", `{"a":2}`, "b", `8`, SetAlways, `{"a":2,"b":8}`, 1, nil},
		{"new nested key", `{"a":{"x":1}}`, "$.a.y", `true`, SetAlways, `{"a":{"x":1,"y":true}}`, 1, nil},
		{"new key under a missing parent", `{"a":2}`, "$.x.y", `1`, SetAlways, `{"a":2}`, 0, nil},
		{"new key under a non-object", `{"a":[1]}`, "$.a.y", `1`, SetAlways, `{"a":[1]}`, 0, nil},
		{"new key at a scalar root", `5`, "$.a", `1`, SetAlways, `5`, 0, nil},
		{"multi-path update", docsExample, "$..a", `3`, SetAlways, `{"a":3,"b":3,"nested":{"a":3,"b":null}}`, 2, nil},
		{"match inside a match is skipped", `{"a":{"a":1}}`, "$..a", `5`, SetAlways, `{"a":5}`, 1, nil},
		{"RedisJSON test_recursive_descent", `[{"a":1}]`, "$..*", `[{"a":1}]`, SetAlways, `[[{"a":1}]]`, 1, nil},
		{"array element", `{"l":[1,2,3]}`, "$.l[-1]", `"z"`, SetAlways, `{"l":[1,2,"z"]}`, 1, nil},
		{"filter matches", `[{"x":1},{"x":5}]`, "$[?(@.x>2)].x", `0`, SetAlways, `[{"x":1},{"x":0}]`, 1, nil},
		{"XX with no match", `{"a":1}`, "$.b", `2`, SetXX, `{"a":1}`, 0, nil},
		{"XX on a non-static path with no match", `{"a":1}`, "$..b", `2`, SetXX, `{"a":1}`, 0, nil},
		{"XX replaces", `{"a":1}`, ".a", `[1]`, SetXX, `{"a":[1]}`, 1, nil},
		{"NX creates", `{}`, ".foo", `[]`, SetNX, `{"foo":[]}`, 1, nil},
		{"NX on an existing key", `{"foo":[]}`, ".foo", `[1]`, SetNX, `{"foo":[]}`, 0, nil},
		{"NX on an existing element", `{"foo":[1]}`, ".foo[0]", `2`, SetNX, `{"foo":[1]}`, 0, nil},
		{"NX on a missing element", `{"foo":[1]}`, ".foo[1]", `null`, SetNX, `{"foo":[1]}`, 0, ErrIndexOutOfRange},
		{"NX on a non-static path", docsExample, "$..a", `1`, SetNX, docsExample, 0, ErrNotStatic},
		{"non-static path with no match", `{}`, "$..f", `1`, SetAlways, `{}`, 0, ErrNotStatic},
		{"union with no match", `{}`, "$['a','b']", `1`, SetAlways, `{}`, 0, ErrNotStatic},
		{"filter with no match", `[]`, "$[?(@.x)]", `1`, SetAlways, `[]`, 0, ErrNotStatic},
		{"index into an object", `{}`, "$[0]", `1`, SetAlways, `{}`, 0, ErrIndexOutOfRange},
		{"index past the end", `{"a":[1]}`, "$.a[1]", `1`, SetAlways, `{"a":[1]}`, 0, ErrIndexOutOfRange},
		{"special keys", `{"$":"$"}`, "$a", `"$a"`, SetAlways, `{"$":"$","$a":"$a"}`, 1, nil},
		{"bracket key", `{"$":"$"}`, `$["$a["]`, `"$a["`, SetAlways, `{"$":"$","$a[":"$a["}`, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, tt.doc)
			got, n, err := Set(doc, MustCompile(tt.path), mustParse(t, tt.value), tt.mode)
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.changed, n)
			assert.Equal(t, js(mustParse(t, tt.want)), js(got))
		})
	}
}

// TestSetBracketNotation replays RedisJSON's testSetWithBracketNotation.
func TestSetBracketNotation(t *testing.T) {
	doc := mustParse(t, `{}`)
	steps := []struct {
		path, value string
		changed     int
	}{
		{`.["f1"]`, `{}`, 1},
		{`.["f1"].f2`, `[0,0,0]`, 1},
		{`.["f1"].f2[1]`, `{}`, 1},
		{`.["f1"].f2[1]["f.]$.f"]`, `{}`, 1},
		{`.["f1"]["f2"][1]["f.]$.f"]`, `1`, 1},
		{`.["f3"].f2`, `1`, 0},
	}
	for _, s := range steps {
		var n int
		var err error
		doc, n, err = Set(doc, MustCompile(s.path), mustParse(t, s.value), SetAlways)
		require.NoError(t, err, s.path)
		assert.Equal(t, s.changed, n, s.path)
	}
	assert.Equal(t, `{"f1":{"f2":[0,{"f.]$.f":1},0]}}`, js(doc))
}

func TestSetCopiesValuePerMatch(t *testing.T) {
	doc := mustParse(t, `{"a":1,"b":2}`)
	doc, n, err := Set(doc, MustCompile("$.*"), mustParse(t, `{"l":[]}`), SetAlways)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	a, _ := doc.(*Object).Get("a")
	b, _ := doc.(*Object).Get("b")
	assert.NotSame(t, a, b)
	l, _ := a.(*Object).Get("l")
	l.(*Array).Append(int64(1))
	assert.Equal(t, `{"a":{"l":[1]},"b":{"l":[]}}`, js(doc))
}

func TestSetDepthLimit(t *testing.T) {
	deep := func(n int) any { return mustParse(t, strings.Repeat("[", n)+strings.Repeat("]", n)) }
	doc := mustParse(t, `{"a":{"b":1}}`)
	// $.a.b sits 2 deep, so a value may nest up to MaxDepth-3.
	_, n, err := Set(doc, MustCompile("$.a.b"), deep(MaxDepth-2), SetAlways)
	assert.ErrorIs(t, err, ErrTooDeep)
	assert.Zero(t, n)
	assert.Equal(t, `{"a":{"b":1}}`, js(doc), "nothing changes")
	_, n, err = Set(doc, MustCompile("$.a.b"), deep(MaxDepth-3), SetAlways)
	assert.NoError(t, err)
	assert.Equal(t, 1, n)

	_, _, err = Set(doc, MustCompile("$.a.c"), deep(MaxDepth-2), SetAlways)
	assert.ErrorIs(t, err, ErrTooDeep)
	_, n, err = Set(doc, MustCompile("$.a.c"), deep(MaxDepth-3), SetAlways)
	assert.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name, doc, path, want string
		n                     int
		dropKey               bool
	}{
		{"docs example", `{"a": 1, "nested": {"a": 2, "b": 3}}`, "$..a", `{"nested":{"b":3}}`, 2, false},
		{"root", `{"a":1}`, "$", `{"a":1}`, 1, true},
		{"legacy root", `{"a":1}`, ".", `{"a":1}`, 1, true},
		{"missing", `{"a":1}`, "$.b", `{"a":1}`, 0, false},
		{"last key empties the document", `{"a":1}`, ".a", `{}`, 1, true},
		{"last element empties the document", `[1]`, "$[0]", `[]`, 1, true},
		{"nothing deleted keeps an empty document", `{}`, "$.a", `{}`, 0, false},
		{"all elements", `{"l":[1,2,3],"k":0}`, "$.l[*]", `{"l":[],"k":0}`, 3, false},
		{"slice", `{"l":[0,1,2,3,4,5]}`, "$.l[1:5:2]", `{"l":[0,2,4,5]}`, 2, false},
		{"negative index", `[1,2,3]`, "$[-2]", `[1,3]`, 1, false},
		{"repeated index deletes once", `[1,2,3]`, "$[0,0]", `[2,3]`, 1, false},
		{"repeated key deletes once", `{"a":1,"b":2}`, "$['a','a']", `{"b":2}`, 1, false},
		{"nested matches count once", `{"a":{"a":1},"b":2}`, "$..a", `{"b":2}`, 1, false},
		{"array indexes from a filter", `[{"x":1},{"x":2},{"x":3},{"x":4},{"x":5},{"x":6},{"x":7},{"x":8},{"x":9},{"x":10},{"x":11},{"x":12}]`,
			"$[?(@.x>0)]", `[]`, 12, true},
		{"mixed filter", `[{"x":11},{"x":2},{"x":3},{"x":4},{"x":5},{"x":6},{"x":7},{"x":8},{"x":9},{"x":10},{"x":20},{"x":30},{"x":40},{"x":50},{"x":60},{"x":70},{"x":80},{"x":90},{"x":100}]`,
			"$[?(@.x>10)]", `[{"x":2},{"x":3},{"x":4},{"x":5},{"x":6},{"x":7},{"x":8},{"x":9},{"x":10}]`, 10, false},
		{"object members from a filter", `{"root":{"1":{"value":1},"2":{"value":2},"3":{"value":3},"4":{"value":4},"5":{"value":5}}}`,
			"$.root[?(@.value > 2)]", `{"root":{"1":{"value":1},"2":{"value":2}}}`, 3, false},
		{"swap-remove order follows RedisJSON", `{"a":1,"b":2,"c":3,"d":4}`, "$['b','a']", `{"d":4,"c":3}`, 2, false},
		{"numeric keys go highest first", `{"1":1,"10":10,"a":0,"b":2}`, "$['1','10']", `{"a":0,"b":2}`, 2, false},
		{"deep and shallow", `{"a":[[1,2],[3,4]],"b":{"c":[5]}}`, "$..[0]", `{"a":[[4]],"b":{"c":[]}}`, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, tt.doc)
			n, dropKey := Delete(doc, MustCompile(tt.path))
			assert.Equal(t, tt.n, n)
			assert.Equal(t, tt.dropKey, dropKey)
			assert.Equal(t, tt.want, js(doc))
		})
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name, dst, patch, want string
	}{
		{"add and replace", `{"a":1,"b":2}`, `{"b":3,"c":4}`, `{"a":1,"b":3,"c":4}`},
		{"null deletes", `{"a":1,"b":2}`, `{"a":null}`, `{"b":2}`},
		{"null for a missing key", `{"a":1}`, `{"x":null}`, `{"a":1}`},
		{"nested", `{"a":{"b":{"c":"d"}}}`, `{"a":{"b":{"e":"f"}}}`, `{"a":{"b":{"c":"d","e":"f"}}}`},
		{"arrays are replaced", `{"a":[1,2]}`, `{"a":[3]}`, `{"a":[3]}`},
		{"scalar patch replaces", `{"a":1}`, `7`, `7`},
		{"null patch replaces", `{"a":1}`, `null`, `null`},
		{"object patch on a scalar", `"x"`, `{"a":{"b":null,"c":1}}`, `{"a":{"c":1}}`},
		{"RFC 7396 example", `{"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}`,
			`{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}`,
			`{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}`},
		// RedisJSON's testMerge: deleting "c" moves "h" into its place.
		{"swap-remove on delete", `{"c":"d","e":"f","h":"i"}`, `{"c":null}`, `{"h":"i","e":"f"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge(mustParse(t, tt.dst), mustParse(t, tt.patch))
			assert.Equal(t, tt.want, js(got))
		})
	}
}

func TestMergeAt(t *testing.T) {
	tests := []struct {
		name, doc, path, patch, want string
		changed                      int
		err                          error
	}{
		{"root", `{"a":{"b":{"c":"d"}}}`, "$", `{"a":{"b":{"e":"f"}}}`, `{"a":{"b":{"c":"d","e":"f"}}}`, 1, nil},
		{"path", `{"a":{"b":{"c":"d","e":"f"}}}`, "$.a.b", `{"h":"i"}`, `{"a":{"b":{"c":"d","e":"f","h":"i"}}}`, 1, nil},
		{"null member", `{"a":{"b":{"c":"d","e":"f","h":"i"}}}`, "$.a.b", `{"c":null}`, `{"a":{"b":{"h":"i","e":"f"}}}`, 1, nil},
		{"array replaced", `{"a":{"b":{"c":["d","e"]}}}`, "$.a.b.c", `["f"]`, `{"a":{"b":{"c":["f"]}}}`, 1, nil},
		{"array onto a scalar", `{"a":{"b":{"c":"d"}}}`, "$.a.b.c", `["f"]`, `{"a":{"b":{"c":["f"]}}}`, 1, nil},
		{"null at a path sets null", `{"a":1}`, "$.a", `null`, `{"a":null}`, 1, nil},
		{"dynamic path", `{"a1":{"b":{"c":1}},"a2":{"b":{"c":2}}}`, "$..b", `{"f":3}`, `{"a1":{"b":{"c":1,"f":3}},"a2":{"b":{"c":2,"f":3}}}`, 2, nil},
		{"overlapping matches", `{"a1":{"b":{"b":1}}}`, "$..b", `{"f":3}`, `{"a1":{"b":{"b":{"f":3},"f":3}}}`, 2, nil},
		{"overriding matches", `{"a1":{"b":{"f":{"b":1}}}}`, "$..b", `{"f":3}`, `{"a1":{"b":{"f":3}}}`, 2, nil},
		{"wildcard", `{"a":{"b1":{"f":{"c1":1}},"b2":{"f":{"c2":2}}}}`, "$.a.*", `{"f":{"t":6}}`, `{"a":{"b1":{"f":{"c1":1,"t":6}},"b2":{"f":{"c2":2,"t":6}}}}`, 2, nil},
		{"new key", `{"a":1}`, "$.b", `{"x":null}`, `{"a":1,"b":{"x":null}}`, 1, nil},
		{"new key under a missing parent", `{"a":1}`, "$.x.y", `1`, `{"a":1}`, 0, nil},
		{"non-static with no match", `{"a":1}`, "$..x", `1`, `{"a":1}`, 0, ErrNotStatic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := MergeAt(mustParse(t, tt.doc), MustCompile(tt.path), mustParse(t, tt.patch))
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.changed, n)
			assert.Equal(t, tt.want, js(got))
		})
	}
}

func TestMergeAtCopiesPatch(t *testing.T) {
	patch := mustParse(t, `{"l":[1]}`)
	doc, _, err := MergeAt(mustParse(t, `{"a":{},"b":{}}`), MustCompile("$.*"), patch)
	require.NoError(t, err)
	l, _ := patch.(*Object).Get("l")
	l.(*Array).Append(int64(2))
	assert.Equal(t, `{"a":{"l":[1]},"b":{"l":[1]}}`, js(doc))
}
