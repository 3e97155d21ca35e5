package engine

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkHash verifies h against the model m: same pairs, and the byte count behind Size
// equal to what the pairs hold.
func checkHash(t *testing.T, h *Hash, m map[string]string) {
	t.Helper()
	require.Equal(t, len(m), h.Len())
	var bytes int64
	seen := map[string]bool{}
	h.Range(func(f string, v []byte) bool {
		require.False(t, seen[f], "field %q visited twice", f)
		seen[f] = true
		want, ok := m[f]
		require.True(t, ok, "unexpected field %q", f)
		require.Equal(t, want, string(v), f)
		bytes += int64(len(f) + len(v))
		return true
	})
	require.Equal(t, bytes, h.bytes)
	require.Equal(t, bytes+int64(len(m))*32+48, h.Size())
	for f, want := range m {
		got, ok := h.Get(f)
		require.True(t, ok, f)
		require.Equal(t, want, string(got), f)
	}
}

func fieldsInOrder(h *Hash) []string {
	var out []string
	h.Range(func(f string, _ []byte) bool {
		out = append(out, f)
		return true
	})
	return out
}

func TestHashEncodingConversion(t *testing.T) {
	tests := []struct {
		name     string
		fields   int // fields of 1-byte values named f0, f1, …
		extraF   string
		extraV   string
		encoding string
	}{
		{"512 fields stay listpack", 512, "", "", "listpack"},
		{"513 fields convert", 513, "", "", "hashtable"},
		{"64-byte value stays listpack", 1, "f", strings.Repeat("v", 64), "listpack"},
		{"65-byte value converts", 1, "f", strings.Repeat("v", 65), "hashtable"},
		{"64-byte field stays listpack", 1, strings.Repeat("k", 64), "v", "listpack"},
		{"65-byte field converts", 1, strings.Repeat("k", 65), "v", "hashtable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHash()
			m := map[string]string{}
			for i := range tt.fields {
				f := "f" + strconv.Itoa(i)
				require.True(t, h.Set(f, []byte("x")))
				m[f] = "x"
			}
			if tt.extraF != "" {
				h.Set(tt.extraF, []byte(tt.extraV))
				m[tt.extraF] = tt.extraV
			}
			assert.Equal(t, tt.encoding, h.Encoding())
			checkHash(t, h, m)
		})
	}
}

func TestHashNeverConvertsBack(t *testing.T) {
	h := NewHash()
	h.Set("big", []byte(strings.Repeat("v", 100)))
	require.Equal(t, "hashtable", h.Encoding())
	h.Set("big", []byte("short"))
	h.Set("other", []byte("x"))
	assert.Equal(t, "hashtable", h.Encoding())
	checkHash(t, h, map[string]string{"big": "short", "other": "x"})
}

func TestHashListpackKeepsInsertionOrder(t *testing.T) {
	h := NewHash()
	for _, f := range []string{"c", "a", "b", "e"} {
		h.Set(f, []byte(f))
	}
	h.Set("a", []byte("updated")) // an update keeps the field's place
	h.Delete("b")
	h.Set("d", []byte("d"))
	h.Set("b", []byte("again")) // a re-added field goes last
	assert.Equal(t, []string{"c", "a", "e", "d", "b"}, fieldsInOrder(h))
	checkHash(t, h, map[string]string{"c": "c", "a": "updated", "e": "e", "d": "d", "b": "again"})
	// Delete clears the vacated slot, so the array does not pin the old value.
	full := h.small[:cap(h.small)]
	for _, p := range full[len(h.small):] {
		assert.Equal(t, hashPair{}, p)
	}
}

func TestHashSetCopiesValue(t *testing.T) {
	h := NewHash()
	v := []byte("abc")
	h.Set("f", v)
	v[0] = 'X'
	got, _ := h.Get("f")
	assert.Equal(t, "abc", string(got))
}

// TestHashRandomOpsAgainstMap drives both encodings through sets, overwrites and deletes
// (values of random length, so conversions happen mid-way) and checks the contents and
// the Size accounting as it goes.
func TestHashRandomOpsAgainstMap(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, seed))
			h := NewHash()
			m := map[string]string{}
			for i := range 3000 {
				f := "f" + strconv.Itoa(r.IntN(200))
				switch r.IntN(3) {
				case 0, 1:
					v := strings.Repeat("v", r.IntN(70))
					_, existed := m[f]
					assert.Equal(t, !existed, h.Set(f, []byte(v)))
					m[f] = v
				default:
					_, existed := m[f]
					assert.Equal(t, existed, h.Delete(f))
					delete(m, f)
				}
				// A full check is O(fields); every 20th step catches any drift just as well.
				if i%20 == 0 {
					checkHash(t, h, m)
				}
			}
			checkHash(t, h, m)
		})
	}
}

