package search

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// posting is the set of documents holding one term in one field, or one tag value. Most
// are small (a rare word, one brand among thousands): those are a sorted slice, to which a
// new document (a higher id, as ids are handed out in order) is appended at the cost of
// one cache miss, where a roaring bitmap spreads a few ids over a container per 65 536 ids
// and takes several. Past postingSmallMax ids a posting becomes a roaring bitmap.
type posting struct {
	ids []uint32        // sorted; used while bm is nil
	bm  *roaring.Bitmap // the documents, once there are many
}

// postingSmallMax is the size past which a posting turns into a bitmap.
var postingSmallMax = 1024

func (p *posting) add(id uint32) {
	if p.bm != nil {
		p.bm.Add(id)
		return
	}
	n := len(p.ids)
	if n == 0 || p.ids[n-1] < id {
		p.ids = append(p.ids, id)
	} else if i, found := slices.BinarySearch(p.ids, id); !found {
		p.ids = slices.Insert(p.ids, i, id)
	}
	if len(p.ids) > postingSmallMax {
		p.bm = roaring.BitmapOf(p.ids...)
		p.ids = nil
	}
}

func (p *posting) remove(id uint32) {
	if p.bm != nil {
		p.bm.Remove(id)
		return
	}
	if i, found := slices.BinarySearch(p.ids, id); found {
		p.ids = slices.Delete(p.ids, i, i+1)
	}
}

func (p *posting) empty() bool {
	if p.bm != nil {
		return p.bm.IsEmpty()
	}
	return len(p.ids) == 0
}

func (p *posting) card() uint64 {
	if p.bm != nil {
		return p.bm.GetCardinality()
	}
	return uint64(len(p.ids))
}

// bitmap returns the documents as a bitmap the caller may change.
func (p *posting) bitmap() *roaring.Bitmap {
	if p.bm != nil {
		return p.bm.Clone()
	}
	return roaring.BitmapOf(p.ids...)
}

// orInto adds the documents to out.
func (p *posting) orInto(out *roaring.Bitmap) {
	if p.bm != nil {
		out.Or(p.bm)
		return
	}
	out.AddMany(p.ids)
}

// iterator walks the documents in order.
func (p *posting) iterator() roaring.IntPeekable {
	if p.bm != nil {
		return p.bm.Iterator()
	}
	return &sliceIter{ids: p.ids}
}

// sliceIter is roaring's IntPeekable over a sorted slice.
type sliceIter struct {
	ids []uint32
	i   int
}

func (s *sliceIter) HasNext() bool    { return s.i < len(s.ids) }
func (s *sliceIter) Next() uint32     { s.i++; return s.ids[s.i-1] }
func (s *sliceIter) PeekNext() uint32 { return s.ids[s.i] }
func (s *sliceIter) AdvanceIfNeeded(minval uint32) {
	if s.i < len(s.ids) && s.ids[s.i] < minval {
		s.i += sortSearch(s.ids[s.i:], minval)
	}
}

// sortSearch is the index of the first id in ids not below v.
func sortSearch(ids []uint32, v uint32) int {
	i, _ := slices.BinarySearch(ids, v)
	return i
}
