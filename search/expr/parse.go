package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a parse or evaluation error. Msg is the whole error reply as RediSearch 8.0 to
// 8.6 words it (no "ERR " and no "SEARCH_EXPR " code in front).
type Error struct {
	Offset int // byte offset in the expression of a syntax error; -1 for other errors
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func evalError(msg string) *Error { return &Error{Offset: -1, Msg: msg} }

// Expr is a parsed expression. It is immutable: one Expr may be evaluated by many
// goroutines at once.
type Expr struct {
	root  *node
	props []string
}

// opcode is what a node does.
type opcode uint8

const (
	opLit   opcode = iota // val
	opProp                // the row's value of name
	opArith               // l sub r, sub one of + - * / % ^
	opCmp                 // l sub r, sub one of == != < <= > >=
	opAnd                 // l && r
	opOr                  // l || r
	opNot                 // !l
	opCall                // fn(args...)
)

// node is one node of the expression tree.
type node struct {
	op   opcode
	sub  tokKind
	val  Value
	name string
	l, r *node
	args []*node
	fn   *function
	num  bool // a number literal, or arithmetic on such, not in parentheses (see binary)
	// depth is the height of the tree under the node: evaluation recurses that deep.
	depth int32
}

// maxDepth bounds how deep expressions nest and how tall their trees grow (a chain of
// a + b + c ... is as tall as it is long), so that parsing and evaluating stay within
// the goroutine stack. RediSearch's parser has a fixed stack of 100 entries and fails, or
// worse, well before this.
const maxDepth = 10000

func depthOf(ns ...*node) int32 {
	d := int32(0)
	for _, n := range ns {
		if n != nil {
			d = max(d, n.depth)
		}
	}
	return d + 1
}

// Binding powers, loosest first. ! is a prefix operator between && and the comparisons
// (so !a == b is !(a == b) and !a && b is (!a) && b); comparisons do not chain; ^ is
// right-associative; the others are left-associative (RediSearch's parser.y).
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp
	precAdd
	precMul
	precPow
)

var binaryPrec = [...]int{
	tOr: precOr, tAnd: precAnd,
	tEq: precCmp, tNe: precCmp, tLt: precCmp, tLe: precCmp, tGt: precCmp, tGe: precCmp,
	tPlus: precAdd, tMinus: precAdd,
	tTimes: precMul, tDiv: precMul, tMod: precMul,
	tPow: precPow,
	tNot: 0,
}

// Parse parses an APPLY / FILTER expression. A $name is replaced by params[name], which
// RediSearch does not do (see lex).
func Parse(src string, params map[string]string) (e *Expr, err error) {
	p := &parser{toks: lex(src, params), semAt: -1}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			e, err = nil, pe
		}
	}()
	root := p.expr(0)
	if t := p.peek(); t.kind != tEOF {
		p.syntaxError(t)
	}
	if p.sem != "" {
		// The failed symbol or call was the last token, so RediSearch reduced it at the
		// end of the input and went on parsing with a NULL in its place: when the NULL is
		// the root, the message stands; inside an operator the parse "succeeds" and
		// RediSearch fails when it walks the tree for the properties to load.
		if root == nil {
			return nil, evalError(p.sem)
		}
		return nil, evalError("Missing (or badly formatted) value for " + holeName(root))
	}
	return &Expr{root: root, props: p.props}, nil
}

// Properties is the names (without @) the expression reads, in the order they first
// appear. A caller loads them before evaluating; RediSearch fails the query with
// "Property `name` not loaded nor in pipeline" when one is neither loaded nor made by an
// earlier step.
func (e *Expr) Properties() []string { return append([]string(nil), e.props...) }

// parser is a precedence-climbing parser that accepts the language of RediSearch's Lemon
// grammar and reports the first bad token where its LALR(1) parser does.
//
// RediSearch reports an unknown symbol, an unknown function or a wrong argument count when
// it reduces the rule, which is on reading the token after it: when that token is valid
// the error stands alone; when it is not, the syntax error quotes the first
// ("Syntax error at offset 5 near 'x': Unknown symbol 'foo'"). sem holds such an error
// and semAt the index of the token that decides.
type parser struct {
	toks  []token
	i     int
	props []string
	sem   string
	semAt int
	nest  int // how deep expr is recursing
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) advance() token {
	if p.i == p.semAt {
		panic(evalError(p.sem))
	}
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) expect(k tokKind) {
	if t := p.peek(); t.kind != k {
		p.syntaxError(t)
	}
	p.advance()
}

