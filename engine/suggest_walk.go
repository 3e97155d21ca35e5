package engine

import (
	"math"
	"sync"
	"unicode/utf8"
)

// fuzzyFactor is FUZZY's factor for a completion one edit away.
var fuzzyFactor = math.Exp(-2)

// float32Floor is RediSearch's starting bar for the walk: INT_MIN as a float, so that a
// subtree scoring below about -2.1e9 is skipped even before any result is found.
var float32Floor = float32(math.MinInt32)

// Suggestion is one completion found by Complete.
type Suggestion struct {
	String  string
	Score   float64 // the rank, as FT.SUGGET WITHSCORES reports it (not the stored score)
	Payload string  // "" when the entry has none
}

// CompleteOptions are FT.SUGGET's options.
type CompleteOptions struct {
	Max   int  // how many completions at most (FT.SUGGET's default is 5)
	Fuzzy bool // also complete prefixes one edit (Levenshtein) away
	Trim  bool // drop completions ranked below a tenth of the best before them
}

// Complete returns the best completions of prefix, best first. Matching folds case. An
// entry's rank is RediSearch's:
//
//	score = stored score, or 2147483648 for an exact match (see exactRunes)
//	score × e^(−2·dist)                 with Fuzzy, dist 0 when the entry starts with the
//	                                    prefix, else 1
//	score / √(1 + |runes(entry) − bytes(prefix)|)
//
// each step rounded to a float32 as RediSearch's float arithmetic does. A prefix of more
// than 100 runes (or 200 bytes) is ErrSuggestQuery.
func (s *Suggest) Complete(prefix string, opt CompleteOptions) ([]Suggestion, error) {
	return s.complete(prefix, opt, true)
}

// complete is Complete; without bounded, the walk skips only what RediSearch's walk skips
// (the tests' check that canPlace changes nothing).
func (s *Suggest) complete(prefix string, opt CompleteOptions, bounded bool) ([]Suggestion, error) {
	w := walks.Get().(*sugWalk)
	defer w.release()
	if !w.reset(prefix, opt) {
		return nil, ErrSuggestQuery
	}
	w.bounded = bounded
	if opt.Max < 1 || s.n == 0 {
		return nil, nil
	}
	w.kids(&s.root)

	out := make([]Suggestion, len(w.heap))
	for i := len(out) - 1; i >= 0; i-- {
		h := w.heap.poll()
		out[i] = Suggestion{String: string(w.arena[h.off : h.off+h.len]), Score: float64(h.score),
			Payload: h.n.payload}
	}
	if opt.Trim {
		out = trimSuggestions(out)
	}
	return out, nil
}

// walks keeps walks (a few KiB each) for reuse.
var walks = sync.Pool{New: func() any { return new(sugWalk) }}

// release returns w to walks, without the buffers a large MAX made large.
func (w *sugWalk) release() {
	if cap(w.heap) > 1024 || cap(w.arena) > 64<<10 {
		w.heap, w.arena = nil, nil
	}
	walks.Put(w)
}

// trimSuggestions cuts the list at the first completion ranked below a tenth of the best
// one before it.
func trimSuggestions(out []Suggestion) []Suggestion {
	var best float32
	for i, h := range out {
		sc := float32(h.Score)
		if best != 0 && float64(sc) < float64(best)/sugTrimFactor {
			return out[:i]
		}
		best = max(best, sc)
	}
	return out
}

