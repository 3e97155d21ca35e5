package server_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"darner/aof"
	"darner/engine"
	"darner/server"
	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aofConfig turns the append-only file on in dir with appendfsync policy.
func aofConfig(dir, policy string) func(*server.Config) {
	return func(c *server.Config) {
		c.Dir = dir
		c.AppendOnly = true
		c.AppendFsync = policy
	}
}

// everyKey describes every key of every database: type, value and TTL in whole minutes.
func everyKey(t *testing.T, ctx context.Context, rdb *redis.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	conn := rdb.Conn()
	defer conn.Close()
	defer conn.Select(ctx, 0) // the connection goes back to the client's pool
	for db := range engine.NumDBs {
		require.NoError(t, conn.Select(ctx, db).Err())
		keys, err := conn.Keys(ctx, "*").Result()
		require.NoError(t, err)
		for _, k := range keys {
			var val string
			switch typ := conn.Type(ctx, k).Val(); typ {
			case "string":
				val = "s:" + conn.Get(ctx, k).Val()
			case "hash":
				m := conn.HGetAll(ctx, k).Val()
				fs := make([]string, 0, len(m))
				for f, v := range m {
					fs = append(fs, f+"="+v)
				}
				slices.Sort(fs)
				val = "h:" + strings.Join(fs, ",")
			case "ReJSON-RL":
				val = "j:" + conn.Do(ctx, "JSON.GET", k).String()
			default:
				val = typ
			}
			ttl := conn.PTTL(ctx, k).Val()
			out[strconv.Itoa(db)+"/"+k] = val + " ttl=" + strconv.FormatInt(int64((ttl+30*time.Second)/time.Minute), 10)
		}
	}
	return out
}

func waitInfo(t *testing.T, rdb *redis.Client, field, want string) {
	t.Helper()
	require.Eventually(t, func() bool {
		return infoPersistence(t, rdb)[field] == want
	}, 10*time.Second, 10*time.Millisecond, "INFO %s never became %s", field, want)
}

