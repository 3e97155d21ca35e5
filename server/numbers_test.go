package server

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStringParseInt(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-1", -1, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"-0", 0, false},
		{"01", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1.0", 0, false},
		{"000000000000000000001", 0, false}, // 21 bytes: too long before any digit is read
	}
	for _, c := range cases {
		got, ok := parseInt([]byte(c.in))
		assert.Equal(t, c.ok, ok, "%q", c.in)
		assert.Equal(t, c.want, got, "%q", c.in)
	}
}

// TestStringScanCursorParsing follows Redis 7.4, whose string2ull differs from 7.0's
// strtoul on "-1" and "" (refused now) and on " 1" (accepted now).
func TestStringScanCursorParsing(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"18446744073709551615", math.MaxUint64, true},
		{"18446744073709551616", 0, false},
		{"-1", 0, false},
		{"", 0, false},
		{" 7", 7, true},
		{"+7", 7, true},
		{"007", 7, true},
		{"-07", math.MaxUint64 - 6, true}, // not string2ll's, so strtoull's: wraps
		{"7 ", 0, false},
		{"7\x00junk", 7, true}, // C strings end at NUL
		{"abc", 0, false},
		{" ", 0, false},
		{"1.5", 0, false},
	}
	for _, c := range cases {
		got, ok := parseCursor([]byte(c.in))
		assert.Equal(t, c.ok, ok, "%q", c.in)
		assert.Equal(t, c.want, got, "%q", c.in)
	}
}

// TestStringLongDouble checks INCRBYFLOAT's arithmetic and printing against results
// redis-server 7 gave on x86-64 for the same operands.
func TestStringLongDouble(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"0", "10.5", "10.5"},
		{"10.5", "0.1", "10.6"},
		{"0.1", "0.2", "0.3"},
		{"0", "3.0e3", "3000"},
		{"0", "1e20", "100000000000000000000"},
		{"1e20", "-1e20", "0"},
		{"0", "1.5e-10", "0.00000000015"},
		{"0", "-0.000000000000000001", "0"},
		{"0", "0x1.8p1", "3"},
		{"3", "0.333333333333333333333", "3.33333333333333333"},
		{"123456789012345678", "0.5", "123456789012345678.5"},
		{"5.0e3", "-0.000000000000000005", "5000"},
		{"0", "1e-17", "0.00000000000000001"},
		{"0", "5e-18", "0"},
		{"0", "1e-4950", "0"},
		{"-.5", "+5.", "4.5"},
		{"0", "INFINITY", ""},
		{"-inf", "1", ""},
		{"1e4932", "1e4932", ""}, // overflows the long double: an error, not a value
	}
	for _, c := range cases {
		a, ok := parseLongDouble([]byte(c.a))
		require.True(t, ok, c.a)
		b, ok := parseLongDouble([]byte(c.b))
		require.True(t, ok, c.b)
		sum, ok := addLongDouble(a, b)
		if c.want == "" {
			assert.False(t, ok, "%s + %s", c.a, c.b)
			continue
		}
		require.True(t, ok, "%s + %s", c.a, c.b)
		assert.Equal(t, c.want, formatLongDouble(sum), "%s + %s", c.a, c.b)
	}
	// Long results: length, head and tail as Redis printed them.
	long := []struct {
		a, b       string
		n          int
		head, tail string
	}{
		{"1.7976931348623157e308", "1.7976931348623157e308", 309, "3595386269724631399918420935482088680967", "53604933726679072768"},
		{"0", "1e400", 401, "1000000000000000000028188068394758651458", "43732497430221946880"},
		{"0", "0x1p16383", 4932, "5948657476786158825428796633140035653817", "23513645334982033408"},
	}
	for _, c := range long {
		a, _ := parseLongDouble([]byte(c.a))
		b, ok := parseLongDouble([]byte(c.b))
		require.True(t, ok, c.b)
		sum, ok := addLongDouble(a, b)
		require.True(t, ok)
		s := formatLongDouble(sum)
		assert.Len(t, s, c.n, c.b)
		assert.Equal(t, c.head, s[:40], c.b)
		assert.Equal(t, c.tail, s[len(s)-20:], c.b)
	}
	for _, bad := range []string{"", " 1", "1 ", "nan", "-nan", "1e", "e5", ".", "0x", "0x1p", "1_000",
		"0x1p16384", "1e5000", "1e-4952", "1.2.3", "--1", "infinit", "0b101"} {
		_, ok := parseLongDouble([]byte(bad))
		assert.False(t, ok, "%q", bad)
	}
}
