package server_test

import (
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"darner/server/servertest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sug is a step whose arguments may hold spaces.
func sug(want any, args ...any) replyStep { return replyStep{cmd: args, want: want} }
func sug23(want2, want3 any, args ...any) replyStep {
	return replyStep{cmd: args, want: want2, want3: want3}
}
func sugErr(err string, args ...any) replyStep { return replyStep{cmd: args, err: err} }

// sugRank is RediSearch's rank of a completion of slen runes with score for a prefix of
// qlen bytes, in float32 as it computes it; sugRankText is its RESP2 text (%.17g).
func sugRank(score float64, slen, qlen int) float64 {
	return float64(float32(float64(float32(score)) / math.Sqrt(float64(1+slen-qlen))))
}

func sugRankText(score float64, slen, qlen int) string {
	return strconv.FormatFloat(sugRank(score, slen, qlen), 'g', 17, 64)
}

// The dictionary in these cases is h, which runReplySteps deletes before each case (and s
// a string, for WRONGTYPE). Expected replies come from RediSearch's
// tests/pytests/test_suggest.py where it has them.
func TestSuggestCommandReplies(t *testing.T) {
	var tests []replyStep
	for i := range 10 {
		tests = append(tests, sug(int64(i+1), "FT.SUGADD", "h", fmt.Sprintf("test%d", i), i+1))
	}
	runReplySteps(t, []replyCase{
		{"sugadd and sugget", []replyStep{
			sug(int64(1), "FT.SUGADD", "h", "hello world", 1),
			sug(int64(1), "FT.SUGADD", "h", "hello world", 1, "INCR"),
			sug(bulks("hello world"), "FT.SUGGET", "h", "hello"),
			sug(int64(2), "FT.SUGADD", "h", "hello werld", 1),
			sug(int64(3), "FT.SUGADD", "h", "hallo world", 1),
			sug(int64(4), "FT.SUGADD", "h", "yellow world", 2),
			sug(int64(5), "ft.sugadd", "h", "Yellow World", 2), // another spelling, another entry
			sug(bulks("hello world", "hello werld"), "FT.SUGGET", "h", "hello"),
			sug(bulks("hello world", "hello werld"), "FT.SUGGET", "h", "HeLLo"),
			sug(bulks("hello world", "hello werld", "Yellow World", "yellow world", "hallo world"),
				"FT.SUGGET", "h", "hello", "FUZZY"),
			sug(bulks("hello world"), "FT.SUGGET", "h", "hello", "fuzzy", "max", "1"),
			sug(bulks("hello world", "hello werld"), "FT.SUGGET", "h", "hello", "MAX", "2.9", "OPTIMIZE"),
			sug(arr(), "FT.SUGGET", "h", "xyz"),
			sug(int64(5), "FT.SUGLEN", "h"),
		}},
		{"withscores", append(tests,
			sug23(bulks("test9", "7.0710678100585938", "test8", "6.3639612197875977", "test7", "5.6568541526794434"),
				arr("test9", 7.0710678100585938, "test8", 6.3639612197875977, "test7", 5.6568541526794434),
				"FT.SUGGET", "h", "test", "MAX", 3, "WITHSCORES"),
			// An exact match ranks 2147483648 whatever its score.
			sug(int64(11), "FT.SUGADD", "h", "test", 0.5),
			sug23(bulks("test", "2147483648", "test9", "7.0710678100585938"),
				arr("test", 2147483648.0, "test9", 7.0710678100585938),
				"FT.SUGGET", "h", "test", "MAX", 2, "WITHSCORES"),
		)},
		{"withpayloads", []replyStep{
			sug(int64(1), "FT.SUGADD", "h", "hello world", 1, "PAYLOAD", "foo"),
			sug(int64(2), "FT.SUGADD", "h", "hello werld", 1, "PAYLOAD", "bar"),
			sug(int64(3), "FT.SUGADD", "h", "hello nopayload", 1, "PAYLOAD", ""),
			sug(int64(4), "FT.SUGADD", "h", "hello nopayload2", 1),
			sug(arr("hello world", "foo", "hello werld", "bar", "hello nopayload", nil, "hello nopayload2", nil),
				"FT.SUGGET", "h", "hello", "WITHPAYLOADS"),
			// A tie does not displace the completion found first ("hello w" splits into
			// "erld" and "orld", in rune order).
			sug23(arr("hello werld", sugRankText(1, 11, 5), "bar"), arr("hello werld", sugRank(1, 11, 5), "bar"),
				"FT.SUGGET", "h", "hello", "WITHPAYLOADS", "WITHSCORES", "MAX", 1),
			// INCR without PAYLOAD keeps the payload; with one, replaces it.
			sug(int64(4), "FT.SUGADD", "h", "hello world", 1, "INCR"),
			sug(arr("hello world", "foo"), "FT.SUGGET", "h", "hello", "WITHPAYLOADS", "MAX", 1),
			sug(int64(4), "FT.SUGADD", "h", "hello world", 1, "PAYLOAD", "new", "INCR"),
			sug(arr("hello world", "new"), "FT.SUGGET", "h", "hello", "WITHPAYLOADS", "MAX", 1),
		}},
		{"sugdel", []replyStep{
			sug(int64(1), "FT.SUGADD", "h", "test123", 1),
			sug(int64(2), "FT.SUGADD", "h", "test456", 1),
			sug(int64(0), "FT.SUGDEL", "h", "test"),
			sug(bulks("test123", "test456"), "FT.SUGGET", "h", ""),
			sug(int64(1), "FT.SUGDEL", "h", "test123"),
			sug(int64(0), "FT.SUGDEL", "h", "test123"),
			sug(int64(1), "FT.SUGLEN", "h"),
			// The emptied dictionary goes.
			sug(int64(1), "FT.SUGDEL", "h", "test456"),
			sug(int64(0), "EXISTS", "h"),
			sug(int64(0), "FT.SUGLEN", "h"),
			sug(arr(), "FT.SUGGET", "h", "test"),
			sug(int64(0), "FT.SUGDEL", "h", "test456"),
		}},
		{"strings not taken", []replyStep{
			// RediSearch makes the key even when it does not take the string.
			sug(int64(0), "FT.SUGADD", "h", "", 1),
			sug(int64(1), "EXISTS", "h"),
			sug(int64(0), "FT.SUGADD", "h", strings.Repeat("x", 256), 1),
			sug(int64(0), "FT.SUGLEN", "h"),
			sug(int64(0), "FT.SUGDEL", "h", "x"),
			sug(int64(0), "EXISTS", "h"),
		}},
		{"zero and negative scores", []replyStep{
			sug(int64(1), "FT.SUGADD", "h", "foo", 2),
			sug(int64(1), "FT.SUGADD", "h", "foo", -2, "INCR"),
			sug(int64(2), "FT.SUGADD", "h", "foo two", 2),
			sug23(bulks("foo two", sugRankText(2, 7, 2), "foo", "0"), arr("foo two", sugRank(2, 7, 2), "foo", 0.0),
				"FT.SUGGET", "h", "fo", "WITHSCORES"),
		}},
		{"trim", []replyStep{
			sug(int64(1), "FT.SUGADD", "h", "ha", 100),
			sug(int64(2), "FT.SUGADD", "h", "hb", 1),
			sug(int64(3), "FT.SUGADD", "h", "hc", 1),
			sug(bulks("ha"), "FT.SUGGET", "h", "h", "MAX", 10, "TRIM"),
			sug(bulks("ha", "hb", "hc"), "FT.SUGGET", "h", "h", "MAX", 10),
		}},
		{"missing key", []replyStep{
			sug(int64(0), "FT.SUGLEN", "nokey"),
			sug(arr(), "FT.SUGGET", "nokey", "hello"),
			sug(int64(0), "FT.SUGDEL", "nokey", "hello"),
			sug(int64(0), "EXISTS", "nokey"),
		}},
		{"errors", []replyStep{
			sug(int64(1), "FT.SUGADD", "h", "olah", 1),
			sugErr("ERR wrong number of arguments for 'ft.sugadd' command", "FT.SUGADD", "h", "missing"),
			sugErr("ERR wrong number of arguments for 'ft.sugadd' command", "FT.SUGADD", "h", "a", 1, "INCR", "INCR", "INCR", "INCR"),
			sugErr("ERR invalid score", "FT.SUGADD", "h", "olah", "not_a_number"),
			sugErr("ERR invalid score", "FT.SUGADD", "h", "olah", "nan"),
			sugErr("Invalid payload: Expected an argument, but none provided", "FT.SUGADD", "h", "olah", 1, "PAYLOAD"),
			sugErr("Unknown argument `REDIS`", "FT.SUGADD", "h", "olah", 1, "REDIS", "PAYLOAD", "payload"),
			// The options are read before the key's type, the score after.
			sugErr("Unknown argument `X`", "FT.SUGADD", "s", "olah", 1, "X"),
			sugErr(msgWrongType, "FT.SUGADD", "s", "olah", "not_a_number"),
			sugErr("Unrecognized argument: FUZZ", "FT.SUGGET", "h", "olah", "FUZZ"),
			sugErr("MAX: Expected an argument, but none provided", "FT.SUGGET", "h", "olah", "MAX"),
			sugErr("MAX: Value is outside acceptable bounds", "FT.SUGGET", "h", "olah", "MAX", 0),
			sugErr("MAX: Value is outside acceptable bounds", "FT.SUGGET", "h", "olah", "MAX", "4294967296"),
			sugErr("MAX: Could not convert argument to expected type", "FT.SUGGET", "h", "olah", "MAX", "many"),
			sugErr("ERR wrong number of arguments for 'ft.sugget' command", "FT.SUGGET", "h"),
			sugErr("ERR wrong number of arguments for 'ft.sugget' command",
				"FT.SUGGET", "h", "o", "FUZZY", "FUZZY", "FUZZY", "FUZZY", "FUZZY", "FUZZY", "FUZZY", "FUZZY"),
			sugErr("Invalid query", "FT.SUGGET", "h", strings.Repeat("verylongquery", 8)),
			sugErr("Invalid query length", "FT.SUGGET", "h", strings.Repeat("verylongquery", 16)),
			sug(arr(), "FT.SUGGET", "nokey", strings.Repeat("verylongquery", 8)),
			sug(int64(2), "FT.SUGADD", "h", strings.Repeat("a", 100), 1),
			sug(bulks(strings.Repeat("a", 100)), "FT.SUGGET", "h", strings.Repeat("a", 100), "FUZZY"),
			sugErr("ERR wrong number of arguments for 'ft.sugdel' command", "FT.SUGDEL", "h"),
			sugErr("ERR wrong number of arguments for 'ft.suglen' command", "FT.SUGLEN", "h", "x"),
		}},
		{"wrongtype", []replyStep{
			sugErr(msgWrongType, "FT.SUGADD", "s", "hello world", 1),
			sugErr(msgWrongType, "FT.SUGLEN", "s"),
			sugErr(msgWrongType, "FT.SUGGET", "s", "hello"),
			sugErr(msgWrongType, "FT.SUGDEL", "s", "hello world"),
			sug(int64(1), "FT.SUGADD", "h", "x", 1),
			sugErr(msgWrongType, "HSET", "h", "f", "v"),
			sugErr(msgWrongType, "GET", "h"),
		}},
	})
}

// TestSuggestKeyspace checks that a dictionary is a key like others: TYPE, SCAN TYPE, DEL,
// RENAME, COPY (a copy of its own), EXPIRE, databases, FLUSHDB and MULTI/EXEC.
func TestSuggestKeyspace(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		t.Run(fmt.Sprintf("resp%d", proto), func(t *testing.T) {
			ctx := t.Context()
			rdb := s.Client(t, proto)
			require.NoError(t, rdb.FlushAll(ctx).Err())
			do := func(args ...any) any {
				t.Helper()
				v, err := rdb.Do(ctx, args...).Result()
				require.NoError(t, err, "%v", args)
				return v
			}
			assert.Equal(t, int64(1), do("FT.SUGADD", "{d}a", "hello", 1, "PAYLOAD", "p"))
			assert.Equal(t, "trietype0", do("TYPE", "{d}a"))
			keys, _, err := rdb.ScanType(ctx, 0, "*", 100, "trietype0").Result()
			require.NoError(t, err)
			assert.Equal(t, []string{"{d}a"}, keys)

			assert.Equal(t, "OK", do("RENAME", "{d}a", "{d}b"))
			assert.Equal(t, int64(1), do("FT.SUGLEN", "{d}b"))
			assert.Equal(t, int64(1), do("COPY", "{d}b", "{d}c"))
			assert.Equal(t, int64(2), do("FT.SUGADD", "{d}b", "help", 1))
			assert.Equal(t, int64(1), do("FT.SUGLEN", "{d}c"), "a copy does not follow the original")
			assert.Equal(t, arr("hello", "p"), do("FT.SUGGET", "{d}c", "he", "WITHPAYLOADS"))

			assert.Equal(t, true, rdb.PExpire(ctx, "{d}c", 1).Val())
			require.Eventually(t, func() bool { return rdb.Exists(ctx, "{d}c").Val() == 0 },
				2*time.Second, 5*time.Millisecond)
			assert.Equal(t, int64(0), do("FT.SUGLEN", "{d}c"))

			// Each database has its own dictionaries.
			assert.Equal(t, "OK", do("SELECT", 1))
			assert.Equal(t, int64(0), do("FT.SUGLEN", "{d}b"))
			assert.Equal(t, int64(1), do("FT.SUGADD", "{d}b", "other", 1))
			assert.Equal(t, "OK", do("SELECT", 0))
			assert.Equal(t, int64(2), do("FT.SUGLEN", "{d}b"))

			// Inside MULTI the commands queue and run with EXEC.
			pipe := rdb.TxPipeline()
			pipe.Do(ctx, "FT.SUGADD", "{d}b", "hero", 5)
			get := pipe.Do(ctx, "FT.SUGGET", "{d}b", "her")
			_, err = pipe.Exec(ctx)
			require.NoError(t, err)
			assert.Equal(t, arr("hero"), get.Val())

			assert.Equal(t, int64(1), do("DEL", "{d}b"))
			assert.Equal(t, int64(0), do("FT.SUGLEN", "{d}b"))
			assert.Equal(t, int64(1), do("FT.SUGADD", "{d}b", "x", 1))
			assert.Equal(t, "OK", do("FLUSHDB"))
			assert.Equal(t, int64(0), do("EXISTS", "{d}b"))
		})
	}
}

