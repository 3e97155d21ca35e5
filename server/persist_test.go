package server_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
	rdb_ "darner/rdb"
	"darner/server"
	"darner/server/servertest"
)

// keyspace reads every key of databases 0 and 3 into comparable text: type, value, TTL set.
func keyspace(t *testing.T, ctx context.Context, rdb *redis.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, db := range []int{0, 3} {
		require.NoError(t, rdb.Do(ctx, "SELECT", db).Err())
		keys, err := rdb.Keys(ctx, "*").Result()
		require.NoError(t, err)
		for _, k := range keys {
			typ := rdb.Type(ctx, k).Val()
			var val string
			switch typ {
			case "string":
				val = rdb.Get(ctx, k).Val()
			case "hash":
				m := rdb.HGetAll(ctx, k).Val()
				val = strconv.Itoa(len(m)) + ":" + m["f1"] + ":" + m["f999"]
			case "ReJSON-RL":
				val = rdb.Do(ctx, "JSON.GET", k).Val().(string)
			case "trietype0":
				val = strconv.Itoa(int(rdb.Do(ctx, "FT.SUGLEN", k).Val().(int64)))
			}
			ttl := rdb.PTTL(ctx, k).Val() > 0
			out[strconv.Itoa(db)+"/"+k] = typ + "=" + val + " ttl=" + strconv.FormatBool(ttl)
		}
	}
	require.NoError(t, rdb.Do(ctx, "SELECT", 0).Err())
	return out
}

// SAVE writes every database, index definitions included; a server started on the file
// (with another shard count) has the same keys, values, TTLs and indexes. BGSAVE likewise.
// INFO and LASTSAVE follow.
func TestSnapshotRoundTrip(t *testing.T) {
	dir := t.TempDir()
	inDir := func(c *server.Config) { c.Dir = dir }
	s1 := servertest.Start(t, servertest.Options{Shards: 3, Config: inDir})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	for i := range 500 {
		require.NoError(t, rdb.HSet(ctx, "d:"+strconv.Itoa(i), "title", "doc number "+strconv.Itoa(i), "n", i).Err())
	}
	big := map[string]any{}
	for i := range 1000 {
		big["f"+strconv.Itoa(i)] = strconv.Itoa(i * i)
	}
	require.NoError(t, rdb.HSet(ctx, "bighash", big).Err())
	require.NoError(t, rdb.Set(ctx, "int", "12345", 0).Err())
	require.NoError(t, rdb.Set(ctx, "bin", "\x00\xff binary \r\n", 0).Err())
	require.NoError(t, rdb.Set(ctx, "ttl", "soon", time.Hour).Err())
	require.NoError(t, rdb.Do(ctx, "JSON.SET", "doc:1", "$", `{"a":[1,2,{"b":"c"}],"n":1.5}`).Err())
	require.NoError(t, rdb.Do(ctx, "FT.SUGADD", "sug", "hello world", "3", "PAYLOAD", "p").Err())
	require.NoError(t, rdb.Do(ctx, "SELECT", 3).Err())
	require.NoError(t, rdb.Set(ctx, "other", "db3", 0).Err())
	require.NoError(t, rdb.Do(ctx, "SELECT", 0).Err())
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "docs", "PREFIX", "1", "d:", "FILTER", "@n >= 10", "SCHEMA",
		"title", "TEXT", "n", "NUMERIC", "SORTABLE").Err())
	waitIndexed(t, rdb, "docs")

	require.NoError(t, rdb.Do(ctx, "FT.SYNUPDATE", "docs", "g1", "number", "numeral").Err())
	require.NoError(t, rdb.Do(ctx, "FT.DICTADD", "mydict", "foo", "Bar").Err())
	wantSyn := rdb.Do(ctx, "FT.SYNDUMP", "docs").Val()
	require.NotEmpty(t, wantSyn)

	before := time.Now().Unix()
	assert.Greater(t, infoPersistence(t, rdb)["rdb_changes_since_last_save"], "0")
	require.Equal(t, "OK", rdb.Do(ctx, "SAVE").Val())
	assert.GreaterOrEqual(t, rdb.LastSave(ctx).Val(), before)
	assert.Equal(t, "0", infoPersistence(t, rdb)["rdb_changes_since_last_save"])
	want := keyspace(t, ctx, rdb)
	search := func(c *redis.Client) []any {
		v, err := c.Do(ctx, "FT.SEARCH", "docs", "@title:number @n:[100 109]", "NOCONTENT", "SORTBY", "n").Result()
		require.NoError(t, err)
		return v.([]any)
	}
	wantSearch := search(rdb)
	require.Equal(t, int64(10), wantSearch[0])

	s2 := servertest.Start(t, servertest.Options{Shards: 2, Config: inDir, Load: true})
	rdb2 := s2.Client(t, 2)
	assert.Equal(t, want, keyspace(t, ctx, rdb2))
	waitIndexed(t, rdb2, "docs")
	assert.Equal(t, wantSearch, search(rdb2))
	info, err := rdb2.FTInfo(ctx, "docs").Result()
	require.NoError(t, err)
	assert.Equal(t, 490, info.NumDocs, "the FILTER kept too")
	assert.Equal(t, []any{"hello world", "p"}, rdb2.Do(ctx, "FT.SUGGET", "sug", "hel", "WITHPAYLOADS").Val())
	assert.Equal(t, wantSyn, rdb2.Do(ctx, "FT.SYNDUMP", "docs").Val(), "synonym groups")
	v, err := rdb2.Do(ctx, "FT.SEARCH", "docs", "@title:numeral @n:[100 109]", "NOCONTENT").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(10), v.([]any)[0], "found through the synonym")
	assert.Equal(t, []any{"Bar", "foo"}, rdb2.Do(ctx, "FT.DICTDUMP", "mydict").Val(), "dictionaries")

	// BGSAVE: what was written since is in the next file.
	require.NoError(t, rdb2.Set(ctx, "after", "bgsave", 0).Err())
	require.Equal(t, "Background saving started", rdb2.Do(ctx, "BGSAVE").Val())
	for deadline := time.Now().Add(10 * time.Second); infoPersistence(t, rdb2)["rdb_bgsave_in_progress"] != "0"; {
		require.True(t, time.Now().Before(deadline))
		time.Sleep(10 * time.Millisecond)
	}
	assert.Equal(t, "ok", infoPersistence(t, rdb2)["rdb_last_bgsave_status"])
	s3 := servertest.Start(t, servertest.Options{Shards: 1, Config: inDir, Load: true})
	assert.Equal(t, "bgsave", s3.Client(t, 2).Get(ctx, "after").Val())
}

