package vectors

import (
	"iter"
	"slices"
)

// What a graph loaded from a snapshot needs: its ids were the document numbers of the
// process that saved it, and the loading process numbers its documents afresh. Relabel
// moves the graph onto the new numbers (dropping what has no document any more), Holds
// tells whether a document's vector is the one the graph has, so that its insertion can be
// skipped, and IDsSeq lists the ids to save beside the graph.

// Relabel gives every id the new id to returns, or deletes its vectors when to returns
// false. The new ids must be distinct. to is called once per id.
func (h *HNSW) Relabel(to func(old uint32) (uint32, bool)) {
	type pair struct{ old, new uint32 }
	pairs := make([]pair, 0, len(h.first))
	var gone []uint32
	for id := range h.first {
		if n, ok := to(id); ok {
			pairs = append(pairs, pair{id, n})
		} else {
			gone = append(gone, id)
		}
	}
	for _, id := range gone {
		h.Delete(id)
	}
	first := make(map[uint32]int32, len(pairs))
	more := map[uint32][]int32{}
	for _, p := range pairs {
		s := h.first[p.old]
		first[p.new] = s
		h.owner[s] = p.new
		if ms, ok := h.more[p.old]; ok {
			more[p.new] = ms
			for _, m := range ms {
				h.owner[m] = p.new
			}
		}
	}
	h.first, h.more = first, more
}

// Holds reports whether id has exactly one vector and it is v (compared after the
// metric's preparation, as stored).
func (h *HNSW) Holds(id uint32, v []float32) bool {
	s, ok := h.first[id]
	if !ok || len(v) != h.dim {
		return false
	}
	if _, several := h.more[id]; several {
		return false
	}
	return slices.Equal(h.vec(s), prepared(h.metric, v))
}

// IDsSeq yields every id with a vector, in no particular order.
func (h *HNSW) IDsSeq() iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		for id := range h.first {
			if !yield(id) {
				return
			}
		}
	}
}

// Params are what the graph was made with: a loaded graph is used only for a field that
// asks for the same.
func (h *HNSW) Params() (dim int, metric Metric, m, efConstruction int) {
	return h.dim, h.metric, h.m, h.efConstruction
}
