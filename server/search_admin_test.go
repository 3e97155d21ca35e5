package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// The outputs are RediSearch's (tests/pytests/test.py testExplain).
const (
	explainQuery  = `(hello world) "what what" (hello|world) (@bar:[10 100]|@bar:[200 300])`
	explainV1     = "INTERSECT {\n  UNION {\n    hello\n    +hello(expanded)\n  }\n  UNION {\n    world\n    +world(expanded)\n  }\n  EXACT {\n    what\n    what\n  }\n  UNION {\n    UNION {\n      hello\n      +hello(expanded)\n    }\n    UNION {\n      world\n      +world(expanded)\n    }\n  }\n  UNION {\n    NUMERIC {10.000000 <= @bar <= 100.000000}\n    NUMERIC {200.000000 <= @bar <= 300.000000}\n  }\n}\n"
	explainQuery2 = `(hello world) "what what" hello|world @bar:[10 100]|@bar:[200 300]`
	explainV2     = "UNION {\n  INTERSECT {\n    UNION {\n      hello\n      +hello(expanded)\n    }\n    UNION {\n      world\n      +world(expanded)\n    }\n    EXACT {\n      what\n      what\n    }\n    UNION {\n      hello\n      +hello(expanded)\n    }\n  }\n  INTERSECT {\n    UNION {\n      world\n      +world(expanded)\n    }\n    NUMERIC {10.000000 <= @bar <= 100.000000}\n  }\n  NUMERIC {200.000000 <= @bar <= 300.000000}\n}\n"
	explainBlob   = "\xa4\x21\xf5\x42\x18\x07\x00\xc7"
)

func createExplainIndex(t *testing.T, rdb *redis.Client) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, rdb.FlushAll(ctx).Err())
	require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "t", "TEXT",
		"bar", "NUMERIC", "SORTABLE", "tag", "TAG", "g", "GEO",
		"v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2").Val())
}

// explainCLILines is FT.EXPLAINCLI's reply for text: its lines, the empty one after the last
// newline included.
func explainCLILines(text string) []any {
	var out []any
	for _, l := range strings.Split(text, "\n") {
		out = append(out, l)
	}
	return out
}

func TestFTExplainReplies(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		createExplainIndex(t, rdb)
		cases := []struct {
			args []any
			want string
		}{
			{[]any{explainQuery}, explainV1},
			{[]any{explainQuery2, "DIALECT", "1"}, explainV1},
			{[]any{explainQuery2, "DIALECT", "2"}, explainV2},
			// redis-py sends its whole query to EXPLAIN.
			{[]any{explainQuery2, "LIMIT", "0", "10", "DIALECT", "2"}, explainV2},
			{[]any{"* => [KNN $k @v $B EF_RUNTIME 100]", "DIALECT", "2", "PARAMS", "4", "k", "10", "B", explainBlob},
				"VECTOR {K=10 nearest vectors to `$B` in vector index associated with field @v, EF_RUNTIME = 100, yields distance as `__v_score`}\n"},
			{[]any{"(@t:hello world) => [KNN $k @v $B EF_RUNTIME 100]", "DIALECT", "2", "PARAMS", "4", "k", "10", "B", explainBlob},
				"VECTOR {\n  INTERSECT {\n    @t:UNION {\n      @t:hello\n      @t:+hello(expanded)\n    }\n    UNION {\n      world\n      +world(expanded)\n    }\n  }\n} => {K=10 nearest vectors to `$B` in vector index associated with field @v, EF_RUNTIME = 100, yields distance as `__v_score`}\n"},
			{[]any{"@tag:{Foo | bar*} @bar>=2", "DIALECT", "2"},
				"INTERSECT {\n  TAG:@tag {\n    foo\n    PREFIX{bar*}\n  }\n  NUMERIC {2.000000 <= @bar <= inf}\n}\n"},
			{[]any{"@g:[$lon $lat 30 km]", "PARAMS", "4", "lon", "10", "lat", "20", "DIALECT", "2"},
				"GEO g:{10.000000,20.000000 --> 30.000000 km}\n"},
			{[]any{"running", "VERBATIM", "DIALECT", "2"}, "running\n"},
			{[]any{"", "DIALECT", "2"}, "<empty>\n"},
		}
		for _, c := range cases {
			args := append([]any{"FT.EXPLAIN", "idx"}, c.args...)
			got, err := rdb.Do(ctx, args...).Result()
			require.NoError(t, err, "%d %v", proto, c.args)
			assert.Equal(t, c.want, got, "%d %v", proto, c.args)

			args[0] = "FT.EXPLAINCLI"
			got, err = rdb.Do(ctx, args...).Result()
			require.NoError(t, err)
			assert.Equal(t, explainCLILines(c.want), got, "%d %v", proto, c.args)
		}

		// go-redis' typed API (FTExplainWithArgs sends DIALECT 2 when given none).
		text, err := rdb.FTExplain(ctx, "idx", explainQuery).Result()
		require.NoError(t, err)
		assert.Equal(t, explainV1, text)
		text, err = rdb.FTExplainWithArgs(ctx, "idx", explainQuery2, &redis.FTExplainOptions{}).Result()
		require.NoError(t, err)
		assert.Equal(t, explainV2, text)
	}
}

