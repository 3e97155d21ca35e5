package search

import (
	"slices"
	"strconv"
	"strings"
)

// SearchArgs is FT.SEARCH's parsed arguments: the Request, and what shapes the reply.
type SearchArgs struct {
	Request
	NoContent  bool
	WithScores bool
	SortKeys   bool
	// WithPayloads asks for each hit's payload: darner's documents have none (payloads are
	// deprecated since RediSearch 2.0, and FT.CREATE's PAYLOAD_FIELD is refused), so nil.
	WithPayloads bool
	Returns      []ReturnField // nil: whole documents; empty (RETURN 0): none
	Highlight    *HighlightOpts
	Summarize    *SummarizeOpts
}

// ReturnField is one RETURN entry: a hash field, attribute or JSONPath, and its name in the
// reply.
type ReturnField struct {
	ID, As string
}

// ParseSearch parses FT.SEARCH's arguments after the index name: the query, then options
// in any order.
func ParseSearch(argv []string) (*SearchArgs, error) {
	sa := &SearchArgs{Request: Request{Query: argv[0], Limit: 10}}
	r := &args{a: argv[1:]}
	for r.more() {
		w, _ := r.next()
		if err := sa.option(strings.ToUpper(w), r); err != nil {
			return nil, err
		}
	}
	sa.returnHighlighted()
	return sa, nil
}

func (sa *SearchArgs) option(w string, r *args) error {
	req := &sa.Request
	var err error
	switch w {
	case "NOCONTENT":
		sa.NoContent = true
	case "VERBATIM":
		req.Verbatim = true
	case "NOSTOPWORDS":
		req.NoStopWords = true
	case "WITHSCORES":
		sa.WithScores = true
	case "WITHSORTKEYS":
		sa.SortKeys = true
	case "INORDER":
		req.InOrder = true
	case "LIMIT":
		if req.Offset, err = r.int("LIMIT"); err == nil {
			req.Limit, err = r.int("LIMIT")
		}
	case "SLOP":
		var n int
		if n, err = r.int("SLOP"); err == nil {
			req.Slop = &n
		}
	case "TIMEOUT":
		_, err = r.int("TIMEOUT")
	case "LANGUAGE":
		req.Language, _ = r.next()
	case "SCORER":
		s, _ := r.next()
		if !slices.Contains(Scorers, strings.ToUpper(s)) {
			return argErrorf("Scoring function `%s` not found", s)
		}
		req.Scorer = strings.ToUpper(s)
	case "DIALECT":
		s, _ := r.next()
		d, perr := strconv.Atoi(s)
		if perr != nil || d < 1 || d > 4 {
			return ArgError("DIALECT requires a non negative integer >=1 and <= 4")
		}
		req.Dialect = d
	case "FORMAT":
		f, _ := r.next()
		if !strings.EqualFold(f, "STRING") {
			return argErrorf("FORMAT %s is not supported by darner", f)
		}
	case "SORTBY":
		err = sa.sortBy(r)
	case "PARAMS":
		err = sa.params(r)
	case "RETURN":
		err = sa.returnFields(r)
	case "INKEYS", "INFIELDS":
		var n int
		if n, err = r.count(w); err == nil {
			list := make([]string, n)
			for i := range list {
				list[i], _ = r.next()
			}
			if w == "INKEYS" {
				req.InKeys = list
			} else {
				req.InFields = list
			}
		}
	case "FILTER":
		err = sa.filter(r)
	case "GEOFILTER":
		err = sa.geoFilter(r)
	case "HIGHLIGHT":
		err = sa.highlight(r)
	case "SUMMARIZE":
		err = sa.summarize(r)
	case "EXPLAINSCORE":
		req.ExplainScore = true
	case "EXPANDER":
		// RediSearch's default expander (stems, synonyms, phonetic codes) is the only one
		// darner has; naming it is accepted.
		e, _ := r.next()
		if !strings.EqualFold(e, "DEFAULT") {
			return argErrorf("FT.SEARCH EXPANDER %s is not supported by darner (its expansion is RediSearch's DEFAULT)", e)
		}
	case "WITHPAYLOADS":
		sa.WithPayloads = true
	case "PAYLOAD":
		// The query's payload is for scorers reading document payloads (HAMMING); no
		// document has one, so it changes no score.
		if _, ok := r.next(); !ok {
			return ArgError("Bad arguments for PAYLOAD: Not enough arguments")
		}
	default:
		return argErrorf("Unknown argument `%s`", w)
	}
	return err
}

func (sa *SearchArgs) sortBy(r *args) error {
	f, ok := r.next()
	if !ok {
		return ArgError("Bad arguments for SORTBY: Not enough arguments")
	}
	sa.SortBy = strings.TrimPrefix(f, "@")
	for r.more() {
		switch strings.ToUpper(r.a[r.i]) {
		case "ASC":
			sa.SortDesc = false
		case "DESC":
			sa.SortDesc = true
		case "WITHCOUNT":
		default:
			return nil
		}
		r.i++
	}
	return nil
}

func (sa *SearchArgs) params(r *args) error {
	n, err := r.count("PARAMS")
	if err != nil {
		return err
	}
	if n%2 != 0 {
		return ArgError("Bad arguments for PARAMS: Expected an even number of arguments")
	}
	sa.Params = r.pairs(n / 2)
	return nil
}

// pairs reads n name/value pairs into a map (PARAMS).
func (a *args) pairs(n int) map[string]string {
	m := make(map[string]string, n)
	for range n {
		k, _ := a.next()
		v, _ := a.next()
		m[k] = v
	}
	return m
}

