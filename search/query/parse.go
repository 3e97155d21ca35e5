package query

import "fmt"

// Options for Parse.
type Options struct {
	Dialect    int                    // 1, 2, 3 or 4; 0 means 1 (RediSearch's default)
	Params     map[string]string      // FT.SEARCH PARAMS name -> value (binary-safe strings)
	IsStopWord func(word string) bool // nil: no stop words. Gets the lower-cased word.
}

// Error is a query error. Its Error() text is FT.SEARCH's whole error reply as RediSearch
// words it in Redis 8.0 to 8.6 (no "ERR" in front: `-Syntax error at offset 5 near foo`).
type Error struct {
	Offset int // byte offset of the query the error is about; -1 when none
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Parse parses a RediSearch query in the dialect opts asks for. A query of nothing, or of
// stop words only, is *Empty. Parameters are substituted, except vector blobs, which stay
// names (KNN.BlobParam, VectorRange.BlobParam).
func Parse(q string, opts Options) (Node, error) {
	n, _, err := ParseUses(q, opts)
	return n, err
}

// ParamUse is a parameter a parse read: its name, and its value (found false when the
// query named a parameter PARAMS lacks). AnyValue marks a vector blob's parameter, whose
// presence the parse checks and whose value it does not read.
type ParamUse struct {
	Name, Value string
	Found       bool
	AnyValue    bool
}

// ParseUses is Parse, also returning the parameters the tree depends on: another request
// with the same query, dialect, stop words and values of these parameters parses to the
// same tree (vector blobs are not among them: they stay names in the tree).
func ParseUses(q string, opts Options) (n Node, uses []ParamUse, err error) {
	if opts.Dialect == 0 {
		opts.Dialect = 1
	}
	if opts.Dialect < 1 || opts.Dialect > 4 {
		return nil, nil, &Error{Offset: -1, Msg: "DIALECT requires a non negative integer >=1 and <= 4"}
	}
	p := newParser(q, opts)
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			n, uses, err = nil, nil, e
		}
	}()
	n = p.query()
	for _, errs := range p.late {
		if len(errs) > 0 {
			return nil, nil, errs[0]
		}
	}
	return n, p.uses, nil
}

// parser is a recursive-descent parser whose binary operators are resolved by precedence
// climbing (Pratt). RediSearch's grammars are Lemon LALR grammars whose conflicts are settled
// by token precedence: whether `a op b` followed by token t groups as `(a op b) t` or
// `a op (b t)` depends on t's precedence against op's. The tables below are those
// precedences, so the climbing reproduces the grammars' grouping, quirks included.
type parser struct {
	opts  Options
	v2    bool
	prec  *precTable
	toks  []token
	i     int
	tok   token
	depth int
	// late holds the errors RediSearch only finds after the parse succeeds, by phase:
	// parameter substitution, checks of the whole tree, execution.
	late [3][]*Error
	uses []ParamUse // every parameter read, in order (see ParseUses)
}

// lookup reads parameter name, noting it among the parse's uses.
func (p *parser) lookup(name string) (string, bool) {
	v, ok := p.opts.Params[name]
	p.use(ParamUse{Name: name, Value: v, Found: ok})
	return v, ok
}

// blobParam checks that a vector blob's parameter t exists, noting only its presence.
func (p *parser) blobParam(t token) {
	_, ok := p.opts.Params[t.text]
	if !ok {
		p.lateError(phaseParams, t.pos, "No such parameter `%s`", t.text)
	}
	p.use(ParamUse{Name: t.text, Found: ok, AnyValue: true})
}

func (p *parser) use(u ParamUse) {
	for i, o := range p.uses {
		if o.Name == u.Name {
			if o.AnyValue && !u.AnyValue { // its value is read too
				p.uses[i] = u
			}
			return
		}
	}
	p.uses = append(p.uses, u)
}

// Phases of late errors.
const (
	phaseParams = iota
	phaseCheck
	phaseExec
)

// precTable gives the precedence with which a token continues an expression (0: it cannot)
// and the precedences of the rules that wait for an operand.
type precTable struct {
	tok      [tRSQB + 1]int8
	and      int8 // juxtaposition
	or       int8
	not      int8 // -x
	optional int8 // ~x
	field    int8 // @f:x
	// maxDepth bounds nesting, as the parsers' stacks do (256 entries in dialect 2, 100 in
	// dialect 1); it also keeps the Go stack small on hostile input.
	maxDepth int
}

