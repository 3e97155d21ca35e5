package search

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"darner/engine"
	"darner/search/query"
)

// FT.SPELLCHECK, as RediSearch (src/spell_check.c, its FT.SPELLCHECK in module.c) does it:
// every word clause of the query (QN_TOKEN: plain words, the words of phrases and the exact
// values of tag clauses, under negations and optional clauses too; not prefixes, fuzzy words
// or wildcards) that the index does not hold, in the order the query names them, gets the
// index's words within DISTANCE edits of it, each scored by the documents holding it over
// the documents in the index, best first (ties in byte order). A word held by an EXCLUDE
// dictionary is left out; INCLUDE dictionaries add their words within DISTANCE, scored by
// the index's count of them (0 for a word no document holds). A word inside `@f:(…)` takes
// suggestions only from words some document holds in those fields. Words compare ignoring
// case, in code points; a query word longer than 100 of them matches nothing (RediSearch's
// trie refuses it), so it is listed with no suggestions. Unlike RediSearch, the stem and
// phonetic terms the index keeps beside the words are not offered ("+run" for "run":
// RediSearch issue #1391).

// SpellRequest is FT.SPELLCHECK's parsed arguments.
type SpellRequest struct {
	Query    string
	Distance int      // the edits a suggestion may be away from the word: 1 to 4
	Include  []string // TERMS INCLUDE dictionaries, in order
	Exclude  []string // TERMS EXCLUDE dictionaries
	Dialect  int      // 0: the registry's default
	Params   map[string]string
	// FullScoreInfo (RediSearch's, for its cluster coordinator) adds the number of documents,
	// lists the words the index holds, and gives scores as document counts.
	FullScoreInfo bool

	// paramsErr and optionErr are errors RediSearch reports only after it found the index
	// (paramsErr) and parsed the query (optionErr); a bad DIALECT is ParseSpellCheck's own
	// error, reported before the index is looked up.
	paramsErr, optionErr error
}

// SpellError is an FT.SPELLCHECK error whose text is the whole reply: RediSearch sends these
// without an "ERR" code in front.
type SpellError string

func (e SpellError) Error() string { return string(e) }

// maxSpellDistance is the largest DISTANCE.
const maxSpellDistance = 4

// ParseSpellCheck parses FT.SPELLCHECK's arguments after the index name: the query, then
// options. As in RediSearch each keyword is looked for anywhere among the options, and an
// argument that is none of them is ignored (so are the words clients send after a TERMS
// dictionary's name, which RediSearch never used). Unlike RediSearch, the index name and
// the query are not searched for keywords: a query "distance" is checked, not refused.
func ParseSpellCheck(argv []string) (*SpellRequest, error) {
	req := &SpellRequest{Query: argv[0], Distance: 1}
	opts := argv[1:]
	find := func(word string, from int) int {
		for i := from; i < len(opts); i++ {
			if strings.EqualFold(opts[i], word) {
				return i
			}
		}
		return -1
	}
	if i := find("DIALECT", 0); i >= 0 {
		if i+1 >= len(opts) {
			return nil, ArgError("Need an argument for DIALECT")
		}
		d, err := strconv.Atoi(opts[i+1])
		if err != nil || d < 1 || d > 4 {
			return nil, ArgError("DIALECT requires a non negative integer >=1 and <= 4")
		}
		req.Dialect = d
	}
	if i := find("PARAMS", 0); i >= 0 {
		req.Params, req.paramsErr = parseSpellParams(&args{a: opts[i+1:]})
	}
	req.optionErr = req.parseTerms(opts, find)
	req.FullScoreInfo = find("FULLSCOREINFO", 0) >= 0
	return req, nil
}

func parseSpellParams(a *args) (map[string]string, error) {
	n, err := a.count("PARAMS")
	if err != nil {
		return nil, err
	}
	if n == 0 || n%2 != 0 {
		return nil, ArgError("Parameters must be specified in PARAM VALUE pairs")
	}
	params := make(map[string]string, n/2)
	for range n / 2 {
		k, _ := a.next()
		params[k], _ = a.next()
	}
	return params, nil
}