// Every kind of write comes back after a restart from the log alone: strings, hashes,
// JSON, expiries, databases, transactions, and the search side (indexes, aliases,
// dictionaries, synonyms, suggestions).
func TestAOFRestoresEverything(t *testing.T) {
	dir := t.TempDir()
	cfg := aofConfig(dir, "always")
	s1 := servertest.Start(t, servertest.Options{Shards: 3, Config: cfg, Load: true})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	do := func(args ...any) {
		t.Helper()
		require.NoError(t, rdb.Do(ctx, args...).Err(), args)
	}
	do("FT.CREATE", "idx", "PREFIX", "1", "doc:", "SCHEMA", "title", "TEXT", "n", "NUMERIC", "SORTABLE")
	do("FT.CREATE", "jidx", "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA", "$.t", "AS", "t", "TAG")
	for i := range 50 {
		do("HSET", "doc:"+strconv.Itoa(i), "title", "hello world "+strconv.Itoa(i%7), "n", i)
		do("JSON.SET", "j:"+strconv.Itoa(i), "$", `{"t":"x`+strconv.Itoa(i%3)+`","a":[1,2]}`)
	}
	do("JSON.ARRAPPEND", "j:1", "$.a", 3)
	do("DEL", "doc:3", "j:4")
	do("SET", "s", "1")
	do("INCRBYFLOAT", "s", "1.5")
	do("APPEND", "s", "x")
	do("SET", "ttl-ex", "v", "EX", 3600)
	do("SET", "ttl-expire", "v")
	do("EXPIRE", "ttl-expire", 7200)
	do("SET", "persisted", "v", "EX", 100)
	do("PERSIST", "persisted")
	do("SETEX", "setex", 600, "v")
	do("SET", "getex", "v")
	do("GETEX", "getex", "EX", 900)
	do("RENAME", "s", "s2")
	do("FT.ALIASADD", "al", "idx")
	do("FT.DICTADD", "dict", "alpha", "beta")
	do("FT.SYNUPDATE", "idx", "g1", "hello", "hi")
	do("FT.SUGADD", "sug", "hello world", 3)
	pipe := rdb.TxPipeline()
	pipe.Set(ctx, "tx:a", 1, 0)
	pipe.Do(ctx, "SELECT", 5)
	pipe.Set(ctx, "tx:b", 2, 0)
	pipe.Do(ctx, "SELECT", 0)
	pipe.HSet(ctx, "doc:100", "title", "in a transaction", "n", 100)
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	conn := rdb.Conn()
	require.NoError(t, conn.Select(ctx, 2).Err())
	require.NoError(t, conn.Set(ctx, "gone", "1", 0).Err())
	require.NoError(t, conn.FlushDB(ctx).Err())
	require.NoError(t, conn.Set(ctx, "db2", "kept", 0).Err())
	require.NoError(t, conn.Select(ctx, 0).Err())
	conn.Close()
	// A failed command is not logged: replaying it would fail the same way anyway, but it
	// must not stop the load either.
	require.Error(t, rdb.Do(ctx, "INCR", "s2").Err())

	want := everyKey(t, ctx, rdb)
	search := func(r *redis.Client, args ...any) string {
		return r.Do(ctx, append([]any{"FT.SEARCH"}, args...)...).String()
	}
	queries := [][]any{
		{"idx", "hello", "NOCONTENT", "SORTBY", "n", "LIMIT", 0, 100},
		{"al", "@n:[10 20]", "NOCONTENT", "SORTBY", "n"},
		{"idx", "hi", "NOCONTENT", "LIMIT", 0, 0},
		{"idx", "transaction", "NOCONTENT"},
		{"jidx", "@t:{x1}", "NOCONTENT", "LIMIT", 0, 0},
	}
	var wantSearch []string
	for _, q := range queries {
		wantSearch = append(wantSearch, search(rdb, q...))
	}
	s1.Stop()

	s2 := servertest.Start(t, servertest.Options{Shards: 2, Config: cfg, Load: true})
	r2 := s2.Client(t, 2)
	assert.Equal(t, want, everyKey(t, ctx, r2))
	for i, q := range queries {
		assert.Equal(t, wantSearch[i], search(r2, q...), q)
	}
	assert.ElementsMatch(t, []any{"idx", "jidx"}, r2.Do(ctx, "FT._LIST").Val())
	assert.ElementsMatch(t, []any{"alpha", "beta"}, r2.Do(ctx, "FT.DICTDUMP", "dict").Val())
	assert.Equal(t, []any{"hello world"}, r2.Do(ctx, "FT.SUGGET", "sug", "hel").Val())
	info := infoPersistence(t, r2)
	assert.Equal(t, "1", info["aof_enabled"])
	assert.Equal(t, "ok", info["aof_last_write_status"])
}

// The log replays with expiry stopped and records the keys that expired as DEL, so a key
// rewritten after its time passed, or deleted by a time in the past, comes back as it was.
func TestAOFExpiryReplay(t *testing.T) {
	dir := t.TempDir()
	cfg := aofConfig(dir, "always")
	s1 := servertest.Start(t, servertest.Options{Config: cfg, Load: true})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	do := func(args ...any) {
		t.Helper()
		if err := rdb.Do(ctx, args...).Err(); err != redis.Nil {
			require.NoError(t, err, args)
		}
	}
	do("SET", "expired-then-written", "v", "PX", 100)
	do("SET", "written-then-expired", "v", "PX", 400)
	do("APPEND", "written-then-expired", "x")
	do("SET", "expire-past", "v")
	do("EXPIRE", "expire-past", -1)
	do("APPEND", "expire-past", "y")
	do("SET", "exat-past", "v", "EXAT", 1)
	do("APPEND", "exat-past", "z")
	do("SET", "getex-past", "v")
	do("GETEX", "getex-past", "PXAT", 1)
	do("HSET", "getex-past", "f", "1")
	do("SET", "nx-refused", "old", "EX", 5000)
	do("SET", "nx-refused", "new", "NX", "EX", 10)
	do("SET", "gt-refused", "v", "EX", 5000)
	do("EXPIRE", "gt-refused", 10, "GT")
	time.Sleep(200 * time.Millisecond)
	do("APPEND", "expired-then-written", "x")
	time.Sleep(300 * time.Millisecond)
	want := map[string]string{
		"0/expired-then-written": "s:x ttl=0",
		"0/expire-past":          "s:y ttl=0",
		"0/exat-past":            "s:z ttl=0",
		"0/getex-past":           "h:f=1 ttl=0",
		"0/nx-refused":           "s:old ttl=83",
		"0/gt-refused":           "s:v ttl=83",
	}
	require.Equal(t, want, everyKey(t, ctx, rdb))
	s1.Stop()
	s2 := servertest.Start(t, servertest.Options{Config: cfg, Load: true})
	assert.Equal(t, want, everyKey(t, ctx, s2.Client(t, 2)))
}

