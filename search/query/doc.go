// Package query parses RediSearch's query language (the query string of FT.SEARCH and
// FT.AGGREGATE) into a tree of Nodes, in DIALECT 1 or 2 (3 and 4 parse as 2), with
// parameters substituted, stop words dropped, and RediSearch's own error texts. It does not
// analyse words (no lower-casing, stemming or stop-word removal inside phrases), know the
// index's schema (unknown fields and field types are the executor's to report) or execute
// anything.
//
// RediSearch as of Redis 8 (RediSearch v8.6; error texts are those before 8.8 added codes
// such as "SEARCH_SYNTAX") is the reference: its Ragel lexers and Lemon grammars
// (src/query_parser/v1, v2), query.c and query_param.c, its tests (tests/pytests/test_parser.py,
// test_dialect.py, tests/cpptests/test_cpp_query.cpp) and the redis.io pages "Query syntax"
// and "Query dialects". The rules below are those.
//
// Words. Punctuation and spaces separate words, except `_`; a backslash makes the
// punctuation or space after it part of the word (`hello\-world`), and is dropped from the
// word. Words keep their case. In dialect 2 `"…"` and `'…'` are exact phrases (split at
// punctuation other than `$ _ \`; stop words kept), `""` is the empty word, a number is a word
// that is never expanded, and a quoted string, `AS` or `ismissing` reads as a word where only
// a word fits (inside braces, as an attribute's value). In dialect 1 every `"` is a token and
// a phrase is `"` words `"`: stop words inside are dropped, but not as its first or second
// word, which is a syntax error, as are operators inside the quotes. `-1` and `-inf` are
// numbers, not negations, in both (RediSearch's lexers take the longest match).
//
// Operators, loosest first. Dialect 2: `|`, field modifiers' `@f`, words, `(`, prefix `-` and
// `~`, juxtaposition (AND), `=>`, the `:` of `@f:`, and tightest numbers, affixes, `%fuzzy%`,
// $params and w'…'. So `a b | c` is `(a b) | c`, `@f:a b` is `(@f:a) b`, `-a b` is `(-a) b`,
// but `@f:a b*` is `@f:(a b*)` and `-a 12` is `-(a 12)`, as in RediSearch. The operand of
// `@f:` may hold only text clauses (`@f:(a @g:{x})` is a syntax error). Dialect 1: `~`,
// `"`, `-`, numbers, words, `(`, `@f`, juxtaposition, `|`, `=>`, so `-"a" b` is `-("a" b)`
// but `-a "b"` is `(-a) "b"`, `@f:a | b` is `@f:(a | b)` and `"a" "b" | "c"` is
// `"a" ("b" | "c")`; moreover a word followed by a word starts a run of words that is one
// intersection before anything else binds, so `a b | c d` is `(a b) | (c d)`, `-a b` is
// `-(a b)` and `@f:a b` is `@f:(a b)`. An intersection on the left of another clause takes
// it in as one more child, in dialect 2 also one on the right (appended at its end); unions
// likewise. `--a` is a.
//
// Clauses. `pre*`, `*suf`, `*in*` (also on quoted strings and $params in dialect 2),
// `w'pattern'` (dialect 2; the pattern keeps its escapes), `%w%` to `%%%w%%%`, `@f|g:…`,
// `@t:{a | b\ c | pre* | *suf | *in* | w'p'}` (several words make one value joined by single
// spaces; dialect 2 allows `{"a b"}`; dialect 1 leaves the `}` optional and reads a `|` after
// the braces as one more value), `@n:[lo hi]` with `(` for exclusive and `-inf`, `inf`,
// `+inf`, `@n:[v]` and `@n>v`, `@n==v`, `@n!=v` … (dialect 2), `@g:[lon lat radius m|km|mi|ft]`,
// `ismissing(@f)` (dialect 2), `*` (the whole query; `(*)` in dialect 2), attributes
// `=>{$weight: 2; $slop: 1; $inorder: true; $phonetic: false}` on the clause before them,
// `@v:[VECTOR_RANGE r $blob]`, and, ending a dialect 2 query, `filter=>[KNN k @v $blob
// [EF_RUNTIME n] [EPSILON e] [HYBRID_POLICY p] [BATCH_SIZE n] [AS name]]` with `=>{…}`
// attributes after it; the filter must be one clause (`(a b)=>[KNN …]`, not `a b=>[KNN …]`).
//
// Parameters (dialect 2 only: `$p` is a syntax error in dialect 1) may stand for a word, a
// tag value, an affix, a fuzzy word, a wildcard pattern, a number of a range or geo filter, K,
// a vector range's radius, an alias or an attribute's value. Vector blobs stay parameter
// names. Errors come in RediSearch's order: syntax and attribute errors first, then missing
// or malformed parameters, then invalid numeric ranges, then what RediSearch only checks
// when the query runs (a dialect 2 geo filter's unit and coordinates, vector parameters).
package query
