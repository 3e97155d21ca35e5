package search

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"darner/engine"
)

// benchIndex loads n generated documents into a one-shard store with an index over them.
func benchIndex(b testing.TB, n int) (*engine.Store, *Registry, *Index) {
	b.Helper()
	store := engine.New(engine.Options{Shards: 1})
	r := NewRegistry(store)
	b.Cleanup(r.Close)
	def, err := ParseCreate("i", strings.Fields("PREFIX 1 doc: SCHEMA title TEXT category TAG tags TAG brand TAG price NUMERIC SORTABLE rating NUMERIC"))
	if err != nil {
		b.Fatal(err)
	}
	def.SkipScan = true
	if err := r.Create(def); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, 20000)
	tx := store.BeginAll(true)
	v := tx.ShardView(0, 0)
	for i := range n {
		h := engine.NewHash()
		var title []string
		for range 8 {
			title = append(title, "w"+strconv.FormatUint(zipf.Uint64(), 36))
		}
		h.Set("title", []byte(strings.Join(title, " ")))
		h.Set("category", []byte("c"+strconv.Itoa(rng.IntN(20))))
		h.Set("tags", []byte("t"+strconv.Itoa(rng.IntN(1000))+",t"+strconv.Itoa(rng.IntN(1000))))
		h.Set("brand", []byte("b"+strconv.Itoa(rng.IntN(5000))))
		h.Set("price", []byte(strconv.FormatFloat(rng.Float64()*10000, 'f', 2, 64)))
		h.Set("rating", []byte(strconv.Itoa(1+rng.IntN(5))))
		v.Set("doc:"+strconv.Itoa(i), h, false)
	}
	tx.End()
	return store, r, r.Get("i")
}

func BenchmarkSearch(b *testing.B) {
	store, r, idx := benchIndex(b, 200000)
	for _, q := range []struct {
		name string
		req  Request
	}{
		{"tag", Request{Query: "@brand:{b42}", Limit: 10}},
		{"range_sortby", Request{Query: "@price:[100 200]", SortBy: "price", Limit: 10}},
		{"wide_sortby", Request{Query: "@rating:[2 5]", SortBy: "price", SortDesc: true, Limit: 10}},
		{"range_sortby_ties", Request{Query: "@price:[1200 1300]", SortBy: "rating", SortDesc: true, Limit: 10}},
		{"term", Request{Query: "w5", Limit: 10}},
		{"and", Request{Query: "w1 w2", Limit: 10}},
		{"phrase", Request{Query: `"w1 w2"`, Limit: 10}},
		{"all_count", Request{Query: "*", Limit: 0}},
		{"all_limit10", Request{Query: "*", Limit: 10}},
	} {
		b.Run(q.name, func(b *testing.B) {
			var total int64
			for range b.N {
				tx := store.BeginAll(false)
				req := q.req
				res, err := r.Search(&tx, idx, &req)
				tx.End()
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