// lastIncr is the path of the log's last incremental file.
func lastIncr(t *testing.T, dir string) string {
	t.Helper()
	m, err := aof.ReadManifest(filepath.Join(dir, "appendonlydir"), "appendonly.aof")
	require.NoError(t, err)
	return filepath.Join(dir, "appendonlydir", m.Incrs[len(m.Incrs)-1].Name)
}

// loadWith makes a server over dir and loads it, returning Load's error.
func loadWith(dir string, change func(*server.Config)) error {
	c := server.DefaultConfig()
	aofConfig(dir, "always")(&c)
	if change != nil {
		change(&c)
	}
	srv, err := server.New(c, engine.New(engine.Options{Shards: 2}), nil)
	if err != nil {
		return err
	}
	_, err = srv.Load()
	srv.CloseAOF()
	return err
}

// A last command cut short (a crash in the middle of a write) is dropped and the file cut
// back, unless aof-load-truncated is off; damage is refused either way, leaving the file.
func TestAOFTruncatedAndDamaged(t *testing.T) {
	dir := t.TempDir()
	cfg := aofConfig(dir, "always")
	s1 := servertest.Start(t, servertest.Options{Config: cfg, Load: true})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	for i := range 20 {
		require.NoError(t, rdb.Set(ctx, "k"+strconv.Itoa(i), i, 0).Err())
	}
	want := everyKey(t, ctx, rdb)
	s1.Stop()
	path := lastIncr(t, dir)
	whole, err := os.ReadFile(path)
	require.NoError(t, err)

	torn := append(append([]byte(nil), whole...), "*3\r\n$3\r\nSET\r\n$2\r\nk9"...)
	require.NoError(t, os.WriteFile(path, torn, 0o644))
	err = loadWith(dir, func(c *server.Config) { c.AOFLoadTruncated = false })
	require.ErrorIs(t, err, aof.ErrTruncated)
	assert.Contains(t, err.Error(), "aof-load-truncated")
	got, _ := os.ReadFile(path)
	assert.Equal(t, torn, got, "a refused file is left as it was")

	damaged := append(append([]byte(nil), whole[:len(whole)/2]...), '!')
	damaged = append(damaged, whole[len(whole)/2+1:]...)
	require.NoError(t, os.WriteFile(path, damaged, 0o644))
	var fe *aof.FormatError
	require.ErrorAs(t, loadWith(dir, nil), &fe)
	got, _ = os.ReadFile(path)
	assert.Equal(t, damaged, got)

	require.NoError(t, os.WriteFile(path, torn, 0o644))
	s2 := servertest.Start(t, servertest.Options{Config: cfg, Load: true})
	assert.Equal(t, want, everyKey(t, ctx, s2.Client(t, 2)))
	got, _ = os.ReadFile(path)
	assert.Equal(t, whole, got, "cut back to its last whole command")

	// An unfinished MULTI at the end is dropped whole.
	require.NoError(t, s2.Client(t, 2).Set(ctx, "after", "1", 0).Err())
	s2.Stop()
	whole, _ = os.ReadFile(path)
	block := "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$2\r\nm1\r\n$1\r\n1\r\n"
	require.NoError(t, os.WriteFile(path, append(append([]byte(nil), whole...), block...), 0o644))
	s3 := servertest.Start(t, servertest.Options{Config: cfg, Load: true})
	r3 := s3.Client(t, 2)
	assert.Equal(t, int64(0), r3.Exists(ctx, "m1").Val())
	assert.Equal(t, "1", r3.Get(ctx, "after").Val())
}

