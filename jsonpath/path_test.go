package jsonpath

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compileCases drive TestCompile and seed FuzzCompile. expr is the JSONPath a legacy path
// stands for; err, when set, is a substring of the error.
var compileCases = []struct {
	in     string
	legacy bool
	expr   string
	root   bool
	static bool
	err    string
}{
	{in: "$", root: true, static: true, expr: "$"},
	{in: ".", legacy: true, root: true, static: true, expr: "$"},
	{in: "$.a", static: true, expr: "$.a"},
	{in: "$.a.b[0]", static: true, expr: "$.a.b[0]"},
	{in: "$[0]", static: true, expr: "$[0]"},
	{in: "$.[1]", static: true, expr: "$.[1]"},
	{in: `$["a b"]`, static: true, expr: `$["a b"]`},
	{in: `$['a','b']`, expr: `$['a','b']`},
	{in: "$[0,2]", expr: "$[0,2]"},
	{in: "$[-1]", static: true, expr: "$[-1]"},
	{in: "$[-0]", static: true, expr: "$[-0]"},
	{in: "$.*", expr: "$.*"},
	{in: "$[*]", expr: "$[*]"},
	{in: "$..a", expr: "$..a"},
	{in: "$..*", expr: "$..*"},
	{in: "$..[0]", expr: "$..[0]"},
	{in: "$[1:3]", expr: "$[1:3]"},
	{in: "$[:]", expr: "$[:]"},
	{in: "$[::2]", expr: "$[::2]"},
	{in: "$[1::]", expr: "$[1::]"},
	{in: "$[-2:]", expr: "$[-2:]"},
	{in: "$[:-1:3]", expr: "$[:-1:3]"},
	{in: "$[ 1 : 3 ]", expr: "$[ 1 : 3 ]"},
	{in: "$.a-b.c_d.$e.f:g.h+i.j/k.l%m.n^o.p#q.r`s", static: true, expr: "$.a-b.c_d.$e.f:g.h+i.j/k.l%m.n^o.p#q.r`s"},
	{in: "$.0", static: true, expr: "$.0"},
	{in: "$[?(@.a > 1 && @.b == \"x\")]", expr: "$[?(@.a > 1 && @.b == \"x\")]"},
	{in: "$[?@.a>1]", expr: "$[?@.a>1]"},
	{in: "$[?(@.a)]", expr: "$[?(@.a)]"},
	{in: "$[?(!(@.a == 1) || @.b != 'y')]", expr: "$[?(!(@.a == 1) || @.b != 'y')]"},
	{in: "$[?(@.name =~ \"^J\")]", expr: "$[?(@.name =~ \"^J\")]"},
	{in: "$[?(@.a <= -1.5 || @.a >= 2 || @.a < $.min)]", expr: "$[?(@.a <= -1.5 || @.a >= 2 || @.a < $.min)]"},
	{in: "$[?(@ == null || @ == true || @ == false)]", expr: "$[?(@ == null || @ == true || @ == false)]"},
	{in: "$.store.book[?(@.authors[?(@.lastName == 'Rees')])].title", expr: "$.store.book[?(@.authors[?(@.lastName == 'Rees')])].title"},
	{in: `$['it\'s']`, static: true, expr: `$['it\'s']`},
	{in: `$["q\"\\"]`, static: true, expr: `$["q\"\\"]`},
	{in: "$. a [ 0 ]", static: true, expr: "$. a [ 0 ]"},

	{in: "a", legacy: true, static: true, expr: "$.a"},
	{in: ".a.b", legacy: true, static: true, expr: "$.a.b"},
	{in: "a.b[0]", legacy: true, static: true, expr: "$.a.b[0]"},
	{in: `.["x y"]`, legacy: true, static: true, expr: `$.["x y"]`},
	{in: "[0]", legacy: true, static: true, expr: "$.[0]"},
	{in: ".[1]", legacy: true, static: true, expr: "$.[1]"},
	{in: "$a", legacy: true, static: true, expr: "$.$a"},
	{in: "..a", legacy: true, expr: "$..a"},
	{in: ".a[*]", legacy: true, expr: "$.a[*]"},

	{in: "", legacy: true, expr: "$.", err: "position 2"},
	{in: "$.", err: "position 2, expected one of the following"},
	{in: "$..", err: "position 3"},
	{in: "$...a", err: "position 3"},
	{in: "$a.", legacy: true, err: "position 5"},
	{in: "$.a b", err: "position 4"},
	{in: "$[", err: "position 2"},
	{in: "$[0", err: `expected "]"`},
	{in: "$[01]", err: "position 3"},
	{in: "$[1:2:0]", err: "step must be a positive number"},
	{in: "$[1:2:-1]", err: "step must be a positive number"},
	{in: "$[0,'a']", err: "expected one of the following: number"},
	{in: "$['a',0]", err: "expected one of the following: string"},
	{in: "$[a]", err: "position 2"},
	{in: `$["a\n"]`, err: "invalid escape"},
	{in: `$["a`, err: "unterminated string"},
	{in: "$[?(@.a > )]", err: "expected one of the following: '@'"},
	{in: "$[?(@.a > 1]", err: `expected ")"`},
	{in: "$[?(@.a > 1.)]", err: "digit"},
	{in: "$[?(@.a > 1e3)]", err: `expected ")"`},
	{in: "$[?(@.a = 1)]", err: `expected ")"`},
	{in: "$[?()]", err: "expected one of the following: '@'"},
	{in: "$.ñ", err: "position 2"},
	{in: "gar\x00\x00bage", legacy: true, err: "expected one of the following"},
	{in: "$[?(@.a > 1)] x", err: "position 14"},
	{in: "x[?(" + strings.Repeat("(", 200), legacy: true, err: "nesting too deep"},
	{in: "$" + strings.Repeat("[?(@", 200), err: "nesting too deep"},
}

func TestCompile(t *testing.T) {
	for _, tt := range compileCases {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Compile(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				var pe *PathError
				require.ErrorAs(t, err, &pe)
				assert.Contains(t, err.Error(), tt.err)
				assert.True(t, strings.HasPrefix(err.Error(), "Error occurred at position "))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.in, p.String())
			assert.Equal(t, tt.expr, p.JSONPath())
			assert.Equal(t, tt.legacy, p.Legacy(), "legacy")
			assert.Equal(t, tt.root, p.IsRoot(), "root")
			assert.Equal(t, tt.static, p.Static(), "static")
		})
	}
}

func TestCompileSteps(t *testing.T) {
	tests := []struct {
		in   string
		want []step
	}{
		{"$.a['b','c']", []step{{kind: stepKeys, keys: []string{"a"}}, {kind: stepKeys, keys: []string{"b", "c"}}}},
		{"$[1, -2]", []step{{kind: stepIndexes, indexes: []int64{1, -2}}}},
		{"$[99999999999999999999]", []step{{kind: stepIndexes, indexes: []int64{1<<63 - 1}}}},
		{"$[-99999999999999999999]", []step{{kind: stepIndexes, indexes: []int64{-1 << 63}}}},
		{"$[2:]", []step{{kind: stepSlice, start: 2, hasStart: true, stride: 1}}},
		{"$[:-1:3]", []step{{kind: stepSlice, end: -1, hasEnd: true, stride: 3}}},
		{"$..[*]", []step{{kind: stepDescent}, {kind: stepWildcard}}},
		{`$["a'b"]`, []step{{kind: stepKeys, keys: []string{"a'b"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, MustCompile(tt.in).steps)
		})
	}
	assert.Panics(t, func() { MustCompile("$[") })
}
