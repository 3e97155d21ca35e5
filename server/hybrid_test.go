package server_test

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// hybridReply is an FT.HYBRID reply read from either protocol: rows as maps, and in
// RESP2 (whose rows are lists) their property names in order too.
type hybridReply struct {
	total    int64
	rows     []map[string]string
	names    [][]string // RESP2 only
	warnings []any
	execMs   float64
}

// readHybrid checks the reply's shape in protocol proto and reads it: RESP2 a flat list
// total_results N results [[k v …]…] warnings [] execution_time "x"; RESP3 a map whose
// results are maps and whose execution_time is a double.
func readHybrid(t *testing.T, proto int, v any) hybridReply {
	t.Helper()
	var hr hybridReply
	top := map[string]any{}
	if proto == 2 {
		flat, ok := v.([]any)
		require.True(t, ok, "RESP2 reply %T", v)
		require.Len(t, flat, 8)
		var keys []string
		for i := 0; i < len(flat); i += 2 {
			keys = append(keys, flat[i].(string))
			top[flat[i].(string)] = flat[i+1]
		}
		require.Equal(t, []string{"total_results", "results", "warnings", "execution_time"}, keys)
		ms, err := strconv.ParseFloat(top["execution_time"].(string), 64)
		require.NoError(t, err)
		hr.execMs = ms
	} else {
		m, ok := v.(map[any]any)
		require.True(t, ok, "RESP3 reply %T", v)
		require.Len(t, m, 4)
		for k, x := range m {
			top[k.(string)] = x
		}
		ms, ok := top["execution_time"].(float64)
		require.True(t, ok, "execution_time %T", top["execution_time"])
		hr.execMs = ms
	}
	hr.total = top["total_results"].(int64)
	hr.warnings = top["warnings"].([]any)
	for _, r := range top["results"].([]any) {
		row := map[string]string{}
		if proto == 2 {
			flat := r.([]any)
			var names []string
			for i := 0; i < len(flat); i += 2 {
				names = append(names, flat[i].(string))
				row[flat[i].(string)] = flat[i+1].(string)
			}
			hr.names = append(hr.names, names)
		} else {
			for k, x := range r.(map[any]any) {
				row[k.(string)] = x.(string)
			}
		}
		hr.rows = append(hr.rows, row)
	}
	return hr
}

func (hr hybridReply) keys() []string {
	var out []string
	for _, r := range hr.rows {
		out = append(out, r["__key"])
	}
	return out
}

func f32(xs ...float32) string {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = float64(x)
	}
	return f32Blob(v)
}

// The four documents of RediSearch's own FT.HYBRID tests (tests/pytests/
// test_hybrid_response_format.py and its neighbours): 2-d vectors, L2.
func hybridShoes(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	require.NoError(t, rdb.FlushAll(ctx).Err())
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "description", "TEXT", "embedding", "VECTOR",
		"FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2", "category", "TAG").Err())
	for _, d := range []struct {
		key, desc, cat string
		x, y           float32
	}{
		{"doc:1", "red shoes", "shoes", 0, 0},
		{"doc:2", "red running shoes", "shoes", 1, 0},
		{"doc:3", "running gear", "gear", 0, 1},
		{"doc:4", "blue shoes", "shoes", 1, 1},
	} {
		require.NoError(t, rdb.HSet(ctx, d.key, "description", d.desc, "embedding", f32(d.x, d.y), "category", d.cat).Err())
	}
}

