package vectors

import (
	"cmp"
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

// topK keeps the k nearest results offered: a max-heap whose root is the farthest kept
// (written out rather than through container/heap, whose interface boxes every push).
type topK struct {
	k int
	h []Result
}

// full reports whether k results are kept.
func (t *topK) full() bool { return len(t.h) >= t.k }

func (t *topK) offer(r Result) {
	if len(t.h) < t.k {
		t.h = append(t.h, r)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !resultLess(t.h[p], t.h[i]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	if !resultLess(r, t.h[0]) {
		return
	}
	t.h[0] = r
	n := len(t.h)
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && resultLess(t.h[c], t.h[c+1]) {
			c++
		}
		if !resultLess(t.h[i], t.h[c]) {
			break
		}
		t.h[i], t.h[c] = t.h[c], t.h[i]
		i = c
	}
}

// sorted returns the kept results, nearest first.
func (t *topK) sorted() []Result {
	out := slices.Clone(t.h)
	slices.SortFunc(out, compareResults)
	return out
}
