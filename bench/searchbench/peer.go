package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The peer phases: the same documents and queries against RediSearch 1.x (Debian bookworm's
// redis-redisearch) loaded into redis-server, each phase on a fresh redis-server of its own.

// redisearchArgs are the module's arguments. TIMEOUT 0 turns off RediSearch 1.x's query
// timeout (500 ms by default, and its default policy, RETURN, answers with the results found
// so far as if they were all), so that every query does all its work, as darner's do.
var redisearchArgs = []string{"TIMEOUT", "0"}

// peerCreateIndex is the peer's FT.CREATE after its first two words: darner's schema. RediSearch
// 1.x has no ON HASH PREFIX (it skips whatever precedes SCHEMA without a word) and indexes only
// the documents FT.ADD adds.
func peerCreateIndex() []any {
	return createIndex[slices.Index(createIndex, any("SCHEMA")):]
}

// peerRun is what the peer phases measured.
type peerRun struct {
	version                        string
	plain, indexed                 time.Duration // HSET, no index; FT.CREATE then FT.ADD
	memEmpty, memPlain, memIndexed memory        // usedMemory and rss (no live heap)
	ftInfo                         map[string]string
	classes                        []queryClass
	queries                        []queryResult
}

// peerClasses are queryClasses as RediSearch 1.x takes them, in the same order: without
// DIALECT (1.x has none), and with LIMIT 0 0, which 1.x refuses ("Invalid LIMIT
// parameters"), sent as NOCONTENT LIMIT 0 1 (the total, and one key). The example is one
// query of the class as sent.
func peerClasses(c *corpus) []queryClass {
	classes := queryClasses()
	for i := range classes {
		cl := &classes[i]
		orig := cl.args
		cl.args = func(c *corpus, r *rand.Rand) []any { return peerArgs(orig(c, r)) }
		words := make([]string, 0, 12)
		for _, a := range cl.args(c, rand.New(rand.NewPCG(1, 1))) {
			w := fmt.Sprint(a)
			if strings.Contains(w, " ") && !strings.HasPrefix(w, `"`) {
				w = "'" + w + "'"
			}
			words = append(words, w)
		}
		cl.example = "`" + strings.Join(words, " ") + "`"
	}
	return classes
}

// peerArgs rewrites one FT.SEARCH of darner's for RediSearch 1.x.
func peerArgs(args []any) []any {
	out := make([]any, 0, len(args)+1)
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "DIALECT" && i+1 < len(args):
			i++
		case args[i] == "LIMIT" && i+2 < len(args) && args[i+2] == "0":
			out = append(out, "NOCONTENT", "LIMIT", args[i+1], "1")
			i += 2
		default:
			out = append(out, args[i])
		}
	}
	return out
}

