package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"darner/search/query"
)

// HighlightOpts are FT.SEARCH's HIGHLIGHT [FIELDS n f…] [TAGS open close].
type HighlightOpts struct {
	Fields      []string // nil: every returned TEXT field
	Open, Close string
}

// SummarizeOpts are FT.SEARCH's SUMMARIZE [FIELDS n f…] [FRAGS n] [LEN n] [SEPARATOR s].
type SummarizeOpts struct {
	Fields []string // nil: every returned TEXT field
	Frags  int      // fragments at most
	Len    int      // words per fragment
	Sep    string   // after each fragment
}

// TermMatcher tells which words of a document a query matched: its terms (and their
// stems), prefixes, suffixes, infixes and fuzzy terms, each in the fields its clause
// searches. Negated clauses match nothing.
type TermMatcher struct {
	def   *Def
	st    *stemmer
	rules []termRule
}

type termRule struct {
	fields []string // nil: every text field
	match  func(word string) bool
}

// newTermMatcher collects the text clauses of a query tree.
func newTermMatcher(def *Def, ast query.Node, language string) *TermMatcher {
	tm := &TermMatcher{def: def, st: stemmerFor(language)}
	tm.collect(ast, nil)
	return tm
}

func (tm *TermMatcher) collect(n query.Node, fields []string) {
	add := func(match func(string) bool) { tm.rules = append(tm.rules, termRule{fields, match}) }
	switch n := n.(type) {
	case *query.Intersect:
		for _, c := range n.Children {
			tm.collect(c, fields)
		}
	case *query.Union:
		for _, c := range n.Children {
			tm.collect(c, fields)
		}
	case *query.Optional:
		tm.collect(n.Child, fields)
	case *query.Fields:
		tm.collect(n.Child, n.Names)
	case *query.Term:
		tm.addWords(add, tokens(n.Text))
	case *query.Phrase:
		for _, t := range n.Terms {
			tm.addWords(add, tokens(t))
		}
	case *query.Affix:
		add(affixMatcher(n.Kind, strings.ToLower(n.Text)))
	case *query.Fuzzy:
		t, d := strings.ToLower(n.Text), n.Distance
		add(func(w string) bool { return withinEdits(t, w, d) })
	case *query.KNN:
		tm.collect(n.Filter, fields)
	}
}

// addWords adds words and their stems: a document word matches a term when it is the
// term or stems as the term does.
func (tm *TermMatcher) addWords(add func(func(string) bool), words []string) {
	for _, w := range words {
		stem := w
		if tm.st != nil {
			stem = tm.st.stem(w)
		}
		add(func(d string) bool { return d == w || (tm.st != nil && tm.st.stem(d) == stem) })
	}
}

// Match reports whether word (as written in the document) of field matched the query.
func (tm *TermMatcher) Match(field, word string) bool {
	w := strings.ToLower(word)
	for _, r := range tm.rules {
		if (r.fields == nil || slices.Contains(r.fields, field)) && r.match(w) {
			return true
		}
	}
	return false
}

// wordSpan is one word of a text, by byte offsets.
type wordSpan struct{ start, end int }

// wordSpans splits text into words at RediSearch's separators, keeping their offsets.
func wordSpans(text string) []wordSpan {
	var out []wordSpan
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isSeparator(r) {
			if start >= 0 {
				out = append(out, wordSpan{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		out = append(out, wordSpan{start, len(text)})
	}
	return out
}

// Highlight wraps the matched words of a field's text in open and close tags.
func (tm *TermMatcher) Highlight(field, text, open, close string) string {
	return tm.render(field, text, wordSpans(text), 0, -1, open, close, true)
}

// render writes text[from word lo to word hi] (hi -1: to the end of text), wrapping
// matched words when hl.
func (tm *TermMatcher) render(field, text string, words []wordSpan, lo, hi int, open, close string, hl bool) string {
	start, end := 0, len(text)
	if hi >= 0 {
		start, end = words[lo].start, words[hi].end
	} else {
		hi = len(words) - 1
	}
	var b strings.Builder
	at := start
	for _, w := range words[lo : hi+1] {
		if !hl || !tm.Match(field, text[w.start:w.end]) {
			continue
		}
		b.WriteString(text[at:w.start])
		b.WriteString(open)
		b.WriteString(text[w.start:w.end])
		b.WriteString(close)
		at = w.end
	}
	b.WriteString(text[at:end])
	return b.String()
}

// window is a fragment: words lo..hi, with its score (distinct matched words, then matches).
type window struct {
	lo, hi          int
	distinct, count int
}

// Summarize returns up to o.Frags fragments of o.Len words around the matched words of a
// field's text, best first by how many distinct words they match, then in text order,
// each followed by o.Sep; highlighted as hl says when hl is not nil. A text without a
// matched word gives its first o.Len words.
func (tm *TermMatcher) Summarize(field, text string, o SummarizeOpts, hl *HighlightOpts) string {
	words := wordSpans(text)
	if len(words) == 0 {
		return text
	}
	open, close := "", ""
	if hl != nil {
		open, close = hl.Open, hl.Close
	}
	var hits []int
	for i, w := range words {
		if tm.Match(field, text[w.start:w.end]) {
			hits = append(hits, i)
		}
	}
	size := max(o.Len, 1)
	if len(hits) == 0 {
		return tm.render(field, text, words, 0, min(size, len(words))-1, open, close, hl != nil)
	}
	wins := fragmentWindows(text, words, hits, size)
	slices.SortStableFunc(wins, func(a, b window) int {
		if a.distinct != b.distinct {
			return b.distinct - a.distinct
		}
		return b.count - a.count
	})
	wins = wins[:min(max(o.Frags, 1), len(wins))]
	slices.SortFunc(wins, func(a, b window) int { return a.lo - b.lo })
	var b strings.Builder
	for _, w := range wins {
		b.WriteString(tm.render(field, text, words, w.lo, w.hi, open, close, hl != nil))
		b.WriteString(o.Sep)
	}
	return b.String()
}

// fragmentWindows makes a window of size words centred on each matched word, merging
// windows that overlap, and scores them.
func fragmentWindows(text string, words []wordSpan, hits []int, size int) []window {
	var wins []window
	for _, h := range hits {
		lo := max(0, h-size/2)
		hi := min(len(words)-1, lo+size-1)
		lo = max(0, hi-size+1)
		if n := len(wins); n > 0 && lo <= wins[n-1].hi {
			wins[n-1].hi = max(wins[n-1].hi, hi)
			continue
		}
		wins = append(wins, window{lo: lo, hi: hi})
	}
	for i := range wins {
		seen := map[string]bool{}
		for _, h := range hits {
			if h >= wins[i].lo && h <= wins[i].hi {
				wins[i].count++
				seen[strings.ToLower(text[words[h].start:words[h].end])] = true
			}
		}
		wins[i].distinct = len(seen)
	}
	return wins
}
