package search

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"darner/engine"
	"darner/search/query"
)

// Request is a parsed FT.SEARCH.
type Request struct {
	Query       string
	Dialect     int
	Params      map[string]string
	Verbatim    bool
	NoStopWords bool
	InKeys      []string
	InFields    []string
	Filters     []NumericFilter
	GeoFilters  []GeoFilter
	SortBy      string
	SortDesc    bool
	Offset      int
	Limit       int
	Scorer      string // BM25STD (the default) or TFIDF
	Slop        *int
	InOrder     bool
	Language    string
	// wantTerms asks Search for the matcher of the query's terms (Result.Terms), for
	// HIGHLIGHT and SUMMARIZE.
	wantTerms bool
	// ExplainScore asks Search to explain the page's scores (Result.Explain).
	ExplainScore bool
	// prof, when not nil (FT.PROFILE), receives each part's time and counts; prepare
	// records the parsed tree and the time parsing took.
	prof      []partProfile
	ast       query.Node
	parseTime time.Duration

	// ranges are the query's VECTOR_RANGE clauses resolved, and rangeYield the one whose
	// distance the reply reports (its $YIELD_DISTANCE_AS), set by Search.
	ranges     map[*query.VectorRange]*vecQuery
	rangeYield *vecQuery
	// now is the command's clock (Unix ms), read once before the fan-out: documents whose
	// key's TTL has passed by then are left out, even before the key is deleted.
	now int64
}

// NumericFilter is a FILTER clause.
type NumericFilter struct {
	Field        string
	Min, Max     float64
	MinExclusive bool
	MaxExclusive bool
}

// GeoFilter is a GEOFILTER clause; Radius is in metres.
type GeoFilter struct {
	Field    string
	Lon, Lat float64
	Radius   float64
}

func (r *Request) language(def *Def) string {
	if r.Language != "" {
		return strings.ToLower(r.Language)
	}
	return def.Language
}

// SortValue is a document's value of the SORTBY field.
type SortValue struct {
	Num     float64
	Str     string
	IsNum   bool
	Missing bool
}

// Hit is one document of a result.
type Hit struct {
	Key   string
	Score float64
	Sort  SortValue
	// head is the key's first eight bytes (keyHead): hits tied on score or sort value are
	// ordered by key, and heads decide most of those comparisons without reading the key.
	head uint64
	doc  uint32 // the document's id in the part that found it
	part uint16 // the part that found it (Search sets it, for EXPLAINSCORE)
	// Dist is the document's distance to a vector clause's vector, when HasDist.
	Dist    float64
	HasDist bool
}

// fill sets a hit's key and id from document id.
func (p *part) fill(h *Hit, id uint32) {
	h.Key, h.doc = p.doc(id).key, id
}

// offer gives top document id's hit h (its score or sort value set), reading the key only
// when the hit may enter.
func (p *part) offer(top *topN, rank func(a, b Hit) int, h Hit, id uint32) {
	if top.admits(&h, rank, p.heads, id) {
		p.fill(&h, id)
		top.offer(h)
	}
}

// keyHead is a key's first eight bytes as a big-endian number (zero-padded), so that keys
// whose heads differ compare as their heads do.
func keyHead(key string) uint64 {
	var h uint64
	for i := range 8 {
		h <<= 8
		if i < len(key) {
			h |= uint64(key[i])
		}
	}
	return h
}

// keyLess orders hits tied on everything else: by head, then by key.
func keyLess(a, b *Hit) bool {
	if a.head != b.head {
		return a.head < b.head
	}
	return a.Key < b.Key
}

// Result is a search's answer: the total number of matches and the requested page.
type Result struct {
	Total int64
	Hits  []Hit
	// Yield names the field the hits' distances are reported under (a KNN clause's AS, or
	// __<field>_score); "" when the query has no vector clause.
	Yield string
	// Terms tells which document words the query matched, when the request asked for it.
	Terms *TermMatcher
	// Explain has, when asked, an explanation of each hit's score, in the hits' order.
	Explain []ScoreExplanation
}

// partStats are what one part contributes to the scoring statistics.
type partStats struct {
	docs     int64
	totalLen int64
	dfs      []int64
}

// partResult is one part's share of the answer.
type partResult struct {
	total int64
	hits  []Hit
	err   error
	// lo and hi are the least and greatest score of every match (BM25STD.NORM's bounds).
	lo, hi float64
}

