package query

import "strings"

// kind is the type of a token.
type kind uint8

const (
	tEOF       kind = iota
	tTerm           // a word; text as written, escapes kept ("" for dialect 2's `""`)
	tStopword       // dialect 1: a word the stop-word list holds
	tNumber         // a number or [+-]inf; num holds its value
	tSize           // dialect 2: digits only
	tExact          // dialect 2: "…" or '…'; text is what is between the quotes
	tPrefix         // `pre*`, `"pre"*`; text without the star
	tSuffix         // `*suf`
	tContains       // `*in*`
	tWildcard       // dialect 2: w'…'; text is the pattern
	tMod            // @name; text is the name
	tAttr           // $name; text is the name
	tCmp            // dialect 2: `@name op value`
	tArrow          // =>
	tAs             // dialect 2: AS (a word elsewhere)
	tIsMissing      // dialect 2: ismissing (a word where it cannot start a clause)
	tQuote          // a " that opens no phrase (dialect 1: every ")
	tOr
	tLP
	tRP
	tLB
	tRB
	tColon
	tSemicolon
	tMinus
	tTilde
	tStar
	tPercent
	tLSQB
	tRSQB
)

// token is one lexical token. pos and near are what RediSearch prints when the parse fails at
// this token: its lexer updates the text it reports only for some tokens, so near is the text
// of the last token that set it.
type token struct {
	kind  kind
	pos   int
	text  string
	near  string
	num   float64
	param bool // affix or wildcard whose text is a parameter name
	cmp   *comparison
}

// comparison is the body of a dialect 2 `@n>5`, `@n == $p`, … token.
type comparison struct {
	op    string // "==", "!=", ">", ">=", "<", "<="
	value token  // tNumber, tSize or tAttr
	neg   bool   // `-$p`
}

// lexer turns a query into tokens the way RediSearch's Ragel scanner does: at each position
// the longest match of any rule wins, and of equally long matches the rule listed first.
// Nothing is an error at this level: a byte that fits no rule is punctuation and is skipped.
type lexer struct {
	src  string
	v2   bool
	all  bool // try every rule at every byte (tests check that the first-byte tables agree)
	stop func(string) bool
	toks []token
	near string
	last int // position of the last token, which the end of input reports
}

// rule is one scanner rule: match returns the end of its longest match at i, or -1; act emits
// the token (nil: the match is skipped); first tells the bytes a match can start with.
type rule struct {
	match func(s string, i int) int
	act   func(l *lexer, i, j int)
	first func(c byte) bool
}

// rulesV1 and rulesV2 are the scanners' rules in their source order (query_parser/v1 and
// v2/lexer.rl); order breaks ties.
var (
	rulesV1 = rules(
		[]rule{
			{matchNumberV1, (*lexer).number, oneOf("-0123456789")},
			{matchSigil('@'), (*lexer).mod, oneOf("@")},
			{matchSigil('$'), (*lexer).attr, oneOf("$")},
			{matchLit("=>"), (*lexer).arrow, oneOf("=")},
			{matchInfV1, (*lexer).inf, oneOf("'+-i")},
		},
		[]rule{
			{matchTerm, (*lexer).term, startsTerm},
			{affixMatcher(tPrefix, numberEndsV1, false), affixAct(tPrefix), anyOf(startsTerm, oneOf("-"))},
			{affixMatcher(tSuffix, numberEndsV1, false), affixAct(tSuffix), oneOf("*")},
			{affixMatcher(tContains, numberEndsV1, false), affixAct(tContains), oneOf("*")},
		})
	rulesV2 = rules(
		[]rule{
			{matchSize, (*lexer).size, isDigit},
			{matchNumberV2, (*lexer).number, oneOf("+-.0123456789")},
			{matchSigil('@'), (*lexer).mod, oneOf("@")},
			{matchSigil('$'), (*lexer).attr, oneOf("$")},
			{matchCmp, (*lexer).cmp, oneOf("@")},
			{matchLit("=>"), (*lexer).arrow, oneOf("=")},
			{matchFold("as"), wordAct(tAs), oneOf("aA")},
			{matchInfV2, (*lexer).inf, oneOf("+-iI")},
			{matchEmpty, (*lexer).empty, oneOf(`"'`)},
		},
		[]rule{
			{matchFold("ismissing"), wordAct(tIsMissing), oneOf("iI")},
			{matchTerm, (*lexer).term, startsTerm},
			{matchExact, (*lexer).exact, oneOf(`"'`)},
			{affixMatcher(tPrefix, numberEndsV2, true), affixAct(tPrefix), anyOf(startsTerm, oneOf(`+-.$"'`))},
			{affixMatcher(tSuffix, numberEndsV2, true), affixAct(tSuffix), oneOf("*")},
			{affixMatcher(tContains, numberEndsV2, true), affixAct(tContains), oneOf("*")},
			{matchWildcard, (*lexer).wildcard, oneOf("w")},
		})
	// byFirstV1 and byFirstV2 list, for each byte, the rules (in order) whose matches can
	// start with it: a step tries only those.
	byFirstV1 = byFirst(rulesV1)
	byFirstV2 = byFirst(rulesV2)
)

