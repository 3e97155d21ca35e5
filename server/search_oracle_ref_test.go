package server_test

// The query trees, the query generator and the reference evaluator of TestSearchOracle.

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// qKind is the kind of a query node.
type qKind uint8

const (
	qTerm qKind = iota
	qPrefix
	qPhrase
	qTag
	qNum
	qGeo
	qFields
	qNot
	qAnd
	qOr
	qAll
)

// qNode is a query as the generator builds it and the reference decides it. words holds a
// term's or prefix's word, a phrase's words, a tag clause's values or a field modifier's
// names; a numeric range is [lo, hi], a geo clause lo, hi = lon, lat and r km.
type qNode struct {
	kind       qKind
	words      []string
	lo, hi, r  float64
	loEx, hiEx bool
	kids       []*qNode
}

// String renders n with every operand that is not a word or phrase in parentheses, so that
// its meaning does not depend on precedence (or dialect).
func (n *qNode) String() string {
	switch n.kind {
	case qTerm:
		return n.words[0]
	case qPrefix:
		return n.words[0] + "*"
	case qPhrase:
		return `"` + strings.Join(n.words, " ") + `"`
	case qTag:
		vals := make([]string, len(n.words))
		for i, v := range n.words {
			vals[i] = strings.NewReplacer(" ", `\ `, "-", `\-`).Replace(v)
		}
		return "@tags:{" + strings.Join(vals, " | ") + "}"
	case qNum:
		return "@n:[" + rangeBound(n.lo, n.loEx) + " " + rangeBound(n.hi, n.hiEx) + "]"
	case qGeo:
		return fmt.Sprintf("@loc:[%g %g %g km]", n.lo, n.hi, n.r)
	case qFields:
		return "@" + strings.Join(n.words, "|") + ":" + n.kids[0].operand()
	case qNot:
		return "-" + n.kids[0].operand()
	case qAnd, qOr:
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			parts[i] = k.operand()
		}
		if n.kind == qAnd {
			return strings.Join(parts, " ")
		}
		return strings.Join(parts, " | ")
	}
	return "*"
}

func (n *qNode) operand() string {
	if n.kind == qTerm || n.kind == qPrefix || n.kind == qPhrase {
		return n.String()
	}
	return "(" + n.String() + ")"
}

func rangeBound(x float64, ex bool) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if math.IsInf(x, 1) {
		s = "+inf"
	} else if math.IsInf(x, -1) {
		s = "-inf"
	}
	if ex {
		return "(" + s
	}
	return s
}

// qPresent reports whether n is more than stop words: RediSearch drops a clause made of stop
// words only, and a query of nothing matches nothing.
func qPresent(n *qNode) bool {
	switch n.kind {
	case qTerm:
		return !oracleStopWords[strings.ToLower(n.words[0])]
	case qPhrase:
		return len(phraseWords(n)) > 0
	case qFields, qNot:
		return qPresent(n.kids[0])
	case qAnd, qOr:
		return slices.ContainsFunc(n.kids, qPresent)
	}
	return true
}

func phraseWords(n *qNode) []string {
	var out []string
	for _, w := range n.words {
		out = append(out, refTokens(w)...)
	}
	return out
}

// qHasText reports whether n holds a text clause that scores.
func qHasText(n *qNode) bool {
	switch n.kind {
	case qTerm, qPrefix, qPhrase:
		return qPresent(n)
	case qNot:
		return false
	}
	return slices.ContainsFunc(n.kids, qHasText)
}

// queryGen builds random query trees from the index's vocabulary and documents.
type queryGen struct {
	r    *rand.Rand
	docs *oracleIndex
	locs [][2]float64 // every document location, before and after the mutations
}

func (g *queryGen) newCase(i int) *oracleCase {
	tree := &qNode{kind: qAll}
	if g.r.IntN(25) != 0 {
		tree = g.node(0, false)
	}
	c := &oracleCase{tree: tree, q: tree.String(), dialect1: i%3 == 0, countOnly: i%5 == 0}
	c.verbatim = i%4 == 1 && qHasText(tree)
	c.scores = i%6 == 0 && qHasText(tree)
	switch i % 4 {
	case 2:
		c.sortBy = "ASC"
	case 3:
		c.sortBy = "DESC"
	}
	return c
}

// node makes a subtree; text restricts it to text clauses (the operand of a field modifier).
func (g *queryGen) node(depth int, text bool) *qNode {
	if depth >= 3 || g.r.IntN(10) < 3+2*depth {
		return g.leaf(depth, text)
	}
	switch k := g.r.IntN(10); {
	case k < 4 || (k == 9 && text):
		return g.list(qAnd, depth, text)
	case k < 7:
		return g.list(qOr, depth, text)
	case k < 9:
		return &qNode{kind: qNot, kids: []*qNode{g.node(depth+1, text)}}
	}
	return g.fields(depth)
}

