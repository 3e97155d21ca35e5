package dict

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

const benchKeys = 1 << 20

type benchValue struct{ n, expire int64 }

// benchFixture is built once per test binary: 1M keys in a Dict and in a Go map, and the keys
// in a shuffled order so lookups do not walk memory in insertion order.
var benchFixture = sync.OnceValue(func() (f struct {
	keys, order []string
	d           *Dict[benchValue]
	m           map[string]*benchValue
}) {
	f.keys = make([]string, benchKeys)
	for i := range f.keys {
		f.keys[i] = "key:" + strconv.Itoa(i)
	}
	f.order = append([]string(nil), f.keys...)
	r := rand.New(rand.NewPCG(1, 1))
	r.Shuffle(len(f.order), func(i, j int) { f.order[i], f.order[j] = f.order[j], f.order[i] })
	f.d = New[benchValue](0)
	f.m = make(map[string]*benchValue)
	for i, k := range f.keys {
		f.d.Set(k, benchValue{n: int64(i)})
		f.m[k] = &benchValue{n: int64(i)}
	}
	finishRehash(f.d)
	return f
})

func BenchmarkGet(b *testing.B) {
	f := benchFixture()
	b.Run("dict", func(b *testing.B) {
		var sum int64
		for i := 0; b.Loop(); i++ {
			v, _ := f.d.Get(f.order[i&(benchKeys-1)])
			sum += v.n
		}
		_ = sum
	})
	b.Run("map", func(b *testing.B) {
		var sum int64
		for i := 0; b.Loop(); i++ {
			sum += f.m[f.order[i&(benchKeys-1)]].n
		}
		_ = sum
	})
}

// BenchmarkSet overwrites existing keys: for the map a new pointer per write would measure the
// allocator, so both sides store into existing memory.
func BenchmarkSet(b *testing.B) {
	f := benchFixture()
	b.Run("dict", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			f.d.Set(f.order[i&(benchKeys-1)], benchValue{n: int64(i)})
		}
	})
	b.Run("map", func(b *testing.B) {
		p := &benchValue{}
		for i := 0; b.Loop(); i++ {
			f.m[f.order[i&(benchKeys-1)]] = p
		}
	})
}

// BenchmarkInsert fills an empty table to 1M keys, resizes included; both sides allocate one
// object per new key (the node, or the *V).
func BenchmarkInsert(b *testing.B) {
	f := benchFixture()
	b.Run("dict", func(b *testing.B) {
		var d *Dict[benchValue]
		for i := 0; b.Loop(); i++ {
			if i&(benchKeys-1) == 0 {
				d = New[benchValue](0)
			}
			d.Set(f.keys[i&(benchKeys-1)], benchValue{n: int64(i)})
		}
	})
	b.Run("map", func(b *testing.B) {
		var m map[string]*benchValue
		for i := 0; b.Loop(); i++ {
			if i&(benchKeys-1) == 0 {
				m = make(map[string]*benchValue)
			}
			m[f.keys[i&(benchKeys-1)]] = &benchValue{n: int64(i)}
		}
	})
}

func BenchmarkRandom(b *testing.B) {
	f := benchFixture()
	for b.Loop() {
		f.d.Random(nil)
	}
}

// BenchmarkScan is the cost per key of a full cursor walk.
func BenchmarkScan(b *testing.B) {
	f := benchFixture()
	var visited int
	var c uint64
	for b.Loop() {
		c = f.d.Scan(c, func(string, *benchValue) { visited++ })
	}
	b.ReportMetric(float64(visited)/float64(b.N), "keys/op")
}
