package engine

// View is one database on one shard, seen through a Tx that holds the shard's lock. Every
// read and write of a key goes through a View: that is where lazy expiry, memory
// accounting, WATCH and observers are kept right. A View is a small value, valid until its
// Tx ends.
type View struct {
	sh    *shard
	db    *db
	index int
	write bool
	clk   *clock
}

// Now is the command's clock in Unix milliseconds.
func (v View) Now() int64 { return v.clk.now() }

// DB is the database index.
func (v View) DB() int { return v.index }

// Len is the number of keys of this database on this shard (expired keys not yet removed
// included, as Redis' DBSIZE counts them).
func (v View) Len() int { return v.db.keys.Len() }

// Volatile is the number of keys with an expiry.
func (v View) Volatile() int { return v.db.volatile.Len() }

// Get returns key's entry, or nil when the key does not exist or has expired. Under a write
// lock an expired key is removed on the spot (lazy expiry); under a read lock it is only
// hidden, and removed by the next writer or the active cycle.
func (v View) Get(key string) *Object {
	if v.write && v.sh.snap != nil {
		v.preserve(key) // a write command may change what it gets, in place
	}
	o, ok := v.db.keys.Get(key)
	if !ok {
		return nil
	}
	if o.Expire != 0 && o.Expire <= v.clk.now() {
		if v.write {
			v.remove(key, o, EventExpire)
			v.sh.expiredKeys.Add(1)
		}
		return nil
	}
	return o
}

// Read is Get for reads that count as keyspace hits or misses (INFO stats).
func (v View) Read(key string) *Object {
	o := v.Get(key)
	if o == nil {
		v.sh.keyspaceMiss.Add(1)
	} else {
		v.sh.keyspaceHits.Add(1)
	}
	return o
}

// GetType returns key's entry if it holds type t, nil if the key does not exist, and
// ErrWrongType if it holds another type.
func (v View) GetType(key string, t Type) (*Object, error) {
	o := v.Get(key)
	if o == nil {
		return nil, nil
	}
	if o.Value.Type() != t {
		return nil, ErrWrongType
	}
	return o, nil
}

// Set stores val under key, replacing what was there. The expiry is cleared unless keepTTL.
func (v View) Set(key string, val Value, keepTTL bool) *Object {
	o, created := v.upsert(key, keepTTL)
	o.Value = val
	v.account(key, o)
	v.changed(key, o, created)
	return o
}

// SetString is Set for a string value holding a copy of b. When the key already holds a
// string whose buffer fits b (and is not much larger), the buffer is reused, so a hot key
// rewritten with SET costs no allocation. Nothing outside the shard's lock keeps a string's
// bytes, so overwriting them in place is safe.
func (v View) SetString(key string, b []byte, keepTTL bool) *Object {
	o, created := v.upsert(key, keepTTL)
	if s, ok := o.Value.(*Str); ok {
		s.B = reuseBytes(s.B, b)
	} else {
		o.Value = NewStr(b)
	}
	v.account(key, o)
	v.changed(key, o, created)
	return o
}

// upsert returns key's entry, new (created) or old, with its expiry cleared unless keepTTL
// (an expired old entry's TTL is never kept). A new entry's Value is nil until the caller
// sets it.
func (v View) upsert(key string, keepTTL bool) (o *Object, created bool) {
	v.mustWrite()
	v.preserve(key)
	o, created = v.db.keys.Upsert(key)
	if created {
		o.Expire = 0
	} else if o.Expire != 0 && (!keepTTL || o.Expire <= v.clk.now()) {
		o.Expire = 0
		v.db.volatile.Delete(key)
	}
	return o, created
}

// Modified must follow any in-place change to o.Value (HSET on an existing hash, APPEND, …).
func (v View) Modified(key string, o *Object) {
	v.mustWrite()
	v.account(key, o)
	v.changed(key, o, false)
}

