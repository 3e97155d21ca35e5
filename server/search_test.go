package server_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// waitIndexed waits until FT.INFO reports the index's initial scan done (indexing 0, and
// then percent_indexed is 1). The deadline is generous: only a failing test waits it out.
func waitIndexed(t *testing.T, rdb *redis.Client, idx string) {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		v, err := rdb.Do(ctx, "FT.INFO", idx).Result()
		require.NoError(t, err)
		if infoValue(v, "indexing") == int64(0) {
			return
		}
	}
	t.Fatalf("index %s still indexing", idx)
}

// infoValue finds key in an FT.INFO reply (RESP2 pairs or RESP3 map).
func infoValue(v any, key string) any {
	switch r := v.(type) {
	case []any:
		for i := 0; i+1 < len(r); i += 2 {
			if r[i] == key {
				return r[i+1]
			}
		}
	case map[any]any:
		return r[key]
	}
	return nil
}

func seedCities(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	for _, c := range [][]any{
		{"city:1", "name", "London", "population", "8.8", "continent", "Europe"},
		{"city:2", "name", "Athens", "population", "3.1", "continent", "Europe"},
		{"city:3", "name", "Tel-Aviv", "population", "1.3", "continent", "Asia"},
		{"city:4", "name", "Hyderabad", "population", "9.8", "continent", "Asia"},
	} {
		require.NoError(t, rdb.HSet(ctx, c[0].(string), c[1:]...).Err())
	}
}

// The seed's walk-through ("Announcing Dragonfly Search"), with RediSearch's replies.
func TestSearchCitiesWalkthrough(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		seedCities(t, rdb)
		require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "cities", "PREFIX", "1", "city:", "SCHEMA",
			"name", "TEXT", "population", "NUMERIC", "SORTABLE", "continent", "TAG").Val())
		waitIndexed(t, rdb, "cities")

		v, err := rdb.Do(ctx, "FT.SEARCH", "cities", "@continent:{Europe}", "SORTBY", "population", "DESC",
			"LIMIT", "0", "1", "RETURN", "2", "name", "population").Result()
		require.NoError(t, err)
		v2, err := rdb.Do(ctx, "FT.SEARCH", "cities", "@population:[0 5] @continent:{Asia}", "RETURN", "1", "name").Result()
		require.NoError(t, err)
		if proto == 2 {
			assert.Equal(t, []any{int64(2), "city:1", []any{"population", "8.8", "name", "London"}}, v)
			assert.Equal(t, []any{int64(1), "city:3", []any{"name", "Tel-Aviv"}}, v2)
		} else {
			assert.Equal(t, map[any]any{
				"attributes": []any{}, "format": "STRING", "total_results": int64(2), "warning": []any{},
				"results": []any{map[any]any{"id": "city:1", "values": []any{},
					"extra_attributes": map[any]any{"population": "8.8", "name": "London"}}},
			}, v)
			assert.Equal(t, int64(1), v2.(map[any]any)["total_results"])
		}
		require.NoError(t, rdb.Do(ctx, "FT.DROPINDEX", "cities").Err())
	}
}

// go-redis' typed FT API parses darner's replies in both protocols.
func TestSearchGoRedisAPI(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		seedCities(t, rdb)
		_, err := rdb.FTCreate(ctx, "cities", &redis.FTCreateOptions{OnHash: true, Prefix: []any{"city:"}},
			&redis.FieldSchema{FieldName: "name", FieldType: redis.SearchFieldTypeText},
			&redis.FieldSchema{FieldName: "population", FieldType: redis.SearchFieldTypeNumeric, Sortable: true},
			&redis.FieldSchema{FieldName: "continent", FieldType: redis.SearchFieldTypeTag},
		).Result()
		require.NoError(t, err)
		waitIndexed(t, rdb, "cities")

		res, err := rdb.FTSearchWithArgs(ctx, "cities", "@continent:{Asia}", &redis.FTSearchOptions{
			SortBy: []redis.FTSearchSortBy{{FieldName: "population", Asc: true}}, WithScores: true, DialectVersion: 2,
		}).Result()
		require.NoError(t, err)
		require.Equal(t, 2, res.Total)
		require.Len(t, res.Docs, 2)
		assert.Equal(t, "city:3", res.Docs[0].ID)
		assert.Equal(t, "Tel-Aviv", res.Docs[0].Fields["name"])
		assert.Equal(t, "city:4", res.Docs[1].ID)

		info, err := rdb.FTInfo(ctx, "cities").Result()
		require.NoError(t, err)
		assert.Equal(t, "cities", info.IndexName)
		assert.Equal(t, 4, info.NumDocs)
		assert.Equal(t, []string{"city:"}, info.IndexDefinition.Prefixes)
		require.Len(t, info.Attributes, 3)
		assert.Equal(t, "population", info.Attributes[1].Attribute)
		assert.Equal(t, "NUMERIC", info.Attributes[1].Type)
		assert.True(t, info.Attributes[1].Sortable)

		list, err := rdb.FT_List(ctx).Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"cities"}, list)
		require.NoError(t, rdb.FTDropIndex(ctx, "cities").Err())
	}
}