// BGREWRITEAOF while clients move amounts between keys in transactions: the new base and
// the new incremental file together hold every write exactly once (the total is kept), the
// replaced files are gone, and the automatic rewrite by growth runs too.
func TestAOFRewrite(t *testing.T) {
	dir := t.TempDir()
	cfg := aofConfig(dir, "everysec")
	s1 := servertest.Start(t, servertest.Options{Shards: 4, Config: cfg, Load: true})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	const accounts, each = 16, 1000
	for i := range accounts {
		require.NoError(t, rdb.Set(ctx, "acct:"+strconv.Itoa(i), each, 0).Err())
	}
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "doc:", "SCHEMA", "t", "TEXT").Err())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var moves sync.Map
	for w := range 4 {
		wg.Go(func() {
			c := s1.Client(t, 2)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				a, b := "acct:"+strconv.Itoa((w+i)%accounts), "acct:"+strconv.Itoa((w*5+i*7+1)%accounts)
				if a == b {
					continue
				}
				_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.DecrBy(ctx, a, 3)
					p.IncrBy(ctx, b, 3)
					p.HSet(ctx, "doc:"+strconv.Itoa(w)+":"+strconv.Itoa(i%50), "t", "move "+strconv.Itoa(i))
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				moves.Store(w, i)
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	require.Equal(t, "Background append only file rewriting started", rdb.Do(ctx, "BGREWRITEAOF").Val())
	waitInfo(t, rdb, "aof_rewrites", "1")
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	assert.Equal(t, "ok", infoPersistence(t, rdb)["aof_last_bgrewrite_status"])
	want := everyKey(t, ctx, rdb)
	wantDocs := rdb.Do(ctx, "FT.SEARCH", "idx", "move", "LIMIT", 0, 0).String()
	s1.Stop()

	m, err := aof.ReadManifest(filepath.Join(dir, "appendonlydir"), "appendonly.aof")
	require.NoError(t, err)
	assert.Equal(t, []string{"appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof"}, m.Names())
	entries, err := os.ReadDir(filepath.Join(dir, "appendonlydir"))
	require.NoError(t, err)
	assert.Len(t, entries, 3, "the replaced base and incremental file are deleted")

	s2 := servertest.Start(t, servertest.Options{Shards: 3, Config: cfg, Load: true})
	r2 := s2.Client(t, 2)
	got := everyKey(t, ctx, r2)
	assert.Equal(t, want, got)
	total := 0
	for i := range accounts {
		n, err := r2.Get(ctx, "acct:"+strconv.Itoa(i)).Int()
		require.NoError(t, err)
		total += n
	}
	assert.Equal(t, accounts*each, total)
	assert.Equal(t, wantDocs, r2.Do(ctx, "FT.SEARCH", "idx", "move", "LIMIT", 0, 0).String())

	// Growth past auto-aof-rewrite-percentage of the size after the last rewrite starts one.
	require.NoError(t, r2.ConfigSet(ctx, "auto-aof-rewrite-min-size", "1").Err())
	require.NoError(t, r2.ConfigSet(ctx, "auto-aof-rewrite-percentage", "50").Err())
	info := infoPersistence(t, r2)
	base, _ := strconv.Atoi(info["aof_base_size"])
	require.Positive(t, base)
	before, _ := strconv.Atoi(info["aof_rewrites"])
	value := strings.Repeat("x", 1000)
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; ; i++ {
		require.NoError(t, r2.Set(ctx, "grow:"+strconv.Itoa(i%5000), value, 0).Err())
		if i%100 == 0 {
			info = infoPersistence(t, r2)
			if n, _ := strconv.Atoi(info["aof_rewrites"]); n > before {
				break
			}
			require.True(t, time.Now().Before(deadline), "no rewrite; sizes %s of base %s", info["aof_current_size"], info["aof_base_size"])
		}
	}
	waitInfo(t, r2, "aof_rewrite_in_progress", "0")
	info = infoPersistence(t, r2)
	assert.Equal(t, "ok", info["aof_last_bgrewrite_status"])
}

// Turning the log on at runtime writes its first base from the data as it is, and the
// log then holds everything a restart needs.
func TestAOFTurnedOnAtRuntime(t *testing.T) {
	dir := t.TempDir()
	s1 := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.Dir = dir }})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	require.Equal(t, "ERR Append only file is off: turn it on with CONFIG SET appendonly yes",
		rdb.Do(ctx, "BGREWRITEAOF").Err().Error())
	for i := range 100 {
		require.NoError(t, rdb.HSet(ctx, "h"+strconv.Itoa(i), "f", i).Err())
	}
	require.NoError(t, rdb.ConfigSet(ctx, "appendonly", "yes").Err())
	waitInfo(t, rdb, "aof_enabled", "1")
	// The switch is applied in the background: INFO shows a rewrite from the reply on, so
	// that once none shows the log has its manifest. (It showed none before the background
	// work began, and a restart then found no manifest: seen once in CI.)
	waitInfo(t, rdb, "aof_rewrite_in_progress", "0")
	require.FileExists(t, filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	require.NoError(t, rdb.Set(ctx, "after", "1", 0).Err())
	want := everyKey(t, ctx, rdb)
	assert.Len(t, want, 101)
	s1.Stop()
	s2 := servertest.Start(t, servertest.Options{Config: aofConfig(dir, "everysec"), Load: true})
	r2 := s2.Client(t, 2)
	assert.Equal(t, want, everyKey(t, ctx, r2))
	require.NoError(t, r2.ConfigSet(ctx, "appendonly", "no").Err())
	waitInfo(t, r2, "aof_enabled", "0")
	assert.Equal(t, "no", r2.ConfigGet(ctx, "appendonly").Val()["appendonly"])
}

