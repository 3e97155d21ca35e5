package search

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected texts are RediSearch's, from its tests (tests/pytests/test.py testExplain,
// test_parser.py, test_dialect.py, test_tags.py, test_empty.py, test_quotes.py), but where
// noted: there RediSearch prints tag values as written on an empty index, and darner as
// they match (RediSearch's form once the index holds a document).

const (
	explainSchema = "ON HASH SCHEMA t TEXT bar NUMERIC SORTABLE tag TAG g GEO " +
		"v VECTOR HNSW 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2"
	parserSchema  = "SCHEMA t TEXT t2 TAG n NUMERIC g GEO v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2"
	nostemSchema  = "SCHEMA t1 TEXT NOSTEM t2 TEXT SORTABLE v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2"
	missingSchema = "ON HASH SCHEMA t TEXT INDEXMISSING tag TAG INDEXMISSING"
	blob8         = "\xa4\x21\xf5\x42\x18\x07\x00\xc7" // two float32
)

type explainCase struct {
	schema  string
	query   string
	dialect int
	params  map[string]string
	want    string // the text, or the error's
	wantErr bool
	prefix  bool // want is the error's beginning (the parser's own texts are not under test)
}

func runExplain(t *testing.T, c explainCase) (string, error) {
	t.Helper()
	_, r, idx := newTestIndex(t, 2, c.schema)
	return r.Explain(idx, &Request{Query: c.query, Dialect: c.dialect, Params: c.params})
}

