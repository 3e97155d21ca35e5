package query

import (
	"slices"
	"strings"
)

// Token kinds the grammars accept where they want a word.
var (
	termKinds      = []kind{tTerm, tNumber, tSize}        // term
	paramTermKinds = []kind{tTerm, tNumber, tSize, tAttr} // param_term (dialect 2)
)

// take consumes a token of one of kinds or fails at the current one. In dialect 2 a quoted
// string, AS or ISMISSING reads as a word where a word fits and they do not (Lemon's
// %fallback TERM EXACT AS_T ISMISSING).
func (p *parser) take(kinds ...kind) token {
	t := p.tok
	if !p.fits(t.kind, kinds) {
		p.syntaxError(t)
	}
	p.next()
	return t
}

func (p *parser) fits(k kind, kinds []kind) bool {
	if slices.Contains(kinds, k) {
		return true
	}
	return p.v2 && (k == tExact || k == tAs || k == tIsMissing) && slices.Contains(kinds, tTerm)
}

// param returns parameter name's value. A missing one is an error RediSearch finds when it
// substitutes parameters, after the parse.
func (p *parser) param(t token, name string) string {
	v, ok := p.lookup(name)
	if !ok {
		p.lateError(phaseParams, t.pos, "No such parameter `%s`", name)
	}
	return v
}

// textOf is a word token's text, or its parameter's value.
func (p *parser) textOf(t token) string {
	if t.kind == tAttr {
		return p.param(t, t.text)
	}
	return t.text
}

func (p *parser) isStopWord(raw string) bool {
	return raw != "" && p.opts.IsStopWord != nil && p.opts.IsStopWord(lower(raw))
}

// word := TERM | NUMBER | SIZE | $param          (dialect 2; a stop word is nothing)
func (p *parser) word() Node {
	t := p.take(paramTermKinds...)
	switch t.kind {
	case tNumber, tSize:
		return &Term{P: t.pos, Text: t.text}
	case tAttr:
		return &Term{P: t.pos, Text: unescape(p.param(t, t.text))}
	}
	if p.isStopWord(t.text) {
		return nil
	}
	return &Term{P: t.pos, Text: unescape(t.text)}
}

// wordsV1 := word | word word {TERM}              (dialect 1; adjacent words intersect)
//
// A word followed by a word starts a list that later words (not numbers) extend: the list is
// one intersection, which is why `a b | c` is `(a b) | c` in dialect 1.
func (p *parser) wordsV1() Node {
	t := p.take(tTerm, tNumber, tStopword)
	if t.kind == tStopword {
		return nil
	}
	first := &Term{P: t.pos, Text: unescape(t.text)}
	if k := p.tok.kind; k != tTerm && k != tNumber {
		return first
	}
	n := &Intersect{P: t.pos, Children: []Node{first}}
	for {
		n.Children = append(n.Children, &Term{P: p.tok.pos, Text: unescape(p.tok.text)})
		p.next()
		if p.tok.kind != tTerm {
			return n
		}
	}
}

// phrase := EXACT: its words are split as RediSearch splits them, at unescaped separators.
func (p *parser) phrase() Node {
	t := p.take(tExact)
	return &Phrase{P: t.pos, Terms: splitPhrase(t.text)}
}

// splitPhrase splits a quoted string at the separators of RediSearch's query tokenizer
// (punctuation but `$`, `_` and `\`; space and tab), not at escaped ones.
func splitPhrase(s string) []string {
	var words []string
	start, escaped := 0, false
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (escaped || !isPhraseSep(s[i])) {
			escaped = !escaped && s[i] == '\\'
			continue
		}
		if i > start {
			words = append(words, unescape(s[start:i]))
		}
		start, escaped = i+1, false
	}
	return words
}

func isPhraseSep(c byte) bool {
	return c == ' ' || c == '\t' || isPunct(c) && c != '$' && c != '_' && c != '\\'
}

// phraseV1 := '"' word '"' | '"' word word {word | stopword} '"'     (dialect 1)
func (p *parser) phraseV1() Node {
	q := p.take(tQuote)
	var terms []string
	for {
		t := p.tok
		switch {
		case t.kind == tTerm || t.kind == tNumber:
			terms = append(terms, unescape(t.text))
		case t.kind == tStopword && len(terms) >= 2:
		case t.kind == tQuote && len(terms) > 0:
			p.next()
			return &Phrase{P: q.pos, Terms: terms}
		default:
			p.syntaxError(t)
		}
		p.next()
	}
}

// fuzzy := '%' w '%' | '%%' w '%%' | '%%%' w '%%%'
func (p *parser) fuzzy() Node {
	pos := p.tok.pos
	d := 0
	for p.tok.kind == tPercent && d < 3 {
		d++
		p.next()
	}
	var t token
	if p.v2 {
		t = p.take(paramTermKinds...)
	} else {
		t = p.take(tTerm, tNumber, tStopword)
	}
	for range d {
		p.expect(tPercent)
	}
	return &Fuzzy{P: pos, Text: unescape(p.textOf(t)), Distance: d}
}