func TestFTExplainErrors(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		createExplainIndex(t, rdb)
		cases := []struct {
			args []any
			want string
		}{
			{[]any{"FT.EXPLAIN", "nope", "x"}, "nope: no such index"},
			{[]any{"FT.EXPLAINCLI", "nope", "x"}, "nope: no such index"},
			{[]any{"FT.EXPLAIN", "idx"}, "ERR wrong number of arguments for 'ft.explain' command"},
			{[]any{"FT.EXPLAIN", "idx", "@nonexistent:[0 10]", "DIALECT", "2"}, "ERR Unknown field at offset 0 near nonexistent"},
			{[]any{"FT.EXPLAIN", "idx", "hello @tag:world", "DIALECT", "2"}, "ERR Expected a TEXT field at offset 6 near tag"},
			{[]any{"FT.EXPLAIN", "idx", "*=>[KNN 10 @v $B]", "DIALECT", "2"}, "ERR No such parameter `B`"},
			{[]any{"FT.EXPLAINCLI", "idx", "hello", "DIALECT", "9"}, "ERR DIALECT requires a non negative integer >=1 and <= 4"},
		}
		for _, c := range cases {
			err := rdb.Do(ctx, c.args...).Err()
			require.Error(t, err, "%d %v", proto, c.args)
			assert.Equal(t, c.want, err.Error(), "%d %v", proto, c.args)
		}
		err := rdb.Do(ctx, "FT.EXPLAIN", "idx", "(").Err()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Syntax error")

		// Dialect 1 drops a clause on a field the schema lacks, as RediSearch's parser does.
		got, err := rdb.Do(ctx, "FT.EXPLAIN", "idx", "@nonexistent:[0 10]").Result()
		require.NoError(t, err)
		assert.Equal(t, "<empty>\n", got)
	}
}

// On the wire FT.EXPLAIN is a bulk string and FT.EXPLAINCLI an array of simple strings, in
// both protocols.
func TestFTExplainWire(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	createExplainIndex(t, s.Client(t, 2))
	for _, hello := range []string{"HELLO 2\r\n", "HELLO 3\r\n"} {
		c := dialRaw(t, s.Addr)
		c.send(hello)
		c.send("PING\r\n")
		for c.line() != "+PONG\r\n" {
		}
		c.send("FT.EXPLAIN idx @t:x\r\n")
		assert.Equal(t, "$38\r\n", c.line(), hello)
		assert.Equal(t, "@t:UNION {\n", c.line())
		assert.Equal(t, "  @t:x\n", c.line())
		assert.Equal(t, "  @t:+x(expanded)\n", c.line())
		assert.Equal(t, "}\n", c.line())
		assert.Equal(t, "\r\n", c.line())
		c.send("FT.EXPLAINCLI idx @t:x\r\n")
		for _, want := range []string{"*5\r\n", "+@t:UNION {\r\n", "+  @t:x\r\n", "+  @t:+x(expanded)\r\n", "+}\r\n", "+\r\n"} {
			assert.Equal(t, want, c.line(), hello)
		}
	}
}

