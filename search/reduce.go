package search

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"darner/search/expr"
)

// reducer is one REDUCE clause's state for one group. Each part fills its own states from
// its rows (add); the parts' states of a group are then merged (merge, with a state of the
// same clause) before the value is read: so a group's value never depends on how its rows
// were spread over shards.
type reducer interface {
	add(r *aggRow)
	merge(o reducer)
	value() expr.Value
}

// reducerDef is a compiled REDUCE clause: its argument's slot and its options, and how to
// make an empty state.
type reducerDef struct {
	spec ReducerSpec
	slot int // the alias's slot in the grouped rows
	arg  int // the argument property's slot; -1 for COUNT
	by   int // FIRST_VALUE's BY property; -1 without
	desc bool
	q    float64 // QUANTILE's
	n    int     // RANDOM_SAMPLE's size
}

// compileReducer checks a REDUCE clause's arguments; need gives a property's slot.
func compileReducer(rs ReducerSpec, need func(string) (int, error)) (reducerDef, error) {
	d := reducerDef{spec: rs, arg: -1, by: -1}
	bad := func() (reducerDef, error) {
		return d, argErrorf("Bad arguments for %s: wrong number of arguments", rs.Func)
	}
	arg := func() error {
		var err error
		d.arg, err = need(strings.TrimPrefix(rs.Args[0], "@"))
		return err
	}
	switch rs.Func {
	case "COUNT":
		if len(rs.Args) != 0 {
			return bad()
		}
		return d, nil
	case "COUNT_DISTINCT", "COUNT_DISTINCTISH", "SUM", "MIN", "MAX", "AVG", "STDDEV", "TOLIST":
		if len(rs.Args) != 1 {
			return bad()
		}
	case "QUANTILE":
		if len(rs.Args) != 2 {
			return bad()
		}
		q, err := strconv.ParseFloat(rs.Args[1], 64)
		if err != nil || q < 0 || q > 1 {
			return d, ArgError("Quantile must be between 0.0 and 1.0")
		}
		d.q = q
	case "RANDOM_SAMPLE":
		if len(rs.Args) != 2 {
			return bad()
		}
		n, err := strconv.Atoi(rs.Args[1])
		if err != nil || n <= 0 || n > 1000 {
			return d, ArgError("Sample size must be between 1 and 1000")
		}
		d.n = n
	case "FIRST_VALUE":
		switch len(rs.Args) {
		case 1:
		case 3, 4:
			if !strings.EqualFold(rs.Args[1], "BY") {
				return bad()
			}
			var err error
			if d.by, err = need(strings.TrimPrefix(rs.Args[2], "@")); err != nil {
				return d, err
			}
			if len(rs.Args) == 4 {
				switch {
				case strings.EqualFold(rs.Args[3], "DESC"):
					d.desc = true
				case !strings.EqualFold(rs.Args[3], "ASC"):
					return bad()
				}
			}
		default:
			return bad()
		}
	default:
		return d, argErrorf("No such reducer `%s`", rs.Func)
	}
	return d, arg()
}

// newState is an empty state of the clause.
func (d *reducerDef) newState() reducer {
	switch d.spec.Func {
	case "COUNT":
		return &countState{}
	case "COUNT_DISTINCT", "COUNT_DISTINCTISH":
		return &distinctState{arg: d.arg, seen: map[string]struct{}{}}
	case "SUM", "AVG", "STDDEV":
		return &momentState{arg: d.arg, fn: d.spec.Func}
	case "MIN", "MAX":
		return &extremeState{arg: d.arg, max: d.spec.Func == "MAX"}
	case "QUANTILE":
		return &quantileState{arg: d.arg, q: d.q}
	case "TOLIST":
		return &listState{arg: d.arg, seen: map[string]struct{}{}}
	case "FIRST_VALUE":
		return &firstState{def: d}
	default: // RANDOM_SAMPLE
		return &sampleState{arg: d.arg, n: d.n}
	}
}

type countState struct{ n int64 }

