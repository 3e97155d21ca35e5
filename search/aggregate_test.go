package search

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/engine"
	"darner/search/expr"
)

// aggDoc is one generated document of the aggregate oracle.
type aggDoc struct {
	key          string
	cat          string // "" when missing
	n            float64
	hasN         bool
	price        float64
	hasPrice     bool
	title        string
	n2, bucket   float64 // the APPLYs of the generated pipelines
	hasN2, hasBk bool
}

// aggReducer is a generated REDUCE clause: its arguments, and the reference's value of a
// group's documents as canonical text.
type aggReducer struct {
	args []string
	ref  func(g []aggDoc) string
}

var aggReducers = []aggReducer{
	{[]string{"COUNT", "0"}, func(g []aggDoc) string { return canon(float64(len(g))) }},
	{[]string{"SUM", "1", "@price"}, func(g []aggDoc) string {
		s := 0.0
		for _, d := range g {
			if d.hasPrice {
				s += d.price
			}
		}
		return canon(s)
	}},
	{[]string{"MIN", "1", "@n"}, func(g []aggDoc) string { return extreme(g, false) }},
	{[]string{"MAX", "1", "@n"}, func(g []aggDoc) string { return extreme(g, true) }},
	{[]string{"AVG", "1", "@price"}, func(g []aggDoc) string {
		s, c := 0.0, 0.0
		for _, d := range g {
			if d.hasPrice {
				s, c = s+d.price, c+1
			}
		}
		if c == 0 {
			return canon(0)
		}
		return canon(s / c)
	}},
	{[]string{"COUNT_DISTINCT", "1", "@n"}, func(g []aggDoc) string { return canon(float64(len(distinctN(g)))) }},
	{[]string{"STDDEV", "1", "@price"}, func(g []aggDoc) string {
		var xs []float64
		for _, d := range g {
			if d.hasPrice {
				xs = append(xs, d.price)
			}
		}
		if len(xs) < 2 {
			return canon(0)
		}
		mean := 0.0
		for _, x := range xs {
			mean += x
		}
		mean /= float64(len(xs))
		v := 0.0
		for _, x := range xs {
			v += (x - mean) * (x - mean)
		}
		return canon(math.Sqrt(v / float64(len(xs)-1)))
	}},
	{[]string{"QUANTILE", "2", "@price", "0.5"}, func(g []aggDoc) string {
		var xs []float64
		for _, d := range g {
			if d.hasPrice {
				xs = append(xs, d.price)
			}
		}
		if len(xs) == 0 {
			return canon(0)
		}
		slices.Sort(xs)
		pos := 0.5 * float64(len(xs)-1)
		lo := int(pos)
		if lo+1 >= len(xs) {
			return canon(xs[len(xs)-1])
		}
		return canon(xs[lo] + (pos-float64(lo))*(xs[lo+1]-xs[lo]))
	}},
	{[]string{"TOLIST", "1", "@n"}, func(g []aggDoc) string {
		var out []string
		for _, x := range distinctN(g) {
			out = append(out, canon(x))
		}
		slices.Sort(out)
		return "[" + strings.Join(out, " ") + "]"
	}},
	{[]string{"FIRST_VALUE", "4", "@price", "BY", "@n", "DESC"}, func(g []aggDoc) string {
		// The document with the largest n (those without n last), ties by smallest key.
		best := -1
		for i, d := range g {
			if best < 0 {
				best = i
				continue
			}
			b := g[best]
			switch {
			case d.hasN && !b.hasN, d.hasN && b.hasN && d.n > b.n:
				best = i
			case d.hasN == b.hasN && (!d.hasN || d.n == b.n) && d.key < b.key:
				best = i
			}
		}
		if !g[best].hasPrice {
			return "null"
		}
		return canon(g[best].price)
	}},
}

func extreme(g []aggDoc, max bool) string {
	v, any := 0.0, false
	for _, d := range g {
		if d.hasN && (!any || (max && d.n > v) || (!max && d.n < v)) {
			v, any = d.n, true
		}
	}
	if !any {
		if max {
			return canon(math.Inf(-1))
		}
		return canon(math.Inf(1))
	}
	return canon(v)
}

func distinctN(g []aggDoc) []float64 {
	seen := map[float64]bool{}
	var out []float64
	for _, d := range g {
		if d.hasN && !seen[d.n] {
			seen[d.n] = true
			out = append(out, d.n)
		}
	}
	return out
}

// canon is a number as the oracle compares it: rounded to 9 significant digits, so that
// sums added in another order compare equal.
func canon(x float64) string {
	if math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', 9, 64)
}

// canonValue is a reply value as canon text: numbers rounded, lists sorted.
func canonValue(v any) string {
	switch x := v.(type) {
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = canonValue(s)
		}
		slices.Sort(out)
		return "[" + strings.Join(out, " ") + "]"
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return canon(f)
		}
		return x
	}
	return fmt.Sprint(v)
}

