package search

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPostingAgainstSet adds (mostly in order, sometimes below the last id) and removes ids,
// across the switch from slice to bitmap, and checks every read against a plain set.
func TestPostingAgainstSet(t *testing.T) {
	old := postingSmallMax
	postingSmallMax = 16
	t.Cleanup(func() { postingSmallMax = old })
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 50 {
		var p posting
		set := map[uint32]bool{}
		next := uint32(0)
		for range r.IntN(100) {
			switch r.IntN(4) {
			case 0, 1:
				next += uint32(1 + r.IntN(3))
				p.add(next)
				set[next] = true
			case 2:
				id := uint32(r.IntN(int(next) + 1)) // below the last: an id handed out again
				p.add(id)
				set[id] = true
			case 3:
				id := uint32(r.IntN(int(next) + 1))
				p.remove(id)
				delete(set, id)
			}
		}
		var want []uint32
		for id := range set {
			want = append(want, id)
		}
		slices.Sort(want)
		require.Equal(t, len(want) == 0, p.empty(), "round %d", round)
		require.EqualValues(t, len(want), p.card(), "round %d", round)
		require.Equal(t, len(want), int(p.bitmap().GetCardinality()), "round %d", round)
		if len(want) > 0 {
			require.Equal(t, want, p.bitmap().ToArray(), "round %d", round)
		}
		out := p.bitmap()
		out.Clear()
		out.Add(1 << 30)
		p.orInto(out)
		require.Equal(t, append(slices.Clone(want), 1<<30), out.ToArray(), "round %d", round)
		// The iterator, with skips.
		var got []uint32
		it := p.iterator()
		for it.HasNext() {
			if r.IntN(3) == 0 {
				it.AdvanceIfNeeded(it.PeekNext() + uint32(r.IntN(4)))
				continue
			}
			got = append(got, it.Next())
		}
		for _, id := range got {
			require.True(t, set[id], "round %d: iterator gave %d", round, id)
		}
		require.True(t, slices.IsSorted(got), "round %d", round)
	}
}
