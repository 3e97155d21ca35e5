package jsonpath

import (
	"fmt"
	"iter"
	"slices"

	"github.com/ohler55/ojg/jp"
)

// MaxDepth is RedisJSON's nesting limit. Parse rejects documents nested MaxDepth deep
// (serde_json's recursion limit, so 127 levels parse), and Set and MergeAt refuse a value
// whose depth plus the depth of its location would reach it.
const MaxDepth = 128

// indexAbove is the object size past which an Object keeps a key → position map; below
// it a linear scan over a few keys is faster than hashing.
const indexAbove = 16

// Object is a JSON object that keeps its keys in insertion order, as RedisJSON does.
// Setting an existing key keeps its place; a new key goes last; deleting a key moves the
// last key into the freed place (RedisJSON's object is a swap-remove table: deleting "c"
// from {"c":1,"e":2,"h":3} gives {"h":3,"e":2}). The zero value is an empty object.
type Object struct {
	keys  []string
	vals  []any
	index map[string]int // position of each key; nil while len(keys) <= indexAbove
}

// NewObject returns an empty object with room for n members.
func NewObject(n int) *Object {
	return &Object{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

// Len returns the number of members.
func (o *Object) Len() int { return len(o.keys) }

func (o *Object) find(key string) int {
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			return i
		}
		return -1
	}
	for i, k := range o.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Get returns the value of key and whether the key exists.
func (o *Object) Get(key string) (any, bool) {
	if i := o.find(key); i >= 0 {
		return o.vals[i], true
	}
	return nil, false
}

// Has reports whether key exists.
func (o *Object) Has(key string) bool { return o.find(key) >= 0 }

// Set sets key to v: in place when the key exists, as the last member otherwise.
func (o *Object) Set(key string, v any) {
	if i := o.find(key); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
	switch {
	case o.index != nil:
		o.index[key] = len(o.keys) - 1
	case len(o.keys) > indexAbove:
		o.index = make(map[string]int, len(o.keys)*2)
		for i, k := range o.keys {
			o.index[k] = i
		}
	}
}

// Delete removes key and reports whether it existed. The last member takes the deleted
// member's place (see Object).
func (o *Object) Delete(key string) bool {
	i := o.find(key)
	if i < 0 {
		return false
	}
	last := len(o.keys) - 1
	if i != last {
		o.keys[i], o.vals[i] = o.keys[last], o.vals[last]
		if o.index != nil {
			o.index[o.keys[i]] = i
		}
	}
	o.keys[last], o.vals[last] = "", nil // let the collector have them
	o.keys, o.vals = o.keys[:last], o.vals[:last]
	if o.index != nil {
		delete(o.index, key)
	}
	return true
}

// Clear removes every member (JSON.CLEAR).
func (o *Object) Clear() {
	clear(o.keys)
	clear(o.vals)
	o.keys, o.vals, o.index = o.keys[:0], o.vals[:0], nil
}

// KeyAt and ValueAt return the i-th member, 0 <= i < Len(), in order.
func (o *Object) KeyAt(i int) string { return o.keys[i] }

// ValueAt returns the value of the i-th member.
func (o *Object) ValueAt(i int) any { return o.vals[i] }

// All iterates over the members in order. The object must not change during the loop.
func (o *Object) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for i, k := range o.keys {
			if !yield(k, o.vals[i]) {
				return
			}
		}
	}
}

// Keys returns a copy of the keys in order (JSON.OBJKEYS). It also implements jp.Keyed.
func (o *Object) Keys() []string { return slices.Clone(o.keys) }

// ValueForKey implements jp.Keyed.
func (o *Object) ValueForKey(key string) (any, bool) { return o.Get(key) }

// SetValueForKey implements jp.Keyed.
func (o *Object) SetValueForKey(key string, v any) { o.Set(key, v) }

// RemoveValueForKey implements jp.Keyed.
func (o *Object) RemoveValueForKey(key string) { o.Delete(key) }

// Array is a JSON array. It is a pointer type so that commands such as JSON.ARRAPPEND can
// change an array found by a path without knowing where it is stored. The zero value is
// an empty array.
type Array struct {
	elems []any
}

// NewArray returns an array holding vals; the array takes ownership of the slice.
func NewArray(vals ...any) *Array { return &Array{elems: vals} }

// Len returns the number of elements.
func (a *Array) Len() int { return len(a.elems) }

// At returns element i, 0 <= i < Len().
func (a *Array) At(i int) any { return a.elems[i] }

// Set replaces element i, 0 <= i < Len().
func (a *Array) Set(i int, v any) { a.elems[i] = v }

// Values returns the elements. The slice is the array's own storage: read it or assign
// its elements, but do not append to it or keep it across changes to the array.
func (a *Array) Values() []any { return a.elems }

// Append adds vals at the end (JSON.ARRAPPEND).
func (a *Array) Append(vals ...any) { a.elems = append(a.elems, vals...) }

// Insert inserts vals before element i, 0 <= i <= Len() (JSON.ARRINSERT).
func (a *Array) Insert(i int, vals ...any) { a.elems = slices.Insert(a.elems, i, vals...) }

