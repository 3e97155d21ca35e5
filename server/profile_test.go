package server_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// pairsOf reads a RESP2 flat key/value list or a RESP3 map into a map.
func pairsOf(t *testing.T, v any) map[string]any {
	t.Helper()
	out := map[string]any{}
	switch r := v.(type) {
	case []any:
		for i := 0; i+1 < len(r); i += 2 {
			out[r[i].(string)] = r[i+1]
		}
	case map[any]any:
		for k, x := range r {
			out[k.(string)] = x
		}
	default:
		t.Fatalf("not pairs: %T %v", v, v)
	}
	return out
}

// FT.PROFILE: the answer of the search or aggregate, then per shard its iterator tree and
// stages with what they matched there, summing to the answer's counts.
func TestProfile(t *testing.T) {
	const shards = 2
	s := servertest.Start(t, servertest.Options{Shards: shards})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		for i := range 40 {
			words := []string{"hello", "world", "hello world", "other"}[i%4]
			require.NoError(t, rdb.HSet(ctx, "d:"+strconv.Itoa(i), "t", words, "c", []string{"x", "y"}[i%2]).Err())
		}
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT", "c", "TAG").Err())
		waitIndexed(t, rdb, "idx")

		split := func(v any) (any, map[string]any) {
			if proto == 2 {
				r := v.([]any)
				require.Len(t, r, 2)
				return r[0], pairsOf(t, r[1])
			}
			m := pairsOf(t, v)
			return m["Results"], pairsOf(t, m["Profile"])
		}
		v, err := rdb.Do(ctx, "FT.PROFILE", "idx", "SEARCH", "QUERY", "hello|world", "NOCONTENT", "LIMIT", "0", "3").Result()
		require.NoError(t, err)
		results, prof := split(v)
		plain, err := rdb.Do(ctx, "FT.SEARCH", "idx", "hello|world", "NOCONTENT", "LIMIT", "0", "3").Result()
		require.NoError(t, err)
		assert.Equal(t, plain, results, "the answer is FT.SEARCH's")
		shardList := prof["Shards"].([]any)
		require.Len(t, shardList, shards)
		var sumUnion, sumIndex, sumHello int64
		for _, sh := range shardList {
			m := pairsOf(t, sh)
			for _, k := range []string{"Total profile time", "Parsing time", "Pipeline creation time"} {
				assert.Contains(t, m, k)
			}
			it := pairsOf(t, m["Iterators profile"])
			assert.Equal(t, "UNION", it["Type"])
			sumUnion += it["Number of reading operations"].(int64)
			kids := it["Child iterators"].([]any)
			require.Len(t, kids, 2)
			hello := pairsOf(t, kids[0])
			assert.Equal(t, "TEXT", hello["Type"])
			assert.Equal(t, "hello", hello["Term"])
			sumHello += hello["Number of reading operations"].(int64)
			rps := m["Result processors profile"].([]any)
			index := pairsOf(t, rps[0])
			assert.Equal(t, "Index", index["Type"])
			sumIndex += index["Results processed"].(int64)
		}
		assert.Equal(t, int64(30), sumUnion, "hello, world and both: 3 of every 4 documents")
		assert.Equal(t, int64(30), sumIndex)
		assert.Equal(t, int64(20), sumHello)
		assert.Contains(t, pairsOf(t, prof["Coordinator"]), "Total Coordinator time")

		v, err = rdb.Do(ctx, "FT.PROFILE", "idx", "AGGREGATE", "QUERY", "@c:{x}", "LOAD", "1", "@t",
			"APPLY", "upper(@t)", "AS", "u", "GROUPBY", "1", "@u", "REDUCE", "COUNT", "0", "AS", "n").Result()
		require.NoError(t, err)
		_, prof = split(v)
		var loaded, groups int64
		for _, sh := range prof["Shards"].([]any) {
			rps := pairsOf(t, sh)["Result processors profile"].([]any)
			var types []any
			for _, rp := range rps {
				types = append(types, pairsOf(t, rp)["Type"])
			}
			assert.Equal(t, []any{"Index", "Loader", "Projector - upper(@t)", "Grouper"}, types)
			loaded += pairsOf(t, rps[1])["Results processed"].(int64)
			groups += pairsOf(t, rps[3])["Results processed"].(int64)
		}
		assert.Equal(t, int64(20), loaded, "the tag matches half")
		assert.LessOrEqual(t, groups, int64(2*shards))

		for _, bad := range []struct {
			args []any
			msg  string
		}{
			{[]any{"FT.PROFILE", "idx", "FIND", "QUERY", "*"}, "No `SEARCH` or `AGGREGATE` provided"},
			{[]any{"FT.PROFILE", "idx", "SEARCH", "FIND", "*"}, "The QUERY keyword is expected"},
			{[]any{"FT.PROFILE", "idx", "AGGREGATE", "QUERY", "*", "WITHCURSOR"}, "does not support cursor"},
			{[]any{"FT.PROFILE", "nope", "SEARCH", "QUERY", "*"}, "nope: no such index"},
		} {
			err := rdb.Do(ctx, bad.args...).Err()
			require.Error(t, err, bad.args)
			assert.Contains(t, err.Error(), bad.msg)
		}
	}
}