func TestFTTagVals(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		for i, tags := range []string{"Red, green", "green,blue ", "x", "Alpha ,red"} {
			key := "doc:" + string(rune('a'+i))
			require.NoError(t, rdb.HSet(ctx, key, "tags", tags, "cs", "Up,down", "title", "t").Err())
		}
		require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "doc:", "SCHEMA",
			"tags", "TAG", "cs", "TAG", "CASESENSITIVE", "title", "TEXT", "empty", "TAG").Val())
		waitIndexed(t, rdb, "idx")

		got, err := rdb.Do(ctx, "FT.TAGVALS", "idx", "tags").Result()
		require.NoError(t, err)
		assert.Equal(t, []any{"alpha", "blue", "green", "red", "x"}, got, proto)
		vals, err := rdb.FTTagVals(ctx, "idx", "cs").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"Up", "down"}, vals, proto)
		vals, err = rdb.FTTagVals(ctx, "idx", "empty").Result()
		require.NoError(t, err)
		assert.Empty(t, vals)

		for _, c := range []struct {
			args []any
			want string
		}{
			{[]any{"FT.TAGVALS", "nope", "tags"}, "nope: no such index"},
			{[]any{"FT.TAGVALS", "idx", "nope"}, "No such field"},
			{[]any{"FT.TAGVALS", "idx", "title"}, "Not a tag field"},
			{[]any{"FT.TAGVALS", "idx"}, "ERR wrong number of arguments for 'ft.tagvals' command"},
			{[]any{"FT.TAGVALS", "idx", "tags", "x"}, "ERR wrong number of arguments for 'ft.tagvals' command"},
		} {
			err := rdb.Do(ctx, c.args...).Err()
			require.Error(t, err, c.args)
			assert.Equal(t, c.want, err.Error(), "%d %v", proto, c.args)
		}
	}

	// A set in RESP3, an array in RESP2.
	for hello, head := range map[string]string{"HELLO 2\r\n": "*5\r\n", "HELLO 3\r\n": "~5\r\n"} {
		c := dialRaw(t, s.Addr)
		c.send(hello)
		c.send("PING\r\n")
		for c.line() != "+PONG\r\n" {
		}
		c.send("FT.TAGVALS idx tags\r\n")
		assert.Equal(t, head, c.line(), hello)
	}
}

