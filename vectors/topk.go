package vectors

import (
	"cmp"
	"iter"
	"slices"
)

// Result is one id found, with its distance to the query.
type Result struct {
	ID   uint32
	Dist float32
}

// resultLess orders results nearest first, ties by id, so that answers do not depend on
// the order in which vectors were stored.
func resultLess(a, b Result) bool {
	if a.Dist != b.Dist {
		return a.Dist < b.Dist
	}
	return a.ID < b.ID
}

func compareResults(a, b Result) int {
	if c := cmp.Compare(a.Dist, b.Dist); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// resultHeap is a binary heap of results whose root is the nearest (far false) or the
// farthest (far true), written out rather than through container/heap, whose interface
// boxes every push.
type resultHeap struct {
	h   []Result
	far bool
}

// above reports whether a belongs nearer the root than b.
func (q *resultHeap) above(a, b Result) bool {
	if q.far {
		return resultLess(b, a)
	}
	return resultLess(a, b)
}

func (q *resultHeap) len() int { return len(q.h) }

func (q *resultHeap) push(r Result) {
	q.h = append(q.h, r)
	for i := len(q.h) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.above(q.h[i], q.h[p]) {
			break
		}
		q.h[i], q.h[p] = q.h[p], q.h[i]
		i = p
	}
}

// pop removes and returns the root.
func (q *resultHeap) pop() Result {
	root := q.h[0]
	last := len(q.h) - 1
	q.h[0] = q.h[last]
	q.h = q.h[:last]
	q.down()
	return root
}

// down moves the root to its place.
func (q *resultHeap) down() {
	n := len(q.h)
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && q.above(q.h[c+1], q.h[c]) {
			c++
		}
		if !q.above(q.h[c], q.h[i]) {
			return
		}
		q.h[i], q.h[c] = q.h[c], q.h[i]
		i = c
	}
}

// topK keeps the k nearest results offered: a heap whose root is the farthest kept.
type topK struct {
	k int
	q resultHeap // far
}

func newTopK(k int) *topK { return &topK{k: k, q: resultHeap{far: true}} }

// full reports whether k results are kept.
func (t *topK) full() bool { return len(t.q.h) >= t.k }

// worst is the farthest kept result; only when full.
func (t *topK) worst() Result { return t.q.h[0] }

func (t *topK) offer(r Result) {
	if len(t.q.h) < t.k {
		t.q.push(r)
		return
	}
	if resultLess(r, t.q.h[0]) {
		t.q.h[0] = r
		t.q.down()
	}
}

// sorted returns the kept results, nearest first: a heapsort of a copy of the heap, whose
// root, the farthest, goes to the end each step (cheaper than a general sort through a
// comparison function, on a search's path).
func (t *topK) sorted() []Result {
	all := slices.Clone(t.q.h)
	out := resultHeap{h: all, far: true}
	for n := len(all) - 1; n > 0; n-- {
		all[0], all[n] = all[n], all[0]
		out.h = all[:n]
		out.down()
	}
	return all
}

// nearestAmong keeps the k nearest of ids by the distances an index reports.
func nearestAmong(distances func([]float32, iter.Seq[uint32], func(uint32, float32, bool)), q []float32,
	ids iter.Seq[uint32], k int) []Result {
	if k <= 0 {
		return nil
	}
	top := newTopK(k)
	distances(q, ids, func(id uint32, d float32, ok bool) {
		if ok {
			top.offer(Result{id, d})
		}
	})
	return top.sorted()
}
