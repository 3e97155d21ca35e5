package search

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"darner/engine"
	"darner/search/expr"
	"darner/search/query"
	"darner/vectors"
)

// FT.HYBRID runs two searches over the whole index and fuses their rankings, as
// RediSearch 8.4 does:
//
//	SEARCH query ──> best Window by text score ──┐
//	                                             ├─> fuse ─> load ─> APPLY/FILTER/GROUPBY/SORTBY/LIMIT
//	VSIM @v $p ────> K nearest, or all within    │
//	                 RADIUS, nearest first, ≤ Window
//
// RRF gives a document 1/(CONSTANT+rank) from each list it is in (ranks from 1); LINEAR
// gives ALPHA × its text score + BETA × its vector score, where the vector score is the
// distance turned into a similarity in [0, 1] by the field's metric (vectorScore). A
// document in one list only gets nothing from the other. Each search is FT.SEARCH's own,
// fanned out over the shards with index-wide scoring statistics and the KNN merged over
// all shards, so no list is cut per shard.

// fusedHit is one document of the fused ranking.
type fusedHit struct {
	key    string
	score  float64 // the fused score
	text   float64 // the text score, when inText
	vec    float64 // the vector score, when inVec
	inText bool
	inVec  bool
}

// fuse merges the text hits (best first) and the vector hits (nearest first) into one
// list of documents with their fused scores: the text hits in their order, then the
// documents only the vector query found, in theirs. Only the first Window of each list
// take part.
func fuse(text, vec []Hit, vecScore func(dist float64) float64, f Fusion) []fusedHit {
	text = text[:min(len(text), f.Window)]
	vec = vec[:min(len(vec), f.Window)]
	out := make([]fusedHit, 0, len(text)+len(vec))
	at := make(map[string]int, len(text)+len(vec))
	part := func(rank int, score, weight float64) float64 {
		if f.Linear {
			return weight * score
		}
		return 1 / (f.Constant + float64(rank))
	}
	for i, h := range text {
		at[h.Key] = len(out)
		out = append(out, fusedHit{key: h.Key, score: part(i+1, h.Score, f.Alpha), text: h.Score, inText: true})
	}
	for i, h := range vec {
		j, ok := at[h.Key]
		if !ok {
			j = len(out)
			at[h.Key] = j
			out = append(out, fusedHit{key: h.Key})
		}
		fh := &out[j]
		if fh.inVec {
			continue // a document of several vectors counts once, at its nearest
		}
		fh.vec, fh.inVec = vecScore(h.Dist), true
		fh.score += part(i+1, fh.vec, f.Beta)
	}
	return out
}

// parse reads COMBINE RRF|LINEAR n args… and the YIELD_SCORE_AS that may follow them.
func (f *Fusion) parse(r *args) error {
	m, ok := r.next()
	if !ok {
		return missingArg("COMBINE")
	}
	method := strings.ToUpper(m)
	if method != "RRF" && method != "LINEAR" {
		return ArgError("COMBINE: Invalid value for argument")
	}
	f.Linear = method == "LINEAR"
	if f.Linear {
		f.Alpha, f.Beta = hybridAlpha, hybridBeta
	}
	sub, err := fusionArgs(r, method)
	if err != nil {
		return err
	}
	counted := false
	seen := map[string]bool{}
	for sub.more() {
		w, _ := sub.next()
		name := strings.ToUpper(w)
		if err := f.option(method, name, w, sub, seen); err != nil {
			return err
		}
		counted = counted || name == "YIELD_SCORE_AS"
	}
	if f.Linear && seen["ALPHA"] != seen["BETA"] {
		if seen["ALPHA"] {
			return ArgError("Missing value for BETA")
		}
		return ArgError("Missing value for ALPHA")
	}
	if r.is("YIELD_SCORE_AS") {
		if counted {
			return ArgError("YIELD_SCORE_AS specified more than once")
		}
		if f.YieldScoreAs, ok = r.next(); !ok {
			return ArgError("Missing argument value for YIELD_SCORE_AS")
		}
	}
	return nil
}

