package vectors

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Type is a vector field's element type.
type Type uint8

// The element types RediSearch knows for FLAT and HNSW fields.
const (
	Float32 Type = iota
	Float64
	Float16
	BFloat16
)

var typeNames = [...]string{Float32: "FLOAT32", Float64: "FLOAT64", Float16: "FLOAT16", BFloat16: "BFLOAT16"}

// ParseType reads a TYPE argument, in any case.
func ParseType(s string) (Type, bool) {
	for t, n := range typeNames {
		if strings.EqualFold(s, n) {
			return Type(t), true
		}
	}
	return 0, false
}

func (t Type) String() string { return typeNames[t] }

// Width is the size of one element in a blob, in bytes.
func (t Type) Width() int {
	switch t {
	case Float64:
		return 8
	case Float16, BFloat16:
		return 2
	}
	return 4
}

// Errors of Decode and FromFloat64s.
var (
	ErrLength    = errors.New("vector has the wrong number of elements")
	ErrNotFinite = errors.New("vector holds NaN or infinity")
)

// Decode reads a little-endian blob of dim elements of type t into dst (grown as needed).
// A blob of another length, or an element that is NaN or infinite, is an error.
func Decode(t Type, blob []byte, dim int, dst []float32) ([]float32, error) {
	if len(blob) != dim*t.Width() {
		return dst, fmt.Errorf("%w: %d bytes, want %d (%d × %s)", ErrLength, len(blob), dim*t.Width(), dim, t)
	}
	dst = dst[:0]
	for i := range dim {
		var x float32
		switch t {
		case Float32:
			x = math.Float32frombits(binary.LittleEndian.Uint32(blob[4*i:]))
		case Float64:
			x = float32(math.Float64frombits(binary.LittleEndian.Uint64(blob[8*i:])))
		case Float16:
			x = halfToFloat32(binary.LittleEndian.Uint16(blob[2*i:]))
		case BFloat16:
			x = math.Float32frombits(uint32(binary.LittleEndian.Uint16(blob[2*i:])) << 16)
		}
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return dst, ErrNotFinite
		}
		dst = append(dst, x)
	}
	return dst, nil
}

// FromFloat64s converts a JSON array's numbers into dst, as elements of type t (rounded to
// what t can hold, as a blob of t would be).
func FromFloat64s(t Type, xs []float64, dim int, dst []float32) ([]float32, error) {
	if len(xs) != dim {
		return dst, fmt.Errorf("%w: %d, want %d", ErrLength, len(xs), dim)
	}
	dst = dst[:0]
	for _, x := range xs {
		f := float32(x)
		switch t {
		case Float16:
			f = halfToFloat32(float32ToHalf(f))
		case BFloat16:
			f = math.Float32frombits(float32ToBFloat(f))
		}
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return dst, ErrNotFinite
		}
		dst = append(dst, f)
	}
	return dst, nil
}

// halfToFloat32 widens an IEEE 754 half-precision number.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalize
		e := uint32(127 - 15 + 1)
		for frac&0x400 == 0 {
			frac <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (frac&0x3ff)<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// float32ToHalf narrows to half precision, rounding to nearest even; out of range is
// infinity.
func float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23&0xff) - 127 + 15
	frac := b & 0x7fffff
	switch {
	case b&0x7fffffff > 0x7f800000: // NaN
		return sign | 0x7e00
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0: // subnormal or zero
		if exp < -10 {
			return sign
		}
		frac |= 0x800000
		shift := uint32(14 - exp)
		half := uint16(frac >> shift)
		rem := frac & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | half
	}
	half := sign | uint16(exp)<<10 | uint16(frac>>13)
	rem := frac & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // may carry into the exponent, which is right
	}
	return half
}

// float32ToBFloat keeps the upper 16 bits, rounding to nearest even, as bits of a float32.
func float32ToBFloat(f float32) uint32 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return b | 0x400000 // a quiet NaN stays NaN
	}
	b += 0x7fff + (b>>16)&1
	return b &^ 0xffff
}
