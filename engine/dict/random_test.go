package dict

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRandomEmpty(t *testing.T) {
	var zero Dict[int]
	emptied := New[int](0)
	emptied.Set("a", 1)
	emptied.Delete("a")
	cleared := New[int](0)
	cleared.Set("a", 1)
	cleared.Clear()
	for name, d := range map[string]*Dict[int]{"zero": &zero, "emptied": emptied, "cleared": cleared} {
		t.Run(name, func(t *testing.T) {
			_, _, ok := d.Random(nil)
			assert.False(t, ok)
		})
	}
}

// randomDict builds a dict of n keys, optionally left in the middle of a grow or a shrink.
func randomDict(t *testing.T, n int, mid string) *Dict[int] {
	d := New[int](0)
	switch mid {
	case "":
		for i := range n {
			d.Set(key(i), i)
		}
		finishRehash(d)
	case "grow":
		// Stop at the first rehash past n keys, with a few old buckets moved.
		for i := 0; i < n || !d.Rehashing(); i++ {
			d.Set(key(i), i)
		}
		d.RehashStep(len(d.ht[0].buckets) / 8)
		require.True(t, d.Rehashing())
	case "shrink":
		for i := range 16 * n {
			d.Set(key(i), i)
		}
		finishRehash(d)
		for i := 16*n - 1; i >= n; i-- {
			d.Delete(key(i))
		}
		require.True(t, d.Rehashing())
	}
	return d
}

func TestRandomReturnsExistingKeys(t *testing.T) {
	for _, mid := range []string{"", "grow", "shrink"} {
		t.Run("mid="+mid, func(t *testing.T) {
			d := randomDict(t, 500, mid)
			r := rand.New(rand.NewPCG(1, 2))
			for range 2000 {
				k, v, ok := d.Random(r)
				require.True(t, ok)
				got, found := d.Get(k)
				require.True(t, found, "Random returned absent key %q", k)
				require.Same(t, got, v)
			}
		})
	}
}

func TestRandomCoversSmallDict(t *testing.T) {
	tests := []struct {
		name string
		n    int
		mid  string
		src  rand.Source
	}{
		{"1 key", 1, "", rand.NewPCG(3, 4)},
		{"20 keys", 20, "", rand.NewPCG(3, 4)},
		{"20 keys mid grow", 20, "grow", rand.NewPCG(5, 6)},
		{"20 keys mid shrink", 20, "shrink", rand.NewChaCha8([32]byte{7})},
		{"20 keys global source", 20, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := randomDict(t, tt.n, tt.mid)
			want := d.Len()
			seen := map[string]int{}
			for draws := 0; len(seen) < want; draws++ {
				require.Less(t, draws, 100*want, "not every key drawn; saw %d of %d", len(seen), want)
				k, _, ok := d.Random(tt.src)
				require.True(t, ok)
				seen[k]++
			}
			for k := range seen {
				_, ok := d.Get(k)
				assert.True(t, ok, k)
			}
		})
	}
}

// TestRandomSparseTable draws from a table that deletes left nearly empty while a shrink was
// in progress, where most probes hit empty buckets.
func TestRandomSparseTable(t *testing.T) {
	d := New[int](0)
	for i := range 4096 {
		d.Set(key(i), i)
	}
	finishRehash(d)
	for i := 1; i < 4096; i++ {
		d.Delete(key(i))
	}
	require.Equal(t, 1, d.Len())
	for range 50 {
		k, v, ok := d.Random(nil)
		require.True(t, ok)
		assert.Equal(t, key(0), k)
		assert.Equal(t, 0, *v)
	}
}
