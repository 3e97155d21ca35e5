package vectors

import (
	"iter"
	"slices"
)

// Flat is the exact index: every vector in one contiguous []float32, scanned in full by a
// search. A vector is stored prepared for the metric (normalized for COSINE). Deleting moves
// the last vector into the hole, so the storage stays dense and its memory is reused.
type Flat struct {
	dim    int
	metric Metric
	data   []float32 // slot s is data[s*dim : (s+1)*dim]
	owner  []uint32  // by slot: the id the vector belongs to
	first  []int32   // by id: its first vector's slot, or -1
	more   map[uint32][]int32
	ids    int // ids with at least one vector
}

// NewFlat makes an empty FLAT index of vectors of dim elements compared by m.
func NewFlat(dim int, m Metric) *Flat {
	return &Flat{dim: dim, metric: m, more: map[uint32][]int32{}}
}

// Len is the number of vectors stored.
func (f *Flat) Len() int { return len(f.owner) }

// IDs is the number of ids with a vector.
func (f *Flat) IDs() int { return f.ids }

// MemoryBytes is what the index holds: the vectors and their bookkeeping.
func (f *Flat) MemoryBytes() int {
	n := 4*cap(f.data) + 4*cap(f.owner) + 4*cap(f.first)
	for _, s := range f.more {
		n += 16 + 4*cap(s)
	}
	return n
}

// Add stores v (of Dim elements; copied) as one more vector of id.
func (f *Flat) Add(id uint32, v []float32) {
	if len(v) != f.dim {
		panic("vectors: Add of a vector of the wrong dimension")
	}
	slot := int32(len(f.owner))
	f.data = append(f.data, v...)
	f.metric.Prepare(f.data[len(f.data)-f.dim:])
	f.owner = append(f.owner, id)
	for int(id) >= len(f.first) {
		f.first = append(f.first, -1)
	}
	if f.first[id] < 0 {
		f.first[id] = slot
		f.ids++
	} else {
		f.more[id] = append(f.more[id], slot)
	}
}

// Has reports whether id has a vector.
func (f *Flat) Has(id uint32) bool { return int(id) < len(f.first) && f.first[id] >= 0 }

// Delete removes every vector of id.
func (f *Flat) Delete(id uint32) {
	if !f.Has(id) {
		return
	}
	slots := append([]int32{f.first[id]}, f.more[id]...)
	f.first[id] = -1
	delete(f.more, id)
	f.ids--
	// Free the highest slots first, so that a slot moved into a hole is never one that is
	// about to be freed.
	slices.Sort(slots)
	for i := len(slots) - 1; i >= 0; i-- {
		f.free(slots[i])
	}
}

// free fills slot with the last vector and drops the last slot.
func (f *Flat) free(slot int32) {
	last := int32(len(f.owner) - 1)
	if slot != last {
		moved := f.owner[last]
		copy(f.data[int(slot)*f.dim:int(slot+1)*f.dim], f.data[int(last)*f.dim:])
		f.owner[slot] = moved
		if f.first[moved] == last {
			f.first[moved] = slot
		} else {
			s := f.more[moved]
			s[slices.Index(s, last)] = slot
		}
	}
	f.owner = f.owner[:last]
	f.data = f.data[:int(last)*f.dim]
}

// prepared returns q in the metric's form: a normalized copy for COSINE, q itself otherwise
// (searches never write to it, so they can run together).
func prepared(m Metric, q []float32) []float32 {
	if m != Cosine {
		return q
	}
	p := slices.Clone(q)
	m.Prepare(p)
	return p
}

// Search returns the k ids nearest to q (of Dim elements) among those accept takes (nil:
// all), nearest first; an id's distance is that of its nearest vector.
func (f *Flat) Search(q []float32, k int, accept func(id uint32) bool) []Result {
	if k <= 0 || len(f.owner) == 0 {
		return nil
	}
	q = prepared(f.metric, q)
	top := newTopK(k)
	if len(f.more) == 0 {
		for s, id := range f.owner {
			if accept != nil && !accept(id) {
				continue
			}
			d := f.metric.Distance(q, f.data[s*f.dim:(s+1)*f.dim])
			if !top.full() || d <= top.worst().Dist {
				top.offer(Result{id, d})
			}
		}
		return top.sorted()
	}
	for _, r := range f.nearestByID(q, accept) {
		top.offer(r)
	}
	return top.sorted()
}

// Range returns every id accept takes (nil: all) with a vector within radius of q, nearest
// first.
func (f *Flat) Range(q []float32, radius float32, accept func(id uint32) bool) []Result {
	q = prepared(f.metric, q)
	var out []Result
	for _, r := range f.nearestByID(q, accept) {
		if r.Dist <= radius {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, compareResults)
	return out
}

// nearestByID is each accepted id's distance to q: that of its nearest vector.
func (f *Flat) nearestByID(q []float32, accept func(id uint32) bool) []Result {
	var out []Result
	var at map[uint32]int // for ids of several vectors: their place in out
	for s, id := range f.owner {
		if accept != nil && !accept(id) {
			continue
		}
		d := f.metric.Distance(q, f.data[s*f.dim:(s+1)*f.dim])
		if _, multi := f.more[id]; !multi {
			out = append(out, Result{id, d})
			continue
		}
		if at == nil {
			at = map[uint32]int{}
		}
		if i, ok := at[id]; ok {
			out[i].Dist = min(out[i].Dist, d)
			continue
		}
		at[id] = len(out)
		out = append(out, Result{id, d})
	}
	return out
}

// Distance is id's distance to q (that of its nearest vector); ok is false when id has none.
func (f *Flat) Distance(id uint32, q []float32) (d float32, ok bool) {
	return f.distance(id, prepared(f.metric, q))
}

// Distances calls fn with each of ids and its distance to q (ok false when it has no
// vector), q prepared once for all of them.
func (f *Flat) Distances(q []float32, ids iter.Seq[uint32], fn func(id uint32, d float32, ok bool)) {
	q = prepared(f.metric, q)
	for id := range ids {
		d, ok := f.distance(id, q)
		fn(id, d, ok)
	}
}

// NearestAmong returns the k of ids nearest to q, nearest first (ids without a vector left
// out): an exact search over a given set.
func (f *Flat) NearestAmong(q []float32, ids iter.Seq[uint32], k int) []Result {
	return nearestAmong(f.Distances, q, ids, k)
}

// distance is Distance for a prepared q.
func (f *Flat) distance(id uint32, q []float32) (d float32, ok bool) {
	if !f.Has(id) {
		return 0, false
	}
	s := int(f.first[id])
	d = f.metric.Distance(q, f.data[s*f.dim:(s+1)*f.dim])
	for _, s := range f.more[id] {
		d = min(d, f.metric.Distance(q, f.data[int(s)*f.dim:int(s+1)*f.dim]))
	}
	return d, true
}
