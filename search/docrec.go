package search

import "math"

// doc is what a part remembers of one document: enough to take it out of every posting
// again, to score it and to check phrases. Its fields are packed into one []uint32 (rec),
// so that a document costs two allocations (its key and rec) however many fields it has,
// and the collector scans two pointers.
type doc struct {
	key   string
	score float64
	rec   []uint32 // see recLayout; nil for a free slot
}

// recLayout says where each field's section lies in a doc's rec. rec starts with a table of
// sections+1 offsets (from the start of rec); section i is rec[rec[i]:rec[i+1]]. The
// sections, in order:
//
//   - per text slot, three: the term ids of its tokens in order; per token, the stem's term
//     id or 0; for PHONETIC fields, two term ids per token (its Double Metaphone codes, the
//     second 0 when it equals the first), else empty;
//   - per tag slot: the ids of its values in the field's tagIndex;
//   - per numeric slot: its values, two words each (the float64's bits, low word first);
//   - per geo slot: its points, four words each (lon, lat as numeric values are);
//   - the positions (Field.pos) of the INDEXMISSING fields the document lacks.
type recLayout struct {
	tag, num, geo, missing, sections int // first section of each kind
}

func newRecLayout(def *Def) recLayout {
	var l recLayout
	l.tag = 3 * def.numText
	l.num = l.tag + def.numTag
	l.geo = l.num + def.numNum
	l.missing = l.geo + def.numGeo
	l.sections = l.missing + 1
	return l
}

func (d *doc) sec(i int) []uint32 { return d.rec[d.rec[i]:d.rec[i+1]] }

// toks, stems and phon are text slot's sections.
func (d *doc) toks(slot int) []uint32  { return d.sec(3 * slot) }
func (d *doc) stems(slot int) []uint32 { return d.sec(3*slot + 1) }
func (d *doc) phon(slot int) []uint32  { return d.sec(3*slot + 2) }

// recBuilder assembles a rec from sections filled in any order. A part keeps one and reuses
// its buffers from document to document.
type recBuilder struct {
	secs [][]uint32
}

func (b *recBuilder) reset(sections int) {
	if len(b.secs) != sections {
		b.secs = make([][]uint32, sections)
	}
	for i := range b.secs {
		b.secs[i] = b.secs[i][:0]
	}
}

func (b *recBuilder) appendFloat(sec int, x float64) {
	bits := math.Float64bits(x)
	b.secs[sec] = append(b.secs[sec], uint32(bits), uint32(bits>>32))
}

// build returns the packed rec, in one allocation.
func (b *recBuilder) build() []uint32 {
	n := len(b.secs) + 1
	for _, s := range b.secs {
		n += len(s)
	}
	rec := make([]uint32, n)
	at := uint32(len(b.secs) + 1)
	for i, s := range b.secs {
		rec[i] = at
		at += uint32(copy(rec[at:], s))
	}
	rec[len(b.secs)] = at
	return rec
}

// floatsOf decodes a numeric section.
func floatsOf(sec []uint32, out []float64) []float64 {
	for i := 0; i+1 < len(sec); i += 2 {
		out = append(out, math.Float64frombits(uint64(sec[i])|uint64(sec[i+1])<<32))
	}
	return out
}

// pointsOf decodes a geo section.
func pointsOf(sec []uint32, out [][2]float64) [][2]float64 {
	var xs [4]float64
	for i := 0; i+3 < len(sec); i += 4 {
		floatsOf(sec[i:i+4], xs[:0])
		out = append(out, [2]float64{xs[0], xs[1]})
	}
	return out
}
