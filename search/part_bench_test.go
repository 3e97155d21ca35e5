package search

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"darner/engine"
)

// BenchmarkIndexHash is the index's share of an HSET: one document of an 8-word title,
// three tags and two numbers, indexed into a part that grows to b.N documents. Every
// document is a distinct generated one (made before the timer starts), so that the
// vocabulary, the postings and the memory touched grow as in a real load.
func BenchmarkIndexHash(b *testing.B) {
	def, err := ParseCreate("i", strings.Fields(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	p := newPart(def, nil)
	gen := newBenchDocs()
	docs := make([]*engine.Object, b.N)
	keys := make([]string, b.N)
	for i := range docs {
		docs[i] = &engine.Object{Value: gen.next(), Doc: uint32(i + 1)}
		keys[i] = "doc:" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.update(keys[i], docs[i])
	}
}

// benchSchema is the schema of the generated benchmark documents.
const benchSchema = "SCHEMA title TEXT category TAG tags TAG brand TAG price NUMERIC SORTABLE rating NUMERIC"

// benchDocs generates the benchmark documents: an 8-word title from a Zipf vocabulary of
// 20 000, a category of 20, three tags of 1000, a brand of 5000, a price and a rating.
type benchDocs struct {
	r    *rand.Rand
	zipf *rand.Zipf
}

func newBenchDocs() *benchDocs {
	r := rand.New(rand.NewPCG(1, 2))
	return &benchDocs{r: r, zipf: rand.NewZipf(r, 1.1, 1, 20000)}
}

func (g *benchDocs) next() *engine.Hash {
	h := engine.NewHash()
	var title []string
	for range 8 {
		title = append(title, "w"+strconv.FormatUint(g.zipf.Uint64(), 36))
	}
	tag := func() string { return "t" + strconv.Itoa(g.r.IntN(1000)) }
	h.Set("title", []byte(strings.Join(title, " ")))
	h.Set("category", []byte("c"+strconv.Itoa(g.r.IntN(20))))
	h.Set("tags", []byte(tag()+","+tag()+","+tag()))
	h.Set("brand", []byte("b"+strconv.Itoa(g.r.IntN(5000))))
	h.Set("price", []byte(strconv.FormatFloat(g.r.Float64()*10000, 'f', 2, 64)))
	h.Set("rating", []byte(strconv.Itoa(1+g.r.IntN(5))))
	return h
}