// fusionArgs slices COMBINE's counted arguments: pairs of names and values.
func fusionArgs(r *args, clause string) (*args, error) {
	s, ok := r.next()
	if !ok {
		return nil, argErrorf("Missing %s argument count", clause)
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return nil, argErrorf("Invalid %s argument count, error: Could not convert argument to expected type", clause)
	}
	if n%2 != 0 {
		return nil, argErrorf("%s expects pairs of key value arguments, argument count must be an even number", clause)
	}
	if rest := len(r.a) - r.i; int(n) > rest {
		return nil, argErrorf("Not enough arguments in %s, specified %d but provided only %d", clause, n, rest)
	}
	sub := &args{a: r.a[r.i : r.i+int(n)]}
	r.i += int(n)
	return sub, nil
}

// option reads one of COMBINE's counted arguments.
func (f *Fusion) option(method, name, w string, sub *args, seen map[string]bool) error {
	allowed := name == "WINDOW" || name == "YIELD_SCORE_AS" ||
		(method == "RRF" && name == "CONSTANT") || (method == "LINEAR" && (name == "ALPHA" || name == "BETA"))
	if !allowed {
		return ArgError(w + ": Unknown argument")
	}
	if seen[name] {
		return ArgError(name + ": Argument specified multiple times")
	}
	seen[name] = true
	s, ok := sub.next()
	if !ok {
		return missingArg(name)
	}
	if name == "YIELD_SCORE_AS" {
		f.YieldScoreAs = s
		return nil
	}
	if name == "WINDOW" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return ArgError("WINDOW: Could not convert argument to expected type")
		}
		if n < 1 {
			return ArgError("WINDOW: Value below minimum")
		}
		f.Window = n
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) {
		return ArgError(name + ": Could not convert argument to expected type")
	}
	switch name {
	case "CONSTANT":
		f.Constant = x
	case "ALPHA":
		f.Alpha = x
	case "BETA":
		f.Beta = x
	}
	return nil
}

// vectorScore turns a distance of metric m into RediSearch's FT.HYBRID vector score:
// 1/(1+d) for L2 (d is the squared distance), (1+d)/2 for IP (d is 1 − a·b, so a larger
// product scores lower: RediSearch's formula, kept as it is) and (2−d)/2 for COSINE (the
// cosine similarity mapped from [−1, 1] to [0, 1]).
func vectorScore(m vectors.Metric) func(float64) float64 {
	switch m {
	case vectors.L2:
		return func(d float64) float64 { return 1 / (1 + d) }
	case vectors.IP:
		return func(d float64) float64 { return (1 + d) / 2 }
	}
	return func(d float64) float64 { return (1 + (1 - d)) / 2 }
}

// hybridPlan is a compiled FT.HYBRID pipeline: FT.AGGREGATE's plan over the fused rows,
// and the slots of the scores the fusion fills in.
type hybridPlan struct {
	*aggPlan
	textSlot, vecSlot, fusedSlot int // -1 when not yielded
	countOnly                    bool
}

// Hybrid runs hr over idx: the text and the vector search, their fusion, then the rows'
// pipeline. tx must hold every shard.
func (r *Registry) Hybrid(tx *engine.Tx, idx *Index, hr *HybridRequest) (*AggResult, error) {
	// FT.HYBRID's queries are parsed in dialect 2 at least.
	dialect := max(2, int(r.DefaultDialect.Load()))
	textReq, err := hybridTextRequest(idx.Def, hr, dialect)
	if err != nil {
		return nil, err
	}
	vecReq, err := hybridVectorRequest(idx.Def, hr, dialect)
	if err != nil {
		return nil, err
	}
	hp, err := compileHybrid(idx.Def, hr)
	if err != nil {
		return nil, err
	}
	textRes, err := r.Search(tx, idx, textReq)
	if err != nil {
		return nil, err
	}
	vecRes, err := r.Search(tx, idx, vecReq)
	if err != nil {
		return nil, err
	}
	metric := idx.Def.Field(hr.Vector.Field).Vector.Metric
	fused := fuse(textRes.Hits, vecRes.Hits, vectorScore(metric), hr.Fusion)
	rows := hp.load(tx, idx.Def, fused)
	rows, total, err := hp.run(rows)
	if err != nil {
		return nil, err
	}
	if hp.countOnly {
		rows = nil
	}
	return &AggResult{Total: total, Rows: hp.output(rows)}, nil
}

// hybridParse parses one of FT.HYBRID's queries over def.
func hybridParse(def *Def, q string, hr *HybridRequest, dialect int) (query.Node, error) {
	return query.Parse(q, query.Options{Dialect: dialect, Params: hr.Params, IsStopWord: def.IsStopWord})
}

