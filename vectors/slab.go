package vectors

import (
	"sync/atomic"
	"unsafe"
)

// slab hands out the storage blocks of a large HNSW graph from memory mapped outside Go's
// heap, in mappings aligned to and advised as transparent huge pages (2 MiB) where the
// system has them. A search visits nodes at random over the whole graph, so with 4 KiB
// pages nearly every vector and link list it reads is also a TLB miss; with huge pages a
// 100 000 × 128 graph spans 33 pages, all in the TLB, and searches measured 5–16 % more
// queries a second (bench/RESULTS.md). Go's own heap cannot be advised reliably: it
// reuses pages already faulted in at 4 KiB.
//
// A mapping's pages take memory only once written, so a part-used mapping costs at most
// one huge page beyond what it holds. The blocks hold no Go pointers, so the collector need
// not see them. They live until free, which the HNSW's cleanup calls once the graph is
// unreachable.
type slab struct {
	maps [][]byte // every mapping, for free
	rest []byte   // the unused end of the last mapping
}

// slabChunk is the least a mapping holds: a few blocks, so that blocks of vectors and of
// links alternate within the same huge pages.
const slabChunk = 16 << 20

// mappedBytes is the memory mapped by every live slab, for INFO and the benchmarks: it is
// outside what runtime.MemStats counts.
var mappedBytes atomic.Int64

// MappedBytes is how much memory the indexes hold outside Go's heap (see slab).
func MappedBytes() int64 { return mappedBytes.Load() }

// take is n bytes of zeroed storage, 64-byte aligned.
func (sl *slab) take(n int) []byte {
	n = (n + 63) &^ 63
	if len(sl.rest) < n {
		m := mapHuge(max(n, slabChunk))
		sl.maps = append(sl.maps, m)
		mappedBytes.Add(int64(len(m)))
		sl.rest = m
	}
	b := sl.rest[:n:n]
	sl.rest = sl.rest[n:]
	return b
}

// free unmaps every mapping: nothing may use the blocks after.
func (sl *slab) free() {
	for _, m := range sl.maps {
		mappedBytes.Add(-int64(len(m)))
		unmap(m)
	}
	sl.maps, sl.rest = nil, nil
}

func float32s(b []byte) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}

func int32s(b []byte) []int32 {
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}
