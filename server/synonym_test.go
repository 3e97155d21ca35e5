package server_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// searchIDs runs FT.SEARCH … NOCONTENT and returns the total and the keys, in either
// protocol's shape.
func searchIDs(t *testing.T, rdb *redis.Client, idx, q string) (int64, []string) {
	t.Helper()
	res, err := rdb.FTSearchWithArgs(context.Background(), idx, q, &redis.FTSearchOptions{NoContent: true, DialectVersion: 2}).Result()
	require.NoError(t, err, q)
	var ids []string
	for _, d := range res.Docs {
		ids = append(ids, d.ID)
	}
	return int64(res.Total), ids
}

// FT.SYNUPDATE and FT.SYNDUMP through go-redis' typed API and raw, in RESP2 and RESP3, and
// what searches find through the groups (RediSearch's tests/pytests/test_synonyms.py).
func TestFTSynonyms(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.HSet(ctx, "doc:1", "title", "he is a boy", "body", "this is a test").Err())
		require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:",
			"SCHEMA", "title", "TEXT", "body", "TEXT").Val())
		waitIndexed(t, rdb, "idx")

		// No group yet: an empty map.
		v, err := rdb.Do(ctx, "FT.SYNDUMP", "idx").Result()
		require.NoError(t, err)
		if proto == 2 {
			assert.Equal(t, []any{}, v)
		} else {
			assert.Equal(t, map[any]any{}, v)
		}
		n, _ := searchIDs(t, rdb, "idx", "child")
		assert.Zero(t, n)

		// A document indexed before the update is found through it.
		require.Equal(t, "OK", rdb.FTSynUpdate(ctx, "idx", "id1", []any{"boy", "Child"}).Val())
		n, ids := searchIDs(t, rdb, "idx", "child")
		assert.Equal(t, int64(1), n)
		assert.Equal(t, []string{"doc:1"}, ids)

		// With SKIPINITIALSCAN it is not, until written again; later documents are.
		require.Equal(t, "OK", rdb.FTSynUpdateWithArgs(ctx, "idx", "id2",
			&redis.FTSynUpdateOptions{SkipInitialScan: true}, []any{"boy", "offspring"}).Val())
		n, _ = searchIDs(t, rdb, "idx", "offspring")
		assert.Zero(t, n)
		require.NoError(t, rdb.HSet(ctx, "doc:2", "title", "another boy", "body", "another test").Err())
		_, ids = searchIDs(t, rdb, "idx", "offspring")
		assert.Equal(t, []string{"doc:2"}, ids)
		require.NoError(t, rdb.HSet(ctx, "doc:1", "body", "this is a test").Err())
		_, ids = searchIDs(t, rdb, "idx", "offspring")
		assert.ElementsMatch(t, []string{"doc:1", "doc:2"}, ids)

		// SKIPINITIALSCAN counts right after the group id only; the terms are lower-cased.
		require.Equal(t, "OK", rdb.Do(ctx, "FT.SYNUPDATE", "idx", "id3", "Tree", "skipinitialscan").Val())
		v, err = rdb.Do(ctx, "FT.SYNDUMP", "idx").Result()
		require.NoError(t, err)
		if proto == 2 {
			assert.Equal(t, []any{"boy", []any{"id1", "id2"}, "child", []any{"id1"}, "offspring", []any{"id2"},
				"tree", []any{"id3"}, "skipinitialscan", []any{"id3"}}, v)
		} else {
			assert.Equal(t, map[any]any{"boy": []any{"id1", "id2"}, "child": []any{"id1"}, "offspring": []any{"id2"},
				"tree": []any{"id3"}, "skipinitialscan": []any{"id3"}}, v)
		}
		dump, err := rdb.FTSynDump(ctx, "idx").Result()
		require.NoError(t, err)
		assert.ElementsMatch(t, []redis.FTSynDumpResult{
			{Term: "boy", Synonyms: []string{"id1", "id2"}}, {Term: "child", Synonyms: []string{"id1"}},
			{Term: "offspring", Synonyms: []string{"id2"}}, {Term: "tree", Synonyms: []string{"id3"}},
			{Term: "skipinitialscan", Synonyms: []string{"id3"}},
		}, dump)

		// FT.AGGREGATE matches through the groups too.
		agg, err := rdb.Do(ctx, "FT.AGGREGATE", "idx", "child", "LOAD", "1", "@title").Result()
		require.NoError(t, err)
		if proto == 2 {
			assert.ElementsMatch(t, []any{int64(2), []any{"title", "he is a boy"}, []any{"title", "another boy"}}, agg)
		} else {
			assert.Equal(t, int64(2), agg.(map[any]any)["total_results"])
		}
	}
}

