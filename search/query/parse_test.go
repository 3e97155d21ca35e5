package query

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testParams are the PARAMS every case gets.
var testParams = map[string]string{
	"w": "hello", "n": "5", "neg": "-4", "f": "2.5", "k": "3", "blob": "\x00\x01binary",
	"dash": "x-y", "empty": "", "bad": "abc", "inf": "inf", "ninf": "-inf", "excl": "(7",
	"pol": "batches", "km": "KM", "d": "my_dist", "pat": "fo?*",
}

// testStop is a small stop-word list; "a", "b", "c" are not in it.
func testStop(w string) bool {
	switch w {
	case "the", "is", "as", "of", "with", "for", "to":
		return true
	}
	return false
}

func testOptions(dialect int) Options {
	return Options{Dialect: dialect, Params: testParams, IsStopWord: testStop}
}

// parseCases drive TestParse, the round-trip property and FuzzParse's seeds. want is dump()
// of the tree, or "ERR " and the error's text. Expectations come from RediSearch's tests
// (tests/pytests/test_parser.py, test_dialect.py, tests/cpptests/test_cpp_query.cpp), the
// redis.io query syntax pages, and, where neither says, from working through RediSearch's
// grammars (query_parser/v1 and v2/parser.y).
var parseCases = []struct {
	d    int
	q    string
	want string
}{
	// Words, separators and escapes.
	{1, "hello", "hello"},
	{2, "hello", "hello"},
	{2, "Hello World", "AND(Hello, World)"},
	{1, "hello world&good+bye foo.bar", "AND(hello, world, good, bye, foo, bar)"},
	{2, "hello world&good+bye foo.bar", "AND(hello, world, good, bye, foo, bar)"},
	{2, `hello\-world hello-world`, "AND(hello-world, hello, NOT(world))"},
	{2, `foo\ bar under_score`, `AND("foo bar", under_score)`},
	{2, "abc!", "abc"},
	{2, "שלום עולם", "AND(שלום, עולם)"},
	{2, "", "EMPTY"},
	{1, "   ", "EMPTY"},
	{2, `""`, `""`},
	{2, "705 inf 1.2e+3", "AND(inf, 1.2e+3, 705)"}, // numbers bind tighter than AND: 705 (inf 1.2e+3)
	{1, "1.2e+3", "AND(1.2, e, 3)"},
	{2, "-1 -inf", "AND(-1, -inf)"},
	{2, "-information", "AND(-inf, ormation)"},
	{1, "hello 13 again", "AND(hello, 13, again)"},

	// Stop words: dropped from intersections and unions, kept in dialect 2 phrases.
	{2, "the", "EMPTY"},
	{2, "is | the", "EMPTY"},
	{2, "the quick fox", "AND(quick, fox)"},
	{2, "The fox", "fox"},
	{2, "a|for|is", "a"},
	{2, "-the", "EMPTY"},
	{2, "~as a", "a"},
	{2, "@f:the b", "b"},
	{2, "the=>{$weight: 2}", "EMPTY"},
	{2, "the=>{$bogus: 2} a", "a"},
	{2, `"the quick fox"`, `"the quick fox"`},
	{1, `"quick fox the"`, `"quick fox"`},
	{1, `"the quick fox"`, "ERR Syntax error at offset 1 near the"},
	{1, `"quick the fox"`, "ERR Syntax error at offset 7 near the"},
	{2, "(the)=>[KNN 3 @v $blob]", "KNN(3 @v $blob | *)"},
	{2, "@t:{the | as}", "TAG(@t the | as)"},
	{1, "@t:{the | as}", "TAG(@t the | as)"},
	{2, "%the%", "FUZZY1(the)"},
	{1, "%the%", "FUZZY1(the)"},

	// Exact phrases.
	{2, `"hello world"`, `"hello world"`},
	{2, `"hello"`, `"hello"`},
	{1, `"hello"`, `"hello"`},
	{1, `"hello world"`, `"hello world"`},
	{2, `"a-b c.d, e\-f"`, `"a b c d e-f"`},
	{2, `'single quoted'`, `"single quoted"`},
	{2, `"say \"hi\""`, `"say \"hi\""`},
	{2, `"$w"`, `"$w"`},
	{1, `"$w"`, "ERR Syntax error at offset 1 near w"},
	{1, `"a-b"`, "ERR Syntax error at offset 2 near a"},
	{2, `" "`, `""`},
	{2, `"foo`, "ERR Syntax error at offset 0 near "},
	{2, "it's a dog's life", `AND(it, "s a dog", s, life)`},
	{2, `"hello world"=>{$slop: 2; $inorder: true}`, `"hello world"=>{slop=2,inorder=true}`},

	// Affixes, wildcards, fuzzy.
	{2, "hel*", "PREFIX(hel)"},
	{1, "hel*", "PREFIX(hel)"},
	{2, "*llo", "SUFFIX(llo)"},
	{1, "*llo", "SUFFIX(llo)"},
	{2, "*ll*", "INFIX(ll)"},
	{1, "*ll*", "INFIX(ll)"},
	{2, "*1*", "INFIX(1)"},
	{2, `foo\-*`, "PREFIX(foo-)"},
	{2, `"foo bar"*`, `PREFIX("foo bar")`},
	{2, `*"foo bar"`, `SUFFIX("foo bar")`},
	{2, `*"foo bar"*`, `INFIX("foo bar")`},
	{2, "$w*", "PREFIX(hello)"},
	{2, "*$w*", "INFIX(hello)"},
	{2, "foo*bar", "AND(PREFIX(foo), bar)"},
	{2, "*", "*"},
	{1, "*", "*"},
	{2, "*-*", "ERR Syntax error at offset 1 near "},
	{2, "a *", "ERR Syntax error at offset 2 near a"},
	{2, "w'fo?*'", "WILDCARD(fo?*)"},
	{2, `w"it's"`, "WILDCARD(it's)"},
	{2, `w'\\x\''`, `WILDCARD(\\x\')`},
	{2, "w'$pat'", "WILDCARD(fo?*)"},
	{1, "w'abc?'", "AND(w, abc)"},
	{2, `@t1:(*a\w's')`, "@t1:(AND(SUFFIX(a), WILDCARD(s)))"},
	{2, "%hello%", "FUZZY1(hello)"},
	{2, "%%hello%%", "FUZZY2(hello)"},
	{1, "%%%hello%%%", "FUZZY3(hello)"},
	{2, "%$w%", "FUZZY1(hello)"},
	{2, `%"foo bar"%`, `FUZZY1("foo bar")`},
	{2, "%%%%hello%%%%", "ERR Syntax error at offset 3 near "},
	{2, "%%hello%", "ERR Syntax error at offset 7 near hello"},

	// Parameters.
	{2, "$w", "hello"},
	{2, "$n", "5"},
	{2, "$dash", "x-y"},
	{1, "$w", "ERR Syntax error at offset 0 near w"},
	{2, "a $missing", "ERR No such parameter `missing`"},
	{2, "$missing )", "ERR Syntax error at offset 9 near missing"},
	{2, "$w $w2", "ERR No such parameter `w2`"},

	// Precedence and grouping: dialect 1.
	{1, "hello world | goodbye moon", "OR(AND(hello, world), AND(goodbye, moon))"},
	{1, `hello world | "goodbye" moon`, `AND(OR(AND(hello, world), "goodbye"), moon)`},
	{1, `hello world | goodbye "moon"`, `AND(OR(AND(hello, world), goodbye), "moon")`},
	{1, `"hello" "world" | "goodbye" "moon"`, `AND("hello", OR("world", "goodbye"), "moon")`},
	{1, `("hello" "world")|(("hello" "world")|("hallo" "world"|"werld") | "hello" "world" "werld")`,
		`OR(AND("hello", "world"), AND(OR(AND("hello", "world"), AND("hallo", OR("world", "werld")), "hello"), "world", "werld"))`},
	{1, `hello | "world" again`, `AND(OR(hello, "world"), again)`},
	{1, `hello | -"world" again`, `OR(hello, NOT(AND("world", again)))`},
	{1, `hello ~-"world" ~again`, `AND(hello, OPT(NOT("world")), OPT(again))`},
	{1, "a b | c", "OR(AND(a, b), c)"},
	{1, "-a b", "NOT(AND(a, b))"},
	{1, "~a b", "OPT(AND(a, b))"},
	{1, "a b 1 | c", "AND(a, b, OR(1, c))"},
	{1, "a b 1 c", "AND(a, b, AND(1, c))"},
	{1, "(a | b) c d", "AND(OR(a, b), AND(c, d))"},
	{1, `-a "b"`, `AND(NOT(a), "b")`},
	{1, `-"a" b`, `NOT(AND("a", b))`},
	{1, `~"a" b`, `OPT(AND("a", b))`},
	{1, "~a | b", "OPT(OR(a, b))"},
	{1, "a -b c", "AND(a, NOT(AND(b, c)))"},
	{1, "-a the b", "NOT(AND(a, b))"},
	{1, "--hello", "hello"},
	{1, "hello ~world ~war", "AND(hello, OPT(world), OPT(war))"},
	{1, "foo -bar -(bar baz)", "AND(foo, NOT(bar), NOT(AND(bar, baz)))"},
	{1, "(hello|world) and \"another world\" (foo is bar) -(baz boo*)",
		`AND(OR(hello, world), and, "another world", AND(foo, bar), NOT(AND(baz, PREFIX(boo))))`},

	// Precedence and grouping: dialect 2.
	{2, "hello world | goodbye moon", "OR(AND(hello, world), AND(goodbye, moon))"},
	{2, `hello world | "goodbye" moon`, `OR(AND(hello, world), AND("goodbye", moon))`},
	{2, `"hello" "world" | "goodbye" "moon"`, `OR(AND("hello", "world"), AND("goodbye", "moon"))`},
	{2, `("hello" "world")|(("hello" "world")|("hallo" "world"|"werld") | "hello" "world" "werld")`,
		`OR(AND("hallo", "world"), "werld", AND("hello", "world"), AND("hello", "world", "werld"), AND("hello", "world"))`},
	{2, `hello | "world" again`, `OR(hello, AND("world", again))`},
	{2, `hello | -"world" again`, `OR(hello, AND(NOT("world"), again))`},
	{2, `hello ~-"world" ~again`, `AND(hello, OPT(NOT("world")), OPT(again))`},
	{2, "foo bar baz", "AND(foo, bar, baz)"},
	{2, "(foo bar) baz", "AND(foo, bar, baz)"},
	{2, "baz (foo bar)", "AND(foo, bar, baz)"},
	{2, "a | b | c", "OR(a, b, c)"},
	{2, "a | (b | c)", "OR(b, c, a)"},
	{2, "-a b", "AND(NOT(a), b)"},
	{2, "-a 12", "NOT(AND(a, 12))"},
	{2, "-a b*", "NOT(AND(a, PREFIX(b)))"},
	{2, "-a %b% c", "AND(NOT(AND(a, FUZZY1(b))), c)"},
	{2, "~a b", "AND(OPT(a), b)"},
	{2, "--hello", "hello"},
	{2, "---hello", "NOT(hello)"},
	{2, "(-foo)", "NOT(foo)"},
	{2, "a -b=>{$weight: 2}", "AND(a, NOT(b=>{weight=2}))"},
	{2, "(a b)=>{$slop: 1} c", "AND(a, b, c)=>{slop=1}"},
	{2, "(hello|world) and \"another world\" (foo is bar) -(baz boo*)",
		`AND(OR(hello, world), and, "another world", AND(foo, bar), NOT(AND(baz, PREFIX(boo))))`},
	{2, "()", "ERR Syntax error at offset 1 near "},
	{2, "(foo", "ERR Syntax error at offset 1 near foo"},
	{2, "foo)", "ERR Syntax error at offset 3 near foo"},
	{2, "a | | b", "ERR Syntax error at offset 4 near a"},

	// Field modifiers.
	{1, "@t1:hello world @t2:howdy", "AND(@t1:(AND(hello, world)), @t2:(howdy))"},
	{2, "@t1:hello world @t2:howdy", "AND(@t1:(hello), world, @t2:(howdy))"},
	{1, "@t1:(hello|world|mars)", "@t1:(OR(hello, world, mars))"},
	{2, "@t1:(hello|world|mars)", "@t1:(OR(hello, world, mars))"},
	{1, "@t1:hello=>{$weight:5} world", "AND(@t1:(hello=>{weight=5}), world)"},
	{2, "@t1:hello=>{$weight:5} world", "AND(@t1:(hello=>{weight=5}), world)"},
	{1, "@f:a | b", "@f:(OR(a, b))"},
	{2, "@f:a | b", "OR(@f:(a), b)"},
	{1, "@f:a -b", "AND(@f:(a), NOT(b))"},
	{2, "@f:a b*", "@f:(AND(a, PREFIX(b)))"},
	{2, "@f:a %b%", "@f:(AND(a, FUZZY1(b)))"},
	{2, "@f:a $w", "@f:(AND(a, hello))"},
	{2, "@f:a 12", "@f:(AND(a, 12))"},
	{2, `@f:a "b"`, `AND(@f:(a), "b")`},
	{2, "@f|g:(text value)", "@f|g:(AND(text, value))"},
	{1, "@f|g|h:x", "@f|g|h:(x)"},
	{2, `@Business\:\-\ Name:Wells Fargo`, "AND(@Business:- Name:(Wells), Fargo)"},
	{2, "@title:-foo", "@title:(NOT(foo))"},
	{2, "-@title:foo", "NOT(@title:(foo))"},
	{2, "@title:", "ERR Syntax error at offset 6 near title"},
	{2, "@body|title", "ERR Syntax error at offset 6 near title"},
	{2, "@title:@num:[0 10]", "ERR Syntax error at offset 7 near num"},
	{2, "@title:(@num:[0 10])", "ERR Syntax error at offset 8 near num"},
	{2, "@t1:@t2:@t3:hello", "ERR Syntax error at offset 4 near t2"},
	{1, "@t1:@t2:@t3:hello", "@t1:(@t2:(@t3:(hello)))"},
	{1, "@title:(@bar:[0 10])", "@title:(NUM(@bar [0 10]))"},
	{2, "@a|b:{x}", "ERR Syntax error at offset 5 near b"},
	{1, "@b|the|c:setup", "ERR Syntax error at offset 3 near the"},
	{1, `@f:"the"`, "ERR Syntax error at offset 4 near the"},
	{2, `@f:"the"`, `@f:("the")`},
	{2, "@a|as|ismissing|1:x", "@a|as|ismissing|1:(x)"},

	// Tags.
	{2, "@t:{foo}", "TAG(@t foo)"},
	{1, "@t:{foo}", "TAG(@t foo)"},
	{2, `@t:{foo|bar\ baz|boo}`, `TAG(@t foo | "bar baz" | boo)`},
	{1, `@t:{foo | bar\ baz | boo}`, `TAG(@t foo | "bar baz" | boo)`},
	{2, "@t:{cat with dog}", `TAG(@t "cat with dog")`},
	{1, "@t:{cat dog with}", `TAG(@t "cat dog")`},
	{1, "@t:{cat with dog}", "ERR Syntax error at offset 16 near dog"},
	{1, "@t:{with dog}", "ERR Syntax error at offset 12 near dog"},
	{2, "@t:{x y | *ple }", `TAG(@t "x y" | SUFFIX(ple))`},
	{2, "@t:{ba* | *pl* | w'a?c'}", "TAG(@t PREFIX(ba) | INFIX(pl) | WILDCARD(a?c))"},
	{1, `@t:{foo\-*}`, "TAG(@t PREFIX(foo-))"},
	{2, `@t:{"a b" | c}`, `TAG(@t "a b" | c)`},
	{2, `@t:{"" | x}`, `TAG(@t "" | x)`},
	{2, `@t:{"a\"b"}`, `TAG(@t "a\"b")`},
	{2, "@t:{Foo}", "TAG(@t Foo)"},
	{2, "@t:{$w | $dash}", "TAG(@t hello | x-y)"},
	{2, "@t:{1.5 | -2 | as | ismissing}", "TAG(@t 1.5 | -2 | as | ismissing)"},
	{2, "@t:{a,b}", `TAG(@t "a b")`},
	{2, "@t:{a-b}", "ERR Syntax error at offset 5 near a"},
	{2, "@t:{}", "ERR Syntax error at offset 4 near t"},
	{2, `@t:{foo|bar\ baz|}`, `ERR Syntax error at offset 17 near bar\ baz`},
	{2, "@title:{foo}}}}}", "ERR Syntax error at offset 12 near foo"},
	{1, "@title:{foo}}}}}", "TAG(@title foo)"},
	{1, "@t:{a} | b", "TAG(@t a | b)"},
	{1, "@t:{a", "TAG(@t a)"},
	{1, "@t:{a} | @f:b", "ERR Syntax error at offset 9 near f"},
	{2, "@t:{a} | @f:b", "OR(TAG(@t a), @f:(b))"},
	{2, "{foo|bar}", "ERR Syntax error at offset 0 near "},
	{2, "@t:{foo | bar} => {$weight: 0.5;}", "TAG(@t foo | bar)=>{weight=0.5}"},

	// Numeric ranges and comparisons.
	{1, "@n:[1 2]", "NUM(@n [1 2])"},
	{2, "@n:[1 2]", "NUM(@n [1 2])"},
	{2, "@n:[(1 (2]", "NUM(@n [(1 (2])"},
	{1, "@n:[(1 (2]", "NUM(@n [(1 (2])"},
	{2, "@n:[-inf +inf]", "NUM(@n [-Inf +Inf])"},
	{1, "@n:[-inf inf]", "NUM(@n [-Inf +Inf])"},
	{2, "@n:[100 -inf]", "ERR Invalid numeric range (min > max): @n:[100.000000 -inf]"},
	{1, "@num:[-0.02 -.01]", "ERR Invalid numeric range (min > max): @num:[-0.020000 -1.000000]"},
	{2, "@num:[-0.02 -.01]", "NUM(@num [-0.02 -0.01])"},
	{1, "@num:[0 .1e1]", "NUM(@num [0 10])"},
	{2, "@num:[0 .1e1]", "NUM(@num [0 1])"},
	{2, "@num:[-1.e-1 +1.e+2]", "NUM(@num [-0.1 100])"},
	{1, "@num:[-1e-1 1e+1]", "ERR Syntax error at offset 12 near 1e"},
	{2, "@num:[1e 0]", "ERR Syntax error at offset 10 near 0"},
	{2, "@num:[0 #$^ 1]", "NUM(@num [0 1])"},
	{2, "@n:[- 1 5]", "NUM(@n [-1 5])"},
	{2, "@n:[5]", "NUM(@n [5 5])"},
	{2, "@n:[(5]", "ERR Syntax error at offset 6 near 5"},
	{2, "@n:[100 foo]", "ERR Syntax error at offset 8 near foo"},
	{2, "@n:[$n $f]", "ERR Invalid numeric range (min > max): @n:[5.000000 2.500000]"},
	{2, "@n:[$neg ($n]", "NUM(@n [-4 (5])"},
	{2, "@n:[-$n $ninf]", "ERR Bad upper range: -inf"},
	{2, "@n:[$ninf $inf]", "NUM(@n [-Inf +Inf])"},
	{2, "@n:[$excl 10]", "NUM(@n [7 10])"},
	{2, "@n:[$empty 10]", "NUM(@n [0 10])"},
	{2, "@n:[$bad 10]", "ERR Bad lower range: abc"},
	{2, "@n:[$missing 10]", "ERR No such parameter `missing`"},
	{2, "@n:[$f]", "NUM(@n [2.5 2.5])"},
	{2, "@n:[$empty]", "ERR Invalid numeric value () for parameter `empty`"},
	{1, "@n:[$n 10]", "ERR Syntax error at offset 4 near n"},
	{2, "@n>5", "NUM(@n [(5 +Inf])"},
	{2, "@n >= -5", "NUM(@n [-5 +Inf])"},
	{2, "@n<$f", "NUM(@n [-Inf (2.5])"},
	{2, "@n<=-$f", "NUM(@n [-Inf -2.5])"},
	{2, "@n==inf", "NUM(@n [+Inf +Inf])"},
	{2, "@n!=$n", "NOT(NUM(@n [5 5]))"},
	{2, "@n>$bad", "ERR Invalid numeric value (abc) for parameter `bad`"},
	{2, "@bar:[0 100] => {$weight: 0.5;} ", "NUM(@bar [0 100])=>{weight=0.5}"},

	// Geo filters.
	{1, "@g:[1.5 0.5 0.5 km]", "GEO(@g 1.5 0.5 0.5 km)"},
	{2, "@g:[15.65 -15.65 30 FT]", "GEO(@g 15.65 -15.65 30 ft)"},
	{2, "@g:[$f $neg $n $km]", "GEO(@g 2.5 -4 5 km)"},
	{2, "@g:[1 2 3 mi] @g:[1 2 3 m]", "AND(GEO(@g 1 2 3 mi), GEO(@g 1 2 3 m))"},
	{1, "@loc:[190.65 -100.65 30 ft]", "ERR Invalid GeoFilter lat/lon"},
	{2, "@loc:[190.65 -100.65 30 ft]", "ERR Invalid GeoFilter lat/lon"},
	{2, "@loc:[50 50 -1 ft]", "ERR Invalid GeoFilter radius"},
	{2, "@loc:[50 50 1 quoops]", "ERR Invalid GeoFilter unit"},
	{2, "@loc:[50 50 1 1]", "ERR Invalid GeoFilter unit"},
	{2, "@loc:[50 50 1]", "ERR Syntax error at offset 13 near 1"},
	{2, "@loc:[(50 50 1 km]", "ERR Syntax error at offset 13 near 1"},
	{2, "@loc:[50 50 1 $missing] )", "ERR Syntax error at offset 24 near missing"},

	// ismissing.
	{2, "ismissing(@f)", "MISSING(@f)"},
	{2, "-ismissing(@f) foo", "AND(NOT(MISSING(@f)), foo)"},
	{2, "foo ismissing", "ERR Syntax error at offset 4 near ismissing"},
	{2, "@t:(ismissing(@f))", "ERR Syntax error at offset 14 near f"},
	{2, "@t:(a ismissing)", "@t:(AND(a, ismissing))"},
	{1, "ismissing(@f)", "ERR Syntax error at offset 12 near f"},

	// Attributes.
	{2, "(foo bar) => {$weight: 0.5; $slop: 2}", "AND(foo, bar)=>{weight=0.5,slop=2}"},
	{1, "foo => {$weight: 0.5} bar => {$weight: 0.1}", "AND(foo=>{weight=0.5}, bar=>{weight=0.1})"},
	{2, "@title:(foo bar) => {$weight: 0.5; $slop: 2}", "@title:(AND(foo, bar)=>{weight=0.5,slop=2})"},
	{2, "(foo => {$weight: 0.5;})  ((bar) => {}) => {}", "AND(foo=>{weight=0.5}, bar)"},
	{2, "@title:(hello=>{$phonetic: true} world)", "@title:(AND(hello=>{phonetic=true}, world))"},
	{2, "a=>{;;$INORDER: 0;}", "a=>{inorder=false}"},
	{2, "a=>{$weight: $f}", "a=>{weight=2.5}"},
	{2, "(-a)=>{$weight: 3}", "NOT(a)=>{weight=3}"},
	{2, "(~a)=>{$weight: 3}", "OPT(a)=>{weight=3}"},
	{2, "ismissing(@f)=>{$weight: 3}", "MISSING(@f)"},
	{2, "a=>{$slop: -1}", "a=>{slop=-1}"},
	{2, "a=>{$slop: -2}", "ERR Invalid value (-2) for `slop`"},
	{2, "a=>{$slop: abc}", "ERR Invalid value (abc) for `slop`"},
	{2, "a=>{$inorder: abc}", "ERR Invalid value (abc) for `inorder`"},
	{2, "a=>{$weight: -1}", "ERR Invalid value (-1) for `weight`"},
	{2, `a=>{$weight: ""}`, "ERR Invalid value () for `weight`"},
	{2, "a=>{$bogus: 42}", "ERR Invalid attribute bogus"},
	{2, "a=>{$weight: $w}", "ERR Invalid value (hello) for `weight`"},
	{2, "a=>{$weight: $missing} )", "ERR No such parameter `missing`"},
	{2, "a=>{$weight 2}", "ERR Syntax error at offset 12 near 2"},
	{2, "a=>{$weight: 2 $slop: 1}", "ERR Syntax error at offset 15 near slop"},
	{2, "@title:(foo bar) => {$ef_runtime: 100;}", "ERR Invalid attribute ef_runtime"},
	{2, "@title:(foo bar) => {$yield_distance_as:my_dist;}", "ERR Invalid attribute yield_distance_as"},
	{1, "@t:{foo | bar} => {$great:;}", "ERR Syntax error at offset 26 near great"},
	{1, " => {$weight: 0.5;}", "ERR Syntax error at offset 1 near > "},
	{1, "a=>{$weight: $w}", "ERR Syntax error at offset 13 near w"},
	{2, "a=>b", "ERR Syntax error at offset 3 near b"},

	// KNN.
	{2, "*=>[KNN 10 @vec_field $blob]", "KNN(10 @vec_field $blob | *)"},
	{2, "(*)=>[knn $k @v $blob as as]", "KNN(3 @v $blob as=as | *)"},
	{2, "((*))", "*"},
	{2, "((*)", "ERR Syntax error at offset 3 near "},
	{1, "(*)", "ERR Syntax error at offset 1 near "},
	{2, "* a", "ERR Syntax error at offset 2 near a"},
	{2, "*=>[KNN $k @v $blob AS score]", "KNN(3 @v $blob as=score | *)"},
	{2, "*=>[KNN $k @v $blob EF_RUNTIME 100 HYBRID_POLICY BATCHES BATCH_SIZE 50]",
		"KNN(3 @v $blob ef=100 policy=BATCHES batch=50 | *)"},
	{2, "*=>[KNN 10 @v $blob EPSILON 0.01 AS $d]", "KNN(10 @v $blob eps=0.01 as=my_dist | *)"},
	{2, "*=>[KNN 10 @v $blob]=>{$yield_distance_as: vec_dist; $ef_runtime: 100; $weight: 2}",
		"KNN(10 @v $blob | *)=>{weight=2,yield=vec_dist,ef=100}"},
	{2, "*=>[KNN 10 @v $blob]=>{$hybrid_policy: $pol; $BATCH_SIZE: 100}", "KNN(10 @v $blob policy=BATCHES batch=100 | *)"},
	{2, "(hello world)=>[KNN 10 @v $blob]", "KNN(10 @v $blob | AND(hello, world))"},
	{2, "@title:hello=>[KNN 10 @v $blob]", "KNN(10 @v $blob | @title:(hello))"},
	{2, "@title:(hello|world)=>[KNN 10 @v $blob]", "KNN(10 @v $blob | @title:(OR(hello, world)))"},
	{2, "@t:{bar* | foo}=>[KNN 10 @v $blob]", "KNN(10 @v $blob | TAG(@t PREFIX(bar) | foo))"},
	{2, "a=>{$weight: 2}=>[KNN 10 @v $blob]", "KNN(10 @v $blob | a=>{weight=2})"},
	{2, "KNN=>[KNN 10 @v $blob]", "KNN(10 @v $blob | KNN)"},
	{2, "hello world=>[KNN 10 @v $blob]", "ERR Syntax error at offset 13 near >["},
	{2, "-hello=>[KNN 10 @v $blob]", "ERR Syntax error at offset 8 near >["},
	{2, "(hello => [KNN 10 @v $blob]) other", "ERR Syntax error at offset 10 near > "},
	{2, "*=>[KNN 10 @v $blob] title", "ERR Syntax error at offset 21 near title"},
	{2, "*=>{$weight: 2}", "ERR Syntax error at offset 3 near >{"},
	{1, "*=>[KNN 10 @v $blob]", "ERR Syntax error at offset 1 near >["},
	{2, "*=>[ANN 10 @v $blob]", "ERR Syntax error: Expecting Vector Similarity command at offset 4 near ANN"},
	{2, "*=>[KNN 10 @v blob]", "ERR Syntax error at offset 14 near blob"},
	{2, "*=>[KNN 10 v $blob]", "ERR Syntax error at offset 11 near v"},
	{2, "*=>[KNN K @v $blob]", "ERR Syntax error at offset 8 near K"},
	{2, "*=>[KNN 3.14 @v $blob]", "ERR Syntax error at offset 8 near 3.14"},
	{2, "*=>[KNN -42 @v $blob]", "ERR Syntax error at offset 8 near -42"},
	{2, "*=>[KNN $neg @v $blob]", "ERR Invalid numeric value (-4) for parameter `neg`"},
	{2, "*=>[KNN $k @v $missing]", "ERR No such parameter `missing`"},
	{2, "$missing2=>[KNN $missing1 @v $blob]", "ERR No such parameter `missing1`"},
	{2, "*=>[KNN $k @v $blob EF ef AS ]", "ERR Syntax error at offset 29 near AS"},
	{2, "*=>[KNN $k @v $blob EF_RUNTIME]", "ERR Syntax error at offset 30 near EF_RUNTIME"},
	{2, "*=>[KNN $k @v $blob foo bar]", "ERR Error parsing vector similarity parameters: Invalid option"},
	{2, "*=>[KNN $k @v $blob EF_RUNTIME 0]", "ERR Error parsing vector similarity parameters: Invalid value was given"},
	{2, "*=>[KNN $k @v $blob EF_RUNTIME 5]=>{$ef_runtime: 6}",
		"ERR Error parsing vector similarity parameters: Parameter was specified twice"},
	{2, "*=>[KNN $k @v $blob HYBRID_POLICY fast]",
		"ERR Error parsing vector similarity parameters: invalid hybrid policy was given"},
	{2, "*=>[KNN $k @v $blob]=>{$bad_attr: dist}", "ERR Invalid attribute bad_attr"},

	// Vector ranges.
	{2, "@v:[VECTOR_RANGE 0.01 $blob]", "RANGE(@v 0.01 $blob)"},
	{2, "@v:[vEcToR_RaNgE $f $blob]=>{$epsilon: 0.01; $yield_distance_as: V_SCORE}",
		"RANGE(@v 2.5 $blob)=>{yield=V_SCORE,eps=0.01}"},
	{2, "@v:[VECTOR_RANGE 0.01 $blob] @title:foo OR bar", "AND(RANGE(@v 0.01 $blob), @title:(foo), OR, bar)"},
	{2, "(@v:[VECTOR_RANGE 0.01 $blob] @title:foo) => [KNN 5 @v $blob]",
		"KNN(5 @v $blob | AND(RANGE(@v 0.01 $blob), @title:(foo)))"},
	{2, "@v:[VECTOR_RANGE 0.01 $blob] VECTOR_RANGE", "AND(RANGE(@v 0.01 $blob), VECTOR_RANGE)"},
	{2, "@v:[BAD 0.01 $blob]", "ERR Syntax error: expecting vector similarity range command at offset 4 near BAD"},
	{2, "@v:[VECTOR_RANGE 0.01]", "ERR Syntax error at offset 21 near 0.01"},
	{2, "@v:[VECTOR_RANGE $blob]", "ERR Syntax error: Expecting a geoshape predicate at offset 17"},
	{2, "@v:[VECTOR_RANGE bad $blob]", "ERR Syntax error at offset 17 near bad"},
	{2, "@v:[VECTOR_RANGE 1 $blob]=>{$hybrid_policy: batches}",
		"ERR Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query"},

	// Dialects 3 and 4 parse as 2.
	{3, "a b | c", "OR(AND(a, b), c)"},
	{4, "*=>[KNN 2 @v $blob]", "KNN(2 @v $blob | *)"},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(fmt.Sprintf("v%d/%s", tc.d, tc.q), func(t *testing.T) {
			n, err := Parse(tc.q, testOptions(tc.d))
			if msg, ok := strings.CutPrefix(tc.want, "ERR "); ok {
				require.Error(t, err, "parsed as %s", dump(n))
				assert.Equal(t, msg, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, dump(n))
		})
	}
}

