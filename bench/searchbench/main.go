package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// config is the command line.
type config struct {
	darner   string
	shards   []int
	docs     int
	clients  int // loading connections
	depth    int // HSETs per pipeline
	conc     []int
	dur      time.Duration
	seed     uint64
	profile  string // directory for CPU profiles, one per server process; empty: none
	classes  string // comma-separated query class names to run; empty: all
	skipScan bool
	// The peer phases: RediSearch loaded into redis-server; off when redisearch is empty.
	redisearch  string // path of the module (.so)
	redisServer string // redis-server binary
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	c := newCorpus(cfg.docs, cfg.seed)
	raw := c.rawBytes()
	logf("generated %d documents (%.1f MB raw) in %v", cfg.docs, float64(raw)/1e6, time.Since(start).Round(time.Millisecond))
	var runs []*shardRun
	for _, n := range cfg.shards {
		sr, err := benchShards(ctx, cfg, c, n)
		if err != nil {
			return fmt.Errorf("--shards %d: %w", n, err)
		}
		runs = append(runs, sr)
	}
	var peer *peerRun
	if cfg.redisearch != "" {
		if peer, err = benchPeer(ctx, cfg, c); err != nil {
			return fmt.Errorf("RediSearch peer: %w", err)
		}
	}
	printHeader(cfg, raw)
	for _, sr := range runs {
		printRun(cfg, sr, raw)
	}
	if peer != nil {
		printPeer(cfg, peer, raw)
	}
	if len(runs) > 1 {
		printRatios(runs, cfg.docs)
	}
	if peer != nil {
		for _, sr := range runs {
			printPeerRatios(cfg, sr, peer)
		}
	}
	logf("total %v", time.Since(start).Round(time.Second))
	return nil
}

func parseFlags(args []string) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("searchbench", flag.ContinueOnError)
	fs.StringVar(&cfg.darner, "darner", "", "path of the darner binary to start (required)")
	shards := fs.String("shards", "1,2", "shard counts to run, comma-separated")
	fs.IntVar(&cfg.docs, "docs", 1000000, "documents to generate")
	fs.IntVar(&cfg.clients, "clients", 8, "connections loading documents at once")
	fs.IntVar(&cfg.depth, "pipeline", 100, "HSETs per pipeline when loading")
	conc := fs.String("conc", "1,8", "query clients at once, comma-separated")
	fs.DurationVar(&cfg.dur, "duration", 5*time.Second, "how long each query class runs at each concurrency")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the data and query generators")
	fs.StringVar(&cfg.profile, "cpuprofile-dir", "", "write darner's CPU profile per phase into this directory")
	fs.StringVar(&cfg.classes, "classes", "", "run only these query classes (comma-separated names; empty: all)")
	fs.BoolVar(&cfg.skipScan, "skip-scan", false, "skip the FT.CREATE-over-loaded-data phase")
	fs.StringVar(&cfg.redisearch, "redisearch", "", "path of a RediSearch 1.x module (redisearch.so): also run the peer "+
		"phases on redis-server with it, after darner's (empty: off)")
	fs.StringVar(&cfg.redisServer, "redis-server", "redis-server", "redis-server binary for the peer phases")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if cfg.profile != "" {
		if err := os.MkdirAll(cfg.profile, 0o755); err != nil {
			return nil, err
		}
	}
	if cfg.darner == "" {
		return nil, errors.New("-darner is required")
	}
	var err error
	if cfg.shards, err = intList(*shards); err != nil {
		return nil, fmt.Errorf("-shards: %w", err)
	}
	if cfg.conc, err = intList(*conc); err != nil {
		return nil, fmt.Errorf("-conc: %w", err)
	}
	if cfg.redisearch != "" {
		// Checked now rather than after darner's phases; a server that still fails to start
		// is reported with its log when its phase starts.
		if _, err := os.Stat(cfg.redisearch); err != nil {
			return nil, fmt.Errorf("-redisearch: %w", err)
		}
		if _, err := exec.LookPath(cfg.redisServer); err != nil {
			return nil, fmt.Errorf("-redis-server: %w", err)
		}
	}
	if cfg.docs < 1 || cfg.clients < 1 || cfg.depth < 1 {
		return nil, errors.New("-docs, -clients and -pipeline must be at least 1")
	}
	return cfg, nil
}

