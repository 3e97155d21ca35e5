package rdb

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLZFDecompress(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string // "" with err
		err  bool
	}{
		{"literals", []byte{2, 'a', 'b', 'c'}, "abc", false},
		{"overlapping copy repeats", []byte{0, 'a', 1<<5 | 0, 0}, "aaaa", false},
		{"copy of 3 from 2 back", []byte{1, 'a', 'b', 1<<5 | 0, 1}, "ababa", false},
		{"long copy with extra byte", []byte{0, 'x', 7<<5 | 0, 3, 0}, strings.Repeat("x", 1+7+3+2), false},
		{"empty", nil, "", false},
		{"literal run past input", []byte{5, 'a'}, "", true},
		{"copy before start", []byte{0, 'a', 1<<5 | 0, 1}, "", true},
		{"copy without offset byte", []byte{0, 'a', 1 << 5}, "", true},
		{"long copy without length byte", []byte{0, 'a', 7 << 5}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err {
				for n := range 64 { // whatever length the caller expects
					assert.Error(t, lzfDecompress(tc.in, make([]byte, n)), "output of %d", n)
				}
				return
			}
			out := make([]byte, len(tc.want))
			require.NoError(t, lzfDecompress(tc.in, out))
			assert.Equal(t, tc.want, string(out))
		})
	}
}

func TestLZFDecompressWrongLength(t *testing.T) {
	in := []byte{2, 'a', 'b', 'c'}
	assert.Error(t, lzfDecompress(in, make([]byte, 2)), "output too short")
	assert.Error(t, lzfDecompress(in, make([]byte, 4)), "output longer than the data")
}

// Compressing then decompressing gives the input back, for data from incompressible to
// very repetitive; repetitive data must actually shrink.
func TestLZFRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	table := new([1 << lzfHashLog]int32)
	inputs := map[string][]byte{
		"repeat":   bytes.Repeat([]byte("abc"), 1000),
		"zeros":    make([]byte, 100000),
		"words":    []byte(strings.Repeat("the quick brown fox jumps over the lazy dog ", 300)),
		"far":      append(append(randBytes(rng, 9000), 'x'), randBytes(rng, 100)...),
		"short":    []byte("aaaaaaaaaaaaaaaaaaaaaaaaa"),
		"random":   randBytes(rng, 5000),
		"lowrange": lowEntropy(rng, 20000),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			out := make([]byte, len(in)+len(in)/32+8)
			n := lzfCompress(in, out, table)
			require.NotZero(t, n)
			back := make([]byte, len(in))
			require.NoError(t, lzfDecompress(out[:n], back))
			require.Equal(t, in, back)
			if name == "repeat" || name == "zeros" || name == "words" {
				assert.Less(t, n, len(in)/10, "repetitive data shrinks")
			}
		})
	}
}

// lzfCompress gives up (0) when the output does not fit, as Redis needs it to.
func TestLZFCompressNoRoom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := randBytes(rng, 100)
	assert.Zero(t, lzfCompress(in, make([]byte, len(in)-4), new([1 << lzfHashLog]int32)))
}

func FuzzLZF(f *testing.F) {
	f.Add([]byte("hello hello hello hello"))
	f.Add([]byte{})
	table := new([1 << lzfHashLog]int32)
	f.Fuzz(func(t *testing.T, in []byte) {
		out := make([]byte, len(in)+len(in)/32+8)
		n := lzfCompress(in, out, table)
		if len(in) > 0 {
			require.NotZero(t, n)
		}
		back := make([]byte, len(in))
		require.NoError(t, lzfDecompress(out[:n], back))
		require.Equal(t, in, back)
		// Any input as compressed data: an error or some output, never a panic.
		_ = lzfDecompress(in, make([]byte, 3*len(in)))
	})
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func lowEntropy(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(rng.IntN(4))
	}
	return b
}
