package engine

import "sync/atomic"

// Watch is one client's set of WATCHed keys. Any change to one of them marks it dirty, and
// EXEC, which checks the flag while holding the transaction's locks, then refuses to run.
type Watch struct {
	dirty atomic.Bool
	keys  []watchKey // what this client watches, for Unwatch
	// expires is the earliest expiry of the watched keys that were live when watched: a
	// key that expires before EXEC counts as changed (as in Redis 7), even if nothing has
	// removed it yet. 0 means none.
	expires int64
}

type watchKey struct {
	db  int
	key string
}

// Dirty reports whether a watched key changed since it was watched, or expired by now
// (Unix ms).
func (w *Watch) Dirty(now int64) bool {
	return w.dirty.Load() || (w.expires != 0 && w.expires <= now)
}

// Watching reports whether any key is watched.
func (w *Watch) Watching() bool { return len(w.keys) > 0 }

// Watch adds key of database dbIndex to w. The key's shard must be locked by tx (read or
// write), so no change can slip between the key's current state and the registration.
func (tx *Tx) Watch(w *Watch, dbIndex int, key []byte) {
	id := tx.store.ShardOf(key)
	if !tx.holds(id) {
		panic("engine: key outside the transaction's locked shards")
	}
	sh := tx.store.shards[id]
	wk := watchKey{dbIndex, string(key)}
	if o := tx.shardView(dbIndex, id).Get(wk.key); o != nil && o.Expire != 0 {
		if w.expires == 0 || o.Expire < w.expires {
			w.expires = o.Expire
		}
	}
	sh.wmu.Lock()
	defer sh.wmu.Unlock()
	set := sh.watchers[wk]
	if set == nil {
		set = make(map[*Watch]struct{})
		sh.watchers[wk] = set
		sh.nwatched.Add(1)
	}
	if _, dup := set[w]; !dup {
		set[w] = struct{}{}
		w.keys = append(w.keys, wk)
	}
}

// Unwatch forgets all of w's keys and clears its dirty flag.
func (s *Store) Unwatch(w *Watch) {
	for _, wk := range w.keys {
		sh := s.shards[s.ShardOf([]byte(wk.key))]
		sh.wmu.Lock()
		if set := sh.watchers[wk]; set != nil {
			delete(set, w)
			if len(set) == 0 {
				delete(sh.watchers, wk)
				sh.nwatched.Add(-1)
			}
		}
		sh.wmu.Unlock()
	}
	w.keys = nil
	w.expires = 0
	w.dirty.Store(false)
}

// touchWatched marks every watcher of key dirty. Called with the shard write-locked.
func (sh *shard) touchWatched(dbIndex int, key string) {
	if sh.nwatched.Load() == 0 {
		return
	}
	sh.wmu.Lock()
	for w := range sh.watchers[watchKey{dbIndex, key}] {
		w.dirty.Store(true)
	}
	sh.wmu.Unlock()
}

// touchWatchedDB marks dirty every watcher of an existing key of database dbIndex (FLUSHDB).
func (sh *shard) touchWatchedDB(dbIndex int, exists func(string) bool) {
	if sh.nwatched.Load() == 0 {
		return
	}
	sh.wmu.Lock()
	for wk, set := range sh.watchers {
		if wk.db == dbIndex && exists(wk.key) {
			for w := range set {
				w.dirty.Store(true)
			}
		}
	}
	sh.wmu.Unlock()
}
