package server_test

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

type blogVector struct {
	key, title, tag string
	vec             []float64
}

// loadBlogVectors reads the 31 posts' real embeddings (1536 dims); each gets a tag of
// three, to filter by.
func loadBlogVectors(t *testing.T) []blogVector {
	t.Helper()
	f, err := os.Open("testdata/blog/embeddings.csv")
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	rows, err := r.ReadAll()
	require.NoError(t, err)
	var out []blogVector
	for i, row := range rows[1:] {
		var v []float64
		require.NoError(t, json.Unmarshal([]byte(row[1]), &v))
		require.Len(t, v, 1536)
		out = append(out, blogVector{"post:" + strconv.Itoa(i), row[0], []string{"a", "b", "c"}[i%3], v})
	}
	return out
}

func f32Blob(v []float64) string {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(x)))
	}
	return string(b)
}

func cosineDistance(a, b []float64) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	return 1 - dot/math.Sqrt(na*nb)
}

// bruteForce ranks the posts that keep takes by cosine distance to q, nearest first.
func bruteForce(posts []blogVector, q []float64, keep func(blogVector) bool) []string {
	type scored struct {
		key string
		d   float64
	}
	var all []scored
	for _, p := range posts {
		if keep == nil || keep(p) {
			all = append(all, scored{p.key, cosineDistance(p.vec, q)})
		}
	}
	slices.SortFunc(all, func(a, b scored) int {
		if a.d != b.d {
			if a.d < b.d {
				return -1
			}
			return 1
		}
		return 0
	})
	var keys []string
	for _, s := range all {
		keys = append(keys, s.key)
	}
	return keys
}

