package main

import (
	"fmt"
	"slices"
	"time"

	"darner/vectors"
	"github.com/viterin/vek/vek32"
)

type flatConfig struct {
	dir     string
	dim     int
	queries int
	prof    string
}

func runFlat(c flatConfig) error {
	d, err := loadDataset(c.dir, c.dim)
	if err != nil {
		return err
	}
	f := vectors.NewFlat(d.dim, vectors.L2)
	for i := range d.n {
		f.Add(uint32(i), d.vec(i))
	}
	bytes := float64(4 * d.n * d.dim)
	tag := fmt.Sprintf("side=darner dim=%d n=%d", d.dim, d.n)

	// Read bandwidth first, over an array of the scanned data's size (the base vectors
	// themselves) and over 2 GiB (beyond any cache).
	bwSame := readBandwidth(d.base, 20)
	big := make([]float32, 512<<20)
	for i := range big {
		big[i] = float32(i & 1023)
	}
	bwBig := readBandwidth(big, 4)
	big = nil

	stop, err := startProfile(c.prof)
	if err != nil {
		return err
	}
	nq := min(c.queries, d.nq)
	times := make([]float64, 0, nq)
	for i := range nq {
		t0 := time.Now()
		res := f.Search(d.query(i), gtK, nil)
		times = append(times, time.Since(t0).Seconds())
		if len(res) != gtK || res[0].ID != d.gt[i*gtK] {
			// Distances that tie could order differently; the first id should still match.
			fmt.Printf("# flat: query %d first id %d, ground truth %d\n", i, res[0].ID, d.gt[i*gtK])
		}
	}
	stop()
	slices.Sort(times)
	med := times[len(times)/2]
	bound := bytes / bwSame
	fmt.Printf("flat %s queries=%d median_ms=%.3f p90_ms=%.3f bytes=%.0f scan_gbs=%.2f bw_same_gbs=%.2f bw_2g_gbs=%.2f ratio_same=%.2f ratio_2g=%.2f\n",
		tag, nq, med*1e3, times[len(times)*9/10]*1e3, bytes, bytes/med/1e9, bwSame/1e9, bwBig/1e9, med/bound, med/(bytes/bwBig))
	return nil
}

var sink float32

// readBandwidth is the best rate, in bytes per second, of passes of a SIMD sum over a.
func readBandwidth(a []float32, passes int) float64 {
	best := 0.0
	for range passes {
		t0 := time.Now()
		sink += vek32.Sum(a)
		if bw := float64(4*len(a)) / time.Since(t0).Seconds(); bw > best {
			best = bw
		}
	}
	return best
}