// infoPersistence is INFO persistence as a map.
func infoPersistence(t *testing.T, rdb *redis.Client) map[string]string {
	t.Helper()
	txt, err := rdb.Info(context.Background(), "persistence").Result()
	require.NoError(t, err)
	out := map[string]string{}
	for _, line := range strings.Split(txt, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = v
		}
	}
	return out
}

// A snapshot that fails its checksum, or ends early, is refused whole: nothing of it is
// loaded, and the error says why; the file is left as it was.
func TestSnapshotCorruptRefused(t *testing.T) {
	dir := t.TempDir()
	inDir := func(c *server.Config) { c.Dir = dir }
	s1 := servertest.Start(t, servertest.Options{Config: inDir})
	rdb := s1.Client(t, 2)
	ctx := context.Background()
	for i := range 100 {
		require.NoError(t, rdb.Set(ctx, "k"+strconv.Itoa(i), "v", 0).Err())
	}
	require.Equal(t, "OK", rdb.Do(ctx, "SAVE").Val())
	path := filepath.Join(dir, "dump.rdb")
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	for name, bad := range map[string][]byte{
		"flipped":   append(append([]byte(nil), good[:len(good)/2]...), append([]byte{good[len(good)/2] ^ 0x40}, good[len(good)/2+1:]...)...),
		"truncated": good[:len(good)-20],
	} {
		require.NoError(t, os.WriteFile(path, bad, 0o644))
		cfg := server.DefaultConfig()
		cfg.Dir = dir
		store := engine.New(engine.Options{Shards: 2})
		srv, err := server.New(cfg, store, nil)
		require.NoError(t, err)
		n, err := srv.LoadSnapshot()
		require.Error(t, err, name)
		assert.Zero(t, n, name)
		tx := store.BeginAll(false)
		for _, v := range tx.Views(0) {
			assert.Zero(t, v.Len(), "%s: nothing loaded", name)
		}
		tx.End()
		after, _ := os.ReadFile(path)
		assert.Equal(t, bad, after, "%s: the file is left as it was", name)
		store.Close()
	}
}