func oneOf(set string) func(byte) bool {
	return func(c byte) bool { return strings.IndexByte(set, c) >= 0 }
}

func anyOf(a, b func(byte) bool) func(byte) bool {
	return func(c byte) bool { return a(c) || b(c) }
}

// startsTerm tells the bytes a word starts with: a word byte, or the backslash of an escape.
func startsTerm(c byte) bool { return isWordByte(c) || c == '\\' }

func startsSkip(c byte) bool { return isPunct(c) || isSpace(c) || isCntrl(c) }

func byFirst(rules []rule) *[256][]uint8 {
	var t [256][]uint8
	for c := range 256 {
		for r := range rules {
			if rules[r].first(byte(c)) {
				t[c] = append(t[c], uint8(r))
			}
		}
	}
	return &t
}

// rules puts a dialect's rules in order: its own first rules, the quote and one-character
// tokens both dialects share, skipped space, punctuation and control bytes, its last rules.
func rules(first, last []rule) []rule {
	out := append(first, rule{matchLit(`"`), punct(tQuote), oneOf(`"`)})
	out = append(out, punctRules()...)
	out = append(out, rule{matchSkip, nil, startsSkip})
	return append(out, last...)
}

// punctRules are the one-character tokens both dialects share, in the lexers' order.
func punctRules() []rule {
	lits := []struct {
		s string
		k kind
	}{{"|", tOr}, {"(", tLP}, {")", tRP}, {"{", tLB}, {"}", tRB}, {":", tColon},
		{";", tSemicolon}, {"-", tMinus}, {"~", tTilde}, {"*", tStar}, {"%", tPercent},
		{"[", tLSQB}, {"]", tRSQB}}
	out := make([]rule, len(lits))
	for i, l := range lits {
		out[i] = rule{matchLit(l.s), punct(l.k), oneOf(l.s)}
	}
	return out
}

// lex returns the tokens of src, ending with tEOF.
func lex(src string, v2 bool, stop func(string) bool) []token {
	// A token takes at least one byte and most take more; this is room for the tokens of
	// most queries, so that the list is allocated once.
	return (&lexer{src: src, v2: v2, stop: stop, toks: make([]token, 0, len(src)/2+4)}).run()
}

func (l *lexer) run() []token {
	for i := 0; i < len(l.src); {
		i = l.step(i)
	}
	l.toks = append(l.toks, token{kind: tEOF, pos: l.last, near: l.near})
	return l.toks
}

// firstKind is the kind of the first token of src in dialect 2.
func firstKind(src string) kind {
	l := &lexer{src: src, v2: true}
	for i := 0; i < len(src) && len(l.toks) == 0; {
		i = l.step(i)
	}
	if len(l.toks) == 0 {
		return tEOF
	}
	return l.toks[0].kind
}

// step scans the longest match at i, emits its token if it has one, and returns its end.
func (l *lexer) step(i int) int {
	rules, cands := rulesV1, byFirstV1[l.src[i]]
	if l.v2 {
		rules, cands = rulesV2, byFirstV2[l.src[i]]
	}
	best, end := -1, i
	if l.all {
		for r := range rules {
			if j := rules[r].match(l.src, i); j > end {
				best, end = r, j
			}
		}
	} else {
		for _, r := range cands {
			if j := rules[r].match(l.src, i); j > end {
				best, end = int(r), j
			}
		}
	}
	if best < 0 { // cannot happen: every byte is at least punctuation, space or a word
		return i + 1
	}
	if act := rules[best].act; act != nil {
		act(l, i, end)
	}
	return end
}