func (p *parser) syntaxError(t token) {
	msg := fmt.Sprintf("Syntax error at offset %d near '%s'", t.pos, t.near)
	if p.sem != "" {
		msg += ": " + p.sem
	}
	panic(&Error{Offset: t.pos, Msg: msg})
}

// semantic records an error of the rule just read (see parser).
func (p *parser) semantic(msg string) {
	p.sem, p.semAt = msg, p.i
}

// expr := unary (binop expr)*, climbing from binding power min.
func (p *parser) expr(min int) *node {
	if p.nest++; p.nest > maxDepth {
		p.syntaxError(p.peek())
	}
	defer func() { p.nest-- }()
	left := p.unary()
	chained := false
	for {
		t := p.peek()
		prec := 0
		if int(t.kind) < len(binaryPrec) {
			prec = binaryPrec[t.kind]
		}
		if prec == 0 || prec < min {
			return left
		}
		if prec == precCmp && chained {
			p.syntaxError(t) // comparisons are non-associative
		}
		p.advance()
		next := prec + 1
		if t.kind == tPow {
			next = prec
		}
		left = binary(t.kind, left, p.expr(next))
		if left.depth > maxDepth {
			p.syntaxError(p.peek())
		}
		chained = prec == precCmp
	}
}

// unary := '!' expr | '(' expr ')' | NUMBER | STRING | PROPERTY | SYMBOL [ '(' args ')' ].
// A nil result stands for an erroneous symbol or call (see parser).
func (p *parser) unary() *node {
	t := p.peek()
	switch t.kind {
	case tNot:
		p.advance()
		child := p.expr(precCmp)
		switch {
		case child == nil:
			return nil
		case child.op == opNot: // RediSearch drops a double negation: !!x is x itself
			return &node{op: child.l.op, sub: child.l.sub, val: child.l.val, name: child.l.name,
				l: child.l.l, r: child.l.r, args: child.l.args, fn: child.l.fn, depth: child.l.depth}
		}
		return &node{op: opNot, l: child, depth: depthOf(child)}
	case tLP:
		p.advance()
		e := p.expr(0)
		p.expect(tRP)
		if e != nil && e.num {
			e = &node{op: opLit, val: e.val}
		}
		return e
	case tNumber:
		p.advance()
		return &node{op: opLit, val: Num(t.num), num: true}
	case tString:
		p.advance()
		return &node{op: opLit, val: Str(t.str)}
	case tParam:
		p.advance()
		return &node{op: opLit, val: t.val}
	case tProp:
		p.advance()
		p.addProp(t.str)
		return &node{op: opProp, name: t.str}
	case tSymbol:
		p.advance()
		if p.peek().kind == tLP {
			p.advance()
			return p.call(t.str, p.args())
		}
		if t.str == "NULL" {
			return &node{op: opLit}
		}
		p.semantic("Unknown symbol '" + t.str + "'")
		return nil
	}
	p.syntaxError(t)
	return nil
}

// args := ε ')' | [','] expr (',' expr)* ')' — RediSearch's arglist may start empty, so
// one leading comma is allowed: f(,1) is f(1).
func (p *parser) args() []*node {
	if p.peek().kind == tRP {
		p.advance()
		return nil
	}
	if p.peek().kind == tComma {
		p.advance()
	}
	args := []*node{p.expr(0)}
	for p.peek().kind == tComma {
		p.advance()
		args = append(args, p.expr(0))
	}
	p.expect(tRP)
	return args
}