func (s *countState) add(*aggRow)       { s.n++ }
func (s *countState) merge(o reducer)   { s.n += o.(*countState).n }
func (s *countState) value() expr.Value { return expr.Num(float64(s.n)) }

// distinctState counts distinct values exactly: COUNT_DISTINCTISH, which RediSearch
// estimates with a HyperLogLog, gets the exact count too.
type distinctState struct {
	arg  int
	seen map[string]struct{}
}

func (s *distinctState) add(r *aggRow) {
	if v := r.at(s.arg); !v.IsNull() {
		s.seen[valueKey(v)] = struct{}{}
	}
}

func (s *distinctState) merge(o reducer) {
	for k := range o.(*distinctState).seen {
		s.seen[k] = struct{}{}
	}
}

func (s *distinctState) value() expr.Value { return expr.Num(float64(len(s.seen))) }

// momentState is SUM, AVG and STDDEV: the count, sum and sum of squares of the numeric
// values (others are skipped), which merge by addition.
type momentState struct {
	arg        int
	fn         string
	n          float64
	sum, sumsq float64
}

func (s *momentState) add(r *aggRow) {
	if x, ok := r.at(s.arg).ToNumber(); ok {
		s.n++
		s.sum += x
		s.sumsq += x * x
	}
}

func (s *momentState) merge(o reducer) {
	m := o.(*momentState)
	s.n, s.sum, s.sumsq = s.n+m.n, s.sum+m.sum, s.sumsq+m.sumsq
}

func (s *momentState) value() expr.Value {
	switch s.fn {
	case "SUM":
		return expr.Num(s.sum)
	case "AVG":
		if s.n == 0 {
			return expr.Num(0)
		}
		return expr.Num(s.sum / s.n)
	}
	if s.n < 2 { // the sample deviation needs two values
		return expr.Num(0)
	}
	v := (s.sumsq - s.sum*s.sum/s.n) / (s.n - 1)
	return expr.Num(math.Sqrt(max(v, 0)))
}

// extremeState is MIN and MAX over the numeric values; with none, +inf (MIN) or -inf (MAX),
// as RediSearch starts from them.
type extremeState struct {
	arg int
	max bool
	v   float64
	any bool
}

func (s *extremeState) add(r *aggRow) {
	if x, ok := r.at(s.arg).ToNumber(); ok {
		s.offer(x)
	}
}

func (s *extremeState) offer(x float64) {
	if !s.any || (s.max && x > s.v) || (!s.max && x < s.v) {
		s.v, s.any = x, true
	}
}

func (s *extremeState) merge(o reducer) {
	if m := o.(*extremeState); m.any {
		s.offer(m.v)
	}
}

func (s *extremeState) value() expr.Value {
	switch {
	case s.any:
		return expr.Num(s.v)
	case s.max:
		return expr.Num(math.Inf(-1))
	}
	return expr.Num(math.Inf(1))
}

// quantileState keeps every numeric value: the quantile is exact (RediSearch's streaming
// estimate approximates it), interpolated between the two nearest ranks.
type quantileState struct {
	arg  int
	q    float64
	vals []float64
}

func (s *quantileState) add(r *aggRow) {
	if x, ok := r.at(s.arg).ToNumber(); ok {
		s.vals = append(s.vals, x)
	}
}

func (s *quantileState) merge(o reducer) { s.vals = append(s.vals, o.(*quantileState).vals...) }

func (s *quantileState) value() expr.Value {
	if len(s.vals) == 0 {
		return expr.Num(0)
	}
	slices.Sort(s.vals)
	pos := s.q * float64(len(s.vals)-1)
	lo := int(pos)
	if lo+1 >= len(s.vals) {
		return expr.Num(s.vals[len(s.vals)-1])
	}
	frac := pos - float64(lo)
	return expr.Num(s.vals[lo] + frac*(s.vals[lo+1]-s.vals[lo]))
}

// listState is TOLIST: the distinct values, in the order first met.
type listState struct {
	arg  int
	seen map[string]struct{}
	vals []expr.Value
}