// RediSearch's own expectations for these documents, in both protocols: the rows'
// properties and their order, the total, RRF's scores, the default fields, yielded scores,
// GROUPBY/APPLY/FILTER after the fusion, LIMIT 0 0.
func TestHybridRediSearchExamples(t *testing.T) {
	ctx := context.Background()
	q := f32(1.2, 0.2)
	params := []any{"PARAMS", "2", "BLOB", q}
	cases := []struct {
		name  string
		args  []any
		total int64
		// names and values; "*" matches any value, "~x" a number within 1e-6 of x (the
		// vectors' distances are float32s).
		rows [][]string
	}{
		{"sortby description", []any{"SEARCH", "red", "VSIM", "@embedding", "$BLOB",
			"LOAD", 3, "@__key", "@__score", "@description", "SORTBY", 2, "@description", "ASC"}, 4,
			[][]string{{"__key", "doc:4", "__score", "*", "description", "blue shoes"},
				{"__key", "doc:2", "__score", "*", "description", "red running shoes"},
				{"__key", "doc:1", "__score", "*", "description", "red shoes"},
				{"__key", "doc:3", "__score", "*", "description", "running gear"}}},
		{"groupby", []any{"SEARCH", "*", "VSIM", "@embedding", "$BLOB", "LOAD", 2, "@__key", "@category",
			"GROUPBY", 1, "@category", "REDUCE", "COUNT", 0, "AS", "count", "SORTBY", 2, "@category", "ASC"}, 2,
			[][]string{{"category", "gear", "count", "1"}, {"category", "shoes", "count", "3"}}},
		{"apply", []any{"SEARCH", "*", "VSIM", "@embedding", "$BLOB", "LOAD", 2, "@category", "@description",
			"APPLY", "strlen(@category) + strlen(@description)", "AS", "length", "SORTBY", 2, "@length", "ASC"}, 4,
			[][]string{{"category", "shoes", "description", "red shoes", "length", "14"},
				{"category", "shoes", "description", "blue shoes", "length", "15"},
				{"category", "gear", "description", "running gear", "length", "16"},
				{"category", "shoes", "description", "red running shoes", "length", "22"}}},
		// doc:2 is the nearest (0.08), doc:4 second (0.68) and the only match of "blue":
		// 1/(3+1) + 1/(3+2) and 1/(3+1).
		{"rrf default output", []any{"2", "SEARCH", "blue", "VSIM", "@embedding", "$BLOB", "KNN", "2", "K", "2",
			"COMBINE", "RRF", "2", "CONSTANT", "3"}, 2,
			[][]string{{"__key", "doc:4", "__score", "0.45"}, {"__key", "doc:2", "__score", "0.25"}}},
		// The SORTBY's property is loaded after the yielded vector score, which is
		// 1/(1+d): doc:4 1/1.68, doc:2 1/1.08, doc:1 1/2.48, doc:3 1/3.08.
		{"vector yield", []any{"SEARCH", "*", "VSIM", "@embedding", "$BLOB", "KNN", "2", "K", "10",
			"YIELD_SCORE_AS", "vector_score", "SORTBY", 2, "@description", "ASC"}, 4,
			[][]string{{"__key", "doc:4", "__score", "*", "vector_score", "~0.595238095238", "description", "blue shoes"},
				{"__key", "doc:2", "__score", "*", "vector_score", "~0.925925925926", "description", "red running shoes"},
				{"__key", "doc:1", "__score", "*", "vector_score", "~0.403225806452", "description", "red shoes"},
				{"__key", "doc:3", "__score", "*", "vector_score", "~0.324675324675", "description", "running gear"}}},
		// LINEAR with BETA 1 is the vector score: doc:2's is 1/1.08, the only one above
		// 0.9; the FILTER's drops count off the total.
		{"post filter", []any{"SEARCH", "green", "VSIM", "@embedding", "$BLOB", "COMBINE", "LINEAR", "4",
			"ALPHA", "0.0", "BETA", "1.0", "APPLY", "2*@__score", "AS", "doubled", "FILTER", "@doubled>1.8"}, 1,
			[][]string{{"__key", "doc:2", "__score", "~0.925925925926", "doubled", "~1.85185185185"}}},
		{"count only", []any{"SEARCH", "*", "VSIM", "@embedding", "$BLOB", "LIMIT", "0", "0"}, 4, nil},
		{"page", []any{"SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "LOAD", 1, "@__key",
			"SORTBY", 2, "@__key", "DESC", "LIMIT", "1", "2"}, 4,
			[][]string{{"__key", "doc:3"}, {"__key", "doc:2"}}},
	}
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		hybridShoes(t, rdb)
		for _, c := range cases {
			args := append(append([]any{"FT.HYBRID", "idx"}, c.args...), params...)
			v, err := rdb.Do(ctx, args...).Result()
			require.NoError(t, err, c.name)
			hr := readHybrid(t, proto, v)
			name := c.name + " RESP" + strconv.Itoa(proto)
			assert.Equal(t, c.total, hr.total, name)
			assert.Empty(t, hr.warnings, name)
			assert.Greater(t, hr.execMs, 0.0, name)
			require.Len(t, hr.rows, len(c.rows), name)
			for i, want := range c.rows {
				var names []string
				for j := 0; j < len(want); j += 2 {
					names = append(names, want[j])
					got := hr.rows[i][want[j]]
					switch w := want[j+1]; {
					case w == "*":
					case w[0] == '~':
						x, _ := strconv.ParseFloat(w[1:], 64)
						y, err := strconv.ParseFloat(got, 64)
						assert.NoError(t, err, "%s row %d %s", name, i, want[j])
						assert.InDelta(t, x, y, 1e-6, "%s row %d %s", name, i, want[j])
					default:
						assert.Equal(t, w, got, "%s row %d %s", name, i, want[j])
					}
				}
				assert.Len(t, hr.rows[i], len(names), "%s row %d", name, i)
				if proto == 2 {
					assert.Equal(t, names, hr.names[i], "%s row %d", name, i)
				}
			}
		}
	}
}

