package search

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/engine"
)

// TestParseCache: a cached tree is reused only where it fits — a new value of a parameter
// the parse read, another dialect, NOSTOPWORDS or a parameter gone parse again — while any
// vector blob reuses it.
func TestParseCache(t *testing.T) {
	store, r, idx := newTestIndex(t, 2, "PREFIX 1 d: SCHEMA t TEXT g TAG n NUMERIC v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2")
	tx := store.BeginAll(true)
	for i := range 100 {
		h := engine.NewHash()
		h.Set("n", []byte(strconv.Itoa(i)))
		h.Set("g", []byte([]string{"a", "b", "c", "d"}[i%4]))
		if i%10 == 0 {
			h.Set("t", []byte("the cat"))
		} else {
			h.Set("t", []byte("a dog"))
		}
		h.Set("v", vecBlob(float32(i), 0))
		key := "d:" + strconv.Itoa(i)
		tx.View(0, []byte(key)).Set(key, h, false)
	}
	tx.End()
	search := func(req Request) (*Result, error) {
		t.Helper()
		if req.Limit == 0 {
			req.Limit = 10
		}
		rtx := store.BeginAll(false)
		defer rtx.End()
		return r.Search(&rtx, idx, &req)
	}
	total := func(req Request) int64 {
		t.Helper()
		res, err := search(req)
		require.NoError(t, err, req.Query)
		return res.Total
	}
	first := func(req Request) string {
		t.Helper()
		res, err := search(req)
		require.NoError(t, err, req.Query)
		require.NotEmpty(t, res.Hits)
		return res.Hits[0].Key
	}

	// A parameter's value is part of the tree: each value counts its own range or tag.
	for _, hi := range []int{9, 19, 9, 49} {
		require.EqualValues(t, hi+1, total(Request{Query: "@n:[$lo $hi]", Dialect: 2,
			Params: map[string]string{"lo": "0", "hi": strconv.Itoa(hi)}}))
	}
	require.EqualValues(t, 25, total(Request{Query: "@g:{$g}", Dialect: 2, Params: map[string]string{"g": "a"}}))
	require.EqualValues(t, 5, total(Request{Query: "@g:{$g} @n:[0 19]", Dialect: 2, Params: map[string]string{"g": "b"}}))
	require.EqualValues(t, 5, total(Request{Query: "@g:{$g} @n:[0 19]", Dialect: 2, Params: map[string]string{"g": "c"}}))

	// A parameter gone is still an error once the tree is cached.
	_, err := search(Request{Query: "@n:[$lo $hi]", Dialect: 2, Params: map[string]string{"lo": "0"}})
	require.ErrorContains(t, err, "No such parameter `hi`")

	// Any blob reuses the KNN tree: one entry, and each vector finds its own nearest.
	knn := "*=>[KNN 3 @v $q]"
	for _, x := range []int{5, 50, 77, 5} {
		require.Equal(t, "d:"+strconv.Itoa(x), first(Request{Query: knn, Dialect: 2,
			Params: map[string]string{"q": string(vecBlob(float32(x)+0.1, 0))}}))
	}
	idx.parses.mu.Lock()
	var knnTrees int
	for k := range idx.parses.m {
		if k.q == knn {
			knnTrees++
		}
	}
	idx.parses.mu.Unlock()
	require.Equal(t, 1, knnTrees)
	_, err = search(Request{Query: knn, Dialect: 2})
	require.ErrorContains(t, err, "No such parameter `q`")
	// K from a parameter is read by the parse: a new K is a new tree.
	for _, k := range []int{2, 7} {
		require.EqualValues(t, k, total(Request{Query: "*=>[KNN $k @v $q]", Dialect: 2,
			Params: map[string]string{"k": strconv.Itoa(k), "q": string(vecBlob(1, 0))}}))
	}

	// The dialect is part of the key: dialect 1 does not read the KNN clause.
	_, err = search(Request{Query: knn, Dialect: 1, Params: map[string]string{"q": string(vecBlob(1, 0))}})
	require.Error(t, err)

	// Stop words: "the" is dropped from the query unless NOSTOPWORDS, and, a stop word, is
	// not indexed: with NOSTOPWORDS nothing matches.
	require.EqualValues(t, 10, total(Request{Query: "the cat", Dialect: 2}))
	require.EqualValues(t, 0, total(Request{Query: "the cat", Dialect: 2, NoStopWords: true}))
	require.EqualValues(t, 10, total(Request{Query: "the cat", Dialect: 2}))

	// The cache is bounded.
	for i := range 2 * parseCacheSize {
		total(Request{Query: "@n:[" + strconv.Itoa(i) + " +inf]", Dialect: 2})
	}
	idx.parses.mu.Lock()
	require.LessOrEqual(t, len(idx.parses.m), parseCacheSize)
	idx.parses.mu.Unlock()
}
