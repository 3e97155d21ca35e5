package server_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// FT.ALTER … SCHEMA ADD: the new attributes are indexed over the documents that exist and
// those written after; the old ones, the index's aliases, synonyms and use count remain.
func TestSearchAlter(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		for i := range 300 {
			require.NoError(t, rdb.HSet(ctx, "d:"+strconv.Itoa(i), "title", "story "+strconv.Itoa(i%3),
				"color", []string{"red", "blue"}[i%2], "n", i).Err())
		}
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT").Err())
		waitIndexed(t, rdb, "idx")
		require.NoError(t, rdb.Do(ctx, "FT.ALIASADD", "ali", "idx").Err())
		require.NoError(t, rdb.Do(ctx, "FT.SYNUPDATE", "idx", "g1", "tale", "story").Err())
		count := func(index, q string) int64 {
			t.Helper()
			res, err := rdb.FTSearchWithArgs(ctx, index, q, &redis.FTSearchOptions{NoContent: true, DialectVersion: 2,
				LimitOffset: 0, Limit: 0, CountOnly: true}).Result()
			require.NoError(t, err, q)
			return int64(res.Total)
		}
		assert.Equal(t, int64(300), count("idx", "tale"))
		err := rdb.Do(ctx, "FT.SEARCH", "idx", "@color:{red}", "DIALECT", "2").Err()
		require.Error(t, err, "no color attribute yet")

		require.Equal(t, "OK", rdb.Do(ctx, "FT.ALTER", "ali", "SCHEMA", "ADD", "color", "TAG", "n", "NUMERIC", "SORTABLE").Val())
		assert.Equal(t, int64(150), count("idx", "@color:{red}"))
		assert.Equal(t, int64(10), count("ali", "@n:[0 9]"))
		assert.Equal(t, int64(100), count("ali", "@title:story @n:[0 299] @color:{blue} -@title:1"))
		assert.Equal(t, int64(300), count("idx", "tale"), "synonyms carried over")

		// Writes after the alter reach the new attributes.
		require.NoError(t, rdb.HSet(ctx, "d:7", "color", "green").Err())
		assert.Equal(t, int64(1), count("idx", "@color:{green}"))

		info, err := rdb.FTInfo(ctx, "idx").Result()
		require.NoError(t, err)
		require.Len(t, info.Attributes, 3)
		assert.Equal(t, "color", info.Attributes[1].Attribute)
		assert.Equal(t, "NUMERIC", info.Attributes[2].Type)
		assert.Equal(t, 300, info.NumDocs)
		assert.GreaterOrEqual(t, info.NumberOfUses, 7, "the old index's uses carried over")

		for _, bad := range []struct {
			args []any
			msg  string
		}{
			{[]any{"FT.ALTER", "nope", "SCHEMA", "ADD", "x", "TAG"}, "Unknown index name"},
			{[]any{"FT.ALTER", "idx", "SCHEMA", "ADD", "title", "TAG"}, "Duplicate field in schema - title"},
			{[]any{"FT.ALTER", "idx", "ADD", "x", "TAG", "SORTABLE"}, "SCHEMA ADD"},
			{[]any{"FT.ALTER", "idx", "SCHEMA", "ADD", "x", "BOGUS"}, ""},
		} {
			err := rdb.Do(ctx, bad.args...).Err()
			require.Error(t, err, bad.args)
			assert.Contains(t, err.Error(), bad.msg, bad.args)
		}
	}
}
