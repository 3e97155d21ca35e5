package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// WITHSCORES EXPLAINSCORE: each score comes with RediSearch's explanation of it, a final
// line and one line per term.
func TestSearchExplainScore(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 2})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.HSet(ctx, "d:1", "t", "hello world").Err())
		require.NoError(t, rdb.HSet(ctx, "d:2", "t", "hello hello").Err())
		require.NoError(t, rdb.HSet(ctx, "d:3", "t", "other").Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT").Err())
		waitIndexed(t, rdb, "idx")

		explained := func(args ...any) map[string][]any {
			t.Helper()
			v, err := rdb.Do(ctx, append([]any{"FT.SEARCH", "idx"}, args...)...).Result()
			require.NoError(t, err)
			out := map[string][]any{}
			if proto == 2 {
				r := v.([]any)
				for i := 1; i+1 < len(r); i += 2 {
					out[r[i].(string)] = r[i+1].([]any)
				}
				return out
			}
			for _, x := range v.(map[any]any)["results"].([]any) {
				m := x.(map[any]any)
				out[m["id"].(string)] = m["score"].([]any)
			}
			return out
		}
		// TFIDF: IDF = log2(1 + 3/2); frequencies relative to the document's most frequent word.
		got := explained("hello", "SCORER", "TFIDF", "WITHSCORES", "EXPLAINSCORE", "NOCONTENT")
		require.Len(t, got, 2)
		idf := "1.32"
		assert.Equal(t, []any{"Final TFIDF : words TFIDF 2.64 * document score 1.00 / norm 2 / slop 1",
			[]any{"(TFIDF 2.64 = Weight 1.00 * TF 2 * IDF " + idf + ")"}}, got["d:2"][1])
		assert.Equal(t, []any{"Final TFIDF : words TFIDF 1.32 * document score 1.00 / norm 1 / slop 1",
			[]any{"(TFIDF 1.32 = Weight 1.00 * TF 1 * IDF " + idf + ")"}}, got["d:1"][1])
		// BM25STD: the final line's words score is the score (document score 1).
		got = explained("hello world", "WITHSCORES", "EXPLAINSCORE", "NOCONTENT")
		require.Len(t, got, 1)
		ex := got["d:1"][1].([]any)
		final := ex[0].(string)
		require.True(t, strings.HasPrefix(final, "Final BM25STD : words BM25STD "), final)
		words, err := strconv.ParseFloat(strings.Fields(final)[5], 64)
		require.NoError(t, err)
		score := got["d:1"][0]
		if proto == 2 {
			f, err := strconv.ParseFloat(score.(string), 64)
			require.NoError(t, err)
			score = f
		}
		assert.InDelta(t, score.(float64), words, 0.006)
		assert.Len(t, ex[1], 2, "one line per term")
	}
}

// WITHPAYLOADS: a nil payload per hit (darner's documents have none), in its place in the
// reply; PAYLOAD is accepted.
func TestSearchWithPayloads(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.HSet(ctx, "d:1", "t", "hello").Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT").Err())
		waitIndexed(t, rdb, "idx")
		v, err := rdb.Do(ctx, "FT.SEARCH", "idx", "hello", "WITHPAYLOADS", "PAYLOAD", "xyz", "RETURN", "1", "t").Result()
		require.NoError(t, err)
		if proto == 2 {
			assert.Equal(t, []any{int64(1), "d:1", nil, []any{"t", "hello"}}, v)
		} else {
			r := v.(map[any]any)["results"].([]any)[0].(map[any]any)
			assert.Contains(t, r, "payload")
			assert.Nil(t, r["payload"])
		}
	}
}