// Dialect 2 (query_parser/v2/parser.y): OR binds loosest, then field modifiers' MODIFIER,
// then words, `-`/`~`, juxtaposition (AND), `=>`, the `:` of a field modifier, and tightest
// the tokens that are numbers, affixes, fuzzy `%`, $params and wildcards.
var precV2 = &precTable{
	tok: [...]int8{tOr: 4, tIsMissing: 5, tMod: 6, tCmp: 6, tExact: 8, tTerm: 9, tAs: 9,
		tLP: 11, tMinus: 12, tTilde: 12, tArrow: 14, tNumber: 18, tSize: 19, tPrefix: 23,
		tSuffix: 23, tContains: 23, tPercent: 24, tAttr: 25, tWildcard: 26, tRSQB: 0},
	and: 13, or: 4, not: 12, optional: 12, field: 15, maxDepth: 256,
}

// Dialect 1 (query_parser/v1/parser.y): `~` binds loosest, then quotes, `-`, numbers, words,
// `(`, field modifiers, juxtaposition, `|` and tightest `=>`.
var precV1 = &precTable{
	tok: [...]int8{tTilde: 2, tQuote: 4, tMinus: 6, tNumber: 7, tStopword: 8, tTerm: 10,
		tPrefix: 11, tSuffix: 11, tContains: 11, tPercent: 12, tLP: 14, tMod: 16, tOr: 18,
		tArrow: 20, tRSQB: 0},
	and: 17, or: 18, not: 6, optional: 2, field: 16, maxDepth: 100,
}

func newParser(q string, opts Options) *parser {
	p := &parser{opts: opts, v2: opts.Dialect >= 2, prec: precV1}
	if p.v2 {
		p.prec = precV2
	}
	p.toks = lex(q, p.v2, opts.IsStopWord)
	p.tok = p.toks[0]
	return p
}

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.i++
	}
	p.tok = p.toks[p.i]
}

func (p *parser) peek() token { return p.toks[min(p.i+1, len(p.toks)-1)] }

// expect consumes a token of kind k or fails at the current one.
func (p *parser) expect(k kind) token {
	t := p.tok
	if t.kind != k {
		p.syntaxError(t)
	}
	p.next()
	return t
}

