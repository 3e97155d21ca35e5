package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"darner/engine"
	"darner/jsonpath"
	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JSON golden files (testdata/json/*.txt) hold RedisJSON's documented examples and the
// cases of its own test suite, each a command, a "----" line and the expected reply, and
// end with a blank line:
//
//	JSON.TYPE doc $..a
//	----
//	*2
//	  "integer"
//	  "boolean"
//	---- resp3
//	*1
//	  *2
//	    "integer"
//	    "boolean"
//
// A "---- resp3" block gives the RESP3 reply where it differs. Lines starting with '#'
// between cases are comments. Arguments are separated by spaces; '…' is taken as it is,
// "…" knows the escapes \" \\ \n \r \t \xHH. A reply is written one value a line, the
// elements of an array (*n), map (%n) or set (~n) indented below it: +simple, -error,
// :integer, "bulk" (Go-quoted), (nil), ,double and #t / #f. Each file runs on a fresh
// server, once per protocol.

type jsonGoldenCase struct {
	line        int
	text        string
	args        []string
	want, want3 string
}

func TestJSONGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/json/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		cases, err := parseJSONGolden(string(src))
		require.NoError(t, err, file)
		for _, proto := range servertest.Protocols {
			t.Run(fmt.Sprintf("%s/resp%d", filepath.Base(file), proto), func(t *testing.T) {
				s := servertest.Start(t, servertest.Options{})
				conn := dialJSONGolden(t, s.Addr, proto)
				for _, c := range cases {
					want := c.want
					if proto == 3 && c.want3 != "" {
						want = c.want3
					}
					assert.Equal(t, want, conn.do(c.args), "%s:%d: %s", filepath.Base(file), c.line, c.text)
				}
			})
		}
	}
}

func parseJSONGolden(src string) ([]jsonGoldenCase, error) {
	var cases []jsonGoldenCase
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		text := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		c := jsonGoldenCase{line: i + 1, text: text}
		var err error
		if c.args, err = splitJSONGoldenArgs(text); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if i+1 >= len(lines) || lines[i+1] != "----" {
			return nil, fmt.Errorf("line %d: command without a ---- line", i+1)
		}
		i += 2
		block := &c.want
		for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			if lines[i] == "---- resp3" {
				block = &c.want3
				continue
			}
			*block += lines[i] + "\n"
		}
		if c.want == "" {
			return nil, fmt.Errorf("line %d: no expected reply", c.line)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

func splitJSONGoldenArgs(s string) ([]string, error) {
	var args []string
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ':
			i++
		case s[i] == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated '")
			}
			args = append(args, s[i+1:i+1+end])
			i += end + 2
		case s[i] == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] != '\\' || j+1 == len(s) {
					b.WriteByte(s[j])
					continue
				}
				j++
				switch s[j] {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				case 'x':
					n, err := strconv.ParseUint(s[j+1:min(j+3, len(s))], 16, 8)
					if err != nil {
						return nil, fmt.Errorf("bad \\x escape: %w", err)
					}
					b.WriteByte(byte(n))
					j += 2
				default:
					b.WriteByte(s[j])
				}
			}
			if j == len(s) {
				return nil, errors.New(`unterminated "`)
			}
			args = append(args, b.String())
			i = j + 1
		default:
			end := strings.IndexByte(s[i:], ' ')
			if end < 0 {
				end = len(s) - i
			}
			args = append(args, s[i:i+end])
			i += end
		}
	}
	return args, nil
}

// jsonGoldenConn speaks RESP on a plain connection and renders replies for the golden files.
type jsonGoldenConn struct {
	t  *testing.T
	c  net.Conn
	rd *bufio.Reader
}

func dialJSONGolden(t *testing.T, addr string, proto int) *jsonGoldenConn {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
	g := &jsonGoldenConn{t: t, c: c, rd: bufio.NewReader(c)}
	if proto == 3 {
		require.True(t, strings.HasPrefix(g.do([]string{"HELLO", "3"}), "%"))
	}
	return g
}

func (g *jsonGoldenConn) do(args []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	_, err := io.WriteString(g.c, b.String())
	require.NoError(g.t, err)
	var out strings.Builder
	g.render(&out, "")
	return out.String()
}

func (g *jsonGoldenConn) line() string {
	s, err := g.rd.ReadString('\n')
	require.NoError(g.t, err)
	return strings.TrimSuffix(s, "\r\n")
}

// render reads one reply and writes it in the golden files' notation.
func (g *jsonGoldenConn) render(out *strings.Builder, indent string) {
	l := g.line()
	require.NotEmpty(g.t, l)
	kind, rest := l[0], l[1:]
	switch kind {
	case '+', '-', ':', ',', '#':
		fmt.Fprintf(out, "%s%s\n", indent, l)
	case '_':
		fmt.Fprintf(out, "%s(nil)\n", indent)
	case '$', '=':
		n, err := strconv.Atoi(rest)
		require.NoError(g.t, err)
		if n < 0 {
			fmt.Fprintf(out, "%s(nil)\n", indent)
			return
		}
		buf := make([]byte, n+2)
		_, err = io.ReadFull(g.rd, buf)
		require.NoError(g.t, err)
		fmt.Fprintf(out, "%s%q\n", indent, buf[:n])
	case '*', '%', '~':
		n, err := strconv.Atoi(rest)
		require.NoError(g.t, err)
		if n < 0 {
			fmt.Fprintf(out, "%s(nil)\n", indent)
			return
		}
		fmt.Fprintf(out, "%s%s\n", indent, l)
		if kind == '%' {
			n *= 2
		}
		for range n {
			g.render(out, indent+"  ")
		}
	default:
		g.t.Fatalf("unexpected reply line %q", l)
	}
}

const msgJSONNoKey = "ERR could not perform this operation on a key that doesn't exist"

// TestJSONMsetAtomicAcrossShards: JSON.MSET over keys on different shards applies all its
// triples or none, and no reader ever sees some of them applied.
func TestJSONMsetAtomicAcrossShards(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 4})
	keys := keysOnDistinctShards(t, s, 3)
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.Del(ctx, keys...).Err())
		require.NoError(t, rdb.JSONSet(ctx, keys[0], "$", `{"n":0}`).Err())
		require.NoError(t, rdb.JSONSet(ctx, keys[1], "$", `{"n":0}`).Err())

		// The last triple fails (a new key needs the root path): nothing is written.
		err := rdb.Do(ctx, "JSON.MSET", keys[0], "$.n", "1", keys[1], "$.n", "1", keys[2], "$.n", "1").Err()
		require.EqualError(t, err, "ERR new objects must be created at the root")
		// A bad value in the last triple: nothing either.
		err = rdb.Do(ctx, "JSON.MSET", keys[0], "$.n", "1", keys[2], "$", "{").Err()
		require.EqualError(t, err, "EOF while parsing an object at line 1 column 1")
		got, err := rdb.JSONMGet(ctx, "$.n", keys...).Result()
		require.NoError(t, err)
		assert.Equal(t, []any{"[0]", "[0]", nil}, got)

		// A good MSET writes every key, the new one included.
		require.NoError(t, rdb.JSONMSetArgs(ctx, []redis.JSONSetArgs{
			{Key: keys[0], Path: "$.n", Value: 1}, {Key: keys[1], Path: "$.n", Value: 1},
			{Key: keys[2], Path: "$", Value: `{"n":1}`},
		}).Err())
		got, err = rdb.JSONMGet(ctx, "$.n", keys...).Result()
		require.NoError(t, err)
		assert.Equal(t, []any{"[1]", "[1]", "[1]"}, got)
	}

	// A writer moves all three documents forward together; readers must never see them
	// apart. JSON.MGET and JSON.MSET both hold every key's shard while they run.
	writer, reader := s.Client(t, 2), s.Client(t, 3)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 2; i < 300; i++ {
			n := strconv.Itoa(i)
			if err := writer.Do(ctx, "JSON.MSET", keys[0], "$.n", n, keys[1], "$.n", n, keys[2], "$.n", n).Err(); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 300 {
		got, err := reader.JSONMGet(ctx, ".n", keys...).Result()
		require.NoError(t, err)
		require.Len(t, got, 3)
		assert.Equal(t, got[0], got[1])
		assert.Equal(t, got[1], got[2])
	}
	wg.Wait()
}

// keysOnDistinctShards returns n keys that live on n different shards.
func keysOnDistinctShards(t *testing.T, s *servertest.Server, n int) []string {
	var keys []string
	used := map[int]bool{}
	for i := 0; len(keys) < n && i < 10000; i++ {
		k := fmt.Sprintf("jdoc:%d", i)
		if sh := s.Store.ShardOf([]byte(k)); !used[sh] {
			used[sh] = true
			keys = append(keys, k)
		}
	}
	require.Len(t, keys, n)
	return keys
}

// TestJSONKeyType: JSON keys are of type ReJSON-RL for TYPE and SCAN … TYPE, and other
// commands see them as the wrong type.
func TestJSONKeyType(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushDB(ctx).Err())
		require.NoError(t, rdb.JSONSet(ctx, "j1", "$", `{"a":1}`).Err())
		require.NoError(t, rdb.JSONSet(ctx, "j2", "$", `[1]`).Err())
		require.NoError(t, rdb.HSet(ctx, "h", "a", "1").Err())
		require.NoError(t, rdb.Set(ctx, "s", "x", 0).Err())

		assert.Equal(t, "ReJSON-RL", rdb.Type(ctx, "j1").Val())
		assert.Equal(t, msgWrongType, rdb.Get(ctx, "j1").Err().Error())
		assert.Equal(t, msgWrongType, rdb.HGet(ctx, "j1", "a").Err().Error())
		assert.Equal(t, msgWrongType, rdb.JSONGet(ctx, "h").Err().Error())

		keys, _, err := rdb.ScanType(ctx, 0, "*", 1000, "ReJSON-RL").Result()
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"j1", "j2"}, keys)
	}
}

// TestJSONWritesAreReported: every command that changes a document tells the keyspace
// (View.Modified / Set / Delete), which WATCH shows: the watcher's EXEC must fail.
func TestJSONWritesAreReported(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	writes := [][]any{
		{"JSON.SET", "w", "$.a", "5"},
		{"JSON.MSET", "w", "$.a", "5"},
		{"JSON.MERGE", "w", "$", `{"z":1}`},
		{"JSON.DEL", "w", "$.s"},
		{"JSON.FORGET", "w", "$.s"},
		{"JSON.CLEAR", "w", "$.l"},
		{"JSON.NUMINCRBY", "w", "$.a", "1"},
		{"JSON.NUMMULTBY", "w", "$.a", "2"},
		{"JSON.TOGGLE", "w", "$.b"},
		{"JSON.STRAPPEND", "w", "$.s", `"x"`},
		{"JSON.ARRAPPEND", "w", "$.l", "4"},
		{"JSON.ARRINSERT", "w", "$.l", "0", "4"},
		{"JSON.ARRPOP", "w", "$.l"},
		{"JSON.ARRTRIM", "w", "$.l", "0", "0"},
		{"JSON.DEL", "w"},
	}
	for _, write := range writes {
		t.Run(write[0].(string), func(t *testing.T) {
			require.NoError(t, rdb.JSONSet(ctx, "w", "$", `{"a":1,"b":true,"s":"x","l":[1,2,3]}`).Err())
			err := rdb.Watch(ctx, func(tx *redis.Tx) error {
				require.NoError(t, s.Client(t, 2).Do(ctx, write...).Err())
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Get(ctx, "unrelated")
					return nil
				})
				return err
			}, "w")
			assert.ErrorIs(t, err, redis.TxFailedErr)
		})
	}
}

// TestJSONSizeStaysExact: after every kind of change the document's accounted size is
// still jsonpath.MemSize of its tree, so no command forgot to report a change (or
// reported a wrong one) to the size cache.
func TestJSONSizeStaysExact(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.JSONSet(ctx, "z", "$", `{"a":1,"b":true,"s":"x","l":[1,2,3],"o":{"k":[{}]}}`).Err())
	for _, cmd := range [][]any{
		{"JSON.SET", "z", "$.n", `{"deep":[1,2,{"x":"y"}]}`},
		{"JSON.SET", "z", "$.a", `"a longer string than before"`},
		{"JSON.MSET", "z", "$.m", `[1,2,3,4,5,6,7,8,9]`},
		{"JSON.MERGE", "z", "$", `{"s":null,"t":"tee"}`},
		{"JSON.DEL", "z", "$.m"},
		{"JSON.NUMINCRBY", "z", "$.l[*]", "1.5"},
		{"JSON.TOGGLE", "z", "$.b"},
		{"JSON.STRAPPEND", "z", "$.t", `"-appended"`},
		{"JSON.ARRAPPEND", "z", "$.l", `{"x":1}`, `"s"`},
		{"JSON.ARRINSERT", "z", "$.l", "0", `[1,2]`},
		{"JSON.ARRPOP", "z", "$.l", "0"},
		{"JSON.ARRTRIM", "z", "$.l", "1", "2"},
		{"JSON.CLEAR", "z", "$.o"},
		{"JSON.SET", "z", "$", `"a string root"`},
	} {
		require.NoError(t, rdb.Do(ctx, cmd...).Err(), "%v", cmd)
		tx := s.Store.Begin([][]byte{[]byte("z")}, false)
		o := tx.View(0, []byte("z")).Get("z")
		require.NotNil(t, o)
		doc := o.Value.(*engine.JSON)
		assert.Equal(t, int64(jsonpath.MemSize(doc.Root)), doc.Size(), "after %v", cmd)
		tx.End()
	}
}

// TestJSONGoRedisAPI drives the commands through go-redis' typed JSON API in both
// protocols, which checks that the reply shapes decode as clients expect. The steps run in
// order on one document.
func TestJSONGoRedisAPI(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		t.Run(fmt.Sprintf("resp%d", proto), func(t *testing.T) {
			rdb := s.Client(t, proto)
			require.NoError(t, rdb.FlushDB(context.Background()).Err())
			goRedisReads(t, rdb, proto)
			goRedisArrays(t, rdb)
			goRedisScalars(t, rdb)
			goRedisRemovals(t, rdb)
		})
	}
}

func goRedisReads(t *testing.T, rdb *redis.Client, proto int) {
	ctx := context.Background()
	doc := `{"name":"earbuds","price":64.5,"stock":17,"on":true,"colors":["black","white"],"dims":{"w":1,"h":2}}`
	require.Equal(t, "OK", rdb.JSONSet(ctx, "item", "$", doc).Val())
	assert.Equal(t, "", rdb.JSONSetMode(ctx, "item", "$", doc, "NX").Val())

	got, err := rdb.JSONGet(ctx, "item", "$.name").Result()
	require.NoError(t, err)
	assert.Equal(t, `["earbuds"]`, got)
	got, err = rdb.JSONGet(ctx, "item").Result()
	require.NoError(t, err)
	assert.JSONEq(t, doc, got)
	got, err = rdb.JSONGetWithArgs(ctx, "item", &redis.JSONGetArgs{Indent: " ", Newline: "\n"}, "$.dims").Result()
	require.NoError(t, err)
	assert.Equal(t, "[\n {\n  \"w\":1,\n  \"h\":2\n }\n]", got)
	_, err = rdb.JSONGet(ctx, "missing", "$").Result()
	assert.ErrorIs(t, err, redis.Nil)

	mget, err := rdb.JSONMGet(ctx, "$.stock", "item", "missing").Result()
	require.NoError(t, err)
	assert.Equal(t, []any{"[17]", nil}, mget)

	types, err := rdb.JSONType(ctx, "item", "$.colors").Result()
	require.NoError(t, err)
	if proto == 2 {
		assert.Equal(t, []any{"array"}, types)
	} else {
		assert.Equal(t, []any{[]any{"array"}}, types)
	}
}

func goRedisArrays(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	n, err := rdb.JSONArrAppend(ctx, "item", "$.colors", `"blue"`).Result()
	require.NoError(t, err)
	assert.Equal(t, []int64{3}, n)
	n, err = rdb.JSONArrInsert(ctx, "item", "$.colors", 1, `"red"`).Result()
	require.NoError(t, err)
	assert.Equal(t, []int64{4}, n)
	n, err = rdb.JSONArrIndex(ctx, "item", "$.colors", `"red"`).Result()
	require.NoError(t, err)
	assert.Equal(t, []int64{1}, n)
	n, err = rdb.JSONArrLen(ctx, "item", "$.colors").Result()
	require.NoError(t, err)
	assert.Equal(t, []int64{4}, n)
	popped, err := rdb.JSONArrPop(ctx, "item", "$.colors", -1).Result()
	require.NoError(t, err)
	assert.Equal(t, []string{`"blue"`}, popped)
	stop := 1
	n, err = rdb.JSONArrTrimWithArgs(ctx, "item", "$.colors", &redis.JSONArrTrimArgs{Start: 0, Stop: &stop}).Result()
	require.NoError(t, err)
	assert.Equal(t, []int64{2}, n)
}

func goRedisScalars(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	ptrs, err := rdb.JSONStrAppend(ctx, "item", "$..name", `"!"`).Result()
	require.NoError(t, err)
	require.Len(t, ptrs, 1)
	assert.Equal(t, int64(8), *ptrs[0])
	ptrs, err = rdb.JSONStrLen(ctx, "item", "$.*").Result()
	require.NoError(t, err)
	require.Len(t, ptrs, 6)
	assert.Equal(t, int64(8), *ptrs[0])
	assert.Nil(t, ptrs[1])
	ptrs, err = rdb.JSONToggle(ctx, "item", "$.on").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(0), *ptrs[0])
	ptrs, err = rdb.JSONObjLen(ctx, "item", "$.dims").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(2), *ptrs[0])
	keys, err := rdb.JSONObjKeys(ctx, "item", "$.dims").Result()
	require.NoError(t, err)
	assert.Equal(t, []any{[]any{"w", "h"}}, keys)

	incr, err := rdb.JSONNumIncrBy(ctx, "item", "$.stock", 3).Result()
	require.NoError(t, err)
	assert.Equal(t, "[20]", incr)
	incr, err = rdb.JSONNumIncrBy(ctx, "item", "$.price", 1).Result()
	require.NoError(t, err)
	assert.Equal(t, "[65.5]", incr)
}

func goRedisRemovals(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	require.Equal(t, "OK", rdb.JSONMerge(ctx, "item", "$.dims", `{"h":null,"d":3}`).Val())
	got, err := rdb.JSONGet(ctx, "item", "$.dims").Result()
	require.NoError(t, err)
	assert.Equal(t, `[{"w":1,"d":3}]`, got)

	// go-redis has no JSON.DEBUG MEMORY (its JSONDebugMemory panics).
	mem, err := rdb.Do(ctx, "JSON.DEBUG", "MEMORY", "item", ".dims").Int64()
	require.NoError(t, err)
	dims, err := jsonpath.ParseString(`{"w":1,"d":3}`)
	require.NoError(t, err)
	assert.Equal(t, int64(jsonpath.MemSize(dims)), mem)

	cleared, err := rdb.JSONClear(ctx, "item", "$.dims").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), cleared)
	deleted, err := rdb.JSONDel(ctx, "item", "$.dims").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), deleted)
	deleted, err = rdb.JSONForget(ctx, "item", "$").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), deleted)
	assert.Equal(t, int64(0), rdb.Exists(ctx, "item").Val())
}

// TestJSONSetKeepsTTL: replacing a document keeps its expiry, as RedisJSON (the key is not
// recreated); a new document has none.
func TestJSONSetKeepsTTL(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.JSONSet(ctx, "k", "$", `{"a":1}`).Err())
	assert.Equal(t, time.Duration(-1), rdb.TTL(ctx, "k").Val())
	require.True(t, rdb.Expire(ctx, "k", time.Hour).Val())
	require.NoError(t, rdb.JSONSet(ctx, "k", "$", `{"a":2}`).Err())
	require.NoError(t, rdb.JSONSet(ctx, "k", "$.b", `3`).Err())
	require.NoError(t, rdb.JSONMerge(ctx, "k", "$", `{"c":4}`).Err())
	assert.Greater(t, rdb.TTL(ctx, "k").Val(), 59*time.Minute)
	assert.Equal(t, `{"a":2,"b":3,"c":4}`, rdb.JSONGet(ctx, "k").Val())
}

// TestJSONNesting: a value may nest MaxDepth-1 levels, not MaxDepth (serde's limit in
// RedisJSON); a value set below the root may not take the document to MaxDepth either.
func TestJSONNesting(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	nested := func(depth int) string {
		return strings.Repeat("[", depth) + strings.Repeat("]", depth)
	}
	require.NoError(t, rdb.JSONSet(ctx, "deep", "$", nested(jsonpath.MaxDepth-1)).Err())
	err := rdb.JSONSet(ctx, "deep", "$", nested(jsonpath.MaxDepth)).Err()
	assert.EqualError(t, err, "recursion limit exceeded at line 1 column 128")

	require.NoError(t, rdb.JSONSet(ctx, "doc", "$", `{"a":{"b":{}}}`).Err())
	// $.a.b.c sits 3 deep: a value 124 deep fits, 125 does not (RedisJSON replies nil to
	// JSON.SET there, and an error to JSON.ARRAPPEND).
	assert.Equal(t, "OK", rdb.JSONSet(ctx, "doc", "$.a.b.c", nested(124)).Val())
	assert.ErrorIs(t, rdb.JSONSet(ctx, "doc", "$.a.b.c", nested(125)).Err(), redis.Nil)
	require.NoError(t, rdb.JSONSet(ctx, "doc", "$.a.b.c", `[]`).Err())
	err = rdb.Do(ctx, "JSON.ARRAPPEND", "doc", "$.a.b.c", "1", nested(124)).Err()
	assert.EqualError(t, err, "ERR recursion limit exceeded")
	assert.Equal(t, `[[]]`, rdb.JSONGet(ctx, "doc", "$.a.b.c").Val(), "nothing appended")
	assert.Equal(t, []int64{2}, rdb.JSONArrAppend(ctx, "doc", "$.a.b.c", "1", nested(123)).Val())
}

// TestJSONInsideMulti: the handlers run inside MULTI/EXEC with the same replies.
func TestJSONInsideMulti(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 3)
	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.JSONSet(ctx, "a", "$", `{"n":1}`)
		p.JSONNumIncrBy(ctx, "a", "$.n", 2)
		p.JSONMSet(ctx, "b", "$", `[1]`, "a", "$.m", `"x"`)
		p.JSONGet(ctx, "a")
		return nil
	})
	require.NoError(t, err)
	require.Len(t, cmds, 4)
	assert.Equal(t, `{"n":3,"m":"x"}`, cmds[3].(*redis.JSONCmd).Val())
}

// TestJSONCommandKeys: the key positions the dispatcher locks by, as COMMAND GETKEYS shows.
func TestJSONCommandKeys(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	for _, tc := range []struct {
		cmd  []any
		keys []string
	}{
		{[]any{"JSON.SET", "k", "$", "1"}, []string{"k"}},
		{[]any{"JSON.MGET", "a", "b", "c", "$"}, []string{"a", "b", "c"}},
		{[]any{"JSON.MSET", "a", "$", "1", "b", "$.x", "2"}, []string{"a", "b"}},
		{[]any{"JSON.DEBUG", "MEMORY", "k", "$"}, []string{"k"}},
	} {
		keys, err := rdb.CommandGetKeys(ctx, tc.cmd...).Result()
		require.NoError(t, err, "%v", tc.cmd)
		assert.Equal(t, tc.keys, keys, "%v", tc.cmd)
	}
}
