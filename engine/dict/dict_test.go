package dict

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func key(i int) string { return "k" + strconv.Itoa(i) }

// checkInvariants verifies the internal shape: every node sits in the bucket its hash names,
// no key is stored twice, counts match, table sizes are powers of two, and old buckets below
// rehashIdx are empty.
func checkInvariants[V any](t testing.TB, d *Dict[V]) {
	t.Helper()
	seen := make(map[string]bool, d.Len())
	for ti := range d.ht {
		tb := &d.ht[ti]
		if tb.buckets == nil {
			require.Zero(t, tb.used, "table %d has no buckets but counts keys", ti)
			continue
		}
		size := len(tb.buckets)
		require.True(t, size >= minBuckets && size&(size-1) == 0, "table %d size %d", ti, size)
		count := 0
		for i, n := range tb.buckets {
			for ; n != nil; n = n.next {
				if got := d.hash(n.key) & tb.mask(); got != uint64(i) {
					t.Fatalf("key %q in bucket %d of table %d, hash says %d", n.key, i, ti, got)
				}
				if seen[n.key] {
					t.Fatalf("key %q stored twice", n.key)
				}
				if ti == 0 && d.Rehashing() && i < d.rehashIdx {
					t.Fatalf("key %q in old bucket %d below rehashIdx %d", n.key, i, d.rehashIdx)
				}
				seen[n.key] = true
				count++
			}
		}
		require.Equal(t, tb.used, count, "table %d used", ti)
	}
	if !d.Rehashing() {
		require.Zero(t, d.rehashIdx)
	}
	require.Equal(t, d.Len(), len(seen))
}

// checkContents verifies that d holds exactly m, through Range and Get.
func checkContents(t testing.TB, d *Dict[int], m map[string]int) {
	t.Helper()
	got := make(map[string]int, d.Len())
	d.Range(func(k string, v *int) bool {
		got[k] = *v
		return true
	})
	require.Equal(t, m, got)
	for k, want := range m {
		v, ok := d.Get(k)
		require.True(t, ok, k)
		require.Equal(t, want, *v, k)
	}
}

// finishRehash completes any resize in progress.
func finishRehash[V any](d *Dict[V]) {
	for d.RehashStep(1 << 20) {
	}
}

// resizeLog records which kinds of resize a test went through, so a test can fail when its
// operations never exercised what it claims to.
type resizeLog struct{ grew, shrank bool }

func (l *resizeLog) note(d *Dict[int]) {
	if d.Rehashing() {
		if len(d.ht[1].buckets) > len(d.ht[0].buckets) {
			l.grew = true
		} else {
			l.shrank = true
		}
	}
}

func TestRandomOpsAgainstMap(t *testing.T) {
	var log resizeLog
	for seed := range uint64(40) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			runRandomOps(t, seed, 20000, &log)
		})
	}
	assert.True(t, log.grew, "no test grew the table")
	assert.True(t, log.shrank, "no test shrank the table")
}

// runRandomOps applies random operations to a Dict and a map and compares every result. It
// alternates phases that mostly insert and mostly delete, so tables grow and shrink.
func runRandomOps(t *testing.T, seed uint64, ops int, log *resizeLog) {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	keySpace := 16 << (seed % 8)
	d := New[int](int(seed%3) * 50)
	if seed%5 == 4 {
		d = &Dict[int]{} // the zero value must work too
	}
	m := map[string]int{}
	for i := range ops {
		k := key(r.IntN(keySpace))
		deleteWeight := 15
		if (i/2000)%2 == 1 {
			deleteWeight = 60
		}
		switch op := r.IntN(100); {
		case op < deleteWeight:
			old, ok := d.Delete(k)
			want, wantOK := m[k]
			require.Equal(t, wantOK, ok, "Delete(%q) ok", k)
			require.Equal(t, want, old, "Delete(%q) value", k)
			delete(m, k)
		case op < deleteWeight+10:
			v, ok := d.Get(k)
			want, wantOK := m[k]
			require.Equal(t, wantOK, ok, "Get(%q) ok", k)
			if ok {
				require.Equal(t, want, *v, "Get(%q)", k)
			}
		case op < deleteWeight+20:
			p, inserted := d.Upsert(k)
			want, existed := m[k]
			require.Equal(t, !existed, inserted, "Upsert(%q) inserted", k)
			require.Equal(t, want, *p, "Upsert(%q) value", k)
			*p = want + 1
			m[k] = want + 1
		case op < deleteWeight+22:
			d.RehashStep(1 + r.IntN(3))
		case op == 99 && r.IntN(50) == 0:
			d.Clear()
			clear(m)
		default:
			v := r.Int()
			_, existed := m[k]
			require.Equal(t, !existed, d.Set(k, v), "Set(%q) inserted", k)
			m[k] = v
		}
		require.Equal(t, len(m), d.Len())
		log.note(d)
		if i%97 == 0 {
			checkInvariants(t, d)
			checkContents(t, d, m)
		}
	}
	checkInvariants(t, d)
	checkContents(t, d, m)
}

