package jsonpath

import (
	"testing"
)

// FuzzParse checks that whatever parses serializes to JSON that parses back to the same
// value and the same text, compact or laid out.
func FuzzParse(f *testing.F) {
	for _, s := range roundTrips {
		f.Add(s)
	}
	f.Add(docsExample)
	f.Add(store)
	f.Add(`{"a":1,"a":2}`)
	f.Add(`"\ud83d\ude00\u0000"`)
	f.Add(`[1e400]`)
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseString(in)
		if err != nil {
			return
		}
		out := Serialize(v)
		v2, err := Parse(out)
		if err != nil {
			t.Fatalf("%q serialized to %q, which does not parse: %v", in, out, err)
		}
		if !Equal(v, v2) {
			t.Fatalf("%q serialized to %q, which parses to a different value", in, out)
		}
		if out2 := Serialize(v2); string(out2) != string(out) {
			t.Fatalf("%q: %q then %q", in, out, out2)
		}
		pretty := Format{Indent: "\t", Newline: "\n", Space: " "}.Serialize(v)
		v3, err := Parse(pretty)
		if err != nil || !Equal(v, v3) {
			t.Fatalf("%q laid out as %q does not read back: %v", in, pretty, err)
		}
	})
}

// FuzzCompile checks that no path text makes Compile panic, and that every path that
// compiles can be evaluated and applied to a document without panicking.
func FuzzCompile(f *testing.F) {
	for _, c := range compileCases {
		f.Add(c.in)
	}
	f.Add("$..[?(@.price < $.inventory.keyboards[0].price)].name")
	f.Add("$[?(@.s =~ @.p)]")
	f.Add("$[0:6:99999999999999999999]")
	base := mustParse(f, store)
	arr := mustParse(f, `[[1,2],{"a":[{"a":1}],"b":null},"s",3.5,[],{}]`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := Compile(in)
		if err != nil {
			return
		}
		for _, d := range []any{base, arr} {
			doc := Clone(d)
			got := p.Get(doc)
			if refs := p.Locate(doc); len(refs) != len(got) {
				t.Fatalf("%q: Get found %d, Locate %d", in, len(got), len(refs))
			}
			p.First(doc)
			_ = Serialize(got)
			doc, _, _ = Set(doc, p, int64(1), SetAlways)
			doc, _, _ = MergeAt(doc, p, mustParse(t, `{"m":null,"n":[1]}`))
			Delete(doc, p)
		}
	})
}
