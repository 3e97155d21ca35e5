package search

import (
	"strings"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/tidwall/btree"

	"darner/engine"
)

// part is one shard's share of an index: the documents of the keys that shard owns.
// Changes are made by the shard's indexer goroutine, in the order writes queued them;
// readers hold the shard's lock and first wait for the indexer to catch up (see indexer),
// after which nothing changes the part until they release the lock. It has no lock of its
// own.
type part struct {
	def     *Def
	ix      *indexer // the shard's; nil for a part driven directly by update
	stemmer *stemmer // the default language's

	// Documents are filed under the number the registry gave their key (engine.Object.Doc),
	// shared by the shard's parts: ids of another index's documents are holes here.
	pages []*docPage      // the documents by id (see doc); nil for a page of holes; a hole has key == ""
	maxID uint32          // every id held is below it
	count int             // documents held
	live  *roaring.Bitmap // every indexed document

	text textIndex
	tags []tagIndex  // by Field.slot
	nums []*numIndex // by Field.slot
	geos []geoIndex  // by Field.slot
	vecs []vecIndex  // by Field.slot
	// preloaded are, by vector slot, the ids of a graph loaded from a snapshot that no
	// indexed document has claimed yet (graphs.go); nil when none was loaded.
	preloaded []*roaring.Bitmap
	reused    atomic.Int64      // vectors found in a preloaded graph (VectorsReused)
	missing   []*roaring.Bitmap // by Field.pos; non-nil for INDEXMISSING fields

	// Scratch space for analysing one document (parts are used under their shard's lock,
	// one write at a time).
	layout       recLayout
	rb           recBuilder
	scratchWords []string
	scratchNums  []float64
	scratchVecs  [][][]float32 // by vector slot: the document's vectors, between analyse and add

	// expiring are the documents whose keys have a TTL, by expiry time, and expiry their
	// times: a search leaves out those whose time has passed, which the engine deletes only
	// when it next touches them or its active expiry samples them.
	expiring *btree.BTreeG[expiryEntry]
	expiry   map[uint32]int64

	lens  []int32  // by doc id: tokens in the document's text fields (BM25's document length)
	heads []uint64 // by doc id: keyHead of its key

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

func newPart(def *Def, ix *indexer) *part {
	p := &part{
		def:     def,
		ix:      ix,
		stemmer: stemmerFor(def.Language),
		live:    roaring.New(),
		text:    newTextIndex(def.numText),
		tags:    make([]tagIndex, def.numTag),
		nums:    make([]*numIndex, def.numNum),
		geos:    make([]geoIndex, def.numGeo),
		missing: make([]*roaring.Bitmap, len(def.Fields)),
		layout:  newRecLayout(def),
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
	p.vecs = make([]vecIndex, def.numVec)
	p.scratchVecs = make([][][]float32, def.numVec)
	for _, f := range def.Fields {
		if f.Type == Vector {
			p.vecs[f.slot] = newVecIndex(f.Vector, uint64(f.pos))
		}
	}
	for _, f := range def.Fields {
		if f.IndexMissing {
			p.missing[f.pos] = roaring.New()
		}
	}
	return p
}

// settle waits until the shard's indexer has applied every change queued to it. Whoever
// reads the part calls it first, holding the shard's lock.
func (p *part) settle() {
	if p.ix != nil {
		p.ix.wait()
	}
}

// numDocs is the number of indexed documents.
func (p *part) numDocs() int { return p.count }

// has reports whether the part holds a document under id.
func (p *part) has(id uint32) bool {
	pg := int(id >> docPageBits)
	return pg < len(p.pages) && p.pages[pg] != nil && p.doc(id).key != ""
}

// keys lists the keys of the documents held.
func (p *part) keys() []string {
	var out []string
	for _, pg := range p.pages {
		if pg == nil {
			continue
		}
		for i := range pg {
			if pg[i].key != "" {
				out = append(out, pg[i].key)
			}
		}
	}
	return out
}

// update indexes key's current value (o) at once, under its number o.Doc, replacing what
// was indexed before: what the shard's indexer does with a queued change, for tests and
// benchmarks that drive a part without one. A value of the wrong type, or one whose fields
// cannot be indexed, takes the key out of the index.
func (p *part) update(key string, o *engine.Object) {
	b := newBatch()
	c := change{p: p, doc: o.Doc, first: -1, key: key, expire: o.Expire}
	if src := p.def.source(o); src != nil {
		var scratch [][]float32
		c.first = b.capture(p.def, src, &scratch)
	}
	p.apply(b, &c)
}

// remove takes document id out of the index, if it is there.
func (p *part) remove(id uint32) {
	if !p.has(id) {
		return
	}
	d, l := p.doc(id), &p.layout
	for slot := range p.def.numText {
		ts := d.toks(slot)
		p.text.remove(slot, id, ts, d.stems(slot))
		p.text.remove(slot, id, d.phon(slot), nil)
		p.records -= int64(len(ts))
	}
	for slot := range p.tags {
		vs := d.sec(l.tag + slot)
		p.tags[slot].remove(id, vs)
		p.records -= int64(len(vs))
	}
	for slot := range p.nums {
		p.scratchNums = floatsOf(d.sec(l.num+slot), p.scratchNums[:0])
		p.nums[slot].remove(id, p.scratchNums)
		p.records -= int64(len(p.scratchNums))
	}
	for slot := range p.geos {
		p.geos[slot].remove(id)
	}
	for _, vi := range p.vecs {
		vi.Delete(id)
	}
	for _, pos := range d.sec(l.missing) {
		p.missing[pos].Remove(id)
	}
	p.clearExpiry(id)
	p.totalLen -= int64(p.lens[id])
	p.lens[id], p.heads[id] = 0, 0
	p.live.Remove(id)
	*d = doc{}
	p.count--
}

// add puts an analysed document into the index under id, which holds none; n is its
// number of text tokens.
func (p *part) add(id uint32, d doc, n int32) {
	pg := int(id >> docPageBits)
	for pg >= len(p.pages) {
		p.pages = append(p.pages, nil)
	}
	if p.pages[pg] == nil {
		p.pages[pg] = new(docPage)
	}
	p.maxID = max(p.maxID, id+1)
	l := &p.layout
	for slot := range p.def.numText {
		ts := d.toks(slot)
		p.text.add(slot, id, ts, d.stems(slot))
		p.text.add(slot, id, d.phon(slot), nil)
		p.records += int64(len(ts))
	}
	for slot := range p.tags {
		vs := d.sec(l.tag + slot)
		p.tags[slot].add(id, vs)
		p.records += int64(len(vs))
	}
	for slot := range p.nums {
		p.scratchNums = floatsOf(d.sec(l.num+slot), p.scratchNums[:0])
		p.nums[slot].add(id, p.scratchNums)
		p.records += int64(len(p.scratchNums))
	}
	for slot := range p.geos {
		p.geos[slot].add(id, pointsOf(d.sec(l.geo+slot), nil))
	}
	for slot, vs := range p.scratchVecs {
		if p.claimPreloaded(slot, id, vs) {
			continue
		}
		for _, v := range vs {
			p.vecs[slot].Add(id, v)
		}
	}
	for _, pos := range d.sec(l.missing) {
		p.missing[pos].Add(id)
	}
	p.totalLen += int64(n)
	for int(id) >= len(p.lens) {
		p.lens = append(p.lens, 0)
		p.heads = append(p.heads, 0)
	}
	p.lens[id], p.heads[id] = n, keyHead(d.key)
	p.live.Add(id)
	*p.doc(id) = d
	p.count++
}

// analyse reads the indexed fields of one document, and counts its text tokens. ok is false
// when a field's value cannot be indexed (a NUMERIC that is not a number, a malformed GEO).
func (p *part) analyse(key string, src source) (d doc, n int32, ok bool) {
	def := p.def
	d = doc{key: key, score: def.Score}
	if f := def.options[0]; f != nil {
		if vs := src.values(f); len(vs) > 0 {
			if f, ok := parseFloat(vs[0]); ok {
				d.score = f
			}
		}
	}
	lang := def.Language
	if f := def.options[1]; f != nil {
		if vs := src.values(f); len(vs) > 0 && knownLanguage(vs[0]) {
			lang = strings.ToLower(vs[0])
		}
	}
	st := stemmerFor(lang)
	p.rb.reset(p.layout.sections)
	for i := range p.scratchVecs {
		p.scratchVecs[i] = p.scratchVecs[i][:0]
	}
	for _, f := range def.Fields {
		if f.Type == Vector {
			if f.NoIndex {
				continue
			}
			vs, ok := src.vectors(f, p.scratchVecs[f.slot])
			p.scratchVecs[f.slot] = vs
			if !ok {
				return doc{}, 0, false
			}
			if len(vs) == 0 && f.IndexMissing {
				p.rb.secs[p.layout.missing] = append(p.rb.secs[p.layout.missing], uint32(f.pos))
			}
			continue
		}
		vs := src.values(f)
		if vs == nil {
			if f.IndexMissing {
				p.rb.secs[p.layout.missing] = append(p.rb.secs[p.layout.missing], uint32(f.pos))
			}
			continue
		}
		if f.NoIndex {
			continue
		}
		if !p.analyseField(f, vs, st) {
			return doc{}, 0, false
		}
	}
	for slot := range def.numText {
		n += int32(len(p.rb.secs[3*slot]))
	}
	d.key = strings.Clone(key)
	d.rec = p.rb.build()
	return d, n, true
}

// expiryEntry is one document with a TTL, ordered by its expiry time.
type expiryEntry struct {
	at  int64
	doc uint32
}

func expiryLess(a, b expiryEntry) bool { return a.at < b.at || a.at == b.at && a.doc < b.doc }

// setExpiry records that document id's key expires at (Unix ms).
func (p *part) setExpiry(id uint32, at int64) {
	if p.expiring == nil {
		p.expiring = btree.NewBTreeGOptions(expiryLess, treeOptions)
		p.expiry = make(map[uint32]int64)
	}
	p.expiring.Set(expiryEntry{at, id})
	p.expiry[id] = at
}

func (p *part) clearExpiry(id uint32) {
	if at, ok := p.expiry[id]; ok {
		p.expiring.Delete(expiryEntry{at, id})
		delete(p.expiry, id)
	}
}

// expiredBy returns the documents whose keys' TTL has passed at now (Unix ms), or nil when
// there are none. It visits only those.
func (p *part) expiredBy(now int64) *roaring.Bitmap {
	if p.expiring == nil {
		return nil
	}
	var out *roaring.Bitmap
	p.expiring.Scan(func(e expiryEntry) bool {
		if e.at > now {
			return false
		}
		if out == nil {
			out = roaring.New()
		}
		out.Add(e.doc)
		return true
	})
	return out
}
