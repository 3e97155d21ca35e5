package query

import (
	"math"
	"strings"
)

// bound is one number of a bracket: a literal or a parameter (negated by a `-` before it).
type bound struct {
	pos   int
	val   float64
	param *token
	neg   bool
	excl  bool // `(`: an exclusive range bound
}

// boundV2 := ['('] (['-'] $param | num)        num := SIZE | NUMBER | '-' num
//
// Only range bounds may be exclusive.
func (p *parser) boundV2(exclOK bool) bound {
	b := bound{pos: p.tok.pos}
	if exclOK && p.tok.kind == tLP {
		b.excl = true
		p.next()
	}
	minus := 0
	for p.tok.kind == tMinus {
		minus++
		p.next()
	}
	switch t := p.tok; {
	case t.kind == tAttr && minus <= 1:
		b.param, b.neg = &t, minus == 1
	case t.kind == tSize || t.kind == tNumber:
		b.val = t.num
		if minus%2 == 1 {
			b.val = -b.val
		}
	default:
		p.syntaxError(t)
	}
	p.next()
	return b
}

// boundV1 := NUMBER | '(' boundV1 | '-' boundV1        (dialect 1; any `(` makes it exclusive)
func (p *parser) boundV1() bound {
	b := bound{pos: p.tok.pos}
	minus := 0
	for p.tok.kind == tMinus || p.tok.kind == tLP {
		if p.tok.kind == tLP {
			b.excl = true
		} else {
			minus++
		}
		p.next()
	}
	b.val = p.take(tNumber).num
	if minus%2 == 1 {
		b.val = -b.val
	}
	return b
}

// number is a bound's value; a parameter's must be a whole number (PARAM_NUMERIC).
func (p *parser) number(b bound) float64 {
	if b.param == nil {
		return b.val
	}
	v := p.param(*b.param, b.param.text)
	f, ok := parseDouble(v)
	if _, found := p.lookup(b.param.text); found && (v == "" || !ok) {
		p.lateError(phaseParams, b.pos, "Invalid numeric value (%s) for parameter `%s`", v, b.param.text)
	}
	if b.neg {
		f = -f
	}
	return f
}

// rangeBound is a range bound's value. A parameter's is read as RediSearch's
// parseDoubleRange reads it: a `(` is allowed and ignored, ±inf only on the side it bounds,
// an empty value is 0.
func (p *parser) rangeBound(b bound, isMin bool) float64 {
	if b.param == nil {
		return b.val
	}
	name := b.param.text
	v := strings.TrimPrefix(p.param(*b.param, name), "(")
	plusInf := strings.EqualFold(strings.TrimPrefix(v, "+"), "inf")
	minusInf := strings.EqualFold(v, "-inf")
	switch {
	case isMin && (!b.neg && minusInf || b.neg && plusInf):
		return inf(-1)
	case !isMin && (!b.neg && plusInf || b.neg && minusInf):
		return inf(1)
	}
	f, ok := parseDouble(v)
	if _, found := p.lookup(name); found && (!ok || math.IsInf(f, 0)) {
		side := "upper"
		if isMin {
			side = "lower"
		}
		p.lateError(phaseParams, b.pos, "Bad %s range: %s", side, v)
	}
	if b.neg {
		f = -f
	}
	return f
}

// bracket := '[' (range | geo | vector_range) ']'       (dialect 2, after `@f:`)
// range   := bound [bound]
// geo     := num num num unit
func (p *parser) bracket(f token) Node {
	p.expect(tLSQB)
	if p.fits(p.tok.kind, []kind{tTerm}) {
		return p.vectorRange(f)
	}
	lo := p.boundV2(true)
	if p.tok.kind == tRSQB && !lo.excl {
		p.next()
		v := p.number(lo)
		return p.numeric(f, &Numeric{Min: v, Max: v})
	}
	hi := p.boundV2(true)
	if p.tok.kind == tRSQB {
		p.next()
		return p.numeric(f, &Numeric{Min: p.rangeBound(lo, true), Max: p.rangeBound(hi, false),
			MinExclusive: lo.excl, MaxExclusive: hi.excl})
	}
	if lo.excl || hi.excl {
		p.syntaxError(p.tok)
	}
	radius := p.boundV2(false)
	unit := p.take(paramTermKinds...)
	p.expect(tRSQB)
	g := &Geo{P: f.pos, Field: unescape(f.text), Lon: p.number(lo), Lat: p.number(hi),
		Radius: p.number(radius), Unit: lower(p.textOf(unit))}
	if unit.kind == tNumber || unit.kind == tSize {
		p.fail(unit.pos, "Invalid GeoFilter unit")
	}
	if msg := geoInvalid(g); msg != "" { // RediSearch checks dialect 2's when it runs
		p.lateError(phaseExec, f.pos, "%s", msg)
	}
	return g
}