func (g *queryGen) list(k qKind, depth int, text bool) *qNode {
	n := &qNode{kind: k}
	for range 2 + g.r.IntN(2) {
		n.kids = append(n.kids, g.node(depth+1, text))
	}
	return n
}

func (g *queryGen) fields(depth int) *qNode {
	names := [][]string{{"title"}, {"body"}, {"title", "body"}, {"note"}, {"body", "note"}}
	return &qNode{kind: qFields, words: names[g.r.IntN(len(names))], kids: []*qNode{g.node(depth+1, true)}}
}

func (g *queryGen) leaf(depth int, text bool) *qNode {
	k := g.r.IntN(20)
	if text {
		k %= 10
	}
	switch {
	case k < 5:
		w := g.word(true)
		if g.r.IntN(20) == 0 {
			w = "zebra"
		}
		return &qNode{kind: qTerm, words: []string{w}}
	case k < 7:
		w := g.word(false)
		return &qNode{kind: qPrefix, words: []string{w[:2+g.r.IntN(len(w)-1)]}}
	case k < 10:
		return g.phrase()
	case k < 13:
		n := &qNode{kind: qTag}
		for range 1 + g.r.IntN(2) {
			v := append(oracleTagValues, "nosuch")[g.r.IntN(len(oracleTagValues)+1)]
			n.words = append(n.words, mixOracleCase(g.r, v))
		}
		return n
	case k < 17:
		return g.numRange()
	case k < 18:
		return g.geo()
	}
	return g.fields(depth)
}

// word picks a vocabulary word in mixed case, a stop word only if stop allows.
func (g *queryGen) word(stop bool) string {
	for {
		w := oracleWords[g.r.IntN(len(oracleWords))]
		if stop || !oracleStopWords[w] {
			return mixOracleCase(g.r, w)
		}
	}
}

// phrase picks two or three words that stand next to each other in some document (stop
// words between them do not count), or two random words. Phrases hold no stop words: how
// RediSearch treats a stop word inside quotes differs between its versions.
func (g *queryGen) phrase() *qNode {
	keys := slices.Sorted(maps.Keys(g.docs.before))
	for range 40 {
		s, _ := g.docs.before[keys[g.r.IntN(len(keys))]][[]string{"title", "body"}[g.r.IntN(2)]].(string)
		toks := refTokens(s)
		if len(toks) < 2 {
			continue
		}
		n := 2 + g.r.IntN(2)
		n = min(n, len(toks))
		i := g.r.IntN(len(toks) - n + 1)
		p := &qNode{kind: qPhrase}
		for _, w := range toks[i : i+n] {
			p.words = append(p.words, mixOracleCase(g.r, w))
		}
		return p
	}
	p := &qNode{kind: qPhrase}
	for len(p.words) < 2 {
		p.words = append(p.words, g.word(false))
	}
	return p
}

func (g *queryGen) numRange() *qNode {
	n := &qNode{kind: qNum, lo: math.Inf(-1), hi: math.Inf(1), loEx: g.r.IntN(3) == 0, hiEx: g.r.IntN(3) == 0}
	if g.r.IntN(6) != 0 {
		n.lo = float64(g.r.IntN(101)-50) + 0.5*float64(g.r.IntN(2))
	}
	if g.r.IntN(6) != 0 {
		n.hi = math.Max(n.lo, -50) + float64(g.r.IntN(40)) + 0.5*float64(g.r.IntN(2))
	}
	return n
}

// geo makes a radius clause whose circle passes no document within 2% of its edge, so that
// rounding cannot decide the answer.
func (g *queryGen) geo() *qNode {
	for {
		c := oracleCenters[g.r.IntN(len(oracleCenters))]
		lon, _ := strconv.ParseFloat(fmt.Sprintf("%.4f", c[0]+g.r.Float64()-0.5), 64)
		lat, _ := strconv.ParseFloat(fmt.Sprintf("%.4f", c[1]+g.r.Float64()-0.5), 64)
		r := []float64{20, 50, 100, 150, 400, 1000}[g.r.IntN(6)]
		clear := true
		for _, p := range g.locs {
			if d := oracleKm(lon, lat, p[0], p[1]); math.Abs(d-r) < 0.02*r {
				clear = false
			}
		}
		if clear {
			return &qNode{kind: qGeo, lo: lon, hi: lat, r: r}
		}
	}
}

func oracleKm(lon1, lat1, lon2, lat2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * 6372.797560856 * math.Asin(math.Sqrt(a))
}

// refDoc is a document as the reference sees it: the tokens of each text field (stop words
// dropped), its tags, n and location.
type refDoc struct {
	key          string
	text         map[string][]string
	tags         []string
	n            float64
	hasN, hasLoc bool
	loc          [2]float64
}