// parseTerms reads DISTANCE and every TERMS, with RediSearch's errors.
func (req *SpellRequest) parseTerms(opts []string, find func(string, int) int) error {
	if i := find("DISTANCE", 0); i >= 0 {
		if i+1 >= len(opts) {
			return SpellError("DISTANCE arg is given but no DISTANCE comes after")
		}
		d, err := strconv.Atoi(opts[i+1])
		// Redis' string-to-integer conversion takes no sign or leading zero Atoi would.
		if err != nil || d < 1 || d > maxSpellDistance || strconv.Itoa(d) != opts[i+1] {
			return SpellError(fmt.Sprintf("bad distance given, distance must be a natural number between 1 to %d", maxSpellDistance))
		}
		req.Distance = d
	}
	for i := find("TERMS", 0); i >= 0; i = find("TERMS", i+1) {
		if i+2 >= len(opts) {
			return SpellError("TERM arg is given but no TERM params comes after")
		}
		switch op, dict := opts[i+1], opts[i+2]; {
		case strings.EqualFold(op, "INCLUDE"):
			req.Include = append(req.Include, dict)
		case strings.EqualFold(op, "EXCLUDE"):
			req.Exclude = append(req.Exclude, dict)
		default:
			return SpellError("bad format, exclude/include operation was not given")
		}
	}
	return nil
}

// SpellResult is FT.SPELLCHECK's answer.
type SpellResult struct {
	TotalDocs int64 // documents in the index
	// Terms are the query's words that need suggestions, in the query's order (a word named
	// twice is listed twice, as in RediSearch).
	Terms []SpellTerm
}

// SpellTerm is one query word's entry.
type SpellTerm struct {
	Term string // as the query has it, lower-cased unless a tag value of dialect 2 or later
	// InIndex is set when the index holds the word; only FullScoreInfo lists those.
	InIndex     bool
	Suggestions []SpellSuggestion // best first
}

// SpellSuggestion is a word offered for a query word.
type SpellSuggestion struct {
	Term string
	// Score is the share of the index's documents that hold Term (the count of them with
	// FullScoreInfo), 0 for a dictionary word no document holds.
	Score float64
}

// maxSpellRunes is the longest query word (in code points) that can match anything.
const maxSpellRunes = 100

// SpellCheck answers FT.SPELLCHECK over idx. tx must hold every shard, as for Search.
func (r *Registry) SpellCheck(tx *engine.Tx, idx *Index, req *SpellRequest) (*SpellResult, error) {
	dialect := req.Dialect
	if dialect == 0 {
		dialect = int(r.DefaultDialect.Load())
	}
	idx.touch()
	if req.paramsErr != nil {
		return nil, req.paramsErr
	}
	ast, err := query.Parse(req.Query, query.Options{Dialect: dialect, Params: req.Params, IsStopWord: idx.Def.IsStopWord})
	if err != nil {
		return nil, err
	}
	toks, err := spellTokens(idx.Def, ast, dialect)
	if err != nil {
		return nil, err
	}
	if req.optionErr != nil {
		return nil, req.optionErr
	}
	if dialect >= 1 && dialect <= 4 {
		idx.dialects[dialect].Add(1)
	}
	sd, err := r.spellDicts(req)
	if err != nil {
		return nil, err
	}
	res := &SpellResult{}
	for id, p := range idx.parts {
		_ = tx.ShardView(0, id) // asserts that tx holds the shard
		p.settle()
		res.TotalDocs += int64(p.numDocs())
	}
	total := float64(max(res.TotalDocs, 1)) // an empty index still scores dictionary words 0
	if req.FullScoreInfo {
		total = 1
	}
	for _, tk := range toks {
		st, ok := idx.spellTerm(tk, req.Distance, sd)
		if !ok || (st.InIndex && !req.FullScoreInfo) {
			continue
		}
		for i := range st.Suggestions {
			st.Suggestions[i].Score /= total
		}
		res.Terms = append(res.Terms, st)
	}
	return res, nil
}

// spellDictSet is the dictionaries of one FT.SPELLCHECK, copied out of the registry's.
type spellDictSet struct {
	include []string        // the INCLUDE dictionaries' words, dictionary by dictionary, each in order
	exclude map[string]bool // the EXCLUDE dictionaries' words, lower-cased
}

// spellDicts copies the dictionaries req names; the first missing one, INCLUDE ones first,
// is an error.
func (r *Registry) spellDicts(req *SpellRequest) (*spellDictSet, error) {
	d := r.dicts()
	read := func(name string) ([]string, error) {
		var terms []string
		if d != nil {
			terms = d.dump(name)
		}
		if terms == nil {
			return nil, SpellError("Dict does not exist: " + name)
		}
		return terms, nil
	}
	sd := &spellDictSet{exclude: make(map[string]bool)}
	for _, name := range req.Include {
		terms, err := read(name)
		if err != nil {
			return nil, err
		}
		sd.include = append(sd.include, terms...)
	}
	for _, name := range req.Exclude {
		terms, err := read(name)
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			sd.exclude[string(lowerRunes(t))] = true
		}
	}
	return sd, nil
}

