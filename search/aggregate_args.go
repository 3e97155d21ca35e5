package search

import (
	"slices"
	"strconv"
	"strings"
)

// AggRequest is a parsed FT.AGGREGATE: the query (as FT.SEARCH's Request), what each
// matching document loads, and the pipeline of steps its rows pass through, in the order
// given.
type AggRequest struct {
	Request
	Load      []ReturnField // LOAD's identifiers (attribute, hash field or JSONPath) and names
	LoadAll   bool          // LOAD *
	Steps     []AggStep
	AddScores bool // ADDSCORES: each row gets __score

	WithCursor  bool
	CursorCount int   // rows per cursor read; 0: the server's default
	MaxIdle     int64 // ms a cursor may sit unread; 0: the server's default
}

// StepKind is what an AggStep does.
type StepKind uint8

const (
	StepGroup  StepKind = iota // GROUPBY with its REDUCE clauses
	StepSort                   // SORTBY [MAX]
	StepApply                  // APPLY expr AS name
	StepFilter                 // FILTER expr
	StepLimit                  // LIMIT offset num
)

// AggStep is one step of the pipeline; which fields count depends on Kind.
type AggStep struct {
	Kind     StepKind
	By       []string // GROUPBY's properties, without '@'
	Reducers []ReducerSpec
	Keys     []SortKey // SORTBY's
	Max      int       // SORTBY's MAX; 0: all
	Expr     string    // APPLY's or FILTER's expression
	As       string    // APPLY's name
	Offset   int       // LIMIT's
	Num      int
}

// ReducerSpec is one REDUCE clause: its function (upper case), arguments and output name.
type ReducerSpec struct {
	Func string
	Args []string
	As   string
}

// SortKey is one SORTBY property.
type SortKey struct {
	Name string
	Desc bool
}

// ParseAggregate parses FT.AGGREGATE's arguments after the index name: the query, then
// options and steps in any order.
func ParseAggregate(argv []string) (*AggRequest, error) {
	ar := &AggRequest{Request: Request{Query: argv[0]}}
	r := &args{a: argv[1:]}
	for r.more() {
		w, _ := r.next()
		if err := ar.option(strings.ToUpper(w), r); err != nil {
			return nil, err
		}
	}
	return ar, nil
}

func (ar *AggRequest) option(w string, r *args) error {
	req := &ar.Request
	var err error
	switch w {
	case "VERBATIM":
		req.Verbatim = true
	case "ADDSCORES":
		ar.AddScores = true
	case "LOAD":
		err = ar.load(r)
	case "GROUPBY":
		err = ar.groupBy(r)
	case "SORTBY":
		err = ar.sortBy(r)
	case "APPLY":
		s, ok := r.next()
		if !ok {
			return ArgError("Bad arguments for APPLY: Not enough arguments")
		}
		st := AggStep{Kind: StepApply, Expr: s, As: s}
		if r.is("AS") {
			if st.As, ok = r.next(); !ok {
				return ArgError("Bad arguments for AS: Not enough arguments")
			}
		}
		ar.Steps = append(ar.Steps, st)
	case "FILTER":
		s, ok := r.next()
		if !ok {
			return ArgError("Bad arguments for FILTER: Not enough arguments")
		}
		ar.Steps = append(ar.Steps, AggStep{Kind: StepFilter, Expr: s})
	case "LIMIT":
		st := AggStep{Kind: StepLimit}
		if st.Offset, err = r.int("LIMIT"); err == nil {
			st.Num, err = r.int("LIMIT")
		}
		ar.Steps = append(ar.Steps, st)
	case "WITHCURSOR":
		ar.WithCursor = true
		for r.more() {
			switch {
			case r.is("COUNT"):
				ar.CursorCount, err = r.int("COUNT")
			case r.is("MAXIDLE"):
				ar.MaxIdle, err = parseMaxIdle(r)
			default:
				return nil
			}
			if err != nil {
				return err
			}
		}
	case "TIMEOUT":
		_, err = r.int("TIMEOUT")
	case "SCORER":
		s, _ := r.next()
		if !slices.Contains(Scorers, strings.ToUpper(s)) {
			return argErrorf("Scoring function `%s` not found", s)
		}
		req.Scorer = strings.ToUpper(s)
	case "PARAMS", "DIALECT":
		// The same as FT.SEARCH's.
		sa := &SearchArgs{Request: *req}
		if err = sa.option(w, r); err == nil {
			*req = sa.Request
		}
	default:
		return argErrorf("Unknown argument `%s`", w)
	}
	return err
}

