package server

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"darner/engine"
)

// BenchmarkFTSearchKNN runs FT.SEARCH idx "*=>[KNN 10 @v $q EF_RUNTIME 24]" PARAMS 2 q
// <blob> NOCONTENT DIALECT 2 — what vecbench's server mode sends — through the dispatcher, without a
// network, over 20 000 random 128-d vectors in one shard: its time and allocations beside
// the search's own (BenchmarkHNSWSearch-like figures come from bench/vecbench) are the
// server's cost per request.
func BenchmarkFTSearchKNN(b *testing.B) {
	const n, dim = 20000, 128
	store := engine.New(engine.Options{Shards: 1})
	cfg := DefaultConfig()
	cfg.Dir = b.TempDir()
	s, err := New(cfg, store, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	store.Start()
	cl := &Client{id: -1, authed: true}
	cl.resp.Store(2)
	do := func(args ...string) []byte {
		argv := make([][]byte, len(args))
		for i, a := range args {
			argv[i] = []byte(a)
		}
		cl.w.b = cl.w.b[:0]
		s.dispatch(cl, argv)
		return cl.w.b
	}
	rng := rand.New(rand.NewPCG(1, 2))
	blob := func() string {
		v := make([]byte, 4*dim)
		for i := range dim {
			binary.LittleEndian.PutUint32(v[4*i:], math.Float32bits(float32(rng.NormFloat64())))
		}
		return string(v)
	}
	for i := range n {
		do("HSET", "doc:"+strconv.Itoa(i), "v", blob())
	}
	if r := do("FT.CREATE", "idx", "SCHEMA", "v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", strconv.Itoa(dim),
		"DISTANCE_METRIC", "L2"); string(r) != "+OK\r\n" {
		b.Fatalf("FT.CREATE: %q", r)
	}
	if !s.search.Get("idx").WaitScan(time.Minute) {
		b.Fatal("the index did not take in the documents")
	}
	queries := make([][][]byte, 64)
	for i := range queries {
		queries[i] = [][]byte{[]byte("FT.SEARCH"), []byte("idx"), []byte("*=>[KNN 10 @v $q EF_RUNTIME 24]"),
			[]byte("PARAMS"), []byte("2"), []byte("q"), []byte(blob()), []byte("NOCONTENT"), []byte("DIALECT"), []byte("2")}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		cl.w.b = cl.w.b[:0]
		s.dispatch(cl, queries[i%len(queries)])
	}
	b.StopTimer()
	if r := string(cl.w.b); !strings.HasPrefix(r, "*11\r\n:10\r\n") {
		b.Fatalf("FT.SEARCH: %.80q", r)
	}
}
