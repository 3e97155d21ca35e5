package jsonpath

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFormatMatrix replays RedisJSON's testGetFormatting: every INDENT × NEWLINE × SPACE
// combination on {"obj":{"f":"v"}} and {"arr":[0,1]}.
func TestFormatMatrix(t *testing.T) {
	docs := []struct{ doc, layout string }{
		{`{"obj":{"f":"v"}}`, `{<n><i>"obj":<s>{<n><i><i>"f":<s>"v"<n><i>}<n>}`},
		{`{"arr":[0,1]}`, `{<n><i>"arr":<s>[<n><i><i>0,<n><i><i>1<n><i>]<n>}`},
	}
	for _, space := range []string{"", " ", "\t", "  "} {
		for _, indent := range []string{"", " ", "\t", "  "} {
			for _, newline := range []string{"", "\n", "\r\n"} {
				for _, d := range docs {
					want := strings.NewReplacer("<n>", newline, "<i>", indent, "<s>", space).Replace(d.layout)
					f := Format{Indent: indent, Newline: newline, Space: space}
					assert.Equal(t, want, string(f.Serialize(mustParse(t, d.doc))), "%q %q %q", indent, newline, space)
				}
			}
		}
	}
}

func TestFormatLayout(t *testing.T) {
	pretty := Format{Indent: "\t", Newline: "\n", Space: " "}
	tests := []struct {
		name string
		f    Format
		in   string
		want string
	}{
		{"empty containers stay closed", pretty, `{"a":{},"b":[],"c":[{}]}`,
			"{\n\t\"a\": {},\n\t\"b\": [],\n\t\"c\": [\n\t\t{}\n\t]\n}"},
		{"scalar", pretty, `"x"`, `"x"`},
		{"nested arrays", pretty, `[[1,[2]],3]`, "[\n\t[\n\t\t1,\n\t\t[\n\t\t\t2\n\t\t]\n\t],\n\t3\n]"},
		{"indent without newline", Format{Indent: "_"}, `{"a":[1]}`, `{_"a":[__1_]}`},
		{"space only", Format{Space: " "}, `{"a":{"b":1}}`, `{"a": {"b": 1}}`},
		{"newline only", Format{Newline: "\n"}, `[1,{"a":2}]`, "[\n1,\n{\n\"a\":2\n}\n]"},
		{"key order kept", Format{}, `{"z":1,"a":2,"m":3}`, `{"z":1,"a":2,"m":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, string(tt.f.Serialize(mustParse(t, tt.in))))
		})
	}
}

func TestFormatFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{3, "3.0"},
		{-3, "-3.0"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{0.1, "0.1"},
		{0.3, "0.3"},
		{1.0 / 3, "0.3333333333333333"},
		{2.5, "2.5"},
		{100, "100.0"},
		{123456.789, "123456.789"},
		{1e15, "1000000000000000.0"},
		{1e16, "1e16"},
		{1.5e16, "1.5e16"},
		{1234567890123456.7, "1234567890123456.8"},
		{1e20, "1e20"},
		{-1e20, "-1e20"},
		{1.5e300, "1.5e300"},
		{1.6350000000001313e+308, "1.6350000000001313e308"},
		{math.MaxFloat64, "1.7976931348623157e308"},
		{1e-4, "0.0001"},
		{1.5e-5, "0.000015"},
		{1e-5, "0.00001"},
		{1e-6, "1e-6"},
		{1.25e-7, "1.25e-7"},
		{5e-324, "5e-324"},
		{9.223372036854776e18, "9.223372036854776e18"},
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, FormatFloat(tt.in))
		})
	}
}

func TestAppendString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\x7f", "\"\x7f\""},
		{"/", `"/"`},
		{"ü→😀", `"ü→😀"`},
		{"<&>", `"<&>"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, string(AppendString(nil, tt.in)))
		})
	}
}

func TestSerializeMatchList(t *testing.T) {
	// Path.Get results print as the array JSON.GET replies with.
	doc := mustParse(t, `{"a":2,"b":3.0,"nested":{"a":"x","b":null}}`)
	assert.Equal(t, `[2,"x"]`, js(MustCompile("$..a").Get(doc)))
	assert.Equal(t, `[3.0,null]`, js(MustCompile("$..b").Get(doc)))
	assert.Equal(t, `[]`, js([]any{}))
	assert.Equal(t, "[\n  2\n]", string(Format{Indent: "  ", Newline: "\n"}.Serialize([]any{int64(2)})))
	assert.Panics(t, func() { Serialize(struct{}{}) })
}
