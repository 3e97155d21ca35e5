package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// FT.DICTADD, FT.DICTDEL and FT.DICTDUMP, raw and through go-redis' typed API, in both
// protocols (RediSearch's tests/pytests/test_spell_check.py testDict* cases).
func TestFTDict(t *testing.T) {
	for _, proto := range servertest.Protocols {
		t.Run(fmt.Sprint("RESP", proto), func(t *testing.T) {
			s := servertest.Start(t, servertest.Options{})
			rdb := s.Client(t, proto)
			ctx := context.Background()
			do := func(args ...any) any {
				t.Helper()
				v, err := rdb.Do(ctx, args...).Result()
				require.NoError(t, err, args)
				return v
			}
			assert.Equal(t, int64(3), do("FT.DICTADD", "dict", "term1", "term2", "term3"))
			assert.Equal(t, int64(1), do("FT.DICTADD", "dict", "term1", "term2", "term4"))
			// A set in RESP3, an array in RESP2: go-redis reads both as a slice.
			assert.Equal(t, []any{"term1", "term2", "term3", "term4"}, do("FT.DICTDUMP", "dict"))
			assert.Equal(t, int64(2), do("FT.DICTDEL", "dict", "term1", "term2", "term5"))
			assert.Equal(t, []any{}, do("FT.DICTDUMP", "nosuch"))
			assert.Equal(t, []any{}, do("KEYS", "*"), "dictionaries are not keys")

			n, err := rdb.FTDictAdd(ctx, "typed", "Beta", "alpha", "beta").Result()
			require.NoError(t, err)
			assert.Equal(t, int64(3), n)
			terms, err := rdb.FTDictDump(ctx, "typed").Result()
			require.NoError(t, err)
			assert.Equal(t, []string{"Beta", "alpha", "beta"}, terms)
			n, err = rdb.FTDictDel(ctx, "typed", "BETA", "beta").Result()
			require.NoError(t, err)
			assert.Equal(t, int64(1), n, "FT.DICTDEL matches case")

			// FT.DICTDEL of the last terms drops the dictionary; FLUSHALL drops them all.
			assert.Equal(t, int64(2), do("FT.DICTDEL", "dict", "term3", "term4"))
			assert.Equal(t, []any{}, do("FT.DICTDUMP", "dict"))
			require.NoError(t, rdb.FlushAll(ctx).Err())
			assert.Equal(t, []any{}, do("FT.DICTDUMP", "typed"))
			assert.Equal(t, int64(1), do("FT.DICTADD", "typed", "alpha"))

			// Inside MULTI/EXEC, beside a command holding a shard.
			var add *redis.Cmd
			_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "k", "v", 0)
				add = p.Do(ctx, "FT.DICTADD", "tx", "a", "b")
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, int64(2), add.Val())
			assert.Equal(t, []any{"a", "b"}, do("FT.DICTDUMP", "tx"))

			for _, args := range [][]any{{"FT.DICTADD", "dict"}, {"FT.DICTDEL", "dict"}, {"FT.DICTDUMP"},
				{"FT.DICTDUMP", "a", "b"}, {"FT.SPELLCHECK", "idx"}} {
				err := rdb.Do(ctx, args...).Err()
				assert.EqualError(t, err, fmt.Sprintf("ERR wrong number of arguments for '%s' command",
					map[string]string{"FT.DICTADD": "ft.dictadd", "FT.DICTDEL": "ft.dictdel",
						"FT.DICTDUMP": "ft.dictdump", "FT.SPELLCHECK": "ft.spellcheck"}[args[0].(string)]), args)
			}
		})
	}
}

// spellServer is a server with RediSearch's spell check test index: name1 in one document,
// name2 in two (once in body).
func spellServer(t *testing.T) (*servertest.Server, context.Context) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "name", "TEXT", "body", "TEXT").Err())
	for _, d := range [][]any{
		{"doc1", "name", "name1", "body", "body1"},
		{"doc2", "name", "name2", "body", "body2"},
		{"doc3", "name", "name2", "body", "name2"},
	} {
		require.NoError(t, rdb.HSet(ctx, d[0].(string), d[1:]...).Err())
	}
	require.NoError(t, rdb.Do(ctx, "FT.DICTADD", "dict", "name3", "name4", "name5").Err())
	require.NoError(t, rdb.Do(ctx, "FT.DICTADD", "slang", "timmies", "toque", "toonie", "Toonif", "kerfuffle").Err())
	return s, ctx
}