// Every path that changes a key keeps the index right.
func TestSearchIndexMaintenance(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	ids := func(q string) []any {
		t.Helper()
		v, err := rdb.Do(ctx, "FT.SEARCH", "idx", q, "NOCONTENT", "SORTBY", "n", "LIMIT", "0", "100").Result()
		require.NoError(t, err)
		return v.([]any)[1:]
	}
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "t", "TAG", "n", "NUMERIC").Err())
	rdb.HSet(ctx, "d:1", "t", "a", "n", 1)
	rdb.HSet(ctx, "d:2", "t", "a", "n", 2)
	rdb.HSet(ctx, "other", "t", "a", "n", 3)
	assert.Equal(t, []any{"d:1", "d:2"}, ids("@t:{a}"), "only keys under the prefix")
	rdb.HSet(ctx, "d:1", "t", "b")
	assert.Equal(t, []any{"d:2"}, ids("@t:{a}"))
	rdb.HDel(ctx, "d:1", "t")
	assert.Equal(t, []any{}, ids("@t:{b}"))
	rdb.Rename(ctx, "d:2", "d:3")
	assert.Equal(t, []any{"d:3"}, ids("@t:{a}"))
	rdb.Rename(ctx, "d:3", "x:3")
	assert.Equal(t, []any{}, ids("@t:{a}"))
	rdb.Copy(ctx, "x:3", "d:4", 0, false)
	assert.Equal(t, []any{"d:4"}, ids("@t:{a}"))
	rdb.PExpire(ctx, "d:4", 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // the active expiry cycle deletes it
	assert.Equal(t, []any{}, ids("@t:{a}"))
	rdb.HSet(ctx, "d:5", "t", "a", "n", "notanumber")
	assert.Equal(t, []any{"d:1"}, ids("*"), "a document that cannot be indexed is left out")
	info, _ := rdb.Do(ctx, "FT.INFO", "idx").Result()
	assert.Equal(t, int64(1), infoValue(info, "hash_indexing_failures"))
	pipe := rdb.TxPipeline()
	pipe.HSet(ctx, "d:6", "t", "a", "n", 6)
	pipe.Do(ctx, "FT.SEARCH", "idx", "@t:{a}", "NOCONTENT")
	cmds, err := pipe.Exec(ctx)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), "d:6"}, cmds[1].(*redis.Cmd).Val(), "MULTI sees its own write")
	rdb.Del(ctx, "d:6")
	assert.Equal(t, []any{"d:1"}, ids("*"))
	rdb.HSet(ctx, "d:7", "t", "a", "n", 7)
	require.NoError(t, rdb.FlushAll(ctx).Err())
	assert.Equal(t, []any{}, rdb.Do(ctx, "FT._LIST").Val(), "FLUSHALL drops the indexes, as in RediSearch")
}

