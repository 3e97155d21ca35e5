package query

import (
	"maps"
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
