package search

import (
	"math"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/tidwall/btree"

	"darner/search/phonetic"
)

// analyseField appends one field's values to its sections in p.rb.
func (p *part) analyseField(f *Field, vs []string, st *stemmer) bool {
	for _, v := range vs {
		if v == unindexable {
			return false
		}
	}
	secs := p.rb.secs
	switch f.Type {
	case Text:
		if f.NoStem {
			st = nil
		}
		ti, si := 3*f.slot, 3*f.slot+1
		ids, stems := secs[ti], secs[si]
		for _, v := range vs {
			if v == "" && f.IndexEmpty {
				ids = append(ids, p.text.termID(""))
				stems = append(stems, 0)
				continue
			}
			p.scratchWords = appendTokens(p.scratchWords[:0], v)
			for _, w := range p.scratchWords {
				if p.def.IsStopWord(w) {
					continue
				}
				tid := p.text.termID(w)
				ids = append(ids, tid)
				stems = append(stems, p.text.stemID(tid, st, st == p.stemmer))
			}
		}
		secs[ti], secs[si] = ids, stems
		if f.Phonetic != "" {
			secs[ti+2] = p.text.appendPhoneticIDs(secs[ti+2], ids)
		}
	case Tag:
		sec := p.layout.tag + f.slot
		for _, v := range vs {
			secs[sec] = p.tags[f.slot].appendIDs(secs[sec], v, f)
		}
	case Numeric:
		sec := p.layout.num + f.slot
		for _, v := range vs {
			x, ok := parseFloat(v)
			if !ok {
				return false
			}
			p.rb.appendFloat(sec, x)
		}
	case Geo:
		sec := p.layout.geo + f.slot
		for _, v := range vs {
			pt, ok := parseGeo(v)
			if !ok {
				return false
			}
			p.rb.appendFloat(sec, pt[0])
			p.rb.appendFloat(sec, pt[1])
		}
	}
	return true
}

// stemMarker prefixes the stem terms a document's words add beside themselves, so that a
// query word finds the documents of every word with its stem, while a stem never matches
// as a word of its own.
const stemMarker = "+"

// appendIDs splits a tag field's value at its separator, trims white space, folds case
// unless the field is CASESENSITIVE, and appends the values' ids (a value seen for the
// first time gets one). Empty tags count only with INDEXEMPTY.
func (t *tagIndex) appendIDs(out []uint32, v string, f *Field) []uint32 {
	for len(v) > 0 || f.IndexEmpty {
		tag, rest, more := strings.Cut(v, string(f.Separator))
		tag = strings.TrimSpace(tag)
		if tag != "" || f.IndexEmpty {
			if !f.CaseSensitive {
				tag = lowerTag(tag)
			}
			out = append(out, t.id(tag))
		}
		if !more {
			break
		}
		v = rest
	}
	return out
}

