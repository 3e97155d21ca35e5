package engine

import (
	"testing"

	"darner/jsonpath"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustParse(t *testing.T, s string) any {
	t.Helper()
	v, err := jsonpath.ParseString(s)
	require.NoError(t, err)
	return v
}

func TestJSONType(t *testing.T) {
	j := NewJSON(nil)
	assert.Equal(t, TypeJSON, j.Type())
	assert.Equal(t, "ReJSON-RL", j.Type().String())
}

func TestJSONSize(t *testing.T) {
	for _, doc := range []string{`null`, `1`, `"abc"`, `[]`, `{"a":[1,2.5,"x",{"b":null}],"c":true}`} {
		t.Run(doc, func(t *testing.T) {
			root := mustParse(t, doc)
			want := int64(jsonpath.MemSize(root))
			assert.Equal(t, want, NewJSON(root).Size(), "NewJSON")
			assert.Equal(t, want, (&JSON{Root: root}).Size(), "zero size is measured on demand")
		})
	}
}

func TestJSONSizeAfterChanges(t *testing.T) {
	j := NewJSON(mustParse(t, `{"s":"ab","l":[1]}`))
	obj := j.Root.(*jsonpath.Object)

	// A string made longer by 3 bytes: Grew keeps the cached size exact.
	obj.Set("s", "abcde")
	j.Grew(3)
	assert.Equal(t, int64(jsonpath.MemSize(j.Root)), j.Size())

	// A structural change of unknown extent: Changed makes Size measure again.
	l, _ := obj.Get("l")
	l.(*jsonpath.Array).Append(int64(2), "long string value", jsonpath.NewObject(0))
	obj.Set("new", mustParse(t, `{"x":[1,2,3]}`))
	j.Changed()
	assert.Equal(t, int64(jsonpath.MemSize(j.Root)), j.Size())

	// Grew on a size not yet measured leaves it to be measured.
	j.Changed()
	j.Grew(1000)
	assert.Equal(t, int64(jsonpath.MemSize(j.Root)), j.Size())
}

func TestJSONCloneIsDeep(t *testing.T) {
	j := NewJSON(mustParse(t, `{"a":[1,{"b":"c"}]}`))
	c := j.Clone().(*JSON)
	assert.Equal(t, j.Size(), c.Size())

	c.Root.(*jsonpath.Object).Set("a", "replaced")
	c.Changed()
	assert.Equal(t, `{"a":[1,{"b":"c"}]}`, string(jsonpath.Serialize(j.Root)))
	assert.Equal(t, `{"a":"replaced"}`, string(jsonpath.Serialize(c.Root)))
	assert.NotEqual(t, j.Size(), c.Size())
}

func TestJSONInStore(t *testing.T) {
	s := New(Options{Shards: 2})
	defer s.Close()
	key := []byte("doc")

	tx := s.BeginAll(true)
	v := tx.View(0, key)
	used := func() (n int64) {
		for _, st := range s.Stats(&tx) {
			n += st.UsedBytes
		}
		return n
	}
	o := v.Set("doc", NewJSON(mustParse(t, `{"a":1}`)), false)
	usedBefore := used()
	doc := o.Value.(*JSON)
	doc.Root.(*jsonpath.Object).Set("b", "a string long enough to matter")
	doc.Changed()
	v.Modified("doc", o)
	assert.Greater(t, used(), usedBefore, "Modified accounts the grown document")

	got, err := v.GetType("doc", TypeJSON)
	require.NoError(t, err)
	assert.Same(t, o, got)
	_, err = v.GetType("doc", TypeHash)
	assert.ErrorIs(t, err, ErrWrongType)
	tx.End()
}