// prepare counts a query against idx, reads the command's clock and parses the query with
// its vector clauses resolved: what FT.SEARCH and FT.AGGREGATE do before the fan-out.
func (r *Registry) prepare(tx *engine.Tx, idx *Index, req *Request) (query.Node, *vecQuery, error) {
	t0 := time.Now()
	defer func() { req.parseTime = time.Since(t0) }()
	if req.Dialect == 0 {
		req.Dialect = int(r.DefaultDialect.Load())
	}
	idx.uses.Add(1)
	idx.touch()
	req.now = tx.ShardView(0, 0).Now()
	if req.Dialect >= 1 && req.Dialect <= 4 {
		idx.dialects[req.Dialect].Add(1)
	}
	opts := query.Options{Dialect: req.Dialect, Params: req.Params}
	if !req.NoStopWords {
		opts.IsStopWord = idx.Def.IsStopWord
	}
	ast, err := idx.parses.parse(req.Query, opts, req.NoStopWords)
	if err != nil {
		return nil, nil, err
	}
	ast = applySlop(ast, req)
	var vq *vecQuery
	if knn, ok := ast.(*query.KNN); ok {
		if vq, err = resolveKNN(idx.Def, knn, req.Params); err != nil {
			return nil, nil, err
		}
	}
	if err := resolveRanges(idx.Def, ast, req); err != nil {
		return nil, nil, err
	}
	req.ast = ast
	return ast, vq, nil
}

// Search runs req over idx: every part is searched in parallel, each returning its best
// offset+limit hits and its match count; the hits are merged and paged here. Scores use the
// statistics of the whole index (gathered between the match and the scoring step of the
// parts), so no result depends on the number of shards. tx must hold every shard (read or
// write): the caller's command locks them all, so a search inside MULTI/EXEC takes no lock
// of its own.
func (r *Registry) Search(tx *engine.Tx, idx *Index, req *Request) (*Result, error) {
	ast, vq, err := r.prepare(tx, idx, req)
	if err != nil {
		return nil, err
	}
	yieldName := ""
	if vq != nil {
		yieldName = vq.yield
	} else if req.rangeYield != nil {
		yieldName = req.rangeYield.yield
	}
	if req.SortBy != "" && idx.Def.Field(req.SortBy) == nil && req.SortBy != yieldName {
		return nil, QueryError("Property `" + req.SortBy + "` not loaded nor in schema")
	}

	var terms *TermMatcher
	if req.wantTerms {
		terms = newTermMatcher(idx.Def, ast, req.language(idx.Def))
	}

	n := len(idx.parts)
	results := make([]partResult, n)
	b := &statsBarrier{stats: make([]partStats, n)}
	if n > 1 {
		b.ready = make(chan struct{})
	}
	b.remaining.Store(int32(n))
	var done sync.WaitGroup
	run := func(i int) {
		var t0 time.Time
		if req.prof != nil {
			t0 = time.Now()
		}
		results[i] = searchPart(tx.ShardView(0, i), idx.parts[i], req, ast, vq, &b.stats[i], b, &b.global)
		for j := range results[i].hits {
			results[i].hits[j].part = uint16(i)
		}
		if req.prof != nil {
			req.prof[i] = partProfile{time: time.Since(t0), matches: results[i].total, hits: len(results[i].hits)}
		}
	}
	// Part 0 runs here: with one shard, a search starts no goroutine (waking one cost more
	// than a small query).
	for i := 1; i < n; i++ {
		done.Add(1)
		go func() {
			defer done.Done()
			run(i)
		}()
	}
	run(0)
	done.Wait()

	res := &Result{Terms: terms}
	var all []Hit
	for _, pr := range results {
		if pr.err != nil {
			return nil, pr.err
		}
		res.Total += pr.total
		if n == 1 {
			all = pr.hits // one part: its hits, not a copy
		} else {
			all = append(all, pr.hits...)
		}
	}
	if req.rangeYield != nil {
		res.Yield = req.rangeYield.yield
	}
	if vq != nil {
		// The k nearest over all parts; the count is theirs.
		all = mergeKNN(all, ast.(*query.KNN).K, req, vq.yield)
		res.Total, res.Yield = int64(len(all)), vq.yield
		if req.SortBy == "" || req.SortBy == vq.yield {
			res.Hits = page(all, req)
			return res, nil
		}
	}
	less := hitLess(req)
	slices.SortFunc(all, func(a, b Hit) int {
		if less(a, b) {
			return -1
		}
		if less(b, a) {
			return 1
		}
		return 0
	})
	res.Hits = page(all, req)
	normalizeScores(req.Scorer, results, res.Hits)
	if req.ExplainScore {
		res.Explain = explainScores(tx, idx, req, ast, &b.global, res.Hits)
	}
	return res, nil
}

