package search

import (
	"os"
	"strconv"
	"testing"

	"darner/engine"
)

// benchIndex loads n generated documents into a one-shard store with an index over them.
func benchIndex(b testing.TB, n int) (*engine.Store, *Registry, *Index) {
	b.Helper()
	store, r, idx := newTestIndex(b, 1, "PREFIX 1 doc: "+benchSchema)
	gen := newBenchDocs()
	tx := store.BeginAll(true)
	v := tx.ShardView(0, 0)
	for i := range n {
		v.Set("doc:"+strconv.Itoa(i), gen.next(), false)
	}
	tx.End()
	return store, r, idx
}

// BenchmarkSearch runs each query class over 200 000 documents, or as many as
// DARNER_BENCH_DOCS says.
func BenchmarkSearch(b *testing.B) {
	n := 200000
	if s := os.Getenv("DARNER_BENCH_DOCS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	store, r, idx := benchIndex(b, n)
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