// SHUTDOWN SAVE writes the snapshot before the server stops.
func TestShutdownSaves(t *testing.T) {
	dir := t.TempDir()
	inDir := func(c *server.Config) { c.Dir = dir }
	s := servertest.Start(t, servertest.Options{Config: inDir})
	ctx := context.Background()
	require.NoError(t, s.Client(t, 2).Set(ctx, "k", "kept", 0).Err())
	r := dialRaw(t, s.Addr)
	r.send("SHUTDOWN SAVE\r\n")
	assert.True(t, r.closed())
	s2 := servertest.Start(t, servertest.Options{Config: inDir, Load: true})
	assert.Equal(t, "kept", s2.Client(t, 2).Get(ctx, "k").Val())
}

// A dump.rdb written by a real redis-server 7 loads into darner with the same contents;
// darner's own snapshot of it loads back the same again.
func TestSnapshotFromRedis(t *testing.T) {
	dir := t.TempDir()
	addr := startRedis(t, "--dir", dir)
	red := redis.NewClient(&redis.Options{Addr: addr})
	defer red.Close()
	ctx := context.Background()
	pipe := red.Pipeline()
	for i := range 3000 {
		k := "s:" + strconv.Itoa(i)
		switch i % 3 {
		case 0:
			pipe.Set(ctx, k, i*7919, 0)
		case 1:
			pipe.Set(ctx, k, strings.Repeat("abc", 20+i%50), 0)
		default:
			pipe.Set(ctx, k, "v"+strconv.Itoa(i), time.Duration(1+i%5)*time.Hour)
		}
	}
	for i := range 300 {
		pipe.HSet(ctx, "h:"+strconv.Itoa(i), "a", i, "b", "text "+strconv.Itoa(i), "c", "-12")
	}
	big := map[string]any{}
	for i := range 700 {
		big["f"+strconv.Itoa(i)] = strings.Repeat("x", i%90)
	}
	pipe.HSet(ctx, "bighash", big)
	pipe.Do(ctx, "SELECT", 3)
	pipe.Set(ctx, "in-db-3", "three", 0)
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	require.NoError(t, red.Do(ctx, "SELECT", 0).Err())
	want := everyKey(t, ctx, red)
	require.NoError(t, red.Save(ctx).Err())

	inDir := func(c *server.Config) { c.Dir = dir }
	s1 := servertest.Start(t, servertest.Options{Shards: 3, Config: inDir, Load: true})
	d1 := s1.Client(t, 2)
	assert.Equal(t, want, everyKey(t, ctx, d1))
	require.Equal(t, "OK", d1.Do(ctx, "SAVE").Val())
	s2 := servertest.Start(t, servertest.Options{Shards: 2, Config: inDir, Load: true})
	assert.Equal(t, want, everyKey(t, ctx, s2.Client(t, 2)))
}

// Snapshots taken while clients move amounts between accounts on different shards with
// MULTI/EXEC each hold a state that existed at one moment: the total never changes.
func TestSnapshotAtOneMoment(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, servertest.Options{Shards: 4, Config: func(c *server.Config) { c.Dir = dir }})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	const accounts, each = 12, 1000
	for i := range accounts {
		require.NoError(t, rdb.Set(ctx, "acct:"+strconv.Itoa(i), each, 0).Err())
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			c := s.Client(t, 2)
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
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	moved := false // some snapshot caught the accounts mid-way: the writers were running
	total := func() int64 {
		f, err := os.Open(filepath.Join(dir, "dump.rdb"))
		require.NoError(t, err)
		defer f.Close()
		dec := rdb_.NewDecoder(f)
		var sum int64
		for {
			e, err := dec.Next()
			if err == io.EOF {
				return sum
			}
			require.NoError(t, err)
			n, err := strconv.ParseInt(string(e.Str), 10, 64)
			require.NoError(t, err)
			moved = moved || n != each
			sum += n
		}
	}
	for i := 0; i < 8 || !moved; i++ {
		require.Less(t, i, 1000, "the writers never moved anything")
		if i%2 == 0 {
			require.Equal(t, "OK", rdb.Do(ctx, "SAVE").Val())
		} else {
			require.Equal(t, "Background saving started", rdb.Do(ctx, "BGSAVE").Val())
			for infoPersistence(t, rdb)["rdb_bgsave_in_progress"] != "0" {
				time.Sleep(5 * time.Millisecond)
			}
		}
		assert.Equal(t, int64(accounts*each), total(), "snapshot %d", i)
	}
	close(stop)
	wg.Wait()
}
