package dict

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzKeys is the key space of FuzzDict: few enough that inputs revisit keys, enough that the
// table grows and shrinks through several sizes.
var fuzzKeys = func() []string {
	keys := make([]string, 512)
	for i := range keys {
		keys[i] = key(i)
	}
	return keys
}()

// FuzzDict reads the input as a program of 3-byte instructions (op, key, argument) and runs
// it against a Dict and a map, comparing every result, then compares the full contents, a full
// scan and the internal invariants.
func FuzzDict(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 5, 1, 1, 0, 2, 1, 0})
	grow := make([]byte, 0, 3*400)
	for i := range 400 {
		grow = append(grow, 0, byte(i), byte(i>>8))
	}
	f.Add(grow)
	shrink := append([]byte(nil), grow...)
	for i := range 400 {
		shrink = append(shrink, 2, byte(i), byte(i>>8))
	}
	f.Add(shrink)
	f.Fuzz(func(t *testing.T, prog []byte) {
		d := New[int](0)
		m := map[string]int{}
		for ; len(prog) >= 3; prog = prog[3:] {
			op, arg := prog[0], int(prog[2])
			// The low bit of arg extends the key to 9 bits, so 512 keys are reachable.
			k := fuzzKeys[int(prog[1])|(arg&1)<<8]
			fuzzStep(t, d, m, op, k, arg)
			require.Equal(t, len(m), d.Len())
		}
		checkInvariants(t, d)
		checkContents(t, d, m)
		seen := map[string]bool{}
		for c := d.Scan(0, func(k string, _ *int) { seen[k] = true }); c != 0; {
			c = d.Scan(c, func(k string, _ *int) { seen[k] = true })
		}
		require.Len(t, seen, len(m))
	})
}

func fuzzStep(t *testing.T, d *Dict[int], m map[string]int, op byte, k string, arg int) {
	switch op % 7 {
	case 0:
		_, existed := m[k]
		require.Equal(t, !existed, d.Set(k, arg))
		m[k] = arg
	case 1:
		p, inserted := d.Upsert(k)
		want, existed := m[k]
		require.Equal(t, !existed, inserted)
		require.Equal(t, want, *p)
		*p += arg
		m[k] = want + arg
	case 2:
		old, ok := d.Delete(k)
		want, existed := m[k]
		require.Equal(t, existed, ok)
		require.Equal(t, want, old)
		delete(m, k)
	case 3:
		v, ok := d.Get(k)
		want, existed := m[k]
		require.Equal(t, existed, ok)
		if ok {
			require.Equal(t, want, *v)
		}
	case 4:
		d.RehashStep(arg % 4)
	case 5:
		rk, v, ok := d.Random(nil)
		require.Equal(t, len(m) > 0, ok)
		if ok {
			require.Equal(t, m[rk], *v)
		}
	case 6:
		if arg == 0 {
			d.Clear()
			clear(m)
		}
	}
}
