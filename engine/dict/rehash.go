package dict

// emptyVisitsPerStep bounds the empty old buckets one rehash step may skip, so a step costs
// O(1) even when the old table is sparse.
const emptyVisitsPerStep = 10

// growIfNeeded starts a resize to double size once the load factor reaches 1. It is called
// before an insert, so the table never holds more keys than buckets for long.
func (d *Dict[V]) growIfNeeded() {
	if d.Rehashing() {
		return
	}
	if used := d.ht[0].used; used >= len(d.ht[0].buckets) {
		d.resize(nextPow2(used + 1))
	}
}

// shrinkIfNeeded starts a resize once fewer than one bucket in eight is used. The target holds
// the keys at a load below 1, so the next insert does not immediately grow it again.
func (d *Dict[V]) shrinkIfNeeded() {
	if d.Rehashing() {
		return
	}
	size := len(d.ht[0].buckets)
	if used := d.ht[0].used; size > minBuckets && used < size/8 {
		d.resize(nextPow2(used + 1))
	}
}

// resize allocates the table the keys will move to; the moving happens in rehash.
func (d *Dict[V]) resize(buckets int) {
	if buckets == len(d.ht[0].buckets) {
		return
	}
	d.ht[1] = table[V]{buckets: make([]*node[V], buckets)}
	d.rehashIdx = 0
}

// RehashStep moves up to n non-empty buckets from the old table to the new one, for callers
// that want a rehash finished without waiting for writes (e.g. a shard's idle timer). It
// reports whether a rehash is still in progress. It needs exclusive access, like a write.
func (d *Dict[V]) RehashStep(n int) (more bool) {
	if d.Rehashing() && n > 0 {
		d.rehash(n)
	}
	return d.Rehashing()
}

// rehash moves up to n non-empty buckets of ht[0] into ht[1], visiting at most
// n*emptyVisitsPerStep empty ones, and makes ht[1] the only table once ht[0] is empty.
func (d *Dict[V]) rehash(n int) {
	t0, t1 := &d.ht[0], &d.ht[1]
	m1 := t1.mask()
	emptyVisits := n * emptyVisitsPerStep
	for ; n > 0 && t0.used > 0; n-- {
		// t0.used > 0 guarantees a non-empty bucket at or after rehashIdx.
		for t0.buckets[d.rehashIdx] == nil {
			d.rehashIdx++
			emptyVisits--
			if emptyVisits == 0 {
				return
			}
		}
		for nd := t0.buckets[d.rehashIdx]; nd != nil; {
			next := nd.next
			i := d.hash(nd.key) & m1
			nd.next = t1.buckets[i]
			t1.buckets[i] = nd
			t0.used--
			t1.used++
			nd = next
		}
		t0.buckets[d.rehashIdx] = nil
		d.rehashIdx++
	}
	if t0.used == 0 {
		d.ht[0] = d.ht[1]
		d.ht[1] = table[V]{}
		d.rehashIdx = 0
	}
}
