package jsonpath

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Path is a compiled RedisJSON path. It is immutable and safe for concurrent use.
type Path struct {
	text   string // as the client wrote it
	expr   string // the JSONPath it stands for ($-rooted)
	legacy bool
	static bool // every step names one member or one element
	steps  []step
}

// stepKind is one selector of a path.
type stepKind uint8

const (
	stepKeys     stepKind = iota // .name, ['a'], ['a','b']: members by name
	stepIndexes                  // [0], [-1], [0,2]: array elements by position
	stepSlice                    // [start:end:step]
	stepWildcard                 // .* or [*]: every member or element
	stepDescent                  // ..: the rest of the path applied at every level
	stepFilter                   // [?(…)]: the members or elements the filter accepts
)

type step struct {
	kind     stepKind
	keys     []string
	indexes  []int64
	start    int64 // stepSlice bounds; hasStart/hasEnd say whether they were given
	end      int64
	stride   int64
	hasStart bool
	hasEnd   bool
	filter   *cond
}

// single reports whether s selects at most one child.
func (s *step) single() bool {
	return s.kind == stepKeys && len(s.keys) == 1 || s.kind == stepIndexes && len(s.indexes) == 1
}

// PathError is a path syntax error at byte offset Pos of the JSONPath the path stands
// for; for a legacy path that is the text after RedisJSON's "$" or "$." prefix, which
// shifts offsets by one or two, as in RedisJSON's own messages.
type PathError struct {
	Pos int
	Msg string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("Error occurred at position %d, %s", e.Pos, e.Msg)
}

// maxNesting bounds brackets and parentheses inside brackets, as RedisJSON does, which
// also bounds the parser's recursion.
const maxNesting = 128

// Compile parses a RedisJSON path. A path that is "$" or starts with "$." or "$[" is
// JSONPath: it selects every match and commands reply with an array of them. Anything
// else is a legacy path, rewritten as RedisJSON does ("." → "$", ".a" → "$.a", "a[0]" →
// "$.a[0]") and evaluated as that JSONPath; commands reply with the first match and an
// error when there is none.
func Compile(text string) (*Path, error) {
	p := &Path{text: text, expr: text}
	if !isJSONPath(text) {
		p.legacy = true
		switch {
		case text == ".":
			p.expr = "$"
		case strings.HasPrefix(text, "."):
			p.expr = "$" + text
		default:
			p.expr = "$." + text
		}
	}
	ps := parser{src: p.expr}
	steps, err := ps.parseQuery()
	if err != nil {
		return nil, err
	}
	p.steps = steps
	p.static = allSingle(steps)
	return p, nil
}

// MustCompile is Compile for paths known to be valid; it panics on error.
func MustCompile(text string) *Path {
	p, err := Compile(text)
	if err != nil {
		panic(err)
	}
	return p
}

