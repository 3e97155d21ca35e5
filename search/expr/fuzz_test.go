package expr

import (
	"errors"
	"testing"
)

var fuzzRow = row{
	"n":   Num(10),
	"f":   Num(-2.5),
	"big": Num(1e300),
	"s":   Str("abc"),
	"ns":  Str("7"),
	"t":   Num(1517417144),
	"geo": Str("1.23,4.56"),
	"nul": {},
	"arr": List([]Value{Str("x"), Num(1)}),
}

// hardInputs are inputs at the edges of the functions' arguments (and any the fuzzer
// found): they must parse and evaluate without a panic.
var hardInputs = []string{
	"substr('abc', 1e300, -1e300)",
	"timefmt(-1e300, '%G%V%g')",
	"parsetime('99999999999999999999999', '%s')",
	"geodistance(1e308, 1e308, -1e308, 0/0)",
	"split(format('%s', @arr), '', @s)",
	"day(@big) + month(0/0) + hour(-0)",
	"parsetime('1 53 0', '%w %U %w')",
	"parsetime('366', '%Y%j')",
	"timefmt(@t, '%2147483647Y')",
}

func FuzzParseEval(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	for _, s := range hardInputs {
		f.Add(s)
	}
	f.Add("case(exists(@x), @n / @f, format('%s=%s', @s, @t)) == timefmt(@t, '%c')")
	f.Add("geodistance(@geo, $p, 4.5) > 1 && parsetime(timefmt(@t), '%FT%TZ')")
	f.Fuzz(func(t *testing.T, src string) {
		for _, params := range []map[string]string{nil, {"p": "1.25", "q": "x'y"}} {
			e, err := Parse(src, params)
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) || pe.Msg == "" {
					t.Fatalf("%q: error %v is not a parse error", src, err)
				}
				continue
			}
			e.Properties()
			_ = e.String()
			for _, m := range []Mode{Query, Index} {
				v, err := e.Evaluate(fuzzRow, m)
				if err != nil && v.Kind != Null {
					t.Fatalf("%q: a value with an error", src)
				}
				_ = v.Format()
				v.Truthy()
				if Compare(v, v) != 0 {
					t.Fatalf("%q: %+v does not compare equal to itself", src, v)
				}
			}
		}
	})
}

func TestHardInputs(t *testing.T) {
	for _, s := range hardInputs {
		e, err := Parse(s, nil)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		e.Evaluate(fuzzRow, Query)
		e.Evaluate(fuzzRow, Index)
	}
}
