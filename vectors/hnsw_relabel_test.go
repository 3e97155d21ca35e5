package vectors

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// After Relabel the graph answers as before under the new ids, without the dropped ones,
// and keeps taking inserts and deletes.
func TestHNSWRelabel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	data := clustered(r, 3000, 16, 20)
	for _, metric := range []Metric{L2, Cosine} {
		h := NewHNSW(16, metric, HNSWOptions{Seed: 1})
		for i, v := range data {
			h.Add(uint32(i+1), v)
		}
		h.Add(5, data[0]) // a second vector for id 5
		queries := clustered(r, 50, 16, 20)
		before := make([][]Result, len(queries))
		for i, q := range queries {
			before[i] = h.Search(q, 10, 100, nil)
		}
		// Moved, nothing dropped: the same answers under the new ids.
		calls := 0
		h.Relabel(func(old uint32) (uint32, bool) { calls++; return old + 200000, true })
		assert.Equal(t, len(data), calls)
		for i, q := range queries {
			got := h.Search(q, 10, 100, nil)
			require.Len(t, got, len(before[i]))
			for j := range got {
				assert.Equal(t, before[i][j].ID+200000, got[j].ID)
				assert.Equal(t, before[i][j].Dist, got[j].Dist)
			}
		}
		// Dropping a third: they are gone, and the others are still found.
		h.Relabel(func(old uint32) (uint32, bool) {
			old -= 200000
			if old%3 == 0 {
				return 0, false
			}
			return old + 100000, true
		})
		assert.Equal(t, len(data)-len(data)/3, h.IDs())
		assert.False(t, h.Has(100003))
		assert.True(t, h.Has(100001))
		exact := NewFlat(16, metric)
		for i, v := range data {
			if (i+1)%3 != 0 {
				exact.Add(uint32(i+1+100000), v)
			}
		}
		var want, got [][]Result
		for _, q := range queries {
			want = append(want, exact.Search(q, 10, nil))
			got = append(got, h.Search(q, 10, 100, nil))
		}
		assert.GreaterOrEqual(t, recall(want, got), 0.95)
		// id 5 (now 100005) kept both its vectors: Holds is for ids of one vector.
		assert.False(t, h.Holds(100005, data[4]))
		assert.True(t, h.Holds(100002, data[1]))
		assert.False(t, h.Holds(100002, data[2]))
		h.Delete(100002)
		h.Add(7, data[1])
		assert.True(t, h.Holds(7, data[1]))
		n := 0
		for range h.IDsSeq() {
			n++
		}
		assert.Equal(t, h.IDs(), n)
	}
}
