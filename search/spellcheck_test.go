package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
	"darner/search/query"
)

func TestParseSpellCheck(t *testing.T) {
	for _, tc := range []struct {
		args      string
		want      SpellRequest // errors aside
		err       string       // ParseSpellCheck's own
		deferred  string       // the error SpellCheck reports after the query
		paramsErr string
	}{
		{args: "q", want: SpellRequest{Query: "q", Distance: 1}},
		{args: "q DISTANCE 4 TERMS INCLUDE a x y TERMS exclude b terms Include c DIALECT 3 FULLSCOREINFO",
			want: SpellRequest{Query: "q", Distance: 4, Include: []string{"a", "c"}, Exclude: []string{"b"},
				Dialect: 3, FullScoreInfo: true}},
		{args: "q unknown words DISTANCE 2", want: SpellRequest{Query: "q", Distance: 2}},
		{args: "q PARAMS 2 w hello DIALECT 2",
			want: SpellRequest{Query: "q", Distance: 1, Dialect: 2, Params: map[string]string{"w": "hello"}}},
		// The query is not read for keywords.
		{args: "distance", want: SpellRequest{Query: "distance", Distance: 1}},
		{args: "q DIALECT", err: "Need an argument for DIALECT"},
		{args: "q DIALECT 5", err: "DIALECT requires a non negative integer >=1 and <= 4"},
		{args: "q DIALECT 0 DISTANCE 9", err: "DIALECT requires a non negative integer >=1 and <= 4"},
		{args: "q DISTANCE", deferred: "DISTANCE arg is given but no DISTANCE comes after"},
		{args: "q DISTANCE 0", deferred: "bad distance given, distance must be a natural number between 1 to 4"},
		{args: "q DISTANCE -1", deferred: "bad distance given, distance must be a natural number between 1 to 4"},
		{args: "q DISTANCE 5", deferred: "bad distance given, distance must be a natural number between 1 to 4"},
		{args: "q DISTANCE +2", deferred: "bad distance given, distance must be a natural number between 1 to 4"},
		{args: "q DISTANCE 02", deferred: "bad distance given, distance must be a natural number between 1 to 4"},
		{args: "q TERMS", deferred: "TERM arg is given but no TERM params comes after"},
		{args: "q TERMS INCLUDE", deferred: "TERM arg is given but no TERM params comes after"},
		{args: "q TERMS BOTH d", deferred: "bad format, exclude/include operation was not given"},
		{args: "q DISTANCE 9 TERMS BOTH d", deferred: "bad distance given, distance must be a natural number between 1 to 4"},
		{args: "q PARAMS 3 a b c", paramsErr: "Parameters must be specified in PARAM VALUE pairs"},
		{args: "q PARAMS 0", paramsErr: "Parameters must be specified in PARAM VALUE pairs"},
		{args: "q PARAMS 4 a b", paramsErr: "Bad arguments for PARAMS: Not enough arguments"},
	} {
		req, err := ParseSpellCheck(strings.Fields(tc.args))
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.args)
			continue
		}
		require.NoError(t, err, tc.args)
		if tc.deferred != "" {
			assert.EqualError(t, req.optionErr, tc.deferred, tc.args)
			assert.IsType(t, SpellError(""), req.optionErr, tc.args)
			continue
		}
		if tc.paramsErr != "" {
			assert.EqualError(t, req.paramsErr, tc.paramsErr, tc.args)
			continue
		}
		assert.NoError(t, req.optionErr, tc.args)
		assert.NoError(t, req.paramsErr, tc.args)
		req.optionErr, req.paramsErr = nil, nil
		assert.Equal(t, tc.want, *req, tc.args)
	}
}

// The words checked, in RediSearch's order, with the fields they look in.
func TestSpellTokens(t *testing.T) {
	def, err := ParseCreate("i", strings.Fields("STOPWORDS 1 the SCHEMA title TEXT body TEXT tag TAG n NUMERIC"))
	require.NoError(t, err)
	for _, tc := range []struct {
		q       string
		dialect int
		want    string // term[@slots] …
		err     string
	}{
		{q: "Hello World", dialect: 1, want: "hello world"},
		{q: "the cat", dialect: 2, want: "cat"},
		{q: "a (b | -c) ~d", dialect: 2, want: "a b c d"},
		{q: "@title:(foo bar) baz", dialect: 2, want: "foo@0 bar@0 baz"},
		{q: "@title|body:foo @n:[1 2]", dialect: 2, want: "foo@0,1"},
		{q: `"Exact Phrase"`, dialect: 2, want: "exact phrase"},
		{q: "pre* %fuzy% *fix w'wild*'", dialect: 2, want: ""},
		{q: "@tag:{Foo | bar baz | pre*}", dialect: 2, want: "Foo bar baz"},
		{q: "@tag:{Foo}", dialect: 1, want: "foo"},
		{q: `hello\-world`, dialect: 2, want: "hello-world"},
		{q: "@nope:foo", dialect: 1, want: "foo@"},
		{q: "@nope:foo", dialect: 2, err: "Unknown field at offset 0 near nope"},
		{q: "@nope:{foo}", dialect: 2, err: "Unknown field at offset 0 near nope"},
		{q: "@nope:[1 2]", dialect: 3, err: "Unknown field at offset 0 near nope"},
	} {
		ast, err := query.Parse(tc.q, query.Options{Dialect: tc.dialect, IsStopWord: def.IsStopWord})
		require.NoError(t, err, tc.q)
		toks, err := spellTokens(def, ast, tc.dialect)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.q)
			continue
		}
		require.NoError(t, err, tc.q)
		var got []string
		for _, tk := range toks {
			s := tk.term
			if tk.mask != nil {
				var slots []string
				for i, ok := range tk.mask {
					if ok {
						slots = append(slots, fmt.Sprint(i))
					}
				}
				s += "@" + strings.Join(slots, ",")
			}
			got = append(got, s)
		}
		assert.Equal(t, tc.want, strings.Join(got, " "), tc.q)
	}
}