// The same over JSON documents (RediSearch's tests/pytests/test_hybrid_json.py): vectors
// as arrays, LOAD by attribute and by JSONPath.
func TestHybridJSON(t *testing.T) {
	ctx := context.Background()
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "jidx", "ON", "JSON", "SCHEMA", "$.description", "AS", "description",
			"TEXT", "$.embedding", "AS", "embedding", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2",
			"DISTANCE_METRIC", "L2").Err())
		for k, doc := range map[string]string{
			"doc:1": `{"description":"red shoes","embedding":[0,0]}`,
			"doc:2": `{"description":"red running shoes","embedding":[1,0]}`,
			"doc:3": `{"description":"running gear","embedding":[0,1]}`,
			"doc:4": `{"description":"blue shoes","embedding":[1,1]}`,
		} {
			require.NoError(t, rdb.Do(ctx, "JSON.SET", k, "$", doc).Err())
		}
		v, err := rdb.Do(ctx, "FT.HYBRID", "jidx", "SEARCH", "blue", "VSIM", "@embedding", "$BLOB", "KNN", "2", "K", "2",
			"COMBINE", "RRF", "2", "CONSTANT", "3", "PARAMS", "2", "BLOB", f32(1.2, 0.2)).Result()
		require.NoError(t, err)
		hr := readHybrid(t, proto, v)
		assert.Equal(t, int64(2), hr.total)
		assert.Equal(t, []map[string]string{{"__key": "doc:4", "__score": "0.45"}, {"__key": "doc:2", "__score": "0.25"}}, hr.rows)

		v, err = rdb.Do(ctx, "FT.HYBRID", "jidx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB",
			"LOAD", 3, "@description", "$.embedding", "@__key", "SORTBY", 2, "@__key", "ASC", "LIMIT", 0, 2,
			"PARAMS", "2", "BLOB", f32(0, 0)).Result()
		require.NoError(t, err)
		hr = readHybrid(t, proto, v)
		assert.Equal(t, int64(4), hr.total)
		assert.Equal(t, []map[string]string{
			{"__key": "doc:1", "description": "red shoes", "$.embedding": "[0,0]"},
			{"__key": "doc:2", "description": "red running shoes", "$.embedding": "[1,0]"}}, hr.rows)
	}
}

// hybridBlog indexes the 31 blog posts with their real embeddings.
func hybridBlog(t *testing.T, rdb *redis.Client) []blogVector {
	ctx := context.Background()
	posts, vecs := loadBlogPosts(t), loadBlogVectors(t)
	require.NoError(t, rdb.FlushAll(ctx).Err())
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "blog", "PREFIX", "1", "post:", "SCHEMA", "title", "TEXT",
		"content", "TEXT", "tag", "TAG", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "1536",
		"DISTANCE_METRIC", "COSINE").Err())
	for i, p := range posts {
		require.Equal(t, p.title, vecs[i].title)
		require.NoError(t, rdb.HSet(ctx, p.key, "title", p.title, "content", p.content, "tag", vecs[i].tag,
			"v", f32Blob(vecs[i].vec)).Err())
	}
	return vecs
}

type ranked struct {
	key string
	val float64 // the text score, or the distance
}

