package search

import (
	"sync"
	"time"
	"unsafe"

	"darner/engine"
)

// indexer applies one shard's index changes on a goroutine of its own. A write holds its
// shard's lock only long enough to copy what the indexes will read of the document (its
// key and the values of the indexed fields) into a queue; the goroutine analyses the copies
// and updates the parts while the shard already serves the next command. On a loaded server
// the index work then overlaps with the writes instead of lengthening each of them.
//
// Read-your-writes stays: whoever reads a part (a search, FT.INFO) first waits, holding the
// shard's lock, until the indexer has applied everything queued. No write can queue more
// while that lock is held, so from then on the indexer is idle and the part is stable for
// as long as the reader holds the lock, as it was when writes indexed in place. Changes are
// applied in the order they were queued (the shard's lock orders the writers), so a delete
// and a later reuse of the document number, or two writes to one key, land in order.
type indexer struct {
	mu   sync.Mutex
	cond sync.Cond // signalled when changes are queued, when a batch is applied, and on close

	fill  *batch // where writers queue changes
	spare *batch // an applied, emptied batch kept for the next swap

	queued  uint64 // changes queued since the start
	applied uint64 // changes applied
	closed  bool
	// limit is how many changes may wait: about queueBudget of the indexer's work at the
	// time per change it has measured (see room).
	limit   int
	perItem time.Duration // moving average of the time one change takes to apply

	vecs [][]float32 // scratch for decoding vectors while capturing, under mu
}

// The queue is bounded by the time its changes take to apply, not by their number: a
// search waits for what is queued, and a change can take microseconds (a short text) or a
// millisecond (a large vector into an HNSW graph). A writer that finds the queue full waits
// (holding its shard's lock, so others wait behind it). So the index never falls behind by
// more than about queueBudget of work, a search waits at most about twice that (the batch
// being applied and the one queued), and what is queued stays small.
const (
	queueBudget = 2 * time.Millisecond
	minQueued   = 4
	maxQueued   = 8192
)

func newIndexer() *indexer {
	// Until a batch has been timed the cost of a change is unknown (a vector into a large
	// HNSW graph can take a millisecond): the queue starts short, so the first batch cannot
	// hold a second of work that a search would wait for.
	ix := &indexer{fill: newBatch(), spare: newBatch(), limit: minQueued}
	ix.cond.L = &ix.mu
	return ix
}

// measured updates the time per change from a batch of n changes that took d, and the
// queue's limit from it; ix.mu is held.
func (ix *indexer) measured(n int, d time.Duration) {
	per := d / time.Duration(n)
	if ix.perItem == 0 {
		ix.perItem = per
	} else {
		ix.perItem = (4*ix.perItem + per) / 5
	}
	ix.limit = int(min(max(queueBudget/max(ix.perItem, 1), minQueued), maxQueued))
}

// run applies queued changes until close.
func (ix *indexer) run() {
	ix.mu.Lock()
	for {
		for len(ix.fill.changes) == 0 && !ix.closed {
			ix.cond.Wait()
		}
		if ix.closed {
			ix.mu.Unlock()
			return
		}
		b := ix.fill
		ix.fill, ix.spare = ix.spare, nil
		ix.mu.Unlock()

		t0 := time.Now()
		for i := range b.changes {
			c := &b.changes[i]
			c.p.apply(b, c)
		}
		took := time.Since(t0)
		n := len(b.changes)
		b.reset()

		ix.mu.Lock()
		ix.applied += uint64(n)
		ix.measured(n, took)
		ix.spare = b
		ix.cond.Broadcast()
	}
}

func (ix *indexer) close() {
	ix.mu.Lock()
	ix.closed = true
	ix.cond.Broadcast()
	ix.mu.Unlock()
}

// wait returns once every change queued before the call is applied.
func (ix *indexer) wait() {
	ix.mu.Lock()
	for target := ix.queued; ix.applied < target && !ix.closed; {
		ix.cond.Wait()
	}
	ix.mu.Unlock()
}

// update queues the indexing of key's current value o in part p, under its number o.Doc,
// replacing what p holds under that number. The caller holds the shard's write lock.
func (ix *indexer) update(p *part, key string, o *engine.Object) {
	ix.mu.Lock()
	b := ix.room()
	c := change{p: p, doc: o.Doc, first: -1, expire: o.Expire}
	if src := p.def.source(o); src != nil {
		c.key = b.keep(key)
		c.first = b.capture(p.def, src, &ix.vecs)
	}
	ix.push(b, c)
}

// remove queues taking document doc out of part p. The caller holds the shard's write lock.
func (ix *indexer) remove(p *part, doc uint32) {
	ix.mu.Lock()
	ix.push(ix.room(), change{p: p, doc: doc, first: -1})
}

// full reports whether a change queued now would wait for room.
func (ix *indexer) full() bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return len(ix.fill.changes) >= ix.limit && !ix.closed
}

// waitRoom waits until the queue has room. The initial scan calls it holding no lock, so
// that searches are not kept waiting while the indexer works through a full queue.
func (ix *indexer) waitRoom() {
	ix.mu.Lock()
	ix.room()
	ix.mu.Unlock()
}