// normalizeScores applies the scorers that transform BM25STD's scores once every part has
// scored: BM25STD.NORM maps the least and greatest score of all matches to 0 and 1,
// BM25STD.TANH takes tanh(score / BM25STD_TANH_FACTOR). Both keep the order.
func normalizeScores(scorer string, parts []partResult, hits []Hit) {
	switch strings.ToUpper(scorer) {
	case "BM25STD.NORM":
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, pr := range parts {
			lo, hi = min(lo, pr.lo), max(hi, pr.hi)
		}
		for i := range hits {
			if hi > lo {
				hits[i].Score = (hits[i].Score - lo) / (hi - lo)
			} else {
				hits[i].Score = 1
			}
		}
	case "BM25STD.TANH":
		f := math.Float64frombits(TanhFactor.Load())
		for i := range hits {
			hits[i].Score = math.Tanh(hits[i].Score / f)
		}
	}
}

// page is the LIMIT offset num of the ordered hits.
func page(all []Hit, req *Request) []Hit {
	if req.Offset >= len(all) {
		return nil
	}
	all = all[req.Offset:]
	return all[:min(req.Limit, len(all))]
}

// scoring is the index-wide statistics a score needs.
type scoring struct {
	docs   int64
	avgLen float64
	dfs    []int64
}

func sumStats(stats []partStats) scoring {
	var g scoring
	var total int64
	for _, s := range stats {
		g.docs += s.docs
		total += s.totalLen
		if g.dfs == nil {
			g.dfs = make([]int64, len(s.dfs))
		}
		for i, df := range s.dfs {
			if i < len(g.dfs) {
				g.dfs[i] += df
			}
		}
	}
	if g.docs > 0 {
		g.avgLen = float64(total) / float64(g.docs)
	}
	return g
}

// searchPart matches req on one part, reports its statistics, waits for the index-wide
// ones, then scores and keeps its best Offset+Limit hits. v is database 0 of the part's
// shard, whose lock the caller holds throughout.
func searchPart(v engine.View, p *part, req *Request, ast query.Node, vq *vecQuery, st *partStats,
	b *statsBarrier, global *scoring) partResult {
	r := matchPart(v, p, req, ast, vq, st, b, global)
	if r.err == nil && req.rangeYield != nil && req.SortBy != req.rangeYield.yield {
		p.addDistances(r.hits, req)
	}
	return r
}

// matchPart is searchPart before the yielded distances are added.
func matchPart(v engine.View, p *part, req *Request, ast query.Node, vq *vecQuery, st *partStats,
	b *statsBarrier, global *scoring) partResult {
	p.settle()
	e := newEvaluator(v, p, req)
	if vq != nil {
		return knnPart(v, p, e, req, ast.(*query.KNN), vq, st, b)
	}
	if e.gone == nil { // the fast path reads the numeric index alone
		if r, ok := rangeSorted(p, req, ast, st, b); ok {
			return r
		}
	}
	m := e.eval(ast)
	if e.fieldErr == nil {
		e.applyFilters(m)
	}
	reportStats(p, e.leaves, st, b)
	if e.fieldErr != nil {
		return partResult{err: e.fieldErr}
	}
	res := partResult{total: int64(m.GetCardinality()), lo: math.Inf(1), hi: math.Inf(-1)}
	want := req.Offset + req.Limit
	if want == 0 || m.IsEmpty() {
		return res
	}
	var sortField *Field
	byDist := req.rangeYield != nil && req.SortBy == req.rangeYield.yield
	if req.SortBy != "" && !byDist {
		sortField = p.def.Field(req.SortBy)
	}
	sc := newScorer(req, global, e.leaves)
	if byDist {
		res.hits = p.nearestFirst(m, req, want)
		return res
	}
	top := newTopN(want, hitLess(req))
	if sortField != nil && p.walkNumeric(m, ast, req, sortField, want, top) {
		res.hits = top.sorted()
		e.scoreHits(res.hits, sc)
		return res
	}
	rank := hitRank(req)
	if sortField == nil && len(e.leaves) > 0 && sc.bm25Family() && e.scoreFromPostings(m, sc, top, rank) {
		res.hits = top.sorted()
		return res
	}
	if sortField == nil && len(e.leaves) == 0 && p.def.ScoreField == "" {
		// Every match has the index's score (a query without text, `*`): the page is the
		// matches with the smallest keys, found from the key heads column.
		p.smallestKeys(m, p.def.Score, top)
		res.hits = top.sorted()
		return res
	}
	it := m.Iterator()
	for it.HasNext() {
		did := it.Next()
		// A hit that cannot enter, by its score or sort value and its key's head, does not
		// have its key (a cache miss in a large part) read.
		var h Hit
		if sortField == nil {
			h.Score = e.score(did, sc)
			res.lo, res.hi = min(res.lo, h.Score), max(res.hi, h.Score)
		} else {
			h.Sort = p.sortValue(v, did, sortField)
		}
		p.offer(top, rank, h, did)
	}
	res.hits = top.sorted()
	if sortField != nil {
		e.scoreHits(res.hits, sc)
	}
	return res
}

