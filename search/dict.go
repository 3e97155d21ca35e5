package search

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"darner/engine"
)

// The custom dictionaries of FT.DICTADD, FT.DICTDEL and FT.DICTDUMP, which FT.SPELLCHECK's
// TERMS INCLUDE and EXCLUDE name. As in RediSearch they are not keys: they belong to the
// server, outside every database, and are not listed by KEYS or SCAN; FLUSHALL and FLUSHDB
// (of database 0, the one whose flush drops the indexes) empty them. A dictionary exists
// from its first FT.DICTADD until FT.DICTDEL takes its last term out. Terms keep their case:
// FT.DICTDEL removes a term only as written, while FT.SPELLCHECK compares them ignoring case.

// dicts are one registry's dictionaries (Registry.dictionaries).
type dicts struct {
	// mu protects m. It is taken after any shard lock (FT.SPELLCHECK reads the dictionaries
	// holding every shard; a flush clears them under the shard's write lock), never before.
	mu sync.RWMutex
	m  map[string]map[string]struct{} // dictionary name → its terms
}

// Limits of a dictionary term, RediSearch's: its trie refuses longer ones (and the empty
// term) without an error; FT.DICTADD just does not count them.
const (
	maxDictTermRunes = 255
	maxDictTermBytes = 512
)

func validDictTerm(t string) bool {
	return t != "" && len(t) <= maxDictTermBytes && utf8.RuneCountInString(t) <= maxDictTermRunes
}

// add puts terms into dictionary name, making it if need be, and counts those that were
// not there yet. A dictionary made by a call that adds nothing exists, empty, as in
// RediSearch.
func (d *dicts) add(name string, terms []string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = make(map[string]map[string]struct{})
	}
	set := d.m[name]
	if set == nil {
		set = make(map[string]struct{}, len(terms))
		d.m[name] = set
	}
	n := 0
	for _, t := range terms {
		if _, ok := set[t]; ok || !validDictTerm(t) {
			continue
		}
		set[strings.Clone(t)] = struct{}{} // t may be a slice of a whole command's arguments
		n++
	}
	return n
}

// del takes terms, as written, out of dictionary name, counts those that were there, and
// drops the dictionary once it is empty.
func (d *dicts) del(name string, terms []string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = make(map[string]map[string]struct{})
	}
	set := d.m[name]
	if set == nil {
		return 0
	}
	n := 0
	for _, t := range terms {
		if _, ok := set[t]; ok {
			delete(set, t)
			n++
		}
	}
	if len(set) == 0 {
		delete(d.m, name)
	}
	return n
}

// dump lists dictionary name's terms in byte order (code point order, RediSearch's trie
// order): nil when there is no such dictionary, and not nil for one that is empty.
func (d *dicts) dump(name string) []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	set := d.m[name]
	if set == nil {
		return nil
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// flush empties the dictionaries: FLUSHDB / FLUSHALL of database 0 does, as in RediSearch.
func (d *dicts) flush() {
	d.mu.Lock()
	clear(d.m)
	d.mu.Unlock()
}

// dicts returns the registry's dictionaries.
func (r *Registry) dicts() *dicts { return &r.dictionaries }

// DictAdd adds terms to dictionary name (FT.DICTADD) and returns how many were new.
func (r *Registry) DictAdd(_ *engine.Tx, name string, terms []string) int {
	return r.dictionaries.add(name, terms)
}

// DictDel deletes terms from dictionary name (FT.DICTDEL) and returns how many it held.
func (r *Registry) DictDel(name string, terms []string) int { return r.dictionaries.del(name, terms) }

// DictDump returns dictionary name's terms in order (FT.DICTDUMP); none for a dictionary
// that does not exist.
func (r *Registry) DictDump(name string) []string { return r.dictionaries.dump(name) }

// DictNames lists the dictionaries, in byte order (for snapshots).
func (r *Registry) DictNames() []string {
	d := &r.dictionaries
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]string, 0, len(d.m))
	for name := range d.m {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
