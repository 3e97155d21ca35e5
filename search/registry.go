package search

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"darner/engine"
)

// Registry holds the indexes of one store. It is the store's observer: every change to a
// key in database 0 (the only one RediSearch indexes) reaches each index's part on the
// key's shard, under that shard's write lock.
type Registry struct {
	store *engine.Store

	mu     sync.Mutex // protects byName and aliases; never held while taking a shard lock
	byName map[string]*Index
	// aliases are FT.ALIASADD's other names of indexes (see alias.go); nil until the first.
	aliases map[string]*Index
	// list is byName's values, replaced whole on every change, so that Observe, which runs
	// on every write, reads it without a lock.
	list atomic.Pointer[[]*Index]
	// shadows are indexes FT.ALTER is building to replace others (see alter.go); observed
	// is list and shadows, what every write reaches.
	shadows  []*Index
	observed atomic.Pointer[[]*Index]

	// dictionaries are FT.DICTADD's (see dict.go); a flush of database 0 empties them.
	dictionaries dicts

	// DefaultDialect is the dialect of a query that names none.
	DefaultDialect atomic.Int32

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // background index builds

	// nums hands out document numbers, per shard (guarded by the shard's lock): a key of
	// database 0 that some index takes keeps its number in its engine.Object.Doc until it is
	// deleted, and every index's part on the shard files the document under it, so that no
	// part needs a map from keys to documents.
	nums []docNums

	// ix are the shards' indexers: each applies its shard's index changes in order on a
	// goroutine of its own (see indexer).
	ix []*indexer
}

// docNums is one shard's document numbers: 1 up to next have been handed out; free are
// those given back by deleted keys.
type docNums struct {
	next uint32
	free []uint32
}

func (d *docNums) get() uint32 {
	if n := len(d.free); n > 0 {
		id := d.free[n-1]
		d.free = d.free[:n-1]
		return id
	}
	d.next++
	return d.next
}

func (d *docNums) put(id uint32) { d.free = append(d.free, id) }

// Index is one FT.CREATE'd index: its definition and one part per shard.
type Index struct {
	Def     *Def
	parts   []*part
	created time.Time

	// scanDone is closed when the initial scan over existing keys ends (at creation with
	// SKIPINITIALSCAN); scanned counts the keys it has visited, of toScan, the keys
	// database 0 held when it started.
	scanDone chan struct{}
	scanned  atomic.Int64
	toScan   atomic.Int64
	dropped  atomic.Bool
	lastUsed atomic.Int64 // Unix ns of the last search or write; TEMPORARY indexes expire from it
	uses     atomic.Int64
	dialects [5]atomic.Int64 // queries per dialect, for FT.INFO
	// next is the index FT.ALTER is building to replace this one; swapped, of an index
	// Alter made, is closed once it has replaced the old one.
	next    atomic.Pointer[Index]
	swapped chan struct{}
	parses  parseCache // recent query trees (parsecache.go)
}

// Errors of registry operations; their texts are RediSearch's replies.
var (
	ErrExists   = errors.New("Index already exists")
	ErrNotFound = errors.New("Unknown index name")
)

// NewRegistry makes the registry of store and registers it as the store's observer.
func NewRegistry(store *engine.Store) *Registry {
	r := &Registry{store: store, byName: make(map[string]*Index), nums: make([]docNums, store.Shards())}
	r.DefaultDialect.Store(1)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.list.Store(&[]*Index{})
	r.observed.Store(&[]*Index{})
	for range store.Shards() {
		ix := newIndexer()
		r.ix = append(r.ix, ix)
		r.wg.Go(ix.run)
	}
	store.AddObserver(r)
	r.wg.Add(1)
	go r.expireTemporary()
	return r
}

// expireTemporary drops TEMPORARY indexes once they have been idle for their time, checking
// once a second.
func (r *Registry) expireTemporary() {
	defer r.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case now := <-tick.C:
			for _, idx := range *r.list.Load() {
				if idx.expired(now) {
					r.dropIfSame(idx)
				}
			}
		}
	}
}

func (idx *Index) expired(now time.Time) bool {
	t := idx.Def.Temporary
	return t > 0 && now.UnixNano()-idx.lastUsed.Load() > int64(t)
}

func (idx *Index) touch() { idx.lastUsed.Store(time.Now().UnixNano()) }

// dropIfSame drops idx unless it was replaced by a new index of the same name meanwhile.
func (r *Registry) dropIfSame(idx *Index) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byName[idx.Def.Name] == idx {
		delete(r.byName, idx.Def.Name)
		r.dropAliasesLocked(idx)
		r.dropShadowLocked(idx)
		idx.dropped.Store(true)
		r.publish()
	}
}

