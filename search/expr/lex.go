package expr

import (
	"math"
	"strconv"
)

var posInf = math.Inf(1)

// tokKind is the kind of a token of the expression language.
type tokKind uint8

const (
	tEOF tokKind = iota
	tNumber
	tString
	tProp
	tSymbol
	tParam // a $name of the params: darner's extension, a literal
	tLP
	tRP
	tComma
	tPlus
	tMinus
	tTimes
	tDiv
	tMod
	tPow
	tEq
	tNe
	tLt
	tLe
	tGt
	tGe
	tAnd
	tOr
	tNot
)

// token is one token. near is what RediSearch's syntax errors quote for it: a number,
// string (with its quotes), property (without @) or symbol token's own text, but for an
// operator or the end the text of the last such token before it, because RediSearch's
// lexer only fills the text in for those.
type token struct {
	kind tokKind
	pos  int
	near string
	num  float64 // tNumber
	str  string  // tString: unescaped; tProp, tSymbol: the name
	val  Value   // tParam
}

// lex splits src into tokens, as RediSearch's Ragel scanner (aggregate/expr/lexer.rl)
// does: the longest match wins, the earlier rule on a tie; white space, control bytes and
// punctuation that starts no token are skipped; a byte of 0x80 or more outside a string
// or property name ends the input (the scanner fails there and the parser is given the
// end). $name is replaced by the parameter's value when params has it; otherwise the $
// is punctuation, as in RediSearch.
func lex(src string, params map[string]string) []token {
	l := lexer{src: src, params: params}
	for l.i < len(src) && l.step() {
	}
	pos := 0
	if n := len(l.toks); n > 0 {
		pos = l.toks[n-1].pos
	}
	return append(l.toks, token{kind: tEOF, pos: pos, near: l.near})
}

type lexer struct {
	src    string
	i      int
	params map[string]string
	toks   []token
	near   string // text of the last token that has one
}

// emit adds a token of n bytes at the current position; text tokens update near.
func (l *lexer) emit(t token, n int, text bool) {
	t.pos = l.i
	if text {
		l.near = l.src[l.i : l.i+n]
		if t.kind == tProp {
			l.near = t.str
		}
	}
	t.near = l.near
	l.toks = append(l.toks, t)
	l.i += n
}

// step lexes what starts at l.i; false ends the input.
func (l *lexer) step() bool {
	s, i := l.src, l.i
	c := s[i]
	switch {
	case c >= 0x80:
		return false
	case isDigit(c):
		l.number(numberLen(s, i))
	case c == '+' || c == '-':
		l.signed(c)
	case c == '\'' || c == '"':
		l.quote(c)
	case isAlpha(c):
		n := 1
		for i+n < len(s) && (isAlnum(s[i+n]) || s[i+n] == '_') {
			n++
		}
		l.emit(token{kind: tSymbol, str: s[i : i+n]}, n, true)
	case c == '@':
		n := propertyLen(s, i+1)
		if n == 0 {
			l.i++
			return true
		}
		l.emit(token{kind: tProp, str: s[i+1 : i+1+n]}, n+1, true)
	case c == '$':
		l.param()
	default:
		l.operator(c)
	}
	return true
}

// signed lexes a token starting with + or -: a number, [+-]inf, or the operator.
func (l *lexer) signed(c byte) {
	s, i := l.src, l.i
	switch {
	case i+1 < len(s) && isDigit(s[i+1]):
		l.number(numberLen(s, i+1) + 1)
	case hasInf(s, i+1):
		l.inf(c)
	case c == '+':
		l.emit(token{kind: tPlus}, 1, false)
	default:
		l.emit(token{kind: tMinus}, 1, false)
	}
}

// number emits the n-byte number at l.i. strtod's value of the text is RediSearch's;
// an out of range one is ±Inf or 0, as there.
func (l *lexer) number(n int) {
	f, _ := strconv.ParseFloat(l.src[l.i:l.i+n], 64)
	l.emit(token{kind: tNumber, num: f}, n, true)
}

// inf emits RediSearch's inf token, ['+-]inf: its character class includes the quote.
func (l *lexer) inf(sign byte) {
	f := posInf
	if sign == '-' {
		f = -posInf
	}
	l.emit(token{kind: tNumber, num: f}, 4, true)
}

// quote lexes a string literal, or, when q opens none, 'inf or the quote as punctuation.
func (l *lexer) quote(q byte) {
	s, i := l.src, l.i
	if end := stringEnd(s, i); end > 0 {
		l.emit(token{kind: tString, str: unescape(s[i+1 : end])}, end+1-i, true)
		return
	}
	if q == '\'' && hasInf(s, i+1) {
		l.inf('+')
		return
	}
	l.i++
}

