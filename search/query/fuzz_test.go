package query

import (
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzParams are testParams without the values no query text can write back (a binary blob
// used as a word, an empty affix), which would only test the fuzzer's luck.
var fuzzParams = func() map[string]string {
	m := maps.Clone(testParams)
	m["blob"] = "vec"
	delete(m, "empty")
	return m
}()

// FuzzParse checks that no input panics, that errors are *Error, and that every tree's
// String parses back to the same tree.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.q, uint8(tc.d))
	}
	f.Fuzz(func(t *testing.T, q string, d uint8) {
		opts := Options{Dialect: int(d%4) + 1, Params: fuzzParams, IsStopWord: testStop}
		n, err := Parse(q, opts)
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			return
		}
		requireRoundTrip(t, n, opts)
	})
}

// FuzzLexFirstBytes checks that trying only the rules the first-byte tables name gives the
// tokens that trying every rule at every byte gives.
func FuzzLexFirstBytes(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.q, tc.d == 1)
	}
	f.Fuzz(func(t *testing.T, q string, v1 bool) {
		want := (&lexer{src: q, v2: !v1, stop: testStop, all: true}).run()
		require.Equal(t, want, lex(q, !v1, testStop), "%q", q)
	})
}

// Random queries over the bytes the rules care about, in both dialects, lex the same with
// the first-byte tables as without.
func TestLexFirstBytesRandom(t *testing.T) {
	const alphabet = "ab wWiIsSnNfF09.+-eE*$@=>'\"\\|(){}:;~%[]_,\t\x01\x80\xff"
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		b := make([]byte, 1+rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		q := string(b)
		for _, v2 := range []bool{false, true} {
			want := (&lexer{src: q, v2: v2, stop: testStop, all: true}).run()
			require.Equal(t, want, lex(q, v2, testStop), "%q v2=%v", q, v2)
		}
	}
	for _, tc := range parseCases {
		for _, v2 := range []bool{false, true} {
			want := (&lexer{src: tc.q, v2: v2, stop: testStop, all: true}).run()
			require.Equal(t, want, lex(tc.q, v2, testStop), "%q v2=%v", tc.q, v2)
		}
	}
}
