package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The crash test of issue 7. The real binary runs with the append-only log on; writers send
// HSET, JSON.SET, DEL and MULTI blocks, each keeping a model of its own keys as the
// acknowledged commands left them; the process is killed with SIGKILL in the middle of
// that. After a restart on the same directory every acknowledged write must be there, the
// command in flight at the kill wholly there or wholly absent (both keys of a MULTI alike),
// and FT.SEARCH must answer as a fresh index over the same data does (and as the data says).

const (
	crashWriters  = 4
	crashKeys     = 150 // keys of each type per writer: few enough that writes overwrite
	crashRunFor   = 1500 * time.Millisecond
	crashMinAcked = 500 // fewer acknowledged writes and the test proves little
)

var (
	crashWords = []string{"alpha", "bravo", "delta", "echo", "golf", "hotel", "kilo", "lima"} // no two share a stem
	crashTags  = []string{"red", "green", "blue"}
)

func TestAOFCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the darner binary and kills it")
	}
	bin := buildCrashBinary(t)

	t.Run("always", func(t *testing.T) {
		dir := t.TempDir()
		writers := crashWrite(t, startCrashServer(t, bin, dir, "always"))
		checkAfterCrash(t, startCrashServer(t, bin, dir, "always"), writers)
	})

	// Under everysec darner still writes the log to the OS (write(2)) before each reply;
	// only the fsync waits for the next second. So a killed process loses nothing that was
	// acknowledged: only a crash of the OS or machine could lose up to about a second, which
	// a test cannot bring about. The check is therefore the same as under always.
	t.Run("everysec", func(t *testing.T) {
		dir := t.TempDir()
		writers := crashWrite(t, startCrashServer(t, bin, dir, "everysec"))
		checkAfterCrash(t, startCrashServer(t, bin, dir, "everysec"), writers)
	})

	// A write torn by the crash: half a command at the end of the last incremental file.
	// With aof-load-truncated no the server refuses to start and leaves the file alone; with
	// the default (yes) it cuts the file back to its last whole command and starts.
	t.Run("torn", func(t *testing.T) {
		dir := t.TempDir()
		writers := crashWrite(t, startCrashServer(t, bin, dir, "always"))
		path := crashLastIncr(t, dir)
		st, err := os.Stat(path)
		require.NoError(t, err)
		whole := st.Size()
		cmd := crashRESP("HSET", "doc:0:0", "title", "torn write", "n", "150", "tag", "red")
		half := cmd[:len(cmd)/2]
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = f.Write(half)
		require.NoError(t, err)
		require.NoError(t, f.Close())

		refused := launchCrashServer(t, bin, dir, "always", "--aof-load-truncated", "no")
		code := refused.waitExit(t, 10*time.Second)
		msg := refused.output()
		assert.NotEqual(t, 0, code, "exit status; stderr:\n%s", msg)
		assert.Contains(t, msg, "ends in the middle of a command")
		assert.Contains(t, msg, "aof-load-truncated is off")
		st, err = os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, whole+int64(len(half)), st.Size(), "a refused start leaves the file as it was")

		p := startCrashServer(t, bin, dir, "always")
		st, err = os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, whole, st.Size(), "the torn command is cut off the file")
		assert.Contains(t, p.output(), "cutting it back")
		checkAfterCrash(t, p, writers)
	})
}

// buildCrashBinary builds darner from the module root (the server package's parent).
func buildCrashBinary(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.mod"))
	bin := filepath.Join(t.TempDir(), "darner")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)
	return bin
}

// crashProc is one run of the binary.
type crashProc struct {
	cmd     *exec.Cmd
	addr    string
	errPath string // its stderr: a file, so that everything written is there at once
	exited  chan struct{}
}

func (p *crashProc) output() string {
	b, _ := os.ReadFile(p.errPath)
	return string(b)
}

// launchCrashServer starts the binary on dir with a free port, without waiting for it.
func launchCrashServer(t *testing.T, bin, dir, fsync string, extra ...string) *crashProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	errFile, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	args := append([]string{"--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--dir", dir,
		"--appendonly", "yes", "--appendfsync", fsync, "--shards", "2", "--loglevel", "warning"}, extra...)
	p := &crashProc{cmd: exec.Command(bin, args...), addr: "127.0.0.1:" + strconv.Itoa(port),
		errPath: errFile.Name(), exited: make(chan struct{})}
	p.cmd.Stderr = errFile
	require.NoError(t, p.cmd.Start())
	errFile.Close() // the child has its own descriptor
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("darner %v stderr:\n%s", args, p.output())
		}
	})
	return p
}

