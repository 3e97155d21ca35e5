package server_test

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"darner/engine"
	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nilReply stands for a nil reply (RESP2 $-1 / *-1, RESP3 _) in the reply tables.
type nilReplyT struct{}

var nilReply = nilReplyT{}

// replyStep is one command and the reply go-redis decodes for it.
type replyStep struct {
	cmd   []any
	want  any    // the RESP2 reply; nilReply for a nil reply
	want3 any    // the RESP3 reply when it differs from want
	err   string // an error reply expected instead
}

func cmdArgs(s string) []any {
	var out []any
	for _, f := range strings.Fields(s) {
		out = append(out, f)
	}
	return out
}

func expect(s string, want any) replyStep { return replyStep{cmd: cmdArgs(s), want: want} }
func expect23(s string, want2, want3 any) replyStep {
	return replyStep{cmd: cmdArgs(s), want: want2, want3: want3}
}
func expectErr(s, err string) replyStep { return replyStep{cmd: cmdArgs(s), err: err} }
func arr(xs ...any) []any               { return append([]any{}, xs...) }
func bulks(xs ...string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func resp3Map(pairs ...string) map[any]any {
	m := map[any]any{}
	for i := 0; i < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// replyCase is a named sequence of steps run against fresh keys.
type replyCase struct {
	name  string
	steps []replyStep
}

// runReplySteps runs each case on a fresh key space (h, s) under both protocols.
func runReplySteps(t *testing.T, cases []replyCase) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/resp%d", tc.name, proto), func(t *testing.T) {
				ctx := t.Context()
				require.NoError(t, rdb.Del(ctx, "h", "s", "nokey").Err())
				require.NoError(t, rdb.Set(ctx, "s", "string", 0).Err())
				for _, st := range tc.steps {
					got, err := rdb.Do(ctx, st.cmd...).Result()
					if st.err != "" {
						require.Error(t, err, "%v", st.cmd)
						assert.Equal(t, st.err, err.Error(), "%v", st.cmd)
						continue
					}
					if errors.Is(err, redis.Nil) {
						got, err = nilReply, nil
					}
					require.NoError(t, err, "%v", st.cmd)
					want := st.want
					if proto == 3 && st.want3 != nil {
						want = st.want3
					}
					assert.Equal(t, want, got, "%v", st.cmd)
				}
			})
		}
	}
}

const (
	msgWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
	msgNotInt    = "ERR value is not an integer or out of range"
	msgSyntax    = "ERR syntax error"
)

