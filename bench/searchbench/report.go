package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// The report: Markdown tables on standard output, one set per shard count, then the ratios
// between the first shard count and each other.

func printHeader(cfg *config, raw int64) {
	fmt.Printf("Machine: %d vCPU %q, shared by darner and this load generator; %s.\n",
		runtime.NumCPU(), cpuModel(), runtime.Version())
	fmt.Printf("Data: %d documents (seed %d), raw %d bytes = %.1f B/doc (keys, field names and values).\n",
		cfg.docs, cfg.seed, raw, float64(raw)/float64(cfg.docs))
	fmt.Printf("Loading: %d connections × pipelines of %d HSETs. Queries: %v per class and concurrency, "+
		"LIMIT 0 10 (whole documents returned) except `*` (LIMIT 0 0), DIALECT 2.\n",
		cfg.clients, cfg.depth, cfg.dur)
}

func printRun(cfg *config, sr *shardRun, raw int64) {
	n := float64(cfg.docs)
	fmt.Printf("\n### --shards %d\n\n", sr.shards)
	fmt.Println("| load | seconds | docs/s | time vs plain HSET |")
	fmt.Println("|---|---|---|---|")
	loadRow := func(what string, d time.Duration) {
		if d > 0 {
			fmt.Printf("| %s | %.2f | %.0f | %.2f |\n", what, d.Seconds(), n/d.Seconds(), d.Seconds()/sr.plain.Seconds())
		}
	}
	loadRow("HSET, no index", sr.plain)
	loadRow("HSET, index created before loading, until FT.INFO counts every document", sr.indexed)
	loadRow("HSET, no index (again, before FT.CREATE)", sr.plain2)
	loadRow("FT.CREATE over the loaded keys, until indexing = 0", sr.scan)

	fmt.Println()
	fmt.Println("| server | used_memory | RSS | live heap | (live heap − empty server) / doc |")
	fmt.Println("|---|---|---|---|---|")
	memRow := func(what string, m memory) {
		if m.rss > 0 {
			fmt.Printf("| %s | %s | %s | %s | %.0f B |\n", what, mb(m.usedMemory), mb(m.rss), mb(m.liveHeap),
				float64(m.liveHeap-sr.memEmpty.liveHeap)/n)
		}
	}
	memRow("empty", sr.memEmpty)
	memRow("loaded, no index", sr.memPlain)
	memRow("loaded, index created before loading", sr.memIndexed)
	memRow("loaded, index built by FT.CREATE's scan", sr.memScan)
	fmt.Printf("\nPer document: raw data %.0f B; darner's used_memory %.0f B; data in the heap %.0f B; "+
		"index in the heap (live heap with index − without) %.0f B; RSS with index − without %.0f B.\n",
		float64(raw)/n, float64(sr.memPlain.usedMemory)/n, float64(sr.memPlain.liveHeap-sr.memEmpty.liveHeap)/n,
		float64(sr.memIndexed.liveHeap-sr.memPlain.liveHeap)/n, float64(sr.memIndexed.rss-sr.memPlain.rss)/n)

	fmt.Println()
	fmt.Println("| query | example | clients | queries | q/s | p50 ms | p99 ms | mean total_results |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	examples := map[string]string{}
	for _, c := range queryClasses() {
		examples[c.name] = c.example
	}
	for _, q := range sr.queries {
		fmt.Printf("| %s | `%s` | %d | %d | %.0f | %.3f | %.3f | %.0f |\n", q.class, examples[q.class], q.conc,
			q.n, q.qps(), ms(q.p50), ms(q.p99), q.meanMatches)
	}
}

// printRatios compares every run with the first (1 → 2 shards when run as -shards 1,2).
func printRatios(runs []*shardRun, docs int) {
	base := runs[0]
	for _, sr := range runs[1:] {
		fmt.Printf("\n### --shards %d against --shards %d (ratio = %d / %d; > 1 is faster for rates, slower for latencies)\n\n",
			sr.shards, base.shards, sr.shards, base.shards)
		fmt.Printf("| measure | shards %d | shards %d | ratio |\n|---|---|---|---|\n", base.shards, sr.shards)
		perSec := func(d time.Duration) float64 {
			if d == 0 {
				return 0
			}
			return float64(docs) / d.Seconds()
		}
		ratioRow("load, no index: docs/s", perSec(base.plain), perSec(sr.plain))
		ratioRow("load, index created before: docs/s", perSec(base.indexed), perSec(sr.indexed))
		ratioRow("FT.CREATE over loaded keys: docs/s", perSec(base.scan), perSec(sr.scan))
		for i, q := range sr.queries {
			if i >= len(base.queries) {
				break
			}
			b := base.queries[i]
			label := fmt.Sprintf("%s, C=%d", q.class, q.conc)
			ratioRow(label+": q/s", b.qps(), q.qps())
			ratioRow(label+": p50 ms", ms(b.p50), ms(q.p50))
			ratioRow(label+": p99 ms", ms(b.p99), ms(q.p99))
		}
	}
}

func ratioRow(what string, a, b float64) {
	if a == 0 || b == 0 {
		return
	}
	fmt.Printf("| %s | %.3f | %.3f | %.2f |\n", what, a, b, b/a)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown"
}
