package search

import (
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"
	"weak"

	"darner/engine"
)

// The custom dictionaries of FT.DICTADD, FT.DICTDEL and FT.DICTDUMP, which FT.SPELLCHECK's
// TERMS INCLUDE and EXCLUDE name. As in RediSearch they are not keys: they belong to the
// server, outside every database, and are not listed by KEYS or SCAN; FLUSHALL and FLUSHDB
// (of database 0, the one whose flush drops the indexes) empty them. A dictionary exists
// from its first FT.DICTADD until FT.DICTDEL takes its last term out. Terms keep their case:
// FT.DICTDEL removes a term only as written, while FT.SPELLCHECK compares them ignoring case.

// dicts are one registry's dictionaries.
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
		set[t] = struct{}{}
		n++
	}
	return n
}

// del takes terms, as written, out of dictionary name, counts those that were there, and
// drops the dictionary once it is empty.
func (d *dicts) del(name string, terms []string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
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

// Observe implements engine.Observer: a flush of database 0 empties the dictionaries. It
// runs on every write of every shard, so it returns at once for anything else.
func (d *dicts) Observe(_ int, ev engine.Event) {
	if ev.Kind != engine.EventFlush || ev.DB != 0 {
		return
	}
	d.mu.Lock()
	clear(d.m)
	d.mu.Unlock()
}

// dictsOf finds each registry's dictionaries. They are kept beside the Registry rather than
// in it so that this file is all there is of them; the key is weak, so a registry that is
// no longer used (a test's server) is collected, and its entry goes with it.
var dictsOf = struct {
	mu sync.Mutex // protects m; never held while taking a shard lock
	m  map[weak.Pointer[Registry]]*dicts
}{m: make(map[weak.Pointer[Registry]]*dicts)}

// dicts returns the registry's dictionaries, or nil while there are none.
func (r *Registry) dicts() *dicts {
	dictsOf.mu.Lock()
	defer dictsOf.mu.Unlock()
	return dictsOf.m[weak.Make(r)]
}

// makeDicts returns the registry's dictionaries, making them on first use. The one that
// makes them registers them with the store, so that flushes reach them; registering takes
// every shard's lock, so when tx holds shards (FT.DICTADD inside MULTI/EXEC) it is done
// once they are released, on a goroutine of its own.
func (r *Registry) makeDicts(tx *engine.Tx) *dicts {
	key := weak.Make(r)
	dictsOf.mu.Lock()
	d := dictsOf.m[key]
	made := d == nil
	if made {
		d = &dicts{m: make(map[string]map[string]struct{})}
		dictsOf.m[key] = d
		runtime.AddCleanup(r, func(k weak.Pointer[Registry]) {
			dictsOf.mu.Lock()
			delete(dictsOf.m, k)
			dictsOf.mu.Unlock()
		}, key)
	}
	dictsOf.mu.Unlock()
	if made {
		if tx == nil || !tx.HoldsAny() {
			r.store.AddObserver(d)
		} else {
			go r.store.AddObserver(d)
		}
	}
	return d
}

// DictAdd adds terms to dictionary name (FT.DICTADD) and returns how many were new. tx is
// the command's (nil or holding nothing outside MULTI).
func (r *Registry) DictAdd(tx *engine.Tx, name string, terms []string) int {
	return r.makeDicts(tx).add(name, terms)
}

// DictDel deletes terms from dictionary name (FT.DICTDEL) and returns how many it held.
func (r *Registry) DictDel(name string, terms []string) int {
	d := r.dicts()
	if d == nil {
		return 0
	}
	return d.del(name, terms)
}

// DictDump returns dictionary name's terms in order (FT.DICTDUMP); none for a dictionary
// that does not exist.
func (r *Registry) DictDump(name string) []string {
	d := r.dicts()
	if d == nil {
		return nil
	}
	return d.dump(name)
}