// Close stops background index builds and the indexers, and waits for them.
func (r *Registry) Close() {
	r.cancel()
	for _, ix := range r.ix {
		ix.close()
	}
	r.wg.Wait()
}

// Create adds an index, starts indexing the keys that already exist in the background,
// and returns it.
func (r *Registry) Create(def *Def) (*Index, error) {
	r.mu.Lock()
	if _, ok := r.byName[def.Name]; ok {
		r.mu.Unlock()
		return nil, ErrExists
	}
	idx := &Index{Def: def, created: time.Now(), scanDone: make(chan struct{})}
	idx.touch()
	for shard := range r.store.Shards() {
		idx.parts = append(idx.parts, newPart(def, r.ix[shard]))
	}
	r.byName[def.Name] = idx
	r.publish()
	if !def.SkipScan {
		r.wg.Add(1)
		go r.scan(idx)
	} else {
		close(idx.scanDone)
	}
	r.mu.Unlock()
	return idx, nil
}

// publish rebuilds list from byName; r.mu must be held.
func (r *Registry) publish() {
	l := make([]*Index, 0, len(r.byName))
	for _, idx := range r.byName {
		l = append(l, idx)
	}
	slices.SortFunc(l, func(a, b *Index) int { return a.created.Compare(b.created) })
	r.list.Store(&l)
	o := append(slices.Clip(l), r.shadows...)
	r.observed.Store(&o)
}

// Get returns the index called name, or named so by an alias, or nil. A TEMPORARY index
// past its idle time is gone, even if the once-a-second sweep has not dropped it yet.
func (r *Registry) Get(name string) *Index {
	r.mu.Lock()
	idx := r.lookupLocked(name)
	r.mu.Unlock()
	if idx != nil && idx.expired(time.Now()) {
		r.dropIfSame(idx)
		return nil
	}
	return idx
}

// Names lists the indexes, oldest first.
func (r *Registry) Names() []string {
	l := *r.list.Load()
	out := make([]string, len(l))
	for i, idx := range l {
		out[i] = idx.Def.Name
	}
	return out
}

// Drop removes an index (name may be an alias of it), and its aliases. With deleteDocs
// (FT.DROPINDEX … DD) the keys it indexed are deleted too, through tx, which must hold
// every shard for writing.
func (r *Registry) Drop(tx *engine.Tx, name string, deleteDocs bool) error {
	r.mu.Lock()
	idx := r.lookupLocked(name)
	if idx == nil {
		r.mu.Unlock()
		return ErrNotFound
	}
	delete(r.byName, idx.Def.Name)
	r.dropAliasesLocked(idx)
	r.dropShadowLocked(idx)
	r.publish()
	idx.dropped.Store(true)
	r.mu.Unlock()
	if deleteDocs {
		for id, p := range idx.parts {
			v := tx.ShardView(0, id)
			p.settle()
			for _, key := range p.keys() {
				v.Delete(key)
			}
		}
	}
	return nil
}

// Observe implements engine.Observer.
func (r *Registry) Observe(shard int, ev engine.Event) {
	if ev.DB != 0 {
		return
	}
	l := *r.observed.Load()
	switch ev.Kind {
	case engine.EventFlush:
		// As RediSearch, flushing the database drops its indexes and empties the
		// dictionaries; its keys, and with them every document number, are gone.
		r.nums[shard] = docNums{}
		r.dictionaries.flush()
		if len(l) > 0 {
			r.dropAll()
		}
	case engine.EventWrite:
		o := ev.Object
		for _, idx := range l {
			p := idx.parts[shard]
			if !p.def.matches(ev.Key) {
				continue
			}
			if !p.def.admits(ev.Key, o) {
				// Its FILTER leaves the document out (now, if it held it before).
				if o.Doc != 0 {
					r.ix[shard].remove(p, o.Doc)
				}
				continue
			}
			if idx.Def.Temporary > 0 {
				idx.touch()
			}
			if o.Doc == 0 {
				o.Doc = r.nums[shard].get()
			}
			r.ix[shard].update(p, ev.Key, o)
		}
	case engine.EventDelete, engine.EventExpire:
		if ev.Doc == 0 {
			return // never indexed
		}
		for _, idx := range l {
			if idx.Def.Temporary > 0 && idx.Def.matches(ev.Key) {
				idx.touch()
			}
			r.ix[shard].remove(idx.parts[shard], ev.Doc)
		}
		r.nums[shard].put(ev.Doc)
	}
}

