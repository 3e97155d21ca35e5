package search

import (
	"strings"
	"sync"

	"darner/search/query"
)

// parseCache keeps an index's recently parsed query trees. Applications send a few query
// templates over and over, their values in PARAMS (as redisvl and LangChain send KNN
// queries): a KNN query's text is the same for every vector, so its parse — about 3 µs,
// 7 % of a small KNN search's time in-process — is done once. A tree is reused only for the same
// text, dialect and stop-word choice, and the same values of every parameter its parse
// read; vector blobs are not read by the parse (the tree names them), so any blob reuses
// it. Trees are never changed after the parse, so searches share them.
type parseCache struct {
	mu sync.Mutex
	m  map[parseKey]*parsed
}

type parseKey struct {
	q       string
	dialect int
	noStop  bool
}

type parsed struct {
	ast  query.Node
	uses []query.ParamUse
}

const (
	parseCacheSize = 256     // trees kept per index; when full, one goes for each new one
	parseCacheMaxQ = 4 << 10 // longer query texts are not kept
)

// parse returns the tree of q under opts, from the cache when it holds one that fits.
func (c *parseCache) parse(q string, opts query.Options, noStop bool) (query.Node, error) {
	key := parseKey{q, opts.Dialect, noStop}
	c.mu.Lock()
	e := c.m[key]
	c.mu.Unlock()
	if e != nil && sameParams(e.uses, opts.Params) {
		return e.ast, nil
	}
	if len(q) > parseCacheMaxQ {
		ast, _, err := query.ParseUses(q, opts)
		return ast, err
	}
	// A kept tree must not keep its request's strings (slices of the whole command, vector
	// blob included): it is parsed from copies.
	q = strings.Clone(q)
	params := make(map[string]string, len(opts.Params))
	for k, v := range opts.Params {
		params[strings.Clone(k)] = strings.Clone(v)
	}
	opts.Params = params
	key.q = q
	ast, uses, err := query.ParseUses(q, opts)
	if err != nil {
		return ast, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[parseKey]*parsed)
	}
	if len(c.m) >= parseCacheSize {
		for k := range c.m { // Go's map order: one entry at random
			delete(c.m, k)
			break
		}
	}
	c.m[key] = &parsed{ast, uses}
	c.mu.Unlock()
	return ast, nil
}

// sameParams reports whether params gives each parameter of uses the value it had.
func sameParams(uses []query.ParamUse, params map[string]string) bool {
	for _, u := range uses {
		v, ok := params[u.Name]
		if ok != u.Found || !u.AnyValue && v != u.Value {
			return false
		}
	}
	return true
}