// emit appends a token that sets the reported text.
func (l *lexer) emit(t token) {
	l.near, l.last = t.near, t.pos
	l.toks = append(l.toks, t)
}

// emitPunct appends a token that leaves the reported text as it was.
func (l *lexer) emitPunct(k kind, pos int) {
	l.last = pos
	l.toks = append(l.toks, token{kind: k, pos: pos, near: l.near})
}

func punct(k kind) func(*lexer, int, int) {
	return func(l *lexer, i, _ int) { l.emitPunct(k, i) }
}

func (l *lexer) size(i, j int) {
	s := l.src[i:j]
	l.emit(token{kind: tSize, pos: i, text: s, near: s, num: strtod(s)})
}

func (l *lexer) number(i, j int) {
	s := l.src[i:j]
	l.emit(token{kind: tNumber, pos: i, text: s, near: s, num: strtod(s)})
}

func (l *lexer) inf(i, j int) {
	s := l.src[i:j]
	t := token{kind: tNumber, pos: i, text: s, near: s, num: inf(1)}
	if s[0] == '-' {
		t.num = inf(-1)
	}
	l.emit(t)
}

func (l *lexer) mod(i, j int) {
	name := l.src[i+1 : j]
	l.emit(token{kind: tMod, pos: i, text: name, near: name})
}

func (l *lexer) attr(i, j int) {
	name := l.src[i+1 : j]
	l.emit(token{kind: tAttr, pos: i, text: name, near: name})
}

// arrow reports `>` and the byte after it: RediSearch prints two bytes from the `>`.
func (l *lexer) arrow(i, _ int) {
	l.emit(token{kind: tArrow, pos: i, near: l.src[i+1 : min(i+3, len(l.src))]})
}

func wordAct(k kind) func(*lexer, int, int) {
	return func(l *lexer, i, j int) {
		s := l.src[i:j]
		l.emit(token{kind: k, pos: i, text: s, near: s})
	}
}

func (l *lexer) empty(i, _ int) { l.emit(token{kind: tTerm, pos: i}) }

func (l *lexer) term(i, j int) {
	s := l.src[i:j]
	k := tTerm
	if !l.v2 && l.stop != nil && l.stop(lower(s)) {
		k = tStopword
	}
	l.emit(token{kind: k, pos: i, text: s, near: s})
}

func (l *lexer) exact(i, j int) {
	s := l.src[i+1 : j-1]
	l.emit(token{kind: tExact, pos: i, text: s, near: s})
}

// affix emits a prefix, suffix or infix token, with or without quotes around its text and with
// or without a `$` that makes the text a parameter name.
func affixAct(k kind) func(*lexer, int, int) {
	return func(l *lexer, i, j int) {
		from, to := i, j
		if k != tPrefix {
			from++ // the leading star
		}
		if k != tSuffix {
			to-- // the trailing star
		}
		t := token{kind: k, pos: i}
		switch l.src[from] {
		case '$':
			t.param = true
			from++
		case '"', '\'':
			from, to = from+1, to-1
		}
		t.text = l.src[from:to]
		t.near = t.text
		l.emit(t)
	}
}

// wildcard reports the position after `w'`, as RediSearch does.
func (l *lexer) wildcard(i, j int) {
	t := token{kind: tWildcard, pos: i + 2, text: l.src[i+2 : j-1]}
	if strings.HasPrefix(t.text, "$") {
		t.param, t.text = true, t.text[1:]
	}
	t.near = t.text
	l.emit(t)
}

// cmp emits `@name op value`; the name keeps its escapes, spaces before the operator dropped.
func (l *lexer) cmp(i, j int) {
	name := l.src[i+1 : termEnd(l.src, i+1)]
	k := len(name) + i + 1
	for isSpace(l.src[k]) {
		k++
	}
	c := &comparison{op: l.src[k : k+1]}
	if l.src[k+1] == '=' {
		c.op = l.src[k : k+2]
	}
	k += len(c.op)
	for isSpace(l.src[k]) {
		k++
	}
	v := l.src[k:j]
	switch {
	case strings.HasPrefix(v, "$"), len(v) > 1 && v[1] == '$':
		c.neg = v[0] == '-'
		c.value = token{kind: tAttr, text: v[strings.IndexByte(v, '$')+1:]}
	case matchInfV2(v, 0) == len(v):
		c.value = token{kind: tNumber, text: v, num: inf(1)}
		if v[0] == '-' {
			c.value.num = inf(-1)
		}
	default:
		c.value = token{kind: tNumber, text: v, num: strtod(v)}
	}
	l.emit(token{kind: tCmp, pos: i, text: name, near: c.value.text, cmp: c})
}