// benchPeer runs the peer phases: HSET without an index, then FT.CREATE, FT.ADD and the
// queries.
func benchPeer(ctx context.Context, cfg *config, c *corpus) (*peerRun, error) {
	p := &peerRun{classes: peerClasses(c)}
	err := withRedis(ctx, cfg, "plain", func(s *server) error {
		var err error
		if p.version, err = peerVersion(ctx, cfg, s); err != nil {
			return err
		}
		logf("  %s", p.version)
		if p.memEmpty, err = redisMemory(ctx, s); err != nil {
			return err
		}
		if p.plain, err = timedPeerLoad(s, cfg, c, hsetCommand, "HSET, no index"); err != nil {
			return err
		}
		if n, err := s.rdb.DBSize(ctx).Result(); err != nil || n != int64(len(c.docs)) {
			return fmt.Errorf("DBSIZE after loading: %d, %v; want %d", n, err, len(c.docs))
		}
		p.memPlain, err = redisMemory(ctx, s)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("phase plain: %w", err)
	}
	err = withRedis(ctx, cfg, "indexed", func(s *server) error {
		args := append([]any{"FT.CREATE", indexName}, peerCreateIndex()...)
		if err := s.rdb.Do(ctx, args...).Err(); err != nil {
			return fmt.Errorf("%v: %w", args, err)
		}
		var err error
		if p.indexed, err = timedPeerLoad(s, cfg, c, ftAddCommand, "FT.ADD, index created before"); err != nil {
			return err
		}
		if p.ftInfo, err = peerFTInfo(ctx, s); err != nil {
			return err
		}
		if p.ftInfo["num_docs"] != strconv.Itoa(len(c.docs)) {
			return fmt.Errorf("FT.INFO num_docs is %s, want %d", p.ftInfo["num_docs"], len(c.docs))
		}
		if p.memIndexed, err = redisMemory(ctx, s); err != nil {
			return err
		}
		p.queries, err = runAllQueries(ctx, cfg, s, c, p.classes)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("phase indexed: %w", err)
	}
	return p, nil
}

func timedPeerLoad(s *server, cfg *config, c *corpus, cmd loadCommand, what string) (time.Duration, error) {
	took, err := load(s.addr, c, cfg.clients, cfg.depth, cmd)
	if err == nil {
		logf("  load (%s): %v (%.0f docs/s)", what, took.Round(time.Millisecond), rate(len(c.docs), took))
	}
	return took, err
}

// withRedis starts redis-server with the module for one phase, runs fn, and stops it.
func withRedis(ctx context.Context, cfg *config, phase string, fn func(*server) error) error {
	logf("RediSearch peer, phase %s", phase)
	dir, err := os.MkdirTemp("", "searchbench-redis-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := startRedis(ctx, cfg, dir, 2*max(slices.Max(cfg.conc), cfg.clients))
	if err != nil {
		return err
	}
	defer s.stop()
	return fn(s)
}

// startRedis starts redis-server with the module on a free port, saving nothing (no save
// points, no AOF) and with dir as its working directory in any case, its log kept in memory
// for the error if it does not start.
func startRedis(ctx context.Context, cfg *config, dir string, pool int) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", "", "--loglevel", "notice", "--loadmodule", cfg.redisearch}
	args = append(args, redisearchArgs...)
	s := &server{name: "redis-server", addr: "127.0.0.1:" + strconv.Itoa(port), exited: make(chan struct{})}
	s.cmd = exec.Command(cfg.redisServer, args...)
	s.cmd.Dir = dir
	log := &tailBuffer{max: 8 << 10}
	s.cmd.Stdout, s.cmd.Stderr = log, log
	s.started = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.waitErr = s.cmd.Wait(); close(s.exited) }()
	s.rdb = redis.NewClient(&redis.Options{Addr: s.addr, Protocol: 2, PoolSize: pool,
		ReadTimeout: time.Minute, WriteTimeout: time.Minute})
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		return nil, fmt.Errorf("%s %s: %w; its log ends:\n%s", cfg.redisServer, strings.Join(quoteEmpty(args), " "),
			err, log.String())
	}
	return s, nil
}

func quoteEmpty(args []string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if a == "" {
			out[i] = `""`
		}
	}
	return out
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// peerVersion names redis-server's version and the module's, and checks that the module is
// loaded and that the server saves nothing.
func peerVersion(ctx context.Context, cfg *config, s *server) (string, error) {
	info, err := s.rdb.Info(ctx, "server").Result()
	if err != nil {
		return "", err
	}
	redisVersion := "?"
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			redisVersion = v
		}
	}
	if save, err := s.rdb.ConfigGet(ctx, "save").Result(); err != nil || save["save"] != "" {
		return "", fmt.Errorf("redis-server's save is %q (%v), want none", save["save"], err)
	}
	mods, err := s.rdb.Do(ctx, "MODULE", "LIST").Slice()
	if err != nil {
		return "", err
	}
	module := ""
	for _, m := range mods {
		kv, _ := m.([]any)
		fields := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			fields[fmt.Sprint(kv[i])] = fmt.Sprint(kv[i+1])
		}
		if fields["name"] == "ft" || fields["name"] == "search" {
			module = fmt.Sprintf("module %s ver %s", fields["name"], fields["ver"])
		}
	}
	if module == "" {
		return "", fmt.Errorf("MODULE LIST has no ft or search module: %v", mods)
	}
	v := fmt.Sprintf("redis-server %s with RediSearch (%s, from %s%s)", redisVersion, module, cfg.redisearch,
		debianPackage(cfg.redisearch))
	return v, nil
}

