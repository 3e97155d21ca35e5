package search

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"darner/engine"
	"darner/search/query"
)

// QueryError is an error in a query that is the client's to fix; its text is the reply.
type QueryError string

func (e QueryError) Error() string { return string(e) }

// leaf is a clause that matches terms of the text index: what scoring weighs.
type leaf struct {
	mask    []bool  // text slots it looks in; nil for all
	weight  float64 // its $weight
	negated bool    // under a Not: matches, but does not score
	df      int64   // documents it matches, summed over parts before scoring
	// terms are the term ids it matched in the part being evaluated.
	terms *termSet
	// scoring are the terms whose frequencies add up to its tf, without counting a token
	// twice (a word's own term is left out when its stem marker covers it).
	scoring []uint32
}

// evaluator evaluates a query tree over one part.
type evaluator struct {
	view engine.View // the part's shard, for INKEYS
	p    *part
	req  *Request
	mask []bool // the text slots the current clause may look in; nil for all
	// leaves in the order the walk meets them: the same in every part, so their
	// statistics add up index by index.
	leaves   []*leaf
	negated  int // depth of Not clauses around the current one: they do not score
	fieldErr error
	gone     *roaring.Bitmap // documents whose keys' TTL has passed (applyFilters); nil for none
	syn      *synonyms       // the index's synonym groups (synonym.go); nil for none
}

func newEvaluator(v engine.View, p *part, req *Request) *evaluator {
	e := &evaluator{view: v, p: p, req: req, gone: p.expiredBy(req.now), syn: synonymsOf(p.def)}
	if len(req.InFields) > 0 {
		e.mask = e.fieldMask(req.InFields)
	}
	return e
}

// eval returns the documents n matches; never nil.
func (e *evaluator) eval(n query.Node) *roaring.Bitmap {
	switch n := n.(type) {
	case *query.Intersect:
		return e.intersect(n.Children)
	case *query.Union:
		out := roaring.New()
		for _, c := range n.Children {
			out.Or(e.eval(c))
		}
		return out
	case *query.Not:
		e.negated++
		m := e.eval(n.Child)
		e.negated--
		out := e.p.live.Clone()
		out.AndNot(m)
		return out
	case *query.Optional:
		e.eval(n.Child) // for its leaves' numbering; matches everything on its own
		return e.p.live.Clone()
	case *query.Fields:
		saved := e.mask
		e.mask = andMask(saved, e.fieldMask(n.Names))
		out := e.eval(n.Child)
		e.mask = saved
		return out
	case *query.Term:
		phon := n.Attrs.Phonetic == nil || *n.Attrs.Phonetic
		b, _ := e.termLeaf(n.Text, weightOf(n.Attrs), phon)
		return b
	case *query.Phrase:
		return e.phrase(n, true)
	case *query.Affix:
		return e.expand(strings.ToLower(n.Text), weightOf(n.Attrs), affixMatcher(n.Kind, strings.ToLower(n.Text)))
	case *query.Wildcard:
		pat := strings.ToLower(n.Pattern)
		return e.expand(pat, weightOf(n.Attrs), func(w string) bool { return wildcardMatch(pat, w) })
	case *query.Fuzzy:
		w := strings.ToLower(n.Text)
		return e.expand(w, weightOf(n.Attrs), func(t string) bool { return withinEdits(w, t, n.Distance) })
	case *query.Tag:
		return e.tag(n)
	case *query.Numeric:
		f := e.typed(n.Field, Numeric)
		if f == nil {
			return roaring.New()
		}
		return e.p.nums[f.slot].rng(n.Min, n.Max, n.MinExclusive, n.MaxExclusive)
	case *query.Geo:
		f := e.typed(n.Field, Geo)
		if f == nil {
			return roaring.New()
		}
		return e.p.geos[f.slot].within(n.Lon, n.Lat, n.Radius*unitMetres(n.Unit))
	case *query.All:
		return e.p.live.Clone()
	case *query.Empty:
		return roaring.New()
	case *query.IsMissing:
		f := e.p.def.Field(n.Field)
		if f == nil || e.p.missing[f.pos] == nil {
			e.setErr(QueryError(fmt.Sprintf("'ismissing' requires field '%s' to be defined with 'INDEXMISSING'", n.Field)))
			return roaring.New()
		}
		return e.p.missing[f.pos].Clone()
	case *query.VectorRange:
		return e.vectorRange(n)
	case *query.KNN:
		// Only a whole query is a KNN clause (Search answers it); nested, the parser
		// refuses it, so this is a query tree built by hand.
		e.setErr(QueryError("A KNN clause must be the whole query"))
		return roaring.New()
	}
	e.setErr(QueryError(fmt.Sprintf("unsupported query clause %T", n)))
	return roaring.New()
}

