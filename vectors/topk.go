package vectors

import (
	"cmp"
	"container/heap"
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

// topK keeps the k nearest results offered: a heap whose root is the farthest kept.
type topK struct {
	k int
	h []Result
}

func (t *topK) Len() int           { return len(t.h) }
func (t *topK) Less(i, j int) bool { return resultLess(t.h[j], t.h[i]) }
func (t *topK) Swap(i, j int)      { t.h[i], t.h[j] = t.h[j], t.h[i] }
func (t *topK) Push(x any)         { t.h = append(t.h, x.(Result)) }
func (t *topK) Pop() any {
	x := t.h[len(t.h)-1]
	t.h = t.h[:len(t.h)-1]
	return x
}

// full reports whether k results are kept.
func (t *topK) full() bool { return len(t.h) >= t.k }

func (t *topK) offer(r Result) {
	if len(t.h) < t.k {
		heap.Push(t, r)
		return
	}
	if resultLess(r, t.h[0]) {
		t.h[0] = r
		heap.Fix(t, 0)
	}
}

// sorted returns the kept results, nearest first.
func (t *topK) sorted() []Result {
	out := slices.Clone(t.h)
	slices.SortFunc(out, compareResults)
	return out
}
