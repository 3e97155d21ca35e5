package search

import (
	"math"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
)

// numIndex is one NUMERIC field's index in a part: a range tree in the manner of
// RediSearch's, flattened to one level. The values are split into leaves by value range,
// each holding its entries unordered and a bitmap of their documents, found by a binary
// search over the leaves' lower bounds. A value is added by appending it to its leaf (a
// leaf that grows past numLeafMax is sorted and split in two); a range is the union of the
// bitmaps of the leaves inside it and the entries of the (at most two) leaves at its ends
// that fall in it; an ordered walk takes leaves in order. Each document's first value is
// also kept by doc id, which SORTBY reads.
type numIndex struct {
	bounds []float64  // bounds[i] is leaf i's lower bound (bounds[0] = -inf); leaf i holds [bounds[i], bounds[i+1])
	leaves []*numLeaf // in value order
	first  []float64  // by doc id; NaN for a document without a value
	multi  int        // documents with more than one value
}

// numLeaf holds the entries of one value range. While all its entries have one value
// (minV == maxV; common for a field of few distinct values) it keeps only their documents,
// so that a leaf of a hundred thousand equal values takes and drops one in constant time.
type numLeaf struct {
	minV, maxV float64         // the smallest and largest value held; meaningless when empty
	docs       *roaring.Bitmap // documents with a value here
	ents       []numEntry      // the entries, unordered; nil while single
	single     bool            // every entry has the value minV; the entries are docs
}

// numEntry is one value of a NUMERIC field.
type numEntry struct {
	v  float64
	id uint32
}

// numLeafMax is the number of entries past which a leaf of several values is split.
var numLeafMax = 1024

func newNumIndex() *numIndex {
	return &numIndex{bounds: []float64{math.Inf(-1)}, leaves: []*numLeaf{{docs: roaring.New()}}}
}

func (l *numLeaf) empty() bool { return l.docs.IsEmpty() }

// leafOf is the index of the leaf whose range holds v.
func (n *numIndex) leafOf(v float64) int {
	return sort.Search(len(n.bounds), func(i int) bool { return n.bounds[i] > v }) - 1
}

func (n *numIndex) add(id uint32, vs []float64) {
	for _, v := range vs {
		n.insert(v, id)
	}
	if len(vs) > 1 {
		n.multi++
	}
	for int(id) >= len(n.first) {
		n.first = append(n.first, math.NaN())
	}
	if len(vs) > 0 {
		n.first[id] = vs[0]
	}
}

func (n *numIndex) insert(v float64, id uint32) {
	i := n.leafOf(v)
	l := n.leaves[i]
	switch {
	case l.empty():
		l.minV, l.maxV, l.single, l.ents = v, v, true, nil
	case l.single && v == l.minV:
	default:
		if l.single {
			l.unpack()
		}
		l.ents = append(l.ents, numEntry{v, id})
		l.minV, l.maxV = min(l.minV, v), max(l.maxV, v)
	}
	l.docs.Add(id)
	if !l.single && len(l.ents) > numLeafMax {
		n.split(i)
	}
}

// unpack turns a single leaf's documents into entries.
func (l *numLeaf) unpack() {
	l.ents = make([]numEntry, 0, l.docs.GetCardinality()+1)
	it := l.docs.Iterator()
	for it.HasNext() {
		l.ents = append(l.ents, numEntry{l.minV, it.Next()})
	}
	l.single = false
}

// split divides leaf i at a value near its median, so that equal values stay together; a
// leaf of one value cannot be split and becomes single.
func (n *numIndex) split(i int) {
	l := n.leaves[i]
	slices.SortFunc(l.ents, func(a, b numEntry) int {
		if a.v != b.v {
			if a.v < b.v {
				return -1
			}
			return 1
		}
		return int(a.id) - int(b.id)
	})
	mid := l.ents[len(l.ents)/2].v
	k := sort.Search(len(l.ents), func(j int) bool { return l.ents[j].v >= mid })
	if k == 0 {
		k = sort.Search(len(l.ents), func(j int) bool { return l.ents[j].v > mid })
	}
	if k == len(l.ents) {
		l.single, l.ents = true, nil // one value: its documents are its entries
		return
	}
	left, right := newLeaf(l.ents[:k]), newLeaf(l.ents[k:])
	n.leaves = slices.Insert(n.leaves, i+1, right)
	n.leaves[i] = left
	n.bounds = slices.Insert(n.bounds, i+1, l.ents[k].v)
}

// newLeaf makes a leaf of sorted entries.
func newLeaf(ents []numEntry) *numLeaf {
	l := &numLeaf{minV: ents[0].v, maxV: ents[len(ents)-1].v, docs: roaring.New()}
	ids := make([]uint32, len(ents))
	for j, e := range ents {
		ids[j] = e.id
	}
	slices.Sort(ids)
	l.docs.AddMany(ids)
	if l.minV == l.maxV {
		l.single = true
	} else {
		l.ents = slices.Clone(ents)
	}
	return l
}

// remove takes document id's values, all of them, out.
func (n *numIndex) remove(id uint32, vs []float64) {
	for _, v := range vs {
		l := n.leaves[n.leafOf(v)]
		if l.single {
			l.docs.Remove(id)
			continue
		}
		j := slices.Index(l.ents, numEntry{v, id})
		if j < 0 {
			continue // a repeated value, gone with the first
		}
		last := len(l.ents) - 1
		l.ents[j] = l.ents[last]
		l.ents = l.ents[:last]
		l.docs.Remove(id) // vs is all the document's values: none of them stays
	}
	if len(vs) > 1 {
		n.multi--
	}
	if int(id) < len(n.first) {
		n.first[id] = math.NaN()
	}
}