// startCrashServer launches the binary and waits until it answers PING.
func startCrashServer(t *testing.T, bin, dir, fsync string, extra ...string) *crashProc {
	t.Helper()
	p := launchCrashServer(t, bin, dir, fsync, extra...)
	c := redis.NewClient(&redis.Options{Addr: p.addr, Protocol: 2, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		select {
		case <-p.exited:
			t.Fatalf("darner exited while starting (%v):\n%s", p.cmd.ProcessState, p.output())
		default:
		}
		if c.Ping(context.Background()).Err() == nil {
			return p
		}
		require.True(t, time.Now().Before(deadline), "darner did not answer PING within 10 s:\n%s", p.output())
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *crashProc) client(t *testing.T) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: p.addr, Protocol: 2})
	t.Cleanup(func() { c.Close() })
	return c
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *crashProc) kill(t *testing.T) {
	require.NoError(t, p.cmd.Process.Kill())
	<-p.exited
}

// waitExit waits for a process that is to stop by itself and returns its exit status.
func (p *crashProc) waitExit(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("darner still running after %v:\n%s", d, p.output())
		return 0
	}
}

// keyState is a key's value: a HASH's fields, a JSON document, or neither (no key).
type keyState struct {
	hash map[string]string
	json map[string]any
}

func (s keyState) String() string {
	switch {
	case s.hash != nil:
		return fmt.Sprint("hash", s.hash)
	case s.json != nil:
		return fmt.Sprint("json", s.json)
	}
	return "(none)"
}

func sameStates(a, b []keyState) bool {
	for i := range a {
		if !maps.Equal(a[i].hash, b[i].hash) || !reflect.DeepEqual(a[i].json, b[i].json) {
			return false
		}
	}
	return true
}

// crashOp is one command or MULTI block of a writer: the keys it writes, and their states
// before and after it.
type crashOp struct {
	name          string
	keys          []string
	before, after []keyState
	send          func(ctx context.Context, rdb *redis.Client) error
}

// modelMismatch is a reply that contradicts the writer's model: a failure whenever it
// comes, unlike a connection error, which the kill explains.
type modelMismatch struct{ msg string }

func (e modelMismatch) Error() string { return e.msg }

// crashWriter writes to its own keys doc:<id>:<i> (HASH) and j:<id>:<i> (JSON).
type crashWriter struct {
	id        int
	rng       *rand.Rand
	model     map[string]keyState // as the acknowledged commands left each key
	acked     int
	uncertain *crashOp // the command in flight when the connection broke
	failure   error    // an error before the kill, or a reply against the model
	ver       int
	ops       map[string]int // acknowledged commands by kind
}

func (w *crashWriter) key(kind string, i int) string { return fmt.Sprintf("%s:%d:%d", kind, w.id, i) }

func (w *crashWriter) keys() []string {
	var out []string
	for i := range crashKeys {
		out = append(out, w.key("doc", i), w.key("j", i))
	}
	return out
}

// run sends commands until one fails: the kill (or, wrongly, anything else).
func (w *crashWriter) run(ctx context.Context, rdb *redis.Client, killed *atomic.Bool) {
	for ctx.Err() == nil {
		op := w.next()
		err := op.send(ctx, rdb)
		var mm modelMismatch
		switch {
		case errors.As(err, &mm):
			w.failure = err
			return
		case err != nil:
			w.uncertain = op
			if !killed.Load() {
				w.failure = fmt.Errorf("%s %v failed before the kill: %w", op.name, op.keys, err)
			}
			return
		}
		for i, k := range op.keys {
			w.model[k] = op.after[i]
		}
		w.acked++
		w.ops[op.name]++
	}
}

func (w *crashWriter) next() *crashOp {
	switch r := w.rng.IntN(100); {
	case r < 40:
		return w.hset()
	case r < 70:
		return w.jsonSet()
	case r < 85:
		if op := w.del(); op != nil {
			return op
		}
		return w.hset()
	default:
		return w.multi()
	}
}

// fields are a document's values: title, n, tag.
func (w *crashWriter) fields() []string {
	return []string{
		"title", crashWords[w.rng.IntN(len(crashWords))] + " " + crashWords[w.rng.IntN(len(crashWords))],
		"n", strconv.Itoa(w.rng.IntN(1000)),
		"tag", crashTags[w.rng.IntN(len(crashTags))],
	}
}

