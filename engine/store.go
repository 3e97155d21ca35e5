package engine

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// shard owns a slice of every database: the keys whose slot maps to it.
type shard struct {
	id int
	// mu protects dbs and observers, and every Value reachable from dbs.
	mu        sync.RWMutex
	dbs       [NumDBs]*db
	observers []Observer
	// snap is the background snapshot under way (snapshot.go), nil when none.
	snap *shardSnap

	// wmu protects watchers. WATCH registers under a read lock of mu (so no write can
	// interleave) and writers mark watchers under mu's write lock, so a second mutex is
	// needed; nwatched lets writers skip it when nothing on the shard is watched.
	// Lock order: mu before wmu.
	wmu      sync.Mutex
	watchers map[watchKey]map[*Watch]struct{}
	nwatched atomic.Int32

	used         atomic.Int64 // bytes accounted to this shard's keys
	changes      atomic.Int64 // writes, deletes and flushes: what a snapshot would save
	expiredKeys  atomic.Int64 // keys removed by expiry (lazy or active)
	keyspaceHits atomic.Int64
	keyspaceMiss atomic.Int64
}

// Options configure a Store.
type Options struct {
	Shards int // number of shards; at least 1
}

// Store is the whole keyspace: NumDBs databases, each split across the shards.
type Store struct {
	shards []*shard
	// snapEpoch numbers background snapshots (snapshot.go); changed only under every
	// shard's lock.
	snapEpoch uint32

	cancel context.CancelFunc
	done   chan struct{}
}

// New makes a Store with opts.Shards shards (at least one).
func New(opts Options) *Store {
	n := max(opts.Shards, 1)
	s := &Store{shards: make([]*shard, n)}
	for i := range s.shards {
		sh := &shard{id: i, watchers: make(map[watchKey]map[*Watch]struct{})}
		for d := range sh.dbs {
			sh.dbs[d] = newDB()
		}
		s.shards[i] = sh
	}
	return s
}

// Changes counts every change to the keyspace so far (writes, deletes, expiries, flushes):
// the difference between two readings is what INFO's rdb_changes_since_last_save shows.
func (s *Store) Changes() int64 {
	var n int64
	for _, sh := range s.shards {
		n += sh.changes.Load()
	}
	return n
}

// Shards returns the number of shards.
func (s *Store) Shards() int { return len(s.shards) }

// ShardOf returns the shard that owns key.
func (s *Store) ShardOf(key []byte) int { return Slot(key) % len(s.shards) }

// Start launches the active expiry cycle; Close stops it.
func (s *Store) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.done = make(chan struct{})
	go s.expiryLoop(ctx)
}

// Close stops the background work started by Start and waits for it.
func (s *Store) Close() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
	s.cancel = nil
}

// AddObserver registers o with every shard. It is told of changes made after it returns.
func (s *Store) AddObserver(o Observer) {
	for _, sh := range s.shards {
		sh.mu.Lock()
		sh.observers = append(sh.observers, o)
		sh.mu.Unlock()
	}
}

// ShardStats is one shard's counters, for INFO.
type ShardStats struct {
	Keys         [NumDBs]int
	Volatile     [NumDBs]int
	UsedBytes    int64
	ExpiredKeys  int64
	KeyspaceHits int64
	KeyspaceMiss int64
}

// Stats reads every shard's counters: under tx's locks when tx holds every shard (a Tx
// from BeginAll), else taking each shard's read lock in turn — which is why a tx holding
// only some shards is refused: taking a lower shard while holding a higher one would break
// the lock order.
func (s *Store) Stats(tx *Tx) []ShardStats {
	if tx != nil && !tx.all {
		panic("engine: Stats needs no Tx or one from BeginAll")
	}
	out := make([]ShardStats, len(s.shards))
	for i, sh := range s.shards {
		held := tx != nil
		if !held {
			sh.mu.RLock()
		}
		for d, db := range sh.dbs {
			out[i].Keys[d] = db.keys.Len()
			out[i].Volatile[d] = db.volatile.Len()
		}
		if !held {
			sh.mu.RUnlock()
		}
		out[i].UsedBytes = sh.used.Load()
		out[i].ExpiredKeys = sh.expiredKeys.Load()
		out[i].KeyspaceHits = sh.keyspaceHits.Load()
		out[i].KeyspaceMiss = sh.keyspaceMiss.Load()
	}
	return out
}

// ResetStats zeroes the counters CONFIG RESETSTAT resets.
func (s *Store) ResetStats() {
	for _, sh := range s.shards {
		sh.expiredKeys.Store(0)
		sh.keyspaceHits.Store(0)
		sh.keyspaceMiss.Store(0)
	}
}

// clock is the time of one command (or one MULTI/EXEC block), read once, as Redis does, so
// that keys do not expire in the middle of a command; and read lazily, since most commands
// never look at an expiry. A clock belongs to its Tx's goroutine: work fanned out to
// other goroutines must read Now first and not share the clock.
type clock struct{ ms int64 }

func (c *clock) now() int64 {
	if c.ms == 0 {
		c.ms = time.Now().UnixMilli()
	}
	return c.ms
}

// newSource returns a random source for one sampling run. Readers share a shard, so each
// run gets its own rather than sharing one under a read lock.
func newSource() *rand.PCG { return rand.NewPCG(rand.Uint64(), rand.Uint64()) }