// A search's words are folded to lower case before their groups are looked up, as the
// documents' are (test_synonyms.py testSynonymsLowerCase).
func TestFTSynonymsLowerCase(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "lowcase", "ON", "HASH", "SCHEMA", "foo", "TEXT").Val())
		require.Equal(t, "OK", rdb.Do(ctx, "FT.SYNUPDATE", "lowcase", "id1", "HELLO", "SHALOM", "AHALAN").Val())
		require.NoError(t, rdb.HSet(ctx, "doc1", "foo", "hello").Err())
		require.NoError(t, rdb.HSet(ctx, "doc2", "foo", "HELLO").Err())
		for _, q := range []string{"SHALOM", "shalom", "Ahalan"} {
			n, ids := searchIDs(t, rdb, "lowcase", q)
			assert.Equal(t, int64(2), n, q)
			assert.ElementsMatch(t, []string{"doc1", "doc2"}, ids, q)
		}
	}
}

// A word found through a group scores less than the word itself, which its own term and
// the group's both score (RediSearch's BM25 over the union of the word and "~group").
func TestFTSynonymsScores(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 3)
	require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "t", "TEXT").Val())
	for key, v := range map[string]string{"d:1": "boy", "d:2": "child", "d:3": "other", "d:4": "words", "d:5": "here"} {
		require.NoError(t, rdb.HSet(ctx, key, "t", v).Err())
	}
	require.Equal(t, "OK", rdb.FTSynUpdate(ctx, "idx", "g", []any{"boy", "child"}).Val())
	res, err := rdb.FTSearchWithArgs(ctx, "idx", "boy", &redis.FTSearchOptions{WithScores: true, NoContent: true}).Result()
	require.NoError(t, err)
	require.Len(t, res.Docs, 2)
	assert.Equal(t, "d:1", res.Docs[0].ID)
	assert.Equal(t, "d:2", res.Docs[1].ID)
	// Both hold one token of the group: the group's share is the same, d:1 has its own term's on top.
	assert.Greater(t, *res.Docs[0].Score, *res.Docs[1].Score)
	assert.Greater(t, *res.Docs[1].Score, 0.0)
}

func TestFTSynonymErrors(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "t", "TEXT").Val())
		for _, tt := range []struct {
			args []any
			want string
		}{
			{[]any{"FT.SYNUPDATE", "nope", "0", "child"}, "Unknown index name"},
			{[]any{"FT.SYNDUMP", "nope"}, "nope: no such index"},
			{[]any{"FT.SYNUPDATE", "idx", "id1"}, "ERR wrong number of arguments for 'ft.synupdate' command"},
			{[]any{"FT.SYNDUMP"}, "ERR wrong number of arguments for 'ft.syndump' command"},
			{[]any{"FT.SYNDUMP", "idx", "foo"}, "ERR wrong number of arguments for 'ft.syndump' command"},
		} {
			err := rdb.Do(ctx, tt.args...).Err()
			require.Error(t, err, tt.args)
			assert.Equal(t, tt.want, err.Error(), tt.args)
		}
		// Only SKIPINITIALSCAN given: no term, nothing to do.
		assert.Equal(t, "OK", rdb.Do(ctx, "FT.SYNUPDATE", "idx", "g", "SKIPINITIALSCAN").Val())
	}
}

// FT.SYNUPDATE inside MULTI/EXEC runs under EXEC's locks, and the search after it in the
// same transaction sees the group.
func TestFTSynonymsInMulti(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "t", "TEXT").Val())
	require.NoError(t, rdb.HSet(ctx, "d:1", "t", "boy").Err())
	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.FTSynUpdate(ctx, "idx", "g", []any{"boy", "child"})
		p.Do(ctx, "FT.SEARCH", "idx", "child", "NOCONTENT")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "OK", cmds[0].(*redis.StatusCmd).Val())
	assert.Equal(t, []any{int64(1), "d:1"}, cmds[1].(*redis.Cmd).Val())
}