// FT.SPELLCHECK's reply shapes, raw and through go-redis' typed API, in both protocols.
func TestFTSpellCheck(t *testing.T) {
	s, ctx := spellServer(t)
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		do := func(args ...any) any {
			t.Helper()
			v, err := rdb.Do(ctx, append([]any{"FT.SPELLCHECK", "idx"}, args...)...).Result()
			require.NoError(t, err, args)
			return v
		}
		third, twoThirds := "0.33333333333333331", "0.66666666666666663"
		if proto == 3 {
			for _, c := range []struct {
				args []any
				want any
			}{
				{[]any{"name"}, map[any]any{"results": map[any]any{"name": []any{
					map[any]any{"name2": 2.0 / 3}, map[any]any{"name1": 1.0 / 3}}}}},
				{[]any{"@body:name"}, map[any]any{"results": map[any]any{"name": []any{
					map[any]any{"name2": 2.0 / 3}}}}},
				{[]any{"name1"}, map[any]any{"results": map[any]any{}}},
				{[]any{"Tooni toque kerfuffle", "TERMS", "INCLUDE", "slang", "dict"},
					map[any]any{"results": map[any]any{
						"tooni":     []any{map[any]any{"Toonif": 0.0}, map[any]any{"toonie": 0.0}},
						"toque":     []any{map[any]any{"toque": 0.0}},
						"kerfuffle": []any{map[any]any{"kerfuffle": 0.0}}}}},
				{[]any{"somenotexiststext"}, map[any]any{"results": map[any]any{"somenotexiststext": []any{}}}},
			} {
				assert.Equal(t, c.want, do(c.args...), "RESP3 %v", c.args)
			}
			// FULLSCOREINFO: the document count first, raw counts, and an error value for
			// a word the index holds.
			got := do("name1 name", "FULLSCOREINFO").(map[any]any)
			assert.Equal(t, int64(3), got["total_docs"])
			results := got["results"].(map[any]any)
			assert.Equal(t, []any{map[any]any{"name2": 2.0}, map[any]any{"name1": 1.0}}, results["name"])
			found, ok := results["name1"].(error)
			require.True(t, ok, "%#v", results["name1"])
			assert.EqualError(t, found, "term exists in index")
		} else {
			for _, c := range []struct {
				args []any
				want any
			}{
				{[]any{"name"}, []any{[]any{"TERM", "name", []any{[]any{twoThirds, "name2"}, []any{third, "name1"}}}}},
				{[]any{"@body:name"}, []any{[]any{"TERM", "name", []any{[]any{twoThirds, "name2"}}}}},
				{[]any{"name1"}, []any{}},
				{[]any{"name", "TERMS", "INCLUDE", "dict"}, []any{[]any{"TERM", "name", []any{
					[]any{twoThirds, "name2"}, []any{third, "name1"}, []any{"0", "name3"}, []any{"0", "name4"},
					[]any{"0", "name5"}}}}},
				{[]any{"Tooni toque kerfuffle", "TERMS", "EXCLUDE", "slang", "TERMS", "INCLUDE", "slang"},
					[]any{[]any{"TERM", "tooni", []any{[]any{"0", "Toonif"}, []any{"0", "toonie"}}}}},
				{[]any{"somenotexiststext"}, []any{[]any{"TERM", "somenotexiststext", []any{}}}},
				{[]any{"name1 name", "FULLSCOREINFO"}, []any{int64(3),
					[]any{"TERM", "name1", "term exists in index"},
					[]any{"TERM", "name", []any{[]any{"2", "name2"}, []any{"1", "name1"}}}}},
			} {
				assert.Equal(t, c.want, do(c.args...), "RESP2 %v", c.args)
			}
		}

		// go-redis' typed API parses both shapes alike.
		res, err := rdb.FTSpellCheck(ctx, "idx", "name").Result()
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, "name", res[0].Term)
		assert.Equal(t, []redis.SpellCheckSuggestion{{Score: 2.0 / 3, Suggestion: "name2"}, {Score: 1.0 / 3, Suggestion: "name1"}},
			res[0].Suggestions, "RESP%d", proto)
		res, err = rdb.FTSpellCheckWithArgs(ctx, "idx", "nmae", &redis.FTSpellCheckOptions{Distance: 3,
			Terms: &redis.FTSpellCheckTerms{Inclusion: "INCLUDE", Dictionary: "dict", Terms: []any{"ignored"}}}).Result()
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, []redis.SpellCheckSuggestion{{Score: 2.0 / 3, Suggestion: "name2"}, {Score: 1.0 / 3, Suggestion: "name1"},
			{Score: 0, Suggestion: "name3"}, {Score: 0, Suggestion: "name4"}, {Score: 0, Suggestion: "name5"}},
			res[0].Suggestions, "RESP%d", proto)
	}
}

