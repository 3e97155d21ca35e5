package search

import (
	"fmt"
	"slices"
	"strconv"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"

	"darner/engine"
	"darner/search/query"
	"darner/vectors"
)

// vecQuery is a vector clause resolved against the schema: its field, its query vector
// decoded, and the name its distance is reported under.
type vecQuery struct {
	field *Field
	vec   []float32
	yield string
}

// resolveKNN checks a KNN clause against the index and decodes its vector, with RediSearch's
// errors.
func resolveKNN(def *Def, n *query.KNN, params map[string]string) (*vecQuery, error) {
	vq, err := resolveVector(def, n.Field, n.BlobParam, params)
	if err != nil {
		return nil, err
	}
	if n.K <= 0 {
		return nil, QueryError("Error parsing vector similarity query: KNN K must be a positive integer")
	}
	if n.K > maxKNN {
		return nil, QueryError("KNN K parameter is too large")
	}
	vq.yield = n.Alias
	if vq.yield == "" {
		vq.yield = n.Attrs.YieldDistanceAs // `=>[KNN …]=>{$YIELD_DISTANCE_AS: d}`
	}
	if vq.yield == "" {
		vq.yield = "__" + n.Field + "_score"
	}
	if def.Field(vq.yield) != nil {
		return nil, QueryError("Property `" + vq.yield + "` already exists in schema")
	}
	return vq, nil
}

// maxKNN bounds K, as RediSearch bounds it by its largest result set.
const maxKNN = 1000000

func resolveVector(def *Def, field, param string, params map[string]string) (*vecQuery, error) {
	f := def.Field(field)
	if f == nil {
		return nil, QueryError("Unknown field `" + field + "`")
	}
	if f.Type != Vector {
		return nil, QueryError("Error parsing vector similarity query: field `" + field + "` is not a vector field")
	}
	blob, ok := params[param]
	if !ok {
		return nil, QueryError("No such parameter `" + param + "`")
	}
	s := f.Vector
	// Decode only reads the blob: a view of the string's bytes, not a copy.
	v, err := vectors.Decode(s.Type, unsafe.Slice(unsafe.StringData(blob), len(blob)), s.Dim, make([]float32, 0, s.Dim))
	if err != nil {
		if len(blob) != s.Dim*s.Type.Width() {
			return nil, QueryError(fmt.Sprintf("Error parsing vector similarity query: query vector blob size (%d) does not match index's expected size (%d).",
				len(blob), s.Dim*s.Type.Width()))
		}
		return nil, QueryError("Error parsing vector similarity query: the query vector holds NaN or infinity")
	}
	return &vecQuery{field: f, vec: v}, nil
}

// knnPart answers a KNN clause on one part: the k documents nearest the query vector among
// those its filter matches. With a filter, it picks between two plans by the filter's size
// (see exactKNN): the distance of each filtered document, or the vector index's own search
// told to keep only filtered documents.
func knnPart(v engine.View, p *part, e *evaluator, req *Request, n *query.KNN, vq *vecQuery, st *partStats,
	b *statsBarrier) partResult {
	var m *roaring.Bitmap
	if _, all := n.Filter.(*query.All); !all || len(req.Filters)+len(req.GeoFilters) > 0 || req.InKeys != nil || e.gone != nil {
		m = e.eval(n.Filter)
		if e.fieldErr == nil {
			e.applyFilters(m)
		}
	}
	reportStats(p, e.leaves, st, b)
	if e.fieldErr != nil {
		return partResult{err: e.fieldErr}
	}
	vi := p.vecs[vq.field.slot]
	ef := vq.field.Vector.EFRuntime
	switch {
	case n.EFRuntime != nil:
		ef = *n.EFRuntime
	case n.Attrs.EFRuntime != nil:
		ef = *n.Attrs.EFRuntime
	}
	var found []vectors.Result
	switch {
	case m == nil:
		found = vi.knn(vq.vec, n.K, ef, p.vecAccept(vq.field.slot, nil))
	case exactKNN(m.GetCardinality(), vi.Len(), ef, vq.field.Vector.M):
		found = vi.NearestAmong(vq.vec, m.Iterate, n.K)
	default:
		found = vi.knn(vq.vec, n.K, ef, m.Contains)
	}
	var sortField *Field
	if req.SortBy != "" && req.SortBy != vq.yield {
		sortField = p.def.Field(req.SortBy)
	}
	hits := make([]Hit, 0, len(found))
	for _, r := range found {
		h := Hit{Dist: float64(r.Dist), HasDist: true, head: p.heads[r.ID]}
		p.fill(&h, r.ID)
		if sortField != nil {
			h.Sort = p.sortValue(v, r.ID, sortField)
		}
		hits = append(hits, h)
	}
	return partResult{total: int64(len(hits)), hits: hits}
}