// firstValue is document id's first value; ok is false when it has none.
func (n *numIndex) firstValue(id uint32) (float64, bool) {
	if int(id) >= len(n.first) || math.IsNaN(n.first[id]) {
		return 0, false
	}
	return n.first[id], true
}

// rng returns the documents with a value in [lo, hi], each bound exclusive if asked: the
// union of the leaves that lie inside, and the entries of those that straddle a bound.
func (n *numIndex) rng(lo, hi float64, loEx, hiEx bool) *roaring.Bitmap {
	in := func(v float64) bool {
		return (v > lo || (!loEx && v == lo)) && (v < hi || (!hiEx && v == hi))
	}
	var whole []*roaring.Bitmap
	var some []uint32
	if lo <= hi {
		for i := n.leafOf(lo); i < len(n.leaves) && n.bounds[i] <= hi; i++ {
			l := n.leaves[i]
			switch {
			case l.empty():
			case in(l.minV) && in(l.maxV):
				whole = append(whole, l.docs)
			case !l.single:
				for _, e := range l.ents {
					if in(e.v) {
						some = append(some, e.id)
					}
				}
			}
		}
	}
	var total uint64
	for _, b := range whole {
		total += b.GetCardinality()
	}
	total += uint64(len(some))
	if len(whole) > 4 && total*16 < uint64(len(n.first)) {
		// Many sparse leaves: OR-ing their arrays pairwise costs more than setting their
		// bits in one dense bit set (doc ids are dense) and converting it once.
		dense := make([]uint64, (len(n.first)+63)/64)
		var buf [512]uint32
		for _, b := range whole {
			it := b.ManyIterator()
			for k := it.NextMany(buf[:]); k > 0; k = it.NextMany(buf[:]) {
				for _, id := range buf[:k] {
					dense[id>>6] |= 1 << (id & 63)
				}
			}
		}
		for _, id := range some {
			dense[id>>6] |= 1 << (id & 63)
		}
		return roaring.FromDense(dense, false)
	}
	if len(some) > 0 {
		slices.Sort(some)
		whole = append(whole, roaring.BitmapOf(some...))
	}
	switch len(whole) {
	case 0:
		return roaring.New()
	case 1:
		return whole[0].Clone()
	}
	return roaring.FastOr(whole...)
}

// countRange counts the values in [lo, hi] (each bound exclusive if asked): the leaves
// inside by their size, the ones at the ends by their entries.
func (n *numIndex) countRange(lo, hi float64, loEx, hiEx bool) uint64 {
	in := func(v float64) bool {
		return (v > lo || (!loEx && v == lo)) && (v < hi || (!hiEx && v == hi))
	}
	var total uint64
	if lo > hi {
		return 0
	}
	for i := n.leafOf(lo); i < len(n.leaves) && n.bounds[i] <= hi; i++ {
		l := n.leaves[i]
		switch {
		case l.empty():
		case in(l.minV) && in(l.maxV):
			if l.single {
				total += l.docs.GetCardinality()
			} else {
				total += uint64(len(l.ents))
			}
		case !l.single:
			for _, e := range l.ents {
				if in(e.v) {
					total++
				}
			}
		}
	}
	return total
}

// walk finds the documents of m (nil: all that have a value) that accept (if not nil)
// takes, in the order of their first values (descending if desc), a leaf at a time, until a leaf completes want of them:
// documents of later leaves rank after all those, whatever their keys. Only the leaves
// that hold values in [lo, hi] are visited: the caller knows no match has its first value
// outside. It reports false, having offered nothing, when fewer than want documents of m
// have a value there.
func (n *numIndex) walk(m *roaring.Bitmap, accept func(id uint32, v float64) bool, lo, hi float64, want int, desc bool,
	offer func(id uint32, v float64)) bool {
	type found struct {
		id uint32
		v  float64
	}
	var hits []found
	from, to := n.leafOf(lo), n.leafOf(hi)
	if from > to {
		return false
	}
	for k := range to - from + 1 {
		i := from + k
		if desc {
			i = to - k
		}
		l := n.leaves[i]
		if l.empty() {
			continue
		}
		take := func(id uint32) {
			v := n.first[id]
			if n.multi > 0 && (v < n.bounds[i] || (i+1 < len(n.bounds) && v >= n.bounds[i+1])) {
				return // a document of several values ranks by its first, in another leaf
			}
			if accept == nil || accept(id, v) {
				hits = append(hits, found{id, v})
			}
		}
		switch {
		case m == nil:
			l.docs.Iterate(func(id uint32) bool { take(id); return true })
		case l.docs.GetCardinality() <= walkProbeMax:
			// A small leaf: each of its documents looked up in m.
			l.docs.Iterate(func(id uint32) bool {
				if m.Contains(id) {
					take(id)
				}
				return true
			})
		default:
			roaring.And(l.docs, m).Iterate(func(id uint32) bool { take(id); return true })
		}
		if len(hits) >= want {
			for _, h := range hits {
				offer(h.id, h.v)
			}
			return true
		}
	}
	return false
}

// walkProbeMax is the size of a leaf up to which walk looks each of its documents up in the
// matches, rather than intersecting the two.
const walkProbeMax = 4096

// edgeLeafSize is the number of documents in the first leaf a walk takes documents from
// (the last if desc).
func (n *numIndex) edgeLeafSize(desc bool) uint64 {
	for k := range n.leaves {
		i := k
		if desc {
			i = len(n.leaves) - 1 - k
		}
		if c := n.leaves[i].docs.GetCardinality(); c > 0 {
			return c
		}
	}
	return 0
}

// leafCount is the number of leaves, which walk's cost is reckoned by.
func (n *numIndex) leafCount() int { return len(n.leaves) }
