package vectors

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestShardedHNSWMeasure compares one graph of N vectors with S graphs of N/S searched in
// parallel and merged (darner's layout: one graph per shard), at equal EF_RUNTIME: recall@10
// against FLAT and the time per query. It measures; it asserts nothing about speed. Run it
// with DARNER_SHARD_MEASURE=1 (it takes about a minute).
func TestShardedHNSWMeasure(t *testing.T) {
	if os.Getenv("DARNER_SHARD_MEASURE") == "" {
		t.Skip("set DARNER_SHARD_MEASURE=1 to run")
	}
	n, dim := 50000, 128
	if s := os.Getenv("DARNER_SHARD_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	r := rand.New(rand.NewPCG(5, 5))
	all := clustered(r, n+200, dim, 100)
	data, queries := all[:n], all[n:]
	flat := NewFlat(dim, L2)
	for i, v := range data {
		flat.Add(uint32(i), v)
	}
	var exact [][]Result
	for _, q := range queries {
		exact = append(exact, flat.Search(q, 10, nil))
	}
	for _, shards := range []int{1, 2} {
		graphs := make([]*HNSW, shards)
		start := time.Now()
		var wg sync.WaitGroup
		for s := range graphs {
			graphs[s] = NewHNSW(dim, L2, HNSWOptions{M: 16, EFConstruction: 200, Seed: uint64(s)})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, v := range data {
					if i%shards == s {
						graphs[s].Add(uint32(i), v)
					}
				}
			}()
		}
		wg.Wait()
		build := time.Since(start)
		for _, ef := range []int{10, 20, 40, 80} {
			var approx [][]Result
			start := time.Now()
			for _, q := range queries {
				parts := make([][]Result, shards)
				var wg sync.WaitGroup
				for s, g := range graphs {
					wg.Add(1)
					go func() { defer wg.Done(); parts[s] = g.Search(q, 10, ef, nil) }()
				}
				wg.Wait()
				top := newTopK(10)
				for _, p := range parts {
					for _, res := range p {
						top.offer(res)
					}
				}
				approx = append(approx, top.sorted())
			}
			per := time.Since(start) / time.Duration(len(queries))
			t.Logf("N=%d dim=%d graphs=%d build=%v ef=%d recall@10=%.3f per query=%v",
				n, dim, shards, build.Round(time.Millisecond), ef, recall(exact, approx), per)
		}
	}
}

// TestHybridCrossoverMeasure times, for filters of growing size over N vectors, the two
// plans of a filtered KNN: the exact distance of every filtered vector, and the HNSW walk
// that skips the others; it prints where the walk starts to win, beside what search's rule
// (matches² ≤ ef × M × vectors takes the exact plan) predicts. Run with
// DARNER_SHARD_MEASURE=1.
func TestHybridCrossoverMeasure(t *testing.T) {
	if os.Getenv("DARNER_SHARD_MEASURE") == "" {
		t.Skip("set DARNER_SHARD_MEASURE=1 to run")
	}
	const n, dim, k, ef, m = 50000, 128, 10, 10, 16
	r := rand.New(rand.NewPCG(6, 6))
	all := clustered(r, n+50, dim, 100)
	data, queries := all[:n], all[n:]
	g := NewHNSW(dim, L2, HNSWOptions{M: m, EFConstruction: 200, Seed: 1})
	for i, v := range data {
		g.Add(uint32(i), v)
	}
	t.Logf("rule: exact while matches ≤ sqrt(ef·M·N) = %.0f", math.Sqrt(ef*m*n))
	for _, matches := range []int{100, 300, 1000, 2000, 3000, 5000, 10000, 25000} {
		in := make([]bool, n)
		var ids []uint32
		for _, i := range r.Perm(n)[:matches] {
			in[i] = true
			ids = append(ids, uint32(i))
		}
		accept := func(id uint32) bool { return in[id] }
		start := time.Now()
		for _, q := range queries {
			top := newTopK(k)
			for _, id := range ids {
				d, _ := g.Distance(id, q)
				top.offer(Result{id, d})
			}
			_ = top.sorted()
		}
		exactT := time.Since(start) / time.Duration(len(queries))
		start = time.Now()
		for _, q := range queries {
			g.Search(q, k, ef, accept)
		}
		walkT := time.Since(start) / time.Duration(len(queries))
		t.Logf("matches=%6d exact=%v walk=%v", matches, exactT, walkT)
	}
}