func (s *listState) add(r *aggRow) { s.offer(r.at(s.arg)) }

func (s *listState) offer(v expr.Value) {
	if v.IsNull() {
		return
	}
	k := valueKey(v)
	if _, ok := s.seen[k]; !ok {
		s.seen[k] = struct{}{}
		s.vals = append(s.vals, v)
	}
}

func (s *listState) merge(o reducer) {
	for _, v := range o.(*listState).vals {
		s.offer(v)
	}
}

func (s *listState) value() expr.Value { return expr.List(s.vals) }

// firstState is FIRST_VALUE: the value of the row first by the BY property (ties, and
// every row without BY, by document key, so that the answer does not depend on which
// shard met which row first).
type firstState struct {
	def     *reducerDef
	val, by expr.Value
	key     string
	any     bool
}

func (s *firstState) add(r *aggRow) {
	var by expr.Value
	if s.def.by >= 0 {
		by = r.at(s.def.by)
	}
	s.offer(r.at(s.def.arg), by, r.key)
}

func (s *firstState) offer(v, by expr.Value, key string) {
	if s.any {
		c := 0
		if s.def.by >= 0 {
			c = compareNullsLast(by, s.by, s.def.desc)
		}
		if c > 0 || (c == 0 && key >= s.key) {
			return
		}
	}
	s.val, s.by, s.key, s.any = v, by, key, true
}

func (s *firstState) merge(o reducer) {
	if m := o.(*firstState); m.any {
		s.offer(m.val, m.by, m.key)
	}
}

func (s *firstState) value() expr.Value { return s.val }

// sampleState is RANDOM_SAMPLE: a uniform sample of n values (reservoir sampling); two
// reservoirs merge by drawing from each in proportion to the rows each has seen.
type sampleState struct {
	arg  int
	n    int
	seen int64
	vals []expr.Value
}

func (s *sampleState) add(r *aggRow) {
	v := r.at(s.arg)
	if v.IsNull() {
		return
	}
	s.seen++
	if len(s.vals) < s.n {
		s.vals = append(s.vals, v)
	} else if j := rand.Int64N(s.seen); j < int64(s.n) {
		s.vals[j] = v
	}
}

func (s *sampleState) merge(o reducer) {
	m := o.(*sampleState)
	a, b := slices.Clone(s.vals), slices.Clone(m.vals)
	wa, wb := s.seen, m.seen
	out := make([]expr.Value, 0, s.n)
	for len(out) < s.n && (len(a) > 0 || len(b) > 0) {
		fromA := len(b) == 0 || (len(a) > 0 && rand.Int64N(wa+wb) < wa)
		if fromA {
			i := rand.IntN(len(a))
			out = append(out, a[i])
			a = slices.Delete(a, i, i+1)
			wa = max(wa-1, int64(len(a)))
		} else {
			i := rand.IntN(len(b))
			out = append(out, b[i])
			b = slices.Delete(b, i, i+1)
			wb = max(wb-1, int64(len(b)))
		}
	}
	s.vals, s.seen = out, s.seen+m.seen
}

func (s *sampleState) value() expr.Value { return expr.List(s.vals) }

// valueKey is v as a map key that tells numbers, strings, lists and null apart.
func valueKey(v expr.Value) string {
	switch v.Kind {
	case expr.Number:
		return "n" + strconv.FormatFloat(v.Num, 'g', -1, 64)
	case expr.String:
		return "s" + v.Str
	case expr.Array:
		k := "a"
		for _, e := range v.Arr {
			k += strconv.Itoa(len(valueKey(e))) + ":" + valueKey(e)
		}
		return k
	}
	return "z"
}

// compareNullsLast orders a before b (negative) as SORTBY does, nulls after every value
// whichever the direction.
func compareNullsLast(a, b expr.Value, desc bool) int {
	switch {
	case a.IsNull() && b.IsNull():
		return 0
	case a.IsNull():
		return 1
	case b.IsNull():
		return -1
	}
	c := expr.Compare(a, b)
	if desc {
		return -c
	}
	return c
}
