package query

import "strings"

// attribute is one `$name: value` of an attribute list, value as written or substituted.
type attribute struct {
	pos         int
	name, value string
}

// attributes := '{' [attribute] {';' [attribute]} '}'      (after `=>`)
// attribute  := $name ':' param_term
//
// They apply to n; on nothing (stop words) they are dropped unchecked, as RediSearch does.
func (p *parser) attributes(n Node) Node {
	p.expect(tLB)
	var list []attribute
	if p.tok.kind == tAttr {
		list = append(list, p.attribute())
	}
	for p.tok.kind == tSemicolon {
		p.next()
		if p.tok.kind == tAttr {
			list = append(list, p.attribute())
		}
	}
	p.expect(tRB)
	if n != nil {
		for _, a := range list {
			p.apply(n, a)
		}
	}
	return n
}

// attribute reads one attribute. Its value, unlike other parameters, is substituted while
// parsing, so a missing parameter fails at once.
func (p *parser) attribute() attribute {
	name := p.take(tAttr)
	p.expect(tColon)
	kinds := []kind{tTerm, tNumber}
	if p.v2 {
		kinds = paramTermKinds
	}
	v := p.take(kinds...)
	a := attribute{pos: name.pos, name: name.text, value: v.text}
	if v.kind == tAttr {
		var ok bool
		if a.value, ok = p.lookup(v.text); !ok {
			p.fail(v.pos, "No such parameter `%s`", v.text)
		}
	}
	return a
}

// attrsOf is the attribute set of n; nil for clauses that keep none.
func attrsOf(n Node) *Attrs {
	switch n := n.(type) {
	case *Intersect:
		return &n.Attrs
	case *Union:
		return &n.Attrs
	case *Not:
		return &n.Attrs
	case *Optional:
		return &n.Attrs
	case *Term:
		return &n.Attrs
	case *Phrase:
		return &n.Attrs
	case *Affix:
		return &n.Attrs
	case *Wildcard:
		return &n.Attrs
	case *Fuzzy:
		return &n.Attrs
	case *Tag:
		return &n.Attrs
	case *Numeric:
		return &n.Attrs
	case *Geo:
		return &n.Attrs
	case *KNN:
		return &n.Attrs
	case *VectorRange:
		return &n.Attrs
	}
	return nil
}

// apply sets one attribute on n, checking it as RediSearch's QueryNode_ApplyAttribute does.
// A field modifier is a mask on its clause in RediSearch, not a node: attributes go to the
// clause.
func (p *parser) apply(n Node, a attribute) {
	if f, ok := n.(*Fields); ok {
		p.apply(f.Child, a)
		return
	}
	if a.value == "" {
		p.invalidValue(a)
	}
	attrs := attrsOf(n)
	if attrs == nil {
		attrs = new(Attrs) // ismissing(@f)=>{…}: checked, then dropped
	}
	switch name := strings.ToLower(a.name); {
	case name == "slop":
		v, ok := parseInteger(a.value)
		if !ok || v < -1 {
			p.invalidValue(a)
		}
		s := int(v)
		attrs.Slop = &s
	case name == "inorder":
		attrs.InOrder = p.boolValue(a)
	case name == "weight":
		v, ok := parseDouble(a.value)
		if !ok || v < 0 {
			p.invalidValue(a)
		}
		attrs.Weight = &v
	case name == "phonetic":
		attrs.Phonetic = p.boolValue(a)
	case !isVector(n):
		p.fail(a.pos, "Invalid attribute %s", a.name)
	case name == "yield_distance_as":
		attrs.YieldDistanceAs = a.value
	case name == "shard_k_ratio":
		p.shardKRatio(a) // spreads a KNN over cluster shards; darner has no use for it
	case name == "ef_runtime", name == "epsilon", name == "hybrid_policy", name == "batch_size":
		p.vectorParam(n, a.pos, a.name, a.value, false)
	default:
		p.fail(a.pos, "Invalid attribute %s", a.name)
	}
}

func isVector(n Node) bool {
	switch n.(type) {
	case *KNN, *VectorRange:
		return true
	}
	return false
}

func (p *parser) invalidValue(a attribute) {
	p.fail(a.pos, "Invalid value (%s) for `%s`", a.value, a.name)
}

func (p *parser) boolValue(a attribute) *bool {
	b, ok := parseBool(a.value)
	if !ok {
		p.invalidValue(a)
	}
	return &b
}

func (p *parser) shardKRatio(a attribute) {
	v, ok := parseDouble(a.value)
	if !ok {
		p.fail(a.pos, "Invalid shard k ratio value '%s'", a.value)
	}
	if v <= 0 || v > 1 {
		p.fail(a.pos, "Invalid shard k ratio value: Shard k ratio must be greater than 0 and at most 1 (got %s)",
			formatG(v))
	}
}

// Vector runtime parameters are checked by the vector index when the query runs: their
// errors are late.
const vecErr = "Error parsing vector similarity parameters: "

