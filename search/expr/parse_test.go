package expr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseTests drive TestParse and seed FuzzParseEval. want is the canonical String() of
// the tree (operators parenthesised; arithmetic on number literals computed at parse
// time, as RediSearch does), or err the exact error. The trees and errors are those of
// RediSearch's own lexer.c/parser.c, built and run on the same inputs.
var parseTests = []struct {
	in   string
	want string
	err  string
}{
	// precedence and associativity
	{in: "1 + 2 * 3", want: "7"},
	{in: "@a + @b * @c", want: "(@a + (@b * @c))"},
	{in: "@a * @b + @c", want: "((@a * @b) + @c)"},
	{in: "@a - @b - @c", want: "((@a - @b) - @c)"},
	{in: "@a / @b % @c", want: "((@a / @b) % @c)"},
	{in: "2 ^ 3 ^ 2", want: "512"},
	{in: "@a ^ @b ^ @c", want: "(@a ^ (@b ^ @c))"},
	{in: "-2 ^ 2", want: "4"}, // -2 is one number token: there is no unary minus
	{in: "2 ^ -1", want: "0.5"},
	{in: "@a * @b ^ 2", want: "(@a * (@b ^ 2))"},
	{in: "!1 || 0 && 1", want: "(!1 || (0 && 1))"},
	{in: "@a || @b && @c", want: "(@a || (@b && @c))"},
	{in: "@a && @b || @c && @d", want: "((@a && @b) || (@c && @d))"},
	{in: "@a || @b || @c", want: "((@a || @b) || @c)"},
	{in: "!@a == @b", want: "!(@a == @b)"},
	{in: "!@a + 1", want: "!(@a + 1)"},
	{in: "!@a && @b", want: "(!@a && @b)"},
	{in: "@a == !@b + 1", want: "(@a == !(@b + 1))"},
	{in: "@a + !@b == 1", want: "(@a + !(@b == 1))"},
	{in: "!!@a", want: "@a"},
	{in: "!!!@a", want: "!@a"},
	{in: "!!'x'", want: `"x"`},
	{in: "1 + 2 > 3 - 1", want: "(3 > 2)"},
	{in: "@a + 1 + 2", want: "((@a + 1) + 2)"},
	{in: "1 + 2 + @a", want: "(3 + @a)"},
	{in: "(1 + 2) * 3", want: "((3) * 3)"},
	{in: "((((1))))", want: "(1)"},
	{in: "1 - -2", want: "3"},
	{in: "10 % 3 * 2", want: "2"},
	{in: "@a < 1 && @b >= 2 || @c != 'x'", want: `(((@a < 1) && (@b >= 2)) || (@c != "x"))`},
	{in: "sqrt(4) + 1 > 2 && 1", want: "(((sqrt(4) + 1) > 2) && 1)"},
	// literals
	{in: "NULL", want: "NULL"},
	{in: "+3", want: "3"},
	{in: "1.5e3", want: "1500"},
	{in: "1E-3", want: "0.001"},
	{in: "00012", want: "12"},
	{in: "-inf", want: "-inf"},
	{in: "+inf", want: "+inf"},
	{in: "'inf", want: "+inf"}, // RediSearch's inf rule has ' in its sign class
	{in: "'inf'", want: `"inf"`},
	{in: "1 / 0", want: "+inf"},
	{in: "1.", want: "1"},      // the . is punctuation, skipped
	{in: ".5", want: "5"},      // likewise
	{in: "[1];", want: "1"},    // likewise
	{in: "1 + 2 é", want: "3"}, // RediSearch's scanner stops at a byte it cannot match
	// strings: a backslash before punctuation or white space is dropped
	{in: `'hello'`, want: `"hello"`},
	{in: `"it's"`, want: `"it's"`},
	{in: `'it\'s'`, want: `"it's"`},
	{in: `"a\"b"`, want: `"a\"b"`},
	{in: `'a\nb'`, want: `"a\nb"`},
	{in: `'a\\b'`, want: `"a\b"`},
	{in: `'\\\''`, want: `"'"`},
	{in: `"a\ b"`, want: `"a b"`},
	{in: `''`, want: `""`},
	{in: `'a\'`, want: `"a\"`}, // the longest literal ends at the only closing quote
	// properties
	{in: "@a_b1", want: "@a_b1"},
	{in: "@1a", want: "@1a"},
	{in: "@ä", want: "@ä"},
	{in: `@a\.b`, want: `@a\.b`}, // an escaped character stays in the name, backslash too
	// calls
	{in: "SQRT(4)", want: "sqrt(4)"},
	{in: "sqrt (4)", want: "sqrt(4)"},
	{in: "sqrt(,4)", want: "sqrt(4)"}, // RediSearch's argument list may start empty
	{in: "matched_terms()", want: "matched_terms()"},
	{in: "case(@a > 1, 'x', NULL)", want: `case((@a > 1), "x", NULL)`},
	{in: "format('%s-%s', @a, @b)", want: `format("%s-%s", @a, @b)`},
	{in: "$1 + 2", want: "3"}, // without params the $ is punctuation, as in RediSearch
	// errors
	{in: "", err: "Syntax error at offset 0 near ''"},
	{in: "3-2", err: "Syntax error at offset 1 near '-2'"},
	{in: "@a-1", err: "Syntax error at offset 2 near '-1'"},
	{in: "1+2", err: "Syntax error at offset 1 near '+2'"},
	{in: "-@a", err: "Syntax error at offset 0 near ''"},
	{in: "- 2", err: "Syntax error at offset 0 near ''"},
	{in: "1 +", err: "Syntax error at offset 2 near '1'"},
	{in: "(1 + 2", err: "Syntax error at offset 5 near '2'"},
	{in: "1 + 2)", err: "Syntax error at offset 5 near '2'"},
	{in: "1 == 2 == 3", err: "Syntax error at offset 7 near '2'"},
	{in: "1 < 2 == 1", err: "Syntax error at offset 6 near '2'"},
	{in: "1 = 1", err: "Syntax error at offset 4 near '1'"},
	{in: "1 & 2", err: "Syntax error at offset 4 near '2'"},
	{in: "1 2", err: "Syntax error at offset 2 near '2'"},
	{in: "@a @b", err: "Syntax error at offset 3 near 'b'"},
	{in: `"x" "y"`, err: `Syntax error at offset 4 near '"y"'`},
	{in: "1.5.3", err: "Syntax error at offset 4 near '3'"},
	{in: "1e", err: "Syntax error at offset 1 near 'e'"},
	{in: "-infinity", err: "Syntax error at offset 4 near 'inity'"},
	{in: "sqrt(4,)", err: "Syntax error at offset 7 near '4'"},
	{in: "sqrt(())", err: "Syntax error at offset 6 near 'sqrt'"},
	{in: "@a(1)", err: "Syntax error at offset 2 near 'a'"},
	{in: "é", err: "Syntax error at offset 0 near ''"},
	{in: "foo", err: "Unknown symbol 'foo'"},
	{in: "null", err: "Unknown symbol 'null'"},
	{in: "inf", err: "Unknown symbol 'inf'"},
	{in: "$foo", err: "Unknown symbol 'foo'"},
	{in: "foo + 1", err: "Unknown symbol 'foo'"},
	{in: "!foo", err: "Unknown symbol 'foo'"},
	{in: "sqrt(foo)", err: "Unknown symbol 'foo'"},
	{in: "foo 2", err: "Syntax error at offset 4 near '2': Unknown symbol 'foo'"},
	{in: "foo)", err: "Syntax error at offset 3 near 'foo': Unknown symbol 'foo'"},
	{in: "sqrt(foo", err: "Syntax error at offset 5 near 'foo': Unknown symbol 'foo'"},
	{in: "banana(1)", err: "Unknown function name 'banana'"},
	{in: "!!banana(1)", err: "Unknown function name 'banana'"},
	{in: "NULL()", err: "Unknown function name 'NULL'"},
	{in: "banana(1) 2", err: "Syntax error at offset 10 near '2': Unknown function name 'banana'"},
	{in: "sqrt()", err: "Function 'sqrt' expects 1 arguments, but got 0"},
	{in: "SQRT(1, 2)", err: "Function 'SQRT' expects 1 arguments, but got 2"},
	{in: "sqrt(1,2) 3", err: "Syntax error at offset 10 near '3': Function 'sqrt' expects 1 arguments, but got 2"},
	{in: "split()", err: "Function 'split' expects between 1 and 3 arguments, but got 0"},
	{in: "format()", err: "Function 'format' expects between 1 and 65535 arguments, but got 0"},
	{in: "case(1, 2)", err: "Function 'case' expects 3 arguments, but got 2"},
	// a bad name as the last token: RediSearch parses on with a NULL operand and fails
	// when it walks the tree
	{in: "1 + foo", err: "Missing (or badly formatted) value for expr->op.right"},
	{in: "1 + 2 * foo", err: "Missing (or badly formatted) value for expr->op.right"},
	{in: "1 + !foo", err: "Missing (or badly formatted) value for expr->op.right"},
	{in: "1 == foo", err: "Missing (or badly formatted) value for expr->pred.right"},
	{in: "1 && !foo", err: "Missing (or badly formatted) value for expr->pred.right"},
	{in: "1 + banana(1)", err: "Missing (or badly formatted) value for expr->op.right"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		e, err := Parse(tt.in, nil)
		if tt.err != "" {
			require.EqualError(t, err, tt.err, "%q", tt.in)
			assert.Nil(t, e)
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.want, e.String(), "%q", tt.in)
		// String parses back to the same tree.
		back, err := Parse(e.String(), nil)
		require.NoError(t, err, "%q -> %q", tt.in, e.String())
		assert.Equal(t, e.String(), back.String(), "%q", tt.in)
	}
}

