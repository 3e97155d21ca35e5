package search

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/engine"
)

// While FT.ALTER builds the index again, searches and writes go on: the old attributes
// answer over every document throughout, and the new ones once the new index is in place.
func TestAlterKeepsAnswering(t *testing.T) {
	for _, shards := range []int{1, 3} {
		store, r, _ := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA title TEXT")
		const n = 3000
		put := func(i int, color string) {
			tx := store.BeginAll(true)
			h := engine.NewHash()
			h.Set("title", []byte("word"+strconv.Itoa(i%5)))
			h.Set("color", []byte(color))
			key := "d:" + strconv.Itoa(i)
			tx.View(0, []byte(key)).Set(key, h, false)
			tx.End()
		}
		for i := range n {
			put(i, "red")
		}
		count := func(q string) int64 {
			t.Helper()
			idx := r.Get("i")
			require.NotNil(t, idx)
			tx := store.BeginAll(false)
			defer tx.End()
			res, err := r.Search(&tx, idx, &Request{Query: q, Dialect: 2})
			require.NoError(t, err, q)
			return res.Total
		}
		next, err := r.Alter("i", []string{"color", "TAG"})
		require.NoError(t, err)
		_, err = r.Alter("i", []string{"other", "TAG"})
		require.ErrorIs(t, err, ErrAltering, "one alter at a time")
		// Before or after the swap, whichever comes first: the old attribute is complete.
		require.Equal(t, int64(n/5), count("@title:word1"))
		for i := n; i < n+10; i++ { // writes during the build reach both indexes
			put(i, "blue")
		}
		<-next.Swapped()
		require.Same(t, next, r.Get("i"))
		require.Equal(t, int64(n/5+2), count("@title:word1"))
		require.Equal(t, int64(10), count("@color:{blue}"))
		require.Equal(t, int64(n), count("@color:{red}"))
		// A dropped index's build stops, and nothing takes its place.
		next2, err := r.Alter("i", []string{"more", "NUMERIC"})
		require.NoError(t, err)
		tx := store.BeginAll(true)
		require.NoError(t, r.Drop(&tx, "i", false))
		tx.End()
		<-next2.Swapped()
		require.Nil(t, r.Get("i"))
	}
}

// A definition's Args make it again, FT.ALTER's fields included: what a snapshot saves.
func TestDefArgsRemake(t *testing.T) {
	_, r, idx := newTestIndex(t, 1, "PREFIX 1 d: FILTER @n>1 SCHEMA title TEXT WEIGHT 2 n NUMERIC SORTABLE")
	next, err := r.Alter("i", []string{"tags", "TAG", "SEPARATOR", "|"})
	require.NoError(t, err)
	<-next.Swapped()
	again, err := ParseCreate("i", next.Def.Args)
	require.NoError(t, err)
	require.Len(t, again.Fields, 3)
	require.Equal(t, "tags", again.Fields[2].Name)
	require.Equal(t, byte('|'), byte(again.Fields[2].Separator))
	require.Equal(t, "@n>1", again.Filter)
	require.Equal(t, idx.Def.Fields[0].Weight, again.Fields[0].Weight)
}