// merged is a hash's fields after HSET fv, and how many of them it adds.
func merged(old map[string]string, fv []string) (map[string]string, int64) {
	m, added := maps.Clone(old), int64(0)
	if m == nil {
		m = map[string]string{}
	}
	for i := 0; i < len(fv); i += 2 {
		if _, ok := m[fv[i]]; !ok {
			added++
		}
		m[fv[i]] = fv[i+1]
	}
	return m, added
}

func hsetArgs(key string, fv []string) []any {
	args := []any{"HSET", key}
	for _, s := range fv {
		args = append(args, s)
	}
	return args
}

func (w *crashWriter) hset() *crashOp {
	key := w.key("doc", w.rng.IntN(crashKeys))
	fv := w.fields()
	before := w.model[key]
	after, added := merged(before.hash, fv)
	return &crashOp{name: "HSET", keys: []string{key}, before: []keyState{before}, after: []keyState{{hash: after}},
		send: func(ctx context.Context, rdb *redis.Client) error {
			n, err := rdb.Do(ctx, hsetArgs(key, fv)...).Int64()
			if err == nil && n != added {
				return modelMismatch{fmt.Sprintf("HSET %s added %d fields; the model says %d", key, n, added)}
			}
			return err
		}}
}

func (w *crashWriter) jsonSet() *crashOp {
	key := w.key("j", w.rng.IntN(crashKeys))
	fv := w.fields()
	n, _ := strconv.Atoi(fv[3])
	doc := map[string]any{"title": fv[1], "n": float64(n)}
	body, _ := json.Marshal(doc)
	return &crashOp{name: "JSON.SET", keys: []string{key}, before: []keyState{w.model[key]}, after: []keyState{{json: doc}},
		send: func(ctx context.Context, rdb *redis.Client) error {
			return rdb.Do(ctx, "JSON.SET", key, "$", string(body)).Err()
		}}
}

// del deletes one of the writer's existing keys (nil if a few tries find none).
func (w *crashWriter) del() *crashOp {
	for range 8 {
		key := w.key([]string{"doc", "j"}[w.rng.IntN(2)], w.rng.IntN(crashKeys))
		before := w.model[key]
		if before.hash == nil && before.json == nil {
			continue
		}
		return &crashOp{name: "DEL", keys: []string{key}, before: []keyState{before}, after: []keyState{{}},
			send: func(ctx context.Context, rdb *redis.Client) error {
				n, err := rdb.Del(ctx, key).Result()
				if err == nil && n != 1 {
					return modelMismatch{fmt.Sprintf("DEL %s deleted %d keys; the model says 1", key, n)}
				}
				return err
			}}
	}
	return nil
}

// multi writes two hashes in one MULTI block with a shared version, so a torn block shows.
func (w *crashWriter) multi() *crashOp {
	i := w.rng.IntN(crashKeys)
	j := (i + 1 + w.rng.IntN(crashKeys-1)) % crashKeys
	w.ver++
	op := &crashOp{name: "MULTI", keys: []string{w.key("doc", i), w.key("doc", j)}}
	var fvs [][]string
	for _, k := range op.keys {
		fv := append(w.fields(), "ver", strconv.Itoa(w.ver))
		fvs = append(fvs, fv)
		after, _ := merged(w.model[k].hash, fv)
		op.before = append(op.before, w.model[k])
		op.after = append(op.after, keyState{hash: after})
	}
	op.send = func(ctx context.Context, rdb *redis.Client) error {
		_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range op.keys {
				p.Do(ctx, hsetArgs(k, fvs[i])...)
			}
			return nil
		})
		return err
	}
	return op
}

// crashWrite makes the indexes, runs the writers for crashRunFor and kills the server
// with SIGKILL while they write.
func crashWrite(t *testing.T, p *crashProc) []*crashWriter {
	t.Helper()
	ctx := context.Background()
	admin := p.client(t)
	require.NoError(t, admin.Do(ctx, crashSchema("idx")...).Err())
	require.NoError(t, admin.Do(ctx, crashJSONSchema("jidx")...).Err())

	wctx, cancel := context.WithTimeout(ctx, 30*time.Second) // in case the kill never comes
	defer cancel()
	var (
		killed  atomic.Bool
		wg      sync.WaitGroup
		writers []*crashWriter
	)
	for i := range crashWriters {
		w := &crashWriter{id: i, rng: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))),
			model: map[string]keyState{}, ops: map[string]int{}}
		writers = append(writers, w)
		// MaxRetries -1: a command is sent once, so the one in flight at the kill is known.
		c := redis.NewClient(&redis.Options{Addr: p.addr, Protocol: 2, MaxRetries: -1, PoolSize: 1,
			ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
		t.Cleanup(func() { c.Close() })
		wg.Go(func() { w.run(wctx, c, &killed) })
	}
	time.Sleep(crashRunFor)
	killed.Store(true)
	p.kill(t)
	wg.Wait()
	for _, w := range writers {
		require.NoError(t, w.failure, "writer %d", w.id)
		require.NotNil(t, w.uncertain, "writer %d was not writing at the kill", w.id)
	}
	return writers
}