// RemoveAt removes and returns element i, 0 <= i < Len() (JSON.ARRPOP), shifting the
// later elements down.
func (a *Array) RemoveAt(i int) any {
	v := a.elems[i]
	a.elems = slices.Delete(a.elems, i, i+1)
	return v
}

// Keep keeps elements [start, end) and drops the rest (JSON.ARRTRIM once the command has
// normalised its bounds); 0 <= start <= end <= Len().
func (a *Array) Keep(start, end int) {
	n := copy(a.elems, a.elems[start:end])
	clear(a.elems[n:])
	a.elems = a.elems[:n]
}

// Clear removes every element (JSON.CLEAR).
func (a *Array) Clear() { a.Keep(0, 0) }

// ValueAtIndex implements jp.Indexed.
func (a *Array) ValueAtIndex(i int) any {
	if i < 0 || i >= len(a.elems) {
		return nil
	}
	return a.elems[i]
}

// SetValueAtIndex implements jp.Indexed.
func (a *Array) SetValueAtIndex(i int, v any) {
	if i >= 0 && i < len(a.elems) {
		a.elems[i] = v
	}
}

// Size implements jp.Indexed: the number of elements (not bytes; see MemSize).
func (a *Array) Size() int { return len(a.elems) }

// RemoveValueAtIndex implements jp.RemovableIndexed.
func (a *Array) RemoveValueAtIndex(i int) {
	if i >= 0 && i < len(a.elems) {
		a.RemoveAt(i)
	}
}

var (
	_ jp.Keyed            = (*Object)(nil)
	_ jp.RemovableIndexed = (*Array)(nil)
)

// TypeName returns RedisJSON's name for the type of v, as JSON.TYPE replies it: object,
// array, string, integer, number, boolean or null.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case int64:
		return "integer"
	case float64:
		return "number"
	case string:
		return "string"
	case *Array:
		return "array"
	case *Object:
		return "object"
	}
	panic(fmt.Sprintf("jsonpath: %T is not a document value", v))
}

// Clone returns a deep copy of v.
func Clone(v any) any {
	switch t := v.(type) {
	case *Object:
		c := &Object{keys: slices.Clone(t.keys), vals: make([]any, len(t.vals))}
		for i, e := range t.vals {
			c.vals[i] = Clone(e)
		}
		if t.index != nil {
			c.index = make(map[string]int, len(c.keys))
			for i, k := range c.keys {
				c.index[k] = i
			}
		}
		return c
	case *Array:
		c := &Array{elems: make([]any, len(t.elems))}
		for i, e := range t.elems {
			c.elems[i] = Clone(e)
		}
		return c
	}
	return v
}

// Equal reports whether a and b are the same JSON value the way RedisJSON compares
// values: integers and numbers never equal each other (1 ≠ 1.0), objects are equal when
// they have the same members in any order.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case *Object:
		y, ok := b.(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			yv, ok := y.Get(k)
			if !ok || !Equal(x.vals[i], yv) {
				return false
			}
		}
		return true
	case *Array:
		y, ok := b.(*Array)
		return ok && slices.EqualFunc(x.elems, y.elems, Equal)
	case nil:
		return b == nil
	case bool, int64, float64, string:
		return a == b
	}
	return false
}

// Depth returns how deeply v nests: 0 for a scalar, 1 + the deepest member for an array
// or object (RedisJSON's measure for MaxDepth).
func Depth(v any) int {
	d := 0
	switch t := v.(type) {
	case *Object:
		for _, e := range t.vals {
			d = max(d, Depth(e))
		}
		return d + 1
	case *Array:
		for _, e := range t.elems {
			d = max(d, Depth(e))
		}
		return d + 1
	}
	return 0
}

// Estimated Go memory costs, in bytes, used by MemSize.
const (
	ifaceBytes     = 16 // an interface slot in a slice or variable
	boxedWordBytes = 8  // an int64 or float64 boxed in an interface
	stringHdrBytes = 16
	sliceHdrBytes  = 24
	mapEntryBytes  = 48 // a map[string]int entry with its share of buckets
)

// MemSize estimates the bytes v occupies in memory, counting the interface slot that
// holds it, for memory accounting and JSON.DEBUG MEMORY. It is an estimate of Go's
// layout, not RedisJSON's (whose figures differ).
func MemSize(v any) int {
	switch t := v.(type) {
	case int64, float64:
		return ifaceBytes + boxedWordBytes
	case string:
		return ifaceBytes + stringHdrBytes + len(t)
	case *Array:
		n := ifaceBytes + sliceHdrBytes + (cap(t.elems)-len(t.elems))*ifaceBytes
		for _, e := range t.elems {
			n += MemSize(e)
		}
		return n
	case *Object:
		n := ifaceBytes + 2*sliceHdrBytes + 8
		n += (cap(t.keys) - len(t.keys)) * stringHdrBytes
		n += (cap(t.vals) - len(t.vals)) * ifaceBytes
		for i, k := range t.keys {
			n += stringHdrBytes + len(k) + MemSize(t.vals[i])
		}
		if t.index != nil {
			n += len(t.index) * mapEntryBytes
		}
		return n
	}
	return ifaceBytes
}
