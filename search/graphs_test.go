package search

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"darner/engine"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const graphSchema = "PREFIX 1 v: SCHEMA vec VECTOR HNSW 6 TYPE FLOAT32 DIM 8 DISTANCE_METRIC L2"

// vecBlob is v as a FLOAT32 blob.
func vecBlob(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func putVec(store *engine.Store, key string, v []float32) {
	tx := store.BeginAll(true)
	h := engine.NewHash()
	h.Set("vec", vecBlob(v...))
	tx.View(0, []byte(key)).Set(key, h, false)
	tx.End()
}

func randVec(r *rand.Rand) []float32 {
	v := make([]float32, 8)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// A saved graph loaded under keys that differ from it — vectors changed, keys gone, keys
// new, as when the graph is written after a background snapshot's keys — ends up holding
// exactly the loaded documents' vectors: the unchanged ones taken from the graph, the
// changed ones inserted again, the missing ones deleted.
func TestLoadGraphReconciles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	store1, _, idx1 := newTestIndex(t, 2, graphSchema)
	vecs := map[string][]float32{}
	for i := range 500 {
		k := "v:" + strconv.Itoa(i)
		vecs[k] = randVec(r)
		putVec(store1, k, vecs[k])
	}
	var blobs [][]byte
	for shard := range 2 {
		tx := store1.BeginShard(shard, false)
		require.NoError(t, idx1.WriteGraphs(shard, func(field string, b []byte) error {
			assert.Equal(t, "vec", field)
			blobs = append(blobs, b)
			return nil
		}))
		tx.End()
	}
	require.Len(t, blobs, 2)

	store2 := engine.New(engine.Options{Shards: 2})
	r2 := NewRegistry(store2)
	t.Cleanup(r2.Close)
	for i := range 50 {
		vecs["v:"+strconv.Itoa(i)] = randVec(r) // changed
		delete(vecs, "v:"+strconv.Itoa(50+i))   // gone
		vecs["v:new:"+strconv.Itoa(i)] = randVec(r)
	}
	for k, v := range vecs {
		putVec(store2, k, v)
	}
	def, err := ParseCreate("i", strings.Fields(graphSchema))
	require.NoError(t, err)
	tx := store2.BeginAll(true)
	idx2, err := r2.Create(def)
	require.NoError(t, err)
	for _, b := range blobs {
		used, err := r2.LoadGraph(&tx, idx2, b)
		require.NoError(t, err)
		assert.True(t, used)
	}
	// A save before the scan has reconciled the loaded graph (its ids are no document's
	// yet) writes only the ids of indexed documents: here none.
	for shard := range 2 {
		require.NoError(t, idx2.WriteGraphs(shard, func(_ string, b []byte) error {
			assert.Equal(t, byte(0), b[len(b)-1], "no id written")
			return nil
		}))
	}
	tx.End()
	require.True(t, idx2.WaitScan(10*time.Second))

	assert.Equal(t, int64(400), idx2.VectorsReused())
	tx = store2.BeginAll(false)
	defer tx.End()
	held := 0
	for shard, p := range idx2.parts {
		p.settle()
		assert.Nil(t, p.preloaded)
		h := p.vecs[0].(hnswIndex)
		held += h.Len()
		for id := range h.IDsSeq() {
			key := p.doc(id).key
			require.Equal(t, shard, store2.ShardOf([]byte(key)))
			assert.True(t, h.Holds(id, vecs[key]), "%s holds its own vector", key)
		}
	}
	assert.Equal(t, len(vecs), held, "no vector without its document")
	// Each document is found at its vector: VECTOR_RANGE compares every vector of the graph
	// (a KNN walk can miss a node the heuristic left without incoming links).
	for k, v := range vecs {
		res, err := r2.Search(&tx, idx2, &Request{Query: "@vec:[VECTOR_RANGE 0.0001 $q]", Dialect: 2,
			Params: map[string]string{"q": string(vecBlob(v...))}, Limit: 10})
		require.NoError(t, err)
		require.Len(t, res.Hits, 1, k)
		assert.Equal(t, k, res.Hits[0].Key)
	}
}

// A graph for another shard count or other parameters is left aside; damage is an error.
func TestLoadGraphUnfit(t *testing.T) {
	store1, _, idx1 := newTestIndex(t, 2, graphSchema)
	putVec(store1, "v:1", []float32{1, 2, 3, 4, 5, 6, 7, 8})
	var blob []byte
	for shard := range 2 {
		tx := store1.BeginShard(shard, false)
		require.NoError(t, idx1.WriteGraphs(shard, func(_ string, b []byte) error { blob = b; return nil }))
		tx.End()
	}
	require.NotNil(t, blob)
	for _, c := range []struct {
		shards int
		schema string
	}{
		{2, graphSchema}, // fits: used, and every cut of it is refused
		{3, graphSchema},
		{2, strings.Replace(graphSchema, "HNSW 6", "HNSW 8 M 8", 1)},
		{2, strings.Replace(graphSchema, "L2", "IP", 1)},
		{2, "PREFIX 1 v: SCHEMA other VECTOR HNSW 6 TYPE FLOAT32 DIM 8 DISTANCE_METRIC L2"},
	} {
		store := engine.New(engine.Options{Shards: c.shards})
		r := NewRegistry(store)
		def, err := ParseCreate("i", strings.Fields(c.schema))
		require.NoError(t, err)
		tx := store.BeginAll(true)
		idx, err := r.Create(def)
		require.NoError(t, err)
		fits := c.shards == 2 && c.schema == graphSchema
		if fits {
			for cut := 0; cut < len(blob); cut += 1 + len(blob)/50 {
				_, err := r.LoadGraph(&tx, idx, blob[:cut])
				assert.Error(t, err, "cut at %d", cut)
			}
		}
		used, err := r.LoadGraph(&tx, idx, blob)
		assert.NoError(t, err, c.schema)
		assert.Equal(t, fits, used, "%d shards, %s", c.shards, c.schema)
		tx.End()
		r.Close()
	}
}