// smallestKeys offers top the matches of m with the smallest keys, all with score: it reads
// a match's key only when its head does not exclude it.
func (p *part) smallestKeys(m *roaring.Bitmap, score float64, top *topN) {
	var buf [256]uint32
	it := m.ManyIterator()
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			return
		}
		for _, did := range buf[:n] {
			hd := p.heads[did]
			if top.full() {
				w := &top.h[0]
				if hd > w.head {
					continue
				}
			}
			top.offer(Hit{Key: p.doc(did).key, Score: score, head: hd, doc: did})
		}
	}
}

// tfCursor walks one (term, text field) posting list in step with the matches.
type tfCursor struct {
	it     roaring.IntPeekable
	tid    uint32
	slot   int
	weight float64 // the field's WEIGHT
}

// scoreFromPostings scores every match with BM25, reading term frequencies from the
// postings (walked in step with the matches, in doc id order) and document lengths from a
// column, so that a match costs no visit to its document; only a match that may enter the
// page has its key read. It declines (false, nothing offered) when the postings are much
// larger than the matches (an AND of frequent words): stepping through them would cost more
// than reading the few matches' own token lists.
func (e *evaluator) scoreFromPostings(m *roaring.Bitmap, sc *scorer, top *topN, rank func(a, b Hit) int) bool {
	p := e.p
	matches := m.GetCardinality()
	var postings uint64
	cursors := make([][]tfCursor, len(e.leaves))
	for i, l := range e.leaves {
		if l.negated {
			continue
		}
		for _, tid := range l.scoring {
			ps := p.text.slots(tid)
			for slot := range ps {
				b := &ps[slot]
				if b.empty() || (l.mask != nil && !l.mask[slot]) {
					continue
				}
				postings += b.card()
				if postings > 16*matches {
					return false
				}
				cursors[i] = append(cursors[i], tfCursor{it: b.iterator(), tid: tid, slot: slot, weight: p.def.weights[slot]})
			}
		}
	}
	score := p.def.Score
	it := m.Iterator()
	for it.HasNext() {
		did := it.Next()
		total := 0.0
		for i, cs := range cursors {
			tf := 0.0
			for j := range cs {
				c := &cs[j]
				c.it.AdvanceIfNeeded(did)
				if c.it.HasNext() && c.it.PeekNext() == did {
					tf += p.text.freq(c.tid, c.slot, did) * c.weight
				}
			}
			if tf == 0 {
				continue
			}
			total += e.leaves[i].weight * sc.bm25(i, tf, p.lens[did])
		}
		if p.def.ScoreField != "" {
			score = p.doc(did).score
		}
		h := Hit{Score: total * score}
		p.offer(top, rank, h, did)
	}
	return true
}

// reportStats gives the part's share of the scoring statistics and waits until every part
// has given its own, so that the index-wide figures are ready.
func reportStats(p *part, leaves []*leaf, st *partStats, b *statsBarrier) {
	st.docs, st.totalLen = int64(p.numDocs()), p.totalLen
	for _, l := range leaves {
		st.dfs = append(st.dfs, l.df)
	}
	b.arrive()
}

// statsBarrier is where the parts of one search meet between matching and scoring: each
// gives its share of the statistics, and the last to arrive adds them up (global) and lets
// all go on. No coordinator waits on it, so one part can run on the searching goroutine.
type statsBarrier struct {
	stats     []partStats
	remaining atomic.Int32
	ready     chan struct{}
	global    scoring
}