// debianPackage returns ", Debian package NAME VERSION" for the package that installed path,
// or nothing when dpkg-query does not know it.
func debianPackage(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	out, err := exec.Command("dpkg-query", "-S", path).Output()
	if err != nil {
		return ""
	}
	pkg, _, ok := strings.Cut(strings.TrimSpace(string(out)), ":")
	if !ok {
		return ""
	}
	ver, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	if err != nil {
		return ""
	}
	return fmt.Sprintf(", Debian package %s %s", pkg, ver)
}

// redisMemory reads used_memory and the process' RSS, after the same settling time as
// darner's measureMemory.
func redisMemory(ctx context.Context, s *server) (memory, error) {
	var m memory
	time.Sleep(settle)
	info, err := s.rdb.Info(ctx, "memory").Result()
	if err != nil {
		return m, err
	}
	if m.usedMemory, err = infoField(info, "used_memory"); err != nil {
		return m, err
	}
	m.rss, err = processRSS(s.cmd.Process.Pid)
	return m, err
}

// peerFTInfo returns FT.INFO's scalar fields as text (RediSearch 1.x replies with strings).
func peerFTInfo(ctx context.Context, s *server) (map[string]string, error) {
	res, err := s.rdb.Do(ctx, "FT.INFO", indexName).Slice()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i := 0; i+1 < len(res); i += 2 {
		k, _ := res[i].(string)
		switch v := res[i+1].(type) {
		case string:
			out[k] = v
		case int64:
			out[k] = strconv.FormatInt(v, 10)
		}
	}
	if _, ok := out["num_docs"]; !ok {
		return nil, errors.New("FT.INFO has no num_docs")
	}
	return out, nil
}