func crashSchema(name string) []any {
	return []any{"FT.CREATE", name, "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
		"title", "TEXT", "n", "NUMERIC", "SORTABLE", "tag", "TAG"}
}

func crashJSONSchema(name string) []any {
	return []any{"FT.CREATE", name, "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA",
		"$.title", "AS", "title", "TEXT", "$.n", "AS", "n", "NUMERIC"}
}

// checkAfterCrash checks the restarted server against the writers' models and its
// indexes against fresh ones and the data.
func checkAfterCrash(t *testing.T, p *crashProc, writers []*crashWriter) {
	t.Helper()
	ctx := context.Background()
	rdb := p.client(t)
	lst, err := rdb.Do(ctx, "FT._LIST").Result()
	require.NoError(t, err)
	assert.ElementsMatch(t, []any{"idx", "jidx"}, lst, "the indexes made before the crash")

	data := readCrashKeys(t, rdb, writers)
	acked, uncertain, applied, bad := 0, 0, 0, 0
	for _, w := range writers {
		acked += w.acked
		inFlight := map[string]bool{}
		if op := w.uncertain; op != nil {
			uncertain++
			var got []keyState
			for _, k := range op.keys {
				got = append(got, data[k])
				inFlight[k] = true
			}
			old, done := sameStates(got, op.before), sameStates(got, op.after)
			assert.True(t, old || done, "writer %d: %s %v in flight at the kill left %v; want wholly %v or wholly %v",
				w.id, op.name, op.keys, got, op.before, op.after)
			if done && !old {
				applied++
			}
		}
		for _, k := range w.keys() {
			if !inFlight[k] && !sameStates([]keyState{data[k]}, []keyState{w.model[k]}) {
				if bad++; bad <= 10 {
					assert.Fail(t, "acknowledged write lost", "writer %d: %s is %v; acknowledged: %v", w.id, k, data[k], w.model[k])
				}
			}
		}
		t.Logf("writer %d: %d acknowledged %v; in flight at the kill: %s %v", w.id, w.acked, w.ops, w.uncertain.name, w.uncertain.keys)
	}
	assert.Zero(t, bad, "keys that differ from the acknowledged writes")
	t.Logf("%d acknowledged writes checked; %d commands in flight at the kill, %d of them found applied", acked, uncertain, applied)
	require.Greater(t, acked, crashMinAcked, "too few acknowledged writes to show anything")
	checkCrashSearch(t, rdb, data)
}

// readCrashKeys reads every key of every writer: TYPE, then HGETALL or JSON.GET.
func readCrashKeys(t *testing.T, rdb *redis.Client, writers []*crashWriter) map[string]keyState {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for _, w := range writers {
		keys = append(keys, w.keys()...)
	}
	pipe := rdb.Pipeline()
	types, reads := make([]*redis.StatusCmd, len(keys)), make([]redis.Cmder, len(keys))
	for i, k := range keys {
		types[i] = pipe.Type(ctx, k)
		if strings.HasPrefix(k, "doc:") {
			reads[i] = pipe.HGetAll(ctx, k)
		} else {
			reads[i] = pipe.Do(ctx, "JSON.GET", k)
		}
	}
	pipe.Exec(ctx) // errors are read per command: JSON.GET of no key is redis.Nil
	data := map[string]keyState{}
	for i, k := range keys {
		typ, err := types[i].Result()
		require.NoError(t, err, k)
		switch r := reads[i].(type) {
		case *redis.MapStringStringCmd:
			m, err := r.Result()
			require.NoError(t, err, k)
			require.Equal(t, typ == "hash", len(m) > 0, "%s: TYPE %s, HGETALL %v", k, typ, m)
			if len(m) > 0 {
				data[k] = keyState{hash: m}
			}
		case *redis.Cmd:
			s, err := r.Text()
			if errors.Is(err, redis.Nil) {
				require.Equal(t, "none", typ, k)
				continue
			}
			require.NoError(t, err, k)
			require.Equal(t, "ReJSON-RL", typ, k)
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(s), &doc), "%s: %s", k, s)
			data[k] = keyState{json: doc}
		}
	}
	return data
}

