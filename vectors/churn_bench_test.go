package vectors

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkHNSWChurn measures what deletes do to a graph: six seeded clustered graphs of
// 4 000 × 32 per metric (M 16, EF_CONSTRUCTION 100), 30 % of the vectors deleted and
// inserted again under new ids, then recall@10 at ef 20 and 24 over 500 queries against
// FLAT; and the time of a delete. One iteration is the whole measurement:
//
//	go test -run '^$' -bench HNSWChurn -benchtime 1x ./vectors/
func BenchmarkHNSWChurn(b *testing.B) {
	const n, dim, k, seeds = 4000, 32, 10, 6
	for range b.N {
		for _, m := range []Metric{L2, IP, Cosine} {
			hits := map[int]float64{}
			var del time.Duration
			deletes := 0
			for seed := uint64(1); seed <= seeds; seed++ {
				r := rand.New(rand.NewPCG(uint64(m)+11+seed*100, 3))
				all := clustered(r, n+500, dim, 16)
				data, queries := all[:n], all[n:]
				flat := NewFlat(dim, m)
				h := NewHNSW(dim, m, HNSWOptions{M: 16, EFConstruction: 100, Seed: seed})
				for i, v := range data {
					flat.Add(uint32(i), v)
					h.Add(uint32(i), v)
				}
				churn(r, data, flat, h, func(id uint32) {
					t0 := time.Now()
					h.Delete(id)
					del += time.Since(t0)
					deletes++
				})
				for _, ef := range []int{20, 24} {
					var exact, approx [][]Result
					for _, q := range queries {
						exact = append(exact, flat.Search(q, k, nil))
						approx = append(approx, h.Search(q, k, ef, nil))
					}
					hits[ef] += recall(exact, approx) / seeds
				}
			}
			b.ReportMetric(hits[20], m.String()+"-recall@ef20")
			b.ReportMetric(hits[24], m.String()+"-recall@ef24")
			b.ReportMetric(float64(del.Microseconds())/float64(deletes), m.String()+"-µs/delete")
		}
	}
}