func genAggDocs(rng *rand.Rand, n int) []aggDoc {
	words := []string{"red", "green", "blue", "fast", "slow"}
	docs := make([]aggDoc, n)
	for i := range docs {
		d := aggDoc{key: "d:" + strconv.Itoa(i)}
		if rng.IntN(10) > 0 {
			d.cat = string(rune('a' + rng.IntN(5)))
		}
		if rng.IntN(8) > 0 {
			d.n, d.hasN = float64(rng.IntN(50)), true
			d.n2, d.hasN2 = d.n*2+1, true
			d.bucket, d.hasBk = math.Floor(d.n/10), true
		}
		if rng.IntN(6) > 0 {
			d.price, d.hasPrice = float64(rng.IntN(10000))/100, true
		}
		d.title = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		docs[i] = d
	}
	return docs
}

func storeAggDocs(store *engine.Store, docs []aggDoc) {
	tx := store.BeginAll(true)
	defer tx.End()
	for _, d := range docs {
		h := engine.NewHash()
		if d.cat != "" {
			h.Set("cat", []byte(d.cat))
		}
		if d.hasN {
			h.Set("n", []byte(strconv.FormatFloat(d.n, 'f', -1, 64)))
		}
		if d.hasPrice {
			h.Set("price", []byte(strconv.FormatFloat(d.price, 'f', -1, 64)))
		}
		h.Set("title", []byte(d.title))
		tx.View(0, []byte(d.key)).Set(d.key, h, false)
	}
}

// TestAggregateOracle runs generated GROUPBY/REDUCE/APPLY/FILTER/SORTBY/LIMIT pipelines
// with 1 and 4 shards and compares each answer with the reference computed here from the
// documents: rows as multisets, and in order where SORTBY fixes it.
func TestAggregateOracle(t *testing.T) {
	docs := genAggDocs(rand.New(rand.NewPCG(11, 12)), 700)
	for _, shards := range []int{1, 4} {
		store, r, idx := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA cat TAG n NUMERIC SORTABLE price NUMERIC title TEXT")
		storeAggDocs(store, docs)
		rng := rand.New(rand.NewPCG(21, 22))
		for c := range 120 {
			pc := genPipeline(rng)
			name := fmt.Sprintf("shards=%d case=%d %s", shards, c, strings.Join(pc.argv, " "))
			ar, err := ParseAggregate(pc.argv)
			require.NoError(t, err, name)
			rtx := store.BeginAll(false)
			res, err := r.Aggregate(&rtx, idx, ar)
			rtx.End()
			require.NoError(t, err, name)
			want := pc.reference(docs)
			var got []string
			for _, row := range res.Rows {
				got = append(got, canonRow(row))
			}
			require.Equal(t, int64(len(want.all)), res.Total, name)
			if pc.ordered {
				require.Equal(t, want.page, got, name)
			} else {
				require.ElementsMatch(t, want.page, got, name)
			}
		}
	}
}

