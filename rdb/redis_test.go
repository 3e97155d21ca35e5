package rdb

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests hold the package to a real Redis 7 (Debian's redis-server): files Redis
// writes must decode to what was stored in it, and files the Encoder writes must load
// into it unchanged — or, for darner's own types, be refused by it.

// redisProc is a redis-server run by a test.
type redisProc struct {
	addr   string
	ready  chan bool     // true once accepting connections, false if it exited first
	exited chan struct{} // closed when the process has ended
	mu     sync.Mutex
	log    strings.Builder // guarded by mu
}

func (p *redisProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// startRedis runs redis-server loading dir/dbfile (when there is one) on a free port until
// the test ends, and waits until it is ready or has exited.
func startRedis(t *testing.T, dir, dbfile string) *redisProc {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed (apt-get install -y redis-server; .ci/run installs it): " +
			"these tests compare with a real Redis 7")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", dbfile,
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())
	p := &redisProc{addr: "127.0.0.1:" + port, ready: make(chan bool, 1), exited: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if !ok && strings.Contains(sc.Text(), "Ready to accept connections") {
				ok = true
				p.ready <- true
			}
		}
		if !ok {
			p.ready <- false
		}
		cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// waitReady waits for the server to accept connections, failing the test if it does not.
func (p *redisProc) waitReady(t *testing.T) {
	t.Helper()
	select {
	case ok := <-p.ready:
		require.True(t, ok, "redis-server exited:\n%s", p.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("redis-server not ready after 30s:\n%s", p.output())
	}
}

func (p *redisProc) client(t *testing.T, db int) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: p.addr, DB: db, Protocol: 2})
	t.Cleanup(func() { c.Close() })
	return c
}

// want is what a test stored: key → entry, per database.
type want map[int]map[string]*Entry

func (w want) add(e *Entry) {
	if w[e.DB] == nil {
		w[e.DB] = map[string]*Entry{}
	}
	w[e.DB][string(e.Key)] = e
}

// fill writes w's strings and hashes to Redis.
func fill(t *testing.T, p *redisProc, w want) {
	ctx := context.Background()
	for db, keys := range w {
		pipe := p.client(t, db).Pipeline()
		for k, e := range keys {
			switch e.Kind {
			case KindString:
				pipe.Set(ctx, k, e.Str, 0)
			case KindHash:
				args := make([]any, 0, 2*len(e.Hash))
				for _, f := range e.Hash {
					args = append(args, f.Name, f.Value)
				}
				pipe.HSet(ctx, k, args...)
			}
			if e.ExpireMs != 0 {
				pipe.PExpireAt(ctx, k, time.UnixMilli(e.ExpireMs))
			}
			if pipe.Len() > 1000 {
				_, err := pipe.Exec(ctx)
				require.NoError(t, err)
			}
		}
		_, err := pipe.Exec(ctx)
		require.NoError(t, err)
	}
}

// smallHash reports whether Redis keeps h as a listpack, whose order HGETALL and the RDB
// file keep; a bigger hash comes out in hash table order.
func smallHash(h []Field) bool {
	return len(h) <= 512 && !slices.ContainsFunc(h, func(f Field) bool { return len(f.Name) > 64 || len(f.Value) > 64 })
}

func sortedFields(h []Field) []Field {
	s := slices.Clone(h)
	slices.SortFunc(s, func(a, b Field) int { return bytes.Compare(a.Name, b.Name) })
	return s
}

// redisData is what the Redis tests store: many strings (integers at the encodings'
// edges, short, long and compressible, random), listpack and hash table hashes (with
// integer values of every listpack width), expiries, in databases 0 and 3.
func redisData(now time.Time) want {
	rng := rand.New(rand.NewPCG(11, 12))
	w := want{}
	for i := range 10000 {
		e := &Entry{Key: []byte(fmt.Sprintf("s:%05d", i)), Kind: KindString}
		switch i % 4 {
		case 0:
			e.Str = []byte(strconv.FormatInt(int64(i)*7919*int64(i)-5_000_000, 10))
		case 1:
			e.Str = []byte("v" + strconv.Itoa(i))
		case 2:
			e.Str = []byte(strings.Repeat("compress me "+strconv.Itoa(i%7)+" ", 40))
		default:
			e.Str = randBytes(rng, 40)
		}
		if i%10 == 0 {
			e.ExpireMs = now.Add(time.Hour).UnixMilli() + int64(i)
		}
		w.add(e)
	}
	for i, s := range intTexts {
		w.add(&Entry{Key: []byte(s), Kind: KindString, Str: []byte(intTexts[(i+1)%len(intTexts)])})
	}
	w.add(&Entry{Key: []byte("empty"), Kind: KindString, Str: []byte{}})
	w.add(&Entry{Key: []byte("bin\x00\xff\r\n"), Kind: KindString, Str: []byte("\x00\x01\xfe\xff")})
	ints := []string{"0", "127", "128", "-1", "4095", "-4096", "4096", "32767", "-32769", "8388607",
		"-8388608", "8388608", "2147483647", "-2147483649", "9223372036854775807", "-9223372036854775808"}
	for i := range 300 {
		h := &Entry{Key: []byte(fmt.Sprintf("h:%d", i)), Kind: KindHash}
		n := 5
		switch {
		case i%50 == 0:
			n = 600 // past hash-max-listpack-entries (512): a hash table
		case i%50 == 1:
			h.Hash = append(h.Hash, Field{[]byte("long"), bytes.Repeat([]byte("L"), 100)}) // past -value
		}
		for j := range n {
			h.Hash = append(h.Hash, Field{[]byte(fmt.Sprintf("f%d", j)), []byte(ints[(i+j)%len(ints)])})
		}
		h.Hash = append(h.Hash, Field{[]byte("name"), []byte("hash " + strconv.Itoa(i))}, Field{[]byte("12"), []byte{}})
		if i%3 == 0 {
			h.ExpireMs = now.Add(2*time.Hour).UnixMilli() + int64(i)
		}
		w.add(h)
	}
	for i := range 500 {
		e := &Entry{DB: 3, Key: []byte(fmt.Sprintf("db3:%d", i)), Kind: KindString, Str: []byte(strconv.Itoa(i))}
		if i%2 == 0 {
			e = &Entry{DB: 3, Key: e.Key, Kind: KindHash, Hash: []Field{{[]byte("a"), []byte(strconv.Itoa(i))}}}
			e.ExpireMs = now.Add(time.Minute).UnixMilli() + int64(i)
		}
		w.add(e)
	}
	return w
}