// levenshtein is the textbook distance, for checking editMatcher.
func levenshtein(a, b []rune) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}

func TestEditMatcher(t *testing.T) {
	for _, tc := range []struct {
		q, w string
		k    int
		want bool
	}{
		{"name", "name1", 1, true},
		{"name", "nme", 1, true},
		{"name", "nmae", 1, false}, // a transposition is two edits
		{"name", "nmae", 2, true},
		{"tooni", "Toonif", 1, true}, // compared lower-cased
		{"elioh", "elior", 1, true},
		{"", "ab", 2, true},
		{"", "abc", 2, false},
		{"café", "cafe", 1, true},
		{"naïve", "naive", 1, true},
		{"abcdef", "ab", 4, true},
		{"abcdef", "a", 4, false},
	} {
		m := newEditMatcher(lowerRunes(tc.q), tc.k)
		assert.Equal(t, tc.want, m.match(tc.w), "%q %q %d", tc.q, tc.w, tc.k)
	}
	// Against the textbook distance on random words over a small alphabet, reusing one
	// matcher per query word as FT.SPELLCHECK does.
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]rune, rng.IntN(7))
		for i := range b {
			b[i] = []rune("abcé")[rng.IntN(4)]
		}
		return string(b)
	}
	for range 300 {
		q, k := word(), 1+rng.IntN(4)
		m := newEditMatcher([]rune(q), k)
		for range 30 {
			w := word()
			assert.Equal(t, levenshtein([]rune(q), []rune(w)) <= k, m.match(w), "%q %q %d", q, w, k)
		}
	}
}

// spellFixture indexes docs (key, name, body) into a fresh index over shards shards.
func spellFixture(t *testing.T, shards int, docs [][3]string) (*engine.Store, *Registry, *Index) {
	t.Helper()
	store, r, idx := newTestIndex(t, shards, "PREFIX 1 doc SCHEMA name TEXT body TEXT tag TAG")
	tx := store.BeginAll(true)
	for _, d := range docs {
		h := engine.NewHash()
		h.Set("name", []byte(d[1]))
		h.Set("body", []byte(d[2]))
		tx.View(0, []byte(d[0])).Set(d[0], h, false)
	}
	tx.End()
	return store, r, idx
}

// spellArgs splits "query ## options…" into FT.SPELLCHECK's arguments.
func spellArgs(s string) []string {
	q, opts, _ := strings.Cut(s, " ## ")
	return append([]string{q}, strings.Fields(opts)...)
}

// spellString renders a result as `term: score suggestion, …; …` for the tables.
func spellString(res *SpellResult) string {
	var terms []string
	for _, st := range res.Terms {
		s := st.Term + ":"
		if st.InIndex {
			s += " in index"
		}
		var sugg []string
		for _, sg := range st.Suggestions {
			sugg = append(sugg, fmt.Sprintf(" %.4g %s", sg.Score, sg.Term))
		}
		terms = append(terms, s+strings.Join(sugg, ","))
	}
	return strings.Join(terms, "; ")
}

