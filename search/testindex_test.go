package search

import (
	"strings"
	"testing"

	"darner/engine"
)

// newTestIndex makes a store of shards shards, its registry (closed when the test ends) and
// an index "i" created from the FT.CREATE arguments args, without an initial scan.
func newTestIndex(tb testing.TB, shards int, args string) (*engine.Store, *Registry, *Index) {
	tb.Helper()
	store := engine.New(engine.Options{Shards: shards})
	r := NewRegistry(store)
	tb.Cleanup(r.Close)
	def, err := ParseCreate("i", strings.Fields(args))
	if err != nil {
		tb.Fatal(err)
	}
	def.SkipScan = true
	idx, err := r.Create(def)
	if err != nil {
		tb.Fatal(err)
	}
	return store, r, idx
}