func (e *evaluator) setErr(err error) {
	if e.fieldErr == nil {
		e.fieldErr = err
	}
}

// intersect ANDs the positive children smallest first and takes away the negated ones.
func (e *evaluator) intersect(children []query.Node) *roaring.Bitmap {
	var pos []*roaring.Bitmap
	var neg []*roaring.Bitmap
	for _, c := range children {
		switch c := c.(type) {
		case *query.Not:
			e.negated++
			neg = append(neg, e.eval(c.Child))
			e.negated--
		case *query.Optional:
			e.eval(c.Child)
		default:
			pos = append(pos, e.eval(c))
		}
	}
	var out *roaring.Bitmap
	switch len(pos) {
	case 0:
		out = e.p.live.Clone()
	case 1:
		out = pos[0]
	default:
		// Smallest first: each step's result is at most the smallest set so far.
		slices.SortFunc(pos, func(a, b *roaring.Bitmap) int {
			return cmp.Compare(a.GetCardinality(), b.GetCardinality())
		})
		out = pos[0]
		for _, b := range pos[1:] {
			if out.IsEmpty() {
				break
			}
			out.And(b)
		}
	}
	for _, n := range neg {
		out.AndNot(n)
	}
	return out
}

// fieldMask turns attribute names into a mask of text slots. An unknown name is an error
// from dialect 2 on and matches nothing in dialect 1.
func (e *evaluator) fieldMask(names []string) []bool {
	mask := make([]bool, e.p.def.numText)
	for _, name := range names {
		f := e.p.def.Field(name)
		if f == nil {
			if e.req.Dialect >= 2 {
				e.setErr(QueryError(fmt.Sprintf("Unknown field at offset 0 near %s", name)))
			}
			continue
		}
		if f.Type == Text {
			mask[f.slot] = true
		}
	}
	return mask
}

func andMask(a, b []bool) []bool {
	if a == nil {
		return b
	}
	out := make([]bool, len(a))
	for i := range a {
		out[i] = a[i] && b[i]
	}
	return out
}

// typed returns the attribute name if it has type t; otherwise nil (and an error from
// dialect 2 on, for an unknown name).
func (e *evaluator) typed(name string, t FieldType) *Field {
	f := e.p.def.Field(name)
	if f == nil {
		if e.req.Dialect >= 2 {
			e.setErr(QueryError(fmt.Sprintf("Unknown field at offset 0 near %s", name)))
		}
		return nil
	}
	if f.Type != t || f.NoIndex {
		return nil
	}
	return f
}

// newLeaf registers a scoring leaf for the current mask.
func (e *evaluator) newLeaf(weight float64) *leaf {
	l := &leaf{mask: e.mask, weight: weight, negated: e.negated > 0, terms: &termSet{}}
	e.leaves = append(e.leaves, l)
	return l
}

// termLeaf matches one query word: itself and, unless VERBATIM or NOSTEM, every word with
// its stem.
func (e *evaluator) termLeaf(text string, weight float64, phon bool) (*roaring.Bitmap, *leaf) {
	if text == "" {
		// `""`: the empty value, which fields with INDEXEMPTY index.
		l := e.newLeaf(weight)
		out := roaring.New()
		e.addScoringTerm(out, l, "")
		return out, l
	}
	words := tokens(text)
	if len(words) != 1 {
		// A word with inner punctuation is several tokens: they must appear as a phrase,
		// each expanded as a word of its own (as RediSearch does).
		return e.phrase(&query.Phrase{Terms: words}, false), nil
	}
	b, l := e.wordLeaf(words[0], weight, !e.req.Verbatim)
	if phon && e.p.def.phonetic {
		// In PHONETIC fields the word also matches the words that sound like it.
		pid, aid := e.p.text.phoneticCodesOf(words[0])
		for _, tid := range []uint32{pid, aid} {
			if tid != 0 {
				e.addScoringTerm(b, l, e.p.text.words[tid])
			}
		}
		l.df = int64(b.GetCardinality())
	}
	if sb, _ := e.synonymMatches(words[0], weight); sb != nil {
		b.Or(sb) // its groups' leaves score them (synonym.go)
	}
	return b, l
}

// wordLeaf matches one analysed word, and with stem every word sharing its stem.
func (e *evaluator) wordLeaf(w string, weight float64, stem bool) (*roaring.Bitmap, *leaf) {
	l := e.newLeaf(weight)
	out := roaring.New()
	if !stem {
		e.addScoringTerm(out, l, w)
	} else {
		// A document's word w (≠ its stem s) is also in s's marker postings, so w's own
		// postings match but do not score: s and the marker count every token once.
		s := stemmerFor(e.req.language(e.p.def)).stem(w)
		if s != w {
			e.addTerm(out, l, w)
		}
		e.addScoringTerm(out, l, s)
		e.addScoringTerm(out, l, stemMarker+s)
	}
	l.df += int64(out.GetCardinality())
	return out, l
}

