package jsonpath

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObjectOrder(t *testing.T) {
	for _, n := range []int{3, indexAbove + 5} { // both the scanned and the indexed object
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			o := NewObject(0)
			var want []string
			for i := range n {
				k := fmt.Sprintf("k%d", i)
				o.Set(k, int64(i))
				want = append(want, k)
			}
			assert.Equal(t, want, o.Keys())

			o.Set("k1", "again") // an existing key keeps its place
			v, ok := o.Get("k1")
			assert.True(t, ok)
			assert.Equal(t, "again", v)
			assert.Equal(t, want, o.Keys())

			require.True(t, o.Delete("k0")) // the last key takes the freed place
			want[0] = want[n-1]
			want = want[:n-1]
			assert.Equal(t, want, o.Keys())
			assert.False(t, o.Has("k0"))
			assert.False(t, o.Delete("k0"))
			last := fmt.Sprintf("k%d", n-1)
			v, _ = o.Get(last)
			assert.Equal(t, int64(n-1), v)
			assert.Equal(t, last, o.KeyAt(0))

			o.Set("new", nil)
			assert.Equal(t, "new", o.KeyAt(o.Len()-1))
			v, ok = o.Get("new")
			assert.True(t, ok)
			assert.Nil(t, v)

			var seen []string
			for k := range o.All() {
				seen = append(seen, k)
			}
			assert.Equal(t, o.Keys(), seen)

			o.Clear()
			assert.Zero(t, o.Len())
			_, ok = o.Get(last)
			assert.False(t, ok)
		})
	}
}

func TestObjectDeleteLastKey(t *testing.T) {
	o := mustParse(t, `{"a":1,"b":2,"c":3}`).(*Object)
	require.True(t, o.Delete("c"))
	assert.Equal(t, `{"a":1,"b":2}`, js(o))
	var zero Object
	zero.Set("x", true)
	assert.Equal(t, `{"x":true}`, js(&zero))
}

func TestArrayOps(t *testing.T) {
	a := NewArray(int64(1), int64(2), int64(3))
	a.Append("x", nil)
	assert.Equal(t, `[1,2,3,"x",null]`, js(a))
	a.Insert(0, "first")
	a.Insert(3, "mid", "mid2")
	assert.Equal(t, `["first",1,2,"mid","mid2",3,"x",null]`, js(a))
	assert.Equal(t, "x", a.RemoveAt(6))
	assert.Equal(t, `["first",1,2,"mid","mid2",3,null]`, js(a))
	a.Keep(1, 3)
	assert.Equal(t, `[1,2]`, js(a))
	a.Set(1, 2.5)
	assert.Equal(t, 2.5, a.At(1))
	assert.Equal(t, 2, a.Len())
	assert.Equal(t, []any{int64(1), 2.5}, a.Values())
	a.Clear()
	assert.Equal(t, `[]`, js(a))
	var zero Array
	zero.Append(true)
	assert.Equal(t, `[true]`, js(&zero))
}

func TestTypeName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`{}`, "object"}, {`[]`, "array"}, {`"s"`, "string"}, {`3`, "integer"},
		{`3.0`, "number"}, {`1e2`, "number"}, {`true`, "boolean"}, {`null`, "null"},
		{`99999999999999999999`, "number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, TypeName(mustParse(t, tt.in)))
		})
	}
	assert.Panics(t, func() { TypeName(42) }, "an int is not a document value")
}

func TestCloneIsDeep(t *testing.T) {
	src := fmt.Sprintf(`{"a":[1,{"b":"c"}],"d":{%s}}`, manyMembers(indexAbove+2))
	orig := mustParse(t, src)
	c := Clone(orig)
	assert.Equal(t, js(orig), js(c))
	assert.True(t, Equal(orig, c))

	MustCompile("$.a[1].b").Locate(c)[0].Replace(c, "changed")
	MustCompile("$.d").Get(c)[0].(*Object).Set("k0", "changed")
	MustCompile("$.a").Get(c)[0].(*Array).Append(int64(9))
	assert.Equal(t, js(mustParse(t, src)), js(orig), "the original is untouched")
	v, ok := MustCompile("$.d.k0").First(c)
	require.True(t, ok)
	assert.Equal(t, "changed", v, "the clone's index follows its own keys")
}

func manyMembers(n int) string {
	s := ""
	for i := range n {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(`"k%d":%d`, i, i)
	}
	return s
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`1`, `1`, true},
		{`1`, `1.0`, false},
		{`1.5`, `1.5`, true},
		{`"a"`, `"a"`, true},
		{`null`, `null`, true},
		{`null`, `false`, false},
		{`{"a":1,"b":[2]}`, `{"b":[2],"a":1}`, true},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`{"a":1}`, `{"b":1}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`[1,[2]]`, `[1,[2]]`, true},
		{`[]`, `{}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" "+tt.b, func(t *testing.T) {
			assert.Equal(t, tt.want, Equal(mustParse(t, tt.a), mustParse(t, tt.b)))
		})
	}
}

func TestDepth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`1`, 0}, {`[]`, 1}, {`{}`, 1}, {`[1,[2,[3]]]`, 3}, {`{"a":{"b":[]},"c":1}`, 3},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Depth(mustParse(t, tt.in)))
		})
	}
}

func TestMemSize(t *testing.T) {
	small := MemSize(mustParse(t, `{"a":1}`))
	big := MemSize(mustParse(t, `{"a":1,"text":"`+strings.Repeat("x", 1000)+`"}`))
	assert.Greater(t, small, 0)
	assert.GreaterOrEqual(t, big-small, 1000, "string bytes are counted")
	assert.Equal(t, ifaceBytes, MemSize(nil))
	assert.Equal(t, ifaceBytes+stringHdrBytes+3, MemSize("abc"))
	assert.Equal(t, ifaceBytes+boxedWordBytes, MemSize(int64(7)))
	arr := NewArray(int64(1), int64(2))
	assert.Equal(t, ifaceBytes+sliceHdrBytes+2*(ifaceBytes+boxedWordBytes), MemSize(arr))
}
