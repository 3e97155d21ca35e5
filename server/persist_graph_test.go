package server_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"darner/server"
	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const graphDim = 24

// graphVectors makes n clustered vectors.
func graphVectors(r *rand.Rand, n int) [][]float32 {
	centres := make([][]float32, 12)
	for i := range centres {
		centres[i] = make([]float32, graphDim)
		for j := range centres[i] {
			centres[i][j] = float32(r.NormFloat64() * 4)
		}
	}
	out := make([][]float32, n)
	for i := range out {
		c := centres[r.IntN(len(centres))]
		out[i] = make([]float32, graphDim)
		for j := range out[i] {
			out[i][j] = c[j] + float32(r.NormFloat64())
		}
	}
	return out
}

// knnKeys answers a KNN 10 query with its keys and distances, in order.
func knnKeys(t *testing.T, rdb *redis.Client, q []float32) []string {
	t.Helper()
	res, err := rdb.Do(context.Background(), "FT.SEARCH", "vidx", "*=>[KNN 10 @vec $q EF_RUNTIME 100 AS d]",
		"PARAMS", 2, "q", f32(q...), "RETURN", 1, "d", "SORTBY", "d", "DIALECT", 2).Slice()
	require.NoError(t, err)
	var out []string
	for i := 1; i+1 < len(res); i += 2 {
		out = append(out, fmt.Sprintf("%v %v", res[i], res[i+1]))
	}
	return out
}

// exactNearest is the brute-force top 10 keys for q over docs.
func exactNearest(docs map[string][]float32, q []float32) []string {
	type kd struct {
		k string
		d float64
	}
	var all []kd
	for k, v := range docs {
		var d float64
		for i := range v {
			x := float64(v[i] - q[i])
			d += x * x
		}
		all = append(all, kd{k, d})
	}
	slices.SortFunc(all, func(a, b kd) int { return cmp.Compare(a.d, b.d) })
	out := make([]string, 0, 10)
	for _, x := range all[:min(10, len(all))] {
		out = append(out, x.k)
	}
	return out
}

const vidxSchema = "PREFIX 1 v: SCHEMA vec VECTOR HNSW 6 TYPE FLOAT32 DIM 24 DISTANCE_METRIC L2 tag TAG"

