package search

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"darner/engine"
)

// part is one shard's share of an index: the documents of the keys that shard owns.
// Every method runs under that shard's lock (write lock for changes, read lock for
// queries), which is what guards the part; it has no lock of its own.
type part struct {
	def     *Def
	stemmer *stemmer // the default language's

	ids   map[string]uint32 // key → doc id
	pages []*docPage        // the documents by id (see doc); a free slot has key == ""
	maxID uint32            // ids below it have been handed out
	free  []uint32          // ids of deleted documents, reused for new ones
	live  *roaring.Bitmap   // every indexed document

	text    textIndex
	tags    []tagIndex        // by Field.slot
	nums    []*numIndex       // by Field.slot
	geos    []geoIndex        // by Field.slot
	missing []*roaring.Bitmap // by Field.pos; non-nil for INDEXMISSING fields

	// Scratch space for analysing one document (parts are used under their shard's lock,
	// one write at a time).
	scratchWords []string
	scratchIDs   []uint32
	scratchStems []uint32

	lens []int32 // by doc id: tokens in the document's text fields (BM25's document length)

	totalLen int64 // tokens over all live documents, for BM25's average length
	records  int64 // postings entries, for FT.INFO's num_records
	failures int64 // documents left out because a field could not be indexed
}

// Documents are kept in pages of fixed size, so that the table grows without copying what
// it holds (a single slice, doubled, moved hundreds of megabytes at a million documents).
const docPageBits = 10

type docPage [1 << docPageBits]doc

// doc returns the document with id.
func (p *part) doc(id uint32) *doc { return &p.pages[id>>docPageBits][id&(1<<docPageBits-1)] }

// doc is what a part remembers of one document: enough to take it out of every posting
// again, to score it and to check phrases.
type doc struct {
	key   string
	score float64
	len   int32      // tokens in all its text fields
	text  [][]uint32 // by text slot: the term ids of its tokens, in order
	stems [][]uint32 // by text slot: per token, the stem's term id, or 0
	// phon holds, for PHONETIC fields, two term ids per token: its Double Metaphone codes
	// (the second 0 when it equals the first).
	phon [][]uint32
	tags [][]string     // by tag slot
	nums [][]float64    // by numeric slot
	geos [][][2]float64 // by geo slot: (lon, lat) pairs
	// missing lists the positions of the INDEXMISSING fields it lacks.
	missing []int
}

func newPart(def *Def) *part {
	p := &part{
		def:     def,
		stemmer: stemmerFor(def.Language),
		ids:     make(map[string]uint32),
		live:    roaring.New(),
		text:    newTextIndex(def.numText),
		tags:    make([]tagIndex, def.numTag),
		nums:    make([]*numIndex, def.numNum),
		geos:    make([]geoIndex, def.numGeo),
		missing: make([]*roaring.Bitmap, len(def.Fields)),
	}
	for i := range p.tags {
		p.tags[i] = newTagIndex()
	}
	for i := range p.nums {
		p.nums[i] = newNumIndex()
	}
	for i := range p.geos {
		p.geos[i] = newGeoIndex()
	}
	for _, f := range def.Fields {
		if f.IndexMissing {
			p.missing[f.pos] = roaring.New()
		}
	}
	return p
}

// numDocs is the number of indexed documents.
func (p *part) numDocs() int { return len(p.ids) }

// update indexes key's current value (o), replacing what was indexed before. A value of the
// wrong type, or one whose fields cannot be indexed, takes the key out of the index.
func (p *part) update(key string, o *engine.Object) {
	if !p.def.matches(key) {
		return
	}
	p.remove(key)
	src := p.def.source(o)
	if src == nil {
		return
	}
	d, ok := p.analyse(key, src)
	if !ok {
		p.failures++
		return
	}
	p.add(d)
}

// remove takes key out of the index, if it is there.
func (p *part) remove(key string) {
	id, ok := p.ids[key]
	if !ok {
		return
	}
	d := p.doc(id)
	for slot, ts := range d.text {
		p.text.remove(slot, id, ts, d.stems[slot])
		p.text.remove(slot, id, d.phon[slot], nil)
		p.records -= int64(len(ts))
	}
	for slot, vs := range d.tags {
		p.tags[slot].remove(id, vs)
		p.records -= int64(len(vs))
	}
	for slot, vs := range d.nums {
		p.nums[slot].remove(id, vs)
		p.records -= int64(len(vs))
	}
	for slot, vs := range d.geos {
		p.geos[slot].remove(id, vs)
	}
	for _, m := range p.missing {
		if m != nil {
			m.Remove(id)
		}
	}
	p.totalLen -= int64(d.len)
	p.live.Remove(id)
	delete(p.ids, key)
	*d = doc{}
	p.free = append(p.free, id)
}

// add puts an analysed document into the index under a fresh id.
func (p *part) add(d doc) {
	var id uint32
	if n := len(p.free); n > 0 {
		id = p.free[n-1]
		p.free = p.free[:n-1]
	} else {
		id = p.maxID
		p.maxID++
		if int(id>>docPageBits) == len(p.pages) {
			p.pages = append(p.pages, new(docPage))
		}
	}
	for slot, ts := range d.text {
		p.text.add(slot, id, ts, d.stems[slot])
		p.text.add(slot, id, d.phon[slot], nil)
		p.records += int64(len(ts))
	}
	for slot, vs := range d.tags {
		p.tags[slot].add(id, vs)
		p.records += int64(len(vs))
	}
	for slot, vs := range d.nums {
		p.nums[slot].add(id, vs)
		p.records += int64(len(vs))
	}
	for slot, vs := range d.geos {
		p.geos[slot].add(id, vs)
	}
	for _, pos := range d.missing {
		p.missing[pos].Add(id)
	}
	p.totalLen += int64(d.len)
	for int(id) >= len(p.lens) {
		p.lens = append(p.lens, 0)
	}
	p.lens[id] = d.len
	p.live.Add(id)
	p.ids[d.key] = id
	*p.doc(id) = d
}

// analyse reads the indexed fields of one document. ok is false when a field's value cannot
// be indexed (a NUMERIC that is not a number, a malformed GEO).
func (p *part) analyse(key string, src source) (doc, bool) {
	def := p.def
	d := doc{
		key:   strings.Clone(key),
		score: def.Score,
		text:  make([][]uint32, def.numText),
		stems: make([][]uint32, def.numText),
		phon:  make([][]uint32, def.numText),
		tags:  make([][]string, def.numTag),
		nums:  make([][]float64, def.numNum),
		geos:  make([][][2]float64, def.numGeo),
	}
	if def.ScoreField != "" {
		if vs := src.values(&Field{Path: def.ScoreField, json: scoreFieldPath(def)}); len(vs) > 0 {
			if f, ok := parseFloat(vs[0]); ok {
				d.score = f
			}
		}
	}
	lang := def.Language
	if def.LanguageField != "" {
		if vs := src.values(&Field{Path: def.LanguageField, json: languageFieldPath(def)}); len(vs) > 0 && knownLanguage(vs[0]) {
			lang = strings.ToLower(vs[0])
		}
	}
	st := stemmerFor(lang)
	var missing []int
	for _, f := range def.Fields {
		vs := src.values(f)
		if vs == nil {
			if f.IndexMissing {
				missing = append(missing, f.pos)
			}
			continue
		}
		if f.NoIndex {
			continue
		}
		if !p.analyseField(&d, f, vs, st) {
			return doc{}, false
		}
	}
	d.missing = missing
	return d, true
}
