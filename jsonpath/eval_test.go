package jsonpath

import (
	"testing"

	"github.com/ohler55/ojg/jp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The example document of RedisJSON's JSON.GET and path pages.
const docsExample = `{"a":2, "b": 3, "nested": {"a": 4, "b": null}}`

const store = `{"inventory":{"headphones":[
 {"id":12345,"name":"Noise-cancelling Bluetooth headphones","wireless":true,"connection":"Bluetooth","price":99.98,"stock":25,"colors":["black","silver"]},
 {"id":12346,"name":"Wireless earbuds","wireless":true,"connection":"Bluetooth","price":64.99,"stock":17,"colors":["black","white"]},
 {"id":12347,"name":"Mic headset","wireless":false,"connection":"USB","price":35.01,"stock":28}],
 "keyboards":[
 {"id":22345,"name":"Wireless keyboard","wireless":true,"connection":"Bluetooth","price":44.99,"stock":23,"colors":["black","silver"]},
 {"id":22346,"name":"USB-C keyboard","wireless":false,"connection":"USB","price":29.99,"stock":30}]}}`

const books = `{"store":{"book":[
 {"authors":[{"firstName":"Nigel","lastName":"Rees"},{"firstName":"Evelyn","lastName":"Waugh"}],"title":"Sayings of the Century"},
 {"authors":[{"firstName":"Herman","lastName":"Melville"},{"firstName":"Somebody","lastName":"Else"}],"title":"Moby Dick"}]}}`

func TestGet(t *testing.T) {
	tests := []struct {
		doc, path, want string
	}{
		// RedisJSON documentation examples.
		{docsExample, "$..a", `[2,4]`},
		{docsExample, "$..b", `[3,null]`},
		{docsExample, "$.*", `[2,3,{"a":4,"b":null}]`},
		{docsExample, "$.nested.*", `[4,null]`},
		{docsExample, "$..[?(@.a > 3)]", `[{"a":4,"b":null}]`},
		{docsExample, "$[?(@ > 2)]", `[3]`},
		{docsExample, "$.nested", `[{"a":4,"b":null}]`},
		{docsExample, "$", `[{"a":2,"b":3,"nested":{"a":4,"b":null}}]`},
		{docsExample, "$.missing", `[]`},
		{docsExample, "$.a.b", `[]`},
		{store, "$..headphones[?(@.price < 70 && @.wireless == true)].name", `["Wireless earbuds"]`},
		{store, "$..[?(@.connection==\"USB\")].name", `["Mic headset","USB-C keyboard"]`},
		{store, "$.inventory.*[?(@.colors[0] == 'black' && @.stock < 20)].id", `[12346]`},
		{store, "$..headphones[*].price", `[99.98,64.99,35.01]`},
		{store, "$.inventory.keyboards[-1].name", `["USB-C keyboard"]`},
		{store, "$..colors[1]", `["silver","white","silver"]`},
		{store, `$..[?(@.name =~ "(?i)^wireless")].id`, `[12346,22345]`},
		{store, "$..[?(@.price > $.inventory.keyboards[0].price && @.wireless == false)].name", `[]`},
		{store, "$..[?(@.price < $.inventory.keyboards[0].price)].name", `["Mic headset","USB-C keyboard"]`},
		// Order: a node's own match comes before those below it; selectors as written.
		{`{"x":{"a":1},"a":2}`, "$..a", `[2,1]`},
		{`{"a":1,"b":2}`, "$['b','a','b']", `[2,1,2]`},
		{`{"a":[{"a":[{"a":1}]}]}`, "$..a", `[[{"a":[{"a":1}]}],[{"a":1}],1]`},
		// RedisJSON's json_path tests.
		{`["string",42,{"key":"value"},[0,1]]`, "$..*", `["string",42,{"key":"value"},[0,1],"value",0,1]`},
		{`["string",42,{"key":"value"},[0,1]]`, "$..[*]", `["string",42,{"key":"value"},[0,1],"value",0,1]`},
		{`["string",42,{"key":"value"},[0,1]]`, "$.*.*", `["value",0,1]`},
		{`["string",42,{"key":"value"},[0,1]]`, "$[*][*]", `["value",0,1]`},
		{`[[1,2],3]`, "$..[?@>=1]", `[3,1,2]`},
		{`{"a":{"b":{"c":1}}}`, "$[?(@.b.c == 1)]", `[{"b":{"c":1}}]`},
		{`{"a":{"b":{"c":1}}}`, "$.a[?(@.b.c == 1)]", `[]`},
		{`{"prod:id":"G637","price":194}`, "$.prod:id", `["G637"]`},
		{`{"single'quote":"value"}`, `$['single\'quote']`, `["value"]`},
		{`{"double\"quote":"value"}`, `$["double\"quote"]`, `["value"]`},
		{`{"$ref":"r","x":{"$ref":"s"}}`, "$..$ref", `["r","s"]`},
		{`{"$ref":"r","x":{"$ref":"s"}}`, "$..['$ref']", `["r","s"]`},
		{books, "$.store.book[?(@.authors[?(@.lastName == 'Rees')])].title", `["Sayings of the Century"]`},
		{`[[{"code":1},{"code":3}],[{"mode":{"code":4}},{"code":2}],[{"code":0},{"code":2}]]`,
			"$[?(@.*.code>2)]", `[[{"code":1},{"code":3}]]`},
		{`[[{"code":1},{"code":3}],[{"mode":{"code":4}},{"code":2}],[{"code":0},{"code":2}]]`,
			"$..[?(@.code>2)].code", `[3,4]`},
		// Indexes and slices, with RedisJSON's clamping of negative indexes.
		{`[1,2,3]`, "$[0]", `[1]`},
		{`[1,2,3]`, "$[-1]", `[3]`},
		{`[1,2,3]`, "$[-3]", `[1]`},
		{`[1,2,3]`, "$[-10]", `[1]`},
		{`[1,2,3]`, "$[3]", `[]`},
		{`[1,2,3]`, "$[99999999999999999999]", `[]`},
		{`[1,2,3]`, "$[-1,0,0]", `[3,1,1]`},
		{`[1,2,3]`, "$.[1]", `[2]`},
		{`{"0":"zero"}`, "$[0]", `[]`},
		{`{"0":"zero"}`, "$.0", `["zero"]`},
		{`[0,1,2,3,4,5]`, "$[1:3]", `[1,2]`},
		{`[0,1,2,3,4,5]`, "$[4:]", `[4,5]`},
		{`[0,1,2,3,4,5]`, "$[:2]", `[0,1]`},
		{`[0,1,2,3,4,5]`, "$[:]", `[0,1,2,3,4,5]`},
		{`[0,1,2,3,4,5]`, "$[::2]", `[0,2,4]`},
		{`[0,1,2,3,4,5]`, "$[1::3]", `[1,4]`},
		{`[0,1,2,3,4,5]`, "$[-2:]", `[4,5]`},
		{`[0,1,2,3,4,5]`, "$[:-4]", `[0,1]`},
		{`[0,1,2,3,4,5]`, "$[-100:2]", `[0,1]`},
		{`[0,1,2,3,4,5]`, "$[2:100]", `[2,3,4,5]`},
		{`[0,1,2,3,4,5]`, "$[4:1]", `[]`},
		{`[0,1,2,3,4,5]`, "$[0:6:99999999999999999999]", `[0]`},
		{`{"a":[1]}`, "$[0:1]", `[]`},
		// Filters.
		{`[1,1.0,"1",true,null]`, "$[?(@ == 1)]", `[1,1.0]`},
		{`[1,1.5,2]`, "$[?(@ > 1)]", `[1.5,2]`},
		{`[1,1.5,2]`, "$[?(@ >= 1.5)]", `[1.5,2]`},
		{`[1,1.5,2]`, "$[?(@ <= -0.5 || @ < 1.2)]", `[1]`},
		{`["a","b","c",1]`, `$[?(@ > "b")]`, `["c"]`},
		{`["ab","b","Z"]`, `$[?(@ < 'b')]`, `["ab","Z"]`},
		{`[false,true]`, "$[?(@ < true)]", `[false]`},
		{`[null,0,"",false]`, "$[?(@ == null)]", `[null]`},
		{`[null,0]`, "$[?(@ <= null)]", `[null]`},
		{`[{"a":1},{"a":2},{}]`, "$[?(@.a != 1)]", `[{"a":2},{}]`},
		{`[{"a":1},{"a":2},{}]`, "$[?(@.a == 1 || @.a == 2)]", `[{"a":1},{"a":2}]`},
		{`[{"a":false},{"b":1}]`, "$[?(@.a)]", `[{"a":false}]`},
		{`[{"a":false},{"b":1}]`, "$[?(!@.a)]", `[{"b":1}]`},
		{`[{"a":1,"b":3},{"a":2,"b":3},{"a":2,"b":4}]`, "$[?(@.a==1 || @.a==2 && @.b==3)]", `[{"a":1,"b":3},{"a":2,"b":3}]`},
		{`[{"a":1,"b":3},{"a":2,"b":3},{"a":2,"b":4}]`, "$[?((@.a==1 || @.a==2) && @.b==4)]", `[{"a":2,"b":4}]`},
		{`[{"a":1,"b":3},{"a":2,"b":3}]`, "$[?(!(@.a==1) && !(@.b==4))]", `[{"a":2,"b":3}]`},
		{`[1,2]`, "$[?(true)]", `[1,2]`},
		{`[1,2]`, "$[?(false)]", `[]`},
		{`[1,2]`, "$[?(null)]", `[1,2]`},
		{`[1,2]`, "$[?(1 == 1)]", `[1,2]`},
		{`["abc","xyz",5]`, `$[?(@ =~ "b")]`, `["abc"]`},
		{`["abc","xyz"]`, `$[?(@ =~ "(")]`, `[]`},
		{`[{"s":"hello","p":"l+o$"},{"s":"x","p":"y"}]`, "$[?(@.s =~ @.p)].s", `["hello"]`},
		{`[{"s":"hello","p":"("}]`, "$[?(@.s =~ @.p)]", `[]`},
		{`{"min":2,"arr":[1,2,3]}`, "$.arr[?(@ > $.min)]", `[3]`},
		{`{"obj":{"a":1,"b":2,"c":3}}`, "$.obj[?(@ > 1)]", `[2,3]`},
		{`{"a":5}`, "$.a[?(@ > 1)]", `[]`},
		{`[{"x":[1,{"y":2}],"z":[1,{"y":2}]},{"x":[1],"z":[1.0]}]`, "$[?(@.x == @.z)].x", `[[1,{"y":2}]]`},
		{`[{"x":[1,2]},{"x":[3]}]`, "$[?(@.x[*] == 2)]", `[{"x":[1,2]}]`},
		{`[{"x":[1,2]},{"x":[3]}]`, "$[?(@.x[*] != 2)]", `[{"x":[3]}]`},
		{`[{"a":99999999999999999999},{"a":1}]`, "$[?(@.a > 9999999999999999999)].a", `[1e20]`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			doc := mustParse(t, tt.doc)
			p := MustCompile(tt.path)
			assert.Equal(t, tt.want, js(p.Get(doc)))
			locs := p.Locate(doc)
			vals := make([]any, len(locs))
			for i, r := range locs {
				vals[i] = r.Value()
			}
			assert.Equal(t, tt.want, js(vals), "Locate finds what Get finds, in the same order")
		})
	}
}

