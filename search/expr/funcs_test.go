package expr

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strs(ss ...string) Value {
	vs := make([]Value, len(ss))
	for i, s := range ss {
		vs[i] = Str(s)
	}
	return List(vs)
}

func TestMathFunctions(t *testing.T) {
	runEvalTests(t, Query, []evalTest{
		{in: "abs(-3)", want: Num(3)},
		{in: "abs('-2.5')", want: Num(2.5)},
		{in: "abs('x')", want: Num(math.NaN())}, // not a number: NaN, not an error
		{in: "abs(NULL)", want: Num(math.NaN())},
		{in: "abs(@arr)", want: Num(math.NaN())},
		{in: "abs(@missing)", err: missingErr},
		{in: "ceil(1.2)", want: Num(2)},
		{in: "ceil(-0.5)", want: Num(math.Copysign(0, -1))},
		{in: "floor(-1.5)", want: Num(-2)},
		{in: "floor(@ns)", want: Num(7)},
		{in: "floor(0/0)", want: Num(negNaN)},
		{in: "exp(0)", want: Num(1)},
		{in: "exp(1000)", want: Num(math.Inf(1))},
		{in: "log(1)", want: Num(0)},
		{in: "log(0)", want: Num(math.Inf(-1))},
		{in: "log(-1)", want: Num(negNaN)},
		{in: "log2(8)", want: Num(3)},
		{in: "log2(-1)", want: Num(negNaN)},
		{in: "sqrt(16)", want: Num(4)},
		{in: "sqrt('9')", want: Num(3)},
		{in: "sqrt(-1)", want: Num(negNaN)},
		{in: "floor(log2(35) + sqrt(4) % 10) - abs(-5/20)", want: Num(6.75)},
	})
}

