package engine

// Snapshot is every database as it was at one moment, read in the background while writers
// go on (BGSAVE): copy-on-write at the granularity of keys. BeginSnapshot, under every
// shard's lock, notes the keys that exist and marks their entries with the snapshot's epoch;
// from then on, a writer about to change or delete a marked entry first keeps a copy of it
// for the snapshot and clears the mark (see View.preserve: every write passes through Get,
// upsert, remove or Flush, so the copy is taken before any in-place change). The snapshot
// reads its keys a slice at a time under the shard's read lock, clearing the marks: writers
// wait at most one slice, never the whole save. An entry created after the moment has no
// mark, so it is neither copied nor read.
type Snapshot struct {
	store  *Store
	at     int64  // the moment: keys expired by then are not in the snapshot
	epoch  uint32 // the mark of the entries it has yet to read
	shards []*shardSnap
}

// shardSnap is a snapshot's state on one shard, guarded by the shard's lock: writers
// change it under the write lock, the snapshot under the read lock.
type shardSnap struct {
	epoch uint32
	keys  [NumDBs][]string // the keys at the moment, in the order they are read
	old   [NumDBs]map[string]snapEntry
}

// snapEntry is a key as it was at the snapshot's moment, kept before a writer changed it.
type snapEntry struct {
	val    Value // nil: the key did not exist
	expire int64
}

// snapSlice is how many keys Each reads per hold of a shard's read lock.
const snapSlice = 256

// BeginSnapshot starts a snapshot of the store as tx (holding every shard) sees it. End
// must be called when it has been read.
func (s *Store) BeginSnapshot(tx *Tx) *Snapshot {
	if !tx.all {
		panic("engine: BeginSnapshot needs a Tx from BeginAll")
	}
	s.snapEpoch++
	if s.snapEpoch == 0 { // wrapped: 0 means no mark
		s.snapEpoch = 1
	}
	sn := &Snapshot{store: s, at: tx.Now(), epoch: s.snapEpoch}
	for _, sh := range s.shards {
		ss := &shardSnap{epoch: sn.epoch}
		for d, db := range sh.dbs {
			if db.keys.Len() == 0 {
				continue
			}
			ss.keys[d] = make([]string, 0, db.keys.Len())
			ss.old[d] = map[string]snapEntry{}
			db.keys.Range(func(k string, o *Object) bool {
				if o.Expire == 0 || o.Expire > sn.at {
					ss.keys[d] = append(ss.keys[d], k)
					o.snap = sn.epoch
				}
				return true
			})
		}
		sh.snap = ss
		sn.shards = append(sn.shards, ss)
	}
	return sn
}

// Keys is how many keys database d had at the snapshot's moment.
func (sn *Snapshot) Keys(d int) int {
	n := 0
	for _, ss := range sn.shards {
		n += len(ss.keys[d])
	}
	return n
}

// Each calls fn with every key of database d as it was at the snapshot's moment, its value
// and expiry. fn runs under the key's shard's read lock and must not keep val past its
// return nor change it.
func (sn *Snapshot) Each(d int, fn func(key string, val Value, expire int64) error) error {
	for id, ss := range sn.shards {
		keys := ss.keys[d]
		for len(keys) > 0 {
			n := min(snapSlice, len(keys))
			if err := sn.readSlice(id, d, keys[:n], fn); err != nil {
				return err
			}
			keys = keys[n:]
		}
	}
	return nil
}

func (sn *Snapshot) readSlice(id, d int, keys []string, fn func(string, Value, int64) error) error {
	tx := sn.store.BeginShard(id, false)
	defer tx.End()
	ss, db := sn.shards[id], sn.store.shards[id].dbs[d]
	for _, k := range keys {
		if e, kept := ss.old[d][k]; kept {
			// The read lock excludes the writers, the only others that use old: safe.
			delete(ss.old[d], k)
			if e.val != nil {
				if err := fn(k, e.val, e.expire); err != nil {
					return err
				}
			}
			continue
		}
		o, ok := db.keys.Get(k)
		if !ok || o.snap != sn.epoch {
			continue // replaced or deleted since (its copy was read above), or created after
		}
		o.snap = 0 // read: writers need not copy it any more
		if o.Expire != 0 && o.Expire <= sn.at {
			continue
		}
		if err := fn(k, o.Value, o.Expire); err != nil {
			return err
		}
	}
	return nil
}

// End stops the snapshot: writers no longer keep copies for it.
func (sn *Snapshot) End() {
	for id, ss := range sn.shards {
		tx := sn.store.BeginShard(id, true)
		sh := sn.store.shards[id]
		sh.snap = nil
		// Entries left unread (a save that failed half-way) lose their mark.
		for d, keys := range ss.keys {
			for _, k := range keys {
				if o, ok := sh.dbs[d].keys.Get(k); ok && o.snap == sn.epoch {
					o.snap = 0
				}
			}
		}
		tx.End()
	}
}

// preserve keeps key's value for the snapshot under way, if the snapshot has yet to read
// it: called, under the write lock, before anything changes the key.
func (v View) preserve(key string) {
	ss := v.sh.snap
	if ss == nil || !v.write {
		return
	}
	o, ok := v.db.keys.Get(key)
	if !ok || o.snap != ss.epoch {
		return
	}
	o.snap = 0
	ss.old[v.index][key] = snapEntry{val: o.Value.Clone(), expire: o.Expire}
}

// preserveAll keeps every key of the database the snapshot has yet to read (FLUSHDB).
func (v View) preserveAll() {
	ss := v.sh.snap
	if ss == nil {
		return
	}
	v.db.keys.Range(func(k string, o *Object) bool {
		if o.snap == ss.epoch {
			v.preserve(k)
		}
		return true
	})
}