// vectorParam sets EF_RUNTIME, EPSILON, HYBRID_POLICY or BATCH_SIZE on a vector clause, from
// the KNN brackets (bracket) or from an attribute.
func (p *parser) vectorParam(n Node, pos int, name, value string, bracket bool) {
	knn, _ := n.(*KNN)
	attrs := attrsOf(n)
	switch strings.ToUpper(name) {
	case "EF_RUNTIME":
		first := attrs.EFRuntime == nil && (knn == nil || knn.EFRuntime == nil)
		target := &attrs.EFRuntime
		if bracket {
			target = &knn.EFRuntime
		}
		p.vecInt(pos, value, target, first)
	case "EPSILON":
		first := attrs.Epsilon == nil && (knn == nil || knn.Epsilon == nil)
		target := &attrs.Epsilon
		if bracket {
			target = &knn.Epsilon
		}
		p.vecFloat(pos, value, target, first)
	case "BATCH_SIZE", "HYBRID_POLICY":
		if knn == nil {
			p.lateError(phaseExec, pos, vecErr+"hybrid query attributes were sent for a non-hybrid query")
			return
		}
		if strings.EqualFold(name, "BATCH_SIZE") {
			p.vecInt(pos, value, &knn.BatchSize, knn.BatchSize == nil)
			return
		}
		p.hybridPolicy(knn, pos, value)
	default:
		p.lateError(phaseExec, pos, vecErr+"Invalid option")
	}
}

// vecInt sets a positive integer parameter that first says was not set yet.
func (p *parser) vecInt(pos int, value string, target **int, first bool) {
	v, ok := parseInteger(value)
	setVecParam(p, pos, target, int(v), ok && int64(int(v)) == v, first)
}

// vecFloat sets a positive number parameter that first says was not set yet.
func (p *parser) vecFloat(pos int, value string, target **float64, first bool) {
	v, ok := parseDouble(value)
	setVecParam(p, pos, target, v, ok && value != "", first)
}

func setVecParam[T int | float64](p *parser, pos int, target **T, v T, ok, first bool) {
	switch {
	case !first:
		p.lateError(phaseExec, pos, vecErr+"Parameter was specified twice")
	case !ok || v <= 0:
		p.lateError(phaseExec, pos, vecErr+"Invalid value was given")
	default:
		*target = &v
	}
}

func (p *parser) hybridPolicy(knn *KNN, pos int, value string) {
	switch v := strings.ToUpper(value); {
	case knn.HybridPolicy != "":
		p.lateError(phaseExec, pos, vecErr+"Parameter was specified twice")
	case v == "ADHOC_BF" || v == "BATCHES":
		knn.HybridPolicy = v
	default:
		p.lateError(phaseExec, pos, vecErr+"invalid hybrid policy was given")
	}
}

// knn := '=>' '[' TERM(KNN) k MOD $blob {TERM param_term} [AS name] ']'
//
//	['=>' attributes]
//
// It ends the query; filter is what precedes it (nil, stop words only, filters nothing).
func (p *parser) knn(filter Node) Node {
	p.next()
	p.expect(tLSQB)
	pos := 0
	if filter == nil {
		filter = &All{}
	} else {
		pos = filter.Pos()
	}
	// RediSearch substitutes the KNN's parameters before those of its filter.
	outer := p.late[phaseParams]
	p.late[phaseParams] = nil
	n := p.knnBody(pos, filter)
	p.late[phaseParams] = append(p.late[phaseParams], outer...)
	if p.tok.kind == tArrow {
		p.next()
		p.attributes(n)
	}
	return n
}

func (p *parser) knnBody(pos int, filter Node) *KNN {
	cmd := p.take(tTerm)
	k := p.take(tSize, tAttr)
	field := p.take(tMod)
	blob := p.take(tAttr)
	if !strings.EqualFold(cmd.text, "KNN") {
		p.fail(cmd.pos, "Syntax error: Expecting Vector Similarity command at offset %d near %s", cmd.pos, cmd.near)
	}
	n := &KNN{P: pos, Filter: filter, Field: unescape(field.text), BlobParam: blob.text}
	p.blobParam(blob)
	n.K = p.knnK(k)
	for p.fits(p.tok.kind, []kind{tTerm}) && p.tok.kind != tAs {
		name := p.take(tTerm)
		v := p.take(paramTermKinds...)
		p.vectorParam(n, name.pos, name.text, p.textOf(v), true)
	}
	if p.tok.kind == tAs {
		p.next()
		n.Alias = p.textOf(p.take(paramTermKinds...))
	}
	p.expect(tRSQB)
	return n
}

// knnK is K: digits, or a parameter holding a non-negative integer.
func (p *parser) knnK(t token) int {
	s := t.text
	if t.kind == tAttr {
		if _, found := p.lookup(t.text); !found {
			p.param(t, t.text)
			return 0
		}
		s = p.param(t, t.text)
	}
	v, ok := parseInteger(s)
	if s == "" || !ok || v < 0 || int64(int(v)) != v {
		if t.kind != tAttr {
			p.syntaxError(t)
		}
		p.lateError(phaseParams, t.pos, "Invalid numeric value (%s) for parameter `%s`", s, t.text)
	}
	return int(v)
}
