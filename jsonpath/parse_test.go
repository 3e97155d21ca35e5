package jsonpath

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mustParse parses a test document.
func mustParse(t testing.TB, s string) any {
	t.Helper()
	v, err := ParseString(s)
	require.NoError(t, err, s)
	return v
}

// js serializes compactly, for comparisons.
func js(v any) string { return string(Serialize(v)) }

// roundTrips are documents that serialize back to the same text; they also seed FuzzParse.
var roundTrips = []string{
	`null`, `true`, `false`, `0`, `-1`, `3`, `3.0`, `-0.0`, `0.1`, `1e20`, `1.5e300`, `1e-7`,
	`9223372036854775807`, `-9223372036854775808`, `1.7976931348623157e308`, `5e-324`,
	`1000000000000000.0`, `1e16`, `0.0001`, `0.00001`, `1e-6`, `123.456`,
	`""`, `"a"`, `"\"\\"`, `"\n\t\r\b\f"`, `"\u0001\u001f"`, `"/"`, `"é€😀"`, "\"\x7f\"",
	`[]`, `{}`, `[1,"a",null,true,2.5]`, `{"b":1,"a":2}`, `{"a":{"b":[{},[]]},"c":[[[]]]}`,
	`{"":""}`, `{"a b":{"c.d":[1,{"e":null}]}}`,
}

func TestParseSerializeRoundTrip(t *testing.T) {
	for _, in := range roundTrips {
		t.Run(in, func(t *testing.T) {
			v := mustParse(t, in)
			assert.Equal(t, in, js(v))
		})
	}
}

func TestParseNormalises(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{" { \"b\" : 1 ,\n\t\"a\" : [ 1 , 2 ] }\r\n", `{"b":1,"a":[1,2]}`},
		{`1E2`, `100.0`},
		{`1e+2`, `100.0`},
		{`2.50`, `2.5`},
		{`-0`, `0`},
		{`100e-2`, `1.0`},
		{`9223372036854775808`, `9.223372036854776e18`}, // past int64: a float
		{`-9223372036854775809`, `-9.223372036854776e18`},
		{`18446744073709551616000`, `1.8446744073709552e22`},
		{`1e-400`, `0.0`},
		{`"\/\u0041\u00e9\u20ac"`, `"/Aé€"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\u0000"`, `"\u0000"`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`}, // a repeated key keeps its place, last value wins
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, js(mustParse(t, tt.in)))
		})
	}
}

func TestParseTypes(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`3`, int64(3)},
		{`3.0`, float64(3)},
		{`-7`, int64(-7)},
		{`1e3`, float64(1000)},
		{`"x"`, "x"},
		{`true`, true},
		{`null`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, mustParse(t, tt.in))
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{``, "EOF while parsing a value at line 1 column 0"},
		{`   `, "EOF while parsing a value at line 1 column 3"},
		{`x`, "expected value at line 1 column 1"},
		{`1 2`, "trailing characters at line 1 column 3"},
		{`{}x`, "trailing characters at line 1 column 3"},
		{"\xef\xbb\xbf1", "expected value at line 1 column 1"},
		{`[1,]`, "trailing comma at line 1 column 4"},
		{`{"a":1,}`, "trailing comma at line 1 column 8"},
		{`[1 2]`, "expected `,` or `]` at line 1 column 4"},
		{`{"a":1 "b":2}`, "expected `,` or `}` at line 1 column 8"},
		{`{"a" 1}`, "expected `:` at line 1 column 6"},
		{`{1:2}`, "key must be a string at line 1 column 2"},
		{`[1`, "EOF while parsing a list at line 1 column 2"},
		{`{"a":1`, "EOF while parsing an object at line 1 column 6"},
		{`"abc`, "EOF while parsing a string at line 1 column 4"},
		{`tru`, "EOF while parsing a value at line 1 column 3"},
		{`trux`, "expected ident at line 1 column 4"},
		{`nul`, "EOF while parsing a value at line 1 column 3"},
		{`NaN`, "expected value at line 1 column 1"},
		{`01`, "invalid number at line 1 column 2"},
		{`-01`, "invalid number at line 1 column 3"},
		{`-`, "EOF while parsing a value at line 1 column 1"},
		{`-a`, "invalid number at line 1 column 2"},
		{`1.`, "EOF while parsing a value at line 1 column 2"},
		{`1.e3`, "invalid number at line 1 column 3"},
		{`1e`, "EOF while parsing a value at line 1 column 2"},
		{`1e+`, "EOF while parsing a value at line 1 column 3"},
		{`.5`, "expected value at line 1 column 1"},
		{`+1`, "expected value at line 1 column 1"},
		{`1e400`, "number out of range at line 1 column 5"},
		{`-1e400`, "number out of range at line 1 column 6"},
		{"\"a\x01\"", "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3"},
		{"\"a\nb\"", "control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0"},
		{`"\x"`, "invalid escape at line 1 column 3"},
		{`"\u12"`, "invalid escape at line 1 column 6"},
		{`"\u12g4"`, "invalid escape at line 1 column 6"},
		{`"\ud800"`, "unexpected end of hex escape at line 1 column 8"},
		{`"\ud800x"`, "unexpected end of hex escape at line 1 column 8"},
		{`"\ud800\u0041"`, "lone leading surrogate in hex escape at line 1 column 13"},
		{`"\udc00"`, "lone leading surrogate in hex escape at line 1 column 7"},
		{"\"\xff\"", "invalid UTF-8 in string at line 1 column 2"},
		{"[\n1,\n]", "trailing comma at line 3 column 1"},
		{`'a'`, "expected value at line 1 column 1"},
		{`[1,2]]`, "trailing characters at line 1 column 6"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseString(tt.in)
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestParseDepthLimit(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	v, err := ParseString(nest(MaxDepth - 1))
	require.NoError(t, err)
	assert.Equal(t, MaxDepth-1, Depth(v))

	_, err = ParseString(nest(MaxDepth))
	require.EqualError(t, err, "recursion limit exceeded at line 1 column 128")

	deepObj := strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth)
	_, err = ParseString(deepObj)
	require.ErrorContains(t, err, "recursion limit exceeded")

	// The limit is on depth, not on how many containers a document holds.
	wide := "[" + strings.Repeat(nest(100)+",", 50) + "1]"
	_, err = ParseString(wide)
	require.NoError(t, err)
}
