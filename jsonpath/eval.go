package jsonpath

import (
	"regexp"
	"strconv"
)

// Get returns the values the path selects in doc, in RedisJSON's order: selectors in the
// order written (['b','a'] gives b then a), members in object order, elements in array
// order, and for ".." each node's own match before those below it. The values are the
// document's own (containers are not copied): serialize or Clone them before the document
// changes. For a JSONPath the caller replies with all of them; for a legacy path with the
// first (First).
func (p *Path) Get(doc any) []any {
	if p.static {
		if v, ok := lookup(p.steps, doc); ok {
			return []any{v}
		}
		return nil
	}
	e := evaluator{root: doc}
	e.walk(p.steps, match{value: doc, index: -1})
	return e.values
}

// First returns the first value Get would return, and false when there is none (for a
// legacy path, RedisJSON's "Path does not exist" error).
func (p *Path) First(doc any) (any, bool) {
	if p.static {
		return lookup(p.steps, doc)
	}
	vs := p.Get(doc)
	if len(vs) == 0 {
		return nil, false
	}
	return vs[0], true
}

// Locate returns where the path's matches are, in Get's order, so that a command can read,
// replace or delete each one in its parent.
func (p *Path) Locate(doc any) []Ref {
	e := evaluator{root: doc, locate: true}
	e.walk(p.steps, match{value: doc, index: -1})
	return e.refs
}

// lookup follows single-member and single-element steps from v.
func lookup(steps []step, v any) (any, bool) {
	for i := range steps {
		s := &steps[i]
		switch t := v.(type) {
		case *Object:
			if s.kind != stepKeys {
				return nil, false
			}
			var ok bool
			if v, ok = t.Get(s.keys[0]); !ok {
				return nil, false
			}
		case *Array:
			if s.kind != stepIndexes {
				return nil, false
			}
			j := absIndex(s.indexes[0], len(t.elems))
			if j >= len(t.elems) {
				return nil, false
			}
			v = t.elems[j]
		default:
			return nil, false
		}
	}
	return v, true
}

// absIndex turns a written index into a position as RedisJSON does: negative indexes
// count from the end and stop at 0 (so [-10] of a 3-element array is its first element),
// indexes past the end become n (no element).
func absIndex(i int64, n int) int {
	if i >= 0 {
		return int(min(i, int64(n)))
	}
	return int(max(i+int64(n), 0))
}

// Ref is the location of one match: its parent container and its key or index there.
// Refs stay valid while the containers on their way are not restructured; deleting array
// elements shifts the positions of the later ones, which is why Delete removes the highest
// index first.
type Ref struct {
	parent any // *Object or *Array; nil for the document root
	key    string
	index  int   // -1 in an object
	root   any   // the document, for the root's Ref
	trail  []seg // keys and indexes from the root, for ordering and Path
}

// seg is one step of a Ref's trail: a key, or an index when index >= 0.
type seg struct {
	key   string
	index int
}

// IsRoot reports whether the Ref is the document root, which has no parent: replacing it
// replaces the document, deleting it deletes the key.
func (r Ref) IsRoot() bool { return r.parent == nil }

// Parent returns the containing *Object or *Array, nil for the root.
func (r Ref) Parent() any { return r.parent }

// Key returns the member name when the parent is an object.
func (r Ref) Key() (string, bool) { return r.key, r.index < 0 && r.parent != nil }

// Index returns the element position when the parent is an array.
func (r Ref) Index() (int, bool) { return r.index, r.index >= 0 }

// Depth returns how many steps lie between the root and the location (0 for the root).
func (r Ref) Depth() int { return len(r.trail) }

// Value returns the value now at the location, nil if it is gone.
func (r Ref) Value() any {
	switch t := r.parent.(type) {
	case *Object:
		v, _ := t.Get(r.key)
		return v
	case *Array:
		if r.index < len(t.elems) {
			return t.elems[r.index]
		}
		return nil
	}
	return r.root
}

// Replace puts v at the location and returns the document, which is v itself when the
// Ref is the root: doc = ref.Replace(doc, v).
func (r Ref) Replace(doc, v any) any {
	switch t := r.parent.(type) {
	case *Object:
		t.Set(r.key, v)
	case *Array:
		if r.index < len(t.elems) {
			t.elems[r.index] = v
		}
	default:
		return v
	}
	return doc
}

// Delete removes the value from its parent and reports whether there was one. The root
// cannot be removed this way (the caller deletes the key).
func (r Ref) Delete() bool {
	switch t := r.parent.(type) {
	case *Object:
		return t.Delete(r.key)
	case *Array:
		if r.index < len(t.elems) {
			t.RemoveAt(r.index)
			return true
		}
	}
	return false
}

// Path returns the normalized JSONPath of the location, such as $["a"][0].
func (r Ref) Path() string {
	b := []byte{'$'}
	for _, s := range r.trail {
		b = append(b, '[')
		if s.index >= 0 {
			b = strconv.AppendInt(b, int64(s.index), 10)
		} else {
			b = AppendString(b, s.key)
		}
		b = append(b, ']')
	}
	return string(b)
}

// match is a value found during a walk and where it was found.
type match struct {
	value  any
	parent any
	key    string
	index  int
}