// FT.SPELLCHECK's errors, in RediSearch's words and order.
func TestFTSpellCheckErrors(t *testing.T) {
	s, ctx := spellServer(t)
	rdb := s.Client(t, 2)
	for _, c := range []struct {
		args []any
		err  string
	}{
		{[]any{"nosuch", "name", "DIALECT", "2"}, "Unknown Index name"},
		{[]any{"nosuch", "name", "DIALECT", "9"}, "ERR DIALECT requires a non negative integer >=1 and <= 4"},
		{[]any{"idx", "name", "DIALECT"}, "ERR Need an argument for DIALECT"},
		{[]any{"idx", "name", "TERMS"}, "TERM arg is given but no TERM params comes after"},
		{[]any{"idx", "name", "TERMS", "INCLUDE"}, "TERM arg is given but no TERM params comes after"},
		{[]any{"idx", "name", "TERMS", "ALSO", "dict"}, "bad format, exclude/include operation was not given"},
		{[]any{"idx", "name", "DISTANCE"}, "DISTANCE arg is given but no DISTANCE comes after"},
		{[]any{"idx", "name", "DISTANCE", "0"}, "bad distance given, distance must be a natural number between 1 to 4"},
		{[]any{"idx", "name", "DISTANCE", "-1"}, "bad distance given, distance must be a natural number between 1 to 4"},
		{[]any{"idx", "name", "DISTANCE", "5"}, "bad distance given, distance must be a natural number between 1 to 4"},
		{[]any{"idx", "name", "TERMS", "INCLUDE", "nosuch"}, "Dict does not exist: nosuch"},
		{[]any{"idx", "name", "TERMS", "EXCLUDE", "nosuch"}, "Dict does not exist: nosuch"},
		{[]any{"idx", "$a", "DIALECT", "2"}, "ERR No such parameter `a`"},
		{[]any{"idx", "$a", "PARAMS", "3", "a", "b", "c", "DIALECT", "2"}, "ERR Parameters must be specified in PARAM VALUE pairs"},
	} {
		err := rdb.Do(ctx, append([]any{"FT.SPELLCHECK"}, c.args...)...).Err()
		assert.EqualError(t, err, c.err, "%v", c.args)
	}
}

// The bytes on the wire: "TERM" a simple string, scores bulk strings in RESP2 and doubles
// in RESP3, and the RESP3 maps.
func TestFTSpellCheckWire(t *testing.T) {
	s, _ := spellServer(t)
	r := dialRaw(t, s.Addr)
	r.send("FT.SPELLCHECK idx @body:name\r\n")
	assert.Equal(t, "*1\r\n*3\r\n+TERM\r\n$4\r\nname\r\n*1\r\n*2\r\n$19\r\n0.66666666666666663\r\n$5\r\nname2\r\n",
		readReply(t, r))
	r.send("HELLO 3\r\n")
	readReply(t, r)
	r.send("FT.SPELLCHECK idx @body:name\r\n")
	assert.Equal(t, "%1\r\n$7\r\nresults\r\n%1\r\n$4\r\nname\r\n*1\r\n%1\r\n$5\r\nname2\r\n,0.66666666666666663\r\n",
		readReply(t, r))
	r.send("FT.DICTDUMP dict\r\n")
	assert.Equal(t, "~3\r\n$5\r\nname3\r\n$5\r\nname4\r\n$5\r\nname5\r\n", readReply(t, r))
}