// Character classes of Ragel's C locale: bytes of 128 and above are none of them.
func isPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
func isCntrl(c byte) bool { return c < ' ' || c == 127 }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte reports whether c may stand unescaped in a word: anything but punctuation,
// control and space, or an underscore.
func isWordByte(c byte) bool { return !isPunct(c) && !isCntrl(c) && !isSpace(c) || c == '_' }

// termEnd is the end of the word that starts at i (i when there is none): word bytes and
// backslash-escaped punctuation or spaces.
func termEnd(s string, i int) int {
	for i < len(s) {
		switch {
		case isWordByte(s[i]):
			i++
		case s[i] == '\\' && i+1 < len(s) && (isPunct(s[i+1]) || isSpace(s[i+1])):
			i += 2
		default:
			return i
		}
	}
	return i
}

func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func at(s string, i int, c byte) bool { return i < len(s) && s[i] == c }

func matchSkip(s string, i int) int {
	if isPunct(s[i]) || isSpace(s[i]) || isCntrl(s[i]) {
		return i + 1
	}
	return -1
}

func matchLit(lit string) func(string, int) int {
	return func(s string, i int) int {
		if strings.HasPrefix(s[i:], lit) {
			return i + len(lit)
		}
		return -1
	}
}

func matchFold(lit string) func(string, int) int {
	return func(s string, i int) int {
		if len(s)-i >= len(lit) && strings.EqualFold(s[i:i+len(lit)], lit) {
			return i + len(lit)
		}
		return -1
	}
}

func matchSize(s string, i int) int {
	if j := digits(s, i); j > i {
		return j
	}
	return -1
}

func matchTerm(s string, i int) int {
	if j := termEnd(s, i); j > i {
		return j
	}
	return -1
}

// matchSigil matches `@word` or `$word`.
func matchSigil(c byte) func(string, int) int {
	return func(s string, i int) int {
		if s[i] != c {
			return -1
		}
		if j := termEnd(s, i+1); j > i+1 {
			return j
		}
		return -1
	}
}

func matchEmpty(s string, i int) int {
	if (s[i] == '"' || s[i] == '\'') && at(s, i+1, s[i]) {
		return i + 2
	}
	return -1
}

func longest(ends []int) int {
	m := -1
	for _, e := range ends {
		m = max(m, e)
	}
	return m
}

// numberEndsV1 lists the ends of every match of dialect 1's number: -?d+(.d+)?([eE]-?d+)?
func numberEndsV1(s string, i int) []int {
	k := i
	if at(s, k, '-') {
		k++
	}
	d := digits(s, k)
	if d == k {
		return nil
	}
	ends := []int{d}
	if at(s, d, '.') {
		if e := digits(s, d+1); e > d+1 {
			ends = append(ends, e)
		}
	}
	return withExponents(s, ends, "-")
}

// numberEndsV2 lists the ends of every match of dialect 2's number:
// [+-]?(d+(.d+)? | .d+ | d+.)([eE]['+-]?d+)?
func numberEndsV2(s string, i int) []int {
	k := i
	if at(s, k, '+') || at(s, k, '-') {
		k++
	}
	var ends []int
	if d := digits(s, k); d > k {
		ends = append(ends, d)
		if at(s, d, '.') {
			ends = append(ends, d+1)
			if e := digits(s, d+1); e > d+1 {
				ends = append(ends, e)
			}
		}
	} else if at(s, k, '.') {
		if e := digits(s, k+1); e > k+1 {
			ends = append(ends, e)
		}
	}
	return withExponents(s, ends, "'+-")
}

