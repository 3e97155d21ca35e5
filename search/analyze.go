package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/da"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hi"
	"github.com/blevesearch/bleve/v2/analysis/lang/hu"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/no"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/analysis/lang/tr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/character"
)

// Text analysis as RediSearch does it: split at punctuation and white space (a backslash
// keeps the next character in the word), lower-case, and stem by language. The pieces are
// bleve's: its character tokenizer with RediSearch's separator set, its lower-case filter and
// its Snowball stemmers.

// stemmers maps RediSearch's language names to bleve's stemmer for them. Languages
// RediSearch accepts that are missing here (see otherLanguages) are indexed unstemmed.
var stemmers = map[string]func() analysis.TokenFilter{
	"arabic":     func() analysis.TokenFilter { return ar.NewArabicStemmerFilter() },
	"danish":     func() analysis.TokenFilter { return da.NewDanishStemmerFilter() },
	"dutch":      func() analysis.TokenFilter { return nl.NewDutchStemmerFilter() },
	"english":    func() analysis.TokenFilter { return en.NewEnglishStemmerFilter() },
	"finnish":    func() analysis.TokenFilter { return fi.NewFinnishStemmerFilter() },
	"french":     func() analysis.TokenFilter { return fr.NewFrenchStemmerFilter() },
	"german":     func() analysis.TokenFilter { return de.NewGermanStemmerFilter() },
	"hindi":      func() analysis.TokenFilter { return hi.NewHindiStemmerFilter() },
	"hungarian":  func() analysis.TokenFilter { return hu.NewHungarianStemmerFilter() },
	"italian":    func() analysis.TokenFilter { return it.NewItalianStemmerFilter() },
	"norwegian":  func() analysis.TokenFilter { return no.NewNorwegianStemmerFilter() },
	"portuguese": func() analysis.TokenFilter { return pt.NewPortugueseLightStemmerFilter() },
	"romanian":   func() analysis.TokenFilter { return ro.NewRomanianStemmerFilter() },
	"russian":    func() analysis.TokenFilter { return ru.NewRussianStemmerFilter() },
	"spanish":    func() analysis.TokenFilter { return es.NewSpanishStemmerFilter() },
	"swedish":    func() analysis.TokenFilter { return sv.NewSwedishStemmerFilter() },
	"turkish":    func() analysis.TokenFilter { return tr.NewTurkishStemmerFilter() },
}

var otherLanguages = map[string]bool{
	"armenian": true, "basque": true, "catalan": true, "chinese": true, "greek": true,
	"indonesian": true, "irish": true, "lithuanian": true, "nepali": true, "serbian": true,
	"tamil": true, "yiddish": true,
}

func knownLanguage(l string) bool {
	l = strings.ToLower(l)
	return stemmers[l] != nil || otherLanguages[l]
}

// isSeparator is RediSearch's default separator set.
func isSeparator(r rune) bool {
	if unicode.IsSpace(r) {
		return true
	}
	return strings.ContainsRune(",.<>{}[]\"':;!@#$%^&*()-+=~|/\\`?", r)
}

var (
	tokenizer = character.NewCharacterTokenizer(func(r rune) bool { return !isSeparator(r) })
	lower     = lowercase.NewLowerCaseFilter()
)

// tokens splits text into lower-cased words, in order. A backslash-escaped separator stays
// in its word, as RediSearch's tokenizer keeps it.
func tokens(text string) []string { return appendTokens(nil, text) }

// appendTokens appends text's words to out. Plain ASCII text, which most documents are, is
// split here without allocating (the words are substrings of text, lower-cased copies only
// where text has capitals): bleve's tokenizer allocates a token per word, which measured as
// the largest cost of indexing a document (BenchmarkIndexHash). Other text goes through
// bleve's character tokenizer and lower-case filter, with the same separator set.
func appendTokens(out []string, text string) []string {
	if strings.IndexByte(text, '\\') >= 0 {
		return append(out, escapedTokens(text)...)
	}
	if isASCII(text) {
		return appendASCIITokens(out, text)
	}
	for _, t := range lower.Filter(tokenizer.Tokenize([]byte(text))) {
		out = append(out, string(t.Term))
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiSeparator is isSeparator for bytes below 128.
var asciiSeparator = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isSeparator(rune(c))
	}
	return t
}()

func appendASCIITokens(out []string, text string) []string {
	start := -1
	upper := false
	for i := 0; i <= len(text); i++ {
		if i == len(text) || asciiSeparator[text[i]] {
			if start >= 0 {
				w := text[start:i]
				if upper {
					w = strings.ToLower(w)
				}
				out = append(out, w)
				start, upper = -1, false
			}
			continue
		}
		if start < 0 {
			start = i
		}
		if 'A' <= text[i] && text[i] <= 'Z' {
			upper = true
		}
	}
	return out
}

func escapedTokens(text string) []string {
	var out []string
	var b strings.Builder
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs):
			i++
			b.WriteRune(unicode.ToLower(rs[i]))
		case isSeparator(r):
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// stemmer stems single words for one language; safe for concurrent use, since the bleve
// filters in the stemmers table are stateless (empty structs).
type stemmer struct {
	f analysis.TokenFilter
}

var (
	stemmersMu   sync.Mutex // protects stemmerCache
	stemmerCache = map[string]*stemmer{}
)

// stemmerFor returns the stemmer of language l, or nil when darner has none for it.
func stemmerFor(l string) *stemmer {
	stemmersMu.Lock()
	defer stemmersMu.Unlock()
	if s, ok := stemmerCache[l]; ok {
		return s
	}
	var s *stemmer
	if mk := stemmers[l]; mk != nil {
		s = &stemmer{f: mk()}
	}
	stemmerCache[l] = s
	return s
}

// stem returns w's stem.
func (s *stemmer) stem(w string) string {
	if s == nil {
		return w
	}
	ts := s.f.Filter(analysis.TokenStream{{Term: []byte(w)}})
	if len(ts) == 0 {
		return w
	}
	return string(ts[0].Term)
}