func TestParseErrorOffset(t *testing.T) {
	_, err := Parse("1 + 2)", nil)
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 5, pe.Offset)
	_, err = Parse("foo", nil)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, -1, pe.Offset)
}

func TestProperties(t *testing.T) {
	e, err := Parse("@b + @a * @b + case(exists(@c), @a, @d)", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "a", "c", "d"}, e.Properties())
	e, err = Parse("1 + 2", nil)
	require.NoError(t, err)
	assert.Empty(t, e.Properties())
}

func TestParams(t *testing.T) {
	params := map[string]string{"min": "5", "neg": "-2.5", "name": "bob", "num_ish": "5 ", "e": "1e3", "empty": "", "minus": "-"}
	tests := []struct {
		in   string
		want string
		err  string
	}{
		{in: "@x > $min", want: "(@x > (5))"},
		{in: "$neg * 2", want: "((-2.5) * 2)"},
		{in: "@n == $name", want: `(@n == "bob")`},
		{in: "$num_ish", want: `"5 "`},
		{in: "$e", want: "(1000)"},
		{in: "upper($name)", want: `upper("bob")`},
		{in: "$empty", want: `""`},
		{in: "$minus", want: `"-"`},
		{in: "$missing", err: "Unknown symbol 'missing'"},
		{in: "$min $min", err: "Syntax error at offset 5 near '$min'"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.in, params)
		if tt.err != "" {
			require.EqualError(t, err, tt.err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, e.String(), tt.in)
	}
}

// Nesting and chains are bounded, so that parsing and evaluating cannot exhaust the stack.
func TestParseDepthLimit(t *testing.T) {
	deep := func(open, mid, close string, n int) string {
		var b []byte
		for i := 0; i < n; i++ {
			b = append(b, open...)
		}
		b = append(b, mid...)
		for i := 0; i < n; i++ {
			b = append(b, close...)
		}
		return string(b)
	}
	e, err := Parse(deep("(", "1", ")", 5000), nil)
	require.NoError(t, err)
	assert.Equal(t, "(1)", e.String())
	e, err = Parse(deep("", "1", " + @a", 5000), nil)
	require.NoError(t, err)
	assert.Equal(t, Num(5001), e.Eval(row{"a": Num(1)}))
	for _, src := range []string{
		deep("(", "1", ")", maxDepth+1),
		deep("!", "1", "", maxDepth+1),
		deep("abs(", "1", ")", maxDepth+1),
		deep("", "1", " + @a", maxDepth+1),
		deep("", "@a", " ^ @a", maxDepth+1),
	} {
		_, err := Parse(src, nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Syntax error at offset")
	}
}
