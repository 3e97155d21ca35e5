package engine

import (
	"errors"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suggest is an auto-complete dictionary (FT.SUGADD, FT.SUGGET, FT.SUGDEL, FT.SUGLEN): strings
// with a score and an optional payload, completed from a prefix. TYPE names it "trietype0",
// the name RediSearch registers its module type under.
//
// It is a radix trie built as RediSearch builds its own, because FT.SUGGET's answer depends
// on the trie's shape: the walk visits children in the order their best score puts them,
// skips a subtree whose best score cannot beat the k-th result found so far, and results of
// equal rank come out in the order the walk and the top-k heap leave them. Reproducing the
// child order (and its quirks: a split orders the two halves by rune, a lowered score
// leaves the bound high until a delete along the path recomputes it) makes ties and
// cut-offs come out as RediSearch's do.
//
//	root ""
//	 └─ "hel" max 3             a node holds a run of runes; its parent keeps, beside the
//	     ├─ "lo" =3, max 3      pointer to it, its first rune and the bounds on the entries
//	     └─ "p" =1, max 1       below it, so that a walk skips children without loading them
//
// Strings are kept as RediSearch keeps them: decoded from UTF-8 up to the first NUL, at
// most 255 runes (and 512 bytes); matching folds case, the stored spelling is returned.
// (RediSearch also cuts code points above U+FFFF to 16 bits; darner keeps them whole.)
type Suggest struct {
	root sugNode
	n    int // live entries
	// Memory accounting for Size, kept up to date by every change.
	nodes, strBytes, payloadBytes int64
}

// sugNode is one node of the trie. A node is terminal when it ends an entry; a deleted
// entry stays as a non-terminal node with the deleted mark (and its payload, which a later
// FT.SUGADD of the same string without PAYLOAD gets back, as in RediSearch) until a delete
// on its path prunes it.
type sugNode struct {
	str     string // the node's runes, UTF-8; only the root's is empty
	kids    []sugKid
	payload string // "" when none
	score   float32
	max     float32  // no less than the score of any entry at or below n
	norm    sugNorms // no less than the ranks of those entries: see sugWalk.canPlace
	term    bool
	deleted bool
}

// sugKid is a child as its parent holds it: the child's first rune and a copy of its
// bounds, refreshed (sync) whenever a change below the parent returns through it.
type sugKid struct {
	n    *sugNode
	key  rune
	max  float32
	norm sugNorms
}

func kidOf(n *sugNode) sugKid {
	return sugKid{n: n, key: firstRune(n.str), max: n.max, norm: n.norm}
}

func (k *sugKid) sync() { k.max, k.norm = k.n.max, k.n.norm }

// sugNodeBytes is what a node costs besides its string and payload bytes: the struct and
// its entry in the parent's children.
const sugNodeBytes = 80 + 24

// Limits RediSearch puts on suggestion strings and queries.
const (
	sugMaxBytes       = 512 // a longer string is not added
	sugMaxRunes       = 255 // nor one of more runes
	sugMaxPrefixRunes = 100 // a longer FT.SUGGET prefix is an invalid query
	sugTrimFactor     = 10  // TRIM drops results scoring below the best / 10
)

// ErrSuggestQuery is returned by Suggest.Complete for a prefix of more than 100 runes.
var ErrSuggestQuery = errors.New("invalid suggestion query")

// NewSuggest returns an empty dictionary.
func NewSuggest() *Suggest { return &Suggest{nodes: 1} }

// Type implements Value.
func (s *Suggest) Type() Type { return TypeSuggest }

// Size implements Value.
func (s *Suggest) Size() int64 {
	return s.nodes*sugNodeBytes + s.strBytes + s.payloadBytes + 48
}

// Len is the number of entries.
func (s *Suggest) Len() int { return s.n }

// Clone implements Value with a copy of every node.
func (s *Suggest) Clone() Value {
	c := *s
	c.root.kids = cloneKids(s.root.kids)
	return &c
}

func cloneKids(kids []sugKid) []sugKid {
	if kids == nil {
		return nil
	}
	out := slices.Clone(kids)
	for i := range out {
		n := *out[i].n
		n.kids = cloneKids(n.kids)
		out[i].n = &n
	}
	return out
}

// Add sets str's score, or adds score to it when incr (an absent entry starts from 0), and
// sets its payload when payload is not empty (an empty one keeps the payload it had). The
// score is kept as a float32, as RediSearch keeps it. A string that is empty, or too long,
// is not added; Add reports whether an entry was created. str and payload may alias
// buffers the caller reuses: what is kept is copied.
func (s *Suggest) Add(str string, score float64, incr bool, payload []byte) bool {
	if len(str) > sugMaxBytes {
		return false
	}
	str, runes := sugNormalize(str)
	if runes == 0 || runes > sugMaxRunes {
		return false
	}
	created := s.add(&s.root, str, sugEntry{score: float32(score), runes: runes, incr: incr,
		payload: string(payload)})
	if created {
		s.n++
	}
	return created
}

// sugEntry is what one Add puts in the trie.
type sugEntry struct {
	score   float32
	runes   int // the string's length in runes
	incr    bool
	payload string
}

// add inserts str below n (str's first rune is n's first, or n is the root) and reports
// whether an entry was created. Its caller syncs n's entry in n's parent.
func (s *Suggest) add(n *sugNode, str string, e sugEntry) bool {
	off := commonRunePrefix(str, n.str)
	if off < len(n.str) {
		s.split(n, off)
		if off == len(str) {
			// The split node itself is the new entry.
			n.score, n.term = e.score, true
			s.setPayload(n, e.payload)
			n.max = max(n.max, n.score)
			n.norm = n.norm.max(normsOf(n.score, e.runes))
			return true
		}
		// A split node has one child; the new sibling goes before or after it by rune.
		at := 0
		if firstRune(str[off:]) > n.kids[0].key {
			at = 1
		}
		s.insertKid(n, at, str[off:], e)
		return true
	}
	if off == len(str) {
		return s.update(n, e)
	}
	rest := str[off:]
	r := firstRune(rest)
	at := -1
	for i := range n.kids {
		k := &n.kids[i]
		if k.key == r {
			created := s.add(k.n, rest, e)
			k.sync()
			n.max = max(n.max, k.max)
			n.norm = n.norm.max(k.norm)
			rotateUp(n.kids, i)
			return created
		}
		if at < 0 && k.max < e.score {
			at = i
		}
	}
	if at < 0 {
		at = len(n.kids)
	}
	s.insertKid(n, at, rest, e)
	return true
}

// insertKid adds a new leaf for e, holding (a copy of) str, as n's child number at. The
// string Add was given may alias a network buffer; only this part of it is kept.
func (s *Suggest) insertKid(n *sugNode, at int, str string, e sugEntry) {
	str = strings.Clone(str)
	s.nodes++
	s.strBytes += int64(len(str))
	s.payloadBytes += int64(len(e.payload))
	k := &sugNode{str: str, payload: e.payload, score: e.score, max: e.score,
		norm: normsOf(e.score, e.runes), term: true}
	n.kids = slices.Insert(n.kids, at, kidOf(k))
	n.max = max(n.max, k.max)
	n.norm = n.norm.max(k.norm)
}

// update sets the score of the entry ending at n, making it live again if it was not.
func (s *Suggest) update(n *sugNode, e sugEntry) bool {
	live := n.term && !n.deleted
	if e.incr {
		n.score += e.score
	} else {
		n.score = e.score
	}
	// The bound takes the new score, never the increment alone; a lowered score leaves it
	// high (the walk then visits a little more) until a delete recomputes it.
	n.max = max(n.max, n.score)
	n.norm = n.norm.max(normsOf(n.score, e.runes))
	if e.payload != "" {
		s.setPayload(n, e.payload)
	}
	n.term, n.deleted = true, false
	return !live
}

// rotateUp moves kids[i], whose bound may have risen, left past the siblings with a lower
// bound, keeping ties in their order.
func rotateUp(kids []sugKid, i int) {
	k := kids[i]
	j := i
	for j > 0 && kids[j-1].max < k.max {
		j--
	}
	copy(kids[j+1:i+1], kids[j:i])
	kids[j] = k
}

// split cuts n at byte offset off: n keeps str[:off], no score, and one child that takes
// the rest of the string, the score, the payload and the children.
func (s *Suggest) split(n *sugNode, off int) {
	c := &sugNode{str: n.str[off:], kids: n.kids, payload: n.payload, score: n.score,
		max: n.max, norm: n.norm, term: n.term, deleted: n.deleted}
	s.nodes++
	n.str = n.str[:off]
	n.kids = []sugKid{kidOf(c)}
	n.payload, n.score, n.term, n.deleted = "", 0, false, false
}

func (s *Suggest) setPayload(n *sugNode, p string) {
	s.payloadBytes += int64(len(p) - len(n.payload))
	n.payload = p
}

// Delete removes str and reports whether it was there. As in RediSearch, every node on the
// path to it is tidied afterwards, found or not: deleted leaves go, a node left with a
// single child merges with it, bounds are recomputed and children sorted again.
func (s *Suggest) Delete(str string) bool {
	str, runes := sugNormalize(str)
	if runes > sugMaxRunes+1 {
		return false
	}
	type step struct {
		n     *sugNode
		runes int // the path's length in runes at the end of n
	}
	var buf [16]step
	stack := buf[:0]
	found := false
	n, rest, depth := &s.root, str, 0
	for n != nil && rest != "" {
		depth += utf8.RuneCountInString(n.str)
		stack = append(stack, step{n, depth})
		off := commonRunePrefix(rest, n.str)
		if off == len(rest) {
			if off == len(n.str) && n.term && !n.deleted {
				n.term, n.deleted, n.score = false, true, 0
				found = true
			}
			break
		}
		if off < len(n.str) {
			break
		}
		rest = rest[off:]
		n = n.child(firstRune(rest))
	}
	for i := len(stack) - 1; i >= 0; i-- {
		s.tidy(stack[i].n, stack[i].runes)
	}
	if found {
		s.n--
	}
	return found
}

func (n *sugNode) child(r rune) *sugNode {
	for _, k := range n.kids {
		if k.key == r {
			return k.n
		}
	}
	return nil
}

// tidy recomputes n's bounds from its own score and its children's, drops the first
// deleted leaf among them (RediSearch's pass stops there), merges non-terminal children
// that have a single child with it, and sorts the children best-first, then by string.
// runes is the length of n's own entry.
func (s *Suggest) tidy(n *sugNode, runes int) {
	n.max, n.norm = n.score, noNorms
	if n.term {
		n.norm = normsOf(n.score, runes)
	}
	for i := range n.kids {
		n.kids[i].sync()
	}
	for i := 0; i < len(n.kids); i++ {
		k := &n.kids[i]
		if len(k.n.kids) == 0 && k.n.deleted {
			s.nodes--
			s.strBytes -= int64(len(k.n.str))
			s.payloadBytes -= int64(len(k.n.payload))
			n.kids = slices.Delete(n.kids, i, i+1)
			for _, rest := range n.kids[i:] {
				n.max = max(n.max, rest.max)
				n.norm = n.norm.max(rest.norm)
			}
			break
		}
		if len(k.n.kids) == 1 && !k.n.term {
			s.merge(k.n)
			k.sync()
		}
		n.max = max(n.max, k.max)
		n.norm = n.norm.max(k.norm)
	}
	slices.SortFunc(n.kids, func(a, b sugKid) int {
		switch {
		case a.max > b.max:
			return -1
		case a.max < b.max:
			return 1
		}
		return strings.Compare(a.n.str, b.n.str) // UTF-8 order is code point order
	})
}

// merge joins non-terminal k with its only child; a deleted k's payload goes with it.
func (s *Suggest) merge(k *sugNode) {
	c := k.kids[0].n
	s.nodes--
	s.payloadBytes -= int64(len(k.payload))
	*k = sugNode{str: k.str + c.str, kids: c.kids, payload: c.payload, score: c.score,
		max: c.max, norm: c.norm, term: c.term, deleted: c.deleted}
}

// sugNorms bounds the ranks of entries (FUZZY's and the exact match's factors aside) for
// prefixes of 1 and 2 bytes: see sugWalk.canPlace.
type sugNorms [2]float32

// noNorms bounds no entry.
var noNorms = sugNorms{float32(math.Inf(-1)), float32(math.Inf(-1))}

// normsOf is an entry's ranks for prefixes of 1 and 2 bytes, computed as Complete computes
// them, so that they are exact.
func normsOf(score float32, runes int) sugNorms {
	return sugNorms{rankOf(score, runes, 1), rankOf(score, runes, 2)}
}

func (a sugNorms) max(b sugNorms) sugNorms { return sugNorms{max(a[0], b[0]), max(a[1], b[1])} }

// rankOf is RediSearch's length factor applied to score: a completion of slen runes for a
// prefix of b bytes ranks score/√(1+|slen−b|), rounded to a float32.
func rankOf(score float32, slen, b int) float32 {
	diff := slen - b
	if diff < 0 {
		diff = -diff
	}
	return float32(float64(score) / math.Sqrt(float64(1+diff)))
}

// sugNormalize returns str as the trie keeps it, with its length in runes: decoded up to
// the first NUL (invalid bytes become U+FFFD) and encoded again.
func sugNormalize(str string) (string, int) {
	for i := 0; i < len(str); i++ {
		if c := str[i]; c == 0 || c >= utf8.RuneSelf {
			return sugNormalizeSlow(str)
		}
	}
	return str, len(str)
}

func sugNormalizeSlow(str string) (string, int) {
	var b strings.Builder
	n := 0
	for _, r := range str {
		if r == 0 {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String(), n
}

// commonRunePrefix is the length in bytes of the longest run of whole runes a and b start
// with.
func commonRunePrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i < len(a) && i < len(b) {
		for i > 0 && !utf8.RuneStart(a[i]) {
			i--
		}
	}
	return i
}

func firstRune(s string) rune {
	if s[0] < utf8.RuneSelf {
		return rune(s[0])
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// foldRune is RediSearch's case folding for suggestions: the first code point of the rune's
// full Unicode case folding (so ß folds to s).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	switch {
	case r == 'ß' || r == 'ẞ':
		return 's'
	case r == 'ı': // dotless i has no folding (only Turkic mappings, which are not used)
		return r
	case 0x13A0 <= r && r <= 0x13F5: // Cherokee folds to its capitals
		return r
	case 0x13F8 <= r && r <= 0x13FD:
		return r - 8
	case 0xAB70 <= r && r <= 0xABBF:
		return r - 0xAB70 + 0x13A0
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// Each calls fn with every string of the dictionary, its score and payload (nil when
// none), in trie order: what a snapshot saves. fn must not change the dictionary.
func (s *Suggest) Each(fn func(str string, score float64, payload []byte)) {
	var walk func(n *sugNode, prefix string)
	walk = func(n *sugNode, prefix string) {
		str := prefix + n.str
		if n.term && !n.deleted {
			var p []byte
			if n.payload != "" {
				p = []byte(n.payload)
			}
			fn(str, float64(n.score), p)
		}
		for _, k := range n.kids {
			walk(k.n, str)
		}
	}
	walk(&s.root, "")
}
