package search

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/engine"
	"darner/search/query"
)

// BM25 read from the postings (scoreFromPostings) equals BM25 read from each document's
// token list (evaluator.score), word by word, with stems, repeats and field weights.
func TestScoreFromPostingsMatchesTokenLists(t *testing.T) {
	store, _, idx := newTestIndex(t, 1, "PREFIX 1 d: SCHEMA title TEXT WEIGHT 3 body TEXT")
	def := idx.Def
	words := []string{"run", "runs", "running", "runner", "city", "cities", "river", "stone", "light", "lights"}
	tx := store.BeginAll(true)
	for i := range 400 {
		h := engine.NewHash()
		var title, body []string
		for j := range 3 + i%5 {
			title = append(title, words[(i*7+j*3)%len(words)])
		}
		for j := range 5 + i%7 {
			body = append(body, words[(i*5+j*j)%len(words)])
		}
		h.Set("title", []byte(strings.Join(title, " ")))
		h.Set("body", []byte(strings.Join(body, " ")))
		key := "d:" + strconv.Itoa(i)
		tx.View(0, []byte(key)).Set(key, h, false)
	}
	tx.End()
	p := idx.parts[0]
	p.settle() // the test reads the part without a search, which would wait for the indexer
	for _, q := range []string{"running", "city", "run river", "lights | stone", "@title:runs", "citi*", "%rivr%"} {
		req := &Request{Query: q, Dialect: 2, Limit: 1000}
		ast, err := query.Parse(q, query.Options{Dialect: 2, IsStopWord: def.IsStopWord})
		require.NoError(t, err, q)
		e := newEvaluator(engine.View{}, p, req)
		m := e.eval(ast)
		var dfs []int64
		for _, l := range e.leaves {
			dfs = append(dfs, l.df)
		}
		g := sumStats([]partStats{{docs: int64(p.numDocs()), totalLen: p.totalLen, dfs: dfs}})
		sc := newScorer(req, &g, e.leaves)
		top := newTopN(1000, hitLess(req))
		require.True(t, e.scoreFromPostings(m, sc, top, hitRank(req)), q)
		hits := top.sorted()
		require.Equal(t, int(m.GetCardinality()), len(hits), q)
		for _, h := range hits {
			want := e.score(h.doc, sc)
			require.InDelta(t, want, h.Score, 1e-9*math.Max(1, want), "%s %s", q, h.Key)
			require.Greater(t, h.Score, 0.0, "%s %s", q, h.Key)
		}
	}
}

// TestKeyHeadOrder: ordering hits by key head, then key, is ordering them by key.
func TestKeyHeadOrder(t *testing.T) {
	keys := []string{"", "a", "a\x00", "a\x00\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi",
		"abcdefgg", "abcdefgz", "b", "\x00", "\xff\xff", "doc:1", "doc:10", "doc:100000", "doc:100001", "doc:99"}
	for _, a := range keys {
		for _, b := range keys {
			ha, hb := Hit{Key: a, head: keyHead(a)}, Hit{Key: b, head: keyHead(b)}
			if keyLess(&ha, &hb) != (a < b) {
				t.Errorf("keyLess(%q, %q) = %v, want %v", a, b, !(a < b), a < b)
			}
		}
	}
}
