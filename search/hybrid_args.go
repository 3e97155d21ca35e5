package search

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// HybridRequest is a parsed FT.HYBRID: a text query and a vector query, how their two
// rankings are fused into one, and the FT.AGGREGATE-like steps the fused rows then pass
// through.
type HybridRequest struct {
	Text   HybridText
	Vector HybridVector
	Fusion Fusion

	Load    []ReturnField // LOAD's fields; none and !LoadAll: the rows hold __key and __score
	LoadAll bool          // LOAD *
	NoSort  bool          // NOSORT: the rows keep the fusion's order
	Params  map[string]string
	// HasLimit tells that LIMIT LimitOffset LimitNum was given; without it a page is the
	// first 10 rows.
	HasLimit              bool
	LimitOffset, LimitNum int

	steps []hybridStep // APPLY, FILTER, GROUPBY and SORTBY/LIMIT, in the order given
}

// HybridText is FT.HYBRID's SEARCH clause.
type HybridText struct {
	Query        string
	Scorer       string // BM25STD (the default) or TFIDF
	YieldScoreAs string // the row property holding the document's text score
}

// HybridVector is FT.HYBRID's VSIM clause.
type HybridVector struct {
	Field string // the vector attribute, without '@'
	Param string // the PARAMS name of the query vector, without '$'
	Range bool   // RANGE (documents within Radius) instead of KNN (the K nearest)
	K     int
	// EFRuntime, Radius and Epsilon are KNN's and RANGE's options; nil: the field's own.
	EFRuntime *int
	Radius    float64
	Epsilon   *float64
	Filter    string // the documents the vector query may return; "" for all
	// Policy ("ADHOC_BF" or "BATCHES") and BatchSize steer a filtered KNN, as the KNN
	// clause's HYBRID_POLICY and BATCH_SIZE do.
	Policy       string
	BatchSize    *int
	YieldScoreAs string // the row property holding the document's vector score
}

// Fusion is FT.HYBRID's COMBINE clause.
type Fusion struct {
	Linear       bool    // LINEAR; false: RRF
	Constant     float64 // RRF: a document at rank r of a list gets 1/(Constant+r) from it
	Alpha, Beta  float64 // LINEAR: Alpha × text score + Beta × vector score
	Window       int     // how many of each list's best take part
	YieldScoreAs string  // the row property holding the fused score, besides __score
}

// RediSearch's defaults for FT.HYBRID.
const (
	hybridWindow     = 20
	hybridRRFK       = 60
	hybridAlpha      = 0.3
	hybridBeta       = 0.7
	hybridK          = 10
	hybridPage       = 10
	hybridDialectMsg = "DIALECT is not supported in FT.HYBRID or any of its subqueries. Please check the documentation on search-default-dialect configuration."
)

// hybridStep is one step after the fusion: an APPLY, FILTER or GROUPBY as in
// FT.AGGREGATE, or an arrange: RediSearch folds the SORTBY and the LIMIT that follow the
// same GROUPBY (or none) into one step, where the first of them stands.
type hybridStep struct {
	AggStep
	arrange *arrange
}

type arrange struct {
	keys    []SortKey
	limited bool // the LIMIT is the request's
}

// ParseHybrid parses FT.HYBRID's arguments after the index name.
func ParseHybrid(argv []string) (*HybridRequest, error) {
	hr := &HybridRequest{
		Vector: HybridVector{K: hybridK},
		Fusion: Fusion{Constant: hybridRRFK, Window: hybridWindow},
	}
	r := &args{a: argv}
	if err := hybridCount(r); err != nil {
		return nil, err
	}
	if err := hr.Text.parse(r); err != nil {
		return nil, err
	}
	if err := hr.Vector.parse(r); err != nil {
		return nil, err
	}
	if err := hr.parseTail(r); err != nil {
		return nil, err
	}
	if !hr.Vector.Range {
		// The fusion reads no more than Window of each list.
		hr.Vector.K = min(hr.Vector.K, hr.Fusion.Window)
	}
	return hr, nil
}

// hybridCount reads the number of subqueries before SEARCH (Redis 8.4.x), which may be
// left out; 2 is the only one allowed.
func hybridCount(r *args) error {
	if !r.more() {
		return ArgError("Missing subqueries count for FT.HYBRID")
	}
	if n, err := strconv.ParseUint(r.peek(), 10, 32); err == nil && n >= 1 {
		r.i++
		if n != 2 {
			return ArgError("FT.HYBRID currently supports only two subqueries")
		}
		if !r.is("SEARCH") {
			return ArgError("SEARCH keyword is required")
		}
		return nil
	}
	if !r.is("SEARCH") {
		return ArgError("Invalid subqueries count: expected an unsigned integer")
	}
	return nil
}