// KNN over the blog posts' real embeddings, stored as HASH blobs (HNSW) and as JSON arrays
// (FLAT): a post's own embedding finds that post first, the top 3 match a brute-force
// ranking, the same under a tag filter; the distance comes back under its alias or as
// __v_score; go-redis parses it in both protocols.
func TestSearchVectorBlog(t *testing.T) {
	posts := loadBlogVectors(t)
	ctx := context.Background()
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "hv", "ON", "HASH", "PREFIX", "1", "post:", "SCHEMA",
			"title", "TEXT", "tag", "TAG", "v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "1536",
			"DISTANCE_METRIC", "COSINE").Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "jv", "ON", "JSON", "PREFIX", "1", "jpost:", "SCHEMA",
			"$.title", "AS", "title", "TEXT", "$.tag", "AS", "tag", "TAG", "$.v", "AS", "v", "VECTOR", "FLAT", "6",
			"TYPE", "FLOAT32", "DIM", "1536", "DISTANCE_METRIC", "COSINE").Err())
		for _, p := range posts {
			require.NoError(t, rdb.HSet(ctx, p.key, "title", p.title, "tag", p.tag, "v", f32Blob(p.vec)).Err())
			doc, err := json.Marshal(map[string]any{"title": p.title, "tag": p.tag, "v": p.vec})
			require.NoError(t, err)
			require.NoError(t, rdb.Do(ctx, "JSON.SET", "j"+p.key, "$", string(doc)).Err())
		}
		for _, q := range []int{0, 7, 30} {
			want := bruteForce(posts, posts[q].vec, nil)
			require.Equal(t, posts[q].key, want[0])
			tagged := bruteForce(posts, posts[q].vec, func(p blogVector) bool { return p.tag == "b" })
			for _, c := range []struct {
				index, prefix string
			}{{"hv", ""}, {"jv", "j"}} {
				res, err := rdb.FTSearchWithArgs(ctx, c.index, "*=>[KNN 3 @v $vec AS dist]", &redis.FTSearchOptions{
					Params: map[string]any{"vec": f32Blob(posts[q].vec)}, DialectVersion: 2,
					SortBy: []redis.FTSearchSortBy{{FieldName: "dist", Asc: true}},
					Return: []redis.FTSearchReturn{{FieldName: "title"}, {FieldName: "dist"}},
				}).Result()
				require.NoError(t, err)
				require.Equal(t, 3, res.Total, c.index)
				var got []string
				for _, d := range res.Docs {
					got = append(got, d.ID)
				}
				var top3 []string
				for _, k := range want[:3] {
					top3 = append(top3, c.prefix+k)
				}
				assert.Equal(t, top3, got, "%s, post %d", c.index, q)
				assert.Equal(t, posts[q].title, res.Docs[0].Fields["title"])
				d0, err := strconv.ParseFloat(res.Docs[0].Fields["dist"], 64)
				require.NoError(t, err)
				assert.InDelta(t, 0, d0, 1e-5, "a post's distance to itself")
				d1, _ := strconv.ParseFloat(res.Docs[1].Fields["dist"], 64)
				assert.InDelta(t, cosineDistance(posts[q].vec, posts[mustIndex(want[1])].vec), d1, 1e-5)

				// With a tag filter: the nearest among that tag only.
				v, err := rdb.Do(ctx, "FT.SEARCH", c.index, "(@tag:{b})=>[KNN 3 @v $vec]", "PARAMS", "2", "vec",
					f32Blob(posts[q].vec), "NOCONTENT", "DIALECT", "2").Result()
				require.NoError(t, err)
				var wantTagged []any
				for _, k := range tagged[:3] {
					wantTagged = append(wantTagged, c.prefix+k)
				}
				if proto == 2 {
					assert.Equal(t, append([]any{int64(3)}, wantTagged...), v, "%s tagged, post %d", c.index, q)
				} else {
					m := v.(map[any]any)
					assert.Equal(t, int64(3), m["total_results"])
					var ids []any
					for _, r := range m["results"].([]any) {
						ids = append(ids, r.(map[any]any)["id"])
					}
					assert.Equal(t, wantTagged, ids)
				}
			}
		}
		// VECTOR_RANGE: every post within the radius, by distance, alone or beside a tag.
		for _, c := range []struct {
			index, prefix string
		}{{"hv", ""}, {"jv", "j"}} {
			q := posts[12].vec
			for _, tc := range []struct {
				query string
				keep  func(blogVector) bool
			}{
				{"@v:[VECTOR_RANGE 0.16 $vec]=>{$YIELD_DISTANCE_AS: d}", nil},
				{"@tag:{a} @v:[VECTOR_RANGE 0.16 $vec]=>{$YIELD_DISTANCE_AS: d}", func(p blogVector) bool { return p.tag == "a" }},
			} {
				var want []string
				for _, k := range bruteForce(posts, q, tc.keep) {
					if cosineDistance(posts[mustIndex(k)].vec, q) <= 0.16 {
						want = append(want, c.prefix+k)
					}
				}
				require.Greater(t, len(want), 2, "the radius takes in a few posts")
				res, err := rdb.FTSearchWithArgs(ctx, c.index, tc.query, &redis.FTSearchOptions{
					Params: map[string]any{"vec": f32Blob(q)}, DialectVersion: 2, LimitOffset: 0, Limit: 100,
					SortBy: []redis.FTSearchSortBy{{FieldName: "d", Asc: true}},
					Return: []redis.FTSearchReturn{{FieldName: "d"}},
				}).Result()
				require.NoError(t, err)
				var got []string
				last := -1.0
				for _, d := range res.Docs {
					got = append(got, d.ID)
					dist, err := strconv.ParseFloat(d.Fields["d"], 64)
					require.NoError(t, err)
					assert.GreaterOrEqual(t, dist, last, "sorted by distance")
					last = dist
				}
				assert.Equal(t, len(want), res.Total, "%s %s", c.index, tc.query)
				assert.Equal(t, want, got, "%s %s", c.index, tc.query)
			}
		}
		// K and EF_RUNTIME as parameters, the alias as an attribute.
		v, err := rdb.Do(ctx, "FT.SEARCH", "hv", "*=>[KNN $k @v $vec EF_RUNTIME $ef]=>{$YIELD_DISTANCE_AS: near}",
			"PARAMS", "6", "k", "2", "ef", "40", "vec", f32Blob(posts[9].vec), "SORTBY", "near", "RETURN", "1", "near",
			"DIALECT", "2").Result()
		require.NoError(t, err)
		if proto == 2 {
			arr := v.([]any)
			require.Len(t, arr, 5)
			assert.Equal(t, []any{int64(2), "post:9"}, arr[:2])
			assert.Equal(t, "near", arr[2].([]any)[0])
			assert.Equal(t, bruteForce(posts, posts[9].vec, nil)[1], arr[3])
		}
		// Without AS, the distance is __v_score, listed before the document's fields.
		v, err = rdb.Do(ctx, "FT.SEARCH", "hv", "*=>[KNN 1 @v $vec]", "PARAMS", "2", "vec", f32Blob(posts[4].vec),
			"RETURN", "1", "__v_score", "DIALECT", "2").Result()
		require.NoError(t, err)
		if proto == 2 {
			assert.Equal(t, []any{int64(1), "post:4", []any{"__v_score", "0"}}, roundScores(v))
		} else {
			r := v.(map[any]any)["results"].([]any)[0].(map[any]any)
			assert.Equal(t, "post:4", r["id"])
			assert.Contains(t, r["extra_attributes"].(map[any]any), "__v_score")
		}
	}
}

