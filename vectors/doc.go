// Package vectors stores vectors and finds the nearest ones. It holds the element types a
// vector field may declare (FLOAT32, FLOAT64, FLOAT16, BFLOAT16) and their little-endian
// encodings, the distance metrics (L2, IP, COSINE, reported as RediSearch reports them),
// and the indexes: FLAT, an exact scan over contiguous storage, and HNSW, a graph written
// here. Dot products run on github.com/viterin/vek (SIMD float32); squared L2 has its own
// AVX2/FMA kernel (l2_amd64.s), as vek's Distance takes an inexact square root; the same
// file has the prefetch an HNSW search step uses to ask for its neighbours' vectors before
// it measures them. Every type is converted to float32 when stored. A large HNSW graph keeps
// its vectors and links in memory it maps itself, on huge pages (slab.go), outside Go's heap.
// A graph can be saved and loaded whole (hnsw_save.go), loading at disk or memory speed
// instead of building again, and moved onto other ids (hnsw_relabel.go).
//
// It knows nothing of Redis, keys or queries: callers give each vector a uint32 id (a
// document may have several vectors under one id) and get ids and distances back. An index
// is not safe for concurrent use by itself: searches may run together, changes need
// exclusive access, which the caller's locks provide.
package vectors