// lowerTag folds a tag's case, without allocating when it has no upper-case letter.
func lowerTag(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// parseGeo reads "lon,lat" (or "lon lat").
func parseGeo(v string) ([2]float64, bool) {
	lon, lat, ok := strings.Cut(v, ",")
	if !ok {
		lon, lat, ok = strings.Cut(strings.TrimSpace(v), " ")
	}
	if !ok {
		return [2]float64{}, false
	}
	x, ok1 := parseFloat(lon)
	y, ok2 := parseFloat(lat)
	if !ok1 || !ok2 || math.Abs(x) > 180 || math.Abs(y) > 85.05112878 {
		return [2]float64{}, false
	}
	return [2]float64{x, y}, true
}

// textIndex is the term dictionary of a part's TEXT fields and their postings: for each
// term, per text field, the documents holding it. Positions and frequencies are not kept
// here: each document keeps its own token list, which is short, and phrase checks and
// scoring read it there.
type textIndex struct {
	terms  map[string]uint32
	words  []string              // by term id
	stems  []uint32              // by term id: its stem term's id in the default language, 0 if none, noStem if not known yet
	post   []posting             // by term id × fields + text slot (see slots)
	sorted *btree.BTreeG[string] // the terms in order, for prefix expansion
	fields int
	// tf2 holds how often a term occurs in a document's field when that is more than once
	// (tfKey); a posting without an entry here stands for one occurrence. Scoring reads
	// frequencies from here and the postings, not from the documents.
	tf2 map[uint64]uint16
	cnt map[uint32]uint16 // scratch for add
}

func tfKey(tid uint32, slot int, id uint32) uint64 {
	return uint64(tid)<<40 | uint64(slot)<<32 | uint64(id)
}

// freq is how often term tid occurs in document id's text slot, given that it does.
func (t *textIndex) freq(tid uint32, slot int, id uint32) float64 {
	if len(t.tf2) > 0 {
		if n, ok := t.tf2[tfKey(tid, slot, id)]; ok {
			return float64(n)
		}
	}
	return 1
}

func newTextIndex(fields int) textIndex {
	return textIndex{
		// id 0 is reserved: a stem id of 0 means "no stem".
		terms:  map[string]uint32{"\x00": 0},
		words:  []string{"\x00"},
		stems:  []uint32{0},
		post:   make([]posting, fields),
		sorted: btree.NewBTreeGOptions(func(a, b string) bool { return a < b }, treeOptions),
		fields: fields,
	}
}

func (t *textIndex) termID(w string) uint32 {
	if id, ok := t.terms[w]; ok {
		return id
	}
	id := uint32(len(t.words))
	w = strings.Clone(w)
	t.terms[w] = id
	t.words = append(t.words, w)
	t.stems = append(t.stems, unknownStem)
	for range t.fields {
		t.post = append(t.post, posting{})
	}
	t.sorted.Set(w)
	return id
}

// unknownStem marks a term whose stem has not been looked up yet.
const unknownStem = ^uint32(0)

// stemID returns the id of the stem marker term of term tid under st, or 0 when the word is
// its own stem. For the index's default language (cache) the answer is kept per term, so
// each distinct word is stemmed once per part.
func (t *textIndex) stemID(tid uint32, st *stemmer, cache bool) uint32 {
	if cache && t.stems[tid] != unknownStem {
		return t.stems[tid]
	}
	var sid uint32
	w := t.words[tid]
	if s := st.stem(w); s != w {
		sid = t.termID(stemMarker + s)
	}
	if cache {
		t.stems[tid] = sid
	}
	return sid
}

// add records that document id holds terms (and, when stems is not nil, their stems; a 0
// term id stands for none) in text slot.
func (t *textIndex) add(slot int, id uint32, terms, stems []uint32) {
	if t.cnt == nil {
		t.cnt = make(map[uint32]uint16)
	}
	clear(t.cnt)
	for i, tid := range terms {
		if tid != 0 {
			t.post[int(tid)*t.fields+slot].add(id)
			t.cnt[tid]++
		}
		if stems != nil && stems[i] != 0 {
			t.post[int(stems[i])*t.fields+slot].add(id)
			t.cnt[stems[i]]++
		}
	}
	for tid, n := range t.cnt {
		if n > 1 {
			if t.tf2 == nil {
				t.tf2 = make(map[uint64]uint16)
			}
			t.tf2[tfKey(tid, slot, id)] = n
		}
	}
}

func (t *textIndex) remove(slot int, id uint32, terms, stems []uint32) {
	if len(t.tf2) > 0 {
		for i, tid := range terms {
			delete(t.tf2, tfKey(tid, slot, id))
			if stems != nil {
				delete(t.tf2, tfKey(stems[i], slot, id))
			}
		}
	}
	for i, tid := range terms {
		if tid != 0 {
			t.post[int(tid)*t.fields+slot].remove(id)
		}
		if stems == nil {
			continue
		}
		if s := stems[i]; s != 0 {
			t.post[int(s)*t.fields+slot].remove(id)
		}
	}
}

// phoneticMarker prefixes the Double Metaphone codes a PHONETIC field indexes beside its
// words. Like the stem marker, it cannot start a word (a NUL is never part of a token a
// query can name), so codes and words never meet.
const phoneticMarker = "\x00ph:"

// appendPhoneticIDs appends the term ids of the codes of words ids, two per word.
func (t *textIndex) appendPhoneticIDs(out, ids []uint32) []uint32 {
	for _, tid := range ids {
		a, b := t.phoneticCodes(t.words[tid])
		out = append(out, a, b)
	}
	return out
}

// phoneticCodesOf is phoneticCodes for a query: it looks the codes up without adding
// terms (a query holds only a read lock). A code no document has gives 0.
func (t *textIndex) phoneticCodesOf(w string) (uint32, uint32) {
	p, a := phonetic.DoubleMetaphone(w)
	return t.terms[phoneticMarker+p], t.terms[phoneticMarker+a]
}

// phoneticCodes returns the term ids of w's primary and alternate codes (0 for none; the
// alternate is 0 when it equals the primary).
func (t *textIndex) phoneticCodes(w string) (uint32, uint32) {
	p, a := phonetic.DoubleMetaphone(w)
	var pid, aid uint32
	if p != "" {
		pid = t.termID(phoneticMarker + p)
	}
	if a != "" && a != p {
		aid = t.termID(phoneticMarker + a)
	}
	return pid, aid
}

// slots are term tid's postings by text slot.
func (t *textIndex) slots(tid uint32) []posting {
	i := int(tid) * t.fields
	return t.post[i : i+t.fields]
}

// postings returns the documents holding term w in any of the text slots in mask (nil mask:
// all), or nil.
func (t *textIndex) postings(w string, mask []bool) *roaring.Bitmap {
	tid, ok := t.terms[w]
	if !ok {
		return nil
	}
	var out *roaring.Bitmap
	ps := t.slots(tid)
	for slot := range ps {
		b := &ps[slot]
		if b.empty() || (mask != nil && !mask[slot]) {
			continue
		}
		if out == nil {
			out = b.bitmap()
		} else {
			b.orInto(out)
		}
	}
	return out
}

// liveTerms calls fn with every word some document still holds.
func (t *textIndex) liveTerms(fn func(w string)) {
	for tid := range t.words {
		if !isWord(t.words[tid]) {
			continue
		}
		bs := t.slots(uint32(tid))
		for i := range bs {
			if !bs[i].empty() {
				fn(t.words[tid])
				break
			}
		}
	}
}

// isWord tells a term that is a word from the stem and phonetic markers (and id 0's "\x00").
func isWord(term string) bool {
	return term == "" || (term[0] != 0 && !strings.HasPrefix(term, stemMarker))
}

// tagIndex maps each tag value of one TAG field to its documents. Values have ids, which
// documents keep instead of the strings; the id of a value no document holds any more is
// reused.
type tagIndex struct {
	ids  map[string]uint32
	vals []string  // by id
	docs []posting // by id
	free []uint32
}

func newTagIndex() tagIndex { return tagIndex{ids: make(map[string]uint32)} }

// id returns v's id, giving it one if it has none. v may alias a document's bytes: it is
// copied when kept.
func (t *tagIndex) id(v string) uint32 {
	if id, ok := t.ids[v]; ok {
		return id
	}
	v = strings.Clone(v)
	var id uint32
	if n := len(t.free); n > 0 {
		id = t.free[n-1]
		t.free = t.free[:n-1]
		t.vals[id] = v
	} else {
		id = uint32(len(t.vals))
		t.vals = append(t.vals, v)
		t.docs = append(t.docs, posting{})
	}
	t.ids[v] = id
	return id
}

// orInto adds the documents holding value v to out.
func (t *tagIndex) orInto(v string, out *roaring.Bitmap) {
	if id, ok := t.ids[v]; ok {
		t.docs[id].orInto(out)
	}
}

func (t *tagIndex) add(doc uint32, ids []uint32) {
	for _, id := range ids {
		t.docs[id].add(doc)
	}
}

func (t *tagIndex) remove(doc uint32, ids []uint32) {
	for _, id := range ids {
		b := &t.docs[id]
		if b.empty() {
			continue // the document held the value twice, and it went at the first
		}
		b.remove(doc)
		if b.empty() {
			delete(t.ids, t.vals[id])
			t.vals[id], *b = "", posting{}
			t.free = append(t.free, id)
		}
	}
}

// treeOptions turn off the B-trees' own locking: a part's trees are guarded by its shard's
// lock (written under the write lock, read concurrently only under read locks).
var treeOptions = btree.Options{NoLocks: true}

// geoIndex keeps the points of one GEO field.
type geoIndex struct {
	pts  map[uint32][][2]float64
	docs *roaring.Bitmap
}

func newGeoIndex() geoIndex {
	return geoIndex{pts: make(map[uint32][][2]float64), docs: roaring.New()}
}

func (g geoIndex) add(id uint32, vs [][2]float64) {
	if len(vs) == 0 {
		return
	}
	g.pts[id] = vs
	g.docs.Add(id)
}

func (g geoIndex) remove(id uint32) {
	delete(g.pts, id)
	g.docs.Remove(id)
}

// within returns the documents with a point within radius metres of (lon, lat).
func (g geoIndex) within(lon, lat, radius float64) *roaring.Bitmap {
	out := roaring.New()
	for id, pts := range g.pts {
		for _, pt := range pts {
			if haversine(lon, lat, pt[0], pt[1]) <= radius {
				out.Add(id)
				break
			}
		}
	}
	return out
}

// haversine is the great-circle distance in metres, on Redis' earth radius.
func haversine(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6372797.560856
	rad := math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