// spellToken is a word of the query that FT.SPELLCHECK checks.
type spellToken struct {
	term  string // as the reply names it
	lower []rune // what is compared
	mask  []bool // the text slots its clause looks in; nil for all
}

// spellTerm checks one query word; ok is false when it is not listed at all (an EXCLUDE
// dictionary holds it).
func (idx *Index) spellTerm(tk spellToken, dist int, sd *spellDictSet) (SpellTerm, bool) {
	st := SpellTerm{Term: tk.term}
	if len(tk.lower) > maxSpellRunes {
		return st, true
	}
	w := string(tk.lower)
	if idx.holds(w) {
		st.InIndex = true
		return st, true
	}
	if sd.exclude[w] {
		return st, false
	}
	m := newEditMatcher(tk.lower, dist)
	cands := map[string]*spellCand{}
	for _, p := range idx.parts {
		p.text.spellCandidates(m, tk.mask, cands)
	}
	seen := map[string]bool{} // lower-cased suggestions: a dictionary adds a word only once
	for word, c := range cands {
		if c.inMask {
			st.Suggestions = append(st.Suggestions, SpellSuggestion{Term: word, Score: float64(c.docs)})
			seen[word] = true
		}
	}
	for _, word := range sd.include {
		low := string(lowerRunes(word))
		if seen[low] || !m.match(word) {
			continue
		}
		docs, inMask := idx.termDocs(word, tk.mask)
		if docs > 0 && !inMask {
			continue // the index holds it, but not in the clause's fields
		}
		st.Suggestions = append(st.Suggestions, SpellSuggestion{Term: word, Score: float64(docs)})
		seen[low] = true
	}
	slices.SortFunc(st.Suggestions, func(a, b SpellSuggestion) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Term, b.Term)
	})
	return st, true
}

// holds reports whether a document of the index holds word w.
func (idx *Index) holds(w string) bool {
	docs, _ := idx.termDocs(w, nil)
	return docs > 0
}

// termDocs counts the documents holding term w (as written) in any field, and tells
// whether one holds it in the text slots of mask (nil: any).
func (idx *Index) termDocs(w string, mask []bool) (docs int64, inMask bool) {
	for _, p := range idx.parts {
		tid, ok := p.text.terms[w]
		if !ok {
			continue
		}
		n, in := p.text.termDocs(tid, mask)
		docs += n
		inMask = inMask || in
	}
	return docs, inMask
}

// spellCand is an index word within reach of a query word, summed over parts.
type spellCand struct {
	docs   int64 // documents holding it, in any field
	inMask bool  // whether one holds it in the clause's fields
}

// spellCandidates adds the part's words that m matches to out.
func (t *textIndex) spellCandidates(m *editMatcher, mask []bool, out map[string]*spellCand) {
	for tid := 1; tid < len(t.words); tid++ {
		w := t.words[tid]
		if w == "" || !isWord(w) || !m.match(w) {
			continue
		}
		n, in := t.termDocs(uint32(tid), mask)
		if n == 0 {
			continue // no document holds it any more
		}
		c := out[w]
		if c == nil {
			c = &spellCand{}
			out[w] = c
		}
		c.docs += n
		c.inMask = c.inMask || in
	}
}

// termDocs counts the part's documents holding term tid in any text slot, and tells
// whether one holds it in a slot of mask (nil: any).
func (t *textIndex) termDocs(tid uint32, mask []bool) (int64, bool) {
	ps := t.slots(tid)
	held, inMask := 0, false
	for slot := range ps {
		if ps[slot].empty() {
			continue
		}
		held++
		inMask = inMask || mask == nil || mask[slot]
	}
	switch held {
	case 0:
		return 0, false
	case 1:
		for slot := range ps {
			if !ps[slot].empty() {
				return int64(ps[slot].card()), inMask
			}
		}
	}
	// A document holding the word in two fields counts once.
	return int64(t.postings(t.words[tid], nil).GetCardinality()), inMask
}

