package engine

import "darner/engine/dict"

// Hash encodings follow Redis: a small hash is a flat list of pairs kept in insertion order
// (Redis' listpack, whose order HGETALL shows and clients' tests rely on); it becomes a hash
// table once it holds more than HashMaxListpackEntries fields or a field or value longer than
// HashMaxListpackValue bytes, and never goes back.
var (
	HashMaxListpackEntries = 128
	HashMaxListpackValue   = 64
)

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

// Set stores a copy of value under field and reports whether the field is new.
func (h *Hash) Set(field string, value []byte) bool {
	value = append([]byte(nil), value...)
	if h.big == nil && (len(field) > HashMaxListpackValue || len(value) > HashMaxListpackValue) {
		h.convert()
	}
	if h.big == nil {
		for i := range h.small {
			if h.small[i].field == field {
				h.bytes += int64(len(value) - len(h.small[i].value))
				h.small[i].value = value
				return false
			}
		}
		h.small = append(h.small, hashPair{field, value})
		h.bytes += int64(len(field) + len(value))
		if len(h.small) > HashMaxListpackEntries {
			h.convert()
		}
		return true
	}
	v, inserted := h.big.Upsert(field)
	if inserted {
		h.bytes += int64(len(field))
	}
	h.bytes += int64(len(value) - len(*v))
	*v = value
	return inserted
}

// Delete removes field and reports whether it was there.
func (h *Hash) Delete(field string) bool {
	if h.big == nil {
		for i := range h.small {
			if h.small[i].field == field {
				h.bytes -= int64(len(field) + len(h.small[i].value))
				h.small = append(h.small[:i], h.small[i+1:]...)
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
// listpack-encoded hash is returned whole in one call, as Redis does.
func (h *Hash) Scan(cursor uint64, count int, fn func(field string, value []byte)) uint64 {
	if h.big == nil {
		for _, p := range h.small {
			fn(p.field, p.value)
		}
		return 0
	}
	seen := 0
	for {
		cursor = h.big.Scan(cursor, func(k string, v *[]byte) {
			seen++
			fn(k, *v)
		})
		if cursor == 0 || seen >= count {
			return cursor
		}
	}
}

// Nth returns the i-th field in iteration order (for HRANDFIELD); i must be < Len. A
// hashtable-encoded hash answers in O(i); HRANDFIELD asks in O(count) anyway.
func (h *Hash) Nth(i int) (string, []byte) {
	if h.big == nil {
		return h.small[i].field, h.small[i].value
	}
	var f string
	var val []byte
	h.big.Range(func(k string, v *[]byte) bool {
		if i == 0 {
			f, val = k, *v
			return false
		}
		i--
		return true
	})
	return f, val
}

func (h *Hash) convert() {
	h.big = dict.New[[]byte](len(h.small) * 2)
	for _, p := range h.small {
		h.big.Set(p.field, p.value)
	}
	h.small = nil
}
