package search

import (
	"iter"

	"darner/vectors"
)

// vecIndex is one VECTOR field's index in a part: FLAT or HNSW.
type vecIndex interface {
	Add(id uint32, v []float32)
	Delete(id uint32)
	Has(id uint32) bool
	Len() int
	MemoryBytes() int
	// knn finds the k ids nearest q among those accept takes (nil: all); ef widens an
	// HNSW walk.
	knn(q []float32, k, ef int, accept func(id uint32) bool) []vectors.Result
	// within finds the ids accept takes with a vector within radius of q; epsilon widens
	// an HNSW walk.
	within(q []float32, radius float32, epsilon float64, accept func(id uint32) bool) []vectors.Result
	// Distances and NearestAmong compute exact distances to q (prepared once) for the
	// given ids.
	Distances(q []float32, ids iter.Seq[uint32], fn func(id uint32, d float32, ok bool))
	NearestAmong(q []float32, ids iter.Seq[uint32], k int) []vectors.Result
}

func newVecIndex(s *VectorSpec, seed uint64) vecIndex {
	if s.Algorithm == "HNSW" {
		return hnswIndex{vectors.NewHNSW(s.Dim, s.Metric, vectors.HNSWOptions{
			M: s.M, EFConstruction: s.EFConstruction, Seed: seed})}
	}
	return flatIndex{vectors.NewFlat(s.Dim, s.Metric)}
}

type flatIndex struct{ *vectors.Flat }

func (f flatIndex) knn(q []float32, k, _ int, accept func(uint32) bool) []vectors.Result {
	return f.Search(q, k, accept)
}

func (f flatIndex) within(q []float32, r float32, _ float64, accept func(uint32) bool) []vectors.Result {
	return f.Range(q, r, accept)
}

type hnswIndex struct{ *vectors.HNSW }

func (h hnswIndex) knn(q []float32, k, ef int, accept func(uint32) bool) []vectors.Result {
	return h.Search(q, k, ef, accept)
}

func (h hnswIndex) within(q []float32, r float32, _ float64, accept func(uint32) bool) []vectors.Result {
	// An exact answer: a range query visits every vector in reach of the radius, which a
	// graph walk with a margin (EPSILON) only approximates; the ids come from the graph's
	// own scan of its nodes.
	return h.Range(q, r, accept)
}