func TestNewSizeHint(t *testing.T) {
	tests := []struct{ hint, want int }{
		{-1, 4}, {0, 4}, {1, 4}, {4, 4}, {5, 8}, {1000, 1024}, {1024, 1024},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.hint), func(t *testing.T) {
			d := New[int](tt.hint)
			assert.Equal(t, tt.want, d.Buckets())
			// The hint is a promise: that many inserts cause no resize.
			for i := range max(tt.hint, 0) {
				d.Set(key(i), i)
			}
			assert.False(t, d.Rehashing())
			assert.Equal(t, tt.want, d.Buckets())
		})
	}
}

func TestGrowAtLoadFactorOne(t *testing.T) {
	tests := []struct{ n, want int }{
		{0, 4}, {4, 4}, {5, 8}, {8, 8}, {9, 16}, {1000, 1024}, {1025, 2048},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.n), func(t *testing.T) {
			d := New[int](0)
			for i := range tt.n {
				d.Set(key(i), i)
			}
			finishRehash(d)
			assert.Equal(t, tt.want, d.Buckets())
			assert.Equal(t, tt.n, d.Len())
		})
	}
}

func TestShrinkBelowOneEighth(t *testing.T) {
	tests := []struct {
		name       string
		from, keep int
		want       int
	}{
		{"stays at 1/8", 1024, 128, 1024},
		{"shrinks below 1/8", 1024, 127, 128},
		{"shrinks to at least the minimum", 64, 0, 4},
		{"small table stays", 4, 0, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New[int](tt.from)
			for i := range tt.from {
				d.Set(key(i), i)
			}
			finishRehash(d)
			require.Equal(t, tt.from, d.Buckets())
			// Delete one at a time, finishing each resize so the next can start, as a
			// long-running server would through its writes.
			for i := tt.keep; i < tt.from; i++ {
				_, ok := d.Delete(key(i))
				require.True(t, ok)
				finishRehash(d)
			}
			assert.Equal(t, tt.want, d.Buckets())
			checkInvariants(t, d)
		})
	}
}

// TestRehashIsIncremental checks that a resize of a large table is spread over many writes,
// each of which advances the old table by a bounded number of buckets.
func TestRehashIsIncremental(t *testing.T) {
	const size = 1 << 16
	d := New[int](size)
	for i := range size {
		d.Set(key(i), i)
	}
	require.False(t, d.Rehashing())
	d.Set(key(size), size) // load factor 1: this insert starts the resize
	require.True(t, d.Rehashing())
	require.Equal(t, size+2*size, d.Buckets())

	writes := 0
	for i := size + 1; d.Rehashing(); i++ {
		wantIdx, wantMoved := expectedStep(d)
		usedBefore := d.ht[0].used
		d.Set(key(i), i)
		writes++
		if !d.Rehashing() {
			break
		}
		require.Equal(t, wantIdx, d.rehashIdx, "write %d", writes)
		require.Equal(t, wantMoved, usedBefore-d.ht[0].used, "write %d", writes)
	}
	assert.Greater(t, writes, size/emptyVisitsPerStep, "rehash finished in too few writes")
	checkInvariants(t, d)
}

