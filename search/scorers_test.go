package search

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/engine"
)

// Every SCORER, computed here by hand on a small index and compared with what a search
// reports, with 1 and 3 shards (the statistics are index-wide).
func TestScorers(t *testing.T) {
	docs := []struct{ title, score string }{
		{"apple apple pear", "1"},
		{"apple banana", "0.5"},
		{"pear banana banana cherry", "2"},
		{"cherry", "1"},
	}
	for _, shards := range []int{1, 3} {
		store, r, idx := newTestIndex(t, shards, "PREFIX 1 d: SCORE_FIELD s SCHEMA title TEXT")
		tx := store.BeginAll(true)
		for i, d := range docs {
			h := engine.NewHash()
			h.Set("title", []byte(d.title))
			h.Set("s", []byte(d.score))
			key := "d:" + strconv.Itoa(i)
			tx.View(0, []byte(key)).Set(key, h, false)
		}
		tx.End()
		scores := func(scorer, q string) map[string]float64 {
			t.Helper()
			rtx := store.BeginAll(false)
			defer rtx.End()
			res, err := r.Search(&rtx, idx, &Request{Query: q, Dialect: 2, Limit: 10, Scorer: scorer})
			require.NoError(t, err, scorer)
			out := map[string]float64{}
			for _, h := range res.Hits {
				out[h.Key] = h.Score
			}
			return out
		}
		const n = 4.0
		lens := []float64{3, 2, 4, 1}
		docScore := []float64{1, 0.5, 2, 1}
		avgLen := (3 + 2 + 4 + 1) / n
		bm25 := func(tf, df, dl float64) float64 {
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			return idf * tf * 2.2 / (tf + 1.2*(1-0.75+0.75*dl/avgLen))
		}
		// "apple | banana": apple in d:0 (tf 2) and d:1 (1), df 2; banana in d:1 (1) and d:2 (2), df 2.
		tf := map[string][2]float64{"d:0": {2, 0}, "d:1": {1, 1}, "d:2": {0, 2}}
		want := map[string]map[string]float64{}
		for _, s := range []string{"BM25STD", "TFIDF.DOCNORM", "DISMAX", "DOCSCORE", "HAMMING", "BM25STD.TANH"} {
			want[s] = map[string]float64{}
		}
		var bm []float64
		for key, f := range tf {
			i := int(key[2] - '0')
			b := (bm25(f[0], 2, lens[i]) + bm25(f[1], 2, lens[i])) * docScore[i]
			bm = append(bm, b)
			want["BM25STD"][key] = b
			want["BM25STD.TANH"][key] = math.Tanh(b / 4)
			idf := math.Log2(1 + n/2)
			want["TFIDF.DOCNORM"][key] = (f[0] + f[1]) / lens[i] * idf * docScore[i]
			want["DISMAX"][key] = f[0] + f[1]
			want["DOCSCORE"][key] = docScore[i]
			want["HAMMING"][key] = 0
		}
		for scorer, w := range want {
			got := scores(scorer, "apple | banana")
			require.Len(t, got, 3, scorer)
			for k, v := range w {
				require.InDelta(t, v, got[k], 1e-9, "%s %s shards=%d", scorer, k, shards)
			}
		}
		require.Equal(t, scores("BM25STD", "apple | banana"), scores("BM25", "apple | banana"), "BM25 is BM25STD")
		// NORM: the least and greatest scores of all matches become 0 and 1, even with a
		// page of one.
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, b := range bm {
			lo, hi = min(lo, b), max(hi, b)
		}
		rtx := store.BeginAll(false)
		res, err := r.Search(&rtx, idx, &Request{Query: "apple | banana", Dialect: 2, Limit: 1, Scorer: "BM25STD.NORM"})
		rtx.End()
		require.NoError(t, err)
		require.Len(t, res.Hits, 1)
		require.InDelta(t, 1.0, res.Hits[0].Score, 1e-9)
		all := scores("BM25STD.NORM", "apple | banana")
		for key, f := range tf {
			i := int(key[2] - '0')
			b := (bm25(f[0], 2, lens[i]) + bm25(f[1], 2, lens[i])) * docScore[i]
			require.InDelta(t, (b-lo)/(hi-lo), all[key], 1e-9, key)
		}
	}
}
