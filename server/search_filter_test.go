package server_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// FT.CREATE … FILTER: only the documents the expression admits are indexed, on the
// initial scan and on every later write; a document that stops passing leaves the index.
func TestSearchCreateFilter(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		// Before the index: found by the initial scan.
		require.NoError(t, rdb.HSet(ctx, "u:a0", "name", "ann", "age", "40").Err())
		require.NoError(t, rdb.HSet(ctx, "u:a9", "name", "abe", "age", "3").Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "adults", "PREFIX", "1", "u:",
			"FILTER", "@age > 16 && startswith(@__key, 'u:a')", "SCHEMA", "name", "TEXT", "age", "NUMERIC").Err())
		waitIndexed(t, rdb, "adults")
		require.NoError(t, rdb.HSet(ctx, "u:a1", "name", "amy", "age", "20").Err())
		require.NoError(t, rdb.HSet(ctx, "u:a2", "name", "al", "age", "10").Err())
		require.NoError(t, rdb.HSet(ctx, "u:b1", "name", "bob", "age", "30").Err())
		require.NoError(t, rdb.HSet(ctx, "u:a3", "name", "ageless").Err()) // no age: the comparison is false

		keys := func() []any {
			t.Helper()
			v, err := rdb.Do(ctx, "FT.SEARCH", "adults", "*", "NOCONTENT", "SORTBY", "age").Result()
			require.NoError(t, err)
			if proto == 2 {
				return v.([]any)[1:]
			}
			var out []any
			for _, r := range v.(map[any]any)["results"].([]any) {
				out = append(out, r.(map[any]any)["id"])
			}
			return out
		}
		assert.Equal(t, []any{"u:a1", "u:a0"}, keys())
		require.NoError(t, rdb.HSet(ctx, "u:a2", "age", "30").Err()) // now admitted
		require.NoError(t, rdb.HSet(ctx, "u:a1", "age", "5").Err())  // no longer
		assert.Equal(t, []any{"u:a2", "u:a0"}, keys())

		info, err := rdb.Do(ctx, "FT.INFO", "adults").Result()
		require.NoError(t, err)
		def := infoValue(info, "index_definition")
		assert.Equal(t, "@age > 16 && startswith(@__key, 'u:a')", infoValue(def, "filter"))

		err = rdb.Do(ctx, "FT.CREATE", "bad", "FILTER", "@age >", "SCHEMA", "age", "NUMERIC").Err()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Syntax error")
	}
}
