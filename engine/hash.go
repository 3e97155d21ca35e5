package engine

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"

	"darner/engine/dict"
)

// Hash encodings follow Redis: a small hash is a flat list of pairs kept in insertion order
// (Redis' listpack, whose order HGETALL shows and clients' tests rely on); it becomes a hash
// table once it holds more than HashListpackEntries() fields or a field or value longer than
// HashListpackValue() bytes (both settable, see config.go), and never goes back.

type hashPair struct {
	field string
	value []byte
}

// Hash is a hash value: fields to byte strings.
type Hash struct {
	small []hashPair         // listpack encoding; nil once big is set
	big   *dict.Dict[[]byte] // hashtable encoding
	bytes int64              // sum of field and value lengths, for Size
}

// NewHash returns an empty hash.
func NewHash() *Hash { return &Hash{} }

// NewHashSize returns an empty hash with room for n fields in its small encoding, when n
// fields fit it (a snapshot's loader knows how many come).
func NewHashSize(n int) *Hash {
	if n <= 0 || n > HashListpackEntries() {
		return &Hash{}
	}
	return &Hash{small: make([]hashPair, 0, n)}
}

// Type implements Value.
func (h *Hash) Type() Type { return TypeHash }

// Size implements Value.
func (h *Hash) Size() int64 { return h.bytes + int64(h.Len())*32 + 48 }

// Clone implements Value.
func (h *Hash) Clone() Value {
	c := &Hash{bytes: h.bytes}
	if h.big == nil {
		c.small = make([]hashPair, len(h.small))
		for i, p := range h.small {
			c.small[i] = hashPair{p.field, append([]byte(nil), p.value...)}
		}
		return c
	}
	c.big = dict.New[[]byte](h.big.Len())
	h.big.Range(func(k string, v *[]byte) bool {
		c.big.Set(k, append([]byte(nil), (*v)...))
		return true
	})
	return c
}

// Encoding names the representation as OBJECT ENCODING does.
func (h *Hash) Encoding() string {
	if h.big == nil {
		return "listpack"
	}
	return "hashtable"
}

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.big == nil {
		return len(h.small)
	}
	return h.big.Len()
}

// Get returns the value of field; the slice must not be modified.
func (h *Hash) Get(field string) ([]byte, bool) {
	if h.big == nil {
		for i := range h.small {
			if h.small[i].field == field {
				return h.small[i].value, true
			}
		}
		return nil, false
	}
	v, ok := h.big.Get(field)
	if !ok {
		return nil, false
	}
	return *v, true
}

// Set stores a copy of value under field (copying field too, when it is new) and reports
// whether the field is new. An existing field's buffer is reused when value fits it (see
// reuseBytes).
func (h *Hash) Set(field string, value []byte) bool {
	if h.big == nil && (len(field) > HashListpackValue() || len(value) > HashListpackValue()) {
		h.convert()
	}
	if h.big == nil {
		for i := range h.small {
			if h.small[i].field == field {
				h.bytes += int64(len(value) - len(h.small[i].value))
				h.small[i].value = reuseBytes(h.small[i].value, value)
				return false
			}
		}
		// The field is copied: callers may pass a string aliasing their argument bytes.
		h.small = append(h.small, hashPair{strings.Clone(field), append([]byte(nil), value...)})
		h.bytes += int64(len(field) + len(value))
		if len(h.small) > HashListpackEntries() {
			h.convert()
		}
		return true
	}
	v, inserted := h.big.Upsert(field)
	if inserted {
		h.bytes += int64(len(field))
	}
	h.bytes += int64(len(value) - len(*v))
	*v = reuseBytes(*v, value)
	return inserted
}

// reuseBytes returns a copy of b, written over old when old's buffer fits b and is not much
// larger (so a small value does not pin a large buffer). Values are only read under their
// shard's lock and copied out into replies, so overwriting them in place is safe.
func reuseBytes(old, b []byte) []byte {
	if cap(old) >= len(b) && cap(old) <= 2*len(b)+64 {
		return append(old[:0], b...)
	}
	return append([]byte(nil), b...)
}

