package search

import (
	"errors"
	"maps"
	"slices"
)

// ErrAltering refuses an FT.ALTER while the index's previous one is still being built.
var ErrAltering = errors.New("Index is being altered: try again when FT.INFO shows indexing 0")

// Alter adds the fields of argv (FT.ALTER's attributes after SCHEMA ADD) to the index
// called name (or an alias of it). The index is built again with them, beside the old one,
// which keeps answering until the new one holds every document; the new one then takes
// its name and aliases. Writes meanwhile reach both. The returned index is the new one:
// Swapped tells when it has taken the old one's place.
func (r *Registry) Alter(name string, argv []string) (*Index, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	idx := r.lookupLocked(name)
	if idx == nil {
		return nil, ErrNotFound
	}
	if idx.next.Load() != nil {
		return nil, ErrAltering
	}
	def, err := idx.Def.withFields(argv)
	if err != nil {
		return nil, err
	}
	next := &Index{Def: def, created: idx.created, scanDone: make(chan struct{}), swapped: make(chan struct{})}
	next.touch()
	for shard := range r.store.Shards() {
		next.parts = append(next.parts, newPart(def, r.ix[shard]))
	}
	idx.next.Store(next)
	r.shadows = append(r.shadows, next)
	r.publish()
	r.wg.Add(2) // the scan's and finishAlter's
	go r.finishAlter(idx, next)
	return next, nil
}

// finishAlter indexes the existing keys into next, then puts next in old's place.
func (r *Registry) finishAlter(old, next *Index) {
	defer r.wg.Done()
	defer close(next.swapped)
	r.scan(next)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shadows = slices.DeleteFunc(r.shadows, func(x *Index) bool { return x == next })
	if next.dropped.Load() || r.byName[old.Def.Name] != old {
		next.dropped.Store(true)
		r.publish()
		return
	}
	next.uses.Add(old.uses.Load())
	for i := range old.dialects {
		next.dialects[i].Add(old.dialects[i].Load())
	}
	next.lastUsed.Store(max(next.lastUsed.Load(), old.lastUsed.Load()))
	r.byName[old.Def.Name] = next
	for a, x := range r.aliases {
		if x == old {
			r.aliases[a] = next
		}
	}
	old.dropped.Store(true)
	r.publish()
}

// dropShadowLocked stops the build of idx's replacement, if one is under way.
func (r *Registry) dropShadowLocked(idx *Index) {
	if next := idx.next.Load(); next != nil {
		next.dropped.Store(true)
		r.shadows = slices.DeleteFunc(r.shadows, func(x *Index) bool { return x == next })
	}
}

// Swapped is closed once an index made by Alter has taken the old one's place (or the old
// one was dropped first).
func (idx *Index) Swapped() <-chan struct{} { return idx.swapped }

// withFields is a copy of d with the fields of argv added after its own. The copy's fields
// are copies: the old index's parts keep reading the old ones.
func (d *Def) withFields(argv []string) (*Def, error) {
	n := *d
	n.Fields = make([]*Field, len(d.Fields))
	n.byName = make(map[string]*Field, len(d.byName))
	for i, f := range d.Fields {
		c := *f
		n.Fields[i] = &c
		n.byName[c.Name] = &c
	}
	n.options = [2]*Field{}
	a := &args{a: argv}
	if !a.more() {
		return nil, ArgError("Fields arguments are missing")
	}
	for a.more() {
		if err := n.field(a); err != nil {
			return nil, err
		}
	}
	n.finish()
	n.Args = append(slices.Clone(d.Args), argv...)
	carrySynonyms(d, &n)
	return &n, nil
}

// carrySynonyms gives an altered index its old one's synonym groups. The new index indexes
// every document again, so SKIPINITIALSCAN's late memberships do not carry over, as a
// re-index forgets them in RediSearch.
func carrySynonyms(from, to *Def) {
	s := synonymsOf(from)
	if s == nil {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := synonymsFor(to)
	t.terms = maps.Clone(s.terms)
	for k, v := range t.terms {
		t.terms[k] = slices.Clone(v)
	}
	t.groups = maps.Clone(s.groups)
	for k, v := range t.groups {
		t.groups[k] = slices.Clone(v)
	}
	t.order = slices.Clone(s.order)
}