func TestHashClone(t *testing.T) {
	for _, n := range []int{3, 200} {
		h := NewHash()
		m := map[string]string{}
		for i := range n {
			f := strconv.Itoa(i)
			h.Set(f, []byte("v"+f))
			m[f] = "v" + f
		}
		c := h.Clone().(*Hash)
		assert.Equal(t, h.Encoding(), c.Encoding())
		if h.Encoding() == "listpack" {
			assert.Equal(t, fieldsInOrder(h), fieldsInOrder(c))
		}
		c.Set("0", []byte("changed"))
		c.Delete("1")
		checkHash(t, h, m)
	}
}

func TestHashScan(t *testing.T) {
	t.Run("listpack answers whole with cursor 0", func(t *testing.T) {
		h := NewHash()
		for _, f := range []string{"b", "a", "c"} {
			h.Set(f, []byte(f))
		}
		for _, cursor := range []uint64{0, 7} {
			var got []string
			next := h.Scan(cursor, 1, func(f string, _ []byte) { got = append(got, f) })
			assert.Equal(t, uint64(0), next)
			assert.Equal(t, []string{"b", "a", "c"}, got)
		}
	})
	t.Run("hashtable visits every field", func(t *testing.T) {
		h := NewHash()
		for i := range 1000 {
			h.Set(strconv.Itoa(i), []byte("v"))
		}
		seen := map[string]int{}
		calls := 0
		for cursor := uint64(0); ; {
			calls++
			cursor = h.Scan(cursor, 10, func(f string, _ []byte) { seen[f]++ })
			if cursor == 0 {
				break
			}
		}
		assert.Len(t, seen, 1000)
		assert.Greater(t, calls, 10, "COUNT 10 must split 1000 fields over many calls")
	})
}

func TestHashRandom(t *testing.T) {
	for _, n := range []int{5, 300} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			h := NewHash()
			for i := range n {
				h.Set(strconv.Itoa(i), []byte("v"+strconv.Itoa(i)))
			}
			src := rand.NewPCG(1, 2)
			seen := map[string]bool{}
			for range 50 * n {
				f, v := h.Random(src)
				require.Equal(t, "v"+f, string(v))
				seen[f] = true
			}
			assert.Len(t, seen, n, "every field is eventually picked")
			// A nil source uses the global generator.
			f, v := h.Random(nil)
			assert.Equal(t, "v"+f, string(v))
		})
	}
}

func TestHashRandomDistinct(t *testing.T) {
	tests := []struct {
		name         string
		n, count     int
		keepsOrdered bool // picks come out in the hash's order
	}{
		{"listpack", 20, 7, true},
		{"listpack one", 20, 1, true},
		{"hashtable large share", 300, 250, true},
		{"hashtable small share", 300, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHash()
			for i := range tt.n {
				h.Set(strconv.Itoa(i), []byte("v"+strconv.Itoa(i)))
			}
			order := map[string]int{}
			for i, f := range fieldsInOrder(h) {
				order[f] = i
			}
			src := rand.NewPCG(3, 4)
			union := map[string]bool{}
			for range 1000 {
				var got []string
				h.RandomDistinct(src, tt.count, func(f string, v []byte) {
					require.Equal(t, "v"+f, string(v))
					got = append(got, f)
				})
				require.Len(t, got, tt.count)
				set := map[string]bool{}
				for i, f := range got {
					require.False(t, set[f], "field %q picked twice", f)
					set[f] = true
					union[f] = true
					if tt.keepsOrdered && i > 0 {
						require.Less(t, order[got[i-1]], order[f])
					}
				}
			}
			assert.Len(t, union, tt.n, "every field is picked in some run")
		})
	}
}

func TestHashLimitsAreSettable(t *testing.T) {
	defer SetHashListpackEntries(HashListpackEntries())
	defer SetHashListpackValue(HashListpackValue())
	SetHashListpackEntries(2)
	SetHashListpackValue(4)
	h := NewHash()
	h.Set("a", []byte("1"))
	h.Set("b", []byte("2"))
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("c", []byte("3"))
	assert.Equal(t, "hashtable", h.Encoding(), "more fields than the limit")
	h = NewHash()
	h.Set("a", []byte("12345"))
	assert.Equal(t, "hashtable", h.Encoding(), "a value longer than the limit")
}