// JSON documents: arrays make multi-value fields; $..x indexes every match; length() and max().
func TestSearchJSON(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "issues", "ON", "JSON", "PREFIX", "1", "issue:", "SCHEMA",
		"$.author", "AS", "author", "TAG", "$.title", "AS", "title", "TEXT", "$.created", "AS", "created", "NUMERIC", "SORTABLE",
		"$.tags[*]", "AS", "tags", "TAG", "$..author", "AS", "participant", "TAG",
		"length($.comments)", "AS", "num_comments", "NUMERIC", "max($.comments[*].updated)", "AS", "last_updated", "NUMERIC").Err())
	docs := map[string]string{
		"issue:1": `{"author":"alice","title":"Crash on start","created":1,"tags":["bug","important"],"comments":[{"author":"bob","updated":5},{"author":"carol","updated":9}]}`,
		"issue:2": `{"author":"alice","title":"Slow search","created":2,"tags":["important"],"comments":[{"author":"dave","updated":7}]}`,
		"issue:3": `{"author":"bob","title":"Docs typo","created":3,"tags":["docs"],"comments":[]}`,
	}
	for k, v := range docs {
		require.NoError(t, rdb.Do(ctx, "JSON.SET", k, "$", v).Err())
	}
	search := func(args ...any) []any {
		t.Helper()
		v, err := rdb.Do(ctx, append([]any{"FT.SEARCH", "issues"}, args...)...).Result()
		require.NoError(t, err)
		return v.([]any)
	}
	assert.Equal(t, []any{int64(2), "issue:1", "issue:2"},
		search("@author:{alice} @tags:{important}", "NOCONTENT", "SORTBY", "created"))
	assert.Equal(t, []any{int64(2), "issue:1", "issue:3"}, search("@participant:{bob}", "NOCONTENT", "SORTBY", "created"))
	assert.Equal(t, []any{int64(1), "issue:1"}, search("@num_comments:[2 2]", "NOCONTENT"))
	assert.Equal(t, []any{int64(2), "issue:1", "issue:2"},
		search("@author:{alice}", "NOCONTENT", "SORTBY", "last_updated", "DESC"))
	assert.Equal(t, []any{int64(1), "issue:2", []any{"$", docs["issue:2"]}}, search("@title:slow"))
	assert.Equal(t, []any{int64(1), "issue:3", []any{"title", "Docs typo"}}, search("typo", "RETURN", "1", "title"))
	// RETURN of an attribute defined by a path function gives its value.
	assert.Equal(t, []any{int64(2), "issue:1", []any{"num_comments", "2", "last_updated", "9"}, "issue:2",
		[]any{"num_comments", "1", "last_updated", "7"}},
		search("@author:{alice}", "SORTBY", "created", "RETURN", "2", "num_comments", "last_updated"))
	assert.Equal(t, []any{int64(1), "issue:3", []any{"title", `["Docs typo"]`}}, search("typo", "RETURN", "1", "title", "DIALECT", "3"))
	assert.Equal(t, []any{int64(1), "issue:2", []any{"$", "[" + docs["issue:2"] + "]"}}, search("@title:slow", "DIALECT", "3"))
	require.NoError(t, rdb.Do(ctx, "JSON.SET", "issue:3", "$.tags[0]", `"important"`).Err())
	assert.Equal(t, int64(3), search("@tags:{important}", "NOCONTENT")[0], "JSON.SET on a path re-indexes")
	require.NoError(t, rdb.Do(ctx, "JSON.DEL", "issue:3").Err())
	assert.Equal(t, int64(2), search("@tags:{important}", "NOCONTENT")[0])
	// A JSON string in a NUMERIC field fails the document, as in RediSearch.
	require.NoError(t, rdb.Do(ctx, "JSON.SET", "issue:4", "$", `{"author":"erin","created":"7"}`).Err())
	assert.Equal(t, []any{int64(0)}, search("@author:{erin}", "NOCONTENT"))
	info, err := rdb.Do(ctx, "FT.INFO", "issues").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), infoValue(info, "hash_indexing_failures"))
}