func (sa *SearchArgs) returnFields(r *args) error {
	n, err := r.count("RETURN")
	if err != nil {
		return err
	}
	sa.Returns = make([]ReturnField, 0, n)
	for end := r.i + n; r.i < end; {
		id, _ := r.next()
		rf := ReturnField{ID: id, As: id}
		if r.i+1 < end && strings.EqualFold(r.a[r.i], "AS") {
			r.i++
			rf.As, _ = r.next()
		}
		sa.Returns = append(sa.Returns, rf)
	}
	return nil
}

func (sa *SearchArgs) filter(r *args) error {
	f, _ := r.next()
	lo, _ := r.next()
	hi, _ := r.next()
	nf := NumericFilter{Field: strings.TrimPrefix(f, "@")}
	var ok1, ok2 bool
	nf.Min, nf.MinExclusive, ok1 = parseBound(lo)
	nf.Max, nf.MaxExclusive, ok2 = parseBound(hi)
	if !ok1 {
		return ArgError("Bad lower range: " + lo)
	}
	if !ok2 {
		return ArgError("Bad upper range: " + hi)
	}
	sa.Filters = append(sa.Filters, nf)
	return nil
}

// parseBound reads a numeric range bound: a number, inf/+inf/-inf, "(" for exclusive.
func parseBound(s string) (float64, bool, bool) {
	f, ok := parseFloat(strings.TrimPrefix(s, "("))
	return f, strings.HasPrefix(s, "("), ok
}

func (sa *SearchArgs) geoFilter(r *args) error {
	f, _ := r.next()
	var nums [3]float64
	for i := range nums {
		s, _ := r.next()
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return ArgError("Bad arguments for GEOFILTER: Could not parse " + s)
		}
		nums[i] = v
	}
	unit, _ := r.next()
	m, ok := geoUnits[strings.ToLower(unit)]
	if !ok {
		return ArgError("Bad arguments for GEOFILTER: Unknown distance unit " + unit)
	}
	sa.GeoFilters = append(sa.GeoFilters, GeoFilter{
		Field: strings.TrimPrefix(f, "@"), Lon: nums[0], Lat: nums[1], Radius: nums[2] * m})
	return nil
}

// geoUnits are the lengths of the geo units in metres.
var geoUnits = map[string]float64{"m": 1, "km": 1000, "mi": 1609.34, "ft": 0.3048}

// highlight parses HIGHLIGHT [FIELDS n f…] [TAGS open close].
func (sa *SearchArgs) highlight(r *args) error {
	h := &HighlightOpts{Open: "<b>", Close: "</b>"}
	for {
		switch {
		case r.is("FIELDS"):
			fs, err := fieldList(r, "FIELDS")
			if err != nil {
				return err
			}
			h.Fields = fs
		case r.is("TAGS"):
			open, ok1 := r.next()
			close, ok2 := r.next()
			if !ok1 || !ok2 {
				return ArgError("Bad arguments for TAGS: Not enough arguments")
			}
			h.Open, h.Close = open, close
		default:
			sa.Highlight, sa.wantTerms = h, true
			return nil
		}
	}
}

// summarize parses SUMMARIZE [FIELDS n f…] [FRAGS n] [LEN n] [SEPARATOR s].
func (sa *SearchArgs) summarize(r *args) error {
	o := &SummarizeOpts{Frags: 3, Len: 20, Sep: "... "}
	var err error
	for {
		switch {
		case r.is("FIELDS"):
			o.Fields, err = fieldList(r, "FIELDS")
		case r.is("FRAGS"):
			o.Frags, err = r.int("FRAGS")
		case r.is("LEN"):
			o.Len, err = r.int("LEN")
		case r.is("SEPARATOR"):
			var ok bool
			if o.Sep, ok = r.next(); !ok {
				err = ArgError("Bad arguments for SEPARATOR: Not enough arguments")
			}
		default:
			sa.Summarize, sa.wantTerms = o, true
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func fieldList(r *args, opt string) ([]string, error) {
	n, err := r.count(opt)
	if err != nil {
		return nil, err
	}
	fs := make([]string, n)
	for i := range fs {
		fs[i], _ = r.next()
		fs[i] = strings.TrimPrefix(fs[i], "@")
	}
	return fs, nil
}

// returnHighlighted makes HIGHLIGHT's and SUMMARIZE's FIELDS the fields returned when
// RETURN names none, as RediSearch does.
func (sa *SearchArgs) returnHighlighted() {
	if sa.Returns != nil || sa.NoContent {
		return
	}
	var fs []string
	if sa.Highlight != nil {
		fs = append(fs, sa.Highlight.Fields...)
	}
	if sa.Summarize != nil {
		fs = append(fs, sa.Summarize.Fields...)
	}
	if len(fs) == 0 {
		return
	}
	for _, f := range fs {
		if !slices.ContainsFunc(sa.Returns, func(rf ReturnField) bool { return rf.ID == f }) {
			sa.Returns = append(sa.Returns, ReturnField{ID: f, As: f})
		}
	}
}

// Decorate is a returned field's value as HIGHLIGHT and SUMMARIZE shape it: only TEXT
// attributes, and only those their FIELDS name (all when they name none).
func (sa *SearchArgs) Decorate(def *Def, tm *TermMatcher, id, value string) string {
	if tm == nil {
		return value
	}
	f := def.Field(id)
	if f == nil || f.Type != Text {
		return value
	}
	in := func(fields []string) bool { return fields == nil || slices.Contains(fields, id) }
	hl := sa.Highlight
	if hl != nil && !in(hl.Fields) {
		hl = nil
	}
	if s := sa.Summarize; s != nil && in(s.Fields) {
		return tm.Summarize(f.Name, value, *s, hl)
	}
	if hl != nil {
		return tm.Highlight(f.Name, value, hl.Open, hl.Close)
	}
	return value
}
