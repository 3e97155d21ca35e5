package expr

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// row is a Row backed by a map.
type row map[string]Value

func (r row) Get(name string) (Value, bool) {
	v, ok := r[name]
	return v, ok
}

var testRow = row{
	"n":   Num(10),
	"ns":  Str("7"),
	"s":   Str("abc"),
	"z":   Num(0),
	"e":   Str(""),
	"nul": {}, // present, null (as GROUPBY makes for a missing field)
	"arr": List([]Value{Str("x"), Str("y")}),
	"t":   Num(1517417144),
}

const missingErr = "Could not find the value for a parameter name, consider using EXISTS if applicable for missing"

// sameValue compares values, NaN equal to NaN of the same sign.
func sameValue(t *testing.T, want, got Value, msg string) {
	t.Helper()
	if want.Kind == Number && math.IsNaN(want.Num) {
		require.Equal(t, Number, got.Kind, msg)
		assert.True(t, math.IsNaN(got.Num), msg)
		assert.Equal(t, math.Signbit(want.Num), math.Signbit(got.Num), "%s: NaN sign", msg)
		return
	}
	assert.Equal(t, want, got, msg)
}

type evalTest struct {
	in   string
	want Value
	err  string
}

func runEvalTests(t *testing.T, m Mode, tests []evalTest) {
	t.Helper()
	for _, tt := range tests {
		e, err := Parse(tt.in, nil)
		require.NoError(t, err, tt.in)
		got, err := e.Evaluate(testRow, m)
		if tt.err != "" {
			require.EqualError(t, err, tt.err, tt.in)
			assert.Equal(t, Value{}, got, tt.in)
			if m == Query {
				assert.Equal(t, Value{}, e.Eval(testRow), tt.in)
			}
			continue
		}
		require.NoError(t, err, tt.in)
		sameValue(t, tt.want, got, tt.in)
	}
}

func TestEvalArithmetic(t *testing.T) {
	runEvalTests(t, Query, []evalTest{
		{in: "@n + 1", want: Num(11)},
		{in: "@n - 1.5", want: Num(8.5)},
		{in: "@ns * 2", want: Num(14)}, // a numeric string converts
		{in: "'3' + ' 4'", want: Num(7)},
		{in: "@n / 4", want: Num(2.5)},
		{in: "@n / 0", want: Num(math.Inf(1))},
		{in: "-1 / @z", want: Num(math.Inf(-1))},
		{in: "@z / 0", want: Num(negNaN)},
		{in: "@n % 3", want: Num(1)},
		{in: "5.5 % 2", want: Num(1.5)},
		{in: "-5.5 % 2", want: Num(-1.5)},
		{in: "5.5 % -2", want: Num(1.5)},
		{in: "@n % 0", want: Num(negNaN)},
		{in: "2 ^ @n", want: Num(1024)},
		{in: "@z ^ 0", want: Num(1)},
		{in: "-8 ^ (1 / 3)", want: Num(negNaN)},
		{in: "@s + 1", err: "Could not convert value to a number"},
		{in: "NULL + 1", err: "Could not convert value to a number"},
		{in: "@e * 1", err: "Could not convert value to a number"},
		{in: "@arr - 1", err: "Could not convert value to a number"},
		{in: "@nul + 1", err: "Could not convert value to a number"},
		{in: "@missing + 1", err: missingErr},
		{in: "1 + @missing", err: missingErr},
	})
}

func TestEvalComparison(t *testing.T) {
	runEvalTests(t, Query, []evalTest{
		{in: "@n > 5", want: Num(1)},
		{in: "@n <= 9", want: Num(0)},
		{in: "@n == '10'", want: Num(1)},
		{in: "@n == '10.0'", want: Num(1)},
		{in: "@ns < 10", want: Num(1)},   // "7" converts
		{in: "'10' < '9'", want: Num(1)}, // two strings compare bytewise
		{in: "@s == 'abc'", want: Num(1)},
		{in: "@s == 1", want: Num(0)},
		{in: "@s != 1", want: Num(1)},
		{in: "@s < 1", err: "Error converting string 'abc' to number"},
		{in: "1 >= @s", err: "Error converting string 'abc' to number"},
		{in: "NULL == NULL", want: Num(1)},
		{in: "@nul == NULL", want: Num(1)},
		{in: "1 == NULL", want: Num(0)},
		{in: "1 != NULL", want: Num(1)},
		{in: "NULL < 1", want: Num(1)},
		{in: "'' > NULL", want: Num(1)},
		{in: "@arr == 'x'", want: Num(0)}, // an array reads as "" against a string
		{in: "@missing > 1", err: missingErr},
		{in: "1 == @missing", err: missingErr},
	})
}

