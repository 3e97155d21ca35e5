package engine

import "errors"

// Type is the kind of value a key holds.
type Type uint8

// The value types darner stores.
const (
	TypeString Type = iota + 1
	TypeHash
	TypeJSON
	TypeSuggest
)

// String returns the name TYPE replies with ("ReJSON-RL" is RedisJSON's module type name,
// which clients pass to SCAN … TYPE; "trietype0" RediSearch's for suggestion dictionaries).
func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeHash:
		return "hash"
	case TypeJSON:
		return "ReJSON-RL"
	case TypeSuggest:
		return "trietype0"
	}
	return "none"
}

// ErrWrongType is returned when a command meets a key holding another type.
var ErrWrongType = errors.New("wrong type")

// Value is what a key holds. Implementations are mutated in place only under their shard's
// write lock, followed by View.Modified.
type Value interface {
	Type() Type
	// Size is the value's approximate memory in bytes; it must be cheap (O(1) or
	// proportional to what a write just touched), as it is asked after every write.
	Size() int64
	// Clone returns a deep copy (COPY, and values that outlive their key).
	Clone() Value
}

// Str is a string value: any bytes.
type Str struct{ B []byte }

// NewStr makes a string value holding a copy of b.
func NewStr(b []byte) *Str { return &Str{B: append([]byte(nil), b...)} }

// Type implements Value.
func (s *Str) Type() Type { return TypeString }

// Size implements Value.
func (s *Str) Size() int64 { return int64(cap(s.B)) + 16 }

// Clone implements Value.
func (s *Str) Clone() Value { return NewStr(s.B) }
