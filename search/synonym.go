package search

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/RoaringBitmap/roaring/v2"

	"darner/engine"
)

// Synonym groups (FT.SYNUPDATE, FT.SYNDUMP).
//
// RediSearch indexes, beside every token that belongs to a group, a token "~group" at the
// same position, and expands a query word that belongs to groups into the word OR each
// "~group". darner expands at query time instead: a query word also matches the documents
// that hold, in the fields searched, a member of one of its groups, exactly as written (the
// index side looks up the raw token, so members are not stemmed), and each group scores as
// the one term of its own that "~group" is in RediSearch. The same rules decide when a word
// is expanded: not under VERBATIM, not in an exact phrase, not in a clause whose fields
// are all NOSTEM.
//
// Expanding at query time makes a new group apply to every document at once, which is what
// RediSearch gives by re-indexing the index after FT.SYNUPDATE. With SKIPINITIALSCAN it does
// not re-index, so the documents indexed before do not match through the memberships that
// update added until they are written again; darner keeps, per part, those documents (with
// the rec each had, which every re-indexing replaces) and leaves them out of those
// memberships' matches. An update without SKIPINITIALSCAN forgets them all, as the
// re-indexing it causes in RediSearch makes every membership hold for every document.

// The limits RediSearch puts on a synonym map (spec.h).
const (
	maxSynonymTerms  = 1000000 // distinct terms in an index's groups
	maxSynonymGroups = 4096    // groups one term is in
)

// Errors of FT.SYNUPDATE; their texts are RediSearch's replies (without an ERR prefix).
var (
	ErrSynonymTerms  = errors.New("Maximum synonym terms limit reached")
	ErrSynonymGroups = errors.New("Maximum group IDs per term limit reached")
)

// SynonymTerm is one term of FT.SYNDUMP: the groups it is in, in the order it joined them.
type SynonymTerm struct {
	Term   string
	Groups []string
}

// synonyms are one index's groups.
type synonyms struct {
	// mu guards the fields below. Writers (FT.SYNUPDATE) also hold every shard's write lock
	// and readers every shard's lock, so it is never contended; it makes the table safe on
	// its own.
	mu     sync.RWMutex
	terms  map[string][]string // term → its groups, in the order it joined them
	order  []string            // the terms, in the order they first joined a group
	groups map[string][]string // group → its terms, in the order they joined it
	// late holds, per part, the memberships added with SKIPINITIALSCAN that some document
	// indexed before them does not match through. Parts are held weakly: a part holds its
	// Def, which the table of tables must not keep alive.
	late map[weak.Pointer[part]]map[membership]*lateMember

	maxTerms, maxGroups int
}

// membership is one term's place in one group.
type membership struct{ term, group string }

// lateMember is a membership added with SKIPINITIALSCAN, seen from one part: the documents
// that held its term then, each with the first word of the rec it had (recs is shared by
// the memberships of one update). A document whose rec is still that one has not been
// indexed since.
type lateMember struct {
	docs *roaring.Bitmap
	recs map[uint32]*uint32
}

func newSynonyms() *synonyms {
	return &synonyms{terms: map[string][]string{}, groups: map[string][]string{},
		late:     map[weak.Pointer[part]]map[membership]*lateMember{},
		maxTerms: maxSynonymTerms, maxGroups: maxSynonymGroups}
}

// synonymTables maps each index's Def, held weakly, to its *synonyms: they live as long as
// the index. (A field of Def or Index would do the same; this file is kept self-contained.)
var synonymTables sync.Map

// synonymsOf returns def's groups, or nil when FT.SYNUPDATE never ran on its index.
func synonymsOf(def *Def) *synonyms {
	if v, ok := synonymTables.Load(weak.Make(def)); ok {
		return v.(*synonyms)
	}
	return nil
}