// RediSearch's tests/pytests/test_spell_check.py cases, and the rules they leave open.
func TestSpellCheck(t *testing.T) {
	names := [][3]string{
		{"doc1", "name1", "body1"},
		{"doc2", "name2", "body2"},
		{"doc3", "name2", "name2"},
	}
	type tc struct {
		args string
		want string
		err  string
	}
	for _, shards := range []int{1, 4} {
		store, r, idx := spellFixture(t, shards, names)
		r.DictAdd(nil, "dict", []string{"name3", "name5", "name4", "Name1"})
		r.DictAdd(nil, "excl", []string{"NAME"})
		r.DictAdd(nil, "slang", []string{"timmies", "toque", "toonie", "Toonif", "kerfuffle"})
		r.DictAdd(nil, "empty", []string{""})
		for _, tc := range []tc{
			{args: "name", want: "name: 0.6667 name2, 0.3333 name1"},
			{args: "@body:name", want: "name: 0.6667 name2"},
			{args: "@name:name", want: "name: 0.6667 name2, 0.3333 name1"},
			{args: "somenotexiststext", want: "somenotexiststext:"},
			{args: "name1", want: ""},
			{args: "NAME1 bodyx", want: "bodyx: 0.3333 body1, 0.3333 body2"},
			{args: "name ## TERMS INCLUDE dict", want: "name: 0.6667 name2, 0.3333 name1, 0 name3, 0 name4, 0 name5"},
			// A dictionary word the index holds scores as the index's word; outside the
			// clause's fields it is not offered (but "Name1" is another word to the index).
			{args: "@body:name ## TERMS INCLUDE dict", want: "name: 0.6667 name2, 0 Name1, 0 name3, 0 name4, 0 name5"},
			{args: "name ## TERMS EXCLUDE excl", want: ""},
			{args: "name ## TERMS INCLUDE empty", want: "name: 0.6667 name2, 0.3333 name1"},
			{args: "Tooni toque kerfuffle ## TERMS EXCLUDE slang TERMS INCLUDE slang", want: "tooni: 0 Toonif, 0 toonie"},
			{args: "Tooni toque ## TERMS INCLUDE slang", want: "tooni: 0 Toonif, 0 toonie; toque: 0 toque"},
			{args: "nmae", want: "nmae:"},
			{args: "nmae ## DISTANCE 3", want: "nmae: 0.6667 name2, 0.3333 name1"},
			{args: "name name", want: "name: 0.6667 name2, 0.3333 name1; name: 0.6667 name2, 0.3333 name1"},
			{args: "-name | ~bodyx", want: "name: 0.6667 name2, 0.3333 name1; bodyx: 0.3333 body1, 0.3333 body2"},
			{args: "@tag:{Name} ## DIALECT 2", want: "Name: 0.6667 name2, 0.3333 name1"},
			{args: "@tag:{Name}", want: "name: 0.6667 name2, 0.3333 name1"},
			{args: "name ## FULLSCOREINFO", want: "name: 2 name2, 1 name1"},
			{args: "name1 name ## FULLSCOREINFO", want: "name1: in index; name: 2 name2, 1 name1"},
			{args: "$q ## PARAMS 2 q name DIALECT 2", want: "name: 0.6667 name2, 0.3333 name1"},
			{args: strings.Repeat("n", maxSpellRunes+1) + " ## TERMS INCLUDE dict",
				want: strings.Repeat("n", maxSpellRunes+1) + ":"},
			{args: "name ## TERMS INCLUDE nosuch", err: "Dict does not exist: nosuch"},
			{args: "name ## TERMS EXCLUDE nosuch TERMS INCLUDE other", err: "Dict does not exist: other"},
			{args: "name ## DISTANCE 0 TERMS INCLUDE nosuch", err: "bad distance given, distance must be a natural number between 1 to 4"},
			{args: "$a ## DIALECT 2", err: "No such parameter `a`"},
			{args: "@nope:x ## DIALECT 2 DISTANCE 0", err: "Unknown field at offset 0 near nope"},
		} {
			req, err := ParseSpellCheck(spellArgs(tc.args))
			require.NoError(t, err, tc.args)
			tx := store.BeginAll(false)
			res, err := r.SpellCheck(&tx, idx, req)
			tx.End()
			if tc.err != "" {
				assert.EqualError(t, err, tc.err, "%d shards: %s", shards, tc.args)
				continue
			}
			require.NoError(t, err, tc.args)
			assert.Equal(t, tc.want, spellString(res), "%d shards: %s", shards, tc.args)
			assert.Equal(t, int64(3), res.TotalDocs)
		}
	}
}

// Words no document holds any more are not offered; an index without documents scores
// dictionary words 0; ties are broken by the word.
func TestSpellCheckDeletedAndEmpty(t *testing.T) {
	store, r, idx := spellFixture(t, 2, [][3]string{
		{"doc1", "Elior", "body1"}, {"doc2", "Hila", "body2"}, {"doc3", "hilo", "x"},
	})
	check := func(args, want string) {
		t.Helper()
		req, err := ParseSpellCheck(spellArgs(args))
		require.NoError(t, err)
		tx := store.BeginAll(false)
		defer tx.End()
		res, err := r.SpellCheck(&tx, idx, req)
		require.NoError(t, err)
		assert.Equal(t, want, spellString(res), args)
	}
	check("Elioh Hilh", "elioh: 0.3333 elior; hilh: 0.3333 hila, 0.3333 hilo")
	tx := store.BeginAll(true)
	tx.View(0, []byte("doc3")).Delete("doc3")
	tx.End()
	check("Elioh Hilh", "elioh: 0.5 elior; hilh: 0.5 hila")
	r.DictAdd(nil, "d", []string{"elior", "hilx"})
	tx = store.BeginAll(true)
	tx.View(0, []byte("doc1")).Delete("doc1")
	tx.View(0, []byte("doc2")).Delete("doc2")
	tx.End()
	check("Elioh Hilh ## TERMS INCLUDE d", "elioh: 0 elior; hilh: 0 hilx")
}