// bracketV1 := '[' num num ']' | '[' num num num TERM ']'
func (p *parser) bracketV1(f token) Node {
	p.expect(tLSQB)
	lo, hi := p.boundV1(), p.boundV1()
	if p.tok.kind == tRSQB {
		p.next()
		return p.numeric(f, &Numeric{Min: lo.val, Max: hi.val, MinExclusive: lo.excl, MaxExclusive: hi.excl})
	}
	radius := p.boundV1()
	unit := p.take(tTerm)
	p.expect(tRSQB)
	g := &Geo{P: f.pos, Field: unescape(f.text), Lon: lo.val, Lat: hi.val, Radius: radius.val,
		Unit: lower(unit.text)}
	if msg := geoInvalid(g); msg != "" {
		p.fail(f.pos, "%s", msg)
	}
	return g
}

// geoInvalid is RediSearch's GeoFilter_Validate.
func geoInvalid(g *Geo) string {
	switch {
	case g.Unit != "m" && g.Unit != "km" && g.Unit != "mi" && g.Unit != "ft":
		return "Invalid GeoFilter unit"
	case g.Lat > 90 || g.Lat < -90 || g.Lon > 180 || g.Lon < -180:
		return "Invalid GeoFilter lat/lon"
	case g.Radius <= 0:
		return "Invalid GeoFilter radius"
	}
	return ""
}

// numeric completes a range and checks it, as RediSearch does once the tree is built.
func (p *parser) numeric(f token, n *Numeric) Node {
	n.P, n.Field = f.pos, unescape(f.text)
	if n.Min > n.Max {
		p.lateError(phaseCheck, f.pos, "Invalid numeric range (min > max): @%s:[%s %s]",
			n.Field, formatC(n.Min), formatC(n.Max))
	}
	return n
}

// compare := `@n==v` | `@n!=v` | `@n>v` | `@n>=v` | `@n<v` | `@n<=v`     (dialect 2)
func (p *parser) compare() Node {
	t := p.take(tCmp)
	c := t.cmp
	b := bound{pos: t.pos, val: c.value.num, neg: c.neg}
	if c.value.kind == tAttr {
		b.param = &c.value
	}
	v := p.number(b)
	n := &Numeric{Min: inf(-1), Max: inf(1)}
	switch c.op {
	case "==", "!=":
		n.Min, n.Max = v, v
	case ">", ">=":
		n.Min, n.MinExclusive = v, c.op == ">"
	case "<", "<=":
		n.Max, n.MaxExclusive = v, c.op == "<"
	}
	p.numeric(t, n)
	if c.op == "!=" {
		return &Not{P: t.pos, Child: n}
	}
	return n
}

// vectorRange := TERM(VECTOR_RANGE) num $blob        (inside `@v:[…]`)
//
// `[TERM $param]` is a GEOSHAPE query, which darner does not have.
func (p *parser) vectorRange(f token) Node {
	cmd := p.take(tTerm)
	if p.tok.kind == tAttr && p.peek().kind == tRSQB {
		if !isGeoPredicate(p.textOf(cmd)) {
			p.fail(p.tok.pos, "Syntax error: Expecting a geoshape predicate at offset %d", p.tok.pos)
		}
		p.fail(cmd.pos, "Syntax error: GEOSHAPE queries are not supported at offset %d near %s", cmd.pos, cmd.near)
	}
	radius := p.boundV2(false)
	blob := p.take(tAttr)
	if !strings.EqualFold(cmd.text, "VECTOR_RANGE") {
		p.fail(cmd.pos, "Syntax error: expecting vector similarity range command at offset %d near %s",
			cmd.pos, cmd.near)
	}
	p.expect(tRSQB)
	p.blobParam(blob)
	return &VectorRange{P: f.pos, Field: unescape(f.text), BlobParam: blob.text, Radius: p.number(radius)}
}

func isGeoPredicate(s string) bool {
	for _, w := range [...]string{"WITHIN", "CONTAINS", "DISJOINT", "INTERSECTS"} {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}