// textRanking is FT.SEARCH's ranking of query: keys and scores, best first.
func textRanking(t *testing.T, rdb *redis.Client, query string, n int) []ranked {
	v, err := rdb.Do(context.Background(), "FT.SEARCH", "blog", query, "WITHSCORES", "NOCONTENT",
		"LIMIT", 0, n, "DIALECT", 2).Result()
	require.NoError(t, err)
	flat := v.([]any)
	var out []ranked
	for i := 1; i < len(flat); i += 2 {
		s, err := strconv.ParseFloat(flat[i+1].(string), 64)
		require.NoError(t, err)
		out = append(out, ranked{flat[i].(string), s})
	}
	return out
}

// knnRanking is FT.SEARCH's k nearest posts to vec, with their distances.
func knnRanking(t *testing.T, rdb *redis.Client, vec string, k int) []ranked {
	return vecRanking(t, rdb, "*=>[KNN "+strconv.Itoa(k)+" @v $vec AS d]", vec, k)
}

// vecRanking is FT.SEARCH's answer to a vector query yielding the distance as d: at most
// n posts, nearest first, with their distances.
func vecRanking(t *testing.T, rdb *redis.Client, query, vec string, n int) []ranked {
	v, err := rdb.Do(context.Background(), "FT.SEARCH", "blog", query,
		"RETURN", 1, "d", "SORTBY", "d", "LIMIT", 0, n, "PARAMS", 2, "vec", vec, "DIALECT", 2).Result()
	require.NoError(t, err)
	flat := v.([]any)
	var out []ranked
	for i := 1; i < len(flat); i += 2 {
		d, err := strconv.ParseFloat(flat[i+1].([]any)[1].(string), 64)
		require.NoError(t, err)
		out = append(out, ranked{flat[i].(string), d})
	}
	return out
}

// fuseByHand is the expected fused ranking: each document's score from the lists it is
// in (text first, then vector, as the server adds them), best first, ties by key.
func fuseByHand(text, knn []ranked, score func(rank int, r ranked, isText bool) float64) []ranked {
	sum := map[string]float64{}
	var order []string
	for _, list := range []struct {
		l      []ranked
		isText bool
	}{{text, true}, {knn, false}} {
		for i, r := range list.l {
			if _, ok := sum[r.key]; !ok {
				order = append(order, r.key)
			}
			sum[r.key] += score(i+1, r, list.isText)
		}
	}
	out := make([]ranked, 0, len(order))
	for _, k := range order {
		out = append(out, ranked{k, sum[k]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].val != out[j].val {
			return out[i].val > out[j].val
		}
		return out[i].key < out[j].key
	})
	return out
}

func fmt12(x float64) string { return strconv.FormatFloat(x, 'g', 12, 64) }