// Redis writes, darner reads.
func TestRedisDumpDecodes(t *testing.T) {
	dir := t.TempDir()
	p := startRedis(t, dir, "dump.rdb")
	p.waitReady(t)
	w := redisData(time.Now())
	fill(t, p, w)
	ctx := context.Background()
	c := p.client(t, 0)
	c.Do(ctx, "SET", "ttl:relative", "x", "EX", "1000")
	lib := "#!lua name=mylib\nredis.register_function('f', function() return 1 end)"
	require.NoError(t, c.FunctionLoad(ctx, lib).Err())
	// The file holds both hash forms: listpack (RDB type 16) and hash table (type 4).
	assert.Equal(t, "listpack", c.ObjectEncoding(ctx, "h:2").Val())
	assert.Equal(t, "hashtable", c.ObjectEncoding(ctx, "h:0").Val())
	assert.Equal(t, "hashtable", c.ObjectEncoding(ctx, "h:1").Val())
	version := c.Info(ctx, "server").Val()
	// Under an LFU or LRU policy, Redis saves each key's counter (FREQ) or idle time (IDLE).
	for _, policy := range []string{"noeviction", "allkeys-lfu", "allkeys-lru"} {
		t.Run(policy, func(t *testing.T) {
			require.NoError(t, c.ConfigSet(ctx, "maxmemory-policy", policy).Err())
			require.NoError(t, c.Save(ctx).Err())
			f, err := os.Open(filepath.Join(dir, "dump.rdb"))
			require.NoError(t, err)
			defer f.Close()
			d, got, err := decodeAll(bufio.NewReader(f))
			require.NoError(t, err)
			assert.Contains(t, version, "redis_version:"+d.Aux()["redis-ver"])
			assert.GreaterOrEqual(t, d.Version(), 10)
			assert.Equal(t, [][]byte{[]byte(lib)}, d.Functions())
			compareDump(t, w, got)
			st, err := f.Stat()
			require.NoError(t, err)
			assert.Less(t, st.Size(), int64(2500*480), "the compressible strings were stored LZF-compressed")
		})
	}
}

// compareDump checks entries decoded from a Redis dump against what was stored.
func compareDump(t *testing.T, w want, got []*Entry) {

	seen := 0
	for _, e := range got {
		if string(e.Key) == "ttl:relative" {
			assert.InDelta(t, time.Now().Add(1000*time.Second).UnixMilli(), e.ExpireMs, 60e3)
			continue
		}
		exp := w[e.DB][string(e.Key)]
		require.NotNil(t, exp, "unexpected key %q in db %d", e.Key, e.DB)
		seen++
		assert.Equal(t, exp.Kind, e.Kind, "%q", e.Key)
		assert.Equal(t, exp.ExpireMs, e.ExpireMs, "%q", e.Key)
		if exp.Kind == KindString {
			assert.Equal(t, exp.Str, e.Str, "%q", e.Key)
		} else if smallHash(exp.Hash) {
			assert.Equal(t, exp.Hash, e.Hash, "%q", e.Key)
		} else {
			assert.Equal(t, sortedFields(exp.Hash), sortedFields(e.Hash), "%q", e.Key)
		}
	}
	assert.Equal(t, len(w[0])+len(w[3]), seen, "every key came back once")
}

// encodeFile writes entries to dir/name.
func encodeFile(t *testing.T, dir, name string, opt Options, write func(*Encoder)) {
	f, err := os.Create(filepath.Join(dir, name))
	require.NoError(t, err)
	en := NewEncoder(f, opt)
	write(en)
	require.NoError(t, en.Close())
	require.NoError(t, f.Close())
}