// addScoringTerm is addTerm for a term whose frequency counts in the leaf's tf.
func (e *evaluator) addScoringTerm(out *roaring.Bitmap, l *leaf, w string) {
	if tid, ok := e.p.text.terms[w]; ok && e.addTerm(out, l, w) {
		l.scoring = append(l.scoring, tid)
	}
}

// addTerm adds term w's postings (in the leaf's fields) to out and the term to the leaf's
// matched terms; it reports whether any document holds it there.
func (e *evaluator) addTerm(out *roaring.Bitmap, l *leaf, w string) bool {
	tid, ok := e.p.text.terms[w]
	if !ok {
		return false
	}
	b := e.p.text.postings(w, e.mask)
	if b == nil {
		return false
	}
	out.Or(b)
	l.terms.add(tid)
	return true
}

// expand matches every term of the dictionary that match accepts.
func (e *evaluator) expand(lit string, weight float64, match func(string) bool) *roaring.Bitmap {
	l := e.newLeaf(weight)
	out := roaring.New()
	visit := func(w string) bool {
		if isWord(w) && match(w) {
			e.addScoringTerm(out, l, w)
		}
		return true
	}
	if pre, ok := literalPrefix(lit); ok {
		e.p.text.sorted.Ascend(pre, func(w string) bool {
			if !strings.HasPrefix(w, pre) {
				return false
			}
			return visit(w)
		})
	} else {
		e.p.text.sorted.Scan(visit)
	}
	l.df += int64(out.GetCardinality())
	return out
}

// literalPrefix is the part of a pattern before its first wildcard, when there is one.
func literalPrefix(pat string) (string, bool) {
	i := strings.IndexAny(pat, "*?")
	if i <= 0 {
		return "", false
	}
	return pat[:i], true
}

func affixMatcher(k query.AffixKind, s string) func(string) bool {
	switch k {
	case query.Prefix:
		return func(w string) bool { return strings.HasPrefix(w, s) }
	case query.Suffix:
		return func(w string) bool { return strings.HasSuffix(w, s) }
	}
	return func(w string) bool { return strings.Contains(w, s) }
}

// withinEdits reports whether a and b are at most k Levenshtein edits apart.
func withinEdits(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}

// phrase matches documents holding the words in sequence (within the slop, in order
// unless told otherwise). The words of an exact (quoted) phrase match only as written, as
// RediSearch never expands them.
func (e *evaluator) phrase(n *query.Phrase, exact bool) *roaring.Bitmap {
	var words []string
	for _, t := range n.Terms {
		for _, w := range tokens(t) {
			if !e.p.def.IsStopWord(w) || e.req.NoStopWords {
				words = append(words, w)
			}
		}
	}
	slop, inorder := 0, true
	if n.Attrs.Slop != nil {
		slop, inorder = *n.Attrs.Slop, false
	}
	if n.Attrs.InOrder != nil {
		inorder = *n.Attrs.InOrder
	}
	sets := make([]*termSet, len(words))
	var bms []*roaring.Bitmap
	for i, w := range words {
		b, l := e.wordLeaf(w, weightOf(n.Attrs), !exact && !e.req.Verbatim)
		sets[i] = l.terms
		if !exact {
			// A word of a phrase that is not quoted also stands for its synonyms, at its place.
			if sb, st := e.synonymMatches(w, weightOf(n.Attrs)); sb != nil {
				b.Or(sb)
				sets[i] = l.terms.union(st)
			}
		}
		bms = append(bms, b)
	}
	if len(bms) == 0 {
		return roaring.New()
	}
	cand := roaring.FastAnd(bms...)
	if len(bms) == 1 {
		return bms[0]
	}
	out := roaring.New()
	it := cand.Iterator()
	for it.HasNext() {
		id := it.Next()
		if e.p.hasSequence(id, sets, e.mask, slop, inorder) {
			out.Add(id)
		}
	}
	return out
}

// tag matches a tag clause's alternatives.
func (e *evaluator) tag(n *query.Tag) *roaring.Bitmap {
	f := e.typed(n.Field, Tag)
	if f == nil {
		return roaring.New()
	}
	ti := &e.p.tags[f.slot]
	out := roaring.New()
	for _, v := range n.Values {
		text := v.Text
		if !f.CaseSensitive {
			text = strings.ToLower(text)
		}
		if v.Kind == query.TagExact {
			ti.orInto(text, out)
			continue
		}
		match := tagMatcher(v.Kind, text)
		for val, id := range ti.ids {
			if match(val) {
				ti.docs[id].orInto(out)
			}
		}
	}
	return out
}