func TestStringFunctions(t *testing.T) {
	runEvalTests(t, Query, []evalTest{
		{in: "upper('abc')", want: Str("ABC")},
		{in: "lower('ÀBC-1')", want: Str("Àbc-1")}, // ASCII only, as C's tolower
		{in: "upper(5)", want: Value{}},            // not a string: null
		{in: "lower(NULL)", want: Value{}},
		{in: "upper(@arr)", want: Value{}},
		{in: "upper(@missing)", err: missingErr},

		{in: "substr('hello', 1, 3)", want: Str("ell")},
		{in: "substr('hello', -3, 2)", want: Str("ll")},
		{in: "substr('hello', 2, -1)", want: Str("ll")},
		{in: "substr('hello', 0, 100)", want: Str("hello")},
		{in: "substr('hello', 10, 2)", want: Str("")},
		{in: "substr('hello', -10, 2)", want: Str("")}, // before the start: clamps to the end
		{in: "substr('hello', 1.9, 2)", want: Str("el")},
		{in: "substr('hello', 0/0, 2)", want: Str("")},
		{in: "substr('hello', '1', 2)", err: "Invalid type (2) for argument 1 in function 'substr'. VALIDATE_ARG__TYPE(v, RSValueType_Number) was false."},
		{in: "substr('hello', 1, NULL)", err: "Invalid type (3) for argument 2 in function 'substr'. VALIDATE_ARG__TYPE(v, RSValueType_Number) was false."},
		{in: "substr(5, 0, 1)", err: "Invalid type for substr. Expected string"},

		{in: "format('%s-%s', 'a', 1.5)", want: Str("a-1.5")},
		{in: "format('%s|%s', @n, @s)", want: Str("10|abc")},
		{in: "format('%s', NULL)", want: Str("(null)")},
		{in: "format('%s', @arr)", want: Str("")},
		{in: "format('100%%')", want: Str("100%")},
		{in: "format('x', 1, 2)", want: Str("x")},
		{in: "format('%d', 1)", err: "Unknown format specifier passed"},
		{in: "format('%s %s', 'a')", err: "Not enough arguments for format"},
		{in: "format('abc%')", err: "Bad format string!"},
		{in: "format(1)", err: "Invalid type (1) for argument 0 in function 'format'. VALIDATE_ARG__STRING(v, 0) was false."},

		{in: `split("hello world,  foo,,,bar,", ",", " ")`, want: strs("hello world", "foo", "bar")},
		{in: `split("hello world,  foo,,,bar,", " ", ",")`, want: strs("hello", "world", "foo,,,bar")},
		{in: `split("hello world,  foo,,,bar,", "", "")`, want: strs("hello world,  foo,,,bar,")},
		{in: `split("hello world,  foo,,,bar,")`, want: strs("hello world", "foo", "bar")},
		{in: `split("a;b|c", ";|")`, want: strs("a", "b", "c")},
		{in: `split("")`, want: strs()},
		{in: `split(" , ")`, want: strs()},
		{in: `split(5)`, err: "Invalid type (1) for argument 0 in function 'split'. VALIDATE_ARG__STRING(v, 0) was false."},
		{in: `split('a', ',', 5)`, err: "Invalid type (1) for argument 2 in function 'split'. VALIDATE_ARG__STRING(v, 0) was false."},

		{in: "to_number('12')", want: Num(12)},
		{in: "to_number(' 3.5')", want: Num(3.5)},
		{in: "to_number(5)", want: Num(5)},
		{in: "to_number('x')", err: "to_number: cannot convert string 'x'"},
		{in: "to_number(NULL)", err: "to_number: cannot convert string '(null)'"},
		{in: "to_str(2.5)", want: Str("2.5")},
		{in: "to_str(3)", want: Str("3")},
		{in: "to_str(1/3)", want: Str("0.333333333333")},
		{in: "to_str('x')", want: Str("x")},
		{in: "to_str(NULL)", want: Str("")},
		{in: "to_str(@arr)", want: Str("")},

		{in: "startswith('abc', 'ab')", want: Num(1)},
		{in: "startswith('abc', 'b')", want: Num(0)},
		{in: "startswith('abc', '')", want: Num(1)},
		{in: "startswith('ab', 'abc')", want: Num(0)},
		{in: "startswith(1, 'a')", err: "Invalid type (1) for argument 0 in function 'startswith'. VALIDATE_ARG__STRING(v, 0) was false."},
		{in: "contains('abbabb', 'bb')", want: Num(2)},
		{in: "contains('aaa', 'aa')", want: Num(2)}, // overlapping matches count
		{in: "contains('aa', '')", want: Num(3)},    // len+1 for an empty substring
		{in: "contains('abc', 'x')", want: Num(0)},
		{in: "contains('abc', 1)", err: "Invalid type (1) for argument 1 in function 'contains'. VALIDATE_ARG__STRING(v, 0) was false."},
		{in: "strlen('héllo')", want: Num(6)}, // bytes
		{in: "strlen('')", want: Num(0)},
		{in: "strlen(@arr)", err: "Invalid type (5) for argument 0 in function 'strlen'. VALIDATE_ARG__STRING(v, 0) was false."},
	})
}

// termsRow is a row whose document matched some query terms.
type termsRow struct {
	row
	terms []string
}

func (r termsRow) MatchedTerms(max int) []string {
	if len(r.terms) > max {
		return r.terms[:max]
	}
	return r.terms
}

func TestMatchedTerms(t *testing.T) {
	e, err := Parse("matched_terms()", nil)
	require.NoError(t, err)
	assert.Equal(t, Value{}, e.Eval(testRow)) // no search context: null
	assert.Equal(t, Value{}, e.Eval(termsRow{row: testRow}))
	assert.Equal(t, strs("hello", "world"), e.Eval(termsRow{row: testRow, terms: []string{"hello", "world"}}))
	e, err = Parse("matched_terms(1)", nil)
	require.NoError(t, err)
	assert.Equal(t, strs("hello"), e.Eval(termsRow{row: testRow, terms: []string{"hello", "world"}}))
	e, err = Parse("matched_terms(500)", nil) // out of 1..100: the default
	require.NoError(t, err)
	assert.Equal(t, strs("hello", "world"), e.Eval(termsRow{row: testRow, terms: []string{"hello", "world"}}))
}

