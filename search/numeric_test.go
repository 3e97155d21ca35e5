package search

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// withLeafMax runs a test with small numeric leaves, so that a few hundred values split
// many times.
func withLeafMax(t *testing.T, n int) {
	old := numLeafMax
	numLeafMax = n
	t.Cleanup(func() { numLeafMax = old })
}

// TestNumIndexAgainstScan adds, removes and re-adds documents of one, several or repeated
// values (few distinct values, so that leaves go single and back), and checks every range
// and every ordered walk against a scan of what each document holds.
func TestNumIndexAgainstScan(t *testing.T) {
	withLeafMax(t, 8)
	r := rand.New(rand.NewPCG(3, 4))
	n := newNumIndex()
	docs := map[uint32][]float64{}
	value := func() float64 {
		switch r.IntN(20) {
		case 0:
			return math.Inf(1)
		case 1:
			return math.Inf(-1)
		case 2, 3, 4, 5, 6, 7:
			return 5 // a run of ties
		}
		return float64(r.IntN(60)) - 20
	}
	for step := range 4000 {
		id := uint32(r.IntN(300))
		if vs, ok := docs[id]; ok {
			n.remove(id, vs)
			delete(docs, id)
		}
		if r.IntN(4) > 0 {
			vs := []float64{value()}
			for r.IntN(4) == 0 {
				vs = append(vs, value()) // several values, maybe repeated
			}
			n.add(id, vs)
			docs[id] = vs
		}
		if step%50 != 0 {
			continue
		}
		for range 20 {
			lo, hi := value(), value()
			loEx, hiEx := r.IntN(2) == 0, r.IntN(2) == 0
			in := func(v float64) bool {
				return (v > lo || (!loEx && v == lo)) && (v < hi || (!hiEx && v == hi))
			}
			var want []uint32
			for id, vs := range docs {
				if slices.ContainsFunc(vs, in) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			got := n.rng(lo, hi, loEx, hiEx).ToArray()
			if n.multi == 0 {
				require.Equal(t, uint64(len(want)), n.countRange(lo, hi, loEx, hiEx))
			}
			require.Equal(t, len(want), len(got), "step %d [%v %v] ex %v %v", step, lo, hi, loEx, hiEx)
			if len(want) > 0 {
				require.Equal(t, want, got, "step %d [%v %v] ex %v %v", step, lo, hi, loEx, hiEx)
			}
		}
		// A walk offers, a leaf at a time, documents whose first values are the best: every
		// document it leaves out ranks after every one it offers.
		for _, desc := range []bool{false, true} {
			want := 1 + r.IntN(30)
			offered := map[uint32]float64{}
			ok := n.walk(nil, nil, math.Inf(-1), math.Inf(1), want, desc, func(id uint32, v float64) {
				require.NotContains(t, offered, id, "offered twice")
				require.Equal(t, docs[id][0], v, "the first value")
				offered[id] = v
			})
			require.Equal(t, len(docs) >= want, ok, "walk reports whether it filled the page")
			if !ok {
				require.Empty(t, offered)
				continue
			}
			require.GreaterOrEqual(t, len(offered), want)
			worst := math.Inf(-1)
			if desc {
				worst = math.Inf(1)
			}
			for _, v := range offered {
				if (cmp.Compare(v, worst) > 0) != desc && v != worst {
					worst = v
				}
			}
			for id, vs := range docs {
				if _, in := offered[id]; in {
					continue
				}
				if desc {
					require.Less(t, vs[0], worst, "doc %d left out but ranks with the offered", id)
				} else {
					require.Greater(t, vs[0], worst, "doc %d left out but ranks with the offered", id)
				}
			}
		}
	}
}