// parse reads SEARCH's query and options, up to VSIM.
func (t *HybridText) parse(r *args) error {
	q, ok := r.next()
	if !ok {
		return ArgError("No query string provided for SEARCH")
	}
	t.Query = q
	for r.more() {
		w := strings.ToUpper(r.peek())
		switch w {
		case "VSIM":
			return nil
		case "DIALECT":
			return ArgError(hybridDialectMsg)
		case "SCORER", "YIELD_SCORE_AS":
			r.i++
			v, ok := r.next()
			if !ok {
				return argErrorf("Bad arguments for %s: Expected an argument, but none provided", w)
			}
			if w == "YIELD_SCORE_AS" {
				t.YieldScoreAs = v
				continue
			}
			s := strings.ToUpper(v)
			if !slices.Contains(Scorers, s) {
				return argErrorf("Scoring function `%s` not found", v)
			}
			t.Scorer = s
		default:
			return argErrorf("Unknown argument `%s` in SEARCH", r.peek())
		}
	}
	return nil
}

// parse reads VSIM @field $param [KNN …|RANGE …] [FILTER …] [YIELD_SCORE_AS name].
func (v *HybridVector) parse(r *args) error {
	if !r.is("VSIM") {
		return ArgError("VSIM argument is required")
	}
	f, ok := r.next()
	if !ok {
		return ArgError("Missing vector field name")
	}
	if !strings.HasPrefix(f, "@") {
		return ArgError("Missing @ prefix for vector field name")
	}
	v.Field = f[1:]
	p, ok := r.next()
	if !ok {
		return ArgError("Missing vector argument")
	}
	if !strings.HasPrefix(p, "$") {
		return ArgError("Invalid vector argument, expected a parameter name starting with $")
	}
	v.Param = p[1:]
	var err error
	switch {
	case r.is("KNN"):
		err = v.parseKNN(r)
	case r.is("RANGE"):
		v.Range = true
		err = v.parseRange(r)
	}
	if err == nil && r.is("FILTER") {
		err = v.parseFilter(r)
	}
	for err == nil && r.is("YIELD_SCORE_AS") {
		switch s, ok := r.next(); {
		case v.YieldScoreAs != "":
			err = ArgError("Duplicate YIELD_SCORE_AS argument")
		case !ok:
			err = ArgError("Missing argument value for YIELD_SCORE_AS")
		default:
			v.YieldScoreAs = s
		}
	}
	if err == nil && r.is("DIALECT") {
		err = ArgError(hybridDialectMsg)
	}
	return err
}

// pairsCount reads the count of a KNN or RANGE clause: a positive even number of
// arguments, name and value pairs.
func pairsCount(r *args) (int, error) {
	s, ok := r.next()
	if !ok {
		return 0, ArgError("Missing argument count")
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, ArgError("Invalid argument count: expected an unsigned integer")
	}
	if n == 0 || n%2 != 0 {
		return 0, argErrorf("Invalid argument count: %d (must be a positive even number for key/value pairs)", n)
	}
	return int(n), nil
}

// clauseValue reads the value of a KNN or RANGE argument name, which must not be the
// last argument.
func clauseValue(r *args, name string) (string, error) {
	s, ok := r.next()
	if !ok {
		return "", ArgError("Missing argument value for " + name)
	}
	return s, nil
}

func expectedArgs(n, provided int) error {
	verb := "were"
	if provided == 1 {
		verb = "was"
	}
	return argErrorf("Expected arguments %d, but %d %s provided", n, provided, verb)
}

// clauseOptions reads a counted clause's name/value pairs (KNN's, RANGE's), each name one
// of allowed and given once, and calls set with each in order; required must be among them.
func clauseOptions(r *args, clause, required string, allowed []string, set func(name, value string) error) error {
	n, err := pairsCount(r)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := 0; i < n; i += 2 {
		w, ok := r.next()
		if !ok {
			return expectedArgs(n, i)
		}
		name := strings.ToUpper(w)
		if !slices.Contains(allowed, name) {
			return argErrorf("Unknown argument `%s` in %s", w, clause)
		}
		if seen[name] {
			return ArgError("Duplicate " + name + " argument")
		}
		seen[name] = true
		s, err := clauseValue(r, name)
		if err != nil {
			return err
		}
		if err := set(name, s); err != nil {
			return err
		}
	}
	if !seen[required] {
		return ArgError("Missing required argument " + required)
	}
	return nil
}