// Delete removes key and reports whether it existed (an expired key did not).
func (v View) Delete(key string) bool {
	v.mustWrite()
	o := v.Get(key)
	if o == nil {
		return false
	}
	v.remove(key, o, EventDelete)
	return true
}

// SetExpire sets o's expiry to at (Unix ms); at == 0 makes the key persistent. A time not
// after now deletes the key at once, as Redis' EXPIRE does, and reports false.
func (v View) SetExpire(key string, o *Object, at int64) bool {
	v.mustWrite()
	if at != 0 && at <= v.clk.now() {
		v.remove(key, o, EventDelete)
		return false
	}
	switch {
	case at == 0 && o.Expire != 0:
		v.db.volatile.Delete(key)
	case at != 0 && o.Expire == 0:
		v.db.volatile.Set(key, struct{}{})
	}
	o.Expire = at
	v.changed(key, o, false)
	return true
}

// Flush removes every key of this database on this shard.
func (v View) Flush() {
	v.mustWrite()
	v.preserveAll()
	// A plain lookup: Get could delete an expired key, which would touch watchers again
	// while touchWatchedDB holds their lock.
	v.sh.touchWatchedDB(v.index, func(k string) bool {
		_, ok := v.db.keys.Get(k)
		return ok
	})
	var freed int64
	v.db.keys.Range(func(_ string, o *Object) bool {
		freed += o.size
		return true
	})
	v.sh.used.Add(-freed)
	v.db.keys.Clear()
	v.db.volatile.Clear()
	v.sh.changes.Add(1)
	for _, ob := range v.sh.observers {
		ob.Observe(v.sh.id, Event{Kind: EventFlush, DB: v.index})
	}
}

// Scan visits one cursor step of this database's keys (see dict.Scan); expired keys are
// skipped. fn must not change the database.
func (v View) Scan(cursor uint64, fn func(key string, o *Object)) uint64 {
	return v.db.keys.Scan(cursor, func(k string, o *Object) {
		if o.Expire == 0 || o.Expire > v.clk.now() {
			fn(k, o)
		}
	})
}

// Range visits every live key until fn returns false. fn must not change the database.
func (v View) Range(fn func(key string, o *Object) bool) {
	v.db.keys.Range(func(k string, o *Object) bool {
		if o.Expire != 0 && o.Expire <= v.clk.now() {
			return true
		}
		return fn(k, o)
	})
}

// Random returns a random live key, or ok=false when there is none. It tries a bounded
// number of samples, so a database of almost only expired keys may answer none.
func (v View) Random() (key string, o *Object, ok bool) {
	src := newSource()
	for range 100 {
		k, o, ok := v.db.keys.Random(src)
		if !ok {
			return "", nil, false
		}
		if o.Expire == 0 || o.Expire > v.clk.now() {
			return k, o, true
		}
	}
	return "", nil, false
}

func (v View) mustWrite() {
	if !v.write {
		panic("engine: write through a read-locked view")
	}
}

func (v View) remove(key string, o *Object, kind EventKind) {
	v.preserve(key)
	if o.Expire != 0 {
		v.db.volatile.Delete(key)
	}
	v.sh.used.Add(-o.size)
	v.db.keys.Delete(key)
	v.sh.changes.Add(1)
	v.sh.touchWatched(v.index, key)
	for _, ob := range v.sh.observers {
		ob.Observe(v.sh.id, Event{Kind: kind, DB: v.index, Key: key, Doc: o.Doc})
	}
}

func (v View) account(key string, o *Object) {
	size := int64(len(key)) + o.Value.Size() + objectOverhead
	v.sh.used.Add(size - o.size)
	o.size = size
}

func (v View) changed(key string, o *Object, created bool) {
	v.sh.changes.Add(1)
	v.sh.touchWatched(v.index, key)
	for _, ob := range v.sh.observers {
		ob.Observe(v.sh.id, Event{Kind: EventWrite, DB: v.index, Key: key, Object: o, Created: created})
	}
}
