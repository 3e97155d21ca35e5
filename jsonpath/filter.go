package jsonpath

import (
	"cmp"
	"regexp"
	"strconv"
)

// cond is a node of a filter expression ([?(…)]).
type cond struct {
	op          condOp
	left, right *cond // condOr, condAnd, condNot (left only)
	a, b        term  // condTest (a only), condCompare
	cmp         cmpOp
}

type condOp uint8

const (
	condOr condOp = iota
	condAnd
	condNot
	condTest    // a lone term: true when the path matches something, or the literal's truth
	condCompare // a cmp b
)

type cmpOp uint8

const (
	cmpEq cmpOp = iota
	cmpNe
	cmpLt
	cmpLe
	cmpGt
	cmpGe
	cmpMatch // =~ : the right side is a regular expression searched for in the left
)

// cmpTokens lists the operators longest first, so "<=" is tried before "<".
var cmpTokens = []struct {
	tok string
	op  cmpOp
}{{"==", cmpEq}, {"!=", cmpNe}, {"<=", cmpLe}, {">=", cmpGe}, {"=~", cmpMatch}, {"<", cmpLt}, {">", cmpGt}}

var keywords = []struct {
	word  string
	value any
}{{"true", true}, {"false", false}, {"null", nil}}

// term is an operand: a path from the current element (@) or the root ($), or a literal.
type term struct {
	isPath bool
	root   bool   // the path starts at $ rather than @
	static bool   // the path steps each name one member or element: a plain lookup
	steps  []step // path terms
	lit    []any  // literal terms: the one value (int64, float64, string, bool or nil)
	re     *regexp.Regexp
}

// filter := and ( '||' and )*
func (ps *parser) parseFilter() (*cond, error) {
	left, err := ps.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		ps.skipSpace()
		if !ps.accept("||") {
			return left, nil
		}
		right, err := ps.parseAnd()
		if err != nil {
			return nil, err
		}
		left = &cond{op: condOr, left: left, right: right}
	}
}

// and := unary ( '&&' unary )*
func (ps *parser) parseAnd() (*cond, error) {
	left, err := ps.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		ps.skipSpace()
		if !ps.accept("&&") {
			return left, nil
		}
		right, err := ps.parseUnary()
		if err != nil {
			return nil, err
		}
		left = &cond{op: condAnd, left: left, right: right}
	}
}

// unary := '!' unary | '(' filter ')' | test
func (ps *parser) parseUnary() (*cond, error) {
	ps.nest++
	defer func() { ps.nest-- }()
	if ps.nest > maxNesting {
		return nil, ps.errorf("JSONPath nesting too deep (max depth %d)", maxNesting)
	}
	ps.skipSpace()
	switch {
	case ps.accept("!"):
		c, err := ps.parseUnary()
		if err != nil {
			return nil, err
		}
		return &cond{op: condNot, left: c}, nil
	case ps.accept("("):
		c, err := ps.parseFilter()
		if err != nil {
			return nil, err
		}
		return c, ps.expect(")")
	}
	return ps.parseTest()
}

// test := term ( op term )?
// op   := '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~'
func (ps *parser) parseTest() (*cond, error) {
	a, err := ps.parseTerm()
	if err != nil {
		return nil, err
	}
	ps.skipSpace()
	for _, t := range cmpTokens {
		if !ps.accept(t.tok) {
			continue
		}
		b, err := ps.parseTerm()
		if err != nil {
			return nil, err
		}
		if t.op == cmpMatch && !b.isPath {
			if s, ok := b.lit[0].(string); ok {
				// An invalid pattern matches nothing, as in RedisJSON; it is not an error.
				b.re, _ = regexp.Compile(s)
			}
		}
		return &cond{op: condCompare, a: a, b: b, cmp: t.op}, nil
	}
	return &cond{op: condTest, a: a}, nil
}

// term := '@' segments | '$' segments | number | string | 'true' | 'false' | 'null'
func (ps *parser) parseTerm() (term, error) {
	ps.skipSpace()
	switch c := ps.peek(); {
	case c == '@' || c == '$':
		ps.pos++
		steps, err := ps.parseSegments()
		return term{isPath: true, root: c == '$', static: allSingle(steps), steps: steps}, err
	case c == '"' || c == '\'':
		s, err := ps.parseString()
		return term{lit: []any{s}}, err
	case c == '-' || c >= '0' && c <= '9':
		v, err := ps.parseDecimal()
		return term{lit: []any{v}}, err
	}
	for _, k := range keywords {
		if ps.accept(k.word) {
			return term{lit: []any{k.value}}, nil
		}
	}
	return term{}, ps.errorf("expected one of the following: '@', '$', number, string, true, false, null")
}