// Delete removes field and reports whether it was there.
func (h *Hash) Delete(field string) bool {
	if h.big == nil {
		for i := range h.small {
			if h.small[i].field == field {
				h.bytes -= int64(len(field) + len(h.small[i].value))
				last := len(h.small) - 1
				copy(h.small[i:], h.small[i+1:])
				// Clear the vacated slot so the backing array does not keep the value alive.
				h.small[last] = hashPair{}
				h.small = h.small[:last]
				return true
			}
		}
		return false
	}
	old, ok := h.big.Delete(field)
	if ok {
		h.bytes -= int64(len(field) + len(old))
	}
	return ok
}

// Range calls fn for every field in the hash's order until fn returns false.
func (h *Hash) Range(fn func(field string, value []byte) bool) {
	if h.big == nil {
		for _, p := range h.small {
			if !fn(p.field, p.value) {
				return
			}
		}
		return
	}
	h.big.Range(func(k string, v *[]byte) bool { return fn(k, *v) })
}

// Scan visits part of the hash for HSCAN and returns the next cursor (0 when done). A
// listpack-encoded hash is returned whole in one call, whatever the cursor, as Redis does.
// A hashtable-encoded one is walked bucket by bucket until count fields were visited or,
// as Redis bounds it, 10*count buckets were looked at, so a sparse table cannot make one
// call walk it all.
func (h *Hash) Scan(cursor uint64, count int, fn func(field string, value []byte)) uint64 {
	if h.big == nil {
		for _, p := range h.small {
			fn(p.field, p.value)
		}
		return 0
	}
	count = max(count, 1)
	maxSteps := math.MaxInt
	if count < math.MaxInt/10 {
		maxSteps = 10 * count
	}
	seen := 0
	for steps := 0; steps < maxSteps; steps++ {
		cursor = h.big.Scan(cursor, func(k string, v *[]byte) {
			seen++
			fn(k, *v)
		})
		if cursor == 0 || seen >= count {
			break
		}
	}
	return cursor
}

// Random returns a random field and its value (HRANDFIELD); the hash must not be empty.
// src supplies the randomness; nil uses math/rand/v2's generator (see dict.Random).
func (h *Hash) Random(src rand.Source) (string, []byte) {
	if h.big == nil {
		p := h.small[randN(src, len(h.small))]
		return p.field, p.value
	}
	k, v, _ := h.big.Random(src)
	return k, *v
}

// RandomDistinct calls fn for count distinct fields picked at random (HRANDFIELD with a
// positive count); count must be below Len. When count is a large part of the hash (always
// for a listpack), one pass of selection sampling (Knuth's algorithm S) picks them in the
// hash's order, as Redis does for a listpack; otherwise random picks are drawn until count
// distinct ones were found, which takes O(count) expected draws.
func (h *Hash) RandomDistinct(src rand.Source, count int, fn func(field string, value []byte)) {
	n := h.Len()
	if h.big == nil || count*3 > n {
		need := count
		left := n
		h.Range(func(f string, v []byte) bool {
			if randN(src, left) < need {
				fn(f, v)
				need--
			}
			left--
			return need > 0
		})
		return
	}
	picked := make(map[string]struct{}, count)
	for len(picked) < count {
		k, v, _ := h.big.Random(src)
		if _, dup := picked[k]; dup {
			continue
		}
		picked[k] = struct{}{}
		fn(k, *v)
	}
}

// randN returns a uniform int in [0, n) drawn from src, or from math/rand/v2 when src is nil.
func randN(src rand.Source, n int) int {
	if src == nil {
		return rand.IntN(n)
	}
	hi, _ := bits.Mul64(src.Uint64(), uint64(n))
	return int(hi)
}

func (h *Hash) convert() {
	h.big = dict.New[[]byte](len(h.small) * 2)
	for _, p := range h.small {
		h.big.Set(p.field, p.value)
	}
	h.small = nil
}