func TestSearchErrors(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "t", "TEXT").Err())
	for _, tc := range []struct {
		args []any
		err  string
	}{
		{[]any{"FT.CREATE", "idx", "SCHEMA", "t", "TEXT"}, "Index already exists"},
		{[]any{"FT.SEARCH", "nope", "*"}, "nope: no such index"},
		{[]any{"FT.INFO", "nope"}, "Unknown index name"},
		{[]any{"FT.DROPINDEX", "nope"}, "Unknown Index name"},
		{[]any{"FT.SEARCH", "idx", "*", "LIMIT", "x", "1"}, "ERR Bad arguments for LIMIT: Value is not an integer or out of range"},
		{[]any{"FT.SEARCH", "idx", "*", "BOGUS"}, "ERR Unknown argument `BOGUS`"},
		{[]any{"FT.SEARCH", "idx", "*", "DIALECT", "9"}, "ERR DIALECT requires a non negative integer >=1 and <= 4"},
		{[]any{"FT.SEARCH", "idx", "*", "SORTBY", "zz"}, "ERR Property `zz` not loaded nor in schema"},
		{[]any{"FT.SEARCH", "idx", "*", "EXPANDER", "SYNONYM"}, "ERR FT.SEARCH EXPANDER SYNONYM is not supported by darner (its expansion is RediSearch's DEFAULT)"},
	} {
		err := rdb.Do(ctx, tc.args...).Err()
		require.Error(t, err, tc.args)
		assert.Equal(t, tc.err, err.Error(), tc.args)
	}
	other := redis.NewClient(&redis.Options{Addr: s.Addr, DB: 1})
	defer other.Close()
	assert.EqualError(t, other.Do(ctx, "FT.CREATE", "x", "SCHEMA", "t", "TEXT").Err(), "ERR Cannot create index on db != 0")
}

// FT.CONFIG SET DEFAULT_DIALECT changes how a query that names no dialect is read.
func TestSearchDefaultDialect(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "t", "TEXT").Err())
	rdb.HSet(ctx, "a", "t", "hello")
	assert.Equal(t, []any{[]any{"DEFAULT_DIALECT", "1"}}, rdb.Do(ctx, "FT.CONFIG", "GET", "DEFAULT_DIALECT").Val())
	// $params exist from dialect 2 on; in dialect 1 a `$` is a syntax error.
	err := rdb.Do(ctx, "FT.SEARCH", "idx", "$w", "PARAMS", "2", "w", "hello").Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Syntax error")
	require.NoError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "DEFAULT_DIALECT", "2").Err())
	assert.Equal(t, []any{int64(1), "a"}, rdb.Do(ctx, "FT.SEARCH", "idx", "$w", "PARAMS", "2", "w", "hello", "NOCONTENT").Val())
	assert.EqualError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "DEFAULT_DIALECT", "5").Err(),
		"ERR Invalid value for DEFAULT_DIALECT: DIALECT must be between 1 and 4")
	assert.EqualError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "NOPE", "1").Err(), "ERR Invalid option")
}

// The search settings, through FT.CONFIG and through CONFIG under their search-* names,
// change what they name: result limits, cursor reads and idle times.
func TestSearchSettings(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "n", "NUMERIC").Err())
	for i := range 30 {
		rdb.HSet(ctx, "k"+strconv.Itoa(i), "n", i)
	}
	assert.Equal(t, []any{[]any{"MAXSEARCHRESULTS", "1000000"}}, rdb.Do(ctx, "FT.CONFIG", "GET", "MAXSEARCHRESULTS").Val())
	assert.Equal(t, map[string]string{"search-max-aggregate-results": "unlimited"},
		rdb.ConfigGet(ctx, "search-max-aggregate-results").Val())

	// MAXSEARCHRESULTS through CONFIG SET; FT.CONFIG GET sees it.
	require.NoError(t, rdb.ConfigSet(ctx, "search-max-search-results", "20").Err())
	assert.Equal(t, []any{[]any{"MAXSEARCHRESULTS", "20"}}, rdb.Do(ctx, "FT.CONFIG", "GET", "MAXSEARCHRESULTS").Val())
	assert.EqualError(t, rdb.Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", "15", "10").Err(), "ERR LIMIT exceeds maximum of 20")
	require.NoError(t, rdb.Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", "10", "10").Err())

	// MAXAGGREGATERESULTS through FT.CONFIG SET.
	require.NoError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "MAXAGGREGATERESULTS", "5").Err())
	assert.EqualError(t, rdb.Do(ctx, "FT.AGGREGATE", "idx", "*", "LIMIT", "0", "6").Err(), "ERR LIMIT exceeds maximum of 5")
	require.NoError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "MAXAGGREGATERESULTS", "unlimited").Err())
	require.NoError(t, rdb.Do(ctx, "FT.AGGREGATE", "idx", "*", "LIMIT", "0", "6").Err())

	// CURSOR_READ_SIZE is a cursor's COUNT when WITHCURSOR names none.
	require.NoError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "CURSOR_READ_SIZE", "7").Err())
	v, err := rdb.Do(ctx, "FT.AGGREGATE", "idx", "*", "LOAD", "1", "@n", "WITHCURSOR").Result()
	require.NoError(t, err)
	assert.Len(t, v.([]any)[0].([]any), 1+7)
	// CURSOR_MAX_IDLE caps MAXIDLE: a cursor asking for a minute expires after 50 ms.
	require.NoError(t, rdb.ConfigSet(ctx, "search-cursor-max-idle", "50").Err())
	v, err = rdb.Do(ctx, "FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT", "1", "MAXIDLE", "60000").Result()
	require.NoError(t, err)
	time.Sleep(150 * time.Millisecond)
	require.Error(t, rdb.Do(ctx, "FT.CURSOR", "READ", "idx", v.([]any)[1]).Err())

	// BM25STD_TANH_FACTOR divides the scores BM25STD.TANH takes the tanh of.
	score := func() float64 {
		res, err := rdb.FTSearchWithArgs(ctx, "idx", "*", &redis.FTSearchOptions{WithScores: true, Scorer: "DOCSCORE",
			DialectVersion: 2, LimitOffset: 0, Limit: 1}).Result()
		require.NoError(t, err)
		return *res.Docs[0].Score
	}
	assert.Equal(t, 1.0, score(), "DOCSCORE: the default document score")
	require.NoError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "BM25STD_TANH_FACTOR", "8").Err())
	assert.Equal(t, map[string]string{"search-bm25std-tanh-factor": "8"}, rdb.ConfigGet(ctx, "search-bm25std-tanh-factor").Val())
	require.NoError(t, rdb.Do(ctx, "FT.CONFIG", "SET", "BM25STD_TANH_FACTOR", "4").Err())

	assert.Error(t, rdb.ConfigSet(ctx, "search-max-search-results", "-1").Err())
	assert.Error(t, rdb.ConfigSet(ctx, "search-timeout", "100").Err(), "queries are never cut short: read-only")
}

