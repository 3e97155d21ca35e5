package search

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
)

// TagValues gathers every shard's values, once each, as indexed (folded unless
// CASESENSITIVE, trimmed, split), in byte order; a value goes with its last document.
func TestTagValues(t *testing.T) {
	store, _, idx := newTestIndex(t, 4, "PREFIX 1 d: SCHEMA tags TAG cs TAG CASESENSITIVE SEPARATOR ; title TEXT")
	write := func(key, tags, cs string) {
		tx := store.BeginAll(true)
		defer tx.End()
		h := engine.NewHash()
		h.Set("tags", []byte(tags))
		h.Set("cs", []byte(cs))
		tx.View(0, []byte(key)).Set(key, h, false)
	}
	for i, tags := range []string{"Red, green", "green,blue ", "ÉTÉ,zeta", " Alpha ,red"} {
		write("d:"+string(rune('a'+i)), tags, "Up;down;Up")
	}
	write("other", "ignored", "Ignored") // outside the prefix
	values := func(field string) ([]string, error) {
		tx := store.BeginAll(false)
		defer tx.End()
		return idx.TagValues(&tx, field)
	}
	got, err := values("tags")
	require.NoError(t, err)
	assert.Equal(t, []string{"alpha", "blue", "green", "red", "zeta", "été"}, got)
	got, err = values("cs")
	require.NoError(t, err)
	assert.Equal(t, []string{"Up", "down"}, got)

	tx := store.BeginAll(true)
	tx.View(0, []byte("d:c")).Delete("d:c")
	tx.End()
	got, err = values("tags")
	require.NoError(t, err)
	assert.Equal(t, []string{"alpha", "blue", "green", "red"}, got, "the values of a deleted document go with it")

	for field, want := range map[string]error{"nope": ErrNoSuchField, "title": ErrNotTagField} {
		_, err := values(field)
		assert.ErrorIs(t, err, want, field)
	}
	assert.Equal(t, "No such field", ErrNoSuchField.Error())
	assert.Equal(t, "Not a tag field", ErrNotTagField.Error())
}

func TestTagValuesEmptyIndex(t *testing.T) {
	store, _, idx := newTestIndex(t, 2, "SCHEMA tags TAG")
	tx := store.BeginAll(false)
	defer tx.End()
	got, err := idx.TagValues(&tx, "tags")
	require.NoError(t, err)
	assert.Empty(t, got)
}