func TestFTAliases(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.HSet(ctx, "doc1", "t1", "hello", "tag", "a").Err())
		require.NoError(t, rdb.HSet(ctx, "doc1b", "t1", "other", "tag", "c").Err())
		require.NoError(t, rdb.HSet(ctx, "doc2", "t1", "hello", "tag", "b").Err())
		for _, c := range [][]any{
			{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc1", "SCHEMA", "t1", "TEXT", "tag", "TAG"},
			{"FT.CREATE", "idx2", "ON", "HASH", "PREFIX", "1", "doc2", "SCHEMA", "t1", "TEXT", "tag", "TAG"},
		} {
			require.Equal(t, "OK", rdb.Do(ctx, c...).Val())
		}
		waitIndexed(t, rdb, "idx")
		waitIndexed(t, rdb, "idx2")

		// go-redis' typed API takes the index first and sends the alias first.
		require.Equal(t, "OK", rdb.FTAliasAdd(ctx, "idx", "myIndex").Val())
		require.Equal(t, "OK", rdb.Do(ctx, "FT.ALIASADD", "alias2", "idx").Val())
		searchKeys := func(index string) any {
			v, err := rdb.Do(ctx, "FT.SEARCH", index, "hello", "NOCONTENT").Result()
			require.NoError(t, err, index)
			if proto == 3 {
				return v.(map[any]any)["total_results"]
			}
			return v
		}
		assert.Equal(t, searchKeys("idx"), searchKeys("myIndex"))
		if proto == 2 {
			assert.Equal(t, []any{int64(1), "doc1"}, searchKeys("myIndex"))
		}

		// An alias stands for its index in every command that names one.
		info, err := rdb.Do(ctx, "FT.INFO", "myIndex").Result()
		require.NoError(t, err)
		assert.Equal(t, "idx", infoValue(info, "index_name"))
		vals, err := rdb.FTTagVals(ctx, "alias2", "tag").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "c"}, vals)
		text, err := rdb.FTExplain(ctx, "myIndex", "@t1:x").Result()
		require.NoError(t, err)
		assert.Equal(t, "@t1:UNION {\n  @t1:x\n  @t1:+x(expanded)\n}\n", text)
		agg, err := rdb.Do(ctx, "FT.AGGREGATE", "myIndex", "*", "LOAD", "1", "@tag", "WITHCURSOR", "COUNT", "1").Result()
		require.NoError(t, err)
		cid := agg.([]any)[1]
		_, err = rdb.Do(ctx, "FT.CURSOR", "READ", "myIndex", cid).Result()
		require.NoError(t, err)
		lst, err := rdb.Do(ctx, "FT._LIST").Result()
		require.NoError(t, err)
		assert.ElementsMatch(t, []any{"idx", "idx2"}, lst, "aliases are not listed")

		for _, c := range []struct {
			args []any
			want string
		}{
			{[]any{"FT.ALIASADD", "myIndex", "idx2"}, "Alias already exists"},
			{[]any{"FT.ALIASADD", "alias3", "myIndex"}, "Unknown index name (or name is an alias itself)"},
			{[]any{"FT.ALIASADD", "alias3", "nope"}, "Unknown index name (or name is an alias itself)"},
			{[]any{"FT.ALIASADD", "idx2", "idx"}, "Alias conflicts with an existing index name"},
			{[]any{"FT.ALIASUPDATE", "myIndex", "nope"}, "Unknown index name (or name is an alias itself)"},
			{[]any{"FT.ALIASUPDATE", "idx", "idx2"}, "Alias does not belong to provided spec"},
			{[]any{"FT.ALIASDEL", "nope"}, "Alias does not exist"},
			{[]any{"FT.ALIASDEL", "idx"}, "Alias does not belong to provided spec"},
			{[]any{"FT.ALIASADD", "myIndex"}, "ERR wrong number of arguments for 'ft.aliasadd' command"},
			{[]any{"FT.ALIASUPDATE", "a", "b", "c"}, "ERR wrong number of arguments for 'ft.aliasupdate' command"},
			{[]any{"FT.ALIASDEL", "a", "b"}, "ERR wrong number of arguments for 'ft.aliasdel' command"},
		} {
			err := rdb.Do(ctx, c.args...).Err()
			require.Error(t, err, c.args)
			assert.Equal(t, c.want, err.Error(), "%d %v", proto, c.args)
		}
		// The refused update left the alias where it was.
		info, err = rdb.Do(ctx, "FT.INFO", "myIndex").Result()
		require.NoError(t, err)
		assert.Equal(t, "idx", infoValue(info, "index_name"))

		require.Equal(t, "OK", rdb.FTAliasUpdate(ctx, "idx2", "myIndex").Val())
		if proto == 2 {
			assert.Equal(t, []any{int64(1), "doc2"}, searchKeys("myIndex"))
		}
		require.Equal(t, "OK", rdb.FTAliasDel(ctx, "myIndex").Val())
		err = rdb.Do(ctx, "FT.SEARCH", "myIndex", "hello").Err()
		require.Error(t, err)
		assert.Equal(t, "myIndex: no such index", err.Error())

		// Dropping through an alias drops the index and all its aliases.
		require.Equal(t, "OK", rdb.Do(ctx, "FT.ALIASADD", "alias3", "idx").Val())
		require.Equal(t, "OK", rdb.Do(ctx, "FT.DROPINDEX", "alias2").Val())
		for _, name := range []string{"idx", "alias2", "alias3"} {
			assert.Equal(t, "Unknown index name", rdb.Do(ctx, "FT.INFO", name).Err().Error(), name)
		}
		lst, err = rdb.Do(ctx, "FT._LIST").Result()
		require.NoError(t, err)
		assert.ElementsMatch(t, []any{"idx2"}, lst)
		require.Equal(t, "OK", rdb.Do(ctx, "FT.ALIASADD", "alias2", "idx2").Val(), "the dropped index's aliases are free again")
	}
}

// The alias commands run inside MULTI/EXEC, in order with the searches around them.
func TestFTAliasesInMulti(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.HSet(ctx, "doc1", "t", "hello").Err())
	require.Equal(t, "OK", rdb.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "t", "TEXT").Val())
	waitIndexed(t, rdb, "idx")
	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Do(ctx, "FT.ALIASADD", "al", "idx")
		p.Do(ctx, "FT.SEARCH", "al", "hello", "NOCONTENT")
		p.Do(ctx, "FT.ALIASDEL", "al")
		p.Do(ctx, "FT.SEARCH", "al", "hello")
		return nil
	})
	require.Error(t, err)
	require.Len(t, cmds, 4)
	assert.Equal(t, "OK", cmds[0].(*redis.Cmd).Val())
	assert.Equal(t, []any{int64(1), "doc1"}, cmds[1].(*redis.Cmd).Val())
	assert.Equal(t, "OK", cmds[2].(*redis.Cmd).Val())
	assert.Equal(t, "al: no such index", cmds[3].Err().Error())
}