// parseKNN reads KNN's count and K k [EF_RUNTIME ef] [SHARD_K_RATIO ratio].
func (v *HybridVector) parseKNN(r *args) error {
	return clauseOptions(r, "KNN", "K", []string{"K", "EF_RUNTIME", "SHARD_K_RATIO"}, func(name, s string) error {
		switch name {
		case "K":
			k, err := strconv.Atoi(s)
			if err != nil || k < 1 {
				return ArgError("Invalid K value")
			}
			v.K = k
		case "EF_RUNTIME":
			ef, err := strconv.Atoi(s)
			if err != nil || ef < 1 {
				return ArgError("Invalid EF_RUNTIME value")
			}
			v.EFRuntime = &ef
		case "SHARD_K_RATIO":
			// How much of K each cluster shard returns; darner's shards all answer
			// in full, so it is checked and has no effect.
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return argErrorf("Invalid shard k ratio value '%s'", s)
			}
			if x <= 0 || x > 1 {
				return argErrorf("Invalid shard k ratio value: Shard k ratio must be greater than 0 and at most 1 (got %g)", x)
			}
		}
		return nil
	})
}

// parseRange reads RANGE's count and RADIUS r [EPSILON e].
func (v *HybridVector) parseRange(r *args) error {
	return clauseOptions(r, "RANGE", "RADIUS", []string{"RADIUS", "EPSILON"}, func(name, s string) error {
		x, perr := strconv.ParseFloat(s, 64)
		bad := perr != nil || math.IsNaN(x) || x < 0
		if name == "RADIUS" {
			if bad {
				return ArgError("Invalid RADIUS value")
			}
			v.Radius = x
			return nil
		}
		if bad || x == 0 {
			return ArgError("Invalid EPSILON value")
		}
		v.Epsilon = &x
		return nil
	})
}

// parseFilter reads VSIM's FILTER: `FILTER expr`, or (Redis 8.4.x) `FILTER n expr
// [POLICY ADHOC|BATCHES] [BATCH_SIZE b]`, told apart by whether a count follows.
func (v *HybridVector) parseFilter(r *args) error {
	if !r.more() {
		return ArgError("Missing argument count for FILTER")
	}
	n, err := strconv.ParseUint(r.peek(), 10, 64)
	if err != nil {
		v.Filter, _ = r.next()
		return nil
	}
	r.i++
	if rest := uint64(len(r.a) - r.i); n > rest {
		return argErrorf("Not enough arguments in FILTER, specified %d but provided only %d", n, rest)
	}
	if n == 0 {
		return ArgError("Missing filter-expression for FILTER")
	}
	sub := &args{a: r.a[r.i : r.i+int(n)]}
	r.i += int(n)
	v.Filter, _ = sub.next()
	seen := map[string]bool{}
	for sub.more() {
		w, _ := sub.next()
		name := strings.ToUpper(w)
		if name != "POLICY" && name != "BATCH_SIZE" {
			return ArgError(w + ": Unknown argument")
		}
		if seen[name] {
			return ArgError(name + ": Argument specified multiple times")
		}
		seen[name] = true
		s, ok := sub.next()
		if !ok {
			return ArgError(name + ": Expected an argument, but none provided")
		}
		if err := v.filterOption(name, s); err != nil {
			return err
		}
	}
	if v.Range && (v.Policy != "" || v.BatchSize != nil) {
		return ArgError("Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query")
	}
	if v.Policy == "ADHOC_BF" && v.BatchSize != nil {
		return ArgError("Error parsing vector similarity parameters: 'batch size' is irrelevant for the selected policy")
	}
	return nil
}

func (v *HybridVector) filterOption(name, s string) error {
	if name == "POLICY" {
		switch strings.ToUpper(s) {
		case "ADHOC":
			v.Policy = "ADHOC_BF"
		case "BATCHES":
			v.Policy = "BATCHES"
		default:
			return ArgError("POLICY: Invalid value for argument")
		}
		return nil
	}
	b, err := strconv.Atoi(s)
	if err != nil || b <= 0 {
		return ArgError("Error parsing vector similarity parameters: invalid batch size value")
	}
	v.BatchSize = &b
	return nil
}

// missingArg is RediSearch's argument parser's error for an option without its value.
func missingArg(name string) error {
	return ArgError(name + ": Expected an argument, but none provided")
}

// subArgs reads the count of an option whose arguments are counted, at least least, and
// checks that that many follow, with the errors of RediSearch's argument parser.
func subArgs(r *args, name string, least uint64) (int, error) {
	s, ok := r.next()
	if !ok {
		return 0, missingArg(name)
	}
	n, err := strconv.ParseUint(s, 10, 32)
	switch {
	case err != nil:
		return 0, ArgError(name + ": Failed to parse the argument count")
	case n < least:
		return 0, ArgError(name + ": Invalid argument count")
	case uint64(len(r.a)-r.i) < n:
		return 0, ArgError(name + ": Not enough arguments were provided based on argument count")
	}
	return int(n), nil
}