func (b *statsBarrier) arrive() {
	if b.remaining.Add(-1) == 0 {
		b.global = sumStats(b.stats)
		if b.ready != nil { // nil with one part: nobody waits
			close(b.ready)
		}
		return
	}
	<-b.ready
}

// rangeSorted answers a query that is one numeric range, sorted by a numeric field, without
// a bitmap of its matches when walking the sort field's leaves meets a page of them early:
// the common shape of a range query (redis-om's between + sortBy). The count comes from
// the range field's leaves; the walk tests each document's value of the range field (or,
// sorted by the range's own field, walks only the range). ok is false when the query has
// another shape, when a document of the range field holds several values, or when the
// matches are too sparse for the walk (the bitmap of the range is then cheaper).
func rangeSorted(p *part, req *Request, ast query.Node, st *partStats, b *statsBarrier) (partResult, bool) {
	n, ok := ast.(*query.Numeric)
	if !ok || req.SortBy == "" || len(req.Filters)+len(req.GeoFilters) > 0 || req.InKeys != nil {
		return partResult{}, false
	}
	f, sf := p.def.Field(n.Field), p.def.Field(req.SortBy)
	if f == nil || f.Type != Numeric || f.NoIndex || sf == nil || sf.Type != Numeric || sf.NoIndex {
		return partResult{}, false
	}
	rangeIdx, sortIdx := p.nums[f.slot], p.nums[sf.slot]
	if rangeIdx.multi > 0 {
		return partResult{}, false
	}
	total := rangeIdx.countRange(n.Min, n.Max, n.MinExclusive, n.MaxExclusive)
	want := req.Offset + req.Limit
	in := func(v float64) bool {
		return (v > n.Min || (!n.MinExclusive && v == n.Min)) && (v < n.Max || (!n.MaxExclusive && v == n.Max))
	}
	var accept func(id uint32, v float64) bool
	lo, hi := math.Inf(-1), math.Inf(1)
	if f == sf {
		lo, hi = n.Min, n.Max
		accept = func(_ uint32, v float64) bool { return in(v) }
	} else {
		// The walk visits about want × documents / matches documents, and all of the
		// first leaf it takes any from; building the range's bitmap costs about the matches.
		docs := uint64(p.count)
		if total == 0 || uint64(want)*docs/total+sortIdx.edgeLeafSize(req.SortDesc) > total/2 {
			return partResult{}, false
		}
		accept = func(id uint32, _ float64) bool {
			v, ok := rangeIdx.firstValue(id)
			return ok && in(v)
		}
	}
	reportStats(p, nil, st, b)
	res := partResult{total: int64(total)}
	if want == 0 || total == 0 {
		return res, true
	}
	top := newTopN(want, hitLess(req))
	rank := hitRank(req)
	ok = sortIdx.walk(nil, accept, lo, hi, want, req.SortDesc, func(id uint32, v float64) {
		h := Hit{Sort: SortValue{Num: v, IsNum: true}}
		p.offer(top, rank, h, id)
	})
	if !ok {
		// Fewer than a page have a sort value: the page takes matches without one too
		// (they sort last), so every match is visited.
		top = newTopN(want, hitLess(req))
		rangeIdx.rng(n.Min, n.Max, n.MinExclusive, n.MaxExclusive).Iterate(func(id uint32) bool {
			h := Hit{Sort: SortValue{Missing: true}}
			if v, ok := sortIdx.firstValue(id); ok {
				h.Sort = SortValue{Num: v, IsNum: true}
			}
			p.offer(top, rank, h, id)
			return true
		})
	}
	res.hits = top.sorted()
	return res, true
}

// scoreHits works out the scores of hits ordered by a SORTBY field: they are only reported
// (WITHSCORES), so only the kept hits are scored.
func (e *evaluator) scoreHits(hits []Hit, sc *scorer) {
	if len(e.leaves) == 0 {
		return
	}
	for i := range hits {
		hits[i].Score = e.score(hits[i].doc, sc)
	}
}