// sugWalk is one Complete: a depth-first walk of the trie, children best-first, feeding each
// rune on the path to a Levenshtein automaton over the folded prefix, and a heap of the best
// completions found. A subtree whose bound is below the k-th best rank found is skipped.
type sugWalk struct {
	q      []rune // the prefix's runes, folded, up to a NUL
	qBytes int    // its length in bytes, which the rank's length factor counts
	edits  int8   // the automaton's edit budget: 0, or 1 for FUZZY
	// levels[d] is the automaton's state after the first d runes of the path.
	levels [sugMaxRunes + 2]sugLevel
	path   []rune // runes of the path, as stored
	bytes  []byte // the same, UTF-8
	// dist is the edit distance the next completion is ranked with. Like the automaton
	// RediSearch runs, the walk sets it only where a live state matches, so a completion
	// found past the point where the prefix was matched keeps the distance set there.
	dist  int8
	heap  sugHeap
	arena []byte // the strings of the completions the heap took, end to end
	want  int
	// bounded: skip the subtrees canPlace rules out, besides those RediSearch skips.
	bounded bool
	bar     float32 // the k-th best rank once k are found; subtrees bounded below it are skipped
}

// sugLevel is the automaton's state: the edit distances between the path and the prefix's
// first d−1, d and d+1 runes (no other can be within one edit), or null once the prefix
// has been matched and the automaton can go no further, when everything below matches.
type sugLevel struct {
	band    [3]int8 // distances to q[:d-1], q[:d], q[:d+1]; edits+1 means beyond reach
	null    bool
	exact   bool // the path and the prefix are one a prefix of the other (folded)
	boost   bool // an entry below may be an exact match, by exactRunes
	match   bool // the path is within reach of the whole prefix
	dist    int8 // the distance at the highest prefix length within reach
	minDist int8 // the least dist along the path
}

// reset readies w for a walk, or reports a prefix over the query limits.
func (w *sugWalk) reset(prefix string, opt CompleteOptions) bool {
	if len(prefix) > 2*sugMaxPrefixRunes {
		return false
	}
	w.q = w.q[:0]
	for _, r := range prefix {
		if r == 0 {
			break
		}
		w.q = append(w.q, foldRune(r))
	}
	if len(w.q) > sugMaxPrefixRunes {
		return false
	}
	w.qBytes, w.want, w.bar = len(prefix), opt.Max, float32Floor
	w.edits = 0
	if opt.Fuzzy {
		w.edits = 1
	}
	w.path, w.bytes, w.heap, w.arena = w.path[:0], w.bytes[:0], w.heap[:0], w.arena[:0]
	dead := w.edits + 1
	root := &w.levels[0]
	root.band = [3]int8{dead, 0, dead}
	if len(w.q) > 0 && w.edits > 0 {
		root.band[2] = 1
	}
	// RediSearch's automaton starts with the distances 0…edits whatever the prefix's length,
	// and counts its start state a match only when edits equals that length: with FUZZY and
	// an empty prefix, the first rune is what matches.
	root.match = int(w.edits) == len(w.q)
	root.exact, root.boost = true, true
	root.minDist = dead
	w.dist = dead
	return true
}

// kids walks the children of n that can still place, below a path ending at n.
func (w *sugWalk) kids(n *sugNode) {
	for i := range n.kids {
		k := &n.kids[i]
		if k.max < w.bar || !w.canPlace(k) {
			continue
		}
		// The child's first rune is fed here, from the parent's copy, so that a child the
		// automaton stops at (most of them, on the way down to the prefix) is not loaded.
		if matched, ok := w.step(k.key); ok {
			w.visit(k.n, matched)
		}
	}
}

// visit walks n, whose first rune the automaton has taken (matched is what it said),
// and the subtrees below it that can still place.
func (w *sugWalk) visit(n *sugNode, matched bool) {
	d0, b0 := len(w.path), len(w.bytes)
	w.bytes = append(w.bytes, n.str...)
	for i, r := range n.str {
		if i > 0 {
			var ok bool
			if matched, ok = w.step(r); !ok {
				w.path, w.bytes = w.path[:d0], w.bytes[:b0]
				return
			}
		}
		w.path = append(w.path, r)
		if matched && n.term && !n.deleted && i+utf8.RuneLen(r) == len(n.str) {
			w.offer(n)
		}
	}
	w.kids(n)
	w.path, w.bytes = w.path[:d0], w.bytes[:b0]
}

