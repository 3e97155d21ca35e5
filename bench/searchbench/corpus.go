package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// The generated data set. Every document is drawn once, from one seed, and kept in a
// compact form (32 bytes a document) so that every phase loads exactly the same data and
// the queries can draw their parameters from it.
const (
	vocabSize   = 20000 // distinct title words
	titleWords  = 8
	numCategory = 20   // TAG category: uniform
	numTags     = 1000 // TAG tags: three distinct values per document, Zipf
	docTags     = 3
	numBrands   = 5000 // TAG brand: uniform, so ~docs/5000 documents a brand (the selective tag)
	// Zipf's law for title words and tags: P(rank k) ∝ (zipfV+k)^-zipfS. With these the most
	// common word is 3.5 % of all title words and is in a quarter of the documents, and a
	// word drawn as the titles draw theirs is in 4 % of the documents on average.
	zipfS = 1.1
	zipfV = 5
)

// fieldNames are the hash fields of every document, in the order HSET sends them.
var fieldNames = [...]string{"title", "category", "tags", "brand", "price", "rating"}

// createIndex is the FT.CREATE the benchmark runs (after its first two words, FT.CREATE
// and the index name).
var createIndex = []any{"ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
	"title", "TEXT", "category", "TAG", "tags", "TAG", "brand", "TAG",
	"price", "NUMERIC", "SORTABLE", "rating", "NUMERIC", "SORTABLE"}

// doc is one document, as indexes into the corpus' value lists.
type doc struct {
	words    [titleWords]uint16
	tags     [docTags]uint16
	brand    uint16
	category uint8
	rating   uint8  // tenths: 10..50
	price    uint32 // cents: 0..1 000 000
}

// corpus is the generated data set.
type corpus struct {
	vocab      []string
	categories []string
	tags       []string
	brands     []string
	docs       []doc
}

// newCorpus draws n documents from seed.
func newCorpus(n int, seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	c := &corpus{
		vocab:      pseudoWords(r, vocabSize),
		categories: names("cat%02d", numCategory),
		tags:       names("t%03d", numTags),
		brands:     names("brand%04d", numBrands),
		docs:       make([]doc, n),
	}
	words := rand.NewZipf(r, zipfS, zipfV, vocabSize-1)
	tags := rand.NewZipf(r, zipfS, zipfV, numTags-1)
	for i := range c.docs {
		d := &c.docs[i]
		for j := range d.words {
			d.words[j] = uint16(words.Uint64())
		}
		for j := range d.tags {
			d.tags[j] = drawDistinct(tags, d.tags[:j])
		}
		d.brand = uint16(r.IntN(numBrands))
		d.category = uint8(r.IntN(numCategory))
		d.rating = uint8(10 + r.IntN(41))
		d.price = uint32(r.IntN(1000001))
	}
	return c
}

// drawDistinct draws from z until the value is not in have.
func drawDistinct(z *rand.Zipf, have []uint16) uint16 {
	for {
		v := uint16(z.Uint64())
		dup := false
		for _, h := range have {
			dup = dup || h == v
		}
		if !dup {
			return v
		}
	}
}

// pseudoWords returns n distinct lower-case words of 2 to 4 consonant-vowel syllables. They
// end in a vowel and are at least four letters long, so none is one of RediSearch's default
// stop words; some have an English stem that differs from them, as real words do.
func pseudoWords(r *rand.Rand, n int) []string {
	const cons, vows = "bcdfghjklmnprstvz", "aeiou"
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		syl := 2 + r.IntN(3)
		b := make([]byte, 0, 2*syl)
		for range syl {
			b = append(b, cons[r.IntN(len(cons))], vows[r.IntN(len(vows))])
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// record is one document's key and field values as bytes; buf is reused between documents.
type record struct {
	key  []byte
	vals [len(fieldNames)][]byte
	buf  []byte
}

// fill writes document i into rec. The slices alias rec.buf and change on the next fill.
func (c *corpus) fill(i int, rec *record) {
	d := &c.docs[i]
	b := rec.buf[:0]
	var ends [1 + len(fieldNames)]int
	b = append(b, "doc:"...)
	b = strconv.AppendInt(b, int64(i), 10)
	ends[0] = len(b)
	b = appendJoined(b, d.words[:], c.vocab, ' ')
	ends[1] = len(b)
	b = append(b, c.categories[d.category]...)
	ends[2] = len(b)
	b = appendJoined(b, d.tags[:], c.tags, ',')
	ends[3] = len(b)
	b = append(b, c.brands[d.brand]...)
	ends[4] = len(b)
	b = appendFixed(b, int64(d.price), 100)
	ends[5] = len(b)
	b = appendFixed(b, int64(d.rating), 10)
	ends[6] = len(b)
	rec.buf = b
	rec.key = b[:ends[0]]
	for j := range rec.vals {
		rec.vals[j] = b[ends[j]:ends[j+1]]
	}
}

// appendJoined appends the names of ids, sep between them.
func appendJoined(b []byte, ids []uint16, names []string, sep byte) []byte {
	for j, id := range ids {
		if j > 0 {
			b = append(b, sep)
		}
		b = append(b, names[id]...)
	}
	return b
}

// appendFixed appends v/scale with as many decimals as scale has zeros (scale 10 or 100).
func appendFixed(b []byte, v, scale int64) []byte {
	b = strconv.AppendInt(b, v/scale, 10)
	b = append(b, '.')
	frac := strconv.AppendInt(nil, v%scale+scale, 10) // leading 1 keeps the zeros
	return append(b, frac[1:]...)
}

// names returns format's value for 0..n-1.
func names(format string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}

// rawBytes is the data's size as a client sees it: every key, field name and value.
func (c *corpus) rawBytes() int64 {
	var rec record
	var n int64
	for i := range c.docs {
		c.fill(i, &rec)
		n += int64(len(rec.key))
		for j, v := range rec.vals {
			n += int64(len(fieldNames[j]) + len(v))
		}
	}
	return n
}