func TestEvalLogic(t *testing.T) {
	runEvalTests(t, Query, []evalTest{
		{in: "1 && 0", want: Num(0)},
		{in: "1 && 'x'", want: Num(1)},
		{in: "0 || ''", want: Num(0)},
		{in: "'' || @n", want: Num(1)},
		{in: "@arr && 1", want: Num(1)},
		{in: "!@s", want: Num(0)},
		{in: "!''", want: Num(1)},
		{in: "!NULL", want: Num(1)},
		{in: "!@z", want: Num(1)},
		{in: "1 || @missing", want: Num(1)}, // never read
		{in: "0 && @missing", want: Num(0)},
		// A missing operand reads as null, but its error fails the query even when the
		// other operand decides.
		{in: "@missing || 1", err: missingErr},
		{in: "@missing && 0", err: missingErr},
		{in: "!@missing", err: missingErr},
		{in: "(@s < 1) || 1", err: "Error converting string 'abc' to number"},
	})
}

func TestEvalExistsCase(t *testing.T) {
	runEvalTests(t, Query, []evalTest{
		{in: "exists(@n)", want: Num(1)},
		{in: "exists(@missing)", want: Num(0)},
		{in: "EXISTS(@missing)", want: Num(0)},
		{in: "exists(@nul)", want: Num(1)}, // present, though null
		{in: "exists(NULL)", want: Num(1)},
		{in: "exists(timefmt('x'))", want: Num(1)}, // a function's null result is a value
		{in: "ismissing(@missing)", want: Num(1)},
		{in: "ismissing(@n)", want: Num(0)},
		{in: "ismissing(@nul)", want: Num(0)},
		{in: "ismissing(@missing) || @missing > 1", want: Num(1)},
		{in: "!exists(@missing) || @missing > 1", want: Num(1)},
		{in: "exists(@missing) && @missing > 1", want: Num(0)},
		{in: "exists(@missing + 1)", err: missingErr},
		// exists() clears the query's error, as RediSearch's does
		{in: "(@missing && 1) || !exists(@other)", want: Num(1)},
		{in: "(@missing && 1) || exists(@n)", err: missingErr}, // only a missing one clears
		{in: "case(exists(@missing), @missing, 'none')", want: Str("none")},
		{in: "case(@n > 5, 'big', 'small')", want: Str("big")},
		{in: "case(@n < 5, 'big', 'small')", want: Str("small")},
		{in: "case(NULL, 1, 2)", want: Num(2)},
		{in: "case(@e, 1, 2)", want: Num(2)},
		{in: "case(1, NULL, 2)", want: Value{}},
		{in: "case(1, @n + 10, @n / 0)", want: Num(20)},
		{in: "case(0, @s + 1, 3)", want: Num(3)}, // the branch not taken is not evaluated
		{in: "case(1, @missing, 0)", err: missingErr},
		{in: "case(@missing, 1, 0)", err: missingErr},
	})
}

func TestEvalIndexMode(t *testing.T) {
	runEvalTests(t, Index, []evalTest{
		{in: "@missing > 1", want: Num(0)},
		{in: "@missing == 1 || @n == 10", want: Num(1)},
		{in: "@missing && 1", want: Num(0)},
		{in: "@missing || 1", want: Num(1)},
		{in: "exists(@missing)", want: Num(0)},
		{in: "@n > 5", want: Num(1)},
		{in: "@missing + 1", err: "Parsing/Evaluating dynamic expression failed"},
		{in: "!@missing", err: "Parsing/Evaluating dynamic expression failed"},
		{in: "upper(@missing)", err: "Parsing/Evaluating dynamic expression failed"},
		{in: "@s < 1", err: "Error converting string 'abc' to number"},
	})
}

// Evaluating numbers must not allocate: FILTER runs per row.
func TestEvalNumbersDoNotAllocate(t *testing.T) {
	e, err := Parse("(@n * 2 + @z) / 3 > 1 && !(@n % 7 == 3) || sqrt(@n) < @t", nil)
	require.NoError(t, err)
	var v Value
	allocs := testing.AllocsPerRun(200, func() { v, _ = e.Evaluate(testRow, Query) })
	assert.Equal(t, 0.0, allocs)
	assert.Equal(t, Num(1), v)
}

func BenchmarkEvalArithmetic(b *testing.B) {
	e, err := Parse("(@n * 2 + @z) / 3 > 1 && !(@n % 7 == 3)", nil)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		e.Eval(testRow)
	}
}

func BenchmarkEvalString(b *testing.B) {
	e, err := Parse("upper(substr(@s, 0, 2)) == 'AB'", nil)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		e.Eval(testRow)
	}
}
