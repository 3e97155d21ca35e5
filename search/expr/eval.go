package expr

import "math"

// Row gives an expression the values of its properties.
type Row interface {
	Get(name string) (Value, bool) // ok false: the row has no such property (distinct from a present null)
}

// TermsRow is a Row that also knows which query terms matched its document, for
// matched_terms(); on a plain Row matched_terms() is null.
type TermsRow interface {
	Row
	MatchedTerms(max int) []string
}

// Mode says what the expression is evaluated for.
type Mode uint8

const (
	// Query is FT.AGGREGATE's APPLY and FILTER: reading a property the row lacks is an
	// error ("Could not find the value for a parameter name, consider using EXISTS if
	// applicable for name"), except inside exists().
	Query Mode = iota
	// Index is FT.CREATE ... FILTER: a comparison with a missing property is false, and
	// other uses of one make the evaluation fail (the document is not indexed).
	Index
)

// Eval evaluates e against r in Query mode; an evaluation error gives null.
func (e *Expr) Eval(r Row) Value {
	v, err := e.Evaluate(r, Query)
	if err != nil {
		return Value{}
	}
	return v
}

// Evaluate evaluates e against r. In Query mode any error met on the way fails it, as it
// fails the whole FT.AGGREGATE in RediSearch, even one whose operand was then cut short
// by && or || (RediSearch records the error in the query and replies with it at the end).
// In Index mode only a failed evaluation fails.
func (e *Expr) Evaluate(r Row, m Mode) (Value, error) {
	ev := evaluator{row: r, index: m == Index}
	v, rc := ev.eval(e.root)
	if rc == rcOK && (ev.index || !ev.pending.set) {
		return v, nil
	}
	if !ev.pending.set {
		return Value{}, errFailed
	}
	return Value{}, ev.pending.err()
}

// errFailed is the error of an evaluation that failed without a message (Index mode).
var errFailed = evalError("Parsing/Evaluating dynamic expression failed")

// rc is the outcome of evaluating a node, RediSearch's EXPR_EVAL_* codes.
type rc uint8

const (
	rcOK      rc = iota
	rcErr        // failed
	rcMissing    // read a property the row lacks; the value is null
)

// evaluator holds one evaluation's state. RediSearch keeps one error per query, set by the
// first failure and cleared by exists(); pending is that error, kept unformatted so that
// the common exists(@missing) costs no allocation.
type evaluator struct {
	row     Row
	index   bool
	pending pending
}

type pending struct {
	set     bool
	missing string // the property whose value was missing, or ""
	e       *Error // otherwise
}

func (p pending) err() *Error {
	if p.e != nil {
		return p.e
	}
	return evalError("Could not find the value for a parameter name, consider using EXISTS if applicable for " + p.missing)
}

func (ev *evaluator) fail(e *Error) {
	if !ev.pending.set {
		ev.pending = pending{set: true, e: e}
	}
}

var errNotNumber = evalError("Could not convert value to a number")

func (ev *evaluator) eval(n *node) (Value, rc) {
	switch n.op {
	case opLit:
		return n.val, rcOK
	case opProp:
		if v, ok := ev.row.Get(n.name); ok {
			return v, rcOK
		}
		if !ev.index && !ev.pending.set {
			ev.pending = pending{set: true, missing: n.name}
		}
		return Value{}, rcMissing
	case opArith:
		f, rc := ev.arithNum(n)
		if rc != rcOK {
			return Value{}, rc
		}
		return Num(f), rcOK
	case opCmp:
		return ev.compare(n)
	case opAnd, opOr:
		return ev.logic(n)
	case opNot:
		v, rc := ev.eval(n.l)
		if rc != rcOK {
			return Value{}, rcErr
		}
		return boolNum(!v.Truthy()), rcOK
	}
	return ev.call(n)
}

// arithNum evaluates l op r on numbers: both sides are evaluated first, then converted
// (strings that read as numbers convert; anything else fails), as RediSearch's evalOp
// does. Operands that are numbers do not go through Value.
func (ev *evaluator) arithNum(n *node) (float64, rc) {
	a, okA, rc := ev.operand(n.l)
	if rc != rcOK {
		return 0, rcErr
	}
	b, okB, rc := ev.operand(n.r)
	if rc != rcOK {
		return 0, rcErr
	}
	if !okA || !okB {
		ev.fail(errNotNumber)
		return 0, rcErr
	}
	return arith(n.sub, a, b), rcOK
}

// operand evaluates an operand of arithmetic: its number, if it has one.
func (ev *evaluator) operand(n *node) (f float64, num bool, r rc) {
	switch {
	case n.op == opLit && n.val.Kind == Number:
		return n.val.Num, true, rcOK
	case n.op == opArith:
		f, r = ev.arithNum(n)
		return f, r == rcOK, r
	}
	v, r := ev.eval(n)
	if r != rcOK {
		return 0, false, r
	}
	f, num = v.ToNumber()
	return f, num, rcOK
}