// call checks a function call the way RediSearch does (names without regard to case,
// then the argument count) and builds its node.
func (p *parser) call(name string, args []*node) *node {
	fn := functions[strings.ToLower(name)]
	switch {
	case fn == nil:
		p.semantic("Unknown function name '" + name + "'")
		return nil
	case len(args) < fn.min || len(args) > fn.max:
		if fn.min == fn.max {
			p.semantic(fmt.Sprintf("Function '%s' expects %d arguments, but got %d", name, fn.min, len(args)))
		} else {
			p.semantic(fmt.Sprintf("Function '%s' expects between %d and %d arguments, but got %d", name, fn.min, fn.max, len(args)))
		}
		return nil
	}
	return &node{op: opCall, fn: fn, args: args, depth: depthOf(args...)}
}

func (p *parser) addProp(name string) {
	for _, q := range p.props {
		if q == name {
			return
		}
	}
	p.props = append(p.props, name)
}

// binary builds l op r. Like RediSearch's grammar, it computes arithmetic on two
// numbers written as such at once (its "number" rules: literals and arithmetic on them,
// not in parentheses), so that the tree is RediSearch's.
func binary(op tokKind, l, r *node) *node {
	d := depthOf(l, r)
	switch op {
	case tAnd:
		return &node{op: opAnd, l: l, r: r, depth: d}
	case tOr:
		return &node{op: opOr, l: l, r: r, depth: d}
	case tEq, tNe, tLt, tLe, tGt, tGe:
		return &node{op: opCmp, sub: op, l: l, r: r, depth: d}
	}
	if l != nil && r != nil && l.num && r.num {
		return &node{op: opLit, val: Num(arith(op, l.val.Num, r.val.Num)), num: true}
	}
	return &node{op: opArith, sub: op, l: l, r: r, depth: d}
}

// holeName is how RediSearch names the NULL operand it finds on the tree's right edge.
func holeName(n *node) string {
	for n != nil {
		switch n.op {
		case opArith:
			if n.r == nil {
				return "expr->op.right"
			}
		case opCmp, opAnd, opOr:
			if n.r == nil {
				return "expr->pred.right"
			}
		case opNot:
			n = n.l
			continue
		default:
			return "expr"
		}
		n = n.r
	}
	return "expr"
}

// String is the expression in a canonical form that parses back to the same tree:
// operators fully parenthesised, strings double-quoted, numbers exact.
func (e *Expr) String() string {
	var b strings.Builder
	writeNode(&b, e.root)
	return b.String()
}

var opText = [...]string{
	tPlus: "+", tMinus: "-", tTimes: "*", tDiv: "/", tMod: "%", tPow: "^",
	tEq: "==", tNe: "!=", tLt: "<", tLe: "<=", tGt: ">", tGe: ">=", tAnd: "&&", tOr: "||",
}

func writeNode(b *strings.Builder, n *node) {
	switch n.op {
	case opLit:
		if n.val.Kind == Number && !n.num {
			// a number RediSearch would not compute with at parse time, as written
			b.WriteString("(")
			writeLiteral(b, n.val)
			b.WriteString(")")
			return
		}
		writeLiteral(b, n.val)
	case opProp:
		b.WriteString("@" + n.name)
	case opNot:
		b.WriteString("!")
		writeNode(b, n.l)
	case opCall:
		b.WriteString(n.fn.name + "(")
		for i, a := range n.args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeNode(b, a)
		}
		b.WriteString(")")
	default:
		sub := n.sub
		if n.op == opAnd {
			sub = tAnd
		} else if n.op == opOr {
			sub = tOr
		}
		b.WriteString("(")
		writeNode(b, n.l)
		b.WriteString(" " + opText[sub] + " ")
		writeNode(b, n.r)
		b.WriteString(")")
	}
}

func writeLiteral(b *strings.Builder, v Value) {
	switch v.Kind {
	case Null:
		b.WriteString("NULL")
	case String:
		b.WriteByte('"')
		for i := 0; i < len(v.Str); i++ {
			if c := v.Str[i]; c == '"' || c == '\n' {
				b.WriteByte('\\')
			}
			b.WriteByte(v.Str[i])
		}
		b.WriteByte('"')
	case Number:
		switch f := v.Num; {
		case f != f:
			b.WriteString("(0 / 0)")
		case f > 0 && f-f != 0:
			b.WriteString("+inf")
		case f < 0 && f-f != 0:
			b.WriteString("-inf")
		default:
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
}
