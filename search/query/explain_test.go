package query

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// explainOpts is an index of TEXT fields a, b (NOSTEM) and c (PHONETIC), with a stemmer
// that cuts a final "s" and phonetic codes that upper-case the word.
func explainOpts(dialect int) ExplainOptions {
	return ExplainOptions{
		Dialect:    dialect,
		TextFields: []ExplainField{{Name: "a"}, {Name: "b", NoStem: true}, {Name: "c", Phonetic: true}},
		Stem: func(w string) (string, bool) {
			if len(w) > 1 && w[len(w)-1] == 's' {
				return w[:len(w)-1], true
			}
			return w, true
		},
		Phonetic: func(w string) []string { return []string{"P" + w} },
		FoldTag:  func(f string) bool { return f != "cs" },
	}
}

func TestExplainLayout(t *testing.T) {
	cases := []struct {
		query   string
		dialect int
		want    string
	}{
		{"@a:cats", 2, "@a:UNION {\n  @a:cats\n  @a:+cat(expanded)\n  @a:cat(expanded)\n}\n"},
		{"@b:cats", 2, "@b:cats\n"},
		{"@a|b:cats", 2, "@a|b:UNION {\n  @a|b:cats\n  @a:+cat(expanded)\n  @a:cat(expanded)\n}\n"},
		{"@b|a:cats", 2, "@a|b:UNION {\n  @a|b:cats\n  @a:+cat(expanded)\n  @a:cat(expanded)\n}\n"},
		{"@c:dog", 2, "@c:UNION {\n  @c:dog\n  @c:<Pdog(expanded)\n  @c:+dog(expanded)\n}\n"},
		{"@c:dog=>{$phonetic: false}", 2, "@c:UNION {\n  @c:dog\n  @c:+dog(expanded)\n}\n"},
		{"@a:dog=>{$phonetic: true}", 2, "@a:UNION {\n  @a:dog\n  @a:+dog(expanded)\n}\n"},
		{"dog", 2, "UNION {\n  dog\n  <Pdog(expanded)\n  +dog(expanded)\n}\n"},
		// Nested modifiers intersect; none left is @NULL, where nothing is expanded.
		{"@a:(@b:x)", 1, "@NULL:x\n"},
		{"@nope:x", 1, "@NULL:x\n"},
		{"@a:@n:[1 2]", 1, "NUMERIC {1.000000 <= @n <= 2.000000}\n"},
		{"@nope:@n:[1 2]", 1, "@NULL:NUMERIC {1.000000 <= @n <= 2.000000}\n"},
		{"@a:(x -y)", 1, "@a:INTERSECT {\n  @a:UNION {\n    @a:x\n    @a:+x(expanded)\n  }\n  @a:NOT{\n    @a:UNION {\n      @a:y\n      @a:+y(expanded)\n    }\n  }\n}\n"},
		{"@a:(pre* | *suf | *in* | %fz% | w'p\\?t')", 2,
			"@a:UNION {\n  @a:PREFIX{pre*}\n  @a:SUFFIX{*suf}\n  @a:INFIX{*in*}\n  @a:FUZZY{fz}\n  @a:WILDCARD{p?t}\n}\n"},
		{"Pre*", 2, "PREFIX{Pre*}\n"},
		{"%%Fuzz%%", 2, "FUZZY{fuzz}\n"},
		{`@a:"x y"=>{$slop: 2}`, 2, "@a:EXACT {\n  @a:x\n  @a:y\n} => { $slop: 2; $inorder: false; }\n"},
		{`"x y"=>{$inorder: false}`, 2, "EXACT {\n  x\n  y\n}\n"},
		{`"X"`, 1, "x\n"},
		{`"X"`, 2, "EXACT {\n  x\n}\n"},
		{`""`, 2, "\"\"\n"},
		{"(a | b)=>{$weight: 0.5}", 2, "UNION {\n  UNION {\n    a\n    <Pa(expanded)\n    +a(expanded)\n  }\n  UNION {\n    b\n    <Pb(expanded)\n    +b(expanded)\n  }\n} => { $weight: 0.5; }\n"},
		{"(~x)=>{$weight: 2}", 2, "OPTIONAL{\n  UNION {\n    x\n    <Px(expanded)\n    +x(expanded)\n  }\n} => { $weight: 2; }\n"},
		{"(-x)=>{$weight: 3}", 2, "NOT{\n  UNION {\n    x\n    <Px(expanded)\n    +x(expanded)\n  }\n} => { $weight: 3; }\n"},
		{"@t:{A | Bc* | *D | *E* | w'F\\'?' | \"\"} @cs:{Up}", 2,
			"INTERSECT {\n  TAG:@t {\n    a\n    PREFIX{bc*}\n    SUFFIX{*d}\n    INFIX{*e*}\n    WILDCARD{f'?}\n    \"\"\n  }\n  TAG:@cs {\n    Up\n  }\n}\n"},
		{"@g:[1 -2.5 300 MI]", 2, "GEO g:{1.000000,-2.500000 --> 300.000000 mi}\n"},
		{"@n:[(1 (2]=>{$weight: 2}", 2, "NUMERIC {1.000000 < @n < 2.000000} => { $weight: 2; }\n"},
		{"ismissing(@f)", 2, "ISMISSING{f}\n"},
		{"*", 1, "<WILDCARD>\n"},
		{"", 1, "<empty>\n"},
		{"(@a:x)=>[KNN $k @v $B EF_RUNTIME 5 EPSILON 0.01 HYBRID_POLICY ADHOC_BF AS d]=>{$weight: 2}", 2,
			"VECTOR {\n  @a:UNION {\n    @a:x\n    @a:+x(expanded)\n  }\n} => {K=7 nearest vectors to `$B` in vector index associated with field @v, EF_RUNTIME = 5, EPSILON = 0.01, HYBRID_POLICY = ADHOC_BF, yields distance as `d`} => { $weight: 2; }\n"},
		{"*=>[KNN 3 @v $B BATCH_SIZE 50]=>{$yield_distance_as: dd; $ef_runtime: 9}", 2,
			"VECTOR {K=3 nearest vectors to `$B` in vector index associated with field @v, BATCH_SIZE = 50, ef_runtime = 9, yields distance as `dd`}\n"},
		{"@v:[VECTOR_RANGE 0.123456789 $B]", 2,
			"VECTOR {Vectors that are within 0.123457 distance radius from `$B` in vector index associated with field @v}\n"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			n, err := Parse(c.query, Options{Dialect: c.dialect, Params: map[string]string{"k": "7", "B": "blob"}})
			require.NoError(t, err)
			assert.Equal(t, c.want, Explain(n, explainOpts(c.dialect)))
		})
	}
}

