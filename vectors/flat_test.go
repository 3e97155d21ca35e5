package vectors

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDistances(t *testing.T) {
	a, b := []float32{1, 2, 3}, []float32{4, 6, 3}
	require.InDelta(t, 25, L2.Distance(a, b), 1e-5) // 3² + 4², squared as RediSearch reports
	require.InDelta(t, 1-(4+12+9), IP.Distance(a, b), 1e-5)
	ca, cb := slices.Clone(a), slices.Clone(b)
	Cosine.Prepare(ca)
	Cosine.Prepare(cb)
	want := 1 - 25/(math.Sqrt(14)*math.Sqrt(61))
	require.InDelta(t, want, Cosine.Distance(ca, cb), 1e-6)
	zero := []float32{0, 0, 0}
	Cosine.Prepare(zero)
	require.Equal(t, []float32{0, 0, 0}, zero, "a zero vector stays zero")
	require.InDelta(t, 1, Cosine.Distance(zero, ca), 1e-6)
}

// refDistance is the metric computed plainly in float64, for the reference scan.
func refDistance(m Metric, a, b []float32) float64 {
	var dot, na, nb, l2 float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
		l2 += (x - y) * (x - y)
	}
	switch m {
	case L2:
		return l2
	case IP:
		return 1 - dot
	}
	if na == 0 || nb == 0 {
		return 1
	}
	return 1 - dot/math.Sqrt(na*nb)
}

// TestFlatAgainstScan stores vectors (some ids with several), deletes and re-adds a share of
// them, and checks Search, Range and Distance against a plain scan of what each id holds.
func TestFlatAgainstScan(t *testing.T) {
	const dim = 24
	for _, m := range []Metric{L2, IP, Cosine} {
		r := rand.New(rand.NewPCG(uint64(m)+1, 9))
		f := NewFlat(dim, m)
		held := map[uint32][][]float32{}
		vec := func() []float32 {
			v := make([]float32, dim)
			for i := range v {
				v[i] = float32(r.NormFloat64())
			}
			return v
		}
		for step := range 3000 {
			id := uint32(r.IntN(400))
			switch {
			case r.IntN(5) == 0:
				f.Delete(id)
				delete(held, id)
			default:
				v := vec()
				f.Add(id, v)
				held[id] = append(held[id], v)
			}
			if step%500 != 499 {
				continue
			}
			require.Equal(t, len(held), f.IDs())
			n := 0
			for _, vs := range held {
				n += len(vs)
			}
			require.Equal(t, n, f.Len())
			for range 5 {
				q := vec()
				even := func(id uint32) bool { return id%2 == 0 }
				var ref []Result
				for id, vs := range held {
					d := math.Inf(1)
					for _, v := range vs {
						d = min(d, refDistance(m, q, v))
					}
					ref = append(ref, Result{id, float32(d)})
				}
				slices.SortFunc(ref, compareResults)
				k := 1 + r.IntN(20)
				got := f.Search(q, k, nil)
				require.Len(t, got, min(k, len(ref)))
				for i := range got {
					// Ranks agree up to float32 rounding: the distance at each rank matches.
					require.InDelta(t, ref[i].Dist, got[i].Dist, 1e-3*max(1, math.Abs(float64(ref[i].Dist))), "%s rank %d", m, i)
					d, ok := f.Distance(got[i].ID, q)
					require.True(t, ok)
					require.Equal(t, got[i].Dist, d)
				}
				filtered := f.Search(q, k, even)
				for _, res := range filtered {
					require.Zero(t, res.ID%2, "the filter is applied")
				}
				evens := func(yield func(uint32) bool) {
					for id := uint32(0); id < 400; id += 2 {
						if !yield(id) {
							return
						}
					}
				}
				require.Equal(t, filtered, f.NearestAmong(q, evens, k), "an exact search over a set is the filtered scan")
				radius := ref[len(ref)/3].Dist
				inRange := f.Range(q, radius, nil)
				for _, res := range inRange {
					require.LessOrEqual(t, res.Dist, radius)
				}
				require.InDelta(t, len(ref)/3+1, len(inRange), 2, "%s: ids within the radius", m)
			}
		}
		for id := range held {
			f.Delete(id)
		}
		require.Zero(t, f.Len())
		require.Zero(t, f.IDs())
		require.Empty(t, f.Search(vec(), 5, nil))
	}
}

// The L2 kernel (assembly where the CPU has AVX2 and FMA) agrees with a float64 sum for
// every length around its block sizes, and is exact on small integers.
func TestL2Kernel(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for n := range 80 {
		a, b := make([]float32, n), make([]float32, n)
		var want float64
		for i := range a {
			a[i], b[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
			d := float64(a[i]) - float64(b[i])
			want += d * d
		}
		require.InDelta(t, want, float64(l2sq(a, b)), 1e-5*max(1, want), "n = %d", n)
		require.InDelta(t, want, float64(l2sqGo(a, b)), 1e-5*max(1, want), "n = %d", n)
	}
	for _, c := range []struct {
		a, b []float32
		want float32
	}{{[]float32{0, 1}, []float32{0, 0}, 1}, {[]float32{0, 3}, []float32{0, 0}, 9}, {[]float32{5, 5}, []float32{0, 0}, 50}} {
		require.Equal(t, c.want, L2.Distance(c.a, c.b))
	}
	long := make([]float32, 1536)
	for i := range long {
		long[i] = 1
	}
	require.Equal(t, float32(1536), L2.Distance(long, make([]float32, 1536)))
}

func BenchmarkL2(b *testing.B) {
	for _, dim := range []int{128, 768, 1536} {
		x, y := make([]float32, dim), make([]float32, dim)
		for i := range x {
			x[i], y[i] = float32(i), float32(2*i)
		}
		b.Run(strconv.Itoa(dim), func(b *testing.B) {
			var s float32
			for range b.N {
				s += l2sq(x, y)
			}
			_ = s
		})
	}
}
