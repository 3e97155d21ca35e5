package server_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// FT.SEARCH's options, each against a small index whose answers are known.
func TestSearchOptions(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "p:", "SCHEMA",
		"title", "TEXT", "body", "TEXT", "tag", "TAG", "n", "NUMERIC", "SORTABLE", "loc", "GEO").Err())
	docs := [][]any{
		{"p:1", "title", "red apple pie", "body", "sweet", "tag", "fruit", "n", 3, "loc", "-0.1278,51.5074"}, // London
		{"p:2", "title", "green apple", "body", "red sour", "tag", "fruit", "n", 1, "loc", "2.3522,48.8566"}, // Paris
		{"p:3", "title", "red car", "body", "fast pie", "tag", "vehicle", "n", 2, "loc", "-74.006,40.7128"},  // New York
		{"p:4", "title", "pie red", "body", "", "tag", "food", "n", 4},
	}
	for _, d := range docs {
		require.NoError(t, rdb.HSet(ctx, d[0].(string), d[1:]...).Err())
	}
	do := func(args ...any) any {
		t.Helper()
		v, err := rdb.Do(ctx, append([]any{"FT.SEARCH", "idx"}, args...)...).Result()
		require.NoError(t, err, args)
		return v
	}
	for _, tc := range []struct {
		args []any
		want any
	}{
		{[]any{"red", "NOCONTENT", "SORTBY", "n"}, []any{int64(4), "p:2", "p:3", "p:1", "p:4"}},
		{[]any{"red", "NOCONTENT", "INFIELDS", "1", "title", "SORTBY", "n"}, []any{int64(3), "p:3", "p:1", "p:4"}},
		{[]any{"red", "NOCONTENT", "INKEYS", "2", "p:2", "p:4", "SORTBY", "n"}, []any{int64(2), "p:2", "p:4"}},
		{[]any{"*", "NOCONTENT", "FILTER", "n", "(1", "3", "SORTBY", "n"}, []any{int64(2), "p:3", "p:1"}},
		{[]any{"*", "NOCONTENT", "FILTER", "n", "-inf", "+inf", "FILTER", "n", "2", "inf", "SORTBY", "n", "desc"},
			[]any{int64(3), "p:4", "p:1", "p:3"}},
		{[]any{"*", "NOCONTENT", "GEOFILTER", "loc", "-0.1278", "51.5074", "400", "km", "SORTBY", "n"},
			[]any{int64(2), "p:2", "p:1"}},
		{[]any{"@loc:[2.3522 48.8566 10 km]", "NOCONTENT"}, []any{int64(1), "p:2"}},
		{[]any{"red pie", "NOCONTENT", "SLOP", "0", "INORDER", "SORTBY", "n"}, []any{int64(0)}},
		{[]any{"apple pie", "NOCONTENT", "SLOP", "0", "INORDER"}, []any{int64(1), "p:1"}},
		{[]any{"red pie", "NOCONTENT", "SLOP", "1", "SORTBY", "n"}, []any{int64(2), "p:1", "p:4"}},
		{[]any{"red pie", "NOCONTENT", "SORTBY", "n"}, []any{int64(3), "p:3", "p:1", "p:4"}},
		{[]any{"@tag:{fruit}", "RETURN", "1", "n", "SORTBY", "n"}, []any{int64(2), "p:2", []any{"n", "1"}, "p:1", []any{"n", "3"}}},
		{[]any{"@tag:{fruit}", "RETURN", "3", "title", "AS", "t", "SORTBY", "n", "LIMIT", "1", "5"},
			[]any{int64(2), "p:1", []any{"t", "red apple pie"}}},
		{[]any{"@tag:{fruit}", "RETURN", "0", "SORTBY", "n"}, []any{int64(2), "p:2", "p:1"}},
		{[]any{"@tag:{fruit}", "LIMIT", "0", "0"}, []any{int64(2)}},
		{[]any{"@tag:{fruit}", "NOCONTENT", "WITHSORTKEYS", "SORTBY", "n"}, []any{int64(2), "p:2", "#1", "p:1", "#3"}},
		{[]any{"@title:$w", "NOCONTENT", "PARAMS", "4", "w", "green", "unused", "x", "DIALECT", "2"}, []any{int64(1), "p:2"}},
		{[]any{"apple", "NOCONTENT", "SCORER", "TFIDF", "SORTBY", "n"}, []any{int64(2), "p:2", "p:1"}},
		{[]any{"the apple", "NOCONTENT", "SORTBY", "n"}, []any{int64(2), "p:2", "p:1"}},
		{[]any{"LIMIT", "NOCONTENT", "SORTBY", "n"}, []any{int64(0)}},
		{[]any{"-red", "NOCONTENT"}, []any{int64(0)}},
		{[]any{"-@tag:{fruit}", "NOCONTENT", "SORTBY", "n", "ASC"}, []any{int64(2), "p:3", "p:4"}},
	} {
		assert.Equal(t, tc.want, do(tc.args...), "%v", tc.args)
	}
	// WITHSCORES: the score is a bulk string after the key, scores descend.
	v := do("pie", "WITHSCORES", "NOCONTENT").([]any)
	require.Len(t, v, 7)
	var last = 1e300
	for i := 2; i < len(v); i += 2 {
		f, err := strconv.ParseFloat(v[i].(string), 64)
		require.NoError(t, err)
		assert.LessOrEqual(t, f, last)
		last = f
	}
}

