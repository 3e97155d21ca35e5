package expr

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expected texts are C's printf output for the same doubles (RediSearch's
// RSValue_NumToString: "%lld" for integral values in range, "%.12g" otherwise).
func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{3, "3"},
		{-3, "-3"},
		{2.5, "2.5"},
		{-2.5, "-2.5"},
		{0.1 + 0.2, "0.3"},
		{1.0 / 3, "0.333333333333"},
		{3.14, "3.14"},
		{1e-5, "1e-05"},
		{0.0001, "0.0001"},
		{0.00001234, "1.234e-05"},
		{123456.7890123456, "123456.789012"},
		{123456789012.5, "123456789012"},
		{999999999999.5, "1e+12"},
		{99999999999.95, "99999999999.9"},
		{1e12 + 0.1, "1e+12"},
		{1e15 + 0.5, "1e+15"},
		{4.5e15, "4500000000000000"},
		{4503599627370497.5, "4503599627370498"},
		{1e20, "1e+20"},
		{1e100, "1e+100"},
		{9.2233720368547758e18, "9.22337203685e+18"},
		{-9.2233720368547758e18, "-9223372036854775808"},
		{1.7976931348623157e308, "1.79769313486e+308"},
		{5e-324, "4.94065645841e-324"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
		{negNaN, "-nan"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Num(tt.in).Format(), "%v", tt.in)
	}
	assert.Equal(t, "abc", Str("abc").Format())
	assert.Equal(t, "", Value{}.Format())
	assert.Equal(t, "", List([]Value{Str("a")}).Format())
}

// ToNumber follows fast_float's strtod as RediSearch builds it (leading white space and +
// allowed) and RSValue_ToNumber's checks (the whole string, no overflow, no underflow to 0).
func TestToNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"5", 5, true},
		{"-2.5", -2.5, true},
		{"+3", 3, true},
		{"  7", 7, true},
		{"\t\n1e3", 1000, true},
		{"1.", 1, true},
		{".5", 0.5, true},
		{"1.e2", 100, true},
		{"1e-5", 1e-5, true},
		{"5e-324", 5e-324, true},
		{"inf", math.Inf(1), true},
		{"-Infinity", math.Inf(-1), true},
		{"INF", math.Inf(1), true},
		{"7 ", 0, false},
		{"", 0, false},
		{" ", 0, false},
		{".", 0, false},
		{"1e", 0, false},
		{"1e+", 0, false},
		{"0x10", 0, false},
		{"1_000", 0, false},
		{"1,5", 0, false},
		{"abc", 0, false},
		{"--1", 0, false},
		{"1e400", 0, false},
		{"-1e400", 0, false},
		{"1e-400", 0, false},
		{"0e-400", 0, true},
		{"infinit", 0, false},
		{"nan(x", 0, false},
		{"12\x00abc", 12, true}, // C stops at the NUL
	}
	for _, tt := range tests {
		got, ok := Str(tt.in).ToNumber()
		assert.Equal(t, tt.ok, ok, "%q", tt.in)
		if tt.ok {
			assert.Equal(t, tt.want, got, "%q", tt.in)
		}
	}
	for _, s := range []string{"nan", "NaN", "-nan", "nan(123)"} {
		f, ok := Str(s).ToNumber()
		require.True(t, ok, s)
		assert.True(t, math.IsNaN(f), s)
		assert.Equal(t, s[0] == '-', math.Signbit(f), s)
	}
	_, ok := Value{}.ToNumber()
	assert.False(t, ok)
	_, ok = List([]Value{Num(1)}).ToNumber()
	assert.False(t, ok)
	f, ok := Num(4).ToNumber()
	assert.True(t, ok)
	assert.Equal(t, 4.0, f)
}

func TestTruthy(t *testing.T) {
	tests := []struct {
		in   Value
		want bool
	}{
		{Value{}, false},
		{Num(0), false},
		{Num(math.Copysign(0, -1)), false},
		{Num(1), true},
		{Num(-0.5), true},
		{Num(math.NaN()), true},
		{Str(""), false},
		{Str("0"), true},
		{Str("false"), true},
		{List(nil), false},
		{List([]Value{Str("")}), true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.in.Truthy(), "%+v", tt.in)
	}
}

func TestCompare(t *testing.T) {
	arr := func(vs ...Value) Value { return List(vs) }
	tests := []struct {
		a, b   Value
		want   int
		strict string // CompareChecked's error, if any
	}{
		{Num(1), Num(2), -1, ""},
		{Num(2), Num(2), 0, ""},
		{Num(math.NaN()), Num(1), 0, ""},
		{Str("a"), Str("b"), -1, ""},
		{Str("10"), Str("9"), -1, ""}, // strings stay strings
		{Str("ab"), Str("a"), 1, ""},
		{Value{}, Value{}, 0, ""},
		{Value{}, Num(-1e300), -1, ""},
		{Str(""), Value{}, 1, ""},
		{Num(10), Str("9"), 1, ""},
		{Str("9"), Num(10), -1, ""},
		{Num(5), Str("abc"), -1, "Error converting string 'abc' to number"}, // "5.000000" < "abc"
		{Str("abc"), Num(5), 1, "Error converting string 'abc' to number"},
		{Num(5), Str("1"), 1, ""},
		{Num(5), arr(), 1, "Error converting string '(null)' to number"}, // "5.000000" > ""
		{arr(Num(1), Num(9)), arr(Num(2)), -1, ""},
		{arr(), arr(Num(1)), -1, ""},
		{arr(), arr(), 0, ""},
		{arr(Str("b")), Str("a"), -1, ""}, // the array reads as ""
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Compare(tt.a, tt.b), "%+v <=> %+v", tt.a, tt.b)
		c, err := CompareChecked(tt.a, tt.b)
		if tt.strict == "" {
			require.NoError(t, err)
			assert.Equal(t, tt.want, c)
		} else {
			require.EqualError(t, err, tt.strict)
			assert.Equal(t, 0, c)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b Value
		want bool
	}{
		{Num(1), Num(1), true},
		{Num(1), Str("1"), true},
		{Str("1.0"), Num(1), true},
		{Num(1), Str("hello"), false},
		{Num(1), Value{}, false},
		{Value{}, Value{}, true},
		{Value{}, Str(""), false},
		{Str("a"), Str("a"), true},
		{Str("1"), Str("1.0"), false},
		{Num(math.NaN()), Num(math.NaN()), true}, // RediSearch compares NaN as equal
		{List(nil), Str(""), true},
		{List([]Value{Str("x")}), List([]Value{Str("x"), Str("y")}), true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Equal(tt.a, tt.b), "%+v == %+v", tt.a, tt.b)
	}
}