// TestRoundTrip checks that a tree's String parses back to the same tree.
func TestRoundTrip(t *testing.T) {
	for _, tc := range parseCases {
		n, err := Parse(tc.q, testOptions(tc.d))
		if err != nil {
			continue
		}
		t.Run(fmt.Sprintf("v%d/%s", tc.d, tc.q), func(t *testing.T) {
			requireRoundTrip(t, n, testOptions(tc.d))
		})
	}
}

func requireRoundTrip(t testing.TB, n Node, opts Options) {
	t.Helper()
	s := n.String()
	back, err := Parse(s, opts)
	require.NoError(t, err, "String() = %q", s)
	require.Equal(t, dump(n), dump(back), "String() = %q", s)
	clearPos(n)
	clearPos(back)
	require.True(t, reflect.DeepEqual(n, back), "String() = %q", s)
}

// clearPos zeroes the positions of a tree, which String does not keep.
func clearPos(n Node) {
	switch n := n.(type) {
	case *Intersect:
		n.P = 0
		clearAll(n.Children)
	case *Union:
		n.P = 0
		clearAll(n.Children)
	case *Not:
		n.P = 0
		clearPos(n.Child)
	case *Optional:
		n.P = 0
		clearPos(n.Child)
	case *Fields:
		n.P = 0
		clearPos(n.Child)
	case *KNN:
		n.P = 0
		clearPos(n.Filter)
	default:
		reflect.ValueOf(n).Elem().FieldByName("P").SetInt(0)
	}
}

