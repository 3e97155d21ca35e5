package jsonpath

import (
	"fmt"
	"math"
	"strconv"
)

// Format is JSON.GET's layout options. The zero Format is compact JSON. Newline is written
// before every member or element and before the closing bracket of a non-empty container,
// Indent once per nesting level after each such newline, Space after every colon; empty
// containers stay "{}" and "[]". Indent without Newline still indents, as RedisJSON does.
type Format struct {
	Indent  string
	Newline string
	Space   string
}

// Serialize returns v as compact JSON, as JSON.GET without options prints it. v is a
// document value; a []any (such as the result of Path.Get) prints as an array.
func Serialize(v any) []byte { return AppendJSON(nil, v, Format{}) }

// Serialize returns v laid out with f.
func (f Format) Serialize(v any) []byte { return AppendJSON(nil, v, f) }

// AppendJSON appends v laid out with f to dst. Numbers print as RedisJSON (serde_json with
// ryu) prints them: integers plainly, floats always with a fraction or an exponent
// (FormatFloat); strings are escaped as serde_json does (AppendString).
func AppendJSON(dst []byte, v any, f Format) []byte {
	w := writer{buf: dst, f: f, pretty: f != Format{}}
	w.value(v, 0)
	return w.buf
}

type writer struct {
	buf    []byte
	f      Format
	pretty bool
}

// newline starts a new line at nesting level depth.
func (w *writer) newline(depth int) {
	w.buf = append(w.buf, w.f.Newline...)
	for range depth {
		w.buf = append(w.buf, w.f.Indent...)
	}
}

func (w *writer) value(v any, depth int) {
	switch t := v.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case bool:
		w.buf = strconv.AppendBool(w.buf, t)
	case int64:
		w.buf = strconv.AppendInt(w.buf, t, 10)
	case float64:
		w.buf = appendFloat(w.buf, t)
	case string:
		w.buf = AppendString(w.buf, t)
	case *Array:
		w.list(t.elems, depth)
	case []any:
		w.list(t, depth)
	case *Object:
		w.object(t, depth)
	default:
		panic(fmt.Sprintf("jsonpath: %T is not a document value", v))
	}
}

func (w *writer) list(elems []any, depth int) {
	w.buf = append(w.buf, '[')
	for i, e := range elems {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if w.pretty {
			w.newline(depth + 1)
		}
		w.value(e, depth+1)
	}
	if w.pretty && len(elems) > 0 {
		w.newline(depth)
	}
	w.buf = append(w.buf, ']')
}

func (w *writer) object(o *Object, depth int) {
	w.buf = append(w.buf, '{')
	for i, k := range o.keys {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if w.pretty {
			w.newline(depth + 1)
		}
		w.buf = AppendString(w.buf, k)
		w.buf = append(w.buf, ':')
		w.buf = append(w.buf, w.f.Space...)
		w.value(o.vals[i], depth+1)
	}
	if w.pretty && len(o.keys) > 0 {
		w.newline(depth)
	}
	w.buf = append(w.buf, '}')
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string the way serde_json writes it: `"` and `\`
// escaped, \b \f \n \r \t short, other control characters as \u00xx, everything else
// (including / and non-ASCII) as is.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// FormatFloat returns f as RedisJSON prints a float: the shortest digits that read back
// as f, laid out as Rust's ryu does it: 3.0, 0.1, 1e20, 1.5e300, 1e-7, -0.0. NaN and
// infinities, which JSON cannot hold, print as null (serde_json's choice).
func FormatFloat(f float64) string { return string(appendFloat(nil, f)) }

func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	// strconv gives the shortest round-trip digits as d.ddde±x; ryu chooses the same
	// digits, only its layout differs, so take the digits and exponent and lay them out.
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	if e[0] == '-' {
		dst = append(dst, '-')
		e = e[1:]
	}
	var digits [24]byte
	n := 0
	i := 0
	for ; e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits[n] = e[i]
			n++
		}
	}
	exp, _ := strconv.Atoi(string(e[i+1:]))
	return layoutRyu(dst, digits[:n], exp+1)
}

// layoutRyu writes digits × 10^(kk-len(digits)) the way ryu's format64 does; kk is the
// position of the decimal point relative to the first digit.
func layoutRyu(dst, digits []byte, kk int) []byte {
	length := len(digits)
	switch k := kk - length; {
	case k >= 0 && kk <= 16: // 1234e7 -> 12340000000.0
		dst = append(dst, digits...)
		for range k {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	case kk > 0 && kk <= 16: // 1234e-2 -> 12.34
		dst = append(dst, digits[:kk]...)
		dst = append(dst, '.')
		return append(dst, digits[kk:]...)
	case kk > -5 && kk <= 0: // 1234e-6 -> 0.001234
		dst = append(dst, '0', '.')
		for range -kk {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	case length == 1: // 1e30
		dst = append(dst, digits[0], 'e')
	default: // 1234e30 -> 1.234e33
		dst = append(dst, digits[0], '.')
		dst = append(dst, digits[1:]...)
		dst = append(dst, 'e')
	}
	return strconv.AppendInt(dst, int64(kk-1), 10)
}