// room waits until the queue has room and returns the batch to queue into; ix.mu is held.
func (ix *indexer) room() *batch {
	for len(ix.fill.changes) >= ix.limit && !ix.closed {
		ix.cond.Wait()
	}
	return ix.fill
}

// push queues c into b (ix.fill), wakes the goroutine if it was idle, and unlocks ix.mu.
func (ix *indexer) push(b *batch, c change) {
	b.changes = append(b.changes, c)
	ix.queued++
	if len(b.changes) == 1 {
		ix.cond.Broadcast()
	}
	ix.mu.Unlock()
}

// change is one queued index change: document doc of part p is removed, then, when first
// is not negative, indexed again from the values captured at b.spans[first:].
type change struct {
	p      *part
	doc    uint32
	first  int32
	key    string // in the batch's memory
	expire int64  // the key's expiry (Unix ms) when written; 0 for none
}

// batch holds queued changes and copies of the values they index. Value bytes live in
// chunks the batch reuses once applied: the index clones whatever it keeps (terms, tags,
// keys), so nothing it holds points into a batch.
type batch struct {
	changes []change
	spans   []span    // per captured document, per field (Def.Fields, then Def.options)
	strs    []string  // field values, pointing into the chunks
	vecs    []float32 // decoded vectors, one after another
	chunk   []byte
}

// span is where one field's captured values are: strs[lo:hi], or for a vector field
// vecs[lo:hi]. lo is spanMissing when the document lacks the field, spanBad when a vector
// field's value is not a vector of its dimension.
type span struct{ lo, hi int32 }

const (
	spanMissing = -1
	spanBad     = -2
)

// chunkSize is the size of the chunks value bytes are copied into.
const chunkSize = 64 << 10

func newBatch() *batch { return &batch{strs: make([]string, 0, 64)} }

func (b *batch) reset() {
	clear(b.changes) // drops the parts they point to
	b.changes = b.changes[:0]
	b.spans = b.spans[:0]
	clear(b.strs) // drops older chunks; the last one is reused
	b.strs = b.strs[:0]
	b.vecs = b.vecs[:0]
	b.chunk = b.chunk[:0]
}

// keep copies s into the batch's memory.
func (b *batch) keep(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > cap(b.chunk)-len(b.chunk) {
		b.chunk = make([]byte, 0, max(chunkSize, len(s)))
	}
	at := len(b.chunk)
	b.chunk = append(b.chunk, s...)
	return unsafe.String(&b.chunk[at], len(s))
}

// capture copies what indexing reads of a document of def from src: each field's values
// (for a NOINDEX field only whether it is there) and decoded vectors, then the SCORE_FIELD
// and LANGUAGE_FIELD values. It returns the index of the document's first span.
func (b *batch) capture(def *Def, src source, scratch *[][]float32) int32 {
	first := int32(len(b.spans))
	for _, f := range def.Fields {
		if f.Type == Vector && !f.NoIndex {
			b.spans = append(b.spans, b.captureVectors(f, src, scratch))
			continue
		}
		vs := src.values(f)
		if f.NoIndex && vs != nil {
			vs = vs[:0]
		}
		b.spans = append(b.spans, b.captureValues(vs))
	}
	for _, f := range def.options {
		var vs []string
		if f != nil {
			vs = src.values(f)
		}
		b.spans = append(b.spans, b.captureValues(vs))
	}
	return first
}

func (b *batch) captureValues(vs []string) span {
	if vs == nil {
		return span{spanMissing, spanMissing}
	}
	lo := int32(len(b.strs))
	for _, v := range vs {
		b.strs = append(b.strs, b.keep(v))
	}
	return span{lo, int32(len(b.strs))}
}

func (b *batch) captureVectors(f *Field, src source, scratch *[][]float32) span {
	vs, ok := src.vectors(f, *scratch)
	*scratch = vs
	if !ok {
		return span{spanBad, spanBad}
	}
	lo := int32(len(b.vecs))
	for _, v := range vs {
		b.vecs = append(b.vecs, v...)
	}
	return span{lo, int32(len(b.vecs))}
}

// snapshot is a source over one document's values captured in a batch.
type snapshot struct {
	b     *batch
	first int32
}

func (s snapshot) values(f *Field) []string {
	sp := s.b.spans[int(s.first)+f.pos]
	if sp.lo < 0 {
		return nil
	}
	return s.b.strs[sp.lo:sp.hi:sp.hi]
}

func (s snapshot) vectors(f *Field, dst [][]float32) ([][]float32, bool) {
	sp := s.b.spans[int(s.first)+f.pos]
	if sp.lo == spanBad {
		return dst[:0], false
	}
	if sp.lo < 0 {
		return dst[:0], true
	}
	dim := f.Vector.Dim
	all := s.b.vecs[sp.lo:sp.hi]
	dst = growVecs(dst, len(all)/dim)
	for i := range dst {
		dst[i] = append(dst[i][:0], all[i*dim:(i+1)*dim]...)
	}
	return dst, true
}

// apply makes one queued change to the part.
func (p *part) apply(b *batch, c *change) {
	p.remove(c.doc)
	if c.first < 0 {
		return
	}
	d, n, ok := p.analyse(c.key, snapshot{b, c.first})
	if !ok {
		p.failures++
		return
	}
	p.add(c.doc, d, n)
	if c.expire != 0 {
		p.setExpiry(c.doc, c.expire)
	}
}