// canPlace reports whether an entry below k could still enter the heap. RediSearch's test,
// k.max ≥ bar, decides which subtrees are skipped for good (its bound ignores the exact
// match's boost); this one skips more, only subtrees none of whose entries could place
// (rank > bar), so that the results are the same. k.norm holds the exact best ranks for
// prefixes of 1 and 2 bytes. For other lengths b, an entry of L runes below k (L ≥ D, the
// path's length at the end of k, at least one more than now) ranks at most
//
//	b = 0:  score/√(1+L) ≤ score/√L = k.norm[0]
//	b ≥ 3:  score/√(1+L−b) = score/√(L−1) · √((L−1)/(1+L−b)) ≤ k.norm[1] · √((D−1)/(1+D−b))
//
// when D ≥ b and the score is positive (a rank is ≤ 0 otherwise). FUZZY's factor lowers a
// positive rank (by e^−2 below a path that has left the prefix) and raises a negative one
// towards 0. Where an exact match may lie below (D not past the prefix's rune count, and
// the path so far passing exactRunes), only RediSearch's test applies.
func (w *sugWalk) canPlace(k *sugKid) bool {
	if !w.bounded || len(w.heap) < w.want {
		return true
	}
	d := len(w.path) + 1
	if d <= len(w.q) && w.levels[len(w.path)].boost {
		return true
	}
	var bound float64
	switch b := w.qBytes; {
	case b == 1 || b == 2:
		bound = float64(k.norm[b-1])
	case b == 0 && k.norm[0] > 0:
		bound = float64(k.norm[0])
	case d < b:
		return true
	case b >= 3 && k.norm[1] > 0:
		// The slack covers the float32 rounding of the ranks and of norm.
		bound = float64(k.norm[1]) * math.Sqrt(float64(d-1)/float64(1+d-b)) * (1 + 1e-6)
	}
	if w.edits > 0 {
		bound = max(bound, 0)
		if !w.levels[len(w.path)].exact {
			// The path left the prefix: every completion below is one edit away.
			bound *= fuzzyFactor * (1 + 1e-6)
		}
	}
	return !(bound <= float64(w.bar)) // a NaN score places anywhere
}

// step feeds rune r at depth d = len(path) to the automaton. It reports whether the path
// with r is a completion of the prefix, and whether the walk can go on below it.
func (w *sugWalk) step(r rune) (matched, ok bool) {
	d := len(w.path)
	cur, next := &w.levels[d], &w.levels[d+1]
	c := foldRune(r)
	exact := cur.exact && (d >= len(w.q) || w.q[d] == c)
	boost := cur.boost && w.sameUnits(d, r)
	if cur.null {
		*next = sugLevel{null: true, exact: exact, boost: boost, minDist: cur.minDist}
		return true, true
	}
	if cur.match {
		matched = true
		w.dist = min(cur.dist, cur.minDist)
	}
	nb, live := w.advance(cur, d, c)
	if live {
		dead := w.edits + 1
		L := len(w.q)
		ndist := dead
		for k := 2; k >= 0; k-- {
			if d+k <= L && nb[k] < dead {
				ndist = nb[k]
				break
			}
		}
		nm := L >= d && L-d <= 2 && nb[L-d] < dead
		if nm {
			matched = true
			w.dist = min(ndist, cur.minDist)
		}
		*next = sugLevel{band: nb, exact: exact, boost: boost, match: nm, dist: ndist,
			minDist: min(ndist, cur.minDist)}
		return matched, true
	}
	if matched {
		*next = sugLevel{null: true, exact: exact, boost: boost, minDist: cur.minDist}
		return true, true
	}
	return false, false
}

