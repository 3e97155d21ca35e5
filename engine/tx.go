package engine

import "slices"

// Tx holds the locks of one command (or one MULTI/EXEC block): the shards it touches, locked
// in ascending order, for reading or writing. A Tx is used by one goroutine and ended once.
type Tx struct {
	store *Store
	write bool
	all   bool
	one   int   // the shard when exactly one is locked and !all
	many  []int // sorted shard ids when several are locked
	clk   clock
	key   []byte // the key BeginKey locked, so View need not hash it again
	// keys and ids are Begin's keys and their shards, in argument order, for the same
	// purpose; next is where View looks first, since handlers walk their keys in order.
	keys [][]byte
	ids  []int
	next int
}

// Begin locks the shards owning keys (read or write) and returns the Tx. With no keys it
// locks nothing; a command that needs every shard uses BeginAll.
func (s *Store) Begin(keys [][]byte, write bool) Tx { return s.BeginScratch(keys, write, nil) }

// BeginScratch is Begin with scratch space for the Tx's bookkeeping of several keys: a
// caller that begins many transactions one after another passes back Scratch() of the
// last, ended one, and a multi-key command then allocates nothing.
func (s *Store) BeginScratch(keys [][]byte, write bool, scratch []int) Tx {
	tx := Tx{store: s, write: write, one: -1}
	switch len(keys) {
	case 0:
	case 1:
		tx.one = s.ShardOf(keys[0])
	default:
		tx.keys = keys
		if cap(scratch) < 2*len(keys) {
			scratch = make([]int, 0, 2*len(keys))
		}
		tx.ids = scratch[:len(keys)]
		for i, k := range keys {
			tx.ids[i] = s.ShardOf(k)
		}
		ids := append(tx.ids[len(keys):], tx.ids...)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) == 1 {
			tx.one = ids[0]
		} else {
			tx.many = ids
		}
	}
	tx.lock()
	return tx
}

// BeginAll locks every shard.
func (s *Store) BeginAll(write bool) Tx {
	tx := Tx{store: s, write: write, all: true, one: -1}
	tx.lock()
	return tx
}

func (tx *Tx) each(fn func(sh *shard)) {
	switch {
	case tx.all:
		for _, sh := range tx.store.shards {
			fn(sh)
		}
	case tx.many != nil:
		for _, id := range tx.many {
			fn(tx.store.shards[id])
		}
	case tx.one >= 0:
		fn(tx.store.shards[tx.one])
	}
}

func (tx *Tx) lock() {
	if tx.single() {
		// The common case, without the closure calls of each.
		if sh := tx.store.shards[tx.one]; tx.write {
			sh.mu.Lock()
		} else {
			sh.mu.RLock()
		}
		return
	}
	if tx.write {
		tx.each(func(sh *shard) { sh.mu.Lock() })
	} else {
		tx.each(func(sh *shard) { sh.mu.RLock() })
	}
}

// End releases the locks.
func (tx *Tx) End() {
	switch {
	case tx.single() && tx.write:
		tx.store.shards[tx.one].mu.Unlock()
	case tx.single():
		tx.store.shards[tx.one].mu.RUnlock()
	case tx.write:
		tx.each(func(sh *shard) { sh.mu.Unlock() })
	default:
		tx.each(func(sh *shard) { sh.mu.RUnlock() })
	}
	tx.store = nil
}

// single reports whether the Tx holds exactly one shard.
func (tx *Tx) single() bool { return !tx.all && tx.many == nil && tx.one >= 0 }

// Now is the time, in Unix milliseconds, the Tx began: the clock of its commands.
func (tx *Tx) Now() int64 { return tx.clk.now() }

// SetNow sets the Tx's clock. Replaying an append-only log sets it to a time before any
// expiry, so that no key expires in the middle of the replay (the log records the
// deletions of keys that expired), as Redis does while it loads.
func (tx *Tx) SetNow(ms int64) { tx.clk.ms = ms }

// HoldsAny reports whether the Tx holds any shard's lock (a keyless command's holds none,
// unless it runs inside MULTI/EXEC or a script).
func (tx *Tx) HoldsAny() bool { return tx.all || tx.many != nil || tx.one >= 0 }

// Writable reports whether the Tx holds write locks.
func (tx *Tx) Writable() bool { return tx.write }

func (tx *Tx) holds(id int) bool {
	switch {
	case tx.all:
		return true
	case tx.many != nil:
		_, ok := slices.BinarySearch(tx.many, id)
		return ok
	}
	return tx.one == id
}

// View returns database dbIndex on the shard that owns key. The key's shard must be locked
// by this Tx: asking for another is a bug in the caller's declared keys, and panics.
func (tx *Tx) View(dbIndex int, key []byte) View {
	id := -1
	switch {
	case tx.one >= 0 && sameSlice(key, tx.key):
		id = tx.one
	case tx.keys != nil:
		id = tx.knownShard(key)
	}
	if id < 0 {
		id = tx.store.ShardOf(key)
		if !tx.holds(id) {
			panic("engine: key outside the transaction's locked shards")
		}
	}
	return tx.shardView(dbIndex, id)
}

// Views returns database dbIndex on every shard, in shard order; the Tx must hold all shards.
func (tx *Tx) Views(dbIndex int) []View {
	if !tx.all {
		panic("engine: Views needs a Tx from BeginAll")
	}
	out := make([]View, len(tx.store.shards))
	for i := range out {
		out[i] = tx.shardView(dbIndex, i)
	}
	return out
}

func (tx *Tx) shardView(dbIndex, id int) View {
	sh := tx.store.shards[id]
	return View{sh: sh, db: sh.dbs[dbIndex], index: dbIndex, write: tx.write, clk: &tx.clk}
}

// BeginKey is Begin for a single key, without allocating.
func (s *Store) BeginKey(key []byte, write bool) Tx {
	tx := Tx{store: s, write: write, one: s.ShardOf(key), key: key}
	tx.lock()
	return tx
}

// sameSlice reports whether a and b are the same bytes in memory (not merely equal).
func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}

// knownShard returns the shard Begin computed for key (the same bytes, not equal ones),
// or -1.
func (tx *Tx) knownShard(key []byte) int {
	n := len(tx.keys)
	for i := range n {
		j := (tx.next + i) % n
		if sameSlice(tx.keys[j], key) {
			tx.next = j + 1
			return tx.ids[j]
		}
	}
	return -1
}

// BeginShard locks shard id alone: the per-shard tasks of a search fan-out and the slices
// of a background index build each hold one shard.
func (s *Store) BeginShard(id int, write bool) Tx {
	tx := Tx{store: s, write: write, one: id}
	tx.lock()
	return tx
}

// ShardView returns database dbIndex on shard id, which the Tx must hold.
func (tx *Tx) ShardView(dbIndex, id int) View {
	if !tx.holds(id) {
		panic("engine: shard outside the transaction's locked shards")
	}
	return tx.shardView(dbIndex, id)
}

// Scratch returns the Tx's scratch space for reuse by BeginScratch once the Tx has ended.
func (tx *Tx) Scratch() []int { return tx.ids[:0] }