// arith is C's double arithmetic: division by zero gives ±inf or NaN, % is fmod, ^ is pow.
func arith(op tokKind, a, b float64) float64 {
	switch op {
	case tPlus:
		return a + b
	case tMinus:
		return a - b
	case tTimes:
		return a * b
	case tDiv:
		return a / b
	case tMod:
		return cNaN(math.Mod(a, b), a, b)
	}
	return cNaN(math.Pow(a, b), a, b)
}

// negNaN is the NaN x86 arithmetic makes (0/0, sqrt(-1)), which glibc's math functions
// return too; C prints it "-nan".
var negNaN = math.Float64frombits(0xfff8000000000000)

// cNaN gives a NaN result of Go's math package the sign glibc's would have: a NaN
// argument passes through, and a NaN made from numbers is negative.
func cNaN(r float64, args ...float64) float64 {
	if r == r {
		return r
	}
	for _, a := range args {
		if a != a {
			return a
		}
	}
	return negNaN
}

func boolNum(b bool) Value {
	if b {
		return Num(1)
	}
	return Num(0)
}

// compare evaluates a comparison. A missing operand fails it in Query mode and makes it
// false in Index mode, without evaluating the right side.
func (ev *evaluator) compare(n *node) (Value, rc) {
	l, rc := ev.eval(n.l)
	if rc != rcOK {
		return ev.missingOperand(rc)
	}
	r, rc := ev.eval(n.r)
	if rc != rcOK {
		return ev.missingOperand(rc)
	}
	var res bool
	switch n.sub {
	case tEq:
		res = Equal(l, r)
	case tNe:
		res = !Equal(l, r)
	default:
		c, err := compare(l, r, true)
		if err != nil {
			ev.fail(err)
		}
		switch n.sub {
		case tLt:
			res = c < 0
		case tLe:
			res = c <= 0
		case tGt:
			res = c > 0
		default:
			res = c >= 0
		}
	}
	if ev.pending.set {
		return Value{}, rcErr
	}
	return boolNum(res), rcOK
}

func (ev *evaluator) missingOperand(rc rc) (Value, rc) {
	if rc == rcMissing && ev.index {
		return Num(0), rcOK
	}
	return Value{}, rcErr
}

// logic evaluates && and ||, stopping at the first operand that decides. A missing
// operand reads as null (false); its error stays pending.
func (ev *evaluator) logic(n *node) (Value, rc) {
	and := n.op == opAnd
	for _, side := range [2]*node{n.l, n.r} {
		v, rc := ev.eval(side)
		if rc == rcErr {
			return Value{}, rcErr
		}
		if t := v.Truthy(); t != and {
			return boolNum(t), rcOK
		}
	}
	if ev.pending.set {
		return Value{}, rcErr
	}
	return boolNum(and), rcOK
}

// call evaluates a function call: case() evaluates only the branch it takes, exists()
// takes a missing property, others fail on one.
func (ev *evaluator) call(n *node) (Value, rc) {
	fn := n.fn
	switch fn.kind {
	case fnCase:
		cond, rc := ev.eval(n.args[0])
		if rc != rcOK {
			return Value{}, rc
		}
		if cond.Truthy() {
			return ev.eval(n.args[1])
		}
		return ev.eval(n.args[2])
	case fnExists, fnIsMissing:
		// RediSearch's exists() is 0 only for a property the row lacks: a present null,
		// NULL or a function's null result are values. ismissing() is its negation.
		_, rc := ev.eval(n.args[0])
		present := 1.0
		switch rc {
		case rcErr:
			return Value{}, rcErr
		case rcMissing:
			ev.pending = pending{}
			present = 0
		}
		if fn.kind == fnIsMissing {
			return Num(1 - present), rcOK
		}
		return Num(present), rcOK
	}
	if fn.unary != nil {
		v, rc := ev.eval(n.args[0])
		if rc != rcOK {
			return Value{}, rcErr
		}
		return fn.unary(v), rcOK
	}
	args := make([]Value, len(n.args))
	for i, a := range n.args {
		v, rc := ev.eval(a)
		if rc != rcOK {
			return Value{}, rcErr
		}
		args[i] = v
	}
	if fn.kind == fnMatchedTerms {
		return matchedTerms(ev.row, args), rcOK
	}
	v, err := fn.call(args)
	if err != nil {
		ev.fail(err)
		if !fn.keepsValue {
			return Value{}, rcErr
		}
	}
	return v, rcOK
}

// matchedTerms is matched_terms([max]): the query terms that matched the row's document
// (at most max, 1 to 100, default 100), or null when there are none.
func matchedTerms(r Row, args []Value) Value {
	max := 100
	if len(args) == 1 {
		if d, ok := args[0].ToNumber(); ok && d >= 1 && d <= 100 {
			max = int(d)
		}
	}
	tr, ok := r.(TermsRow)
	if !ok {
		return Value{}
	}
	terms := tr.MatchedTerms(max)
	if len(terms) == 0 {
		return Value{}
	}
	if len(terms) > max {
		terms = terms[:max]
	}
	vs := make([]Value, len(terms))
	for i, t := range terms {
		vs[i] = Str(t)
	}
	return List(vs)
}
