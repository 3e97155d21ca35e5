package search

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
)

func newDictRegistry(t *testing.T) (*engine.Store, *Registry) {
	t.Helper()
	store := engine.New(engine.Options{Shards: 2})
	r := NewRegistry(store)
	t.Cleanup(r.Close)
	return store, r
}

// A script of FT.DICTADD/DICTDEL calls and what each returns and leaves in the dictionary.
func TestDictAddDelDump(t *testing.T) {
	_, r := newDictRegistry(t)
	long := strings.Repeat("é", maxDictTermRunes+1)
	for _, step := range []struct {
		op    string // "add" or "del"
		terms []string
		n     int
		dump  []string // nil: the dictionary does not exist
	}{
		{"del", []string{"a"}, 0, nil},
		{"add", []string{"term2", "term1", "term3"}, 3, []string{"term1", "term2", "term3"}},
		{"add", []string{"term1", "term2", "term4", "term4"}, 1, []string{"term1", "term2", "term3", "term4"}},
		{"add", []string{"Term1", "", long, strings.Repeat("x", maxDictTermBytes+1)}, 1,
			[]string{"Term1", "term1", "term2", "term3", "term4"}},
		{"del", []string{"TERM1", "term1", "term1", "nope"}, 1, []string{"Term1", "term2", "term3", "term4"}},
		{"del", []string{"Term1", "term2", "term3", "term4"}, 4, nil},
		// A dictionary made by an FT.DICTADD that adds nothing exists, empty.
		{"add", []string{""}, 0, []string{}},
		{"del", []string{"x"}, 0, nil},
	} {
		var n int
		if step.op == "add" {
			n = r.DictAdd(nil, "d", step.terms)
		} else {
			n = r.DictDel("d", step.terms)
		}
		assert.Equal(t, step.n, n, "%s %q", step.op, step.terms)
		assert.Equal(t, step.dump, r.DictDump("d"), "%s %q", step.op, step.terms)
	}
	assert.Nil(t, r.DictDump("other"))
}

// The terms are dumped in code point order, which is byte order.
func TestDictDumpOrder(t *testing.T) {
	_, r := newDictRegistry(t)
	r.DictAdd(nil, "d", []string{"zebra", "Zebra", "ápple", "apple", "10", "9", "b"})
	assert.Equal(t, []string{"10", "9", "Zebra", "apple", "b", "zebra", "ápple"}, r.DictDump("d"))
}

// Dictionaries belong to the registry, and a flush of database 0 empties them; a flush of
// another database does not.
func TestDictFlush(t *testing.T) {
	store, r := newDictRegistry(t)
	_, other := newDictRegistry(t)
	r.DictAdd(nil, "d", []string{"a", "b"})
	other.DictAdd(nil, "d", []string{"c"})

	tx := store.BeginAll(true)
	for _, v := range tx.Views(1) {
		v.Flush()
	}
	tx.End()
	assert.Equal(t, []string{"a", "b"}, r.DictDump("d"))

	tx = store.BeginAll(true)
	for _, v := range tx.Views(0) {
		v.Flush()
	}
	tx.End()
	assert.Nil(t, r.DictDump("d"))
	assert.Equal(t, []string{"c"}, other.DictDump("d"), "another registry's dictionaries")
	assert.Equal(t, 1, r.DictAdd(nil, "d", []string{"a"}))
}

// FT.DICTADD inside MULTI/EXEC runs while the transaction holds shards: the dictionaries it
// makes are registered for flushes once those are released, without a deadlock.
func TestDictAddHoldingShards(t *testing.T) {
	store, r := newDictRegistry(t)
	tx := store.BeginAll(true)
	assert.Equal(t, 1, r.DictAdd(&tx, "d", []string{"a"}))
	tx.End()
	require.Eventually(t, func() bool {
		tx := store.BeginAll(true)
		defer tx.End()
		for _, v := range tx.Views(0) {
			v.Flush()
		}
		return r.DictDump("d") == nil
	}, 5*time.Second, time.Millisecond)
}