// hybridOnce are the options after VSIM that may be given once only.
var hybridOnce = map[string]bool{"COMBINE": true, "LIMIT": true, "SORTBY": true, "NOSORT": true,
	"GROUPBY": true, "FILTER": true, "PARAMS": true, "TIMEOUT": true, "DIALECT": true, "FORMAT": true,
	"WITHCURSOR": true, "EXPLAINSCORE": true}

// parseTail reads the options after the VSIM clause, in any order.
func (hr *HybridRequest) parseTail(r *args) error {
	seen := map[string]bool{}
	explain := false
	for r.more() {
		w, _ := r.next()
		name := strings.ToUpper(w)
		if hybridOnce[name] {
			if seen[name] {
				return ArgError(name + ": Argument specified multiple times")
			}
			seen[name] = true
		}
		var err error
		switch name {
		case "COMBINE":
			err = hr.Fusion.parse(r)
		case "LOAD":
			err = hr.parseLoad(r)
		case "APPLY", "FILTER":
			err = hr.parseExpr(name, r)
		case "GROUPBY":
			err = hr.parseGroupBy(r)
		case "SORTBY":
			err = hr.parseSortBy(r)
		case "NOSORT":
			if hr.hasSortKeys() {
				err = ArgError("NOSORT is not allowed with SORTBY")
			}
			hr.NoSort = true
		case "LIMIT":
			err = hr.parseLimit(r)
		case "PARAMS":
			err = hr.parseParams(r)
		case "TIMEOUT":
			s, ok := r.next()
			if !ok {
				err = missingArg(name)
			} else if _, perr := strconv.ParseInt(s, 10, 64); perr != nil {
				err = ArgError("TIMEOUT: Could not convert argument to expected type")
			}
		case "DIALECT":
			err = ArgError(hybridDialectMsg)
		case "FORMAT":
			err = parseFormat(r)
		case "EXPLAINSCORE":
			explain = true
		case "WITHCURSOR":
			err = ArgError("FT.HYBRID WITHCURSOR is not supported by darner yet")
		default:
			err = ArgError(w + ": Unknown argument")
		}
		if err != nil {
			return err
		}
	}
	if explain {
		return ArgError("EXPLAINSCORE is not yet supported by FT.HYBRID")
	}
	return nil
}

func parseFormat(r *args) error {
	s, ok := r.next()
	switch {
	case !ok:
		return missingArg("FORMAT")
	case strings.EqualFold(s, "STRING"):
		return nil
	case strings.EqualFold(s, "EXPAND"):
		return ArgError("FT.HYBRID FORMAT EXPAND is not supported by darner yet")
	}
	return ArgError("FORMAT: Invalid value for argument")
}

// prefixed strips the '@' that FT.HYBRID requires before a property name (a JSONPath
// starts with '$' and is kept whole).
func prefixed(s, context string) (string, error) {
	switch {
	case strings.HasPrefix(s, "@"):
		return s[1:], nil
	case strings.HasPrefix(s, "$"):
		return s, nil
	}
	return "", argErrorf("Missing prefix: name requires '@' prefix, JSON path require '$' prefix, got: %s in %s", s, context)
}

// parseLoad reads LOAD * or LOAD n @field [AS name]…
func (hr *HybridRequest) parseLoad(r *args) error {
	s, ok := r.next()
	if !ok {
		return missingArg("LOAD")
	}
	if s == "*" {
		hr.LoadAll = true
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return ArgError("Bad arguments for LOAD: Expected number of fields or `*`")
	}
	if int64(len(r.a)-r.i) < n {
		return ArgError("Not enough arguments for LOAD")
	}
	sub := &args{a: r.a[r.i : r.i+int(n)]}
	r.i += int(n)
	for sub.more() {
		f, _ := sub.next()
		id, err := prefixed(f, "LOAD")
		if err != nil {
			return err
		}
		lf := ReturnField{ID: id, As: id}
		if sub.is("AS") {
			if lf.As, ok = sub.next(); !ok {
				return ArgError("LOAD path AS name - must be accompanied with NAME")
			}
			if strings.EqualFold(lf.As, "AS") {
				return ArgError("Alias for LOAD cannot be `AS`")
			}
		}
		hr.Load = append(hr.Load, lf)
	}
	return nil
}

