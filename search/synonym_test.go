package search

import (
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
	"darner/search/query"
)

// setDocs writes HASH documents: key → field → value.
func setDocs(store *engine.Store, docs map[string]map[string]string) {
	tx := store.BeginAll(true)
	defer tx.End()
	for key, fields := range docs {
		h := engine.NewHash()
		for f, v := range fields {
			h.Set(f, []byte(v))
		}
		tx.View(0, []byte(key)).Set(key, h, false)
	}
}

func delDocs(store *engine.Store, keys ...string) {
	tx := store.BeginAll(true)
	defer tx.End()
	for _, key := range keys {
		tx.View(0, []byte(key)).Delete(key)
	}
}

// synUpdate runs FT.SYNUPDATE's operation as the server does: holding every shard.
func synUpdate(t *testing.T, store *engine.Store, idx *Index, group string, skip bool, terms ...string) {
	t.Helper()
	tx := store.BeginAll(true)
	defer tx.End()
	require.NoError(t, idx.SynUpdate(&tx, group, terms, skip))
}

func TestSynonymUpdateAndDump(t *testing.T) {
	type update struct {
		group string
		terms []string
	}
	tests := []struct {
		name    string
		updates []update
		want    []SynonymTerm
	}{
		{"none", nil, nil},
		{"one group", []update{{"id1", []string{"boy", "child", "offspring"}}},
			[]SynonymTerm{{"boy", []string{"id1"}}, {"child", []string{"id1"}}, {"offspring", []string{"id1"}}}},
		{"a term in two groups, groups in the order joined",
			[]update{{"id1", []string{"boy", "child", "offspring"}}, {"id2", []string{"baby", "child"}}, {"id3", []string{"tree", "wood"}}},
			[]SynonymTerm{{"boy", []string{"id1"}}, {"child", []string{"id1", "id2"}}, {"offspring", []string{"id1"}},
				{"baby", []string{"id2"}}, {"tree", []string{"id3"}}, {"wood", []string{"id3"}}}},
		{"terms lower-cased, group ids kept as given",
			[]update{{"G1", []string{"HELLO", "Shalom", "ÄHNLICH"}}},
			[]SynonymTerm{{"hello", []string{"G1"}}, {"shalom", []string{"G1"}}, {"ähnlich", []string{"G1"}}}},
		{"the same membership twice counts once",
			[]update{{"foo", []string{"bar"}}, {"foo", []string{"bar", "BAR"}}},
			[]SynonymTerm{{"bar", []string{"foo"}}}},
		{"no terms (only SKIPINITIALSCAN)", []update{{"g", nil}}, []SynonymTerm{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, _, idx := newTestIndex(t, 2, "SCHEMA t TEXT")
			for _, u := range tt.updates {
				synUpdate(t, store, idx, u.group, false, u.terms...)
			}
			got := idx.SynDump()
			if tt.want == nil {
				assert.Nil(t, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// The limits are checked before anything changes: a refused update adds no term.
func TestSynonymLimits(t *testing.T) {
	s := newSynonyms()
	s.maxTerms, s.maxGroups = 3, 2
	_, err := s.add("g1", []string{"a", "b"})
	require.NoError(t, err)
	_, err = s.add("g2", []string{"a", "c", "d"})
	require.ErrorIs(t, err, ErrSynonymTerms)
	assert.Equal(t, []string{"a", "b"}, s.order)
	_, err = s.add("g2", []string{"a", "c", "C"}) // c twice is one new term
	require.NoError(t, err)
	_, err = s.add("g3", []string{"b", "a"})
	require.ErrorIs(t, err, ErrSynonymGroups)
	assert.Equal(t, []string{"g1"}, s.terms["b"])
	added, err := s.add("g2", []string{"a", "b"}) // a is in g2 already: no new group for it
	require.NoError(t, err)
	assert.Equal(t, []membership{{"b", "g2"}}, added)
}

// synonymDocs are the documents of the matching tests.
var synonymDocs = map[string]map[string]string{
	"d:1":  {"title": "he is a boy"},
	"d:2":  {"title": "the child sister"},
	"d:3":  {"title": "offspring of kings"},
	"d:4":  {"title": "the boys club"}, // "boys" stems as boy, but is no member
	"d:5":  {"body": "a Boy in the body"},
	"d:6":  {"nost": "boy"}, // a NOSTEM field
	"d:7":  {"tags": "child"},
	"d:8":  {"title": "a boy sister"},
	"d:9":  {"title": "boy and his sister"},
	"d:10": {"title": "a lad"},
	"d:11": {"title": "nothing here"},
}

func TestSynonymMatching(t *testing.T) {
	tests := []struct {
		query    string
		verbatim bool
		want     []string
	}{
		{"child", false, []string{"d:1", "d:2", "d:3", "d:5", "d:6", "d:8", "d:9"}},
		{"CHILD", false, []string{"d:1", "d:2", "d:3", "d:5", "d:6", "d:8", "d:9"}},
		// boy's own stem finds "boys"; its groups (g1 and g2) the others.
		{"boy", false, []string{"d:1", "d:10", "d:2", "d:3", "d:4", "d:5", "d:6", "d:8", "d:9"}},
		{"lad", false, []string{"d:1", "d:10", "d:5", "d:6", "d:8", "d:9"}},
		{"@title:child", false, []string{"d:1", "d:2", "d:3", "d:8", "d:9"}},
		{"@title|body:offspring", false, []string{"d:1", "d:2", "d:3", "d:5", "d:8", "d:9"}},
		// A clause over NOSTEM fields only is not expanded.
		{"@nost:child", false, nil},
		{"@nost:boy", false, []string{"d:6"}},
		{"@nost|title:child", false, []string{"d:1", "d:2", "d:3", "d:6", "d:8", "d:9"}},
		// Neither VERBATIM nor an exact phrase expands.
		{"child", true, []string{"d:2"}},
		{`"child"`, false, []string{"d:2"}},
		{`"child sister"`, false, []string{"d:2"}},
		// A value of several words is a phrase whose words stand for their synonyms, in
		// place: "a boy sister" but not "boy and his sister".
		{"$several", false, []string{"d:2", "d:8"}},
		// Prefixes, fuzzy terms and tags are not expanded.
		{"chil*", false, []string{"d:2"}},
		{"%chold%", false, []string{"d:2"}},
		{"@tags:{boy}", false, nil},
		{"-child", false, []string{"d:10", "d:11", "d:4", "d:7"}},
		{"child -sister", false, []string{"d:1", "d:3", "d:5", "d:6"}},
		{"kings child", false, []string{"d:3"}},
		{"nothing | child", false, []string{"d:1", "d:11", "d:2", "d:3", "d:5", "d:6", "d:8", "d:9"}},
	}
	for _, shards := range []int{1, 3} {
		store, r, idx := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA title TEXT body TEXT nost TEXT NOSTEM tags TAG")
		setDocs(store, synonymDocs)
		synUpdate(t, store, idx, "g1", false, "boy", "child", "offspring")
		synUpdate(t, store, idx, "g2", false, "lad", "boy")
		for _, tt := range tests {
			req := &Request{Query: tt.query, Dialect: 2, Limit: 1000, Verbatim: tt.verbatim,
				Params: map[string]string{"several": "Child, sister"}}
			got, n := searchKeysOf(t, store, r, idx, req)
			assert.Equal(t, tt.want, got, "%d shards: %s (verbatim %v)", shards, tt.query, tt.verbatim)
			assert.Equal(t, int64(len(tt.want)), n, tt.query)
		}
	}
}

// RediSearch's testSkipInitialIndex and more: with SKIPINITIALSCAN, the documents indexed
// before the update do not match through the memberships it adds, until written again; an
// update without it makes every membership hold for every document.
func TestSynonymSkipInitialScan(t *testing.T) {
	for _, shards := range []int{1, 3} {
		t.Run(strconv.Itoa(shards), func(t *testing.T) {
			store, r, idx := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA foo TEXT")
			_, _, other := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA foo TEXT")
			search := func(q string) []string {
				t.Helper()
				keys, _ := searchKeys(t, store, r, idx, q)
				return keys
			}
			setDocs(store, map[string]map[string]string{"d:1": {"foo": "bar"}, "d:2": {"foo": "other words"}})
			synUpdate(t, store, idx, "g1", true, "bar", "xyz")
			synUpdate(t, store, other, "g1", false, "bar", "xyz") // another index: no effect here
			assert.Empty(t, search("xyz"))
			assert.Equal(t, []string{"d:1"}, search("bar"))

			setDocs(store, map[string]map[string]string{"d:3": {"foo": "bar"}, "d:4": {"foo": "xyz"}})
			assert.Equal(t, []string{"d:3", "d:4"}, search("xyz"))
			assert.Equal(t, []string{"d:1", "d:3", "d:4"}, search("bar"))

			// Written again (the same value), d:1 is indexed with the group.
			setDocs(store, map[string]map[string]string{"d:1": {"foo": "bar"}})
			assert.Equal(t, []string{"d:1", "d:3", "d:4"}, search("xyz"))

			// A second late update: d:4 held xyz then. Its key deleted and a new key taking
			// its document number, the new document matches.
			synUpdate(t, store, idx, "g2", true, "xyz", "qqq")
			assert.Equal(t, []string{"d:1", "d:3", "d:4"}, search("bar"), "g1 unchanged")
			assert.Empty(t, search("qqq"))
			delDocs(store, "d:4")
			setDocs(store, map[string]map[string]string{"d:5": {"foo": "xyz"}})
			assert.Equal(t, []string{"d:5"}, search("qqq"))
			// A document matches through a membership that holds for it even when another
			// of the group's does not: d:6 through bar, not d:7 through zzz.
			setDocs(store, map[string]map[string]string{"d:6": {"foo": "zzz bar"}, "d:7": {"foo": "zzz"}})
			synUpdate(t, store, idx, "g1", true, "zzz")
			assert.Equal(t, []string{"d:1", "d:3", "d:5", "d:6"}, search("xyz"))
			assert.Equal(t, []string{"d:1", "d:3", "d:5", "d:6", "d:7"}, search("zzz"))

			// An update without SKIPINITIALSCAN re-indexes, in effect, every document.
			setDocs(store, map[string]map[string]string{"d:8": {"foo": "qqq"}})
			synUpdate(t, store, idx, "g3", true, "qqq", "www")
			assert.Empty(t, search("www"))
			synUpdate(t, store, idx, "g4", false, "unrelated")
			assert.Equal(t, []string{"d:8"}, search("www"))
		})
	}
}

// markLate forgets the documents indexed again since an update, at the next update.
func TestSynonymLatePruned(t *testing.T) {
	store, _, idx := newTestIndex(t, 1, "PREFIX 1 d: SCHEMA foo TEXT")
	setDocs(store, map[string]map[string]string{"d:1": {"foo": "bar"}, "d:2": {"foo": "bar"}})
	synUpdate(t, store, idx, "g", true, "bar", "xyz")
	s, p := synonymsOf(idx.Def), idx.parts[0]
	lm := s.late[weak.Make(p)][membership{"bar", "g"}]
	require.NotNil(t, lm)
	assert.Equal(t, uint64(2), lm.docs.GetCardinality())
	setDocs(store, map[string]map[string]string{"d:1": {"foo": "bar again"}})
	synUpdate(t, store, idx, "h", true, "unrelated")
	assert.Equal(t, uint64(1), lm.docs.GetCardinality())
	assert.Len(t, lm.recs, 1)
	setDocs(store, map[string]map[string]string{"d:2": {"foo": "bar"}})
	synUpdate(t, store, idx, "h", true, "unrelated2")
	assert.Empty(t, s.late, "nothing late is left")
}

// scoresOf runs q and returns each hit's score.
func scoresOf(t *testing.T, store *engine.Store, r *Registry, idx *Index, q, scorer string) map[string]float64 {
	t.Helper()
	tx := store.BeginAll(false)
	defer tx.End()
	res, err := r.Search(&tx, idx, &Request{Query: q, Dialect: 2, Limit: 1000, Scorer: scorer})
	require.NoError(t, err, q)
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.Key] = h.Score
	}
	return out
}

// A group scores as one term of its own, beside the word's own term (RediSearch sums the
// BM25 of the word's term and of "~group" over the union it expands the word into).
func TestSynonymScores(t *testing.T) {
	store, r, idx := newTestIndex(t, 1, "PREFIX 1 d: SCHEMA t TEXT")
	docs := map[string]map[string]string{
		"d:1": {"t": "boy"},
		"d:2": {"t": "child"},
		"d:3": {"t": "boy child"},
		"d:4": {"t": "boy boy child"},
	}
	for i := range 6 {
		docs["d:f"+strconv.Itoa(i)] = map[string]string{"t": strings.Repeat("filler ", i+1)}
	}
	setDocs(store, docs)
	before := scoresOf(t, store, r, idx, "boy", "")
	synUpdate(t, store, idx, "g", false, "boy", "child")
	boy := scoresOf(t, store, r, idx, "boy", "")
	child := scoresOf(t, store, r, idx, "child", "")
	require.Len(t, boy, 4)
	require.Len(t, child, 4)

	// BM25 by hand: N = 10 documents, average length (1+1+2+3+21)/10 tokens.
	n, avg := 10.0, 28.0/10
	bm25 := func(df, tf, docLen float64) float64 {
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		return idf * tf * 2.2 / (tf + 1.2*(0.25+0.75*docLen/avg))
	}
	group := func(tf, docLen float64) float64 { return bm25(4, tf, docLen) } // 4 documents hold a member
	assert.InDelta(t, group(1, 1), child["d:1"], 1e-9, "d:1 through the group only")
	assert.InDelta(t, bm25(3, 1, 1)+group(1, 1), child["d:2"], 1e-9, "child's term and the group")
	assert.InDelta(t, bm25(3, 1, 2)+group(2, 2), child["d:3"], 1e-9)
	assert.InDelta(t, bm25(3, 1, 3)+group(3, 3), child["d:4"], 1e-9)
	assert.InDelta(t, bm25(3, 2, 3)+group(3, 3), boy["d:4"], 1e-9)
	for key, s := range before {
		// The word's own term scores as before the group; the group adds its own.
		assert.InDelta(t, s, boy[key]-child[key]+scoresOf(t, store, r, idx, `"child"`, "")[key], 1e-9, key)
	}

	// TF-IDF finds the same documents, the group adding to the word's own score.
	tfidf := scoresOf(t, store, r, idx, "child", "TFIDF")
	require.Len(t, tfidf, 4)
	assert.Greater(t, tfidf["d:2"], tfidf["d:1"])
}

// BM25 read from the postings equals BM25 read from the documents' tokens for synonym
// queries too (the two scoring paths).
func TestSynonymScorePaths(t *testing.T) {
	store, _, idx := newTestIndex(t, 1, "PREFIX 1 d: SCHEMA title TEXT WEIGHT 2 body TEXT")
	words := []string{"boy", "boys", "child", "children", "lad", "kid", "river", "stone"}
	docs := map[string]map[string]string{}
	for i := range 200 {
		var title, body []string
		for j := range 2 + i%4 {
			title = append(title, words[(i*3+j*5)%len(words)])
		}
		for j := range 3 + i%6 {
			body = append(body, words[(i*7+j*j)%len(words)])
		}
		docs["d:"+strconv.Itoa(i)] = map[string]string{"title": strings.Join(title, " "), "body": strings.Join(body, " ")}
	}
	setDocs(store, docs)
	synUpdate(t, store, idx, "young", false, "boy", "child", "kid")
	synUpdate(t, store, idx, "male", false, "boy", "lad")
	p := idx.parts[0]
	p.settle()
	for _, q := range []string{"boy", "kid", "lad river", "@title:child", "kid | stone", "-stone kid"} {
		req := &Request{Query: q, Dialect: 2, Limit: 1000}
		ast, err := query.Parse(q, query.Options{Dialect: 2, IsStopWord: idx.Def.IsStopWord})
		require.NoError(t, err, q)
		e := newEvaluator(engine.View{}, p, req)
		m := e.eval(ast)
		require.False(t, m.IsEmpty(), q)
		var dfs []int64
		for _, l := range e.leaves {
			dfs = append(dfs, l.df)
		}
		g := sumStats([]partStats{{docs: int64(p.numDocs()), totalLen: p.totalLen, dfs: dfs}})
		sc := newScorer(req, &g, e.leaves)
		top := newTopN(1000, hitLess(req))
		require.True(t, e.scoreFromPostings(m, sc, top, hitRank(req)), q)
		hits := top.sorted()
		require.Len(t, hits, int(m.GetCardinality()), q)
		for _, h := range hits {
			want := e.score(h.doc, sc)
			require.InDelta(t, want, h.Score, 1e-9*math.Max(1, want), "%s %s", q, h.Key)
		}
	}
}

func TestSynonymAccessors(t *testing.T) {
	store, _, idx := newTestIndex(t, 1, "SCHEMA t TEXT")
	assert.Nil(t, idx.Def.SynonymGroups("boy"))
	synUpdate(t, store, idx, "g1", false, "boy", "child")
	synUpdate(t, store, idx, "g2", false, "lad", "Boy")
	assert.Equal(t, []string{"g1", "g2"}, idx.Def.SynonymGroups("boy"))
	assert.Equal(t, []string{"boy", "child", "lad"}, idx.Def.Synonyms("boy"))
	assert.Equal(t, []string{"boy", "child"}, idx.Def.Synonyms("child"))
	assert.Nil(t, idx.Def.Synonyms("other"))
}

// An index's table goes when its Def does: the table of tables holds Defs weakly.
func TestSynonymTableFreedWithIndex(t *testing.T) {
	key := func() weak.Pointer[Def] {
		def, err := ParseCreate("gone", []string{"SCHEMA", "t", "TEXT"})
		require.NoError(t, err)
		_, err = synonymsFor(def).add("g", []string{"a"})
		require.NoError(t, err)
		return weak.Make(def)
	}()
	_, held := synonymTables.Load(key)
	require.True(t, held)
	// Cleanups run on their own goroutine after the collection that finds the Def gone.
	for range 100 {
		runtime.GC()
		if _, held = synonymTables.Load(key); !held {
			break
		}
		runtime.Gosched()
	}
	assert.False(t, held, "the table outlived its index")
}
