package vectors

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTopKSorted checks that topK keeps the k nearest of what it is offered and returns
// them nearest first, ties by id, whatever the order of the offers: distances are drawn
// from a few values so that many tie.
func TestTopKSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 300 {
		n := rng.IntN(60)
		k := 1 + rng.IntN(20)
		all := make([]Result, n)
		for i := range all {
			all[i] = Result{ID: uint32(i), Dist: float32(rng.IntN(8))}
		}
		rng.Shuffle(n, func(i, j int) { all[i], all[j] = all[j], all[i] })
		top := newTopK(k)
		for _, r := range all {
			top.offer(r)
		}
		want := slices.Clone(all)
		slices.SortFunc(want, compareResults)
		want = want[:min(k, n)]
		got := top.sorted()
		if len(want) == 0 {
			require.Empty(t, got, "trial %d", trial)
			continue
		}
		require.Equal(t, want, got, "trial %d: n %d, k %d", trial, n, k)
		// The heap itself is left as it was: more offers still work.
		top.offer(Result{ID: 1000, Dist: -1})
		require.Equal(t, Result{ID: 1000, Dist: -1}, top.sorted()[0], "trial %d", trial)
	}
}