// hasVector reports whether a query holds a KNN or VECTOR_RANGE clause.
func hasVector(n query.Node) bool {
	found := false
	walkAST(n, func(c query.Node) {
		switch c.(type) {
		case *query.KNN, *query.VectorRange:
			found = true
		}
	})
	return found
}

// hybridTextRequest is the SEARCH clause as an FT.SEARCH request for its best Window
// documents by score.
func hybridTextRequest(def *Def, hr *HybridRequest, dialect int) (*Request, error) {
	ast, err := hybridParse(def, hr.Text.Query, hr, dialect)
	if err != nil {
		return nil, err
	}
	if hasVector(ast) {
		return nil, QueryError("Vector expressions are not allowed in FT.HYBRID SEARCH")
	}
	return &Request{Query: hr.Text.Query, Dialect: dialect, Params: hr.Params, Scorer: hr.Text.Scorer,
		Limit: hr.Fusion.Window}, nil
}

// hybridVectorRequest is the VSIM clause as an FT.SEARCH request: its FILTER with a KNN
// clause for the K nearest, or with a VECTOR_RANGE clause whose matches come nearest
// first, at most Window of them.
func hybridVectorRequest(def *Def, hr *HybridRequest, dialect int) (*Request, error) {
	v := hr.Vector
	var filter query.Node = &query.All{}
	if v.Filter != "" {
		f, err := hybridParse(def, v.Filter, hr, dialect)
		if err != nil {
			return nil, err
		}
		if hasVector(f) {
			return nil, QueryError("Vector expressions are not allowed in FT.HYBRID VSIM FILTER")
		}
		filter = f
	}
	if _, err := resolveVector(def, v.Field, v.Param, hr.Params); err != nil {
		return nil, err
	}
	req := &Request{Dialect: dialect, Params: hr.Params}
	if !v.Range {
		knn := &query.KNN{Filter: filter, K: v.K, Field: v.Field, BlobParam: v.Param, EFRuntime: v.EFRuntime,
			HybridPolicy: v.Policy, BatchSize: v.BatchSize}
		req.Query, req.Limit = knn.String(), v.K
		return req, nil
	}
	dist := "__" + v.Field + "_score" // the distance's name; the reply does not show it
	var n query.Node = &query.VectorRange{Field: v.Field, Radius: v.Radius, BlobParam: v.Param,
		Attrs: query.Attrs{YieldDistanceAs: dist, Epsilon: v.Epsilon}}
	if _, all := filter.(*query.All); !all {
		n = &query.Intersect{Children: []query.Node{filter, n}}
	}
	req.Query, req.SortBy, req.Limit = n.String(), dist, hr.Fusion.Window
	return req, nil
}

// compileHybrid compiles the rows' pipeline. A row holds, in order: the text score under
// SEARCH's YIELD_SCORE_AS, the LOADed properties (__key and __score, the fused score,
// without LOAD), the vector score under VSIM's YIELD_SCORE_AS and the fused score under
// COMBINE's; then what the steps add.
func compileHybrid(def *Def, hr *HybridRequest) (*hybridPlan, error) {
	ar := &AggRequest{Request: Request{Params: hr.Params}, LoadAll: hr.LoadAll}
	var yields []string
	yield := func(name string) error {
		if name == "" {
			return nil
		}
		if slices.Contains(yields, name) || slices.ContainsFunc(hr.Load, func(l ReturnField) bool { return l.As == name }) {
			return QueryError("Could not create score alias, name already exists in query, score alias: " + name)
		}
		yields = append(yields, name)
		ar.Load = append(ar.Load, ReturnField{ID: name, As: name})
		return nil
	}
	if err := yield(hr.Text.YieldScoreAs); err != nil {
		return nil, err
	}
	if len(hr.Load) == 0 && !hr.LoadAll {
		ar.Load = append(ar.Load, ReturnField{ID: "__key", As: "__key"}, ReturnField{ID: "__score", As: "__score"})
	}
	ar.Load = append(ar.Load, hr.Load...)
	if err := yield(hr.Vector.YieldScoreAs); err != nil {
		return nil, err
	}
	if err := yield(hr.Fusion.YieldScoreAs); err != nil {
		return nil, err
	}
	hp := &hybridPlan{}
	ar.Steps, hp.countOnly = hr.expandSteps()
	pl, err := compileAgg(def, ar, "")
	if err != nil {
		return nil, err
	}
	hp.aggPlan = pl
	slot := func(name string) int {
		if name == "" {
			return -1
		}
		return pl.l.slots[name]
	}
	hp.textSlot, hp.vecSlot, hp.fusedSlot = slot(hr.Text.YieldScoreAs), slot(hr.Vector.YieldScoreAs), slot(hr.Fusion.YieldScoreAs)
	// The yielded scores are compiled as loads to give them their places; the fusion
	// fills them in, nothing is read from the documents for them.
	pl.loads = slices.DeleteFunc(pl.loads, func(ls loadSpec) bool {
		return ls.slot == hp.textSlot || ls.slot == hp.vecSlot || ls.slot == hp.fusedSlot
	})
	return hp, nil
}