// load parses LOAD * or LOAD n identifier [AS name]…
func (ar *AggRequest) load(r *args) error {
	if r.is("*") {
		ar.LoadAll = true
		return nil
	}
	n, err := r.count("LOAD")
	if err != nil {
		return err
	}
	for end := r.i + n; r.i < end; {
		id, _ := r.next()
		id = strings.TrimPrefix(id, "@")
		lf := ReturnField{ID: id, As: id}
		if r.i+1 < end && strings.EqualFold(r.a[r.i], "AS") {
			r.i++
			lf.As, _ = r.next()
		}
		ar.Load = append(ar.Load, lf)
	}
	return nil
}

// groupBy parses GROUPBY n @p… and the REDUCE clauses that follow it.
func (ar *AggRequest) groupBy(r *args) error {
	n, err := r.count("GROUPBY")
	if err != nil {
		return err
	}
	st := AggStep{Kind: StepGroup}
	for range n {
		p, _ := r.next()
		st.By = append(st.By, strings.TrimPrefix(p, "@"))
	}
	for r.is("REDUCE") {
		fn, ok := r.next()
		if !ok {
			return ArgError("Bad arguments for REDUCE: Not enough arguments")
		}
		m, err := r.count(strings.ToUpper(fn))
		if err != nil {
			return err
		}
		rs := ReducerSpec{Func: strings.ToUpper(fn), Args: make([]string, m)}
		for i := range rs.Args {
			rs.Args[i], _ = r.next()
		}
		if r.is("AS") {
			if rs.As, ok = r.next(); !ok {
				return ArgError("Bad arguments for AS: Not enough arguments")
			}
		} else {
			rs.As = generatedAlias(rs)
		}
		st.Reducers = append(st.Reducers, rs)
	}
	ar.Steps = append(ar.Steps, st)
	return nil
}

// generatedAlias is a reducer's name when it has no AS, built as RediSearch builds it:
// the function and its arguments, without '@'.
func generatedAlias(rs ReducerSpec) string {
	parts := make([]string, len(rs.Args))
	for i, a := range rs.Args {
		parts[i] = strings.TrimPrefix(a, "@")
	}
	return "__generated_alias" + strings.ToLower(rs.Func) + strings.Join(parts, ",")
}

// sortBy parses SORTBY n (@p [ASC|DESC])… [MAX m].
func (ar *AggRequest) sortBy(r *args) error {
	n, err := r.count("SORTBY")
	if err != nil {
		return err
	}
	st := AggStep{Kind: StepSort}
	for end := r.i + n; r.i < end; {
		p, _ := r.next()
		switch strings.ToUpper(p) {
		case "ASC", "DESC":
			if len(st.Keys) == 0 {
				return ArgError("Bad arguments for SORTBY: MISSING ASC or DESC after sort field")
			}
			st.Keys[len(st.Keys)-1].Desc = strings.EqualFold(p, "DESC")
		default:
			st.Keys = append(st.Keys, SortKey{Name: strings.TrimPrefix(p, "@")})
		}
	}
	if r.is("MAX") {
		if st.Max, err = r.int("MAX"); err != nil {
			return err
		}
	}
	// WITHCOUNT / WITHOUTCOUNT (Redis 8) change only how the total is counted.
	_ = r.is("WITHCOUNT") || r.is("WITHOUTCOUNT")
	ar.Steps = append(ar.Steps, st)
	return nil
}

// parseMaxIdle reads MAXIDLE's milliseconds. redis-py 4 sends them as a float ("5000.0"),
// so a fraction is accepted and rounded down.
func parseMaxIdle(r *args) (int64, error) {
	s, _ := r.next()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1<<53 {
		return 0, ArgError("Bad arguments for MAXIDLE: Value is not an integer or out of range")
	}
	return int64(f), nil
}

// ParseMaxIdle is parseMaxIdle for FT.CURSOR READ's arguments.
func ParseMaxIdle(s string) (int64, error) { return parseMaxIdle(&args{a: []string{s}}) }