// parseExpr reads APPLY expr [AS name] or FILTER expr.
func (hr *HybridRequest) parseExpr(name string, r *args) error {
	e, ok := r.next()
	if !ok {
		return missingArg(name)
	}
	if name == "FILTER" {
		hr.steps = append(hr.steps, hybridStep{AggStep: AggStep{Kind: StepFilter, Expr: e}})
		return nil
	}
	st := AggStep{Kind: StepApply, Expr: e, As: e}
	if r.is("AS") {
		if st.As, ok = r.next(); !ok {
			return ArgError("AS needs argument")
		}
	}
	hr.steps = append(hr.steps, hybridStep{AggStep: st})
	return nil
}

// parseGroupBy reads GROUPBY n @p… [REDUCE fn n args… [AS name]]…, FT.AGGREGATE's clause
// with '@' required before each property.
func (hr *HybridRequest) parseGroupBy(r *args) error {
	n, err := subArgs(r, "GROUPBY", 0)
	if err != nil {
		return err
	}
	if n == 0 {
		return ArgError("Bad arguments for GROUPBY: Expected at least one property, got: 0")
	}
	for _, p := range r.a[r.i : r.i+n] {
		if !strings.HasPrefix(p, "@") {
			return argErrorf("Bad arguments for GROUPBY: Unknown property `%s`. Did you mean `@%s`?", p, p)
		}
	}
	r.i-- // back to the count, which FT.AGGREGATE's parser reads itself
	ar := &AggRequest{}
	if err := ar.groupBy(r); err != nil {
		return err
	}
	st := ar.Steps[0]
	for _, rs := range st.Reducers {
		if len(rs.Args) > 0 {
			if _, err := prefixed(rs.Args[0], rs.Func); err != nil {
				return err
			}
		}
	}
	hr.steps = append(hr.steps, hybridStep{AggStep: st})
	return nil
}

// currentArrange is the arrange step a SORTBY or LIMIT joins: the one after the last
// GROUPBY, made there if there is none.
func (hr *HybridRequest) currentArrange() *arrange {
	for i := len(hr.steps) - 1; i >= 0; i-- {
		st := &hr.steps[i]
		if st.arrange != nil {
			return st.arrange
		}
		if st.Kind == StepGroup {
			break
		}
	}
	a := &arrange{}
	hr.steps = append(hr.steps, hybridStep{arrange: a})
	return a
}

func (hr *HybridRequest) hasSortKeys() bool {
	for _, st := range hr.steps {
		if st.arrange != nil && len(st.arrange.keys) > 0 {
			return true
		}
	}
	return false
}

// parseSortBy reads SORTBY n (@p [ASC|DESC])…; ascending unless DESC.
func (hr *HybridRequest) parseSortBy(r *args) error {
	n, err := subArgs(r, "SORTBY", 1)
	if err != nil {
		return err
	}
	if hr.NoSort {
		return ArgError("NOSORT is not allowed with SORTBY")
	}
	sub := &args{a: r.a[r.i : r.i+n]}
	r.i += n
	a := hr.currentArrange()
	for sub.more() {
		f, _ := sub.next()
		name, err := prefixed(f, "SORTBY")
		if err != nil {
			return err
		}
		k := SortKey{Name: name}
		if sub.is("DESC") {
			k.Desc = true
		} else {
			sub.is("ASC")
		}
		a.keys = append(a.keys, k)
	}
	return nil
}

// parseLimit reads LIMIT offset num.
func (hr *HybridRequest) parseLimit(r *args) error {
	if len(r.a)-r.i < 2 {
		return ArgError("LIMIT: Not enough arguments were provided")
	}
	off, err1 := strconv.ParseUint(r.a[r.i], 10, 31)
	num, err2 := strconv.ParseUint(r.a[r.i+1], 10, 31)
	r.i += 2
	switch {
	case err1 != nil:
		return ArgError("LIMIT offset must be a non-negative integer")
	case err2 != nil:
		return ArgError("LIMIT count must be a non-negative integer")
	case num == 0 && off != 0:
		return ArgError("The `offset` of the LIMIT must be 0 when `num` is 0")
	}
	hr.HasLimit, hr.LimitOffset, hr.LimitNum = true, int(off), int(num)
	hr.currentArrange().limited = true
	return nil
}

// parseParams reads PARAMS n name value…
func (hr *HybridRequest) parseParams(r *args) error {
	n, err := subArgs(r, "PARAMS", 1)
	if err != nil {
		return err
	}
	if n%2 != 0 {
		return ArgError("Parameters must be specified in PARAM VALUE pairs")
	}
	hr.Params = r.pairs(n / 2)
	return nil
}