func tagMatcher(k query.TagKind, s string) func(string) bool {
	switch k {
	case query.TagPrefix:
		return affixMatcher(query.Prefix, s)
	case query.TagSuffix:
		return affixMatcher(query.Suffix, s)
	case query.TagInfix:
		return affixMatcher(query.Infix, s)
	}
	return func(v string) bool { return wildcardMatch(s, v) }
}

// wildcardMatch matches s against a RediSearch wildcard pattern: `*` for any run of
// characters, `?` for one, a backslash for a literal next character.
func wildcardMatch(pat, s string) bool {
	p, r := []rune(pat), []rune(s)
	star, mark := -1, 0 // the last `*` seen in p, and where in r it started matching
	for i, j := 0, 0; j < len(r); {
		switch {
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case i < len(p) && (p[i] == '?' || (p[i] == '\\' && i+1 < len(p) && p[i+1] == r[j]) || (p[i] != '\\' && p[i] == r[j])):
			if p[i] == '\\' {
				i++
			}
			i, j = i+1, j+1
		case star >= 0:
			mark++
			i, j = star+1, mark
		default:
			return false
		}
		if j == len(r) {
			for i < len(p) && p[i] == '*' {
				i++
			}
			return i == len(p)
		}
	}
	for _, c := range p {
		if c != '*' {
			return false
		}
	}
	return true
}

func weightOf(a query.Attrs) float64 {
	if a.Weight != nil {
		return *a.Weight
	}
	return 1
}

// unitMetres is the length of a geo unit in metres (the query parser accepts only these).
func unitMetres(u string) float64 {
	if m, ok := geoUnits[strings.ToLower(u)]; ok {
		return m
	}
	return 1
}

// hasSequence reports whether document id holds, in one of the masked text fields, tokens
// from sets[0], sets[1], … in sequence with at most slop other tokens between them in all.
func (p *part) hasSequence(id uint32, sets []*termSet, mask []bool, slop int, inorder bool) bool {
	d := p.doc(id)
	for slot := range p.def.numText {
		if mask != nil && !mask[slot] {
			continue
		}
		if sequenceIn(d.toks(slot), d.stems(slot), sets, slop, inorder) {
			return true
		}
	}
	return false
}

func sequenceIn(toks, stems []uint32, sets []*termSet, slop int, inorder bool) bool {
	at := func(i int, set *termSet) bool { return set.has(toks[i]) || (stems[i] != 0 && set.has(stems[i])) }
	if inorder {
		for start := range toks {
			if !at(start, sets[0]) {
				continue
			}
			pos, gaps, ok := start, 0, true
			for _, set := range sets[1:] {
				next := -1
				for j := pos + 1; j < len(toks) && j-pos-1+gaps <= slop; j++ {
					if at(j, set) {
						next = j
						break
					}
				}
				if next < 0 {
					ok = false
					break
				}
				gaps += next - pos - 1
				pos = next
			}
			if ok {
				return true
			}
		}
		return false
	}
	// Any order: some window of the tokens holds one token of each set, and the window is at
	// most len(sets)+slop tokens long.
	win := len(sets) + slop
	for start := range toks {
		end := min(len(toks), start+win)
		used := make([]bool, end-start)
		all := true
		for _, set := range sets {
			found := false
			for j := start; j < end; j++ {
				if !used[j-start] && at(j, set) {
					used[j-start], found = true, true
					break
				}
			}
			if !found {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// termSet is the set of term ids a leaf matched: a short list while it is short (a word
// matches itself and its stems), a map once an expansion makes it long.
type termSet struct {
	few  []uint32
	many map[uint32]struct{}
}

const termSetFew = 8

func (s *termSet) add(t uint32) {
	if s.has(t) {
		return
	}
	if s.many == nil && len(s.few) < termSetFew {
		s.few = append(s.few, t)
		return
	}
	if s.many == nil {
		s.many = make(map[uint32]struct{}, 2*termSetFew)
		for _, x := range s.few {
			s.many[x] = struct{}{}
		}
		s.few = nil
	}
	s.many[t] = struct{}{}
}

func (s *termSet) has(t uint32) bool {
	if s.many != nil {
		_, ok := s.many[t]
		return ok
	}
	for _, x := range s.few {
		if x == t {
			return true
		}
	}
	return false
}

func (s *termSet) len() int { return len(s.few) + len(s.many) }