// crashQuery is a query and which documents it must find.
type crashQuery struct {
	q        string
	hashOnly bool
	match    func(title string, n int, tag string) bool
}

func hasWord(title, w string) bool { return slices.Contains(strings.Fields(title), w) }

var crashQueries = []crashQuery{
	{q: "*", match: func(string, int, string) bool { return true }},
	{q: "@title:delta", match: func(title string, _ int, _ string) bool { return hasWord(title, "delta") }},
	{q: "golf", match: func(title string, _ int, _ string) bool { return hasWord(title, "golf") }},
	{q: "@n:[100 200]", match: func(_ string, n int, _ string) bool { return n >= 100 && n <= 200 }},
	{q: "@tag:{red}", hashOnly: true, match: func(_ string, _ int, tag string) bool { return tag == "red" }},
	{q: "@title:echo @tag:{blue}", hashOnly: true,
		match: func(title string, _ int, tag string) bool { return hasWord(title, "echo") && tag == "blue" }},
}

// checkCrashSearch compares the indexes that lived through the crash with fresh ones made
// now over the same data, and both with what the data says each query must find.
func checkCrashSearch(t *testing.T, rdb *redis.Client, data map[string]keyState) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, rdb.Do(ctx, crashSchema("idx2")...).Err())
	require.NoError(t, rdb.Do(ctx, crashJSONSchema("jidx2")...).Err())
	for _, idx := range []string{"idx", "jidx", "idx2", "jidx2"} {
		waitIndexed(t, rdb, idx)
	}
	for _, pair := range [][2]string{{"idx", "idx2"}, {"jidx", "jidx2"}} {
		isHash := pair[0] == "idx"
		total := func(idx string) any {
			v, err := rdb.Do(ctx, "FT.SEARCH", idx, "*", "LIMIT", "0", "0").Result()
			require.NoError(t, err)
			return v.([]any)[0]
		}
		assert.Equal(t, total(pair[1]), total(pair[0]), "%s total", pair[0])
		for _, q := range crashQueries {
			if q.hashOnly && !isHash {
				continue
			}
			want := crashExpected(data, isHash, q)
			for _, idx := range pair {
				assert.Equal(t, want, crashSearchKeys(t, rdb, idx, q.q), "FT.SEARCH %s %q", idx, q.q)
			}
			t.Logf("FT.SEARCH %s/%s %q: %d documents", pair[0], pair[1], q.q, len(want))
		}
	}
}

// crashSearchKeys runs a query with NOCONTENT and returns the keys found, sorted; the
// total must count them.
func crashSearchKeys(t *testing.T, rdb *redis.Client, idx, q string) []string {
	t.Helper()
	v, err := rdb.Do(context.Background(), "FT.SEARCH", idx, q, "NOCONTENT", "LIMIT", "0", "10000").Result()
	require.NoError(t, err)
	r := v.([]any)
	keys := []string{}
	for _, k := range r[1:] {
		keys = append(keys, k.(string))
	}
	require.Equal(t, int64(len(keys)), r[0], "FT.SEARCH %s %q total", idx, q)
	slices.Sort(keys)
	return keys
}

// crashExpected is, from the data, the sorted keys a query must find.
func crashExpected(data map[string]keyState, isHash bool, q crashQuery) []string {
	keys := []string{}
	for k, s := range data {
		var (
			title, tag string
			n          int
		)
		switch {
		case isHash && s.hash != nil:
			title, tag = s.hash["title"], s.hash["tag"]
			n, _ = strconv.Atoi(s.hash["n"])
		case !isHash && s.json != nil:
			title, _ = s.json["title"].(string)
			f, _ := s.json["n"].(float64)
			n = int(f)
		default:
			continue
		}
		if q.match(title, n, tag) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// crashLastIncr is the path of the last incremental file the manifest names.
func crashLastIncr(t *testing.T, dir string) string {
	t.Helper()
	adir := filepath.Join(dir, "appendonlydir")
	b, err := os.ReadFile(filepath.Join(adir, "appendonly.aof.manifest"))
	require.NoError(t, err)
	last := ""
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		kv := map[string]string{}
		for i := 0; i+1 < len(f); i += 2 {
			kv[f[i]] = f[i+1]
		}
		if kv["type"] == "i" {
			last = kv["file"]
		}
	}
	require.NotEmpty(t, last, "no incremental file in the manifest:\n%s", b)
	return filepath.Join(adir, last)
}

// crashRESP is a command as the log holds it: a RESP array of bulk strings.
func crashRESP(args ...string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
	}
	return b
}
