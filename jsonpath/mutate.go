package jsonpath

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Errors of Set and MergeAt. Their text is RedisJSON's reply, code included, so the
// command layer can split it into prefix and message.
var (
	// ErrNotStatic: the path matched nothing and cannot name a single place to create.
	ErrNotStatic = errors.New("Err wrong static path")
	// ErrIndexOutOfRange: the path matched nothing and ends with an array index; arrays
	// grow only through JSON.ARRAPPEND/ARRINSERT.
	ErrIndexOutOfRange = errors.New("ERR array index out of range")
	// ErrTooDeep: the value would nest MaxDepth deep where it would be put. Nothing was
	// changed. (RedisJSON replies nil rather than an error in this case.)
	ErrTooDeep = errors.New("ERR recursion limit exceeded")
	// ErrNewAtRoot is RedisJSON's reply when JSON.SET or JSON.MERGE names a path other
	// than the root of a key that does not exist; the command layer checks that case,
	// since these functions always work on an existing document.
	ErrNewAtRoot = errors.New("ERR new objects must be created at the root")
	// ErrPathNotFound is RedisJSON's reply when a legacy path matches nothing.
	ErrPathNotFound = errors.New("ERR Path does not exist")
)

// SetMode is JSON.SET's NX / XX option.
type SetMode uint8

const (
	SetAlways SetMode = iota // no option: replace matches, or create the missing key
	SetNX                    // only create: never replace an existing value
	SetXX                    // only replace: never create
)

// Set is JSON.SET on an existing document doc (a missing key is the command's business:
// only the root path may create one, else ErrNewAtRoot). It returns the document, which
// is v itself when the path is the root, and how many places changed; JSON.SET replies
// OK when that is above zero and nil otherwise.
//
//   - The root: v replaces the document (not with SetNX, the document exists).
//   - Matches: each gets its own copy of v; a match inside another match is skipped,
//     since replacing the outer one replaces it (RedisJSON's rule). SetNX skips this.
//   - No match: with SetXX nothing happens. Otherwise the path must be static
//     (ErrNotStatic) and end with a key (ErrIndexOutOfRange); the key is added, last,
//     to the object its parent path names. A missing parent or one that is not an
//     object changes nothing.
func Set(doc any, p *Path, v any, mode SetMode) (any, int, error) {
	if p.IsRoot() {
		if mode == SetNX {
			return doc, 0, nil
		}
		return v, 1, nil
	}
	if mode != SetNX {
		refs := outermost(p.Locate(doc))
		if len(refs) > 0 {
			d := Depth(v)
			for _, r := range refs {
				if r.Depth()+d >= MaxDepth {
					return doc, 0, ErrTooDeep
				}
			}
			for i, r := range refs {
				val := v
				if i < len(refs)-1 {
					val = Clone(v)
				}
				doc = r.Replace(doc, val)
			}
			return doc, len(refs), nil
		}
		if mode == SetXX {
			return doc, 0, nil
		}
	}
	n, err := addLast(doc, p, v)
	return doc, n, err
}

// addLast creates the missing last key of a static path (JSON.SET and JSON.MERGE when
// nothing matched).
func addLast(doc any, p *Path, v any) (int, error) {
	if !p.Static() {
		return 0, ErrNotStatic
	}
	last := p.steps[len(p.steps)-1]
	if last.kind == stepIndexes {
		if len(p.Get(doc)) == 0 {
			return 0, ErrIndexOutOfRange
		}
		return 0, nil // it exists: JSON.SET NX on an element
	}
	parent := Path{steps: p.steps[:len(p.steps)-1], static: true}
	key := last.keys[0]
	n := 0
	for _, r := range parent.Locate(doc) {
		o, ok := r.Value().(*Object)
		if !ok || o.Has(key) {
			continue
		}
		if r.Depth()+1+Depth(v) >= MaxDepth {
			return n, ErrTooDeep
		}
		o.Set(key, v)
		n++
	}
	return n, nil
}

// Delete is JSON.DEL: it removes every match from its parent and returns how many were
// removed. A match inside another match is not counted (removing the outer one removes
// it), matches in one array go highest index first so positions stay right, and a
// location matched twice is removed once. dropKey tells the caller to delete the whole
// key, as RedisJSON does: when the path is the root (n is then 1) and when the document
// is left an empty object or array.
func Delete(doc any, p *Path) (n int, dropKey bool) {
	if p.IsRoot() {
		return 1, true
	}
	refs := outermost(p.Locate(doc))
	slices.SortStableFunc(refs, mutationOrder)
	for _, r := range refs {
		if r.Delete() {
			n++
		}
	}
	switch t := doc.(type) {
	case *Object:
		dropKey = n > 0 && t.Len() == 0
	case *Array:
		dropKey = n > 0 && t.Len() == 0
	}
	return n, dropKey
}

