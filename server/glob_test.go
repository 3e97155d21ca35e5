package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// globCases were checked against redis-server 7 with SET <key> + KEYS <pattern> (whose
// exact pattern "*" is a shortcut that also lists the empty key; the matcher itself does not
// match "" with "*", as Redis' stringmatchlen does not).
var globCases = []struct {
	pattern, s string
	want       bool
}{
	{"*", "anything", true},
	{"*", "", false},
	{"**", "", false},
	{"", "", true},
	{"?", "", false},
	{"?", "a", true},
	{"??", "a", false},
	{"a?c", "abc", true},
	{"a?c", "ac", false},
	{"a*", "a", true},
	{"a*", "abc", true},
	{"a*", "bac", false},
	{"*c", "abc", true},
	{"*b*", "abc", true},
	{"*b*", "ac", false},
	{"a*b*c", "aXbYc", true},
	{"a*b*c", "aXbY", false},
	{"h?llo", "hello", true},
	{"h*llo", "heeeello", true},
	{"h[ae]llo", "hallo", true},
	{"h[ae]llo", "hillo", false},
	{"h[^e]llo", "hallo", true},
	{"h[^e]llo", "hello", false},
	{"h[a-b]llo", "hbllo", true},
	{"h[b-a]llo", "hallo", true},
	{"h[a-b]llo", "hcllo", false},
	{"[abc", "a", true},
	{"[abc", "b", true},
	{"[abc", "abc", false},
	{"[", "[", false},
	{"[^", "x", true},
	{"[^", "", false},
	{"[]", "]", false},
	{"[]]", "]", false},
	{"[]a]", "a", false},
	{"[a-]", "-", false},
	{"[a-]", "a", true},
	{"[a-]x", "ax", false},
	{"[a-]", "]", true},
	{"\\*", "*", true},
	{"\\*", "a", false},
	{"a\\", "a\\", true},
	{"a\\", "a", false},
	{"\\", "\\", true},
	{"[\\]]", "]", true},
	{"[\\-]", "-", true},
	{"[a\\-z]", "b", false},
	{"[a\\-z]", "-", true},
	{"*\\*", "ab*", true},
	{"[!a]", "b", false},
	{"[!a]", "!", true},
	{"a**b", "ab", true},
	{"a**b", "axxb", true},
	{"***", "x", true},
	{"*?", "", false},
	{"*?", "x", true},
	{"?*", "x", true},
	{"foo*bar*", "foobar", true},
	{"foo*bar*", "foobazbarqux", true},
	{"a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	{"[a-\xff]", "\x80", false},
	{"[a-\xff]", "\xff", true},
	{"[a-\xff]", "0", true},
	{"[a-\xff]", "b", false},
	{"[\x80-\x90]", "\x85", true},
	{"[\x80-\x90]", "\x95", false},
	{"h\xe9llo", "h\xe9llo", true},
}

func TestGlob(t *testing.T) {
	for _, c := range globCases {
		assert.Equal(t, c.want, matchGlob(c.pattern, c.s, false), "%q ~ %q", c.pattern, c.s)
		assert.Equal(t, c.want, globReference(c.pattern, c.s, false), "reference: %q ~ %q", c.pattern, c.s)
	}
}

func TestGlobNocase(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"HeLLo", "hello", true},
		{"h[A-C]llo", "hbllo", true},
		{"h[a-c]llo", "HBLLO", true},
		{"[^A]", "a", false},
		{"\\A", "a", true},      // an escaped byte outside a set still folds
		{"[\\A]", "a", false},   // inside a set it compares exactly
		{"\xc9", "\xe9", false}, // only ASCII folds
	}
	for _, c := range cases {
		assert.Equal(t, c.want, matchGlob(c.pattern, c.s, true), "%q ~ %q", c.pattern, c.s)
		assert.Equal(t, c.want, globReference(c.pattern, c.s, true), "reference: %q ~ %q", c.pattern, c.s)
	}
}

