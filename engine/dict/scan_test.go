package dict

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNextCursorOrder(t *testing.T) {
	tests := []struct {
		mask uint64
		want []uint64
	}{
		{0, []uint64{0}},
		{1, []uint64{0, 1}},
		{3, []uint64{0, 2, 1, 3}},
		{7, []uint64{0, 4, 2, 6, 1, 5, 3, 7}},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatUint(tt.mask, 10), func(t *testing.T) {
			var got []uint64
			c := uint64(0)
			for {
				got = append(got, c)
				if c = nextCursor(c, tt.mask); c == 0 {
					break
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// startRehash inserts key(from), key(from+1), … until a grow is in progress and returns the
// next unused index.
func startRehash(d *Dict[int], from int) int {
	for i := from; ; i++ {
		d.Set(key(i), i)
		if d.Rehashing() {
			return i + 1
		}
	}
}

func TestScanStaticVisitsEachKeyOnce(t *testing.T) {
	tests := []struct {
		name string
		n    int
		mid  string // "", "grow" or "shrink": leave a resize of that kind in progress
	}{
		{"empty", 0, ""},
		{"one key", 1, ""},
		{"1000 keys", 1000, ""},
		{"mid grow", 1000, "grow"},
		{"mid shrink", 1000, "shrink"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New[int](0)
			n := tt.n
			for i := range n {
				d.Set(key(i), i)
			}
			finishRehash(d)
			switch tt.mid {
			case "grow":
				n = startRehash(d, n)
			case "shrink":
				for i := n - 1; !d.Rehashing(); i-- {
					d.Delete(key(i))
					n = i
				}
			}
			require.Equal(t, tt.mid != "", d.Rehashing())
			require.Equal(t, n, d.Len())

			// Reads do not advance the rehash, so the layout stays fixed for the whole scan.
			seen := map[string]int{}
			c := uint64(0)
			for {
				c = d.Scan(c, func(k string, v *int) {
					assert.Equal(t, key(*v), k)
					seen[k]++
				})
				if c == 0 {
					break
				}
			}
			assert.Len(t, seen, n)
			for k, times := range seen {
				assert.Equal(t, 1, times, k)
			}
		})
	}
}

// scanEnv is a dict with a set of stable keys that exist for the whole scan, and extra keys
// that a scenario adds and removes between scan steps.
type scanEnv struct {
	d       *Dict[int]
	r       *rand.Rand
	extras  []int // indices of the extra keys present
	next    int   // next unused key index
	allKeys map[string]bool
}

func (e *scanEnv) add(n int) {
	for range n {
		k := key(e.next)
		e.d.Set(k, e.next)
		e.allKeys[k] = true
		e.extras = append(e.extras, e.next)
		e.next++
	}
}

func (e *scanEnv) remove(n int) {
	for ; n > 0 && len(e.extras) > 0; n-- {
		j := e.r.IntN(len(e.extras))
		_, ok := e.d.Delete(key(e.extras[j]))
		if !ok {
			panic("extra key missing")
		}
		e.extras[j] = e.extras[len(e.extras)-1]
		e.extras = e.extras[:len(e.extras)-1]
	}
}

// growth returns n for the first 100 steps of a scan and 0 after: a table that keeps growing
// faster than the cursor advances would make the scan endless, for Redis too.
func growth(step, n int) int {
	if step < 100 {
		return n
	}
	return 0
}

func TestScanGuaranteeUnderMutation(t *testing.T) {
	tests := []struct {
		name          string
		stable, extra int
		midRehash     bool
		between       func(e *scanEnv, step int)
		wantGrow      bool
		wantShrink    bool
	}{
		{"growth", 300, 0, false, func(e *scanEnv, step int) { e.add(growth(step, 40)) }, true, false},
		{"shrink", 100, 8000, false, func(e *scanEnv, _ int) { e.remove(150) }, false, true},
		{"growth starting mid-rehash", 500, 0, true, func(e *scanEnv, step int) { e.add(growth(step, 3)) }, true, false},
		{"shrink starting mid-rehash", 200, 2000, true, func(e *scanEnv, _ int) { e.remove(100) }, true, true},
		{"rehash steps only", 2000, 0, true, func(e *scanEnv, _ int) { e.d.RehashStep(1) }, true, false},
		{"grow then shrink", 200, 0, false, func(e *scanEnv, step int) {
			if step < 40 {
				e.add(100)
			} else {
				e.remove(200)
			}
		}, true, true},
		{"churn", 500, 500, false, func(e *scanEnv, step int) {
			e.add(growth(step, e.r.IntN(60)))
			e.remove(e.r.IntN(60))
		}, false, false},
	}
	for _, tt := range tests {
		for seed := range uint64(10) {
			t.Run(tt.name+"/"+strconv.FormatUint(seed, 10), func(t *testing.T) {
				e := &scanEnv{d: New[int](0), r: rand.New(rand.NewPCG(seed, 1)), allKeys: map[string]bool{}}
				for i := range tt.stable {
					e.d.Set(key(i), i)
					e.allKeys[key(i)] = true
				}
				e.next = tt.stable
				e.add(tt.extra)
				finishRehash(e.d)
				if tt.midRehash {
					// The keys startRehash adds count as extras.
					before := e.next
					e.next = startRehash(e.d, e.next)
					for i := before; i < e.next; i++ {
						e.extras = append(e.extras, i)
						e.allKeys[key(i)] = true
					}
				}
				runScanScenario(t, e, tt.stable, tt.between, tt.wantGrow, tt.wantShrink)
			})
		}
	}
}

// runScanScenario scans e.d to the end, calling between after every step, and checks that
// every stable key (indices below stable) was seen and nothing unknown was returned.
func runScanScenario(t *testing.T, e *scanEnv, stable int, between func(*scanEnv, int), wantGrow, wantShrink bool) {
	seen := map[string]bool{}
	var log resizeLog
	log.note(e.d)
	c := uint64(0)
	for step := 0; ; step++ {
		require.Less(t, step, 1<<20, "scan did not terminate")
		c = e.d.Scan(c, func(k string, v *int) {
			require.True(t, e.allKeys[k], "unknown key %q", k)
			require.Equal(t, key(*v), k)
			seen[k] = true
		})
		if c == 0 {
			break
		}
		between(e, step)
		log.note(e.d)
	}
	for i := range stable {
		require.True(t, seen[key(i)], "stable key %q never returned", key(i))
	}
	if wantGrow {
		assert.True(t, log.grew, "scenario never grew the table during the scan")
	}
	if wantShrink {
		assert.True(t, log.shrank, "scenario never shrank the table during the scan")
	}
}

func TestScanEmpty(t *testing.T) {
	var zero Dict[int]
	assert.Zero(t, zero.Scan(0, func(string, *int) { t.Fatal("visited a key of an empty dict") }))
	d := New[int](100)
	d.Set("a", 1)
	d.Delete("a")
	assert.Zero(t, d.Scan(12345, func(string, *int) { t.Fatal("visited a deleted key") }))
}

// TestScanCursorFromLargerTable resumes with a cursor that has bits above the current mask, as
// happens when the table shrank since the cursor was returned; the scan must still finish and
// cover the keys whose buckets it has not passed.
func TestScanCursorFromLargerTable(t *testing.T) {
	d := New[int](0)
	for i := range 20 {
		d.Set(key(i), i)
	}
	finishRehash(d)
	seen := map[string]bool{}
	const cursor = 0b1010_0001_0110 // bits above this table's mask, as a 4096-bucket table left them
	c, steps := uint64(cursor), 0
	for {
		c = d.Scan(c, func(k string, _ *int) { seen[k] = true })
		steps++
		if c == 0 {
			break
		}
	}
	// Buckets whose reversed index is >= the cursor's are the ones left to visit; check
	// the scan returned every key in them.
	m := d.ht[0].mask()
	start := reverseMasked(cursor&m, m)
	require.NotZero(t, start)
	assert.Equal(t, int(m+1-start), steps, "steps left from the cursor's position in scan order")
	for i := range 20 {
		b := d.hash(key(i)) & m
		if reverseMasked(b, m) >= start {
			assert.True(t, seen[key(i)], key(i))
		}
	}
}

// reverseMasked reverses the bits of v within mask, giving a bucket's position in scan order.
func reverseMasked(v, mask uint64) uint64 {
	var r uint64
	for b := mask; b != 0; b >>= 1 {
		r = r<<1 | v&1
		v >>= 1
	}
	return r
}