// walkNumeric offers the matches of m to top in the order of the indexed NUMERIC field f,
// a leaf of its index at a time, when that is cheaper than visiting every match: when the
// leaves to visit before want matches turn up (about want × leaves / matches, each costing
// some 25 visits of a match) cost less than the matches. Only the leaves within the range
// that the query (ast) and its filters put on f are walked, when each document has one
// value. It reports false, having
// offered nothing, when it does not apply or cannot fill top (documents without a value,
// which sort last, would be needed).
func (p *part) walkNumeric(m *roaring.Bitmap, ast query.Node, req *Request, f *Field, want int, top *topN) bool {
	if f.Type != Numeric || f.NoIndex {
		return false
	}
	idx := p.nums[f.slot]
	matches := m.GetCardinality()
	if 25*uint64(want)*uint64(idx.leafCount()) >= matches*matches {
		return false
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if idx.multi == 0 {
		// (A document of several values may match by one and sort by another.)
		lo, hi = valueBounds(ast, f.Name)
		for _, fl := range req.Filters {
			if fl.Field == f.Name {
				lo, hi = max(lo, fl.Min), min(hi, fl.Max)
			}
		}
	}
	rank := hitRank(&Request{SortBy: f.Name, SortDesc: req.SortDesc})
	return idx.walk(m, nil, lo, hi, want, req.SortDesc, func(id uint32, v float64) {
		h := Hit{Sort: SortValue{Num: v, IsNum: true}}
		p.offer(top, rank, h, id)
	})
}

// valueBounds is an interval holding field's values in every match of n: the ranges on
// field that n requires, intersected (all values when it requires none).
func valueBounds(n query.Node, field string) (lo, hi float64) {
	switch n := n.(type) {
	case *query.Numeric:
		if n.Field == field {
			return n.Min, n.Max
		}
	case *query.Intersect:
		lo, hi = math.Inf(-1), math.Inf(1)
		for _, c := range n.Children {
			l, h := valueBounds(c, field)
			lo, hi = max(lo, l), min(hi, h)
		}
		return lo, hi
	}
	return math.Inf(-1), math.Inf(1)
}

// applyFilters narrows m by FILTER, GEOFILTER and INKEYS, and takes out the documents
// whose keys' TTL has passed.
func (e *evaluator) applyFilters(m *roaring.Bitmap) {
	if e.gone != nil {
		m.AndNot(e.gone)
	}
	for _, f := range e.req.Filters {
		fd := e.typed(f.Field, Numeric)
		if fd == nil {
			m.Clear()
			continue
		}
		m.And(e.p.nums[fd.slot].rng(f.Min, f.Max, f.MinExclusive, f.MaxExclusive))
	}
	for _, g := range e.req.GeoFilters {
		fd := e.typed(g.Field, Geo)
		if fd == nil {
			m.Clear()
			continue
		}
		m.And(e.p.geos[fd.slot].within(g.Lon, g.Lat, g.Radius))
	}
	if e.req.InKeys != nil {
		keep := roaring.New()
		for _, k := range e.req.InKeys {
			if o := e.view.Get(k); o != nil && e.p.has(o.Doc) && e.p.doc(o.Doc).key == k {
				keep.Add(o.Doc)
			}
		}
		m.And(keep)
	}
}

// scorer weighs documents against a query's leaves with the index-wide statistics: BM25
// (Redis 8's default, BM25STD) or TF-IDF. It is built once per part and query.
type scorer struct {
	kind   string    // the SCORER, upper case; "" is BM25STD
	tfidf  bool      // TF-IDF's idf (TFIDF, TFIDF.DOCNORM) rather than BM25's
	idf    []float64 // by leaf
	avgLen float64
}

// Scorers are the SCORER names FT.SEARCH and FT.AGGREGATE take. BM25 is BM25STD's old
// name, as in Redis 8.4.
var Scorers = []string{"BM25STD", "BM25", "BM25STD.NORM", "BM25STD.TANH", "TFIDF", "TFIDF.DOCNORM",
	"DISMAX", "DOCSCORE", "HAMMING"}

// TanhFactor is BM25STD.TANH's divisor (FT.CONFIG BM25STD_TANH_FACTOR): a score s becomes
// tanh(s / TanhFactor). Stored as float64 bits.
var TanhFactor atomic.Uint64

func init() { TanhFactor.Store(math.Float64bits(4)) }

func newScorer(req *Request, g *scoring, leaves []*leaf) *scorer {
	kind := strings.ToUpper(req.Scorer)
	sc := &scorer{kind: kind, tfidf: kind == "TFIDF" || kind == "TFIDF.DOCNORM", idf: make([]float64, len(leaves)),
		avgLen: math.Max(g.avgLen, 1)}
	n := float64(g.docs)
	for i := range leaves {
		df := float64(g.dfs[i])
		if sc.tfidf {
			sc.idf[i] = math.Log2(1 + n/math.Max(df, 1))
		} else {
			sc.idf[i] = math.Log(1 + (n-df+0.5)/(df+0.5))
		}
	}
	return sc
}

// bm25Family reports whether the scorer ranks by BM25 (BM25STD and its variations), which
// the postings fast path computes.
func (sc *scorer) bm25Family() bool {
	switch sc.kind {
	case "", "BM25STD", "BM25", "BM25STD.TANH":
		return true // BM25STD.NORM visits every match itself, for their least score
	}
	return false
}

// bm25 is leaf i's BM25 for a term frequency tf in a document of docLen tokens.
func (sc *scorer) bm25(i int, tf float64, docLen int32) float64 {
	const k1, b = 1.2, 0.75
	norm := 1 - b + b*float64(docLen)/sc.avgLen
	return sc.idf[i] * tf * (k1 + 1) / (tf + k1*norm)
}

// score is the document's relevance as the scorer weighs it: for the TF-IDF and BM25
// families, the sum over the query's scoring clauses, times the document's own score;
// DISMAX sums the clauses' weighted frequencies; DOCSCORE is the document's score;
// HAMMING compares payloads, which darner's documents do not have: 0.
func (e *evaluator) score(did uint32, sc *scorer) float64 {
	switch sc.kind {
	case "HAMMING":
		return 0
	case "DOCSCORE":
		if e.p.def.ScoreField == "" {
			return e.p.def.Score
		}
		return e.p.doc(did).score
	}
	if len(e.leaves) == 0 && e.p.def.ScoreField == "" {
		return e.p.def.Score // every document's score: no need to visit it
	}
	d := e.p.doc(did)
	if len(e.leaves) == 0 {
		return d.score
	}
	maxFreq := 1.0
	if sc.kind == "TFIDF" {
		maxFreq = float64(max(e.p.maxFreq(d), 1))
	}
	total := 0.0
	for i, l := range e.leaves {
		if l.negated || l.terms.len() == 0 {
			continue
		}
		tf := e.p.termFreq(d, l)
		if tf == 0 {
			continue
		}
		switch sc.kind {
		case "TFIDF":
			// RediSearch's TFIDF: frequencies relative to the document's most frequent term.
			total += l.weight * tf / maxFreq * sc.idf[i]
		case "TFIDF.DOCNORM":
			total += l.weight * tf / float64(max(e.p.lens[did], 1)) * sc.idf[i]
		case "DISMAX":
			total += l.weight * tf
		default:
			total += l.weight * sc.bm25(i, tf, e.p.lens[did])
		}
	}
	if sc.kind == "DISMAX" {
		return total
	}
	return total * d.score
}

// maxFreq is how often the document's most frequent term occurs in it.
func (p *part) maxFreq(d *doc) int {
	counts := map[uint32]int{}
	best := 0
	for slot := range p.def.numText {
		for _, t := range d.toks(slot) {
			counts[t]++
			best = max(best, counts[t])
		}
	}
	return best
}

// termFreq counts, weighted by field, the tokens of d that the leaf matched.
func (p *part) termFreq(d *doc, l *leaf) float64 {
	tf := 0.0
	for slot := range p.def.numText {
		if l.mask != nil && !l.mask[slot] {
			continue
		}
		n := 0
		toks, stems, phon := d.toks(slot), d.stems(slot), d.phon(slot)
		for i, t := range toks {
			if l.terms.has(t) || (stems[i] != 0 && l.terms.has(stems[i])) ||
				(len(phon) > 0 && (l.terms.has(phon[2*i]) || (phon[2*i+1] != 0 && l.terms.has(phon[2*i+1])))) {
				n++
			}
		}
		if n > 0 {
			tf += float64(n) * p.def.weights[slot]
		}
	}
	return tf
}

// sortValue reads a document's value of field f for SORTBY.
func (p *part) sortValue(v engine.View, did uint32, f *Field) SortValue {
	if f.Type == Numeric && !f.NoIndex {
		if v, ok := p.nums[f.slot].firstValue(did); ok {
			return SortValue{Num: v, IsNum: true}
		}
		return SortValue{Missing: true}
	}
	d := p.doc(did)
	src := p.def.source(v.Get(d.key))
	if src == nil {
		return SortValue{Missing: true}
	}
	vs := src.values(f)
	if len(vs) == 0 {
		return SortValue{Missing: true}
	}
	if f.Type == Numeric {
		if x, ok := parseFloat(vs[0]); ok {
			return SortValue{Num: x, IsNum: true}
		}
		return SortValue{Missing: true}
	}
	s := vs[0]
	if !f.UNF {
		s = strings.ToLower(s)
	}
	return SortValue{Str: s}
}

// hitLess orders hits as the reply lists them: by the SORTBY value (documents without one
// last), else by score, highest first; ties by key, so that the order never depends on
// which shard holds what.
func hitLess(req *Request) func(a, b Hit) bool {
	if req.SortBy != "" {
		rank := hitRank(req)
		return func(a, b Hit) bool {
			if c := rank(a, b); c != 0 {
				return c < 0
			}
			return keyLess(&a, &b)
		}
	}
	return func(a, b Hit) bool {
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return keyLess(&a, &b)
	}
}

// hitRank compares two hits by what orders them before their keys: negative when a comes
// first.
func hitRank(req *Request) func(a, b Hit) int {
	if req.SortBy != "" {
		return func(a, b Hit) int {
			if a.Sort.Missing != b.Sort.Missing {
				if b.Sort.Missing {
					return -1
				}
				return 1
			}
			c := compareSort(a.Sort, b.Sort)
			if req.SortDesc {
				return -c
			}
			return c
		}
	}
	return func(a, b Hit) int { return -cmp.Compare(a.Score, b.Score) }
}

func compareSort(a, b SortValue) int {
	if a.IsNum && b.IsNum {
		return cmp.Compare(a.Num, b.Num)
	}
	if a.IsNum != b.IsNum {
		if a.IsNum {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Str, b.Str)
}

// applySlop turns a plain run of words into a phrase when SLOP or INORDER asks for their
// proximity.
func applySlop(n query.Node, req *Request) query.Node {
	if req.Slop == nil && !req.InOrder {
		return n
	}
	in, ok := n.(*query.Intersect)
	if !ok || len(in.Children) < 2 {
		return n
	}
	ph := &query.Phrase{P: in.P, Attrs: in.Attrs}
	for _, c := range in.Children {
		t, ok := c.(*query.Term)
		if !ok {
			return n
		}
		ph.Terms = append(ph.Terms, t.Text)
	}
	slop := -1
	if req.Slop != nil {
		slop = *req.Slop
	}
	if slop < 0 {
		slop = math.MaxInt32
	}
	inorder := req.InOrder
	ph.Attrs.Slop, ph.Attrs.InOrder = &slop, &inorder
	return ph
}

// topN keeps the n best hits offered.
type topN struct {
	n    int
	less func(a, b Hit) bool
	h    []Hit // a heap whose root is the worst kept hit
}

func newTopN(n int, less func(a, b Hit) bool) *topN { return &topN{n: n, less: less} }

func (t *topN) Len() int           { return len(t.h) }
func (t *topN) Less(i, j int) bool { return t.less(t.h[j], t.h[i]) }
func (t *topN) Swap(i, j int)      { t.h[i], t.h[j] = t.h[j], t.h[i] }
func (t *topN) Push(x any)         { t.h = append(t.h, x.(Hit)) }
func (t *topN) Pop() any {
	x := t.h[len(t.h)-1]
	t.h = t.h[:len(t.h)-1]
	return x
}

func (t *topN) full() bool { return len(t.h) >= t.n }

// admits reports whether h, whose key is not read yet, may enter: it does not rank below
// the worst kept hit, nor tie it with a greater key head. It reads the head, heads[id], only
// when the rank ties, and sets h.head when it admits.
func (t *topN) admits(h *Hit, rank func(a, b Hit) int, heads []uint64, id uint32) bool {
	if t.full() {
		w := &t.h[0]
		c := rank(*h, *w)
		if c > 0 || (c == 0 && heads[id] > w.head) {
			return false
		}
	}
	h.head = heads[id]
	return true
}

func (t *topN) offer(h Hit) {
	if len(t.h) < t.n {
		heap.Push(t, h)
		return
	}
	if t.less(h, t.h[0]) {
		t.h[0] = h
		heap.Fix(t, 0)
	}
}

// sorted returns the kept hits, best first.
func (t *topN) sorted() []Hit {
	out := slices.Clone(t.h)
	slices.SortFunc(out, func(a, b Hit) int {
		if t.less(a, b) {
			return -1
		}
		if t.less(b, a) {
			return 1
		}
		return 0
	})
	return out
}