// decimal := number ( '.' [0-9]+ )?   (no exponent, as in RedisJSON)
func (ps *parser) parseDecimal() (any, error) {
	start := ps.pos
	ps.accept("-")
	d := ps.pos
	for ps.pos < len(ps.src) && isDigit(ps.src[ps.pos]) {
		ps.pos++
	}
	switch {
	case ps.pos == d:
		return nil, ps.errorf("expected one of the following: number")
	case ps.src[d] == '0' && ps.pos-d > 1:
		ps.pos = d + 1
		return nil, ps.errorf("unexpected digit after 0")
	}
	if ps.accept(".") {
		f := ps.pos
		for ps.pos < len(ps.src) && isDigit(ps.src[ps.pos]) {
			ps.pos++
		}
		if ps.pos == f {
			return nil, ps.errorf("expected one of the following: digit")
		}
	}
	text := ps.src[start:ps.pos]
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return i, nil
	}
	f, _ := strconv.ParseFloat(text, 64) // the syntax is checked; out of range gives ±Inf
	return f, nil
}

// test evaluates the filter against cur, an element or member of the value filtered.
// A path term stands for all its matches and a comparison holds when it holds for any
// pair of them (RFC 9535, as RedisJSON); a path with no match compares with nothing, so
// every comparison with it is false except !=.
func (c *cond) test(e *evaluator, cur any) bool {
	switch c.op {
	case condOr:
		return c.left.test(e, cur) || c.right.test(e, cur)
	case condAnd:
		return c.left.test(e, cur) && c.right.test(e, cur)
	case condNot:
		return !c.left.test(e, cur)
	case condTest:
		if !c.a.isPath {
			b, isBool := c.a.lit[0].(bool)
			return !isBool || b
		}
		return len(e.operand(c.a, cur)) > 0
	}
	left, right := e.operand(c.a, cur), e.operand(c.b, cur)
	switch c.cmp {
	case cmpEq:
		return anyPair(left, right, sameValue)
	case cmpNe:
		return !anyPair(left, right, sameValue)
	case cmpMatch:
		return anyPair(left, right, func(x, y any) bool { return e.search(c.b.re, x, y) })
	}
	return anyPair(left, right, func(x, y any) bool {
		d, ok := compareScalars(x, y)
		if !ok {
			return false
		}
		switch c.cmp {
		case cmpLt:
			return d < 0
		case cmpLe:
			return d <= 0
		case cmpGt:
			return d > 0
		}
		return d >= 0
	})
}

func anyPair(xs, ys []any, f func(x, y any) bool) bool {
	for _, x := range xs {
		for _, y := range ys {
			if f(x, y) {
				return true
			}
		}
	}
	return false
}

// sameValue is == in a filter: scalars compare by value (1 == 1.0), arrays and objects
// by content.
func sameValue(x, y any) bool {
	if d, ok := compareScalars(x, y); ok {
		return d == 0
	}
	switch x.(type) {
	case *Object, *Array:
		return Equal(x, y)
	}
	return false
}

// compareScalars orders two scalars of comparable kinds: numbers by value, strings by
// bytes, false before true, null equal to null. Other pairs do not compare.
func compareScalars(x, y any) (int, bool) {
	switch a := x.(type) {
	case int64:
		switch b := y.(type) {
		case int64:
			return cmp.Compare(a, b), true
		case float64:
			return cmp.Compare(float64(a), b), true
		}
	case float64:
		switch b := y.(type) {
		case int64:
			return cmp.Compare(a, float64(b)), true
		case float64:
			return cmp.Compare(a, b), true
		}
	case string:
		if b, ok := y.(string); ok {
			return cmp.Compare(a, b), true
		}
	case bool:
		if b, ok := y.(bool); ok {
			return cmp.Compare(boolInt(a), boolInt(b)), true
		}
	case nil:
		return 0, y == nil
	}
	return 0, false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