// expandSteps turns the request's steps into FT.AGGREGATE's: an arrange becomes a SORTBY
// with MAX offset+num (by its keys, or by the fused score, highest first) and a LIMIT. An
// arrange is added at the end when none follows the last GROUPBY, unless NOSORT: a page
// is the first 10 rows by score unless LIMIT says otherwise. countOnly is LIMIT 0 0: the
// reply has the total and no rows.
func (hr *HybridRequest) expandSteps() (steps []AggStep, countOnly bool) {
	grouped, tail := false, false
	for _, st := range hr.steps {
		if st.arrange == nil {
			steps = append(steps, st.AggStep)
			if st.Kind == StepGroup {
				grouped, tail = true, false
			}
			continue
		}
		s, c := hr.arrangeSteps(st.arrange, grouped)
		steps, countOnly, tail = append(steps, s...), countOnly || c, true
	}
	if !tail && !hr.NoSort {
		s, _ := hr.arrangeSteps(&arrange{}, grouped)
		steps = append(steps, s...)
	}
	return steps, countOnly
}

func (hr *HybridRequest) arrangeSteps(a *arrange, grouped bool) ([]AggStep, bool) {
	off, num := 0, hybridPage
	if a.limited {
		off, num = hr.LimitOffset, hr.LimitNum
		if num == 0 {
			return nil, true
		}
	}
	var out []AggStep
	switch {
	case len(a.keys) > 0:
		out = append(out, AggStep{Kind: StepSort, Keys: a.keys, Max: off + num})
	case !hr.NoSort && !grouped:
		// Grouped rows have no score to sort by: they keep their order.
		out = append(out, AggStep{Kind: StepSort, Keys: []SortKey{{Name: "__score", Desc: true}}, Max: off + num})
	}
	return append(out, AggStep{Kind: StepLimit, Offset: off, Num: num}), false
}

// load reads the fused documents into rows with their scores; a document whose key is
// gone is left out.
func (hp *hybridPlan) load(tx *engine.Tx, def *Def, fused []fusedHit) []*aggRow {
	rows := make([]*aggRow, 0, len(fused))
	set := func(row *aggRow, slot int, ok bool, x float64) {
		if slot >= 0 && ok {
			row.vals[slot] = expr.Num(x)
		}
	}
	for _, fh := range fused {
		h := Hit{Key: fh.key, Score: fh.score}
		row := hp.loadRow(tx.View(0, []byte(fh.key)), def, &h)
		if row == nil {
			continue
		}
		set(row, hp.textSlot, fh.inText, fh.text)
		set(row, hp.vecSlot, fh.inVec, fh.vec)
		set(row, hp.fusedSlot, true, fh.score)
		rows = append(rows, row)
	}
	return rows
}

// run passes the rows through the steps and counts the total as RediSearch does: the
// fused documents, less those a FILTER drops; after a GROUPBY, its groups.
func (hp *hybridPlan) run(rows []*aggRow) ([]*aggRow, int64, error) {
	total := int64(len(rows))
	for i := range hp.steps {
		n := len(rows)
		var err error
		if rows, err = hp.aggPlan.run(rows, hp.steps[i:i+1]); err != nil {
			return nil, 0, err
		}
		switch hp.steps[i].Kind {
		case StepFilter:
			total -= int64(n - len(rows))
		case StepGroup:
			total = int64(len(rows))
		}
	}
	return rows, total, nil
}