func TestHashCommandReplies(t *testing.T) {
	runReplySteps(t, []replyCase{
		{"hset", []replyStep{
			expect("HSET h a 1 b 2", int64(2)),
			expect("HSET h a 9 c 3", int64(1)),
			expect23("HGETALL h", bulks("a", "9", "b", "2", "c", "3"), resp3Map("a", "9", "b", "2", "c", "3")),
			expectErr("HSET h a", "ERR wrong number of arguments for 'hset' command"),
			expectErr("HSET h a 1 b", "ERR wrong number of arguments for 'hset' command"),
			expectErr("HSET s a 1", msgWrongType),
		}},
		{"hmset", []replyStep{
			expect("HMSET h a 1 b 2", "OK"),
			expectErr("HMSET h a", "ERR wrong number of arguments for 'hmset' command"),
			expectErr("HMSET s a 1", msgWrongType),
			expect("HMGET h a b", bulks("1", "2")),
		}},
		{"hsetnx", []replyStep{
			expect("HSETNX h a 1", int64(1)),
			expect("HSETNX h a 2", int64(0)),
			expect("HGET h a", "1"),
			expectErr("HSETNX s a 1", msgWrongType),
			expectErr("HSETNX h a", "ERR wrong number of arguments for 'hsetnx' command"),
		}},
		{"hget", []replyStep{
			expect("HSET h a 1", int64(1)),
			expect("HGET h a", "1"),
			expect("HGET h x", nilReply),
			expect("HGET nokey a", nilReply),
			expectErr("HGET s a", msgWrongType),
			expectErr("HGET h", "ERR wrong number of arguments for 'hget' command"),
		}},
		{"hmget", []replyStep{
			expect("HSET h a 1", int64(1)),
			expect("HMGET h a x", arr("1", nil)),
			expect("HMGET nokey a b", arr(nil, nil)),
			expectErr("HMGET s a", msgWrongType),
			expectErr("HMGET h", "ERR wrong number of arguments for 'hmget' command"),
		}},
		{"hgetall", []replyStep{
			expect("HSET h c 3 a 1 b 2", int64(3)),
			expect23("HGETALL h", bulks("c", "3", "a", "1", "b", "2"), resp3Map("c", "3", "a", "1", "b", "2")),
			expect23("HGETALL nokey", arr(), resp3Map()),
			expectErr("HGETALL s", msgWrongType),
		}},
		{"hdel", []replyStep{
			expect("HSET h a 1 b 2 c 3", int64(3)),
			expect("HDEL h a x", int64(1)),
			expect("HDEL h b c d", int64(2)),
			expect("HLEN h", int64(0)),
			expect("HDEL h a", int64(0)),
			expect("HDEL nokey a", int64(0)),
			expectErr("HDEL s a", msgWrongType),
			expectErr("HDEL h", "ERR wrong number of arguments for 'hdel' command"),
		}},
		{"hexists hlen hstrlen", []replyStep{
			expect("HSET h a hello b x", int64(2)),
			expect("HEXISTS h a", int64(1)),
			expect("HEXISTS h x", int64(0)),
			expect("HEXISTS nokey a", int64(0)),
			expect("HLEN h", int64(2)),
			expect("HLEN nokey", int64(0)),
			expect("HSTRLEN h a", int64(5)),
			expect("HSTRLEN h x", int64(0)),
			expect("HSTRLEN nokey a", int64(0)),
			expectErr("HEXISTS s a", msgWrongType),
			expectErr("HLEN s", msgWrongType),
			expectErr("HSTRLEN s a", msgWrongType),
		}},
		{"hkeys hvals", []replyStep{
			expect("HSET h z 26 y 25 x 24", int64(3)),
			expect("HKEYS h", bulks("z", "y", "x")),
			expect("HVALS h", bulks("26", "25", "24")),
			expect("HKEYS nokey", arr()),
			expect("HVALS nokey", arr()),
			expectErr("HKEYS s", msgWrongType),
			expectErr("HVALS s", msgWrongType),
		}},
		{"hincrby", []replyStep{
			expect("HINCRBY h n 5", int64(5)),
			expect("HINCRBY h n -7", int64(-2)),
			expect("HGET h n", "-2"),
			expectErr("HINCRBY h n x", msgNotInt),
			expectErr("HINCRBY h n 01", msgNotInt),
			expectErr("HINCRBY h n +1", msgNotInt),
			expectErr("HINCRBY h n 1.5", msgNotInt),
			expect("HSET h s abc z -0 big 9223372036854775807 small -9223372036854775808", int64(4)),
			expectErr("HINCRBY h s 1", "ERR hash value is not an integer"),
			expectErr("HINCRBY h z 1", "ERR hash value is not an integer"),
			expectErr("HINCRBY h big 1", "ERR increment or decrement would overflow"),
			expectErr("HINCRBY h small -1", "ERR increment or decrement would overflow"),
			expect("HINCRBY h small 0", int64(-9223372036854775808)),
			expect("HINCRBY h big -9223372036854775808", int64(-1)),
			expectErr("HINCRBY s n 1", msgWrongType),
		}},
		{"hincrbyfloat", []replyStep{
			expect("HINCRBYFLOAT h f 10.5", "10.5"),
			expect("HINCRBYFLOAT h f 0.1", "10.6"),
			expect("HINCRBYFLOAT h q 0.1", "0.1"),
			expect("HINCRBYFLOAT h q 0.2", "0.3"),
			expect("HINCRBYFLOAT h q -0.3", "0"),
			expect("HINCRBYFLOAT h g 1e20", "100000000000000000000"),
			expect("HINCRBYFLOAT h x 5.0e3", "5000"),
			expect("HINCRBYFLOAT h x 0x10", "5016"),
			expect("HINCRBYFLOAT h x -0x1.8p1", "5013"),
			expect("HINCRBYFLOAT h x .5", "5013.5"),
			expect("HINCRBYFLOAT h n -0.0000000000000000001", "0"),
			expect("HINCRBYFLOAT h p 123456789.123456789", "123456789.12345678899873747"),
			expect("HINCRBYFLOAT h i 3", "3"),
			expect("HINCRBY h i 2", int64(5)),
			expectErr("HINCRBYFLOAT h f abc", "ERR value is not a valid float"),
			expectErr("HINCRBYFLOAT h f nan", "ERR value is not a valid float"),
			expectErr("HINCRBYFLOAT h f 1e", "ERR value is not a valid float"),
			expectErr("HINCRBYFLOAT h f 1_0", "ERR value is not a valid float"),
			expectErr("HINCRBYFLOAT h f 0b1", "ERR value is not a valid float"),
			expectErr("HINCRBYFLOAT h f 1e-5000", "ERR value is not a valid float"),
			expectErr("HINCRBYFLOAT h f inf", "ERR value is NaN or Infinity"),
			expectErr("HINCRBYFLOAT h f -Infinity", "ERR value is NaN or Infinity"),
			expect("HSET h s abc e 1e4932", int64(2)),
			expectErr("HINCRBYFLOAT h s 1", "ERR hash value is not a float"),
			expectErr("HINCRBYFLOAT h e 1e4932", "ERR increment would produce NaN or Infinity"),
			expectErr("HINCRBYFLOAT s f 1", msgWrongType),
		}},
		{"hrandfield shapes", []replyStep{
			expect("HRANDFIELD nokey", nilReply),
			expect("HRANDFIELD nokey 3", arr()),
			expect("HSET h a 1", int64(1)),
			expect("HRANDFIELD h", "a"),
			expect("HRANDFIELD h 2", bulks("a")),
			expect("HRANDFIELD h 0", arr()),
			expect("HRANDFIELD h -3", bulks("a", "a", "a")),
			expect23("HRANDFIELD h 1 WITHVALUES", bulks("a", "1"), arr(bulks("a", "1"))),
			expect23("HRANDFIELD h -2 withvalues", bulks("a", "1", "a", "1"), arr(bulks("a", "1"), bulks("a", "1"))),
			expectErr("HRANDFIELD h x", msgNotInt),
			expectErr("HRANDFIELD nokey x", msgNotInt),
			expectErr("HRANDFIELD h 1 WITHVALUE", msgSyntax),
			expectErr("HRANDFIELD h 1 WITHVALUES x", msgSyntax),
			expectErr("HRANDFIELD h -9223372036854775808",
				"ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
			expectErr("HRANDFIELD h 9223372036854775807 WITHVALUES", "ERR value is out of range"),
			expectErr("HRANDFIELD h -100000000000", "ERR value is out of range"),
			expectErr("HRANDFIELD s", msgWrongType),
			expectErr("HRANDFIELD s 0", msgWrongType),
		}},
		{"hscan", []replyStep{
			expect("HSCAN nokey 0 COUNT x", arr("0", arr())),
			expect("HSET h b 2 a 1 c 3", int64(3)),
			expect("HSCAN h 0", arr("0", bulks("b", "2", "a", "1", "c", "3"))),
			expect("HSCAN h 5 COUNT 1", arr("0", bulks("b", "2", "a", "1", "c", "3"))),
			expect("HSCAN h 0 MATCH a*", arr("0", bulks("a", "1"))),
			expect("HSCAN h 0 match [bc] count 100", arr("0", bulks("b", "2", "c", "3"))),
			expect("HSCAN h 0 MATCH * NOVALUES", arr("0", bulks("b", "a", "c"))),
			expect("HSCAN h 0 MATCH nothing", arr("0", arr())),
			expectErr("HSCAN h x", "ERR invalid cursor"),
			expectErr("HSCAN h 18446744073709551616", "ERR invalid cursor"),
			expectErr("HSCAN h 0 COUNT 0", msgSyntax),
			expectErr("HSCAN h 0 COUNT x", msgNotInt),
			expectErr("HSCAN h 0 MATCH", msgSyntax),
			expectErr("HSCAN h 0 foo bar", msgSyntax),
			expectErr("HSCAN s 0", msgWrongType),
		}},
	})
}

// storedHashEncoding reads key's encoding straight from the store ("" when the key is absent).
func storedHashEncoding(t *testing.T, s *servertest.Server, key string) string {
	t.Helper()
	tx := s.Store.BeginKey([]byte(key), false)
	defer tx.End()
	o := tx.View(0, []byte(key)).Get(key)
	if o == nil {
		return ""
	}
	h, ok := o.Value.(*engine.Hash)
	require.True(t, ok)
	return h.Encoding()
}

func storeUsedBytes(s *servertest.Server) int64 {
	var n int64
	for _, st := range s.Store.Stats(nil) {
		n += st.UsedBytes
	}
	return n
}

func TestHashEncodingAndEmptyHashDeleted(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 3)
	ctx := t.Context()
	require.Zero(t, storeUsedBytes(s))

	const limit = 512 // hash-max-listpack-entries, Redis 7's default
	fields := make([]any, 0, 2*(limit+1))
	var names []string
	for i := range limit {
		f := "f" + strconv.Itoa(i)
		fields = append(fields, f, i)
		names = append(names, f)
	}
	require.NoError(t, rdb.HSet(ctx, "h", fields...).Err())
	assert.Equal(t, "listpack", storedHashEncoding(t, s, "h"))
	keys, err := rdb.HKeys(ctx, "h").Result()
	require.NoError(t, err)
	assert.Equal(t, names, keys, "a listpack keeps insertion order")

	require.NoError(t, rdb.HSet(ctx, "h", "f"+strconv.Itoa(limit), limit).Err())
	assert.Equal(t, "hashtable", storedHashEncoding(t, s, "h"))
	names = append(names, "f"+strconv.Itoa(limit))
	keys, err = rdb.HKeys(ctx, "h").Result()
	require.NoError(t, err)
	assert.ElementsMatch(t, names, keys)

	require.NoError(t, rdb.HSet(ctx, "v", "a", strings.Repeat("x", 64)).Err())
	assert.Equal(t, "listpack", storedHashEncoding(t, s, "v"))
	require.NoError(t, rdb.HSet(ctx, "v", "b", strings.Repeat("x", 65)).Err())
	assert.Equal(t, "hashtable", storedHashEncoding(t, s, "v"))

	// Deleting every field deletes the key, and with it every byte accounted to it.
	n, err := rdb.HDel(ctx, "h", names...).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(limit+1), n)
	assert.Equal(t, "", storedHashEncoding(t, s, "h"))
	require.NoError(t, rdb.HDel(ctx, "v", "a", "b").Err())
	assert.Equal(t, "", storedHashEncoding(t, s, "v"))
	assert.Zero(t, storeUsedBytes(s))
}

