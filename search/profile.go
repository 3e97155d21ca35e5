package search

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"darner/engine"
	"darner/search/query"
)

// Profile is what FT.PROFILE reports of one search or aggregate: per shard, the time its
// part took, the query's tree with what each node matched there, and the steps its
// documents went through; then the work done on the merged results.
type Profile struct {
	Parse     time.Duration // parsing the query and resolving its vector clauses
	Shards    []ShardProfile
	Merge     time.Duration // merging the shards' results and running what remains
	Total     time.Duration
	Truncated bool // LIMITED: expansions are counted, not listed
}

// ShardProfile is one shard's share of a profiled query.
type ShardProfile struct {
	Time       time.Duration
	Iterators  *ProfileNode
	Processors []ProfileStep
}

// ProfileNode is one node of the query tree as evaluated on one shard: its kind, in
// RediSearch's names, the documents it matched there and the time its evaluation took.
type ProfileNode struct {
	Type      string // TEXT, TAG, NUMERIC, GEO, UNION, INTERSECT, NOT, OPTIONAL, WILDCARD, EMPTY, VECTOR, …
	QueryType string // a UNION's origin: UNION, PREFIX - x, FUZZY - x, …
	Term      string
	Time      time.Duration
	Count     int64
	Children  []*ProfileNode
	// Single is true for the nodes with one child (NOT, OPTIONAL, VECTOR's filter).
	Single bool
}

// ProfileStep is one stage a shard's documents went through, with how many came out.
type ProfileStep struct {
	Type  string
	Count int64
	Time  time.Duration
}

// partProfile is what a profiled fan-out records of one part.
type partProfile struct {
	time    time.Duration
	matches int64
	hits    int
	steps   []ProfileStep // FT.AGGREGATE's per-part steps
}

// profileParts evaluates ast's nodes on every part of idx, for FT.PROFILE's iterator
// trees: each node on its own, timed, counting what it matches on that part. It reads the
// parts under the shard locks the caller's tx holds.
func profileParts(tx *engine.Tx, idx *Index, req *Request, ast query.Node, parts []partProfile, limited bool) []ShardProfile {
	out := make([]ShardProfile, len(idx.parts))
	for i, p := range idx.parts {
		e := newEvaluator(tx.ShardView(0, i), p, req)
		root := ast
		var knn *query.KNN
		if k, ok := ast.(*query.KNN); ok {
			knn, root = k, k.Filter
		}
		node := profileNode(e, root, limited)
		if knn != nil {
			v := &ProfileNode{Type: "VECTOR", Count: int64(parts[i].hits), Time: parts[i].time}
			if _, all := knn.Filter.(*query.All); !all {
				v.Children, v.Single = []*ProfileNode{node}, true
			}
			node = v
		}
		out[i] = ShardProfile{Time: parts[i].time, Iterators: node}
	}
	return out
}

// profileNode evaluates n on e's part, then its children each on its own.
func profileNode(e *evaluator, n query.Node, limited bool) *ProfileNode {
	t0 := time.Now()
	m := e.eval(n)
	pn := &ProfileNode{Count: int64(m.GetCardinality()), Time: time.Since(t0)}
	kids := func(cs ...query.Node) {
		for _, c := range cs {
			pn.Children = append(pn.Children, profileNode(e, c, limited))
		}
	}
	switch n := n.(type) {
	case *query.Intersect:
		pn.Type = "INTERSECT"
		kids(n.Children...)
	case *query.Union:
		pn.Type, pn.QueryType = "UNION", "UNION"
		kids(n.Children...)
	case *query.Not:
		pn.Type, pn.Single = "NOT", true
		kids(n.Child)
	case *query.Optional:
		pn.Type, pn.Single = "OPTIONAL", true
		kids(n.Child)
	case *query.Fields:
		// A field restriction is no iterator of its own: its child, restricted.
		saved := e.mask
		e.mask = andMask(saved, e.fieldMask(n.Names))
		defer func() { e.mask = saved }()
		return profileNode(e, n.Child, limited)
	case *query.Term:
		pn.Type, pn.Term = "TEXT", strings.ToLower(n.Text)
	case *query.Phrase:
		pn.Type = "INTERSECT"
		for _, w := range n.Terms {
			kids(&query.Term{P: n.P, Text: w})
		}
	case *query.Affix:
		pn.Type, pn.QueryType = "UNION", affixName(n.Kind)+" - "+strings.ToLower(n.Text)
	case *query.Wildcard:
		pn.Type, pn.QueryType = "UNION", "WILDCARD - "+n.Pattern
	case *query.Fuzzy:
		pn.Type, pn.QueryType = "UNION", "FUZZY - "+strings.ToLower(n.Text)
	case *query.Tag:
		pn.Type = "TAG"
		vals := make([]string, len(n.Values))
		for i, v := range n.Values {
			vals[i] = v.Text
		}
		pn.Term = strings.Join(vals, "|")
	case *query.Numeric:
		pn.Type, pn.Term = "NUMERIC", profileNum(n.Min)+" - "+profileNum(n.Max)
	case *query.Geo:
		pn.Type = "GEO"
	case *query.All:
		pn.Type = "WILDCARD"
	case *query.Empty:
		pn.Type = "EMPTY"
	case *query.IsMissing:
		pn.Type, pn.Term = "MISSING", n.Field
	case *query.VectorRange:
		pn.Type = "METRIC - VECTOR DISTANCE"
	default:
		pn.Type = fmt.Sprintf("%T", n)
	}
	if limited && pn.QueryType != "" && pn.QueryType != "UNION" {
		pn.Children = nil
	}
	return pn
}