// TestSuggestCommandInfo checks the table entries: keys at 1, flags as RediSearch registers
// the commands.
func TestSuggestCommandInfo(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	infos, err := rdb.Command(t.Context()).Result()
	require.NoError(t, err)
	cases := []struct {
		name  string
		arity int8
		flags []string
	}{
		{"ft.sugadd", -4, []string{"write", "denyoom", "module"}},
		{"ft.sugget", -3, []string{"readonly", "module"}},
		{"ft.sugdel", 3, []string{"write", "module"}},
		{"ft.suglen", 2, []string{"readonly", "module"}},
	}
	for _, tc := range cases {
		info := infos[tc.name]
		require.NotNil(t, info, tc.name)
		assert.Equal(t, tc.arity, info.Arity, tc.name)
		assert.Equal(t, tc.flags, info.Flags, tc.name)
		assert.Equal(t, int8(1), info.FirstKeyPos, tc.name)
		assert.Equal(t, int8(1), info.LastKeyPos, tc.name)
		assert.Equal(t, int8(1), info.StepCount, tc.name)
	}
}

// TestSuggestRedisPy runs redis-py's AutoCompleter calls (Debian's python3-redis 4.3):
// sugadd through a pipeline, sugget's parser with scores and payloads, suglen, sugdel.
func TestSuggestRedisPy(t *testing.T) {
	servertest.Need(t, exec.Command(debianPython, "-c", "import redis.commands.search").Run(),
		"Debian's python3-redis (apt-get install python3-redis)")
	s := servertest.Start(t, servertest.Options{})
	port := s.Addr[strings.LastIndexByte(s.Addr, ':')+1:]
	script := `
import sys, redis
from redis.commands.search.suggestion import Suggestion
r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
ft = r.ft()
assert ft.sugadd("ac", Suggestion("hello world", 2.0, "p1"), Suggestion("hello werld", 1.0)) == 2
assert ft.sugadd("ac", Suggestion("hello werld", 2.0), increment=True) == 2
assert ft.suglen("ac") == 2
res = ft.sugget("ac", "hello", with_scores=True, with_payloads=True)
assert [s.string for s in res] == ["hello werld", "hello world"], res
assert abs(res[0].score - 3 / 7 ** 0.5) < 1e-6, res[0].score
assert [s.payload for s in res] == [None, "p1"], [s.payload for s in res]
assert [s.string for s in ft.sugget("ac", "hallo", fuzzy=True, num=1)] == ["hello werld"]
assert ft.sugget("nokey", "hello") == []
assert ft.sugdel("ac", "hello world") == 1
assert ft.suglen("ac") == 1
print("ok")
`
	out, err := exec.Command(debianPython, "-c", script, port).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "ok\n", string(out))
}

// TestSuggestNotIndexed checks that an index whose prefix covers a dictionary's key leaves
// the dictionary alone: it is no document.
func TestSuggestNotIndexed(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	ctx := t.Context()
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", 1, "sug:", "SCHEMA", "t", "TEXT").Err())
	require.NoError(t, rdb.Do(ctx, "FT.SUGADD", "sug:1", "hello", 1).Err())
	require.NoError(t, rdb.HSet(ctx, "sug:2", "t", "hello").Err())
	res, err := rdb.FTSearch(ctx, "idx", "*").Result()
	require.NoError(t, err)
	assert.Equal(t, 1, res.Total)
	require.NoError(t, rdb.Do(ctx, "FT.SUGDEL", "sug:1", "hello").Err())
	assert.Equal(t, int64(0), rdb.Exists(ctx, "sug:1").Val())
}