// fillVectors creates vidx and 3000 clustered vectors under it, and waits for the index.
func fillVectors(t *testing.T, rdb *redis.Client, r *rand.Rand) map[string][]float32 {
	t.Helper()
	ctx := context.Background()
	docs := map[string][]float32{}
	for i, v := range graphVectors(r, 3000) {
		docs["v:"+strconv.Itoa(i)] = v
	}
	require.NoError(t, rdb.Do(ctx, append([]any{"FT.CREATE", "vidx"}, strs(vidxSchema)...)...).Err())
	pipe := rdb.Pipeline()
	for k, v := range docs {
		pipe.HSet(ctx, k, "vec", f32(v...), "tag", "t"+strconv.Itoa(len(k)%3))
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	waitIndexed(t, rdb, "vidx")
	return docs
}

// A snapshot keeps the HNSW graphs: a restart with the same shards puts every vector back
// from the saved graph instead of inserting it again, and KNN answers exactly as before
// the restart; with another number of shards the graph is built again, and answers agree.
func TestSnapshotKeepsHNSWGraph(t *testing.T) {
	for _, save := range []string{"SAVE", "BGSAVE"} {
		t.Run(save, func(t *testing.T) {
			dir := t.TempDir()
			inDir := func(c *server.Config) { c.Dir = dir }
			s1 := servertest.Start(t, servertest.Options{Shards: 2, Config: inDir})
			ctx := context.Background()
			rdb := s1.Client(t, 2)
			r := rand.New(rand.NewPCG(3, 4))
			docs := fillVectors(t, rdb, r)
			queries := graphVectors(r, 20)
			var before [][]string
			for _, q := range queries {
				before = append(before, knnKeys(t, rdb, q))
			}
			require.NoError(t, rdb.Do(ctx, save).Err())
			waitInfo(t, rdb, "rdb_bgsave_in_progress", "0")
			s1.Stop()

			s2 := servertest.Start(t, servertest.Options{Shards: 2, Config: inDir, Load: true})
			r2 := s2.Client(t, 2)
			waitIndexed(t, r2, "vidx")
			assert.Equal(t, int64(len(docs)), server.SearchIndex(s2.Srv, "vidx").VectorsReused())
			for i, q := range queries {
				assert.Equal(t, before[i], knnKeys(t, r2, q), "query %d", i)
			}
			s2.Stop()

			s3 := servertest.Start(t, servertest.Options{Shards: 3, Config: inDir, Load: true})
			r3 := s3.Client(t, 2)
			waitIndexed(t, r3, "vidx")
			assert.Zero(t, server.SearchIndex(s3.Srv, "vidx").VectorsReused(), "another shard count builds the graph again")
			var want, got [][]string
			for _, q := range queries {
				want = append(want, exactNearest(docs, q))
				got = append(got, knnKeyNames(knnKeys(t, r3, q)))
			}
			assert.GreaterOrEqual(t, overlap(want, got), 0.95)
		})
	}
}

// A graph older than the documents (the log's base, then writes replayed over it): what
// changed is put right — deleted documents are never found, changed vectors are found
// where they are now, new documents are found — and the rest comes from the graph.
func TestAOFBaseGraphReconciled(t *testing.T) {
	dir := t.TempDir()
	cfg := aofConfig(dir, "always")
	s1 := servertest.Start(t, servertest.Options{Shards: 2, Config: cfg, Load: true})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	r := rand.New(rand.NewPCG(5, 6))
	docs := fillVectors(t, rdb, r)
	require.NoError(t, rdb.Do(ctx, "BGREWRITEAOF").Err())
	waitInfo(t, rdb, "aof_rewrites", "1")
	moved := graphVectors(r, 100)
	var old [][]float32 // the vectors moved replaces
	for i := range 100 {
		k := "v:" + strconv.Itoa(i)
		require.NoError(t, rdb.Del(ctx, k).Err())
		delete(docs, k)
		k = "v:" + strconv.Itoa(100+i)
		old = append(old, docs[k])
		docs[k] = moved[i]
		require.NoError(t, rdb.HSet(ctx, k, "vec", f32(moved[i]...)).Err())
		k = "v:new:" + strconv.Itoa(i)
		docs[k] = graphVectors(r, 1)[0]
		require.NoError(t, rdb.HSet(ctx, k, "vec", f32(docs[k]...)).Err())
	}
	s1.Stop()

	s2 := servertest.Start(t, servertest.Options{Shards: 2, Config: cfg, Load: true})
	r2 := s2.Client(t, 2)
	waitIndexed(t, r2, "vidx")
	assert.GreaterOrEqual(t, server.SearchIndex(s2.Srv, "vidx").VectorsReused(), int64(2800))
	v, err := r2.Do(ctx, "FT.INFO", "vidx").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(len(docs)), infoValue(v, "num_docs"))
	var want, got [][]string
	for _, q := range append(graphVectors(r, 30), moved[:20]...) {
		want = append(want, exactNearest(docs, q))
		ks := knnKeyNames(knnKeys(t, r2, q))
		for _, k := range ks {
			_, ok := docs[k]
			require.True(t, ok, "%s was deleted", k)
		}
		got = append(got, ks)
	}
	assert.GreaterOrEqual(t, overlap(want, got), 0.95)
	// The graph holds each changed vector under its key, and nothing at the old place:
	// VECTOR_RANGE compares every vector of the graph, so an approximate walk (which can
	// miss a node now and then, as HNSW does) does not decide it.
	for i := range 20 {
		res, err := r2.Do(ctx, "FT.SEARCH", "vidx", "@vec:[VECTOR_RANGE 0.0001 $q]", "PARAMS", 2, "q", f32(moved[i]...),
			"NOCONTENT", "DIALECT", 2).Result()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(1), "v:" + strconv.Itoa(100+i)}, res, "a changed vector is found where it is now")
		res, err = r2.Do(ctx, "FT.SEARCH", "vidx", "@vec:[VECTOR_RANGE 0.0001 $q]", "PARAMS", 2, "q", f32(old[i]...),
			"NOCONTENT", "DIALECT", 2).Result()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(0)}, res, "nothing is left where a changed vector was")
	}
}