// TestHashWritesAreReported checks that every command that changes a hash tells the
// engine (observers, WATCH, memory accounting) exactly once, and that a command that
// changes nothing tells it nothing.
func TestHashWritesAreReported(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rec := &eventLog{}
	s.Store.AddObserver(rec)
	rdb := s.Client(t, 2)
	other := s.Client(t, 2)
	ctx := t.Context()
	tests := []struct {
		cmd  string
		want []string
	}{
		{"HSET h a 1 b 2", []string{"write h"}},
		{"HSET h a 2", []string{"write h"}},
		{"HMSET h c 3", []string{"write h"}},
		{"HSETNX h a 9", nil},
		{"HSETNX h d 4", []string{"write h"}},
		{"HINCRBY h a 1", []string{"write h"}},
		{"HINCRBYFLOAT h a 1.5", []string{"write h"}},
		{"HINCRBY h b x", nil},
		{"HDEL h nosuch", nil},
		{"HDEL h a b", []string{"write h"}},
		{"HGET h c", nil},
		{"HDEL h c d", []string{"delete h"}},
		{"HDEL h c", nil},
		{"HINCRBY h n 1", []string{"write h"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			before := storedHashEncoding(t, s, "h")
			// WATCH sees the change exactly when the observers do.
			err := rdb.Watch(ctx, func(tx *redis.Tx) error {
				other.Do(ctx, cmdArgs(tt.cmd)...) // errors are part of some cases
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Ping(ctx)
					return nil
				})
				return err
			}, "h")
			assert.Equal(t, tt.want, rec.take(), "events (encoding before: %q)", before)
			if tt.want == nil {
				assert.NoError(t, err, "EXEC must succeed when nothing changed")
			} else {
				assert.ErrorIs(t, err, redis.TxFailedErr, "EXEC must fail after a change")
			}
			if storedHashEncoding(t, s, "h") == "" {
				assert.Zero(t, storeUsedBytes(s))
			}
		})
	}
}