// RRF and LINEAR over the 31 blog posts, checked against the fusion worked out here from
// FT.SEARCH's own text ranking (WITHSCORES) and KNN distances: the order, the total, the
// scores; a WINDOW smaller than the lists; RESP2 and RESP3; 4 shards and 1.
func TestHybridBlog(t *testing.T) {
	ctx := context.Background()
	for _, shards := range []int{4, 1} {
		s := servertest.Start(t, servertest.Options{Shards: shards})
		vecs := hybridBlog(t, s.Client(t, 2))
		ranks := s.Client(t, 2) // FT.SEARCH's rankings, read from its RESP2 reply
		for _, proto := range servertest.Protocols {
			rdb := s.Client(t, proto)
			name := "shards " + strconv.Itoa(shards) + " RESP" + strconv.Itoa(proto)
			for _, c := range []struct {
				text   string
				qvec   int
				k, win int
			}{{"cache", 7, 10, 20}, {"dragonfly", 0, 10, 20}, {"memory | redis", 30, 12, 5}} {
				vec := f32Blob(vecs[c.qvec].vec)
				text := textRanking(t, ranks, c.text, c.win)
				knn := knnRanking(t, ranks, vec, min(c.k, c.win))
				require.NotEmpty(t, text, c.text)
				rrf := fuseByHand(text, knn, func(rank int, _ ranked, _ bool) float64 { return 1 / (60 + float64(rank)) })
				v, err := rdb.Do(ctx, "FT.HYBRID", "blog", "SEARCH", c.text, "VSIM", "@v", "$vec",
					"KNN", 2, "K", c.k, "COMBINE", "RRF", 2, "WINDOW", c.win, "LIMIT", 0, 40,
					"PARAMS", 2, "vec", vec).Result()
				require.NoError(t, err, name)
				hr := readHybrid(t, proto, v)
				require.Equal(t, int64(len(rrf)), hr.total, "%s %s", name, c.text)
				var want, gotScores, wantScores []string
				for _, r := range rrf {
					want = append(want, r.key)
					wantScores = append(wantScores, fmt12(r.val))
				}
				for _, r := range hr.rows {
					gotScores = append(gotScores, r["__score"])
				}
				assert.Equal(t, want, hr.keys(), "%s RRF %s", name, c.text)
				assert.Equal(t, wantScores, gotScores, "%s RRF %s", name, c.text)

				const alpha, beta = 0.6, 0.4
				linear := fuseByHand(text, knn, func(_ int, r ranked, isText bool) float64 {
					if isText {
						return alpha * r.val
					}
					return beta * (2 - r.val) / 2 // COSINE: (1 + (1 - d)) / 2
				})
				v, err = rdb.Do(ctx, "FT.HYBRID", "blog", "SEARCH", c.text, "YIELD_SCORE_AS", "ts",
					"VSIM", "@v", "$vec", "KNN", 2, "K", c.k, "YIELD_SCORE_AS", "vs",
					"COMBINE", "LINEAR", 6, "ALPHA", alpha, "BETA", beta, "WINDOW", c.win, "YIELD_SCORE_AS", "fs",
					"LOAD", 1, "@__key", "LIMIT", 0, 40, "PARAMS", 2, "vec", vec).Result()
				require.NoError(t, err, name)
				hr = readHybrid(t, proto, v)
				require.Equal(t, int64(len(linear)), hr.total, "%s %s", name, c.text)
				want = want[:0]
				for _, r := range linear {
					want = append(want, r.key)
				}
				require.Equal(t, want, hr.keys(), "%s LINEAR %s", name, c.text)
				for i, r := range hr.rows {
					fs, err := strconv.ParseFloat(r["fs"], 64)
					require.NoError(t, err)
					assert.InDelta(t, linear[i].val, fs, 1e-9, "%s LINEAR %s %s", name, c.text, r["__key"])
					ts, vs := 0.0, 0.0
					if r["ts"] != "" {
						ts, _ = strconv.ParseFloat(r["ts"], 64)
					}
					if r["vs"] != "" {
						vs, _ = strconv.ParseFloat(r["vs"], 64)
						assert.LessOrEqual(t, vs, 1+1e-6) // a post's own vector: d ≈ 0
					}
					assert.InDelta(t, alpha*ts+beta*vs, fs, 1e-9, "%s %s", name, r["__key"])
					if proto == 2 {
						assert.Equal(t, slices.DeleteFunc([]string{"ts", "__key", "vs", "fs"},
							func(n string) bool { _, ok := r[n]; return !ok }), hr.names[i])
					}
				}

				// RANGE: the posts within the 6th nearest's distance, nearest first (at most
				// WINDOW), ranked for RRF as the KNN's are.
				radius := knnRanking(t, ranks, vec, 6)[5].val
				within := vecRanking(t, ranks, "@v:[VECTOR_RANGE "+strconv.FormatFloat(radius, 'g', -1, 64)+
					" $vec]=>{$YIELD_DISTANCE_AS: d}", vec, c.win)
				require.NotEmpty(t, within)
				rrf = fuseByHand(text, within, func(rank int, _ ranked, _ bool) float64 { return 1 / (60 + float64(rank)) })
				v, err = rdb.Do(ctx, "FT.HYBRID", "blog", "SEARCH", c.text, "VSIM", "@v", "$vec",
					"RANGE", 2, "RADIUS", radius, "COMBINE", "RRF", 2, "WINDOW", c.win, "LIMIT", 0, 40,
					"PARAMS", 2, "vec", vec).Result()
				require.NoError(t, err, name)
				hr = readHybrid(t, proto, v)
				want = want[:0]
				for _, r := range rrf {
					want = append(want, r.key)
				}
				assert.Equal(t, int64(len(rrf)), hr.total, "%s RANGE %s", name, c.text)
				assert.Equal(t, want, hr.keys(), "%s RANGE %s", name, c.text)
			}
		}
	}
}