func strs(s string) []any {
	var out []any
	for _, f := range strings.Fields(s) {
		out = append(out, f)
	}
	return out
}

// knnKeyNames takes the keys out of knnKeys' "key [d dist]" lines.
func knnKeyNames(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		fmt.Sscan(l, &out[i])
	}
	return out
}

// overlap is the share of want's keys found in got (recall).
func overlap(want, got [][]string) float64 {
	hit, all := 0, 0
	for i := range want {
		for _, k := range want[i] {
			all++
			if slices.Contains(got[i], k) {
				hit++
			}
		}
	}
	return float64(hit) / float64(all)
}

// After a restart the index definitions are back before the first reply, and the
// documents are indexed in the background: FT.INFO shows `indexing` and a
// `percent_indexed` below 1 meanwhile, and queries answer from what is indexed so far
// (never an error, never more than there is) until the index is whole.
func TestRestartAnswersWhileIndexing(t *testing.T) {
	n, dim := 10000, 128
	if raceOn {
		n = 2000
	}
	dir := t.TempDir()
	cfg := func(c *server.Config) { c.Dir, c.NoVectorGraphs = dir, true } // the graph is built again
	s1 := servertest.Start(t, servertest.Options{Shards: 2, Config: cfg})
	ctx := context.Background()
	rdb := s1.Client(t, 2)
	r := rand.New(rand.NewPCG(7, 8))
	v := make([]float32, dim)
	pipe := rdb.Pipeline()
	for i := range n {
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		pipe.HSet(ctx, "r:"+strconv.Itoa(i), "vec", f32(v...), "n", i)
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	// The index comes after the documents, and the snapshot holds only its definition.
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "ridx", "PREFIX", "1", "r:", "SCHEMA", "vec", "VECTOR", "HNSW", "6",
		"TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "L2", "n", "NUMERIC").Err())
	require.NoError(t, rdb.Save(ctx).Err())
	s1.Stop()

	s2 := servertest.Start(t, servertest.Options{Shards: 2, Config: cfg, Load: true})
	r2 := s2.Client(t, 2)
	assert.Equal(t, []string{"ridx"}, r2.FT_List(ctx).Val())
	info, err := r2.Do(ctx, "FT.INFO", "ridx").Result()
	require.NoError(t, err)
	require.Equal(t, int64(1), infoValue(info, "indexing"), "the rebuild of %d vectors should still run", n)
	pct, err := strconv.ParseFloat(infoValue(info, "percent_indexed").(string), 64)
	require.NoError(t, err)
	assert.Less(t, pct, 1.0)
	count := func() int64 {
		res, err := r2.Do(ctx, "FT.SEARCH", "ridx", "@n:[-inf +inf]", "LIMIT", 0, 0).Slice()
		require.NoError(t, err)
		return res[0].(int64)
	}
	during := count()
	assert.LessOrEqual(t, during, int64(n))
	knn, err := r2.Do(ctx, "FT.SEARCH", "ridx", "*=>[KNN 5 @vec $q]", "PARAMS", 2, "q", f32(v...), "NOCONTENT",
		"DIALECT", 2).Slice()
	require.NoError(t, err)
	assert.LessOrEqual(t, len(knn), 6)

	waitIndexed(t, r2, "ridx")
	info, err = r2.Do(ctx, "FT.INFO", "ridx").Result()
	require.NoError(t, err)
	assert.Equal(t, "1", infoValue(info, "percent_indexed"))
	assert.Equal(t, int64(n), infoValue(info, "num_docs"))
	assert.Equal(t, int64(n), count())
	knn, err = r2.Do(ctx, "FT.SEARCH", "ridx", "*=>[KNN 1 @vec $q EF_RUNTIME 2000]", "PARAMS", 2, "q", f32(v...), "NOCONTENT",
		"DIALECT", 2).Slice()
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), "r:" + strconv.Itoa(n-1)}, knn, "the last vector is its own nearest")
}