// An append-only directory written by a real redis-server 7 (an RDB base after a rewrite,
// then commands) loads into darner with the same contents.
func TestAOFFromRedis(t *testing.T) {
	dir := t.TempDir()
	addr := startRedis(t, "--dir", dir, "--appendonly", "yes", "--appendfsync", "always")
	red := redis.NewClient(&redis.Options{Addr: addr})
	defer red.Close()
	ctx := context.Background()
	write := func(from, to int) {
		pipe := red.Pipeline()
		for i := from; i < to; i++ {
			k := "s:" + strconv.Itoa(i)
			switch i % 4 {
			case 0:
				pipe.Set(ctx, k, i*7919, 0)
			case 1:
				pipe.HSet(ctx, "h:"+strconv.Itoa(i), "a", i, "b", "text "+strconv.Itoa(i))
			case 2:
				pipe.Set(ctx, k, "v"+strconv.Itoa(i), time.Duration(1+i%5)*time.Hour)
			default:
				pipe.Incr(ctx, "counter")
			}
		}
		pipe.Do(ctx, "SELECT", 3)
		pipe.Set(ctx, "in-db-3:"+strconv.Itoa(from), "three", 0)
		pipe.Do(ctx, "SELECT", 0)
		_, err := pipe.Exec(ctx)
		require.NoError(t, err)
	}
	write(0, 1000)
	require.NoError(t, red.Do(ctx, "BGREWRITEAOF").Err())
	require.Eventually(t, func() bool {
		return strings.Contains(red.Info(ctx, "persistence").Val(), "aof_rewrite_in_progress:0") &&
			strings.Contains(red.Info(ctx, "persistence").Val(), "aof_rewrite_scheduled:0")
	}, 10*time.Second, 20*time.Millisecond)
	write(1000, 2000)
	red.Del(ctx, "s:0", "h:1")
	red.Expire(ctx, "s:4", time.Hour)
	want := everyKey(t, ctx, red)
	m, err := aof.ReadManifest(filepath.Join(dir, "appendonlydir"), "appendonly.aof")
	require.NoError(t, err)
	require.NotNil(t, m.Base)
	require.True(t, strings.HasSuffix(m.Base.Name, ".rdb"), "redis 7 writes an RDB base: %v", m.Names())

	copied := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, os.CopyFS(copied, os.DirFS(dir)))
	s2 := servertest.Start(t, servertest.Options{Shards: 3, Config: aofConfig(copied, "everysec"), Load: true})
	assert.Equal(t, want, everyKey(t, ctx, s2.Client(t, 2)))
}