// go-redis' typed API: FTHybrid and FTHybridWithArgs parse the reply in both protocols.
func TestHybridGoRedis(t *testing.T) {
	ctx := context.Background()
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		vecs := hybridBlog(t, rdb)
		vec := []byte(f32Blob(vecs[3].vec))
		ranks := s.Client(t, 2)
		rrf := fuseByHand(textRanking(t, ranks, "dragonfly", 20), knnRanking(t, ranks, string(vec), 10),
			func(rank int, _ ranked, _ bool) float64 { return 1 / (60 + float64(rank)) })
		res, err := rdb.FTHybrid(ctx, "blog", "dragonfly", "v", &redis.VectorFP32{Val: vec}).Result()
		require.NoError(t, err, proto)
		assert.Equal(t, len(rrf), res.TotalResults, proto)
		require.Len(t, res.Results, 10, proto)
		assert.Empty(t, res.Warnings)
		assert.Greater(t, res.ExecutionTime, 0.0)
		for i, r := range res.Results {
			assert.Equal(t, map[string]any{"__key": rrf[i].key, "__score": fmt12(rrf[i].val)}, r, proto)
		}

		res, err = rdb.FTHybridWithArgs(ctx, "blog", &redis.FTHybridOptions{
			SearchExpressions: []redis.FTHybridSearchExpression{{Query: "cache", YieldScoreAs: "ts"}},
			VectorExpressions: []redis.FTHybridVectorExpression{{VectorField: "v", VectorData: &redis.VectorFP32{Val: vec},
				Method: "KNN", MethodParams: []any{"K", 5}, Filter: "@tag:{a|b}", YieldScoreAs: "vs"}},
			Combine: &redis.FTHybridCombineOptions{Method: redis.FTHybridCombineLinear, Alpha: 0.5, Beta: 0.5,
				YieldScoreAs: "fs"},
			Load:   []string{"@__key", "@title", "@tag"},
			Apply:  []redis.FTHybridApply{{Expression: "upper(@tag)", AsField: "TAG"}},
			SortBy: []redis.FTSearchSortBy{{FieldName: "@fs", Desc: true}},
			Limit:  3,
		}).Result()
		require.NoError(t, err, proto)
		require.Len(t, res.Results, 3, proto)
		prev := math.Inf(1)
		for _, r := range res.Results {
			fs, err := strconv.ParseFloat(r["fs"].(string), 64)
			require.NoError(t, err)
			assert.LessOrEqual(t, fs, prev)
			prev = fs
			assert.NotEmpty(t, r["title"])
			if _, ok := r["vs"]; ok {
				assert.Contains(t, []string{"A", "B"}, r["TAG"], "the VSIM FILTER keeps tags a and b")
			}
		}
	}
}