// A TEMPORARY index drops itself after its idle time; searching it keeps it alive.
func TestSearchTemporaryIndex(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "tmp", "TEMPORARY", "1", "SCHEMA", "t", "TEXT").Err())
	for range 3 {
		time.Sleep(600 * time.Millisecond)
		require.NoError(t, rdb.Do(ctx, "FT.SEARCH", "tmp", "*").Err(), "used within its idle time")
	}
	time.Sleep(1100 * time.Millisecond)
	assert.EqualError(t, rdb.Do(ctx, "FT.SEARCH", "tmp", "*").Err(), "tmp: no such index")
}

// FT.CREATE over a small keyspace answers once the existing keys are indexed, so that the
// next command finds them (a large one goes on in the background, as in RediSearch).
func TestSearchCreateThenSearchAtOnce(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	for i := range 2000 {
		require.NoError(t, rdb.HSet(ctx, "k:"+strconv.Itoa(i), "t", "x").Err())
	}
	for i := range 5 {
		name := "i" + strconv.Itoa(i)
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", name, "PREFIX", "1", "k:", "SCHEMA", "t", "TAG").Err())
		v, err := rdb.Do(ctx, "FT.SEARCH", name, "@t:{x}", "LIMIT", "0", "0").Result()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(2000)}, v)
		info, err := rdb.Do(ctx, "FT.INFO", name).Result()
		require.NoError(t, err)
		assert.Equal(t, int64(0), infoValue(info, "indexing"))
	}
}

// FT.DROPINDEX … DD deletes the documents the index holds, including those written just
// before (still queued for the indexers when the drop comes), and nothing else.
func TestSearchDropIndexDD(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "i", "PREFIX", "1", "d:", "SCHEMA", "n", "NUMERIC").Err())
	pipe := rdb.Pipeline()
	for i := range 3000 {
		pipe.HSet(ctx, "d:"+strconv.Itoa(i), "n", i)
	}
	pipe.HSet(ctx, "d:bad", "n", "not a number") // not indexed: kept
	pipe.HSet(ctx, "other", "n", 1)
	pipe.Do(ctx, "FT.DROPINDEX", "i", "DD")
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"d:bad", "other"}, keys)
	assert.Empty(t, rdb.Do(ctx, "FT._LIST").Val())
}