func clearAll(ns []Node) {
	for _, c := range ns {
		clearPos(c)
	}
}

// TestOptions covers what the table's shared options do not: no stop words, no parameters.
func TestOptions(t *testing.T) {
	tests := []struct {
		q    string
		opts Options
		want string
	}{
		{"the fox", Options{Dialect: 2}, "AND(the, fox)"},
		{`"the fox"`, Options{Dialect: 1}, `"the fox"`},
		{"@t:{with dog}", Options{Dialect: 1}, `TAG(@t "with dog")`},
		{"the fox", Options{Dialect: 1, IsStopWord: func(w string) bool { return w == "fox" }}, "the"},
		{"$p", Options{Dialect: 2}, "ERR No such parameter `p`"},
		{"*=>[KNN 2 @v $b]", Options{Dialect: 2, Params: map[string]string{"b": ""}}, "KNN(2 @v $b | *)"},
		{"*=>[KNN $k @v $b]", Options{Dialect: 2, Params: map[string]string{"b": "", "k": ""}},
			"ERR Invalid numeric value () for parameter `k`"},
	}
	for _, tc := range tests {
		n, err := Parse(tc.q, tc.opts)
		if msg, ok := strings.CutPrefix(tc.want, "ERR "); ok {
			assert.EqualError(t, err, msg, tc.q)
			continue
		}
		if assert.NoError(t, err, tc.q) {
			assert.Equal(t, tc.want, dump(n), tc.q)
			requireRoundTrip(t, n, tc.opts)
		}
	}
}

