package rdb

import (
	stdcrc "hash/crc64"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCRC64KnownValues(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"", 0},
		{"123456789", 0xe9c6d914c4b8d9ca}, // the check value in Redis' crc64.c
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, crc64(0, []byte(tc.in)), "%q", tc.in)
	}
}

// The slicing-by-8 loop must agree with the byte-at-a-time definition (here the standard
// library's, which starts from and ends with an inverted register, undone around it) for
// every length and every split into pieces.
func TestCRC64MatchesBytewise(t *testing.T) {
	tab := stdcrc.MakeTable(bits.Reverse64(crcPoly))
	ref := func(crc uint64, p []byte) uint64 { return ^stdcrc.Update(^crc, tab, p) }
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		want := ref(0, p)
		require.Equal(t, want, crc64(0, p), "length %d", n)
		cut := rng.IntN(n + 1)
		require.Equal(t, want, crc64(crc64(0, p[:cut]), p[cut:]), "length %d cut %d", n, cut)
	}
}
