package search

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
)

// newAliasRegistry makes a registry with indexes "idx" and "idx2".
func newAliasRegistry(t *testing.T) (*engine.Store, *Registry) {
	t.Helper()
	store := engine.New(engine.Options{Shards: 2})
	r := NewRegistry(store)
	t.Cleanup(r.Close)
	for _, name := range []string{"idx", "idx2"} {
		def, err := ParseCreate(name, []string{"SCHEMA", "t", "TEXT"})
		require.NoError(t, err)
		def.SkipScan = true
		_, err = r.Create(def)
		require.NoError(t, err)
	}
	return store, r
}

// The alias commands' outcomes, in order, after RediSearch's testAlias and
// testAliasIndexConflict (tests/pytests/test.py) and its alias.c / module.c.
func TestAliasCommands(t *testing.T) {
	_, r := newAliasRegistry(t)
	add, upd, del := r.AliasAdd, r.AliasUpdate, func(a, _ string) error { return r.AliasDel(a) }
	steps := []struct {
		op          func(alias, index string) error
		alias, to   string
		err         error
		resolves    string // what the alias names afterwards ("" for nothing)
		description string
	}{
		{add, "a", "idx", nil, "idx", "add"},
		{add, "a", "idx2", ErrAliasExists, "idx", "an alias is taken"},
		{add, "a", "idx", ErrAliasExists, "idx", "even by the same index"},
		{add, "b", "nope", ErrAliasTarget, "", "unknown target"},
		{add, "b", "a", ErrAliasTarget, "", "an alias of an alias"},
		{add, "idx2", "idx", ErrAliasConflict, "idx2", "an index's own name"},
		{add, "B", "idx2", nil, "idx2", "names are case-sensitive"},
		{upd, "a", "idx2", nil, "idx2", "update moves it"},
		{upd, "a", "nope", ErrAliasTarget, "idx2", "a refused update keeps the old target"},
		{upd, "c", "idx", nil, "idx", "update of a new alias adds it"},
		{upd, "idx", "idx2", ErrAliasNotOwned, "idx", "an index name is no alias"},
		{del, "idx", "", ErrAliasNotOwned, "idx", "nor can it be deleted"},
		{del, "zz", "", ErrAliasMissing, "", "unknown alias"},
		{del, "c", "", nil, "", "delete"},
		{del, "c", "", ErrAliasMissing, "", "twice"},
	}
	for _, s := range steps {
		err := s.op(s.alias, s.to)
		if s.err == nil {
			require.NoError(t, err, s.description)
		} else {
			require.ErrorIs(t, err, s.err, s.description)
		}
		idx := r.Get(s.alias)
		if s.resolves == "" {
			assert.Nil(t, idx, s.description)
		} else if assert.NotNil(t, idx, s.description) {
			assert.Equal(t, s.resolves, idx.Def.Name, s.description)
		}
	}
	assert.Equal(t, []string{"idx", "idx2"}, r.Names(), "aliases are not indexes")
}

func TestAliasErrorTexts(t *testing.T) {
	for err, text := range map[error]string{
		ErrAliasExists:   "Alias already exists",
		ErrAliasConflict: "Alias conflicts with an existing index name",
		ErrAliasTarget:   "Unknown index name (or name is an alias itself)",
		ErrAliasMissing:  "Alias does not exist",
		ErrAliasNotOwned: "Alias does not belong to provided spec",
	} {
		assert.Equal(t, text, err.Error())
	}
}

// Dropping an index through an alias drops the index and all its aliases, which are then
// free for another index.
func TestDropThroughAlias(t *testing.T) {
	store, r := newAliasRegistry(t)
	require.NoError(t, r.AliasAdd("a", "idx"))
	require.NoError(t, r.AliasAdd("b", "idx"))
	require.NoError(t, r.AliasAdd("c", "idx2"))
	tx := store.BeginAll(true)
	require.NoError(t, r.Drop(&tx, "a", false))
	tx.End()
	assert.Nil(t, r.Get("idx"))
	assert.Nil(t, r.Get("a"))
	assert.Nil(t, r.Get("b"))
	assert.Equal(t, "idx2", r.Get("c").Def.Name)
	require.NoError(t, r.AliasAdd("a", "idx2"), "the dropped index's aliases are free")
	assert.ErrorIs(t, r.Drop(nil, "b", false), ErrNotFound)
}

// An index created under an alias's name takes the name over; the alias stays, and comes
// back when the index goes.
func TestIndexNameShadowsAlias(t *testing.T) {
	store, r := newAliasRegistry(t)
	require.NoError(t, r.AliasAdd("a", "idx"))
	def, err := ParseCreate("a", []string{"SCHEMA", "x", "TAG"})
	require.NoError(t, err)
	def.SkipScan = true
	_, err = r.Create(def)
	require.NoError(t, err)
	assert.Same(t, def, r.Get("a").Def)
	assert.ErrorIs(t, r.AliasDel("a"), ErrAliasNotOwned)
	tx := store.BeginAll(true)
	require.NoError(t, r.Drop(&tx, "a", false))
	tx.End()
	assert.Equal(t, "idx", r.Get("a").Def.Name)
}

// FLUSHALL drops every index, and with them every alias; an expired TEMPORARY index
// takes its aliases along.
func TestAliasesGoWithTheirIndexes(t *testing.T) {
	store, r := newAliasRegistry(t)
	require.NoError(t, r.AliasAdd("a", "idx"))
	def, err := ParseCreate("tmp", []string{"TEMPORARY", "1", "SCHEMA", "t", "TEXT"})
	require.NoError(t, err)
	def.SkipScan = true
	tmp, err := r.Create(def)
	require.NoError(t, err)
	require.NoError(t, r.AliasAdd("t", "tmp"))
	tmp.lastUsed.Store(time.Now().Add(-time.Hour).UnixNano())
	assert.Nil(t, r.Get("t"), "expired")
	require.NoError(t, r.AliasAdd("t", "idx"), "its alias went with it")

	tx := store.BeginAll(true)
	for _, v := range tx.Views(0) {
		v.Flush()
	}
	tx.End()
	assert.Nil(t, r.Get("a"))
	assert.Empty(t, r.aliases)
}