// withExponents adds, for each end, the end of an exponent that may follow it.
func withExponents(s string, ends []int, signs string) []int {
	for _, b := range ends {
		if !at(s, b, 'e') && !at(s, b, 'E') {
			continue
		}
		k := b + 1
		if k < len(s) && strings.IndexByte(signs, s[k]) >= 0 {
			k++
		}
		if e := digits(s, k); e > k {
			ends = append(ends, e)
		}
	}
	return ends
}

func matchNumberV1(s string, i int) int { return longest(numberEndsV1(s, i)) }
func matchNumberV2(s string, i int) int { return longest(numberEndsV2(s, i)) }

// matchInfV1 is dialect 1's ['+-]?inf (the quote is in RediSearch's character class).
func matchInfV1(s string, i int) int {
	k := i
	if strings.IndexByte(`'+-`, s[k]) >= 0 {
		k++
	}
	if strings.HasPrefix(s[k:], "inf") {
		return k + 3
	}
	return -1
}

// matchInfV2 is dialect 2's [+-]?inf, any case.
func matchInfV2(s string, i int) int {
	k := i
	if at(s, k, '+') || at(s, k, '-') {
		k++
	}
	return matchInf(s, k)
}

var matchInf = matchFold("inf")

// exactEnds lists the ends of every quoted string at i: a quote, one or more bytes that are
// not that quote or are a backslash-quote pair, the quote.
func exactEnds(s string, i int) []int {
	if i >= len(s) || s[i] != '"' && s[i] != '\'' {
		return nil
	}
	q := s[i]
	var ends []int
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j > i+1 {
			ends = append(ends, j+1)
		}
		if s[j-1] != '\\' { // only a backslash-quote pair lets the string go on
			break
		}
	}
	return ends
}

func matchExact(s string, i int) int { return longest(exactEnds(s, i)) }

// affixMatcher builds the matcher of prefixes (`w*`), suffixes (`*w`) or infixes (`*w*`),
// where w is a word, a number or, in dialect 2, a $parameter or a quoted string.
func affixMatcher(k kind, numberEnds func(string, int) []int, v2 bool) func(string, int) int {
	return func(s string, i int) int {
		from := i
		if k != tPrefix {
			if s[i] != '*' {
				return -1
			}
			from++
		}
		var ends []int
		if j := termEnd(s, from); j > from {
			ends = append(ends, j)
		}
		ends = append(ends, numberEnds(s, from)...)
		if v2 && at(s, from, '$') {
			if j := termEnd(s, from+1); j > from+1 {
				ends = append(ends, j)
			}
		}
		if v2 {
			ends = append(ends, exactEnds(s, from)...)
		}
		best := -1
		for _, e := range ends {
			if k == tSuffix {
				best = max(best, e)
			} else if at(s, e, '*') {
				best = max(best, e+1)
			}
		}
		return best
	}
}

// matchWildcard matches w'…' or w"…": inside, a backslash takes the byte after it.
func matchWildcard(s string, i int) int {
	if s[i] != 'w' || i+1 >= len(s) || s[i+1] != '\'' && s[i+1] != '"' {
		return -1
	}
	q := s[i+1]
	for j := i + 2; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			if j == i+2 {
				return -1
			}
			return j + 1
		}
	}
	return -1
}

// matchCmp matches `@name op value` (op one of != == > >= < <=, spaces around it allowed;
// value a number, inf, digits or [+-]$param).
func matchCmp(s string, i int) int {
	if s[i] != '@' {
		return -1
	}
	k := termEnd(s, i+1)
	if k == i+1 {
		return -1
	}
	for k < len(s) && isSpace(s[k]) {
		k++
	}
	rest := s[k:]
	switch {
	case strings.HasPrefix(rest, "!="), strings.HasPrefix(rest, "=="),
		strings.HasPrefix(rest, ">="), strings.HasPrefix(rest, "<="):
		k += 2
	case strings.HasPrefix(rest, ">"), strings.HasPrefix(rest, "<"):
		k++
	default:
		return -1
	}
	for k < len(s) && isSpace(s[k]) {
		k++
	}
	end := max(matchNumberV2(s, k), matchInfV2(s, k), matchSize(s, k))
	v := k
	if at(s, v, '+') || at(s, v, '-') {
		v++
	}
	if at(s, v, '$') {
		if j := termEnd(s, v+1); j > v+1 {
			end = max(end, j)
		}
	}
	return end
}