// synonymsFor returns def's groups, making them on first use.
func synonymsFor(def *Def) *synonyms {
	key := weak.Make(def)
	if v, ok := synonymTables.Load(key); ok {
		return v.(*synonyms)
	}
	v, loaded := synonymTables.LoadOrStore(key, newSynonyms())
	if !loaded {
		runtime.AddCleanup(def, func(k weak.Pointer[Def]) { synonymTables.Delete(k) }, key)
	}
	return v.(*synonyms)
}

// add puts terms (lower-cased) into group and returns the memberships that are new. It
// checks RediSearch's limits first and changes nothing when one would be passed.
func (s *synonyms) add(group string, terms []string) ([]membership, error) {
	lowered := make([]string, len(terms))
	fresh := map[string]bool{}
	for i, t := range terms {
		lowered[i] = strings.ToLower(t)
		gs, ok := s.terms[lowered[i]]
		switch {
		case !ok:
			fresh[lowered[i]] = true
		case len(gs) >= s.maxGroups && !containsString(gs, group):
			return nil, ErrSynonymGroups
		}
	}
	if len(s.terms)+len(fresh) > s.maxTerms {
		return nil, ErrSynonymTerms
	}
	var added []membership
	for _, t := range lowered {
		gs, ok := s.terms[t]
		if !ok {
			s.order = append(s.order, t)
		}
		if containsString(gs, group) {
			continue
		}
		s.terms[t] = append(gs, group)
		s.groups[group] = append(s.groups[group], t)
		added = append(added, membership{t, group})
	}
	return added, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SynUpdate adds terms to the synonym group (FT.SYNUPDATE): a query word then also matches
// the documents holding any term of each group it is in. With skipScan the documents
// indexed now do not match through the memberships it adds until they are written again.
// tx must hold every shard for writing.
func (idx *Index) SynUpdate(tx *engine.Tx, group string, terms []string, skipScan bool) error {
	s := synonymsFor(idx.Def)
	s.mu.Lock()
	defer s.mu.Unlock()
	added, err := s.add(group, terms)
	if err != nil {
		return err
	}
	if !skipScan {
		clear(s.late)
		return nil
	}
	for id, p := range idx.parts {
		_ = tx.ShardView(0, id) // asserts that tx holds the shard
		p.settle()
		s.markLate(p, added)
	}
	return nil
}

// markLate records, in part p, the documents that hold the terms of the memberships added
// and so would match through them had they been re-indexed. It also forgets the documents
// of earlier updates that have been re-indexed or deleted since.
func (s *synonyms) markLate(p *part, added []membership) {
	key := weak.Make(p)
	late := s.late[key]
	for m, lm := range late {
		lm.prune(p)
		if lm.docs.IsEmpty() {
			delete(late, m)
		}
	}
	var recs map[uint32]*uint32
	for _, m := range added {
		docs := p.text.postings(m.term, nil)
		if docs == nil || docs.IsEmpty() {
			continue
		}
		if recs == nil {
			recs = map[uint32]*uint32{}
		}
		it := docs.Iterator()
		for it.HasNext() {
			id := it.Next()
			if _, ok := recs[id]; !ok {
				recs[id] = p.recOf(id)
			}
		}
		if late == nil {
			late = map[membership]*lateMember{}
			s.late[key] = late
		}
		late[m] = &lateMember{docs: docs, recs: recs}
	}
	if len(late) == 0 {
		delete(s.late, key)
	}
}

// recOf identifies the indexing of document id: the first word of its rec, which a new
// indexing of the document allocates anew. nil when the part holds no document there.
func (p *part) recOf(id uint32) *uint32 {
	if !p.has(id) {
		return nil
	}
	return &p.doc(id).rec[0]
}

// stale reports whether document id has not been indexed since the membership was added.
func (lm *lateMember) stale(p *part, id uint32) bool {
	r := p.recOf(id)
	return r != nil && r == lm.recs[id]
}

// removeFrom takes out of b the documents that do not match through the membership.
func (lm *lateMember) removeFrom(p *part, b *roaring.Bitmap) {
	it := roaring.And(b, lm.docs).Iterator()
	for it.HasNext() {
		if id := it.Next(); lm.stale(p, id) {
			b.Remove(id)
		}
	}
}

// prune forgets the documents indexed again since the membership was added (their old
// recs are kept alive by recs until then).
func (lm *lateMember) prune(p *part) {
	it := lm.docs.Clone().Iterator()
	for it.HasNext() {
		if id := it.Next(); !lm.stale(p, id) {
			lm.docs.Remove(id)
			delete(lm.recs, id)
		}
	}
}

// SynDump lists the terms of the index's groups (FT.SYNDUMP), in the order they were
// first added, each with its groups.
func (idx *Index) SynDump() []SynonymTerm {
	s := synonymsOf(idx.Def)
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]SynonymTerm, len(s.order))
	for i, t := range s.order {
		out[i] = SynonymTerm{Term: t, Groups: append([]string(nil), s.terms[t]...)}
	}
	return out
}