func intList(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

// shardRun is everything measured at one shard count.
type shardRun struct {
	shards                        int
	plain, indexed, plain2        time.Duration // loading times
	scan                          time.Duration // FT.CREATE until indexing = 0
	memEmpty                      memory        // before loading
	memPlain, memIndexed, memScan memory
	queries                       []queryResult
}

// phase is one step of a shard count's run, on a server of its own: every memory figure
// comes from a fresh process (the garbage that makes a server collect stays in its RSS).
type phase struct {
	name string
	run  func(ctx context.Context, cfg *config, c *corpus, s *server, sr *shardRun) error
}

var phases = []phase{
	{"empty", func(ctx context.Context, _ *config, _ *corpus, s *server, sr *shardRun) error {
		var err error
		sr.memEmpty, err = s.measureMemory(ctx)
		return err
	}},
	{"plain", func(ctx context.Context, cfg *config, c *corpus, s *server, sr *shardRun) error {
		var err error
		if sr.plain, err = timedLoad(s, cfg, c, "no index"); err != nil {
			return err
		}
		sr.memPlain, err = s.measureMemory(ctx)
		return err
	}},
	{"indexed", phaseIndexed},
	{"scan", phaseScan},
}

// phaseIndexed creates the index, loads the documents (the write path indexes them), and
// runs the queries.
func phaseIndexed(ctx context.Context, cfg *config, c *corpus, s *server, sr *shardRun) error {
	if err := s.createIndex(ctx); err != nil {
		return err
	}
	var err error
	if sr.indexed, err = timedLoad(s, cfg, c, "index created before"); err != nil {
		return err
	}
	// The load counts until the index holds every document: darner's indexers may still be
	// applying what the last writes queued, and FT.INFO waits for them.
	t0 := time.Now()
	if err := checkIndexed(ctx, s, len(c.docs)); err != nil {
		return err
	}
	sr.indexed += time.Since(t0)
	logf("  until FT.INFO counts every document: +%v", time.Since(t0).Round(time.Millisecond))
	if sr.memIndexed, err = s.measureMemory(ctx); err != nil {
		return err
	}
	sr.queries, err = runAllQueries(ctx, cfg, s, c, queryClasses())
	return err
}

// phaseScan loads the documents, then creates the index and times its scan of them.
func phaseScan(ctx context.Context, cfg *config, c *corpus, s *server, sr *shardRun) error {
	var err error
	if sr.plain2, err = timedLoad(s, cfg, c, "no index, before FT.CREATE"); err != nil {
		return err
	}
	start := time.Now()
	if err := s.createIndex(ctx); err != nil {
		return err
	}
	if err := checkIndexed(ctx, s, len(c.docs)); err != nil {
		return err
	}
	sr.scan = time.Since(start)
	logf("  FT.CREATE over %d keys: %v (%.0f docs/s)", len(c.docs), sr.scan.Round(time.Millisecond), rate(len(c.docs), sr.scan))
	sr.memScan, err = s.measureMemory(ctx)
	return err
}

// benchShards runs every phase at one shard count.
func benchShards(ctx context.Context, cfg *config, c *corpus, shards int) (*shardRun, error) {
	sr := &shardRun{shards: shards}
	for _, ph := range phases {
		if ph.name == "scan" && cfg.skipScan {
			continue
		}
		err := withServer(ctx, cfg, shards, ph.name, func(s *server) error { return ph.run(ctx, cfg, c, s, sr) })
		if err != nil {
			return nil, fmt.Errorf("phase %s: %w", ph.name, err)
		}
	}
	return sr, nil
}

// withServer starts a server for one phase, runs fn, and stops it.
func withServer(ctx context.Context, cfg *config, shards int, phase string, fn func(*server) error) error {
	profile := ""
	if cfg.profile != "" {
		profile = filepath.Join(cfg.profile, fmt.Sprintf("cpu-shards%d-%s.prof", shards, phase))
	}
	logf("--shards %d, phase %s", shards, phase)
	s, err := startServer(ctx, cfg.darner, shards, 2*max(slices.Max(cfg.conc), cfg.clients), profile)
	if err != nil {
		return err
	}
	defer s.stop()
	return fn(s)
}

func timedLoad(s *server, cfg *config, c *corpus, what string) (time.Duration, error) {
	took, err := load(s.addr, c, cfg.clients, cfg.depth, hsetCommand)
	if err == nil {
		logf("  load (%s): %v (%.0f docs/s)", what, took.Round(time.Millisecond), rate(len(c.docs), took))
	}
	return took, err
}

// checkIndexed waits for the index to finish any scan and checks it holds every document.
func checkIndexed(ctx context.Context, s *server, docs int) error {
	n, err := s.waitIndexed(ctx)
	if err != nil {
		return err
	}
	if n != int64(docs) {
		return fmt.Errorf("FT.INFO num_docs is %d, want %d", n, docs)
	}
	return nil
}

// runAllQueries runs classes (queryClasses or the peer's adaptation of them: the same list,
// so that the i-th class draws the same queries from the same seed on either server).
func runAllQueries(ctx context.Context, cfg *config, s *server, c *corpus, classes []queryClass) ([]queryResult, error) {
	var out []queryResult
	for i, class := range classes {
		if cfg.classes != "" && !strings.Contains(","+cfg.classes+",", ","+class.name+",") {
			continue
		}
		for _, conc := range cfg.conc {
			res, err := runQueries(ctx, s.rdb, c, class, conc, cfg.dur, cfg.seed*1000+uint64(i))
			if err != nil {
				return nil, err
			}
			logf("  %-24s C=%d: %6.0f q/s, p50 %.3f ms, p99 %.3f ms, %d queries, %.0f matches",
				class.name, conc, res.qps(), ms(res.p50), ms(res.p99), res.n, res.meanMatches)
			out = append(out, res)
		}
	}
	return out, nil
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }
func ms(d time.Duration) float64          { return float64(d) / float64(time.Millisecond) }