// sameUnits reports whether rune r at index d of a path passes exactRunes' comparison
// with the prefix, as far as it looks at index d.
func (w *sugWalk) sameUnits(d int, r rune) bool {
	n := len(w.q)
	if 2*d >= n {
		return true
	}
	a, b := uint16(w.q[d]), uint16(r)
	if byte(a) != byte(b) {
		return false
	}
	return 2*d+1 >= n || a>>8 == b>>8
}

// advance computes the distances after the path's (d+1)-th rune, folded to c, for prefix
// lengths d…d+2, and whether any is within reach.
func (w *sugWalk) advance(cur *sugLevel, d int, c rune) (nb [3]int8, live bool) {
	dead := w.edits + 1
	at := func(i int) int8 { // the distance to q[:i] before c
		if j := i - d + 1; j >= 0 && j <= 2 {
			return cur.band[j]
		}
		return dead
	}
	left := dead // the new distance to q[:i-1]
	for k := range nb {
		i := d + k
		v := dead
		if i <= len(w.q) {
			if i == 0 {
				v = at(0) + 1
			} else {
				v = at(i - 1)
				if w.q[i-1] != c {
					v++
				}
				v = min(v, left+1, at(i)+1)
			}
			v = min(v, dead)
		}
		nb[k], left = v, v
		if v < dead {
			live = true
		}
	}
	return nb, live
}

// offer ranks the completion ending at n and keeps it if it is among the best so far.
func (w *sugWalk) offer(n *sugNode) {
	slen := len(w.path)
	score := n.score
	if slen > 0 && slen == len(w.q) && exactRunes(w.q, w.path) {
		score = float32(math.MaxInt32)
	}
	if w.edits > 0 {
		score = float32(float64(score) * math.Exp(float64(-2*int(w.dist))))
	}
	score = rankOf(score, slen, w.qBytes)

	if len(w.heap) < w.want {
		w.heap.push(w.hit(n, score))
		if len(w.heap) == w.want {
			w.bar = w.heap[0].score
		}
		return
	}
	if score > w.bar {
		w.heap.poll()
		w.heap.push(w.hit(n, score))
		w.bar = max(w.bar, w.heap[0].score)
	}
}

// hit keeps the path's string in the arena and returns the heap item for it.
func (w *sugWalk) hit(n *sugNode, score float32) sugHit {
	off := len(w.arena)
	w.arena = append(w.arena, w.bytes...)
	return sugHit{n: n, off: int32(off), len: int32(len(w.bytes)), score: score}
}

// exactRunes is RediSearch's test for a completion equal to the prefix, which ranks it
// first: a memcmp of the folded prefix and the stored runes as 16-bit little-endian units,
// over as many bytes as there are runes. It compares the first half of the runes (the
// second half not at all), and the stored ones unfolded: "hellO" is an exact "hello", but
// "Hello" is not.
func exactRunes(q, p []rune) bool {
	for k := range p {
		a, b := uint16(q[k/2]), uint16(p[k/2])
		if k%2 == 1 {
			a, b = a>>8, b>>8
		}
		if byte(a) != byte(b) {
			return false
		}
	}
	return true
}

// sugHit is a completion in the heap: its string is arena[off:off+len], its payload n's.
type sugHit struct {
	n        *sugNode
	off, len int32
	score    float32
}

// sugHeap is the walk's heap of the best completions, the lowest rank on top. Its sifting
// is RediSearch's, ties included (a new item climbs past equal ones; a sinking item stops
// at equal ones and prefers the left child), so that completions of equal rank come out
// in RediSearch's order.
type sugHeap []sugHit

func (h *sugHeap) push(x sugHit) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[i].score > s[p].score {
			return
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *sugHeap) poll() sugHit {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	*h = s
	if len(s) > 1 {
		s.down(0)
	}
	return top
}

func (h sugHeap) down(i int) {
	for {
		l, r := 2*i+1, 2*i+2
		c := l
		if r >= len(h) {
			if l >= len(h) {
				return
			}
		} else if h[l].score > h[r].score {
			c = r
		}
		if !(h[i].score > h[c].score) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