func (p *parser) fail(offset int, format string, args ...any) {
	panic(&Error{Offset: offset, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) syntaxError(t token) {
	p.fail(t.pos, "Syntax error at offset %d near %s", t.pos, t.near)
}

// lateError records an error RediSearch reports only if nothing earlier fails.
func (p *parser) lateError(phase, offset int, format string, args ...any) {
	p.late[phase] = append(p.late[phase], &Error{Offset: offset, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) enter() {
	p.depth++
	if p.depth <= p.prec.maxDepth {
		return
	}
	if p.v2 {
		p.fail(p.tok.pos, "Parser stack overflow. Try moving nested parentheses more to the left")
	}
	p.syntaxError(p.tok)
}

// query := ε | star ['=>' knn] | expr ['=>' knn]       (dialect 1: ε | '*' | expr)
// star  := '*' | '(' star ')'                          (dialect 2)
func (p *parser) query() Node {
	if p.tok.kind == tEOF {
		return &Empty{}
	}
	n, star := p.star()
	if !star {
		n = p.expr(0, false)
	}
	if p.v2 && p.tok.kind == tArrow {
		n = p.knn(n)
	}
	p.expect(tEOF)
	if n == nil {
		return &Empty{}
	}
	return n
}

// star parses `*`, in dialect 2 also inside parentheses, when the query is that.
func (p *parser) star() (Node, bool) {
	j := p.i
	for p.v2 && p.toks[j].kind == tLP {
		j++
	}
	if p.toks[j].kind != tStar {
		return nil, false
	}
	opens := j - p.i
	n := &All{P: p.toks[j].pos}
	p.i = j
	p.next()
	for ; opens > 0; opens-- {
		p.expect(tRP)
	}
	return n, true
}

// expr parses an expression none of whose operators binds looser than rbp. In text mode
// (dialect 2's operand of a field modifier) only text clauses may appear.
//
//	expr := unary { '|' expr | '=>' attributes | expr }
func (p *parser) expr(rbp int8, text bool) Node {
	p.enter()
	defer func() { p.depth-- }()
	left := p.unary(text)
	for {
		t := p.tok
		if p.precOf(t.kind, text) <= rbp {
			return left
		}
		switch {
		case t.kind == tOr:
			p.next()
			left = p.union(left, p.expr(p.prec.or, text))
		case t.kind == tArrow:
			switch p.peek().kind {
			case tLB:
				p.next()
				left = p.attributes(left)
			case tLSQB:
				if p.v2 && p.depth == 1 { // the KNN of the whole query: query's business
					return left
				}
				fallthrough
			default:
				p.next()
				p.syntaxError(p.tok)
			}
		case p.starts(t.kind, text):
			left = p.intersect(left, p.expr(p.prec.and, text))
		default:
			return left
		}
	}
}

// precOf is the precedence of a token of kind k. In text mode ISMISSING can start no clause,
// and Lemon's fallback makes it a word.
func (p *parser) precOf(k kind, text bool) int8 {
	if text && k == tIsMissing {
		k = tTerm
	}
	return p.prec.tok[k]
}

// starts reports whether a token of kind k begins an expression.
func (p *parser) starts(k kind, text bool) bool {
	switch k {
	case tOr, tArrow:
		return false
	case tMod, tCmp:
		return !text
	}
	return p.precOf(k, text) > 0
}

// unary := '-' expr | '~' expr | '(' expr ')' | clause
func (p *parser) unary(text bool) Node {
	t := p.tok
	switch t.kind {
	case tMinus:
		p.next()
		return negate(t.pos, p.expr(p.prec.not, text))
	case tTilde:
		p.next()
		if c := p.expr(p.prec.optional, text); c != nil {
			return &Optional{P: t.pos, Child: c}
		}
		return nil
	case tLP:
		p.next()
		n := p.expr(0, text)
		p.expect(tRP)
		return n
	case tPercent:
		return p.fuzzy()
	case tExact:
		return p.phrase()
	case tQuote:
		if !p.v2 {
			return p.phraseV1()
		}
	case tPrefix, tSuffix, tContains:
		return p.affix()
	case tWildcard:
		return p.wildcard()
	case tTerm, tAs, tNumber, tSize, tAttr, tStopword:
		if p.v2 {
			return p.word()
		}
		if t.kind != tAttr {
			return p.wordsV1()
		}
	case tMod:
		if !text {
			return p.field()
		}
	case tCmp:
		if !text {
			return p.compare()
		}
	case tIsMissing:
		if text {
			return p.word()
		}
		return p.isMissing()
	}
	p.syntaxError(t)
	return nil
}

// negate is `-x`: nothing for nothing, and `--x` is x.
func negate(pos int, c Node) Node {
	switch c := c.(type) {
	case nil:
		return nil
	case *Not:
		return c.Child
	}
	return &Not{P: pos, Child: c}
}

// intersect joins b and c as RediSearch's intersection_step does.
func (p *parser) intersect(b, c Node) Node {
	return p.join(b, c, func(n Node) *[]Node {
		if x, ok := n.(*Intersect); ok {
			return &x.Children
		}
		return nil
	}, func() Node { return &Intersect{P: b.Pos(), Children: []Node{b, c}} })
}

// union joins b and c as RediSearch's union_step does.
func (p *parser) union(b, c Node) Node {
	return p.join(b, c, func(n Node) *[]Node {
		if x, ok := n.(*Union); ok {
			return &x.Children
		}
		return nil
	}, func() Node { return &Union{P: b.Pos(), Children: []Node{b, c}} })
}

// join joins two operands of an AND or an OR: stop words (nil) drop out; a node of the
// operator's own kind on the left (kids returns its children) takes c in as one more child;
// in dialect 2 one on the right takes b in too, at its end; otherwise pair makes a new node.
func (p *parser) join(b, c Node, kids func(Node) *[]Node, pair func() Node) Node {
	if b == nil || c == nil {
		return either(b, c)
	}
	if k := kids(b); k != nil {
		*k = append(*k, c)
		return b
	}
	if k := kids(c); k != nil && p.v2 {
		*k = append(*k, b)
		return c
	}
	return pair()
}

func either(b, c Node) Node {
	if b != nil {
		return b
	}
	return c
}
