package search

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"darner/engine"
)

// BenchmarkIndexHash is the index's share of an HSET: one document of an 8-word title,
// three tags and two numbers, indexed into a part that already holds many.
func BenchmarkIndexHash(b *testing.B) {
	def, err := ParseCreate("i", strings.Fields("SCHEMA title TEXT category TAG tags TAG brand TAG price NUMERIC SORTABLE rating NUMERIC"))
	if err != nil {
		b.Fatal(err)
	}
	p := newPart(def)
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.1, 1, 20000)
	docs := make([]*engine.Object, 4096)
	for i := range docs {
		h := engine.NewHash()
		var title []string
		for range 8 {
			title = append(title, "w"+strconv.FormatUint(zipf.Uint64(), 36))
		}
		h.Set("title", []byte(strings.Join(title, " ")))
		h.Set("category", []byte("c"+strconv.Itoa(r.IntN(20))))
		h.Set("tags", []byte("t"+strconv.Itoa(r.IntN(1000))+",t"+strconv.Itoa(r.IntN(1000))+",t"+strconv.Itoa(r.IntN(1000))))
		h.Set("brand", []byte("b"+strconv.Itoa(r.IntN(5000))))
		h.Set("price", []byte(strconv.FormatFloat(r.Float64()*10000, 'f', 2, 64)))
		h.Set("rating", []byte(strconv.Itoa(1+r.IntN(5))))
		docs[i] = &engine.Object{Value: h}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.update("doc:"+strconv.Itoa(i), docs[i%len(docs)])
	}
}