func TestDialectOption(t *testing.T) {
	_, err := Parse("a", Options{Dialect: 5})
	require.EqualError(t, err, "DIALECT requires a non negative integer >=1 and <= 4")
	n, err := Parse("a b | c", Options{}) // 0 is dialect 1
	require.NoError(t, err)
	assert.Equal(t, "OR(AND(a, b), c)", dump(n))
}

func TestErrorOffset(t *testing.T) {
	_, err := Parse("hello )", testOptions(2))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 6, e.Offset)
}

// TestNesting checks the stack limits: RediSearch's tests nest 84 levels in dialect 2 and 30
// in dialect 1 successfully, and fail at 200.
func TestNesting(t *testing.T) {
	nest := func(and bool, levels int) string {
		s := "(@mod:a1)"
		for i := 2; i <= levels; i++ {
			op := "|"
			if and {
				op = " "
			}
			s = fmt.Sprintf("(a%d%s%s)", i, op, s)
		}
		return s
	}
	for _, and := range []bool{true, false} {
		_, err := Parse(nest(and, 84), testOptions(2))
		require.NoError(t, err)
		_, err = Parse(nest(and, 30), testOptions(1))
		require.NoError(t, err)
		_, err = Parse(nest(and, 200), testOptions(2))
		require.ErrorContains(t, err, "Parser stack overflow")
		_, err = Parse(nest(and, 200), testOptions(1))
		require.ErrorContains(t, err, "Syntax error at offset")
	}
	_, err := Parse(strings.Repeat("-", 100000)+"a", testOptions(2))
	require.ErrorContains(t, err, "Parser stack overflow")
}

