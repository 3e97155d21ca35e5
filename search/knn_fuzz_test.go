package search

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"darner/engine"
)

// FuzzVectorQuery runs fuzzed KNN and VECTOR_RANGE queries, with fuzzed blobs and K, over a
// small index of both algorithms: each answers or errs, and nothing panics.
func FuzzVectorQuery(f *testing.F) {
	store, r, idx := newTestIndex(f, 2, "PREFIX 1 d: SCHEMA t TAG n NUMERIC "+
		"h VECTOR HNSW 6 TYPE FLOAT32 DIM 3 DISTANCE_METRIC COSINE f VECTOR FLAT 6 TYPE FLOAT16 DIM 3 DISTANCE_METRIC L2")
	tx := store.BeginAll(true)
	for i := range 50 {
		h := engine.NewHash()
		var b32, b16 []byte
		for j := range 3 {
			x := float32(i*3+j) / 7
			b32 = binary.LittleEndian.AppendUint32(b32, math.Float32bits(x))
			b16 = binary.LittleEndian.AppendUint16(b16, uint16(0x3c00+i+j))
		}
		h.Set("h", b32)
		h.Set("f", b16)
		h.Set("t", []byte([]string{"a", "b"}[i%2]))
		h.Set("n", []byte(strconv.Itoa(i)))
		key := "d:" + strconv.Itoa(i)
		tx.View(0, []byte(key)).Set(key, h, false)
	}
	tx.End()
	for _, q := range []string{"*=>[KNN 3 @h $b]", "(@t:{a})=>[KNN $k @f $b AS d]", "@h:[VECTOR_RANGE 0.5 $b]=>{$YIELD_DISTANCE_AS: d}",
		"@n:[1 9] @f:[VECTOR_RANGE 100 $b]", "*=>[KNN 2 @h $b EF_RUNTIME 4]=>{$YIELD_DISTANCE_AS: x}"} {
		f.Add(q, []byte("\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40"), "3", "d")
	}
	f.Fuzz(func(t *testing.T, q string, blob []byte, k, sortBy string) {
		req := &Request{Query: q, Dialect: 2, Limit: 10, SortBy: sortBy,
			Params: map[string]string{"b": string(blob), "k": k}}
		rtx := store.BeginAll(false)
		defer rtx.End()
		res, err := r.Search(&rtx, idx, req)
		if err != nil {
			return
		}
		if len(res.Hits) > 10 || res.Total < int64(len(res.Hits)) {
			t.Fatalf("%q: %d hits of %d", q, len(res.Hits), res.Total)
		}
	})
}

// Indexing many documents reuses the part's vector scratch: it must not grow with every
// document (it once did, by a quarter per document, until the process ran out of memory).
func TestVectorScratchStaysSmall(t *testing.T) {
	def, err := ParseCreate("i", strings.Fields("SCHEMA v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2"))
	if err != nil {
		t.Fatal(err)
	}
	p := newPart(def, nil)
	for i := range 50 {
		h := engine.NewHash()
		h.Set("v", binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(i))), 0))
		p.update("k"+strconv.Itoa(i), &engine.Object{Value: h, Doc: uint32(i + 1)})
	}
	if p.numDocs() != 50 || p.vecs[0].Len() != 50 {
		t.Fatalf("%d documents, %d vectors", p.numDocs(), p.vecs[0].Len())
	}
	if c := cap(p.scratchVecs[0]); c > 4 {
		t.Fatalf("the vector scratch holds room for %d vectors after 50 one-vector documents", c)
	}
}
