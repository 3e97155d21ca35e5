package server

import (
	"bytes"
	"math"
	"math/big"
	"strings"
)

// Number parsing and formatting exactly as Redis does it, since clients see the edges: which
// strings count as integers, which floats INCRBYFLOAT accepts, and how its result is printed.

// parseInt parses b as Redis' string2ll: an optional '-', then decimal digits without
// leading zeros ("0" alone excepted), no '+', no spaces, at most 20 bytes, within int64.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) >= 21 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	v, ok := parseDigits(b)
	if !ok {
		return 0, false
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true // -v wraps to the right value, MinInt64 included
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// parseCursor parses a SCAN-family cursor as Redis 7.4's string2ull: a non-negative
// string2ll number, or else whatever C's strtoull takes whole (leading spaces, a sign,
// decimal digits; a negative number wraps around). The C string ends at the first NUL.
// Redis 7.0 used strtoul alone, which also took "-1" and "" but not " 1".
func parseCursor(b []byte) (uint64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if n, ok := parseInt(b); ok {
		if n < 0 {
			return 0, false
		}
		return uint64(n), true
	}
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	v, ok := parseDigits(b[i:])
	if !ok {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseDigits parses b, which must be one or more decimal digits, as a uint64 that must
// not overflow: the common tail of string2ll and strtoull.
func parseDigits(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

func isCSpace(c byte) bool { return c == ' ' || ('\t' <= c && c <= '\r') }

// Redis computes INCRBYFLOAT and HINCRBYFLOAT in C's long double, which on x86-64 is the
// 80-bit x87 format: a 64-bit mantissa and a 15-bit exponent. A big.Float of precision 64
// rounds exactly as the x87 unit does (to nearest, ties to even), so sums agree bit for bit
// with Redis and 10.5 + 0.1 shows as "10.6"; only the exponent range has to be imposed by
// hand (big.Float's convention: mantissa in [0.5, 1)). Subnormal long doubles (below
// 2^-16382) keep full precision here, a difference no realistic input reaches.
const (
	ldPrec     = 64
	ldMaxExp   = 16384  // |x| >= 2^16384 overflows to infinity
	ldMinExp   = -16444 // below the least subnormal, 2^-16445, strtold gives 0 and ERANGE
	ldMaxChars = 5 * 1024
)

// parseLongDouble parses b as Redis' string2ld: the syntax C's strtold accepts (decimal or
// 0x hexadecimal, optional exponent, "inf"/"infinity" in any case, an optional sign), the
// whole string, no leading space, no NaN, and no value that overflows or underflows to zero.
func parseLongDouble(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars {
		return nil, false
	}
	s := string(b)
	neg := s[0] == '-'
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	f := new(big.Float).SetPrec(ldPrec)
	switch {
	case strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity"):
		return f.SetInf(neg), true
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		if !parseHexFloat(f, s[2:]) {
			return nil, false
		}
	default:
		if !parseDecFloat(f, s) {
			return nil, false
		}
	}
	if f.Sign() != 0 {
		if e := f.MantExp(nil); e > ldMaxExp || e < ldMinExp {
			return nil, false
		}
	}
	if neg {
		f.Neg(f)
	}
	return f, true
}

// splitMantissa splits s into the digits of a mantissa (digits, optional '.', digits; at
// least one digit) and the rest. It returns the digits without the point and how many came
// after it.
func splitMantissa(s string, isDigit func(byte) bool) (digits string, frac int, rest string, ok bool) {
	var sb strings.Builder
	point := false
	for i := 0; i < len(s); i++ {
		switch {
		case isDigit(s[i]):
			sb.WriteByte(s[i])
			if point {
				frac++
			}
		case s[i] == '.' && !point:
			point = true
		default:
			return sb.String(), frac, s[i:], sb.Len() > 0
		}
	}
	return sb.String(), frac, "", sb.Len() > 0
}

// parseExponent parses "[sign]digits", which must make up all of s. Huge exponents are
// clamped: that keeps the arithmetic small and still over- or underflows any mantissa.
func parseExponent(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		if !isDecDigit(s[i]) {
			return 0, false
		}
		e = min(e*10+int(s[i]-'0'), 1_000_000)
	}
	if neg {
		e = -e
	}
	return e, true
}

func isDecDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool {
	return isDecDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// splitFloat splits s, all of it, into a mantissa's digits (written with isDigit), how many
// of them came after the point, and the exponent, which is optional and follows the
// letter mark in either case ('e' for decimal, 'p' for hexadecimal).
func splitFloat(s string, isDigit func(byte) bool, mark byte) (digits string, frac, exp int, ok bool) {
	digits, frac, rest, ok := splitMantissa(s, isDigit)
	if !ok {
		return "", 0, 0, false
	}
	if rest != "" {
		if rest[0] != mark && rest[0] != mark-('a'-'A') {
			return "", 0, 0, false
		}
		if exp, ok = parseExponent(rest[1:]); !ok {
			return "", 0, 0, false
		}
	}
	return digits, frac, exp, true
}

func parseDecFloat(f *big.Float, s string) bool {
	digits, frac, exp, ok := splitFloat(s, isDecDigit, 'e')
	if !ok {
		return false
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		f.SetInt64(0)
		return true
	}
	exp -= frac
	// The value lies in [10^(exp+n-1), 10^(exp+n)); far outside the long double range
	// (about 3.6e-4951 to 1.2e4932) there is no need to compute 10^exp.
	n := len(digits)
	if exp+n-1 > 4933 || exp+n < -4952 {
		return false
	}
	m, _ := new(big.Int).SetString(digits, 10)
	r := new(big.Rat).SetInt(m)
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(exp, -exp))), nil))
	if exp >= 0 {
		r.Mul(r, p)
	} else {
		r.Quo(r, p)
	}
	f.SetRat(r) // exact value, rounded once to 64 bits: correctly rounded, as glibc's strtold
	return true
}

func parseHexFloat(f *big.Float, s string) bool {
	digits, frac, exp, ok := splitFloat(s, isHexDigit, 'p')
	if !ok {
		return false
	}
	m, _ := new(big.Int).SetString(digits, 16)
	f.SetInt(m)
	if f.Sign() != 0 {
		f.SetMantExp(f, exp-4*frac)
	}
	return true
}

// addLongDouble returns a+b rounded as a long double, or false when the sum is infinite or
// NaN (INCRBYFLOAT's "increment would produce NaN or Infinity").
func addLongDouble(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	sum := new(big.Float).SetPrec(ldPrec).Add(a, b)
	if sum.Sign() != 0 && sum.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return sum, true
}

// formatLongDouble prints f as Redis' ld2string in its human mode: "%.17Lf", then trailing
// zeros and a trailing point dropped, and "-0" written "0". So 10.5 is "10.5", 3e3 is
// "3000", 1e20 is written with its 21 digits, and 0.1+0.2 is "0.3" (the long double sum
// rounds to it at 17 decimals).
func formatLongDouble(f *big.Float) string {
	s := f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