// printPeer prints the peer's tables, in the form of printRun's.
func printPeer(cfg *config, p *peerRun, raw int64) {
	n := float64(cfg.docs)
	fmt.Printf("\n### RediSearch: %s\n\n", p.version)
	fmt.Printf("Same documents, connections and pipeline depth, and the same query classes drawing the same "+
		"queries, on a fresh redis-server per phase (module arguments %s). RediSearch 1.x does not index "+
		"HSETs: with an index, documents are loaded as `FT.ADD %s <key> 1.0 FIELDS <field> <value> …`, which "+
		"also writes the hash, after `FT.CREATE %s %s`. Queries are sent without DIALECT, which 1.x does not "+
		"have, and `LIMIT 0 0`, which 1.x refuses, as `NOCONTENT LIMIT 0 1`. RediSearch 1.x matches a phrase "+
		"of one word twice (`\"w w\"`) in every document that has w, not only where w follows w, so its phrase "+
		"class counts more matches.\n\n",
		strings.Join(redisearchArgs, " "), indexName, indexName, joinAny(peerCreateIndex()))
	fmt.Println("| load | seconds | docs/s | time vs plain HSET |")
	fmt.Println("|---|---|---|---|")
	for _, l := range []struct {
		what string
		d    time.Duration
	}{{"HSET, no index", p.plain}, {"FT.ADD, index created before loading", p.indexed}} {
		fmt.Printf("| %s | %.2f | %.0f | %.2f |\n", l.what, l.d.Seconds(), n/l.d.Seconds(), l.d.Seconds()/p.plain.Seconds())
	}

	fmt.Println()
	fmt.Println("| server | used_memory | RSS | (used_memory − empty server) / doc | (RSS − empty server) / doc |")
	fmt.Println("|---|---|---|---|---|")
	for _, m := range []struct {
		what string
		m    memory
	}{{"empty (module loaded)", p.memEmpty}, {"loaded with HSET, no index", p.memPlain},
		{"loaded with FT.ADD, indexed", p.memIndexed}} {
		fmt.Printf("| %s | %s | %s | %.0f B | %.0f B |\n", m.what, mb(m.m.usedMemory), mb(m.m.rss),
			float64(m.m.usedMemory-p.memEmpty.usedMemory)/n, float64(m.m.rss-p.memEmpty.rss)/n)
	}
	fmt.Printf("\nPer document: raw data %.0f B; index in used_memory (with index − without) %.0f B; "+
		"RSS with index − without %.0f B.", float64(raw)/n,
		float64(p.memIndexed.usedMemory-p.memPlain.usedMemory)/n, float64(p.memIndexed.rss-p.memPlain.rss)/n)
	var sizes []string
	for _, k := range []string{"inverted_sz_mb", "offset_vectors_sz_mb", "doc_table_size_mb",
		"sortable_values_size_mb", "key_table_size_mb", "num_terms", "num_records"} {
		if v, ok := p.ftInfo[k]; ok {
			sizes = append(sizes, k+" "+v)
		}
	}
	fmt.Printf(" FT.INFO after loading: %s.\n", strings.Join(sizes, ", "))

	fmt.Println()
	fmt.Println("| query | one query as sent | clients | queries | q/s | p50 ms | p99 ms | mean total_results |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	examples := map[string]string{}
	for _, c := range p.classes {
		examples[c.name] = c.example
	}
	for _, q := range p.queries {
		fmt.Printf("| %s | %s | %d | %d | %.0f | %.3f | %.3f | %.0f |\n", q.class, examples[q.class], q.conc,
			q.n, q.qps(), ms(q.p50), ms(q.p99), q.meanMatches)
	}
}

// printPeerRatios compares one of darner's runs with the peer.
func printPeerRatios(cfg *config, sr *shardRun, p *peerRun) {
	n := float64(cfg.docs)
	fmt.Printf("\n### darner --shards %d against RediSearch (ratio = darner / RediSearch: < 1 is less time, "+
		"latency or memory for darner, > 1 is more q/s)\n\n", sr.shards)
	fmt.Printf("| measure | darner --shards %d | RediSearch | darner / RediSearch |\n|---|---|---|---|\n", sr.shards)
	row := func(what, format string, a, b float64) {
		if a == 0 || b == 0 {
			return
		}
		fmt.Printf("| %s | "+format+" | "+format+" | %s |\n", what, a, b, ratioText(a/b))
	}
	row("load, no index (HSET): seconds", "%.2f", sr.plain.Seconds(), p.plain.Seconds())
	row("load, index created before (darner HSET, RediSearch FT.ADD): seconds", "%.2f",
		sr.indexed.Seconds(), p.indexed.Seconds())
	if sr.plain > 0 && sr.indexed > 0 {
		row("load with index: time vs plain HSET", "%.2f", sr.indexed.Seconds()/sr.plain.Seconds(),
			p.indexed.Seconds()/p.plain.Seconds())
	}
	perDoc := func(a, b int64) float64 { return float64(a-b) / n }
	if sr.memPlain.rss > 0 {
		row("RSS − empty server, loaded without index: B/doc", "%.0f",
			perDoc(sr.memPlain.rss, sr.memEmpty.rss), perDoc(p.memPlain.rss, p.memEmpty.rss))
	}
	if sr.memIndexed.rss > 0 {
		row("RSS − empty server, loaded with index: B/doc", "%.0f",
			perDoc(sr.memIndexed.rss, sr.memEmpty.rss), perDoc(p.memIndexed.rss, p.memEmpty.rss))
		row("RSS with index − without: B/doc", "%.0f",
			perDoc(sr.memIndexed.rss, sr.memPlain.rss), perDoc(p.memIndexed.rss, p.memPlain.rss))
	}
	for _, q := range sr.queries {
		i := slices.IndexFunc(p.queries, func(r queryResult) bool { return r.class == q.class && r.conc == q.conc })
		if i < 0 {
			continue
		}
		b := p.queries[i]
		label := fmt.Sprintf("%s, C=%d", q.class, q.conc)
		row(label+": q/s", "%.0f", q.qps(), b.qps())
		row(label+": p50 ms", "%.3f", ms(q.p50), ms(b.p50))
		row(label+": p99 ms", "%.3f", ms(q.p99), ms(b.p99))
		row(label+": mean total_results", "%.0f", q.meanMatches, b.meanMatches)
	}
}

func joinAny(args []any) string {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = fmt.Sprint(a)
	}
	return strings.Join(s, " ")
}

// ratioText prints r with two decimals, or two significant digits below 0.1.
func ratioText(r float64) string {
	if r < 0.1 {
		return fmt.Sprintf("%.2g", r)
	}
	return fmt.Sprintf("%.2f", r)
}
