package dict

import (
	"math/bits"
	"math/rand/v2"
)

// Scan visits the keys of one cursor step and returns the cursor of the next; start with 0 and
// stop when it returns 0. Every key present from the first call to the last is visited at least
// once, however the table grows, shrinks or rehashes in between; a key may be visited twice
// when the table shrank, and keys added or deleted during the scan may or may not be visited.
// One step visits one bucket, or while rehashing one bucket of the smaller table and the
// buckets of the larger table that expand it.
//
// fn must not modify the dict (no Set, Upsert, Delete, Clear or RehashStep); reads are fine.
// Modify between calls instead. The pointer fn gets follows the rules of Get.
func (d *Dict[V]) Scan(cursor uint64, fn func(key string, v *V)) (next uint64) {
	if d.Len() == 0 {
		return 0
	}
	if !d.Rehashing() {
		t := &d.ht[0]
		m := t.mask()
		visitChain(t.buckets[cursor&m], fn)
		return nextCursor(cursor, m)
	}
	small, large := &d.ht[0], &d.ht[1]
	if len(small.buckets) > len(large.buckets) {
		small, large = large, small
	}
	m0, m1 := small.mask(), large.mask()
	visitChain(small.buckets[cursor&m0], fn)
	// The large-table buckets that expand small bucket cursor&m0 share its low bits and differ
	// in the bits m0^m1; walk those high bits in reverse order until they wrap to zero, which
	// also carries the increment into the small table's bits.
	for {
		visitChain(large.buckets[cursor&m1], fn)
		cursor = nextCursor(cursor, m1)
		if cursor&(m0^m1) == 0 {
			return cursor
		}
	}
}

func visitChain[V any](n *node[V], fn func(key string, v *V)) {
	for ; n != nil; n = n.next {
		fn(n.key, &n.val)
	}
}

// nextCursor increments cursor's bits within mask from the most significant down. Setting the
// bits outside mask first makes the carry run past them, so it works for any table size.
func nextCursor(cursor, mask uint64) uint64 {
	cursor |= ^mask
	cursor = bits.Reverse64(cursor)
	cursor++
	return bits.Reverse64(cursor)
}

// Range calls fn for every key until fn returns false. Its signature is that of iter.Seq2, so
// `for k, v := range d.Range` works. fn must not modify the dict; reads are fine.
func (d *Dict[V]) Range(fn func(key string, v *V) bool) {
	for ti := range d.ht {
		for _, n := range d.ht[ti].buckets {
			for ; n != nil; n = n.next {
				if !fn(n.key, &n.val) {
					return
				}
			}
		}
	}
}

// Random returns a key picked as Redis's dictGetRandomKey does: a uniformly random non-empty
// bucket, then a uniformly random node of its chain. Keys in long chains are therefore a little
// less likely than others; with chains this short that is good enough for RANDOMKEY and for
// expiry sampling. ok is false when the dict is empty.
//
// src supplies the randomness. A nil src uses math/rand/v2's top-level generator, which is
// cheap, needs no locking and is safe from any goroutine; tests pass a seeded *rand.Rand (or
// any rand.Source) to be reproducible. Random does not modify the dict.
func (d *Dict[V]) Random(src rand.Source) (key string, v *V, ok bool) {
	if d.Len() == 0 {
		return "", nil, false
	}
	if src == nil {
		src = globalSource{}
	}
	head := d.randomBucket(src)
	length := 0
	for n := head; n != nil; n = n.next {
		length++
	}
	n := head
	for k := below(src.Uint64(), length); k > 0; k-- {
		n = n.next
	}
	return n.key, &n.val, true
}

// randomBucket probes random buckets until one is non-empty; the caller ensures one exists.
// While rehashing it draws from old buckets rehashIdx.. and all new ones, the only places keys
// can be.
func (d *Dict[V]) randomBucket(src rand.Source) *node[V] {
	t0, t1 := d.ht[0].buckets, d.ht[1].buckets
	if t1 == nil {
		m := d.ht[0].mask()
		for {
			if n := t0[src.Uint64()&m]; n != nil {
				return n
			}
		}
	}
	lo := d.rehashIdx
	span := len(t0) + len(t1) - lo
	for {
		i := lo + below(src.Uint64(), span)
		var n *node[V]
		if i < len(t0) {
			n = t0[i]
		} else {
			n = t1[i-len(t0)]
		}
		if n != nil {
			return n
		}
	}
}

// below maps a uniform 64-bit value to [0, n) by multiply-and-shift (Lemire), whose bias of at
// most n/2^64 is irrelevant here and which avoids a division.
func below(u uint64, n int) int {
	hi, _ := bits.Mul64(u, uint64(n))
	return int(hi)
}

// globalSource is math/rand/v2's top-level generator as a rand.Source; being an empty struct,
// it converts to the interface without allocating.
type globalSource struct{}

func (globalSource) Uint64() uint64 { return rand.Uint64() }