// TestStringForms pins a few String outputs, the parts the round trip cannot see.
func TestStringForms(t *testing.T) {
	tests := []struct {
		n    Node
		want string
	}{
		{&Term{Text: "a-b c"}, `a\-b\ c`},
		{&Term{Text: ""}, `""`},
		{&Intersect{Children: []Node{&Term{Text: "a"}, &Term{Text: "b"}, &Term{Text: "c"}}}, "a (b) c"},
		{&Union{Children: []Node{&Term{Text: "a"}, &Not{Child: &Term{Text: "b"}}}}, "a | (-(b))"},
		{&Phrase{Terms: []string{`x\`}}, `"x\\ "`},
		{&Tag{Field: "t", Values: []TagValue{{Text: "a\x01"}, {Text: "p", Kind: TagPrefix}}}, "@t:{\"a\x01\" | p*}"},
		{&Numeric{Field: "n", Min: math.Inf(-1), Max: 1e21, MaxExclusive: true}, "@n:[-inf (1000000000000000000000]"},
		{&KNN{K: 5, Field: "v", BlobParam: "b", Filter: &All{}, Alias: "my dist"}, `*=>[KNN 5 @v $b AS "my dist"]`},
		{&Wildcard{Pattern: "it's"}, `w"it's"`},
		{&Geo{Field: "g", Lon: -1.5, Lat: 2, Radius: 0.25, Unit: "mi"}, "@g:[-1.5 2 0.25 mi]"},
		{&VectorRange{Field: "v", Radius: 0.5, BlobParam: "b", Attrs: Attrs{YieldDistanceAs: "d 1"}},
			`@v:[VECTOR_RANGE 0.5 $b]=>{$yield_distance_as: "d 1"}`},
		{&Fields{Names: []string{"a-b", "c"}, Child: &IsMissing{Field: "x"}}, `@a\-b|c:(ismissing(@x))`},
		{&Fuzzy{Text: "x\x01", Distance: 2}, "%%\"x\x01\"%%"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.n.String())
	}
}