func affixName(k query.AffixKind) string {
	switch k {
	case query.Suffix:
		return "SUFFIX"
	case query.Infix:
		return "INFIX"
	}
	return "PREFIX"
}

func profileNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// ProfileSearch runs req as Search does and profiles it.
func (r *Registry) ProfileSearch(tx *engine.Tx, idx *Index, req *Request, limited bool) (*Result, *Profile, error) {
	t0 := time.Now()
	req.prof = make([]partProfile, len(idx.parts))
	res, err := r.Search(tx, idx, req)
	if err != nil {
		return nil, nil, err
	}
	total := time.Since(t0)
	prof := &Profile{Total: total, Parse: req.parseTime, Truncated: limited}
	prof.Merge = max(total-req.parseTime-slowestPart(req.prof), 0)
	prof.Shards = profileParts(tx, idx, req, req.ast, req.prof, limited)
	for i := range prof.Shards {
		pp := req.prof[i]
		steps := []ProfileStep{{Type: "Index", Count: pp.matches, Time: pp.time}}
		if req.SortBy == "" && hasTextClause(req.ast) {
			steps = append(steps, ProfileStep{Type: "Scorer", Count: pp.matches})
		}
		steps = append(steps, ProfileStep{Type: "Sorter", Count: int64(pp.hits)})
		prof.Shards[i].Processors = steps
	}
	return res, prof, nil
}

// ProfileAggregate runs ar as Aggregate does and profiles it.
func (r *Registry) ProfileAggregate(tx *engine.Tx, idx *Index, ar *AggRequest, limited bool) (*AggResult, *Profile, error) {
	t0 := time.Now()
	ar.Request.prof = make([]partProfile, len(idx.parts))
	res, err := r.Aggregate(tx, idx, ar)
	if err != nil {
		return nil, nil, err
	}
	total := time.Since(t0)
	req := &ar.Request
	prof := &Profile{Total: total, Parse: req.parseTime, Truncated: limited}
	prof.Merge = max(total-req.parseTime-slowestPart(req.prof), 0)
	prof.Shards = profileParts(tx, idx, req, req.ast, req.prof, limited)
	for i := range prof.Shards {
		pp := req.prof[i]
		steps := append([]ProfileStep{{Type: "Index", Count: pp.matches, Time: pp.time}}, pp.steps...)
		prof.Shards[i].Processors = steps
	}
	return res, prof, nil
}

func slowestPart(ps []partProfile) time.Duration {
	var m time.Duration
	for _, p := range ps {
		m = max(m, p.time)
	}
	return m
}

// stepName is an FT.AGGREGATE step's name in FT.PROFILE, as RediSearch names its result
// processors.
func stepName(st *planStep) string {
	switch st.Kind {
	case StepApply:
		return "Projector - " + st.Expr
	case StepFilter:
		return "Filter - Predicate " + st.Expr
	case StepGroup:
		return "Grouper"
	case StepSort:
		return "Sorter"
	}
	return "Pager/Limiter"
}

// hasTextClause reports whether a query tree has a clause that scores (text).
func hasTextClause(n query.Node) bool {
	switch n := n.(type) {
	case *query.Term, *query.Phrase, *query.Affix, *query.Wildcard, *query.Fuzzy:
		return true
	case *query.Intersect:
		return slices.ContainsFunc(n.Children, hasTextClause)
	case *query.Union:
		return slices.ContainsFunc(n.Children, hasTextClause)
	case *query.Not:
		return hasTextClause(n.Child)
	case *query.Optional:
		return hasTextClause(n.Child)
	case *query.Fields:
		return hasTextClause(n.Child)
	case *query.KNN:
		return hasTextClause(n.Filter)
	}
	return false
}