func TestFirstLegacy(t *testing.T) {
	doc := mustParse(t, `{"a":{"b":[10,{"c d":"x"}]},"list":[{"n":1},{"n":2}]}`)
	tests := []struct {
		path string
		want string // "" when missing
	}{
		{".", `{"a":{"b":[10,{"c d":"x"}]},"list":[{"n":1},{"n":2}]}`},
		{"a", `{"b":[10,{"c d":"x"}]}`},
		{".a.b[0]", `10`},
		{"a.b[-1][\"c d\"]", `"x"`},
		{`.a.b[1].["c d"]`, `"x"`},
		{"..n", `1`},
		{".list[*].n", `1`},
		{".missing", ""},
		{"a.b[5]", ""},
		{"a.b.c", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := MustCompile(tt.path)
			require.True(t, p.Legacy())
			v, ok := p.First(doc)
			if tt.want == "" {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.want, js(v))
		})
	}
}

func TestLocateRefs(t *testing.T) {
	doc := mustParse(t, docsExample)
	refs := MustCompile("$..a").Locate(doc)
	require.Len(t, refs, 2)
	assert.Equal(t, `$["a"]`, refs[0].Path())
	assert.Equal(t, `$["nested"]["a"]`, refs[1].Path())
	k, ok := refs[1].Key()
	assert.True(t, ok)
	assert.Equal(t, "a", k)
	_, ok = refs[1].Index()
	assert.False(t, ok)
	assert.Equal(t, 2, refs[1].Depth())
	nested, _ := doc.(*Object).Get("nested")
	assert.Same(t, nested, refs[1].Parent())

	root := MustCompile("$").Locate(doc)
	require.Len(t, root, 1)
	assert.True(t, root[0].IsRoot())
	assert.Equal(t, "$", root[0].Path())
	assert.Same(t, doc, root[0].Value())
	assert.False(t, root[0].Delete())
	assert.Equal(t, "replaced", root[0].Replace(doc, "replaced"))

	arr := mustParse(t, `{"l":[10,20,30]}`)
	refs = MustCompile("$.l[1]").Locate(arr)
	require.Len(t, refs, 1)
	i, ok := refs[0].Index()
	assert.True(t, ok)
	assert.Equal(t, 1, i)
	assert.Equal(t, `$["l"][1]`, refs[0].Path())
	assert.Same(t, arr, refs[0].Replace(arr, int64(21)))
	assert.Equal(t, `{"l":[10,21,30]}`, js(arr))
	assert.True(t, refs[0].Delete())
	assert.Equal(t, `{"l":[10,30]}`, js(arr))
	assert.Equal(t, int64(30), refs[0].Value(), "a Ref names a position, not a value")
	assert.True(t, refs[0].Delete())
	assert.False(t, refs[0].Delete(), "nothing left at position 1")
	assert.Nil(t, refs[0].Value())

	esc := mustParse(t, `{"q\"":[{"\n":1}]}`)
	refs = MustCompile("$..*").Locate(esc)
	require.Len(t, refs, 3)
	assert.Equal(t, `$["q\""][0]["\n"]`, refs[2].Path())
}

func TestGetSharesDocumentValues(t *testing.T) {
	doc := mustParse(t, `{"a":{"b":[1]}}`)
	got := MustCompile("$.a.b").Get(doc)
	got[0].(*Array).Append(int64(2))
	assert.Equal(t, `{"a":{"b":[1,2]}}`, js(doc), "Get returns the document's own containers")
}

// TestOjgInterop checks that ojg's jp can walk and change the model through jp.Keyed and
// jp.Indexed.
func TestOjgInterop(t *testing.T) {
	doc := mustParse(t, `{"a":[{"b":1},{"b":2}],"c":{"d":"x"}}`)
	assert.Equal(t, []any{int64(1), int64(2)}, jp.MustParseString("$.a[*].b").Get(doc))
	assert.Equal(t, []any{"x"}, jp.MustParseString("$.c.d").Get(doc))
	require.NoError(t, jp.MustParseString("$.c.e").Set(doc, int64(5)))
	assert.Equal(t, `{"a":[{"b":1},{"b":2}],"c":{"d":"x","e":5}}`, js(doc))
}
