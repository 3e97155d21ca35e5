package expr

import (
	"math"
	"strconv"
	"strings"
)

// Kind is what a Value holds.
type Kind uint8

const (
	Null   Kind = iota // missing: a property the row lacks, or a function's failure
	Number             // a float64
	String             // bytes, as Redis strings are
	Array              // a list of values (split() and matched_terms() make them)
)

// Value is one value of the aggregation pipeline: null, a number, a string or an array.
type Value struct {
	Kind Kind
	Num  float64
	Str  string
	Arr  []Value // Array's elements
}

// Num is the number f.
func Num(f float64) Value { return Value{Kind: Number, Num: f} }

// Str is the string s.
func Str(s string) Value { return Value{Kind: String, Str: s} }

// List is the array of vs.
func List(vs []Value) Value { return Value{Kind: Array, Arr: vs} }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.Kind == Null }

// ToNumber is v as a number, as RediSearch's RSValue_ToNumber converts it: a number is
// itself; a string converts when all of it (after leading white space, up to a NUL byte)
// is a decimal number, inf, infinity or nan, in range; ok is false otherwise (null, array).
func (v Value) ToNumber() (float64, bool) {
	switch v.Kind {
	case Number:
		return v.Num, true
	case String:
		return parseCNumber(v.Str)
	}
	return 0, false
}

// Truthy reports whether FILTER keeps a row whose expression gave v (RSValue_BoolTest):
// a non-zero number (NaN too), a non-empty string or a non-empty array.
func (v Value) Truthy() bool {
	switch v.Kind {
	case Number:
		return v.Num != 0
	case String:
		return v.Str != ""
	case Array:
		return len(v.Arr) != 0
	}
	return false
}

// Format is the text FT.AGGREGATE replies for v. RediSearch sends a number as a bulk
// string made by printf: "%lld" when the double is an integer that fits a long long,
// "%.12g" otherwise (so 3.0 is "3", 2.5 "2.5", 1/3 "0.333333333333", 1e20 "1e+20", NaN
// "nan" or "-nan" after its sign bit, infinities "inf" / "-inf"). It does so in RESP3 too:
// the values of extra_attributes are bulk strings unless FORMAT EXPAND is given, which
// sends an integer reply when the long long conversion is exact and a double otherwise.
// A string is itself. Null (a nil reply) and Array (an array reply of its elements)
// have no text; Format gives "" for them.
func (v Value) Format() string {
	switch v.Kind {
	case Number:
		return formatNumber(v.Num)
	case String:
		return v.Str
	}
	return ""
}

// minInt64F and maxInt64F bound the doubles that C converts to a long long exactly.
const (
	minInt64F = -9223372036854775808.0
	maxInt64F = 9223372036854775808.0
)