func TestHashRandfieldPicks(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, n := range []int{10, 300} { // listpack and hashtable
		for _, proto := range servertest.Protocols {
			t.Run(fmt.Sprintf("%d fields/resp%d", n, proto), func(t *testing.T) {
				rdb := s.Client(t, proto)
				ctx := t.Context()
				key := "h" + strconv.Itoa(n)
				want := map[string]string{}
				for i := range n {
					f := "f" + strconv.Itoa(i)
					want[f] = "v" + strconv.Itoa(i)
					require.NoError(t, rdb.HSet(ctx, key, f, want[f]).Err())
				}
				for _, count := range []int{1, 3, n / 2, n - 1, n, n + 5} {
					fields, err := rdb.HRandField(ctx, key, count).Result()
					require.NoError(t, err)
					require.Len(t, fields, min(count, n))
					distinct := map[string]bool{}
					for _, f := range fields {
						require.Contains(t, want, f)
						require.False(t, distinct[f], "HRANDFIELD %d repeated %s", count, f)
						distinct[f] = true
					}
				}
				fields, err := rdb.HRandField(ctx, key, -3*n).Result()
				require.NoError(t, err)
				require.Len(t, fields, 3*n)
				for _, f := range fields {
					require.Contains(t, want, f)
				}
				for _, count := range []int{4, -2 * n} {
					pairs, err := rdb.HRandFieldWithValues(ctx, key, count).Result()
					require.NoError(t, err)
					require.Len(t, pairs, max(count, -count))
					for _, p := range pairs {
						assert.Equal(t, want[p.Key], p.Value)
					}
				}
			})
		}
	}
}