// mustIndex is the post number of a key "post:N".
func mustIndex(key string) int {
	n, _ := strconv.Atoi(key[len("post:"):])
	return n
}

// roundScores rounds a tiny distance (float32 rounding of a self-distance) to "0", so that
// a RESP2 reply can be compared whole.
func roundScores(v any) any {
	arr := v.([]any)
	if fields, ok := arr[2].([]any); ok && len(fields) == 2 {
		if d, err := strconv.ParseFloat(fields[1].(string), 64); err == nil && math.Abs(d) < 1e-5 {
			fields[1] = "0"
		}
	}
	return arr
}

// Bad vectors fail their document (counted in FT.INFO) and crash nothing; bad queries get
// RediSearch's errors; FLAT answers the same with 1 and 4 shards.
func TestSearchVectorErrorsAndShards(t *testing.T) {
	ctx := context.Background()
	var answers [][]any
	for _, shards := range []int{1, 4} {
		s := servertest.Start(t, servertest.Options{Shards: shards})
		rdb := s.Client(t, 2)
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "i", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA",
			"t", "TAG", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2").Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "j", "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA",
			"$.v", "AS", "v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "IP").Err())
		for i := range 40 {
			x, y := float64(i%7), float64(i/7)
			require.NoError(t, rdb.HSet(ctx, "d:"+strconv.Itoa(i), "t", []string{"p", "q"}[i%2], "v", f32Blob([]float64{x, y})).Err())
		}
		// Bad documents: a blob of the wrong length, NaN, a JSON array with a string.
		require.NoError(t, rdb.HSet(ctx, "d:short", "v", "abc").Err())
		require.NoError(t, rdb.HSet(ctx, "d:nan", "v", f32Blob([]float64{math.NaN(), 1})).Err())
		require.NoError(t, rdb.Do(ctx, "JSON.SET", "j:1", "$", `{"v":[1,"x"]}`).Err())
		require.NoError(t, rdb.Do(ctx, "JSON.SET", "j:2", "$", `{"v":[1,2,3]}`).Err())
		require.NoError(t, rdb.Do(ctx, "JSON.SET", "j:3", "$", `{"v":[0.5,0.25]}`).Err())
		info, err := rdb.FTInfo(ctx, "i").Result()
		require.NoError(t, err)
		assert.Equal(t, 40, info.NumDocs)
		assert.Equal(t, 2, info.HashIndexingFailures)
		info, err = rdb.FTInfo(ctx, "j").Result()
		require.NoError(t, err)
		assert.Equal(t, 1, info.NumDocs)
		assert.Equal(t, 2, info.HashIndexingFailures)

		q := f32Blob([]float64{3.2, 2.9})
		v, err := rdb.Do(ctx, "FT.SEARCH", "i", "(@t:{p})=>[KNN 5 @v $q AS dist]", "PARAMS", "2", "q", q,
			"SORTBY", "dist", "RETURN", "1", "dist", "DIALECT", "2").Result()
		require.NoError(t, err)
		answers = append(answers, v.([]any))

		for _, c := range []struct {
			query, blob, err string
		}{
			{"*=>[KNN 2 @v $q]", "abcdefg", "Error parsing vector similarity query: query vector blob size (7) does not match index's expected size (8)."},
			{"*=>[KNN 0 @v $q]", q, "Error parsing vector similarity query: KNN K must be a positive integer"},
			{"*=>[KNN 2 @nope $q]", q, "Unknown field `nope`"},
			{"*=>[KNN 2 @t $q]", q, "Error parsing vector similarity query: field `t` is not a vector field"},
			{"*=>[KNN 2 @v $q AS t]", q, "Property `t` already exists in schema"},
			{"*=>[KNN 2 @v $other]", q, "No such parameter `other`"},
			{"@v:[VECTOR_RANGE 1 $q]", "abc", "Error parsing vector similarity query: query vector blob size (3) does not match index's expected size (8)."},
		} {
			err := rdb.Do(ctx, "FT.SEARCH", "i", c.query, "PARAMS", "2", "q", c.blob, "DIALECT", "2").Err()
			require.Error(t, err, c.query)
			assert.Equal(t, "ERR "+c.err, err.Error(), c.query)
		}
	}
	require.Len(t, answers[0], 1+2*5)
	assert.Equal(t, answers[0], answers[1], "1 and 4 shards answer alike")
	assert.Equal(t, "d:24", answers[0][1], "(3, 3) is nearest (3.2, 2.9) among tag p")
}