func TestExplainVerbatimAndBareOptions(t *testing.T) {
	n, err := Parse("@a:cats dogs", Options{Dialect: 2})
	require.NoError(t, err)
	o := explainOpts(2)
	o.Verbatim = true
	assert.Equal(t, "INTERSECT {\n  @a:cats\n  dogs\n}\n", Explain(n, o))
	// No stemmer, phonetics or tag folding known: words and values as they are.
	n, err = Parse("Dogs @t:{Up}", Options{Dialect: 2})
	require.NoError(t, err)
	assert.Equal(t, "INTERSECT {\n  dogs\n  TAG:@t {\n    Up\n  }\n}\n", Explain(n, ExplainOptions{}))
}

func TestIsNumberWord(t *testing.T) {
	for s, want := range map[string]bool{
		"1": true, "-1": true, "+1.5": true, "1.": true, ".5": true, "1e3": true, "1.5E-3": true,
		"inf": true, "-INF": true, "+inf": true,
		"": false, ".": false, "1e": false, "--1": false, "1a": false, "e3": false, "nan": false,
		"infinity": false, "1.2.3": false, "abc": false,
	} {
		assert.Equal(t, want, isNumberWord(s), s)
	}
}

func TestRemoveEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`abc`: "abc", `a\'b`: "a'b", `a\\b`: `a\b`, `a\`: "a", `\*x\?`: "*x?",
	} {
		assert.Equal(t, want, removeEscapes(in), in)
	}
}