// FT.HYBRID's errors, worded as RediSearch 8.4 words them.
func TestHybridErrors(t *testing.T) {
	ctx := context.Background()
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 3)
	hybridShoes(t, rdb)
	q := f32(0, 0)
	p := []any{"PARAMS", "2", "BLOB", q}
	with := func(args ...any) []any { return append(args, p...) }
	for _, c := range []struct {
		args []any
		err  string
	}{
		{[]any{"nope", "SEARCH", "x", "VSIM", "@embedding", "$BLOB"}, "No such index nope"},
		{[]any{"idx"}, "ERR Missing subqueries count for FT.HYBRID"},
		{[]any{"idx", "VSIM", "@embedding", "$BLOB"}, "ERR Invalid subqueries count: expected an unsigned integer"},
		{[]any{"idx", "3", "SEARCH", "x"}, "ERR FT.HYBRID currently supports only two subqueries"},
		{[]any{"idx", "2", "VSIM"}, "ERR SEARCH keyword is required"},
		{[]any{"idx", "SEARCH"}, "ERR No query string provided for SEARCH"},
		{[]any{"idx", "SEARCH", "shoes"}, "ERR VSIM argument is required"},
		{[]any{"idx", "SEARCH", "shoes", "LIMIT", "0", "1"}, "ERR Unknown argument `LIMIT` in SEARCH"},
		{[]any{"idx", "SEARCH", "shoes", "DIALECT", "2", "VSIM"}, "ERR DIALECT is not supported in FT.HYBRID or any of its subqueries. Please check the documentation on search-default-dialect configuration."},
		{[]any{"idx", "SEARCH", "shoes", "VSIM", "embedding", "$BLOB"}, "ERR Missing @ prefix for vector field name"},
		{[]any{"idx", "SEARCH", "shoes", "VSIM", "@embedding", "BLOB"}, "ERR Invalid vector argument, expected a parameter name starting with $"},
		{[]any{"idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "KNN", "4", "K", "15"}, "ERR Expected arguments 4, but 2 were provided"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "KNN", "K", "15"), "ERR Invalid argument count: expected an unsigned integer"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "KNN", "2", "K", "0"), "ERR Invalid K value"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "KNN", "6", "K", "10", "YIELD_DISTANCE_AS", "d", "X", "Y"), "ERR Unknown argument `YIELD_DISTANCE_AS` in KNN"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "KNN", "4", "K", "10", "COMBINE", "RRF"), "ERR Unknown argument `COMBINE` in KNN"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "RANGE", "2", "EPSILON", "0.1"), "ERR Missing required argument RADIUS"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "RANGE", "2", "RADIUS", "-1"), "ERR Invalid RADIUS value"},
		{[]any{"idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "FILTER", "3", "@category:{shoes}"}, "ERR Not enough arguments in FILTER, specified 3 but provided only 1"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "YIELD_SCORE_AS", "s"), "ERR COMBINE: Invalid value for argument"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "RRF", "LOAD", "1", "@__key"), "ERR Invalid RRF argument count, error: Could not convert argument to expected type"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "RRF", "3", "WINDOW", "2", "X"), "ERR RRF expects pairs of key value arguments, argument count must be an even number"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "RRF", "2", "WINDOW", "0"), "ERR WINDOW: Value below minimum"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "RRF", "2", "ALPHA", "1"), "ERR ALPHA: Unknown argument"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "LINEAR", "2", "ALPHA", "0.5"), "ERR Missing value for BETA"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "RRF", "2", "CONSTANT", "60", "YIELD_SCORE_AS", "a", "YIELD_SCORE_AS", "b"), "ERR YIELD_SCORE_AS: Unknown argument"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "COMBINE", "RRF", "2", "CONSTANT", "60", "COMBINE", "RRF", "0"), "ERR COMBINE: Argument specified multiple times"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "LOAD", "1", "description"), "ERR Missing prefix: name requires '@' prefix, JSON path require '$' prefix, got: description in LOAD"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "SORTBY", "1", "description"), "ERR Missing prefix: name requires '@' prefix, JSON path require '$' prefix, got: description in SORTBY"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "GROUPBY", "1", "category"), "ERR Bad arguments for GROUPBY: Unknown property `category`. Did you mean `@category`?"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "SORTBY", "1", "@description", "NOSORT"), "ERR NOSORT is not allowed with SORTBY"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "LIMIT", "5", "0"), "ERR The `offset` of the LIMIT must be 0 when `num` is 0"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "LIMIT", "0", "1000001"), "ERR LIMIT exceeds maximum of 1000000"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "DIALECT", "2"), "ERR DIALECT is not supported in FT.HYBRID or any of its subqueries. Please check the documentation on search-default-dialect configuration."},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "EXPLAINSCORE"), "ERR EXPLAINSCORE is not yet supported by FT.HYBRID"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "BOGUS"), "ERR BOGUS: Unknown argument"},
		{with("idx", "SEARCH", "@embedding:[VECTOR_RANGE 0.01 $BLOB]", "VSIM", "@embedding", "$BLOB"), "ERR Vector expressions are not allowed in FT.HYBRID SEARCH"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "FILTER", "@embedding:[VECTOR_RANGE 0.01 $BLOB]"), "ERR Vector expressions are not allowed in FT.HYBRID VSIM FILTER"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@nonexistent", "$BLOB"), "ERR Unknown field `nonexistent`"},
		{[]any{"idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB"}, "ERR No such parameter `BLOB`"},
		{with("idx", "SEARCH", "shoes", "VSIM", "@embedding", "$BLOB", "APPLY", "whoami"), "ERR Unknown symbol 'whoami'"},
	} {
		err := rdb.Do(ctx, append([]any{"FT.HYBRID"}, c.args...)...).Err()
		if assert.Error(t, err, "%v", c.args) {
			assert.Equal(t, c.err, err.Error(), "%v", c.args)
		}
	}
}