// SynonymGroups returns the groups query word w (lower-cased, as the query analyser leaves
// it) is in: those whose terms the word matches besides its own forms.
func (d *Def) SynonymGroups(w string) []string {
	s := synonymsOf(d)
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.terms[w]...)
}

// Synonyms returns the terms of the groups query word w is in (w among them), each once: the
// document words it matches as written through its groups.
func (d *Def) Synonyms(w string) []string {
	s := synonymsOf(d)
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, g := range s.terms[w] {
		for _, t := range s.groups[g] {
			if !containsString(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// synonymMatches matches the synonyms of query word w in the evaluator's part: for each
// group w is in, the documents holding one of its terms in the fields searched, as a
// scoring leaf of its own. It returns their union and the ids of the terms found (for
// phrase positions); nil when w is not expanded or has no group.
func (e *evaluator) synonymMatches(w string, weight float64) (*roaring.Bitmap, *termSet) {
	s := e.syn
	if s == nil || e.req.Verbatim || !e.stemmedClause() {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	groups := s.terms[w]
	if len(groups) == 0 {
		return nil, nil
	}
	var late map[membership]*lateMember
	if len(s.late) > 0 {
		late = s.late[weak.Make(e.p)]
	}
	out := roaring.New()
	found := &termSet{}
	for _, g := range groups {
		l := e.newLeaf(weight)
		gb := roaring.New()
		for _, t := range s.groups[g] {
			if t == "" || !isWord(t) {
				continue // never a document's token (separators split it, or a marker)
			}
			tid, ok := e.p.text.terms[t]
			b := e.p.text.postings(t, e.mask)
			if !ok || b == nil {
				continue
			}
			if lm := late[membership{t, g}]; lm != nil {
				lm.removeFrom(e.p, b)
			}
			if b.IsEmpty() {
				continue
			}
			gb.Or(b)
			l.terms.add(tid)
			l.scoring = append(l.scoring, tid)
			found.add(tid)
		}
		l.df = int64(gb.GetCardinality())
		out.Or(gb)
	}
	return out, found
}

// stemmedClause reports whether the current clause expands its words: RediSearch leaves
// them alone when every field the clause names is NOSTEM. (Its check reads the fields of
// the clause only; here the mask includes INFIELDS as well.)
func (e *evaluator) stemmedClause() bool {
	if e.mask == nil {
		return true
	}
	for _, f := range e.p.def.Fields {
		if f.Type == Text && f.slot < len(e.mask) && e.mask[f.slot] && !f.NoStem {
			return true
		}
	}
	return false
}

// union returns a new set of the terms of s and o.
func (s *termSet) union(o *termSet) *termSet {
	out := &termSet{}
	for _, set := range []*termSet{s, o} {
		for _, t := range set.few {
			out.add(t)
		}
		for t := range set.many {
			out.add(t)
		}
	}
	return out
}