// refTokens splits text as RediSearch does (blogWords) and drops stop words.
func refTokens(s string) []string {
	var out []string
	for _, w := range blogWords(s) {
		if !oracleStopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// analyseDoc reads a document's raw fields; ok is false when its n is not a number, which
// keeps it out of the index.
func analyseDoc(key string, raw map[string]any, isJSON bool) (*refDoc, bool) {
	d := &refDoc{key: key, text: map[string][]string{}}
	for _, f := range []string{"title", "body", "note"} {
		if s, ok := raw[f].(string); ok {
			d.text[f] = refTokens(s)
		}
	}
	var tags []string
	switch v := raw["tags"].(type) {
	case string:
		tags = strings.Split(v, ",")
	case []any:
		for _, e := range v {
			tags = append(tags, e.(string))
		}
	}
	for _, t := range tags {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			d.tags = append(d.tags, t)
		}
	}
	switch v := raw["n"].(type) {
	case float64:
		d.n, d.hasN = v, true
	case string:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || isJSON {
			return nil, false
		}
		d.n, d.hasN = x, true
	}
	if s, ok := raw["loc"].(string); ok {
		lon, lat, _ := strings.Cut(s, ",")
		d.loc[0], _ = strconv.ParseFloat(lon, 64)
		d.loc[1], _ = strconv.ParseFloat(lat, 64)
		d.hasLoc = true
	}
	return d, true
}

// analyseAll returns the indexed documents, by key.
func (o *oracleRun) analyseAll(docs map[string]map[string]any, isJSON bool) []*refDoc {
	var out []*refDoc
	for _, k := range slices.Sorted(maps.Keys(docs)) {
		if d, ok := analyseDoc(k, docs[k], isJSON); ok {
			out = append(out, d)
		}
	}
	return out
}

// expect returns the keys of the documents n matches, in order.
func (o *oracleRun) expect(n *qNode, refs []*refDoc, verbatim bool) []string {
	out := []string{}
	if !qPresent(n) {
		return out
	}
	for _, d := range refs {
		if o.match(n, d, nil, verbatim) {
			out = append(out, d.key)
		}
	}
	return out
}

// match decides n for d; fields are the text fields a field modifier allows (nil: all).
func (o *oracleRun) match(n *qNode, d *refDoc, fields []string, verbatim bool) bool {
	switch n.kind {
	case qTerm:
		w := strings.ToLower(n.words[0])
		return d.anyToken(fields, func(t string) bool { return o.wordMatches(t, w, verbatim) })
	case qPrefix:
		p := strings.ToLower(n.words[0])
		return d.anyToken(fields, func(t string) bool { return strings.HasPrefix(t, p) })
	case qPhrase:
		return d.hasPhrase(fields, phraseWords(n))
	case qTag:
		return slices.ContainsFunc(n.words, func(v string) bool { return slices.Contains(d.tags, strings.ToLower(v)) })
	case qNum:
		return d.hasN && (d.n > n.lo || !n.loEx && d.n == n.lo) && (d.n < n.hi || !n.hiEx && d.n == n.hi)
	case qGeo:
		return d.hasLoc && oracleKm(n.lo, n.hi, d.loc[0], d.loc[1]) <= n.r
	case qFields:
		return o.match(n.kids[0], d, n.words, verbatim)
	case qNot:
		return !o.match(n.kids[0], d, fields, verbatim)
	case qAnd:
		return !slices.ContainsFunc(n.kids, func(k *qNode) bool { return qPresent(k) && !o.match(k, d, fields, verbatim) })
	case qOr:
		return slices.ContainsFunc(n.kids, func(k *qNode) bool { return qPresent(k) && o.match(k, d, fields, verbatim) })
	}
	return true
}

// wordMatches is RediSearch's stemming expansion: the query word, its stem, and every word
// with the same stem.
func (o *oracleRun) wordMatches(t, w string, verbatim bool) bool {
	if t == w {
		return true
	}
	return !verbatim && (t == o.stem(w) || o.stem(t) == o.stem(w))
}

// oracleStemmer returns the English Snowball stemmer (blogStem) with a cache: the reference
// stems every token of every document for every query word.
func oracleStemmer() func(string) string {
	cache := map[string]string{}
	return func(w string) string {
		s, ok := cache[w]
		if !ok {
			s = blogStem(w)
			cache[w] = s
		}
		return s
	}
}

func (d *refDoc) anyToken(fields []string, fn func(string) bool) bool {
	for f, toks := range d.text {
		if (fields == nil || slices.Contains(fields, f)) && slices.ContainsFunc(toks, fn) {
			return true
		}
	}
	return false
}

// hasPhrase reports whether words stand next to each other, in order and exactly as
// written, in one of the fields.
func (d *refDoc) hasPhrase(fields []string, words []string) bool {
	for f, toks := range d.text {
		if fields != nil && !slices.Contains(fields, f) {
			continue
		}
		for i := 0; i+len(words) <= len(toks); i++ {
			if slices.Equal(toks[i:i+len(words)], words) {
				return true
			}
		}
	}
	return false
}

// sortByN is the first page of SORTBY n: documents without n last, ties by key.
func sortByN(refs []*refDoc, keys []string, desc bool) []string {
	byKey := map[string]*refDoc{}
	for _, d := range refs {
		byKey[d.key] = d
	}
	out := slices.Clone(keys)
	slices.SortFunc(out, func(a, b string) int {
		x, y := byKey[a], byKey[b]
		if x.hasN != y.hasN {
			if x.hasN {
				return -1
			}
			return 1
		}
		if x.hasN && x.n != y.n {
			if desc == (x.n < y.n) {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	return out[:min(7, len(out))]
}

func qt(w string) *qNode                 { return &qNode{kind: qTerm, words: []string{w}} }
func qop(k qKind, kids ...*qNode) *qNode { return &qNode{kind: k, kids: kids} }
func qf(kid *qNode, names ...string) *qNode {
	return &qNode{kind: qFields, words: names, kids: []*qNode{kid}}
}
func qtag(vals ...string) *qNode { return &qNode{kind: qTag, words: vals} }
func qnum(lo, hi float64, loEx, hiEx bool) *qNode {
	return &qNode{kind: qNum, lo: lo, hi: hi, loEx: loEx, hiEx: hiEx}
}

// oraclePrecedence are queries that lean on DIALECT 2's precedence (see the query package's
// doc.go and redis.io's "Query dialects"), with the tree each must mean.
var oraclePrecedence = []struct {
	q    string
	want *qNode
}{
	{"@title:river city", qop(qAnd, qf(qt("river"), "title"), qt("city"))},
	{`river city | "old town" north`, qop(qOr, qop(qAnd, qt("river"), qt("city")),
		qop(qAnd, &qNode{kind: qPhrase, words: []string{"old", "town"}}, qt("north")))},
	{"-river city", qop(qAnd, qop(qNot, qt("river")), qt("city"))},
	{"river | city north", qop(qOr, qt("river"), qop(qAnd, qt("city"), qt("north")))},
	{"river -city | north", qop(qOr, qop(qAnd, qt("river"), qop(qNot, qt("city"))), qt("north"))},
	{"-river | city", qop(qOr, qop(qNot, qt("river")), qt("city"))},
	{"@title:river | city", qop(qOr, qf(qt("river"), "title"), qt("city"))},
	{"@tags:{red} river | @n:[0 10]", qop(qOr, qop(qAnd, qtag("red"), qt("river")), qnum(0, 10, false, false))},
	{"-(river | city) north", qop(qAnd, qop(qNot, qop(qOr, qt("river"), qt("city"))), qt("north"))},
	{"@title|body:river -north", qop(qAnd, qf(qt("river"), "title", "body"), qop(qNot, qt("north")))},
	{"@title:(walking | city) lights", qop(qAnd, qf(qop(qOr, qt("walking"), qt("city")), "title"), qt("lights"))},
	{"@body:walk* river", qop(qAnd, qf(&qNode{kind: qPrefix, words: []string{"walk"}}, "body"), qt("river"))},
	{"@body:river walk*", qf(qop(qAnd, qt("river"), &qNode{kind: qPrefix, words: []string{"walk"}}), "body")},
	{"the river of lights", qop(qAnd, qt("the"), qt("river"), qt("of"), qt("lights"))},
	{"river | the", qop(qOr, qt("river"), qt("the"))},
	{"@title:the river", qop(qAnd, qf(qt("the"), "title"), qt("river"))},
	{"-river -city", qop(qAnd, qop(qNot, qt("river")), qop(qNot, qt("city")))},
	{"*", &qNode{kind: qAll}},
	{"(*)", &qNode{kind: qAll}},
	{`@n:[(0 +inf] -@tags:{red | new\ york}`, qop(qAnd, qnum(0, math.Inf(1), true, false), qop(qNot, qtag("red", "new york")))},
	{"river | city | north", qop(qOr, qt("river"), qt("city"), qt("north"))},
	{"((river)) (city | north)", qop(qAnd, qt("river"), qop(qOr, qt("city"), qt("north")))},
	{`@tags:{sci\-fi | jazz} | -@n:[-inf 0]`, qop(qOr, qtag("sci-fi", "jazz"), qop(qNot, qnum(math.Inf(-1), 0, false, false)))},
}