func TestHashScanWalksBigHash(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 3)
	ctx := t.Context()
	const n = 1000
	for i := range n {
		require.NoError(t, rdb.HSet(ctx, "h", "f"+strconv.Itoa(i), i).Err())
	}
	scanAll := func(match string, noValues bool) (map[string]string, int) {
		got := map[string]string{}
		calls := 0
		for cursor := uint64(0); ; {
			calls++
			a := []any{"HSCAN", "h", cursor, "COUNT", 50}
			if match != "" {
				a = append(a, "MATCH", match)
			}
			if noValues {
				a = append(a, "NOVALUES")
			}
			res, err := rdb.Do(ctx, a...).Slice()
			require.NoError(t, err)
			next, err := strconv.ParseUint(res[0].(string), 10, 64)
			require.NoError(t, err)
			items := res[1].([]any)
			if noValues {
				for _, f := range items {
					got[f.(string)] = ""
				}
			} else {
				require.Zero(t, len(items)%2)
				for i := 0; i < len(items); i += 2 {
					got[items[i].(string)] = items[i+1].(string)
				}
			}
			if cursor = next; cursor == 0 {
				return got, calls
			}
		}
	}
	all, calls := scanAll("", false)
	require.Len(t, all, n)
	for f, v := range all {
		assert.Equal(t, "f"+v, f)
	}
	assert.Greater(t, calls, 5, "COUNT 50 splits 1000 fields over several calls")

	some, _ := scanAll("f1?", false)
	var keys []string
	for f := range some {
		keys = append(keys, f)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19"}, keys)

	names, _ := scanAll("", true)
	assert.Len(t, names, n)
}
