package dict

import (
	"hash/maphash"
	"strings"
)

// minBuckets is the smallest table ever allocated; shrinking stops there.
const minBuckets = 4

// node is one entry of a bucket's chain. Nodes are allocated once on insert and relinked, never
// copied, by a rehash, which is what keeps the pointers Get hands out stable.
type node[V any] struct {
	key  string
	val  V
	next *node[V]
}

// table is one array of bucket chains; its length is zero or a power of two.
type table[V any] struct {
	buckets []*node[V]
	used    int // nodes in this table
}

func (t *table[V]) mask() uint64 { return uint64(len(t.buckets) - 1) }

// Dict is a hash table from string keys to values of type V. The zero Dict is empty and ready
// to use; New only presizes it. A key is copied when it is inserted, so the caller may pass a
// string that aliases bytes it will reuse, and the dict never keeps a larger string alive.
type Dict[V any] struct {
	seed maphash.Seed
	// ht[0] is the table in use; ht[1] is non-nil only while ht[0] is being rehashed into it.
	ht [2]table[V]
	// rehashIdx is the first bucket of ht[0] not yet moved; meaningful only while rehashing.
	rehashIdx int
}

// New returns an empty dict with room for sizeHint keys before its first resize.
func New[V any](sizeHint int) *Dict[V] {
	d := &Dict[V]{}
	d.init(nextPow2(sizeHint))
	return d
}

func (d *Dict[V]) init(buckets int) {
	if d.seed == (maphash.Seed{}) {
		d.seed = maphash.MakeSeed()
	}
	d.ht[0] = table[V]{buckets: make([]*node[V], buckets)}
}

// Len returns the number of keys.
func (d *Dict[V]) Len() int { return d.ht[0].used + d.ht[1].used }

// Buckets returns the number of buckets allocated, both tables counted while rehashing.
func (d *Dict[V]) Buckets() int { return len(d.ht[0].buckets) + len(d.ht[1].buckets) }

// Rehashing reports whether a resize is in progress, i.e. keys are spread over two tables.
func (d *Dict[V]) Rehashing() bool { return d.ht[1].buckets != nil }

func (d *Dict[V]) hash(key string) uint64 { return maphash.String(d.seed, key) }

// Get returns a pointer to key's value. The pointer stays valid (and keeps pointing at key's
// value) until key is deleted; writing through it updates the value in place.
func (d *Dict[V]) Get(key string) (*V, bool) {
	if d.Len() == 0 {
		return nil, false
	}
	if n := d.find(d.hash(key), key); n != nil {
		return &n.val, true
	}
	return nil, false
}

func (d *Dict[V]) find(h uint64, key string) *node[V] {
	t0 := &d.ht[0]
	i := h & t0.mask()
	rehashing := d.Rehashing()
	// Old buckets below rehashIdx are empty; skipping them saves a memory access.
	if !rehashing || i >= uint64(d.rehashIdx) {
		for n := t0.buckets[i]; n != nil; n = n.next {
			if n.key == key {
				return n
			}
		}
	}
	if rehashing {
		t1 := &d.ht[1]
		for n := t1.buckets[h&t1.mask()]; n != nil; n = n.next {
			if n.key == key {
				return n
			}
		}
	}
	return nil
}

// Set stores v under key and reports whether key was new.
func (d *Dict[V]) Set(key string, v V) (inserted bool) {
	p, inserted := d.Upsert(key)
	*p = v
	return inserted
}

// Upsert returns a pointer to key's value, inserting the zero value first if key is absent.
func (d *Dict[V]) Upsert(key string) (v *V, inserted bool) {
	if d.ht[0].buckets == nil {
		d.init(minBuckets)
	}
	if d.Rehashing() {
		d.rehash(1)
	}
	h := d.hash(key)
	if n := d.find(h, key); n != nil {
		return &n.val, false
	}
	d.growIfNeeded()
	// During a rehash new keys go to the new table, so the old one only ever empties.
	t := &d.ht[0]
	if d.Rehashing() {
		t = &d.ht[1]
	}
	i := h & t.mask()
	// The key is copied: callers may pass a string that aliases a buffer they will reuse
	// (darner passes the command's own argument bytes), and a key kept must own its bytes.
	n := &node[V]{key: strings.Clone(key), next: t.buckets[i]}
	t.buckets[i] = n
	t.used++
	return &n.val, true
}

// Delete removes key and returns its value.
func (d *Dict[V]) Delete(key string) (old V, ok bool) {
	if d.Len() == 0 {
		return old, false
	}
	if d.Rehashing() {
		d.rehash(1)
	}
	h := d.hash(key)
	for ti := range d.ht {
		t := &d.ht[ti]
		if t.buckets == nil {
			break
		}
		for pp := &t.buckets[h&t.mask()]; *pp != nil; pp = &(*pp).next {
			if n := *pp; n.key == key {
				*pp = n.next
				t.used--
				d.shrinkIfNeeded()
				return n.val, true
			}
		}
	}
	return old, false
}

// Clear removes every key in O(1) (the garbage collector frees the nodes) and releases the
// tables; the next insert allocates a minimal one.
func (d *Dict[V]) Clear() {
	d.ht = [2]table[V]{}
	d.rehashIdx = 0
}

// nextPow2 returns the smallest power of two >= n, and at least minBuckets.
func nextPow2(n int) int {
	s := minBuckets
	for s < n {
		s <<= 1
	}
	return s
}