func canonRow(row AggRow) string {
	parts := make([]string, len(row.Names))
	for i, n := range row.Names {
		v := row.Vals[i]
		var x any = v.Format()
		if v.Kind == expr.Array {
			var l []string
			for _, e := range v.Arr {
				l = append(l, e.Format())
			}
			x = l
		}
		parts[i] = n + "=" + canonValue(x)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// aggCase is a generated pipeline and its reference.
type aggCase struct {
	argv      []string
	ordered   bool
	reference func(docs []aggDoc) aggWant
}

// aggWant is the reference's rows: all that the pipeline produces before its last
// LIMIT or MAX (the total), and the page returned.
type aggWant struct{ all, page []string }

func genPipeline(rng *rand.Rand) aggCase {
	queries := []struct {
		q     string
		match func(d aggDoc) bool
	}{
		{"*", func(aggDoc) bool { return true }},
		{"@cat:{a|b}", func(d aggDoc) bool { return d.cat == "a" || d.cat == "b" }},
		{"@n:[10 30]", func(d aggDoc) bool { return d.hasN && d.n >= 10 && d.n <= 30 }},
		{"@title:red", func(d aggDoc) bool { return strings.Contains(d.title, "red") }},
	}
	q := queries[rng.IntN(len(queries))]
	argv := []string{q.q}
	apply, filter := rng.IntN(2) == 0, rng.IntN(3) == 0
	group := rng.IntN(3)
	if group == 2 {
		apply = true
	}
	if apply {
		// Reading a property a row lacks fails the query (RediSearch's rule): case() and
		// exists() guard it.
		argv = append(argv, "APPLY", "case(exists(@n), @n * 2 + 1, NULL)", "AS", "n2",
			"APPLY", "case(exists(@n), floor(@n / 10), NULL)", "AS", "bucket")
	}
	if filter {
		argv = append(argv, "FILTER", "exists(@n) && @n >= 20")
	}
	keep := func(d aggDoc) bool { return q.match(d) && (!filter || (d.hasN && d.n >= 20)) }
	if group == 0 {
		return plainCase(rng, argv, apply, filter, keep)
	}
	return groupCase(rng, argv, group, keep)
}

// plainCase loads cat and price, and maybe sorts by price (descending, MAX or LIMIT).
func plainCase(rng *rand.Rand, argv []string, apply, filter bool, keep func(aggDoc) bool) aggCase {
	argv = append([]string{argv[0], "LOAD", "2", "@cat", "@price"}, argv[1:]...)
	sorted := rng.IntN(2) == 0
	tail := 0 // 0: none, 1: MAX 7, 2: LIMIT 2 5
	if sorted {
		argv = append(argv, "SORTBY", "2", "@price", "DESC")
		tail = rng.IntN(3)
		if tail == 1 {
			argv = append(argv, "MAX", "7")
		} else if tail == 2 {
			argv = append(argv, "LIMIT", "2", "5")
		}
	}
	ref := func(docs []aggDoc) aggWant {
		var rows []aggDoc
		for _, d := range docs {
			if keep(d) {
				rows = append(rows, d)
			}
		}
		if sorted {
			slices.SortStableFunc(rows, func(a, b aggDoc) int {
				switch {
				case a.hasPrice != b.hasPrice:
					if a.hasPrice {
						return -1
					}
					return 1
				case a.hasPrice && a.price != b.price:
					if a.price > b.price {
						return -1
					}
					return 1
				}
				return strings.Compare(a.key, b.key)
			})
		}
		var all []string
		for _, d := range rows {
			var parts []string
			if d.cat != "" {
				parts = append(parts, "cat="+d.cat)
			}
			if d.hasPrice {
				parts = append(parts, "price="+canon(d.price))
			}
			if (apply || filter) && d.hasN {
				parts = append(parts, "n="+canon(d.n))
			}
			if apply && d.hasN {
				parts = append(parts, "n2="+canon(d.n2), "bucket="+canon(d.bucket))
			}
			slices.Sort(parts)
			all = append(all, strings.Join(parts, ","))
		}
		page := all
		switch tail {
		case 1:
			page = all[:min(7, len(all))]
		case 2:
			page = all[min(2, len(all)):min(7, len(all))]
		}
		return aggWant{all, page}
	}
	return aggCase{argv: argv, ordered: sorted, reference: ref}
}

// groupCase groups by cat (and bucket), with one to three reducers, maybe sorted by the
// group's properties and paged.
func groupCase(rng *rand.Rand, argv []string, group int, keep func(aggDoc) bool) aggCase {
	by := []string{"@cat"}
	if group == 2 {
		by = append(by, "@bucket")
	}
	argv = append(argv, "GROUPBY", strconv.Itoa(len(by)))
	argv = append(argv, by...)
	var reds []aggReducer
	var names []string
	for i, k := range rng.Perm(len(aggReducers))[:1+rng.IntN(3)] {
		rd := aggReducers[k]
		reds = append(reds, rd)
		argv = append(argv, "REDUCE")
		argv = append(argv, rd.args...)
		if rng.IntN(4) == 0 {
			names = append(names, generatedAlias(ReducerSpec{Func: rd.args[0], Args: rd.args[2:]}))
		} else {
			names = append(names, "r"+strconv.Itoa(i))
			argv = append(argv, "AS", names[i])
		}
	}
	sorted := rng.IntN(2) == 0
	limit, maxed := false, false
	if sorted {
		argv = append(argv, "SORTBY", strconv.Itoa(2*len(by)))
		for _, b := range by {
			argv = append(argv, b, "ASC")
		}
		switch rng.IntN(3) {
		case 0:
			limit = true
			argv = append(argv, "LIMIT", "1", "3")
		case 1:
			maxed = true
			argv = append(argv, "MAX", "2")
		}
	}
	ref := func(docs []aggDoc) aggWant {
		type gkey struct {
			cat    string
			bucket float64
			hasBk  bool
		}
		groups := map[gkey][]aggDoc{}
		for _, d := range docs {
			if !keep(d) {
				continue
			}
			k := gkey{cat: d.cat}
			if group == 2 {
				k.bucket, k.hasBk = d.bucket, d.hasBk
			}
			groups[k] = append(groups[k], d)
		}
		keys := make([]gkey, 0, len(groups))
		for k := range groups {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b gkey) int { // nulls last, as SORTBY orders them
			if a.cat != b.cat {
				if a.cat == "" || (b.cat != "" && b.cat < a.cat) {
					return 1
				}
				return -1
			}
			if a.hasBk != b.hasBk {
				if a.hasBk {
					return -1
				}
				return 1
			}
			return int(a.bucket - b.bucket)
		})
		var all []string
		for _, k := range keys {
			var parts []string
			if k.cat != "" {
				parts = append(parts, "cat="+k.cat)
			}
			if k.hasBk {
				parts = append(parts, "bucket="+canon(k.bucket))
			}
			for i, rd := range reds {
				if v := rd.ref(groups[k]); v != "null" {
					parts = append(parts, names[i]+"="+v)
				}
			}
			slices.Sort(parts)
			all = append(all, strings.Join(parts, ","))
		}
		page := all
		if limit {
			page = all[min(1, len(all)):min(4, len(all))]
		}
		if maxed {
			page = all[:min(2, len(all))]
		}
		return aggWant{all, page}
	}
	return aggCase{argv: argv, ordered: sorted, reference: ref}
}