// formatNumber is RSValue_NumToString.
func formatNumber(f float64) string {
	if f >= minInt64F && f < maxInt64F && f == math.Trunc(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	return formatG12(f)
}

// formatG12 is C's printf("%.12g", f).
func formatG12(f float64) string {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// %g picks its style from the exponent of the value rounded to 12 digits, which
	// %e's output carries.
	e := strconv.FormatFloat(f, 'e', 11, 64)
	i := strings.LastIndexByte(e, 'e')
	x, _ := strconv.Atoi(e[i+1:])
	if x < -4 || x >= 12 {
		m := trimFraction(e[:i])
		exp := e[i+1:] // sign and at least two digits, as C prints them
		return m + "e" + exp
	}
	return trimFraction(strconv.FormatFloat(f, 'f', 11-x, 64))
}

// trimFraction drops the trailing zeros of a decimal fraction, and its point if nothing
// is left after it, as %g does.
func trimFraction(s string) string {
	if strings.IndexByte(s, '.') < 0 {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// formatFixed is C's printf("%f", f) into a 100-byte buffer, which RediSearch uses when
// it compares a number with a string as strings; a longer text becomes "".
func formatFixed(f float64) string {
	var s string
	switch {
	case math.IsNaN(f):
		s = "nan"
		if math.Signbit(f) {
			s = "-nan"
		}
	case math.IsInf(f, 0):
		s = "inf"
		if f < 0 {
			s = "-inf"
		}
	default:
		s = strconv.FormatFloat(f, 'f', 6, 64)
	}
	if len(s) >= 100 {
		return ""
	}
	return s
}

// parseCNumber is RediSearch's string to number conversion: fast_float's strtod
// (leading white space and '+' allowed) that must consume the whole C string, and
// fails on overflow, or underflow to zero.
func parseCNumber(s string) (float64, bool) {
	s = strings.TrimLeft(cString(s), " \t\n\v\f\r")
	if s == "" {
		return 0, false
	}
	if f, n, ok := parseInfNaN(s); ok {
		return f, n == len(s)
	}
	n, nonzero := scanDecimal(s)
	if n != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || (f == 0 && nonzero) {
		return 0, false
	}
	return f, true
}

// scanDecimal is the length of the decimal number at the start of s
// ([+-] (digits [. digits*] | . digits) [e [+-] digits]), and whether its mantissa has
// a non-zero digit.
func scanDecimal(s string) (n int, nonzero bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s) && (isDigit(s[i]) || (s[i] == '.' && !dot)); i++ {
		if s[i] == '.' {
			dot = true
			continue
		}
		digits++
		nonzero = nonzero || s[i] != '0'
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > j {
			i = k
		}
	}
	return i, nonzero
}

// parseInfNaN reads [+-](inf|infinity|nan|nan(chars)) without regard to case, as
// fast_float does; n is how much of s it used.
func parseInfNaN(s string) (f float64, n int, ok bool) {
	neg := false
	i := 0
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i++
	}
	rest := s[i:]
	switch {
	case len(rest) >= 3 && strings.EqualFold(rest[:3], "nan"):
		f, n = math.NaN(), i+3
		if neg {
			f = math.Copysign(f, -1)
		}
		if n < len(s) && s[n] == '(' {
			for j := n + 1; j < len(s); j++ {
				c := s[j]
				if c == ')' {
					n = j + 1
					break
				}
				if !isAlnum(c) && c != '_' {
					break
				}
			}
		}
		return f, n, true
	case len(rest) >= 3 && strings.EqualFold(rest[:3], "inf"):
		n = i + 3
		if len(rest) >= 8 && strings.EqualFold(rest[:8], "infinity") {
			n = i + 8
		}
		f = math.Inf(1)
		if neg {
			f = math.Inf(-1)
		}
		return f, n, true
	}
	return 0, 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// Compare orders a and b as RediSearch's RSValue_Cmp does when it has no error to report
// (the FIRST_VALUE reducer): null before everything; numbers numerically (NaN equal to
// all); strings bytewise; a number and a string numerically when the string converts,
// else as strings with the number printed by "%f"; arrays by their first elements (an
// empty array first); other mixes as strings, arrays and nulls reading as "".
//
// SORTBY compares with CompareChecked. A present null is the lowest value (first
// ascending, last descending); a row that lacks the property altogether sorts after all
// others whatever the direction, which is the caller's to arrange (RediSearch's
// cmpByFields), as is the tie-break on document order.
func Compare(a, b Value) int {
	c, _ := compare(a, b, false)
	return c
}

// CompareChecked orders a and b as SORTBY and the comparison operators do (RSValue_Cmp
// given the query's error): like Compare, but a number meeting a string that does not
// convert is an error ("Error converting string 'x' to number"), the pair counting as equal.
func CompareChecked(a, b Value) (int, error) {
	c, err := compare(a, b, true)
	if err != nil {
		return c, err
	}
	return c, nil
}

func compare(a, b Value, strict bool) (int, *Error) {
	if a.Kind == b.Kind {
		return compareSame(a, b, strict)
	}
	if a.Kind == Null {
		return -1, nil
	}
	if b.Kind == Null {
		return 1, nil
	}
	if a.Kind == Number || b.Kind == Number {
		num, other, sign := a.Num, b, 1
		if b.Kind == Number {
			num, other, sign = b.Num, a, -1
		}
		if f, ok := other.ToNumber(); ok {
			return sign * compareNum(num, f), nil
		}
		if strict {
			return 0, convertError(other)
		}
	}
	return strings.Compare(looseString(a), looseString(b)), nil
}

func compareSame(a, b Value, strict bool) (int, *Error) {
	switch a.Kind {
	case Number:
		return compareNum(a.Num, b.Num), nil
	case String:
		return strings.Compare(a.Str, b.Str), nil
	case Array:
		if len(a.Arr) > 0 && len(b.Arr) > 0 {
			return compare(a.Arr[0], b.Arr[0], strict)
		}
		return compareNum(float64(len(a.Arr)), float64(len(b.Arr))), nil
	}
	return 0, nil
}

// compareNum gives 0 when either side is NaN, as RediSearch's cmp_numbers does.
func compareNum(a, b float64) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// looseString is RSValue_ConvertStringPtrLen: how a value reads when compared as a string.
func looseString(v Value) string {
	switch v.Kind {
	case String:
		return v.Str
	case Number:
		return formatFixed(v.Num)
	}
	return ""
}

// convertError is the error of a comparison whose string side is not a number; the C
// code prints a non-string's (absent) text as "(null)".
func convertError(v Value) *Error {
	s := "(null)"
	if v.Kind == String {
		s = v.Str
	}
	return evalError("Error converting string '" + s + "' to number")
}

// Equal reports whether == holds between a and b (RSValue_Equal): values of one kind
// compare as Compare does; null equals only null; a number equals a string that converts
// to it; other mixes compare as strings.
func Equal(a, b Value) bool {
	if a.Kind == b.Kind {
		c, _ := compareSame(a, b, false)
		return c == 0
	}
	if a.Kind == Null || b.Kind == Null {
		return false
	}
	if a.Kind == Number || b.Kind == Number {
		num, other := a.Num, b
		if b.Kind == Number {
			num, other = b.Num, a
		}
		f, ok := other.ToNumber()
		return ok && compareNum(num, f) == 0
	}
	return looseString(a) == looseString(b)
}

// typeCode is RediSearch's RSValueType number of v, which its argument type errors print.
func typeCode(v Value) int {
	switch v.Kind {
	case Number:
		return 1
	case String:
		return 2
	case Null:
		return 3
	}
	return 5
}