func (r *Registry) dropAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, idx := range r.byName {
		idx.dropped.Store(true)
	}
	for _, idx := range r.shadows {
		idx.dropped.Store(true)
	}
	clear(r.byName)
	clear(r.aliases)
	r.shadows = nil
	r.publish()
}

// scanSlice is how many keys the initial scan indexes per hold of a shard's lock.
const scanSlice = 256

// scan indexes the keys that existed before the index, every shard at once (each feeds
// its own indexer, which applies at its own pace: one after the other, all but one indexer
// would idle), one slice at a time, so writers wait at most one slice. A key written
// meanwhile is indexed by Observe as well; indexing a key twice gives the same result as
// once.
func (r *Registry) scan(idx *Index) {
	defer r.wg.Done()
	defer close(idx.scanDone)
	for id := range idx.parts {
		tx := r.store.BeginShard(id, false)
		idx.toScan.Add(int64(tx.ShardView(0, id).Len()))
		tx.End()
	}
	var shards sync.WaitGroup
	for id, p := range idx.parts {
		shards.Go(func() { r.scanShard(idx, id, p) })
	}
	shards.Wait()
	if idx.dropped.Load() || r.ctx.Err() != nil {
		return
	}
	// The scan is done when what it queued is indexed; what a loaded graph held that no
	// document claimed goes then.
	for _, ix := range r.ix {
		ix.wait()
	}
	for id, p := range idx.parts {
		if p.preloaded != nil {
			tx := r.store.BeginShard(id, true)
			p.dropPreloaded()
			tx.End()
		}
	}
}

// scanShard queues every key of shard id that the index admits into the shard's indexer.
// A slice ends early when the indexer's queue is full: the scan then waits for room with
// the shard unlocked, so a search waits at most for the queue, not for a slice's worth of
// work (256 vectors into a large HNSW graph take a quarter of a second).
func (r *Registry) scanShard(idx *Index, id int, p *part) {
	var cursor uint64
	ix := r.ix[id]
	for {
		if idx.dropped.Load() || r.ctx.Err() != nil {
			return
		}
		ix.waitRoom()
		tx := r.store.BeginShard(id, true)
		v := tx.ShardView(0, id)
		for n := 0; n < scanSlice && !ix.full(); n++ {
			cursor = v.Scan(cursor, func(key string, o *engine.Object) {
				if p.def.admits(key, o) {
					if o.Doc == 0 {
						o.Doc = r.nums[id].get()
					}
					ix.update(p, key, o)
				}
				idx.scanned.Add(1)
			})
			if cursor == 0 {
				break
			}
		}
		tx.End()
		if cursor == 0 {
			return
		}
	}
}

// WaitScan waits up to d for the initial scan to end, and reports whether it has.
func (idx *Index) WaitScan(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-idx.scanDone:
		return true
	case <-t.C:
		return false
	}
}

// Indexing reports whether the initial scan is running, and the fraction done.
func (idx *Index) Indexing() (bool, float64) {
	// While FT.ALTER builds the index again, its build is the indexing FT.INFO shows.
	if next := idx.next.Load(); next != nil && !next.dropped.Load() {
		if ing, pct := next.Indexing(); ing {
			return ing, pct
		}
	}
	select {
	case <-idx.scanDone:
		return false, 1
	default:
	}
	// A key can be visited twice (the cursor guarantees at least once) and keys come and go
	// meanwhile, so the count is kept below 1 until the scan ends.
	total := max(idx.toScan.Load(), 1)
	return true, min(float64(idx.scanned.Load())/float64(total), 0.99)
}

// Stats are an index's counters for FT.INFO.
type Stats struct {
	Docs     int64
	MaxDocID int64
	Terms    int64
	Records  int64
	Failures int64
	// VectorBytes is what the vector fields' indexes hold.
	VectorBytes int64
	Uses        int64
	Dialects    [4]int64
}

// Stats adds up the parts' counters; tx must hold every shard.
func (idx *Index) Stats(tx *engine.Tx) Stats {
	var s Stats
	terms := map[string]bool{} // a word held in several shards counts once
	for id, p := range idx.parts {
		_ = tx.ShardView(0, id) // asserts that tx holds the shard
		p.settle()
		s.Docs += int64(p.numDocs())
		s.MaxDocID += int64(p.maxID)
		p.text.liveTerms(func(w string) { terms[w] = true })
		s.Records += p.records
		s.Failures += p.failures
		for _, vi := range p.vecs {
			s.VectorBytes += int64(vi.MemoryBytes())
		}
	}
	s.Terms = int64(len(terms))
	s.Uses = idx.uses.Load()
	for d := 1; d <= 4; d++ {
		s.Dialects[d-1] = idx.dialects[d].Load()
	}
	return s
}