// FuzzGlob compares matchGlob, which walks the pattern with Redis' early give-up, with
// globReference, which compiles the pattern to tokens first and matches them by dynamic
// programming: two different routes to the same rules.
func FuzzGlob(f *testing.F) {
	for _, c := range globCases {
		f.Add(c.pattern, c.s, false)
	}
	f.Add("*[A-Z]?", "xYz", true)
	f.Fuzz(func(t *testing.T, pattern, s string, nocase bool) {
		if len(pattern) > 64 || len(s) > 64 {
			return
		}
		if got, want := matchGlob(pattern, s, nocase), globReference(pattern, s, nocase); got != want {
			t.Fatalf("matchGlob(%q, %q, %v) = %v, reference says %v", pattern, s, nocase, got, want)
		}
	})
}

// globToken is one compiled pattern element: a star, any byte, or a set of bytes.
type globToken struct {
	star, any bool
	set       [256]bool
}

// globReference is the test's own statement of Redis' glob rules. A star matches any run of
// bytes, except that an empty string matches only an empty pattern (stringmatchlen never
// enters its loop for it). Sets end at the first unescaped ']' or at the end of the pattern;
// "x-y" inside a set is a range when a byte follows the '-', with bounds as signed chars.
func globReference(pattern, s string, nocase bool) bool {
	if s == "" {
		return pattern == ""
	}
	toks := compileGlob(pattern, nocase)
	// ok[i][j]: tokens i.. match s[j:].
	ok := make([][]bool, len(toks)+1)
	for i := range ok {
		ok[i] = make([]bool, len(s)+1)
	}
	ok[len(toks)][len(s)] = true
	for i := len(toks) - 1; i >= 0; i-- {
		for j := len(s); j >= 0; j-- {
			tk := toks[i]
			switch {
			case tk.star:
				ok[i][j] = ok[i+1][j] || (j < len(s) && ok[i][j+1])
			case j < len(s):
				ok[i][j] = (tk.any || tk.set[s[j]]) && ok[i+1][j+1]
			}
		}
	}
	return ok[0][0]
}

func compileGlob(p string, nocase bool) []globToken {
	fold := func(c int) int {
		if nocase && 'A' <= c && c <= 'Z' {
			return c + 32
		}
		return c
	}
	literal := func(b byte) (t globToken) {
		for c := range 256 {
			t.set[c] = fold(c) == fold(int(b))
		}
		return t
	}
	var toks []globToken
	for i := 0; i < len(p); {
		switch {
		case p[i] == '*':
			if len(toks) == 0 || !toks[len(toks)-1].star {
				toks = append(toks, globToken{star: true})
			}
			i++
		case p[i] == '?':
			toks = append(toks, globToken{any: true})
			i++
		case p[i] == '\\' && i+1 < len(p):
			toks = append(toks, literal(p[i+1]))
			i += 2
		case p[i] == '[':
			var t globToken
			i = compileSet(p, i+1, &t, fold)
			toks = append(toks, t)
		default:
			toks = append(toks, literal(p[i]))
			i++
		}
	}
	return toks
}

// compileSet fills t from the set starting at p[i] and returns the index after it.
func compileSet(p string, i int, t *globToken, fold func(int) int) int {
	negate := i < len(p) && p[i] == '^'
	if negate {
		i++
	}
	var in [256]bool
	for i < len(p) && p[i] != ']' {
		switch {
		case p[i] == '\\' && i+1 < len(p):
			in[p[i+1]] = true
			i += 2
		case i+2 < len(p) && p[i+1] == '-':
			lo, hi := int(int8(p[i])), int(int8(p[i+2]))
			if lo > hi {
				lo, hi = hi, lo
			}
			lo, hi = fold(lo), fold(hi)
			for c := range 256 {
				if x := fold(int(int8(c))); lo <= x && x <= hi {
					in[c] = true
				}
			}
			i += 3
		default:
			for c := range 256 {
				if fold(c) == fold(int(p[i])) {
					in[c] = true
				}
			}
			i++
		}
	}
	if i < len(p) {
		i++ // the ']'
	}
	for c := range 256 {
		t.set[c] = in[c] != negate
	}
	return i
}