// Distances from RediSearch's tests/pytests/test_geo.py.
func TestGeodistance(t *testing.T) {
	geoRow := row{"location": Str("1.23,4.56"), "hq": Str("1.25,4.5")}
	tests := []struct {
		in   string
		want float64
	}{
		{`geodistance(@location, 1.25, 4.5)`, 7032.37},
		{`geodistance(@location, @hq)`, 7032.37},
		{`geodistance(@location, "1.25,4.5")`, 7032.37},
		{`geodistance(1.25, 4.5, @location)`, 7032.37},
		{`geodistance("1.25 4.5", @location)`, 7032.37},
		{`geodistance(1.2, 4.5, 1.25, 4.5)`, 5544.17},
		{`geodistance("1.26,4.5", "1.25,4.5")`, 1108.83},
		// test_geo.py's four points against hq give 5987.15 6765.06 7456.63 8095.49
		{`geodistance("1.22,4.56", @hq)`, 7456.63},
		{`geodistance("1.24,4.56", @hq)`, 6765.06},
		{`geodistance("1.23,4.55", @hq)`, 5987.15},
		{`geodistance("1.23,4.57", @hq)`, 8095.49},
		{`geodistance(",", "0,0")`, 0}, // empty coordinates read as 0, as strtod leaves them
		{`geodistance(1, 2, "x", 4)`, math.NaN()},
		{`geodistance(NULL, "1,2")`, math.NaN()},
	}
	for _, tt := range tests {
		e, err := Parse(tt.in, nil)
		require.NoError(t, err, tt.in)
		v, err := e.Evaluate(geoRow, Query)
		require.NoError(t, err, tt.in)
		sameValue(t, Num(tt.want), v, tt.in)
	}
	// A malformed "lon,lat" gives NaN but also fails the query.
	for _, in := range []string{`geodistance("abc", "1,2")`, `geodistance("1,2,3", "1,2")`, `geodistance(" 1 , 2", "1,2")`} {
		e, err := Parse(in, nil)
		require.NoError(t, err)
		_, err = e.Evaluate(geoRow, Query)
		require.EqualError(t, err, "Invalid geo string", in)
		v, err := e.Evaluate(geoRow, Index)
		require.NoError(t, err, in)
		assert.True(t, math.IsNaN(v.Num), in)
	}
	long := `geodistance("` + string(make([]byte, 129)) + `", "1,2")`
	e, err := Parse(long, nil)
	require.NoError(t, err)
	_, err = e.Evaluate(geoRow, Query)
	require.EqualError(t, err, "Geo string cannot be longer than 128 bytes")
}

// A number is a 52-bit geohash, as a sortable GEO field keeps a point.
func TestGeohashDecode(t *testing.T) {
	for _, p := range [][2]float64{{1.23, 4.56}, {-122.4194, 37.7749}, {179.9, -85}, {0, 0}} {
		got := decodeGeohash(float64(encodeGeohash(p[0], p[1])))
		assert.InDelta(t, p[0], got[0], 1e-5, "%v", p)
		assert.InDelta(t, p[1], got[1], 1e-5, "%v", p)
	}
	// out of range numbers do not panic
	for _, f := range []float64{-1, math.NaN(), math.Inf(1), 1e300} {
		decodeGeohash(f)
	}
}

// encodeGeohash interleaves the 26-bit cells of lat (even bits) and lon (odd bits).
func encodeGeohash(lon, lat float64) uint64 {
	la := uint64((lat - geoLatMin) / (geoLatMax - geoLatMin) * (1 << geoStep))
	lo := uint64((lon - geoLonMin) / (geoLonMax - geoLonMin) * (1 << geoStep))
	var h uint64
	for i := 0; i < geoStep; i++ {
		h |= (la >> i & 1) << (2 * i)
		h |= (lo >> i & 1) << (2*i + 1)
	}
	return h
}