// isJSONPath follows RedisJSON: "$" alone or "$." / "$[" at the start. "$a" stays a legacy
// path to the key "$a".
func isJSONPath(s string) bool {
	return s == "$" || strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$[")
}

// String returns the path as it was written (JSON.GET uses it as the key of a multi-path
// reply).
func (p *Path) String() string { return p.text }

// JSONPath returns the JSONPath the path stands for, "$.a" for the legacy "a".
func (p *Path) JSONPath() string { return p.expr }

// Legacy reports whether the path uses the legacy syntax.
func (p *Path) Legacy() bool { return p.legacy }

// IsRoot reports whether the path is the document root ("$" or ".").
func (p *Path) IsRoot() bool { return len(p.steps) == 0 }

// Static reports whether the path names one location: only single names and single
// indexes, no wildcard, descent, slice, filter or union. JSON.SET creates a missing key
// only at the end of a static path.
func (p *Path) Static() bool { return p.static }

func allSingle(steps []step) bool {
	for i := range steps {
		if !steps[i].single() {
			return false
		}
	}
	return true
}

// parser is a recursive-descent parser over a JSONPath; each parse function's comment is
// its production. Spaces are allowed between tokens, as in RedisJSON's grammar.
type parser struct {
	src  string
	pos  int
	nest int
}

func (ps *parser) errorf(format string, args ...any) error {
	return &PathError{Pos: ps.pos, Msg: fmt.Sprintf(format, args...)}
}

func (ps *parser) skipSpace() {
	for ps.pos < len(ps.src) && ps.src[ps.pos] == ' ' {
		ps.pos++
	}
}

func (ps *parser) peek() byte {
	if ps.pos < len(ps.src) {
		return ps.src[ps.pos]
	}
	return 0
}

// accept consumes tok if it comes next.
func (ps *parser) accept(tok string) bool {
	if strings.HasPrefix(ps.src[ps.pos:], tok) {
		ps.pos += len(tok)
		return true
	}
	return false
}

func (ps *parser) expect(tok string) error {
	ps.skipSpace()
	if !ps.accept(tok) {
		return ps.errorf("expected %q", tok)
	}
	return nil
}

// query := '$' segment* EOF
//
// This is the one entry production: computed queries (length(…), max(…)) would be
// recognised here and wrap the path they apply to.
func (ps *parser) parseQuery() ([]step, error) {
	ps.skipSpace()
	if !ps.accept("$") {
		return nil, ps.errorf("expected one of the following: '$'")
	}
	steps, err := ps.parseSegments()
	if err != nil {
		return nil, err
	}
	ps.skipSpace()
	if ps.pos < len(ps.src) {
		return nil, ps.errorf("expected one of the following: '.', '..', '['")
	}
	return steps, nil
}

// segments := segment*   (stops at the first token that cannot start a segment)
func (ps *parser) parseSegments() ([]step, error) {
	var steps []step
	for {
		ps.skipSpace()
		switch ps.peek() {
		case '.', '[':
		default:
			return steps, nil
		}
		s, err := ps.parseSegment()
		if err != nil {
			return nil, err
		}
		steps = append(steps, s...)
	}
}

// segment := '..' ( name | '*' | '[' bracket ']' )
//
//	| '.' ( name | '*' | '[' bracket ']' )
//	| '[' bracket ']'
func (ps *parser) parseSegment() ([]step, error) {
	var out []step
	if ps.accept("..") {
		out = append(out, step{kind: stepDescent})
	} else {
		ps.accept(".")
	}
	ps.skipSpace()
	switch c := ps.peek(); {
	case c == '*':
		ps.pos++
		return append(out, step{kind: stepWildcard}), nil
	case c == '[':
		ps.pos++
		s, err := ps.parseBracket()
		if err != nil {
			return nil, err
		}
		return append(out, s), nil
	case isNameByte(c):
		start := ps.pos
		for ps.pos < len(ps.src) && isNameByte(ps.src[ps.pos]) {
			ps.pos++
		}
		return append(out, step{kind: stepKeys, keys: []string{ps.src[start:ps.pos]}}), nil
	}
	return nil, ps.errorf("expected one of the following: name, '*', '['")
}

// isNameByte reports whether c may appear in a dotted name: RedisJSON's literal rule,
// ASCII letters and digits and - _ ` + # % $ ^ / :
func isNameByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-_`+#%$^/:", c) >= 0
}

// bracket := ( '*' | '?' filter | strings | indexes | slice ) ']'
func (ps *parser) parseBracket() (step, error) {
	ps.nest++
	defer func() { ps.nest-- }()
	if ps.nest > maxNesting {
		return step{}, ps.errorf("JSONPath nesting too deep (max depth %d)", maxNesting)
	}
	ps.skipSpace()
	var s step
	var err error
	switch c := ps.peek(); {
	case c == '*':
		ps.pos++
		s = step{kind: stepWildcard}
	case c == '?':
		ps.pos++
		s.kind = stepFilter
		s.filter, err = ps.parseFilter()
	case c == '\'' || c == '"':
		s, err = ps.parseKeys()
	case c == '-' || c == ':' || c >= '0' && c <= '9':
		s, err = ps.parseIndexesOrSlice()
	default:
		return step{}, ps.errorf("expected one of the following: '*', '?', string, number, range")
	}
	if err != nil {
		return step{}, err
	}
	return s, ps.expect("]")
}

// strings := string ( ',' string )*
func (ps *parser) parseKeys() (step, error) {
	s := step{kind: stepKeys}
	for {
		ps.skipSpace()
		k, err := ps.parseString()
		if err != nil {
			return step{}, err
		}
		s.keys = append(s.keys, k)
		ps.skipSpace()
		if !ps.accept(",") {
			return s, nil
		}
	}
}

// string := '"' ( [^"\\] | '\"' | '\\' )* '"' | "'" ( [^'\\] | "\'" | '\\' )* "'"
//
// Only the quote and the backslash can be escaped, as in RedisJSON.
func (ps *parser) parseString() (string, error) {
	q := ps.peek()
	if q != '"' && q != '\'' {
		return "", ps.errorf("expected one of the following: string")
	}
	ps.pos++
	var b strings.Builder
	for ps.pos < len(ps.src) {
		c := ps.src[ps.pos]
		switch c {
		case q:
			ps.pos++
			return b.String(), nil
		case '\\':
			if ps.pos+1 < len(ps.src) && (ps.src[ps.pos+1] == q || ps.src[ps.pos+1] == '\\') {
				b.WriteByte(ps.src[ps.pos+1])
				ps.pos += 2
				continue
			}
			return "", ps.errorf("invalid escape in string")
		}
		b.WriteByte(c)
		ps.pos++
	}
	return "", ps.errorf("unterminated string")
}

// indexes := number ( ',' number )*
// slice   := number? ':' number? ( ':' posnumber? )?
func (ps *parser) parseIndexesOrSlice() (step, error) {
	var first int64
	hasFirst := false
	if ps.peek() != ':' {
		n, err := ps.parseNumber()
		if err != nil {
			return step{}, err
		}
		first, hasFirst = n, true
		ps.skipSpace()
	}
	if ps.accept(":") {
		return ps.parseSliceRest(first, hasFirst)
	}
	s := step{kind: stepIndexes, indexes: []int64{first}}
	for ps.accept(",") {
		ps.skipSpace()
		n, err := ps.parseNumber()
		if err != nil {
			return step{}, err
		}
		s.indexes = append(s.indexes, n)
		ps.skipSpace()
	}
	return s, nil
}

func (ps *parser) parseSliceRest(start int64, hasStart bool) (step, error) {
	s := step{kind: stepSlice, start: start, hasStart: hasStart, stride: 1}
	ps.skipSpace()
	if c := ps.peek(); c == '-' || c >= '0' && c <= '9' {
		n, err := ps.parseNumber()
		if err != nil {
			return step{}, err
		}
		s.end, s.hasEnd = n, true
		ps.skipSpace()
	}
	if ps.accept(":") {
		ps.skipSpace()
		if c := ps.peek(); c >= '1' && c <= '9' {
			n, err := ps.parseNumber()
			if err != nil {
				return step{}, err
			}
			s.stride = n
		} else if c == '-' || c == '0' {
			return step{}, ps.errorf("slice step must be a positive number")
		}
	}
	return s, nil
}

// number := '-'? ( [1-9][0-9]* | [0-9] ), saturating at the int64 bounds as RedisJSON.
func (ps *parser) parseNumber() (int64, error) {
	start := ps.pos
	neg := ps.accept("-")
	d := ps.pos
	for ps.pos < len(ps.src) && ps.src[ps.pos] >= '0' && ps.src[ps.pos] <= '9' {
		ps.pos++
	}
	switch {
	case ps.pos == d:
		return 0, ps.errorf("expected one of the following: number")
	case ps.src[d] == '0' && ps.pos-d > 1:
		ps.pos = d + 1
		return 0, ps.errorf("expected one of the following: ',', ':', ']'")
	}
	n, err := strconv.ParseInt(ps.src[start:ps.pos], 10, 64)
	if err != nil {
		if neg {
			return math.MinInt64, nil
		}
		return math.MaxInt64, nil
	}
	return n, nil
}
