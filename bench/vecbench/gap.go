package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"darner/vectors"
)

// gap measures how a search's time depends on what the core did just before it: searches
// back to back, as the in-process QPS runs them, against searches each after a spell of
// work that touches no memory (a loop reading the clock). A server does its network work
// between two searches, so its searches find the caches as they are after such a spell;
// on a shared machine what the neighbours evict in the meantime has to come from memory
// again.
//
//	vecbench gap [-dir D] [-dim 128] [-ef 24] [-gaps 0,20,50,200] [-rounds 3] [-duration 2s]
//
// One graph (M=16, EF_CONSTRUCTION=200) is built from gen's data set, then each gap is run
// for -duration, the gaps taking turns for -rounds rounds; each line is the median over
// the rounds of the time inside Search only.
type gapConfig struct {
	ef, dim int
	data    string
	gaps    []int
	rounds  int
	dur     time.Duration
}

func runGap(c gapConfig) error {
	d, err := loadDataset(c.data, c.dim)
	if err != nil {
		return err
	}
	h := vectors.NewHNSW(d.dim, vectors.L2, vectors.HNSWOptions{M: hnswM, EFConstruction: hnswEFC, Seed: 1})
	for i := range d.n {
		h.Add(uint32(i), d.vec(i))
	}
	times := make([][]float64, len(c.gaps))
	for range c.rounds {
		for g, gap := range c.gaps {
			pause := time.Duration(gap) * time.Microsecond
			var in time.Duration
			n := 0
			for t0, i := time.Now(), 0; time.Since(t0) < c.dur; i = (i + 1) % d.nq {
				for s := time.Now(); time.Since(s) < pause; {
				}
				s := time.Now()
				h.Search(d.query(i), gtK, c.ef, nil)
				in += time.Since(s)
				n++
			}
			times[g] = append(times[g], float64(in)/float64(n)/1e3)
		}
	}
	for g, gap := range c.gaps {
		slices.Sort(times[g])
		each := make([]string, len(times[g]))
		for i, t := range times[g] {
			each[i] = strconv.FormatFloat(t, 'f', 1, 64)
		}
		fmt.Printf("gap dim=%d n=%d ef=%d gap_us=%d search_us_median=%.1f search_us=%s\n", d.dim, d.n, c.ef, gap,
			times[g][len(times[g])/2], strings.Join(each, ","))
	}
	return nil
}