// evaluator walks a document along compiled steps, collecting values or Refs.
type evaluator struct {
	root   any
	locate bool // collect Refs (with trails) rather than values
	values []any
	refs   []Ref
	trail  []seg
	rx     *map[string]*regexp.Regexp // patterns read from the document, shared with sub-walks
}

func (e *evaluator) found(m match) {
	if !e.locate {
		e.values = append(e.values, m.value)
		return
	}
	r := Ref{parent: m.parent, key: m.key, index: m.index, trail: append([]seg(nil), e.trail...)}
	if m.parent == nil {
		r.root = m.value
	}
	e.refs = append(e.refs, r)
}

// walk applies steps to the match m, recording what the last step selects.
func (e *evaluator) walk(steps []step, m match) {
	if len(steps) == 0 {
		e.found(m)
		return
	}
	s, rest := &steps[0], steps[1:]
	switch s.kind {
	case stepKeys:
		if o, ok := m.value.(*Object); ok {
			for _, k := range s.keys {
				if v, ok := o.Get(k); ok {
					e.into(rest, match{value: v, parent: o, key: k, index: -1})
				}
			}
		}
	case stepIndexes:
		if a, ok := m.value.(*Array); ok {
			for _, i := range s.indexes {
				if j := absIndex(i, len(a.elems)); j < len(a.elems) {
					e.into(rest, match{value: a.elems[j], parent: a, index: j})
				}
			}
		}
	case stepSlice:
		if a, ok := m.value.(*Array); ok {
			e.slice(s, rest, a)
		}
	case stepWildcard, stepFilter:
		e.children(s, rest, m.value)
	case stepDescent:
		e.walk(rest, m)
		e.descend(rest, m.value)
	}
}

// into walks rest from a child, keeping the trail when Refs are wanted.
func (e *evaluator) into(rest []step, c match) {
	if !e.locate {
		e.walk(rest, c)
		return
	}
	e.trail = append(e.trail, seg{key: c.key, index: c.index})
	e.walk(rest, c)
	e.trail = e.trail[:len(e.trail)-1]
}

func (e *evaluator) slice(s *step, rest []step, a *Array) {
	n := len(a.elems)
	start, end := 0, n
	if s.hasStart {
		start = absIndex(s.start, n)
	}
	if s.hasEnd {
		end = absIndex(s.end, n)
	}
	for j := start; j < end; {
		e.into(rest, match{value: a.elems[j], parent: a, index: j})
		if s.stride >= int64(end-j) {
			break
		}
		j += int(s.stride)
	}
}

// children applies a wildcard or a filter to the members or elements of v.
func (e *evaluator) children(s *step, rest []step, v any) {
	switch t := v.(type) {
	case *Object:
		for i, k := range t.keys {
			if s.kind == stepWildcard || s.filter.test(e, t.vals[i]) {
				e.into(rest, match{value: t.vals[i], parent: t, key: k, index: -1})
			}
		}
	case *Array:
		for j, c := range t.elems {
			if s.kind == stepWildcard || s.filter.test(e, c) {
				e.into(rest, match{value: c, parent: t, index: j})
			}
		}
	}
}

// descend applies rest to every node below v, each before its own descendants.
func (e *evaluator) descend(rest []step, v any) {
	switch t := v.(type) {
	case *Object:
		for i, k := range t.keys {
			c := match{value: t.vals[i], parent: t, key: k, index: -1}
			e.into(rest, c)
			e.intoDescend(rest, c)
		}
	case *Array:
		for j, x := range t.elems {
			c := match{value: x, parent: t, index: j}
			e.into(rest, c)
			e.intoDescend(rest, c)
		}
	}
}

func (e *evaluator) intoDescend(rest []step, c match) {
	switch c.value.(type) {
	case *Object, *Array:
	default:
		return
	}
	if e.locate {
		e.trail = append(e.trail, seg{key: c.key, index: c.index})
		defer func() { e.trail = e.trail[:len(e.trail)-1] }()
	}
	e.descend(rest, c.value)
}

// operand returns the values a filter term stands for at cur.
func (e *evaluator) operand(t term, cur any) []any {
	if !t.isPath {
		return t.lit
	}
	from := cur
	if t.root {
		from = e.root
	}
	if t.static {
		if v, ok := lookup(t.steps, from); ok {
			return []any{v}
		}
		return nil
	}
	sub := evaluator{root: e.root, rx: e.regexCache()}
	sub.walk(t.steps, match{value: from, index: -1})
	return sub.values
}

func (e *evaluator) regexCache() *map[string]*regexp.Regexp {
	if e.rx == nil {
		m := map[string]*regexp.Regexp{}
		e.rx = &m
	}
	return e.rx
}

// search is =~ : x must be a string and y a string pattern found anywhere in it. re is
// the pattern compiled in advance when the filter wrote it as a literal.
func (e *evaluator) search(re *regexp.Regexp, x, y any) bool {
	s, ok := x.(string)
	if !ok {
		return false
	}
	if re != nil {
		return re.MatchString(s)
	}
	pat, ok := y.(string)
	if !ok {
		return false
	}
	cache := *e.regexCache()
	re, seen := cache[pat]
	if !seen {
		re, _ = regexp.Compile(pat) // an invalid pattern matches nothing
		cache[pat] = re
	}
	return re != nil && re.MatchString(s)
}