var affixKinds = map[kind]AffixKind{tPrefix: Prefix, tSuffix: Suffix, tContains: Infix}

// affix := PREFIX | SUFFIX | CONTAINS
func (p *parser) affix() Node {
	t := p.take(tPrefix, tSuffix, tContains)
	return &Affix{P: t.pos, Kind: affixKinds[t.kind], Text: p.affixText(t)}
}

func (p *parser) affixText(t token) string {
	if t.param {
		return unescape(p.param(t, t.text))
	}
	return unescape(t.text)
}

// wildcard := WILDCARD; its pattern stays as written, escapes included.
func (p *parser) wildcard() Node {
	t := p.take(tWildcard)
	return &Wildcard{P: t.pos, Pattern: p.wildcardText(t)}
}

func (p *parser) wildcardText(t token) string {
	if t.param {
		return p.param(t, t.text)
	}
	return t.text
}

// field := MOD {'|' term} ':' (tags | '[' bracket ']' | expr)
//
// In dialect 2 the expression after the colon may hold text clauses only.
func (p *parser) field() Node {
	f := p.take(tMod)
	names := []string{unescape(f.text)}
	for p.tok.kind == tOr {
		p.next()
		names = append(names, unescape(p.take(termKinds...).text))
	}
	p.expect(tColon)
	if len(names) == 1 {
		switch {
		case p.tok.kind == tLB && p.v2:
			return p.tags(f)
		case p.tok.kind == tLB:
			return p.tagsV1(f)
		case p.tok.kind == tLSQB && p.v2:
			return p.bracket(f)
		case p.tok.kind == tLSQB:
			return p.bracketV1(f)
		}
	}
	c := p.expr(p.prec.field, p.v2)
	if c == nil {
		return nil
	}
	return &Fields{P: f.pos, Names: names, Child: c}
}

var tagKinds = map[kind]TagKind{tPrefix: TagPrefix, tSuffix: TagSuffix, tContains: TagInfix}

// tags := '{' tag {'|' tag} '}'
// tag  := affix | WILDCARD | param_term {param_term}
func (p *parser) tags(f token) Node {
	p.expect(tLB)
	n := &Tag{P: f.pos, Field: unescape(f.text)}
	for {
		n.Values = append(n.Values, p.tagValue())
		if p.tok.kind != tOr {
			break
		}
		p.next()
	}
	p.expect(tRB)
	return n
}

// tagPattern reads a tag alternative that is an affix or a wildcard, if the next is one.
func (p *parser) tagPattern() (TagValue, bool) {
	switch t := p.tok; t.kind {
	case tPrefix, tSuffix, tContains:
		p.next()
		return TagValue{Text: p.affixText(t), Kind: tagKinds[t.kind]}, true
	case tWildcard:
		p.next()
		return TagValue{Text: p.wildcardText(t), Kind: TagWildcard}, true
	}
	return TagValue{}, false
}

// tagValue reads one tag alternative; several words make one value, joined by single spaces.
func (p *parser) tagValue() TagValue {
	if v, ok := p.tagPattern(); ok {
		return v
	}
	var words []string
	for len(words) == 0 || p.fits(p.tok.kind, paramTermKinds) {
		words = append(words, unescape(p.textOf(p.take(paramTermKinds...))))
	}
	return TagValue{Text: strings.Join(words, " "), Kind: TagExact}
}

// tagsV1 := '{' tag {'|' tag | '}'}       (dialect 1: the closing brace is optional, may repeat)
// tag    := STOPWORD | affix | term | term term {term | STOPWORD}
//
// Once a tag list has begun, dialect 1 reads a `|` after it as one more tag: `@t:{a} | b` is
// `@t:{a | b}`, and `@t:{a} | @f:b` a syntax error.
func (p *parser) tagsV1(f token) Node {
	p.expect(tLB)
	n := &Tag{P: f.pos, Field: unescape(f.text), Values: []TagValue{p.tagValueV1()}}
	for {
		switch p.tok.kind {
		case tRB:
			p.next()
		case tOr:
			p.next()
			n.Values = append(n.Values, p.tagValueV1())
		default:
			return n
		}
	}
}

func (p *parser) tagValueV1() TagValue {
	if v, ok := p.tagPattern(); ok {
		return v
	}
	if t := p.tok; t.kind == tStopword {
		p.next()
		return TagValue{Text: unescape(t.text), Kind: TagExact}
	}
	words := []string{unescape(p.take(tTerm, tNumber).text)}
	if k := p.tok.kind; k == tTerm || k == tNumber {
		for k := p.tok.kind; k == tTerm || k == tNumber || k == tStopword; k = p.tok.kind {
			if k != tStopword {
				words = append(words, unescape(p.tok.text))
			}
			p.next()
		}
	}
	return TagValue{Text: strings.Join(words, " "), Kind: TagExact}
}

// isMissing := ISMISSING '(' MOD ')'
func (p *parser) isMissing() Node {
	t := p.take(tIsMissing)
	p.expect(tLP)
	f := p.take(tMod)
	p.expect(tRP)
	return &IsMissing{P: t.pos, Field: unescape(f.text)}
}