// param replaces $name by its parameter (a number if the value is written as a
// number literal is, else a string); an unknown name leaves the $ to be skipped.
func (l *lexer) param() {
	s, i := l.src, l.i
	n := 0
	for i+1+n < len(s) && (isAlnum(s[i+1+n]) || s[i+1+n] == '_') {
		n++
	}
	v, ok := l.params[s[i+1:i+1+n]]
	if n == 0 || !ok {
		l.i++
		return
	}
	val := Str(v)
	digits := 0
	if len(v) > 0 && (v[0] == '+' || v[0] == '-') {
		digits = 1
	}
	if len(v) > digits && numberLen(v, digits) == len(v)-digits {
		f, _ := strconv.ParseFloat(v, 64)
		val = Num(f)
	}
	l.emit(token{kind: tParam, val: val}, n+1, true)
}

// operator lexes punctuation: an operator token, or nothing (skipped).
func (l *lexer) operator(c byte) {
	next := byte(0)
	if l.i+1 < len(l.src) {
		next = l.src[l.i+1]
	}
	one := map2(c, next)
	if one.kind == tEOF {
		l.i++ // white space, control bytes and lone punctuation
		return
	}
	l.emit(token{kind: one.kind}, one.n, false)
}

type opTok struct {
	kind tokKind
	n    int
}

// map2 is the operator token c (followed by next) starts, tEOF for none.
func map2(c, next byte) opTok {
	switch c {
	case '(':
		return opTok{tLP, 1}
	case ')':
		return opTok{tRP, 1}
	case ',':
		return opTok{tComma, 1}
	case '*':
		return opTok{tTimes, 1}
	case '/':
		return opTok{tDiv, 1}
	case '%':
		return opTok{tMod, 1}
	case '^':
		return opTok{tPow, 1}
	case '=':
		if next == '=' {
			return opTok{tEq, 2}
		}
	case '!':
		if next == '=' {
			return opTok{tNe, 2}
		}
		return opTok{tNot, 1}
	case '<':
		if next == '=' {
			return opTok{tLe, 2}
		}
		return opTok{tLt, 1}
	case '>':
		if next == '=' {
			return opTok{tGe, 2}
		}
		return opTok{tGt, 1}
	case '&':
		if next == '&' {
			return opTok{tAnd, 2}
		}
	case '|':
		if next == '|' {
			return opTok{tOr, 2}
		}
	}
	return opTok{}
}

// numberLen is the length of digit+ ('.' digit+)? ([eE] [+-]? digit+)? at s[i:], 0 if none.
func numberLen(s string, i int) int {
	j := digitsEnd(s, i)
	if j == i {
		return 0
	}
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		j = digitsEnd(s, j+1)
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if e := digitsEnd(s, k); e > k {
			j = e
		}
	}
	return j - i
}

func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func hasInf(s string, i int) bool {
	return i+3 <= len(s) && s[i:i+3] == "inf"
}

// propertyLen is the length of a property name at s[i:]: bytes that are not punctuation,
// control or space, '_', and a backslash with the punctuation or space it escapes (both
// kept in the name, as RediSearch keeps them).
func propertyLen(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		switch {
		case c == '\\' && j+1 < len(s) && (isPunct(s[j+1]) || isSpace(s[j+1])):
			j += 2
		case c == '_' || (!isPunct(c) && !isSpace(c) && c >= 0x20 && c != 0x7f):
			j++
		default:
			return j - i
		}
	}
	return j - i
}

// stringEnd is the index of the quote closing the string literal opened at s[i], 0 if
// none. The scanner takes the longest literal, and a backslash may escape the quote or a
// newline, so a quote (or newline) after a backslash may be either inside or the end.
func stringEnd(s string, i int) int {
	q := s[i]
	end := 0
	for j := i + 1; j < len(s); j++ {
		escapable := j-1 > i && s[j-1] == '\\'
		switch s[j] {
		case q:
			end = j
			if !escapable {
				return end
			}
		case '\n':
			if !escapable {
				return end
			}
		}
	}
	return end
}

// unescape is RediSearch's unescapeStringDup: every backslash followed by punctuation or
// white space is dropped (so `\\` becomes `\` and `\'` becomes `'`, and `\n` stays two bytes).
func unescape(s string) string {
	k := 0
	for k < len(s) && s[k] != '\\' {
		k++
	}
	if k == len(s) {
		return s
	}
	b := []byte(s[:k])
	for ; k < len(s); k++ {
		if s[k] == '\\' && k+1 < len(s) && (isPunct(s[k+1]) || isSpace(s[k+1])) {
			continue
		}
		b = append(b, s[k])
	}
	return string(b)
}

// isPunct and isSpace are C's ispunct and isspace in the C locale.
func isPunct(c byte) bool {
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~')
}

func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