// expectedStep predicts one rehash step: move the first non-empty old bucket within
// emptyVisitsPerStep buckets, or skip that many empty ones and move nothing.
func expectedStep(d *Dict[int]) (rehashIdx, moved int) {
	for j := d.rehashIdx; j < d.rehashIdx+emptyVisitsPerStep; j++ {
		if n := d.ht[0].buckets[j]; n != nil {
			for ; n != nil; n = n.next {
				moved++
			}
			return j + 1, moved
		}
	}
	return d.rehashIdx + emptyVisitsPerStep, 0
}

func TestPointerStableAcrossRehash(t *testing.T) {
	d := New[int](0)
	d.Set("anchor", 7)
	p, ok := d.Get("anchor")
	require.True(t, ok)
	for i := range 5000 {
		d.Set(key(i), i)
	}
	for i := range 5000 {
		d.Delete(key(i))
	}
	q, ok := d.Get("anchor")
	require.True(t, ok)
	require.Same(t, p, q)
	*p = 8
	v, _ := d.Get("anchor")
	assert.Equal(t, 8, *v)
	old, ok := d.Delete("anchor")
	assert.True(t, ok)
	assert.Equal(t, 8, old)
}

func TestOperations(t *testing.T) {
	d := New[string](0)
	assert.True(t, d.Set("a", "1"))
	assert.False(t, d.Set("a", "2"))
	v, ok := d.Get("a")
	require.True(t, ok)
	assert.Equal(t, "2", *v)

	p, inserted := d.Upsert("b")
	assert.True(t, inserted)
	assert.Equal(t, "", *p)
	*p = "x"
	p, inserted = d.Upsert("b")
	assert.False(t, inserted)
	assert.Equal(t, "x", *p)

	_, ok = d.Get("missing")
	assert.False(t, ok)
	_, ok = d.Delete("missing")
	assert.False(t, ok)
	old, ok := d.Delete("a")
	assert.True(t, ok)
	assert.Equal(t, "2", old)
	assert.Equal(t, 1, d.Len())

	assert.True(t, d.Set("", "empty key"))
	v, ok = d.Get("")
	require.True(t, ok)
	assert.Equal(t, "empty key", *v)

	d.Clear()
	assert.Zero(t, d.Len())
	_, ok = d.Get("b")
	assert.False(t, ok)
	assert.True(t, d.Set("b", "again"))
	assert.Equal(t, 1, d.Len())
}

func TestRangeStopsEarly(t *testing.T) {
	d := New[int](0)
	for i := range 100 {
		d.Set(key(i), i)
	}
	calls := 0
	d.Range(func(string, *int) bool {
		calls++
		return calls < 10
	})
	assert.Equal(t, 10, calls)

	sum := 0
	for _, v := range d.Range {
		sum += *v
	}
	assert.Equal(t, 99*100/2, sum)
}

// TestConcurrentReaders runs every read method from several goroutines on a dict in the middle
// of a rehash; under -race it proves that reads do not write, so a shard may serve them under
// a read lock.
func TestConcurrentReaders(t *testing.T) {
	d := New[int](0)
	n := 0
	for ; !d.Rehashing() || d.rehashIdx < 100; n++ {
		d.Set(key(n), n)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			errs <- readEverything(d, n, g)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

func readEverything(d *Dict[int], n, g int) error {
	for i := range n {
		if v, ok := d.Get(key(i)); !ok || *v != i {
			return fmt.Errorf("goroutine %d: Get(%q)", g, key(i))
		}
	}
	seen := 0
	for c := d.Scan(0, func(string, *int) { seen++ }); c != 0; {
		c = d.Scan(c, func(string, *int) { seen++ })
	}
	if seen != n {
		return fmt.Errorf("goroutine %d: Scan saw %d of %d", g, seen, n)
	}
	for range 100 {
		k, v, ok := d.Random(nil)
		if !ok || k != key(*v) {
			return fmt.Errorf("goroutine %d: Random gave %q", g, k)
		}
	}
	d.Range(func(string, *int) bool { return true })
	return nil
}