// A JSON path matching several arrays makes a document of several vectors, at the distance
// of its nearest one.
func TestSearchVectorMultiJSON(t *testing.T) {
	ctx := context.Background()
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		for _, alg := range []string{"FLAT", "HNSW"} {
			name := "m" + alg
			require.NoError(t, rdb.Do(ctx, "FT.CREATE", name, "ON", "JSON", "PREFIX", "1", "doc:", "SCHEMA",
				"$.chunks[*].vec", "AS", "vec", "VECTOR", alg, "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2").Err())
		}
		require.NoError(t, rdb.Do(ctx, "JSON.SET", "doc:1", "$", `{"chunks":[{"vec":[10,10]},{"vec":[0,1]}]}`).Err())
		require.NoError(t, rdb.Do(ctx, "JSON.SET", "doc:2", "$", `{"chunks":[{"vec":[0,3]}]}`).Err())
		require.NoError(t, rdb.Do(ctx, "JSON.SET", "doc:3", "$", `{"chunks":[{"vec":[5,5]},{"vec":[6,6]}]}`).Err())
		for _, alg := range []string{"FLAT", "HNSW"} {
			v, err := rdb.Do(ctx, "FT.SEARCH", "m"+alg, "*=>[KNN 3 @vec $q AS d]", "PARAMS", "2", "q", f32Blob([]float64{0, 0}),
				"SORTBY", "d", "RETURN", "1", "d", "DIALECT", "2").Result()
			require.NoError(t, err)
			want2 := []any{int64(3), "doc:1", []any{"d", "1"}, "doc:2", []any{"d", "9"}, "doc:3", []any{"d", "50"}}
			if proto == 2 {
				assert.Equal(t, want2, v, alg)
			} else {
				var got []any
				for _, r := range v.(map[any]any)["results"].([]any) {
					m := r.(map[any]any)
					got = append(got, m["id"], m["extra_attributes"].(map[any]any)["d"])
				}
				assert.Equal(t, []any{"doc:1", "1", "doc:2", "9", "doc:3", "50"}, got, alg)
			}
		}
	}
}

// Overwriting, deleting and expiring keys keep the vector index right, for both algorithms.
func TestSearchVectorMaintenance(t *testing.T) {
	ctx := context.Background()
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	for _, alg := range []string{"FLAT", "HNSW"} {
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "i", "PREFIX", "1", "k:", "SCHEMA",
			"v", "VECTOR", alg, "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2").Err())
		for i := range 20 {
			require.NoError(t, rdb.HSet(ctx, "k:"+strconv.Itoa(i), "v", f32Blob([]float64{float64(i), 0})).Err())
		}
		nearest := func() []any {
			v, err := rdb.Do(ctx, "FT.SEARCH", "i", "*=>[KNN 2 @v $q]", "PARAMS", "2", "q", f32Blob([]float64{100, 0}),
				"NOCONTENT", "DIALECT", "2").Result()
			require.NoError(t, err)
			return v.([]any)
		}
		assert.Equal(t, []any{int64(2), "k:19", "k:18"}, nearest(), alg)
		require.NoError(t, rdb.HSet(ctx, "k:3", "v", f32Blob([]float64{99, 0})).Err()) // moved next to the query
		assert.Equal(t, []any{int64(2), "k:3", "k:19"}, nearest(), alg)
		require.NoError(t, rdb.Del(ctx, "k:3").Err())
		// An expired key leaves the index when the keyspace reclaims it (active expiry here).
		require.NoError(t, rdb.PExpire(ctx, "k:19", 1).Err())
		require.Eventually(t, func() bool {
			info, err := rdb.FTInfo(ctx, "i").Result()
			return err == nil && info.NumDocs == 18
		}, 5*time.Second, 10*time.Millisecond)
		assert.Equal(t, []any{int64(2), "k:18", "k:17"}, nearest(), alg)
		require.NoError(t, rdb.Do(ctx, "FT.DROPINDEX", "i").Err())
	}
}