// mutationOrder is the order RedisJSON deletes matches in, which the result depends on:
// positions in one array go highest first so the others stay right, and since deleting an
// object member moves the last member into its place, the order of deletions in one
// object decides the final key order. RedisJSON compares locations step by step: a
// longer location first, then names in byte order before numbers, numbers highest first;
// an object key that is a plain decimal number counts as a number, as it does there.
func mutationOrder(a, b Ref) int {
	for i := 0; ; i++ {
		switch {
		case i == len(a.trail) && i == len(b.trail):
			return 0
		case i == len(b.trail):
			return -1
		case i == len(a.trail):
			return 1
		}
		x, xNum := a.trail[i].number()
		y, yNum := b.trail[i].number()
		switch {
		case xNum && yNum:
			if x != y {
				return cmp.Compare(y, x)
			}
		case xNum:
			return 1
		case yNum:
			return -1
		default:
			if c := strings.Compare(a.trail[i].key, b.trail[i].key); c != 0 {
				return c
			}
		}
	}
}

// number returns the step as a number when it is an index or a key RedisJSON would read
// as one (digits with an optional leading +, within 64 bits).
func (s seg) number() (uint64, bool) {
	if s.index >= 0 {
		return uint64(s.index), true
	}
	k := strings.TrimPrefix(s.key, "+")
	if k == "" || strings.TrimLeft(k, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(k, 10, 64)
	return n, err == nil
}

// outermost drops Refs that repeat another or lie inside another Ref's value.
func outermost(refs []Ref) []Ref {
	if len(refs) < 2 {
		return refs
	}
	seen := make(map[string]bool, len(refs))
	for _, r := range refs {
		seen[trailKey(r.trail)] = true
	}
	out := refs[:0]
	done := make(map[string]bool, len(refs))
	for _, r := range refs {
		k := trailKey(r.trail)
		if done[k] || insideAnother(r.trail, seen) {
			continue
		}
		done[k] = true
		out = append(out, r)
	}
	return out
}

func insideAnother(trail []seg, seen map[string]bool) bool {
	for i := range len(trail) {
		if seen[trailKey(trail[:i])] {
			return true
		}
	}
	return false
}

// trailKey encodes a trail as a map key; keys are quoted so no two trails collide.
func trailKey(trail []seg) string {
	var b strings.Builder
	for _, s := range trail {
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
		} else {
			b.WriteString(strconv.Quote(s.key))
		}
		b.WriteByte('/')
	}
	return b.String()
}

// Merge applies patch to dst as an RFC 7396 merge patch and returns the result. An object
// patch merges member by member into dst (in place when dst is an object, into a new
// object otherwise): a null member deletes the key, others merge recursively; any other
// patch replaces dst. patch's containers end up in the result: pass a Clone to keep it.
func Merge(dst, patch any) any {
	po, ok := patch.(*Object)
	if !ok {
		return patch
	}
	do, ok := dst.(*Object)
	if !ok {
		do = NewObject(po.Len())
	}
	for i, k := range po.keys {
		pv := po.vals[i]
		if pv == nil {
			do.Delete(k)
			continue
		}
		cur, _ := do.Get(k)
		do.Set(k, Merge(cur, pv))
	}
	return do
}

// MergeAt is JSON.MERGE on an existing document: patch is merged (Merge) into every
// match, in match order, each match getting its own copy; nested matches are merged too,
// after their ancestors. With no match it creates the last key of a static path exactly as
// Set does (the patch is added as is, nulls included, as in RedisJSON). It returns the
// document and how many places changed; JSON.MERGE replies OK when that is above zero.
func MergeAt(doc any, p *Path, patch any) (any, int, error) {
	if p.IsRoot() {
		return Merge(doc, patch), 1, nil
	}
	refs := p.Locate(doc)
	if len(refs) == 0 {
		n, err := addLast(doc, p, patch)
		return doc, n, err
	}
	d := Depth(patch)
	for _, r := range refs {
		if r.Depth()+d >= MaxDepth {
			return doc, 0, ErrTooDeep
		}
	}
	for _, r := range refs {
		doc = r.Replace(doc, Merge(r.Value(), Clone(patch)))
	}
	return doc, len(refs), nil
}