func checkExplain(t *testing.T, cases []explainCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			got, err := runExplain(t, c)
			if c.wantErr {
				require.Error(t, err)
				if c.prefix {
					assert.True(t, strings.HasPrefix(err.Error(), c.want), err.Error())
				} else {
					assert.Equal(t, c.want, err.Error())
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestExplainRediSearchExplain(t *testing.T) {
	q := `(hello world) "what what" (hello|world) (@bar:[10 100]|@bar:[200 300])`
	v1 := "INTERSECT {\n  UNION {\n    hello\n    +hello(expanded)\n  }\n  UNION {\n    world\n    +world(expanded)\n  }\n  EXACT {\n    what\n    what\n  }\n  UNION {\n    UNION {\n      hello\n      +hello(expanded)\n    }\n    UNION {\n      world\n      +world(expanded)\n    }\n  }\n  UNION {\n    NUMERIC {10.000000 <= @bar <= 100.000000}\n    NUMERIC {200.000000 <= @bar <= 300.000000}\n  }\n}\n"
	q2 := `(hello world) "what what" hello|world @bar:[10 100]|@bar:[200 300]`
	v2 := "UNION {\n  INTERSECT {\n    UNION {\n      hello\n      +hello(expanded)\n    }\n    UNION {\n      world\n      +world(expanded)\n    }\n    EXACT {\n      what\n      what\n    }\n    UNION {\n      hello\n      +hello(expanded)\n    }\n  }\n  INTERSECT {\n    UNION {\n      world\n      +world(expanded)\n    }\n    NUMERIC {10.000000 <= @bar <= 100.000000}\n  }\n  NUMERIC {200.000000 <= @bar <= 300.000000}\n}\n"
	knnParams := map[string]string{"k": "10", "B": blob8}
	s := explainSchema
	checkExplain(t, []explainCase{
		{schema: s, query: q, want: v1},
		{schema: s, query: q2, dialect: 1, want: v1},
		{schema: s, query: q2, dialect: 2, want: v2},
		{schema: s, query: "* => [KNN $k @v $B EF_RUNTIME 100]", dialect: 2, params: knnParams,
			want: "VECTOR {K=10 nearest vectors to `$B` in vector index associated with field @v, EF_RUNTIME = 100, yields distance as `__v_score`}\n"},
		{schema: s, query: "@v:[VECTOR_RANGE $r $B]=>{$epsilon: 1.2; $yield_distance_as:dist}", dialect: 2,
			params: map[string]string{"r": "0.1", "B": blob8},
			want:   "VECTOR {Vectors that are within 0.1 distance radius from `$B` in vector index associated with field @v, epsilon = 1.2, yields distance as `dist`}\n"},
		{schema: s, query: "(@t:hello world) => [KNN $k @v $B EF_RUNTIME 100]", dialect: 2, params: knnParams,
			want: "VECTOR {\n  INTERSECT {\n    @t:UNION {\n      @t:hello\n      @t:+hello(expanded)\n    }\n    UNION {\n      world\n      +world(expanded)\n    }\n  }\n} => {K=10 nearest vectors to `$B` in vector index associated with field @v, EF_RUNTIME = 100, yields distance as `__v_score`}\n"},
		{schema: s, query: "", dialect: 2, want: "<empty>\n"},
		{schema: s, query: "%%hello%%", dialect: 2, want: "FUZZY{hello}\n"},
		{schema: s, query: "%%hello%% @tag:{bye}", dialect: 2, want: "INTERSECT {\n  FUZZY{hello}\n  TAG:@tag {\n    bye\n  }\n}\n"},
		{schema: s, query: "*", dialect: 2, want: "<WILDCARD>\n"},
		{schema: s, query: "@tag:{w'*'}", dialect: 2, want: "TAG:@tag {\n  WILDCARD{*}\n}\n"},
		{schema: s, query: "@tag:{w'*'}=>{$weight: 3;}", dialect: 2, want: "TAG:@tag {\n  WILDCARD{*}\n} => { $weight: 3; }\n"},
		{schema: s, query: "@t:(w'*')", dialect: 2, want: "@t:WILDCARD{*}\n"},
		{schema: s, query: "@t:(w'*')=>{$weight: 2; $slop:100}", dialect: 2, want: "@t:WILDCARD{*} => { $weight: 2; $slop: 100; $inorder: false; }\n"},
		{schema: s, query: "@t:(w'*')=>{$weight: 4; $slop:100; $inorder:true;}", dialect: 2, want: "@t:WILDCARD{*} => { $weight: 4; $slop: 100; $inorder: true; }\n"},
		{schema: s, query: "@t:(w'*')=>{$weight: 5; $inorder: true;}", dialect: 2, want: "@t:WILDCARD{*} => { $weight: 5; $inorder: true; }\n"},
		{schema: s, query: "@g:[$lat $lon $radius km]", dialect: 2, params: map[string]string{"lat": "10", "lon": "20", "radius": "30"},
			want: "GEO g:{10.000000,20.000000 --> 30.000000 km}\n"},
		{schema: s, query: "@g:[120.53232 12.112233 30.5 ft]", dialect: 2, want: "GEO g:{120.532320,12.112233 --> 30.500000 ft}\n"},
		{schema: s, query: "@bar:[10 100]", dialect: 2, want: "NUMERIC {10.000000 <= @bar <= 100.000000}\n"},
		{schema: s, query: "@bar:[-INF 100]", dialect: 2, want: "NUMERIC {-inf <= @bar <= 100.000000}\n"},
		{schema: s, query: "@bar:[10 Inf]", dialect: 2, want: "NUMERIC {10.000000 <= @bar <= inf}\n"},
		{schema: s, query: "@bar:[-inf (inf]", dialect: 2, want: "NUMERIC {-inf <= @bar < inf}\n"},
		{schema: s, query: "@bar:[(-1 $n]", dialect: 2, params: map[string]string{"n": "10"}, want: "NUMERIC {-1.000000 < @bar <= 10.000000}\n"},
		{schema: s, query: "@bar:[(-22 (+$n]", dialect: 2, params: map[string]string{"n": "50"}, want: "NUMERIC {-22.000000 < @bar < 50.000000}\n"},
		{schema: s, query: "@bar>1", dialect: 2, want: "NUMERIC {1.000000 < @bar <= inf}\n"},
		{schema: s, query: "@bar>=2", dialect: 2, want: "NUMERIC {2.000000 <= @bar <= inf}\n"},
		{schema: s, query: "@bar<-1", dialect: 2, want: "NUMERIC {-inf <= @bar < -1.000000}\n"},
		{schema: s, query: "@bar<=-3.14", dialect: 2, want: "NUMERIC {-inf <= @bar <= -3.140000}\n"},
		{schema: s, query: "@bar==5.7", dialect: 2, want: "NUMERIC {5.700000 <= @bar <= 5.700000}\n"},
		{schema: s, query: "@bar!=0", dialect: 2, want: "NOT{\n  NUMERIC {0.000000 <= @bar <= 0.000000}\n}\n"},
		{schema: s, query: "@bar==-$n", dialect: 2, params: map[string]string{"n": "7"}, want: "NUMERIC {-7.000000 <= @bar <= -7.000000}\n"},
		{schema: s, query: "@bar>=12 @bar<inf", dialect: 2, want: "INTERSECT {\n  NUMERIC {12.000000 <= @bar <= inf}\n  NUMERIC {-inf <= @bar < inf}\n}\n"},
		{schema: s, query: "@bar<-10 | @bar>10", dialect: 2, want: "UNION {\n  NUMERIC {-inf <= @bar < -10.000000}\n  NUMERIC {10.000000 < @bar <= inf}\n}\n"},
	})
}

func TestExplainMissing(t *testing.T) {
	s := missingSchema
	checkExplain(t, []explainCase{
		{schema: s, query: "ismissing(@t)", dialect: 2, want: "ISMISSING{t}\n"},
		{schema: s, query: "ismissing(@tag) -ismissing(@t)", dialect: 2, want: "INTERSECT {\n  ISMISSING{tag}\n  NOT{\n    ISMISSING{t}\n  }\n}\n"},
		{schema: s, query: "@tag:{bar} | @tag:{go} ismissing(@t)", dialect: 2,
			want: "UNION {\n  TAG:@tag {\n    bar\n  }\n  INTERSECT {\n    TAG:@tag {\n      go\n    }\n    ISMISSING{t}\n  }\n}\n"},
		{schema: s, query: "@t:(bar) | -@tag:{foo} -ismissing(@t)", dialect: 2,
			want: "UNION {\n  @t:UNION {\n    @t:bar\n    @t:+bar(expanded)\n  }\n  INTERSECT {\n    NOT{\n      TAG:@tag {\n        foo\n      }\n    }\n    NOT{\n      ISMISSING{t}\n    }\n  }\n}\n"},
		{schema: "SCHEMA tag TAG INDEXEMPTY text TEXT INDEXEMPTY", query: `-@tag:{""} @tag:{""}`, dialect: 2,
			want: "INTERSECT {\n  NOT{\n    TAG:@tag {\n      \"\"\n    }\n  }\n  TAG:@tag {\n    \"\"\n  }\n}\n"},
	})
}

func TestExplainParser(t *testing.T) {
	s := "SCHEMA t TEXT SORTABLE"
	union := "UNION {\n  INTERSECT {\n    UNION {\n      hello\n      +hello(expanded)\n    }\n    UNION {\n      world\n      +world(expanded)\n    }\n  }\n  INTERSECT {\n    UNION {\n      goodbye\n      +goodby(expanded)\n      goodby(expanded)\n    }\n    UNION {\n      moon\n      +moon(expanded)\n    }\n  }\n}\n"
	checkExplain(t, []explainCase{
		{schema: s, query: "hello world | goodbye moon", dialect: 1, want: union},
		{schema: s, query: "hello world | goodbye moon", dialect: 2, want: union},
		{schema: s, query: `hello world | "goodbye" moon`, dialect: 1,
			want: "INTERSECT {\n  UNION {\n    INTERSECT {\n      UNION {\n        hello\n        +hello(expanded)\n      }\n      UNION {\n        world\n        +world(expanded)\n      }\n    }\n    goodbye\n  }\n  UNION {\n    moon\n    +moon(expanded)\n  }\n}\n"},
		{schema: s, query: `"hello" "world" | "goodbye" "moon"`, dialect: 1,
			want: "INTERSECT {\n  hello\n  UNION {\n    world\n    goodbye\n  }\n  moon\n}\n"},
		{schema: s, query: `"hello" "world" | "goodbye" "moon"`, dialect: 2,
			want: "UNION {\n  INTERSECT {\n    EXACT {\n      hello\n    }\n    EXACT {\n      world\n    }\n  }\n  INTERSECT {\n    EXACT {\n      goodbye\n    }\n    EXACT {\n      moon\n    }\n  }\n}\n"},
		{schema: s, query: `('hello' 'world')`, dialect: 2,
			want: "INTERSECT {\n  EXACT {\n    hello\n  }\n  EXACT {\n    world\n  }\n}\n"},
		{schema: nostemSchema, query: "@t1:hello world @t2:howdy", dialect: 1,
			want: "INTERSECT {\n  @t1:INTERSECT {\n    @t1:hello\n    @t1:world\n  }\n  @t2:UNION {\n    @t2:howdy\n    @t2:+howdi(expanded)\n    @t2:howdi(expanded)\n  }\n}\n"},
		{schema: nostemSchema, query: "@t1:hello world @t2:howdy", dialect: 2,
			want: "INTERSECT {\n  @t1:hello\n  UNION {\n    world\n    +world(expanded)\n  }\n  @t2:UNION {\n    @t2:howdy\n    @t2:+howdi(expanded)\n    @t2:howdi(expanded)\n  }\n}\n"},
		{schema: nostemSchema, query: "@t1:(hello|world|mars)", dialect: 2,
			want: "@t1:UNION {\n  @t1:hello\n  @t1:world\n  @t1:mars\n}\n"},
		{schema: nostemSchema, query: "@t1:(hello world)=>[KNN 10 @v $B]", dialect: 2, params: map[string]string{"B": blob8},
			want: "VECTOR {\n  @t1:INTERSECT {\n    @t1:hello\n    @t1:world\n  }\n} => {K=10 nearest vectors to `$B` in vector index associated with field @v, yields distance as `__v_score`}\n"},
		{schema: "SCHEMA t1 TEXT t2 TEXT", query: "@t1|t2:(text value)", dialect: 1,
			want: "@t1|t2:INTERSECT {\n  @t1|t2:UNION {\n    @t1|t2:text\n    @t1|t2:+text(expanded)\n  }\n  @t1|t2:UNION {\n    @t1|t2:value\n    @t1|t2:+valu(expanded)\n    @t1|t2:valu(expanded)\n  }\n}\n"},
		{schema: "SCHEMA t1 TEXT t2 TEXT", query: `@t1:("James\!\*")`, dialect: 2, want: "@t1:EXACT {\n  @t1:james!*\n}\n"},
	})
}

func TestExplainFilters(t *testing.T) {
	q := `very simple | @t:hello @t2:{ free\ world } (@n:[1 2]|@n:[3 4]) (@g:[1.5 0.5 0.5 km] -@g:[2.5 1.5 0.5 km])`
	// RediSearch prints `free\ world` on its empty index, `free world` once it holds documents.
	want := "UNION {\n  INTERSECT {\n    UNION {\n      very\n      +veri(expanded)\n      veri(expanded)\n    }\n    UNION {\n      simple\n      +simpl(expanded)\n      simpl(expanded)\n    }\n  }\n  INTERSECT {\n    @t:UNION {\n      @t:hello\n      @t:+hello(expanded)\n    }\n    TAG:@t2 {\n      free world\n    }\n    UNION {\n      NUMERIC {1.000000 <= @n <= 2.000000}\n      NUMERIC {3.000000 <= @n <= 4.000000}\n    }\n    INTERSECT {\n      GEO g:{1.500000,0.500000 --> 0.500000 km}\n      NOT{\n        GEO g:{2.500000,1.500000 --> 0.500000 km}\n      }\n    }\n  }\n}\n"
	checkExplain(t, []explainCase{
		{schema: parserSchema, query: q, dialect: 2, want: want},
		{schema: parserSchema, query: `hello | -"world" again`, dialect: 1,
			want: "UNION {\n  UNION {\n    hello\n    +hello(expanded)\n  }\n  NOT{\n    INTERSECT {\n      world\n      UNION {\n        again\n        +again(expanded)\n      }\n    }\n  }\n}\n"},
		{schema: parserSchema, query: `hello ~-"world" ~again`, dialect: 2,
			want: "INTERSECT {\n  UNION {\n    hello\n    +hello(expanded)\n  }\n  OPTIONAL{\n    NOT{\n      EXACT {\n        world\n      }\n    }\n  }\n  OPTIONAL{\n    UNION {\n      again\n      +again(expanded)\n    }\n  }\n}\n"},
	})
}

func TestExplainTags(t *testing.T) {
	s := "SCHEMA tag TAG cs TAG CASESENSITIVE"
	checkExplain(t, []explainCase{
		{schema: s, query: `@tag:{"a-b-c"*}`, dialect: 2, want: "TAG:@tag {\n  PREFIX{a-b-c*}\n}\n"},
		{schema: s, query: `@tag:{"abc:?*yxv"*}=>{$weight:3.4}`, dialect: 2, want: "TAG:@tag {\n  PREFIX{abc:?*yxv*}\n} => { $weight: 3.4; }\n"},
		{schema: s, query: `@tag:{$abc*}=>{$weight:3.4}`, dialect: 2, params: map[string]string{"abc": "hello"},
			want: "TAG:@tag {\n  PREFIX{hello*}\n} => { $weight: 3.4; }\n"},
		{schema: s, query: `@tag:{*"a-b-c"}`, dialect: 2, want: "TAG:@tag {\n  SUFFIX{*a-b-c}\n}\n"},
		{schema: s, query: `@tag:{*"a-b-c"*}`, dialect: 2, want: "TAG:@tag {\n  INFIX{*a-b-c*}\n}\n"},
		{schema: s, query: `@tag:{w'-@??'}`, dialect: 2, want: "TAG:@tag {\n  WILDCARD{-@??}\n}\n"},
		{schema: s, query: `@tag:{w'$param'}`, dialect: 2, params: map[string]string{"param": "hello world"},
			want: "TAG:@tag {\n  WILDCARD{hello world}\n}\n"},
		{schema: s, query: `@tag:{w'foo*:-;bar?'}=>{$weight:3.4; $inorder: true;}`, dialect: 2,
			want: "TAG:@tag {\n  WILDCARD{foo*:-;bar?}\n} => { $weight: 3.4; $inorder: true; }\n"},
		{schema: s, query: `@tag:{w'a\'bc'}`, dialect: 2, want: "TAG:@tag {\n  WILDCARD{a'bc}\n}\n"},
		{schema: s, query: `@tag:{"w\'?*1\'"}`, dialect: 2, want: "TAG:@tag {\n  w'?*1'\n}\n"},
		{schema: s, query: `@tag:{*" with: space"}`, dialect: 2, want: "TAG:@tag {\n  SUFFIX{* with: space}\n}\n"},
		// darner: values as they match, folded unless CASESENSITIVE.
		{schema: s, query: `@tag:{Hello | Wor*} @cs:{Hello}`, dialect: 2,
			want: "INTERSECT {\n  TAG:@tag {\n    hello\n    PREFIX{wor*}\n  }\n  TAG:@cs {\n    Hello\n  }\n}\n"},
		{schema: s, query: `@tag:{foo}}}}}`, dialect: 1, want: "TAG:@tag {\n  foo\n}\n"},
	})
}

func TestExplainDialects(t *testing.T) {
	s := "SCHEMA title TAG t1 TEXT t2 TEXT t3 TEXT num NUMERIC v VECTOR HNSW 6 TYPE FLOAT32 DIM 1 DISTANCE_METRIC COSINE"
	checkExplain(t, []explainCase{
		{schema: s, query: "(*)", dialect: 2, want: "<WILDCARD>\n"},
		{schema: s, query: "$hello", dialect: 2, params: map[string]string{"hello": "hello"}, want: "UNION {\n  hello\n  +hello(expanded)\n}\n"},
		{schema: s, query: "@title:@num:[0 10]", dialect: 1, want: "@NULL:NUMERIC {0.000000 <= @num <= 10.000000}\n"},
		{schema: s, query: "@nonexistent:[0 10]", dialect: 1, want: "<empty>\n"},
		{schema: s, query: "@nonexistent:{value}", dialect: 1, want: "<empty>\n"},
		{schema: s, query: "@nonexistent:[1.0 2.0 3.0 km]", dialect: 1, want: "<empty>\n"},
		{schema: s, query: "hello @nonexistent:[0 10] | @num:[1 2]", dialect: 1,
			want: "INTERSECT {\n  UNION {\n    hello\n    +hello(expanded)\n  }\n  NUMERIC {1.000000 <= @num <= 2.000000}\n}\n"},
		{schema: s, query: "@nonexistent:[0 10]", dialect: 2, wantErr: true, want: "Unknown field at offset 0 near nonexistent"},
		{schema: s, query: "@nonexistent:{value}", dialect: 2, wantErr: true, want: "Unknown field at offset 0 near nonexistent"},
		{schema: s, query: "@nonexistent:[1.0 2.0 3.0 km]", dialect: 2, wantErr: true, want: "Unknown field at offset 0 near nonexistent"},
		{schema: s, query: "hello @t1|nope:world", dialect: 2, wantErr: true, want: "Unknown field at offset 10 near nope"},
		{schema: s, query: "hello @title:world", dialect: 2, wantErr: true, want: "Expected a TEXT field at offset 6 near title"},
		{schema: s, query: "@t1:{x}", dialect: 2, wantErr: true, want: "Expected a TAG field at offset 0 near t1"},
		{schema: s, query: "@t1:[1 2]", dialect: 2, wantErr: true, want: "Expected a NUMERIC field at offset 0 near t1"},
		{schema: s, query: "@num:[1 2 3 km]", dialect: 2, wantErr: true, want: "Expected a GEO field at offset 0 near num"},
		{schema: s, query: "a ismissing(@t1)", dialect: 2, wantErr: true,
			want: "'ismissing' requires defining the field with 'INDEXMISSING' at offset 12 near t1"},
		{schema: s, query: "@num:[0 0.1]", dialect: 2, want: "NUMERIC {0.000000 <= @num <= 0.100000}\n"},
		{schema: s, query: "@num:[-0 -.00]", dialect: 2, want: "NUMERIC {-0.000000 <= @num <= -0.000000}\n"},
		{schema: s, query: "@num:[0 .1]", dialect: 1, want: "NUMERIC {0.000000 <= @num <= 1.000000}\n"},
		{schema: s, query: "@num:[-1e-1 +1e1]", dialect: 2, want: "NUMERIC {-0.100000 <= @num <= 10.000000}\n"},
		{schema: s, query: "@t1:@t2:@t3:hello", dialect: 1, want: "@NULL:hello\n"},
		{schema: s, query: "@t1:@t2:@t3:hello", dialect: 2, wantErr: true, prefix: true, want: "Syntax error"},
		{schema: s, query: "*=>[KNN 10 @v $BLOB]", dialect: 2, params: map[string]string{"BLOB": "\x00\x00\x80\x3f"},
			want: "VECTOR {K=10 nearest vectors to `$BLOB` in vector index associated with field @v, yields distance as `__v_score`}\n"},
		{schema: s, query: "(", dialect: 2, wantErr: true, prefix: true, want: "Syntax error"},
	})
}

// Words are expanded as the evaluator searches them: not when VERBATIM, nor numbers in
// dialect 2, nor in NOSTEM fields; phonetically in PHONETIC fields; with the stemmer of
// the query's LANGUAGE.
func TestExplainExpansion(t *testing.T) {
	_, r, idx := newTestIndex(t, 1, "SCHEMA t TEXT p TEXT PHONETIC dm:en ns TEXT NOSTEM")
	cases := []struct {
		req  Request
		want string
	}{
		// Unrestricted words are matched phonetically too: the index has a PHONETIC field.
		{Request{Query: "Running", Dialect: 2}, "UNION {\n  running\n  <RNNK(expanded)\n  +run(expanded)\n  run(expanded)\n}\n"},
		{Request{Query: "@t:Running", Dialect: 2}, "@t:UNION {\n  @t:running\n  @t:+run(expanded)\n  @t:run(expanded)\n}\n"},
		{Request{Query: "running", Dialect: 2, Verbatim: true}, "running\n"},
		{Request{Query: "@t:123", Dialect: 2}, "@t:123\n"},
		{Request{Query: "@t:(-1.5)", Dialect: 2}, "@t:-1.5\n"},
		{Request{Query: "@t:inf", Dialect: 2}, "@t:inf\n"},
		{Request{Query: "@t:1e3", Dialect: 2}, "@t:1e3\n"},
		{Request{Query: "@t:123", Dialect: 1}, "@t:UNION {\n  @t:123\n  @t:+123(expanded)\n}\n"},
		{Request{Query: "@ns:running", Dialect: 2}, "@ns:running\n"},
		{Request{Query: "@t|ns:running", Dialect: 2},
			"@t|ns:UNION {\n  @t|ns:running\n  @t:+run(expanded)\n  @t:run(expanded)\n}\n"},
		{Request{Query: "@p:smith", Dialect: 2},
			"@p:UNION {\n  @p:smith\n  @p:<SM0(expanded)\n  @p:<XMT(expanded)\n  @p:+smith(expanded)\n}\n"},
		{Request{Query: "@p:smith=>{$phonetic: false}", Dialect: 2}, "@p:UNION {\n  @p:smith\n  @p:+smith(expanded)\n}\n"},
		{Request{Query: "@t:smith", Dialect: 2}, "@t:UNION {\n  @t:smith\n  @t:+smith(expanded)\n}\n"},
		{Request{Query: "@t:corriendo", Dialect: 2, Language: "spanish"},
			"@t:UNION {\n  @t:corriendo\n  @t:+corr(expanded)\n  @t:corr(expanded)\n}\n"},
		{Request{Query: "@t:(the hello)", Dialect: 2}, "@t:UNION {\n  @t:hello\n  @t:+hello(expanded)\n}\n"},
		{Request{Query: "@t:(the hello)", Dialect: 2, NoStopWords: true},
			"@t:INTERSECT {\n  @t:UNION {\n    @t:the\n    @t:+the(expanded)\n  }\n  @t:UNION {\n    @t:hello\n    @t:+hello(expanded)\n  }\n}\n"},
		{Request{Query: "@t:hello=>{$weight: 2}", Dialect: 2}, "@t:UNION {\n  @t:hello => {$weight: 2;}\n  @t:+hello(expanded)\n}\n"},
	}
	for _, c := range cases {
		t.Run(c.req.Query, func(t *testing.T) {
			got, err := r.Explain(idx, &c.req)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// The KNN and range clauses' errors are the search's.
func TestExplainVectorErrors(t *testing.T) {
	checkExplain(t, []explainCase{
		{schema: explainSchema, query: "*=>[KNN 10 @nope $B]", dialect: 2, params: map[string]string{"B": blob8},
			wantErr: true, want: "Unknown field `nope`"},
		{schema: explainSchema, query: "*=>[KNN 10 @v $B]", dialect: 2, params: map[string]string{"B": "xx"}, wantErr: true,
			want: "Error parsing vector similarity query: query vector blob size (2) does not match index's expected size (8)."},
		{schema: explainSchema, query: "@v:[VECTOR_RANGE 1 $B]", dialect: 2, wantErr: true, want: "No such parameter `B`"},
	})
}

func TestExplainDefaultDialect(t *testing.T) {
	_, r, idx := newTestIndex(t, 1, "SCHEMA t TEXT")
	got, err := r.Explain(idx, &Request{Query: `"hello"`})
	require.NoError(t, err)
	assert.Equal(t, "hello\n", got, "dialect 1 by default: a one-word phrase is the word")
	r.DefaultDialect.Store(2)
	got, err = r.Explain(idx, &Request{Query: `"hello"`})
	require.NoError(t, err)
	assert.Equal(t, "EXACT {\n  hello\n}\n", got)
	assert.True(t, strings.HasSuffix(got, "\n"))
}