// Darner writes, Redis reads: every key, value, order of small hashes and expiry.
func TestEncoderFileLoadsIntoRedis(t *testing.T) {
	dir := t.TempDir()
	w := redisData(time.Now())
	for i := range 50 {
		w.add(&Entry{DB: 15, Key: []byte(fmt.Sprintf("z%d", i)), Kind: KindString,
			Str: bytes.Repeat([]byte{byte(i)}, 30000+i)})
	}
	encodeFile(t, dir, "darner.rdb", Options{Compress: true, DarnerVersion: "test"}, func(en *Encoder) {
		for _, db := range []int{0, 3, 15} {
			expires := 0
			for _, e := range w[db] {
				if e.ExpireMs != 0 {
					expires++
				}
			}
			require.NoError(t, en.SelectDB(db, len(w[db]), expires))
			for _, e := range w[db] {
				require.NoError(t, en.Write(e))
			}
		}
	})
	p := startRedis(t, dir, "darner.rdb")
	p.waitReady(t)
	assert.Contains(t, p.output(), "DB loaded from disk")

	ctx := context.Background()
	for db, keys := range w {
		c := p.client(t, db)
		require.Equal(t, int64(len(keys)), c.DBSize(ctx).Val(), "db %d", db)
		pipe := c.Pipeline()
		types, values, expiry := map[string]*redis.StatusCmd{}, map[string]*redis.Cmd{}, map[string]*redis.DurationCmd{}
		for k, e := range keys {
			types[k] = pipe.Type(ctx, k)
			if e.Kind == KindString {
				values[k] = pipe.Do(ctx, "GET", k)
			} else {
				values[k] = pipe.Do(ctx, "HGETALL", k)
			}
			expiry[k] = pipe.PExpireTime(ctx, k)
		}
		_, err := pipe.Exec(ctx)
		require.NoError(t, err)
		for k, e := range keys {
			assert.Equal(t, map[Kind]string{KindString: "string", KindHash: "hash"}[e.Kind], types[k].Val(), "%q", k)
			if e.Kind == KindString {
				assert.Equal(t, string(e.Str), values[k].Val(), "%q", k)
			} else {
				flat := values[k].Val().([]any)
				var h []Field
				for i := 0; i+1 < len(flat); i += 2 {
					h = append(h, Field{[]byte(flat[i].(string)), []byte(flat[i+1].(string))})
				}
				if smallHash(e.Hash) {
					assert.Equal(t, e.Hash, h, "%q", k)
				} else {
					assert.Equal(t, sortedFields(e.Hash), sortedFields(h), "%q", k)
				}
			}
			wantTTL := time.Duration(-1)
			if e.ExpireMs != 0 {
				wantTTL = time.Duration(e.ExpireMs) * time.Millisecond
			}
			assert.Equal(t, wantTTL, expiry[k].Val(), "%q", k)
		}
	}
}

// A file with darner's own types: Redis refuses to start, naming the module it lacks,
// and darner's decoder reads it back.
func TestRedisRefusesDarnerTypes(t *testing.T) {
	tests := []struct {
		name   string
		write  func(*Encoder) error
		module string
	}{
		{"json", func(en *Encoder) error {
			return en.Write(&Entry{Key: []byte("doc"), Kind: KindJSON, JSON: []byte(`{"a":1}`)})
		}, "darnerJSN"},
		{"suggest", func(en *Encoder) error {
			return en.Write(&Entry{Key: []byte("sug"), Kind: KindSuggest,
				Suggest: []Suggestion{{Str: []byte("hello"), Score: 2, Payload: []byte("p")}}})
		}, "darnerSUG"},
		{"meta", func(en *Encoder) error { return en.WriteMeta("indexes", []byte("FT.CREATE idx ...")) }, "darnerAUX"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			encodeFile(t, dir, "x.rdb", Options{}, func(en *Encoder) {
				require.NoError(t, en.Write(&Entry{Key: []byte("plain"), Kind: KindString, Str: []byte("v")}))
				require.NoError(t, tc.write(en))
			})
			p := startRedis(t, dir, "x.rdb")
			select {
			case ok := <-p.ready:
				require.False(t, ok, "redis-server started on a file with darner data:\n%s", p.output())
			case <-time.After(30 * time.Second):
				t.Fatal("redis-server neither started nor stopped")
			}
			<-p.exited
			assert.Regexp(t, "no matching module (type )?'"+tc.module+"'", p.output())

			// Redis' own checker walks darner's module framing item by item.
			check, err := exec.Command("redis-check-rdb", filepath.Join(dir, "x.rdb")).CombinedOutput()
			require.NoError(t, err, "%s", check)
			assert.Contains(t, string(check), "RDB looks OK")
			assert.Contains(t, string(check), "Checksum OK")

			f, err := os.Open(filepath.Join(dir, "x.rdb"))
			require.NoError(t, err)
			defer f.Close()
			_, got, err := decodeAll(f)
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, "plain", string(got[0].Key))
		})
	}
}