// exactKNN is the hybrid planner's rule: the exact distances of the filtered documents
// cost one distance each; a walk of the graph that skips the others costs about
// ef × M / selectivity distances (it must pass that many rejected nodes per kept one). The
// exact plan wins when matches² ≤ ef × M × vectors. FLAT (M = 0 here) always takes it: its
// scan would visit every vector anyway.
func exactKNN(matches uint64, vecs, ef, m int) bool {
	if m == 0 {
		return true
	}
	return float64(matches)*float64(matches) <= float64(ef)*float64(m)*float64(vecs)
}

// mergeKNN keeps the k nearest of the parts' hits (ties by key), then orders them by the
// SORTBY field when it is another than the distance.
func mergeKNN(all []Hit, k int, req *Request, yield string) []Hit {
	byDist := func(a, b Hit) int {
		if a.Dist != b.Dist {
			if a.Dist < b.Dist {
				return -1
			}
			return 1
		}
		if keyLess(&a, &b) {
			return -1
		}
		if keyLess(&b, &a) {
			return 1
		}
		return 0
	}
	if !slices.IsSortedFunc(all, byDist) { // one part's hits come in order
		slices.SortFunc(all, byDist)
	}
	all = all[:min(k, len(all))]
	if req.SortBy == yield && req.SortDesc {
		slices.Reverse(all)
	}
	return all
}

// DistanceValue formats a distance as RediSearch prints numbers in replies (%.12g).
func DistanceValue(d float64) string { return strconv.FormatFloat(d, 'g', 12, 64) }

// resolveRanges resolves the query's VECTOR_RANGE clauses into req; the one whose distance
// is yielded (the last with $YIELD_DISTANCE_AS) becomes req.rangeYield.
func resolveRanges(def *Def, n query.Node, req *Request) error {
	var err error
	walkAST(n, func(c query.Node) {
		vr, ok := c.(*query.VectorRange)
		if !ok || err != nil {
			return
		}
		var vq *vecQuery
		if vq, err = resolveVector(def, vr.Field, vr.BlobParam, req.Params); err != nil {
			return
		}
		if req.ranges == nil {
			req.ranges = map[*query.VectorRange]*vecQuery{}
		}
		req.ranges[vr] = vq
		if name := vr.Attrs.YieldDistanceAs; name != "" {
			if def.Field(name) != nil {
				err = QueryError("Property `" + name + "` already exists in schema")
				return
			}
			vq.yield = name
			req.rangeYield = vq
		}
	})
	return err
}

// vectorRange is the documents with a vector within the clause's radius.
func (e *evaluator) vectorRange(n *query.VectorRange) *roaring.Bitmap {
	vq := e.req.ranges[n]
	vi := e.p.vecs[vq.field.slot]
	eps := vq.field.Vector.Epsilon
	if n.Attrs.Epsilon != nil {
		eps = *n.Attrs.Epsilon
	}
	out := roaring.New()
	for _, r := range vi.within(vq.vec, float32(n.Radius), eps, e.p.vecAccept(vq.field.slot, nil)) {
		out.Add(r.ID)
	}
	return out
}

// addDistances sets the hits' distances to the yielded range clause's vector.
func (p *part) addDistances(hits []Hit, req *Request) {
	vq := req.rangeYield
	if vq == nil {
		return
	}
	i := 0
	p.vecs[vq.field.slot].Distances(vq.vec, func(yield func(uint32) bool) {
		for _, h := range hits {
			if !yield(h.doc) {
				return
			}
		}
	}, func(_ uint32, d float32, ok bool) {
		hits[i].Dist, hits[i].HasDist = float64(d), ok
		i++
	})
}

// nearestFirst is the page of m's documents sorted by their distance to the yielded range
// clause's vector (SORTBY on its $YIELD_DISTANCE_AS), nearest first unless DESC.
func (p *part) nearestFirst(m *roaring.Bitmap, req *Request, want int) []Hit {
	vq := req.rangeYield
	top := newTopN(want, hitLess(req))
	rank := hitRank(req)
	p.vecs[vq.field.slot].Distances(vq.vec, m.Iterate, func(id uint32, d float32, ok bool) {
		h := Hit{Sort: SortValue{Missing: !ok}}
		if ok {
			h.Sort = SortValue{Num: float64(d), IsNum: true}
			h.Dist, h.HasDist = float64(d), true
		}
		p.offer(top, rank, h, id)
	})
	return top.sorted()
}

// walkAST calls fn with n and every node under it.
func walkAST(n query.Node, fn func(query.Node)) {
	fn(n)
	switch n := n.(type) {
	case *query.Intersect:
		for _, c := range n.Children {
			walkAST(c, fn)
		}
	case *query.Union:
		for _, c := range n.Children {
			walkAST(c, fn)
		}
	case *query.Not:
		walkAST(n.Child, fn)
	case *query.Optional:
		walkAST(n.Child, fn)
	case *query.Fields:
		walkAST(n.Child, fn)
	case *query.KNN:
		walkAST(n.Filter, fn)
	}
}