// LIMIT pages far past 10 000 results, and LIMIT 0 0 counts.
func TestSearchDeepPaging(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "k:", "SCHEMA", "n", "NUMERIC", "SORTABLE").Err())
	const n = 12000
	pipe := rdb.Pipeline()
	for i := range n {
		pipe.HSet(ctx, fmt.Sprintf("k:%05d", i), "n", i)
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	v, err := rdb.Do(ctx, "FT.SEARCH", "idx", "*", "NOCONTENT", "SORTBY", "n", "LIMIT", "11000", "3").Result()
	require.NoError(t, err)
	assert.Equal(t, []any{int64(n), "k:11000", "k:11001", "k:11002"}, v)
	v, err = rdb.Do(ctx, "FT.SEARCH", "idx", "@n:[100 (200]", "LIMIT", "0", "0").Result()
	require.NoError(t, err)
	assert.Equal(t, []any{int64(100)}, v)
	res, err := rdb.FTSearchWithArgs(ctx, "idx", "*", &redis.FTSearchOptions{NoContent: true, Limit: 1, LimitOffset: 11999, SortBy: []redis.FTSearchSortBy{{FieldName: "n", Desc: true}}}).Result()
	require.NoError(t, err)
	require.Len(t, res.Docs, 1)
	assert.Equal(t, "k:00000", res.Docs[0].ID)
}

// FT.CREATE over existing keys indexes them in the background: the server keeps answering,
// and the index ends up complete.
func TestSearchBackgroundScan(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	const n = 30000
	pipe := rdb.Pipeline()
	for i := range n {
		pipe.HSet(ctx, "d:"+strconv.Itoa(i), "t", "x", "n", i)
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "t", "TAG", "n", "NUMERIC").Err())
	require.NoError(t, rdb.Ping(ctx).Err())
	v, err := rdb.Do(ctx, "FT.INFO", "idx").Result()
	require.NoError(t, err)
	pct, err := strconv.ParseFloat(infoValue(v, "percent_indexed").(string), 64)
	require.NoError(t, err)
	assert.True(t, pct >= 0 && pct <= 1, pct)
	waitIndexed(t, rdb, "idx")
	v, err = rdb.Do(ctx, "FT.INFO", "idx").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(n), infoValue(v, "num_docs"))
	assert.Equal(t, "1", infoValue(v, "percent_indexed"))
	assert.Equal(t, []any{int64(n)}, rdb.Do(ctx, "FT.SEARCH", "idx", "@t:{x}", "LIMIT", "0", "0").Val())
}

// A PHONETIC field also matches words that sound alike (Double Metaphone), unless the
// query turns it off with $phonetic: false.
func TestSearchPhonetic(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "people", "PREFIX", "1", "u:", "SCHEMA",
		"name", "TEXT", "PHONETIC", "dm:en", "bio", "TEXT").Err())
	rdb.HSet(ctx, "u:1", "name", "John Smith", "bio", "jon")
	rdb.HSet(ctx, "u:2", "name", "Jon Schmidt", "bio", "x")
	rdb.HSet(ctx, "u:3", "name", "Mary Doe", "bio", "smyth")
	ids := func(args ...any) any {
		t.Helper()
		v, err := rdb.Do(ctx, append([]any{"FT.SEARCH", "people"}, append(args, "NOCONTENT", "SORTBY", "name")...)...).Result()
		require.NoError(t, err, args)
		return v
	}
	assert.Equal(t, []any{int64(2), "u:1", "u:2"}, ids("@name:jon"))
	assert.Equal(t, []any{int64(2), "u:1", "u:2"}, ids("@name:smyth", "DIALECT", "2"), "Smith, Schmidt and Smyth share a code")
	assert.Equal(t, []any{int64(1), "u:2"}, ids("@name:(jon)=>{$phonetic: false}", "DIALECT", "2"))
	assert.Equal(t, []any{int64(1), "u:3"}, ids("@bio:smyth"), "a field without PHONETIC matches exactly")
	rdb.HSet(ctx, "u:2", "name", "Bob")
	assert.Equal(t, []any{int64(1), "u:1"}, ids("@name:jon"), "a rewritten document leaves its codes")
}