// spellTokens lists the query words FT.SPELLCHECK checks, in the order RediSearch walks
// them (depth first, children in order). From dialect 2 on an attribute the index does not
// have is an error, as in RediSearch's parser.
func spellTokens(def *Def, n query.Node, dialect int) ([]spellToken, error) {
	w := &spellWalk{def: def, dialect: dialect}
	w.walk(n, nil)
	return w.toks, w.err
}

type spellWalk struct {
	def     *Def
	dialect int
	toks    []spellToken
	err     error
}

func (w *spellWalk) walk(n query.Node, mask []bool) {
	switch n := n.(type) {
	case *query.Intersect:
		for _, c := range n.Children {
			w.walk(c, mask)
		}
	case *query.Union:
		for _, c := range n.Children {
			w.walk(c, mask)
		}
	case *query.Not:
		w.walk(n.Child, mask)
	case *query.Optional:
		w.walk(n.Child, mask)
	case *query.Fields:
		w.walk(n.Child, andMask(mask, w.textMask(n.Names)))
	case *query.KNN:
		if n.Filter != nil {
			w.walk(n.Filter, mask)
		}
	case *query.Term:
		w.word(n.Text, mask)
	case *query.Phrase:
		for _, t := range n.Terms {
			w.word(t, mask)
		}
	case *query.Tag:
		w.known(n.Field)
		for _, v := range n.Values {
			if v.Kind == query.TagExact {
				w.tagValue(v.Text)
			}
		}
	case *query.Numeric:
		w.known(n.Field)
	case *query.Geo:
		w.known(n.Field)
	}
}

// word adds a word clause: one word, lower-cased, even when an escape put punctuation in
// it (RediSearch's parser makes `hello\-world` one token).
func (w *spellWalk) word(text string, mask []bool) {
	if text == "" {
		return
	}
	low := lowerRunes(text)
	w.toks = append(w.toks, spellToken{term: string(low), lower: low, mask: mask})
}

// tagValue adds an exact tag value: RediSearch's parser makes it a word of its own, kept
// as written from dialect 2 on (lower-cased in dialect 1), or several words when the value
// is several words. Its suggestions come from every text field.
func (w *spellWalk) tagValue(v string) {
	if strings.ContainsRune(v, ' ') {
		for _, t := range strings.Fields(v) {
			w.word(t, nil)
		}
		return
	}
	if v == "" {
		return
	}
	if w.dialect == 1 {
		v = string(lowerRunes(v))
	}
	w.toks = append(w.toks, spellToken{term: v, lower: lowerRunes(v)})
}

// textMask is the text slots of the named attributes (FT.SEARCH's evaluator.fieldMask).
func (w *spellWalk) textMask(names []string) []bool {
	mask := make([]bool, w.def.numText)
	for _, name := range names {
		if f := w.known(name); f != nil && f.Type == Text {
			mask[f.slot] = true
		}
	}
	return mask
}

// known returns attribute name, or nil, noting an error from dialect 2 on.
func (w *spellWalk) known(name string) *Field {
	f := w.def.Field(name)
	if f == nil && w.dialect >= 2 && w.err == nil {
		w.err = QueryError(fmt.Sprintf("Unknown field at offset 0 near %s", name))
	}
	return f
}

// lowerRunes lower-cases s code point by code point, as RediSearch's trie compares.
func lowerRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, unicode.ToLower(r))
	}
	return out
}

// editMatcher tells whether words are within k edits (insertions, deletions and
// substitutions of code points, compared lower-cased: Levenshtein's distance, which
// RediSearch's automaton computes) of a query word. It keeps its two rows of the distance
// table between calls, as it is asked about every word of the index.
type editMatcher struct {
	q         []rune
	k         int
	prev, cur []int
}

func newEditMatcher(q []rune, k int) *editMatcher {
	return &editMatcher{q: q, k: k, prev: make([]int, len(q)+1), cur: make([]int, len(q)+1)}
}

func (m *editMatcher) match(w string) bool {
	n := utf8.RuneCountInString(w)
	if n-len(m.q) > m.k || len(m.q)-n > m.k {
		return false
	}
	prev, cur := m.prev, m.cur
	for j := range prev {
		prev[j] = j
	}
	i := 0
	for _, r := range w {
		r = unicode.ToLower(r)
		i++
		cur[0] = i
		best := i
		for j := 1; j <= len(m.q); j++ {
			cost := 1
			if m.q[j-1] == r {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > m.k {
			return false // every alignment is already too far
		}
		prev, cur = cur, prev
	}
	return prev[len(m.q)] <= m.k
}
