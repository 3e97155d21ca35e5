package vectors

import (
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// HNSW is the approximate index: a hierarchical navigable small-world graph (Malkov and
// Yashunin). Every vector is a node on level 0 and, with probability falling by a factor
// of M per level, on the levels above; each level links a node to its nearest neighbours
// as chosen by the paper's heuristic (a candidate is kept when it is nearer to the node than
// to every neighbour kept so far), at most M of them (2M on level 0). A search descends
// greedily from the top and widens to ef candidates on level 0.
//
// A deleted vector's node stays in the graph as a tombstone: the nodes it linked to drop
// it and are relinked from its neighbours, and a later insert reuses its slot and memory.
type HNSW struct {
	dim, m, m0     int
	efConstruction int
	ml             float64 // level multiplier, 1/ln(M)
	metric         Metric
	ahead          int // how many vectors a search step prefetches ahead of use (see prefetchBytes)

	// Vectors and level-0 links live in blocks of nodeBlock nodes, allocated whole (but the
	// first), so that storage grows without copying and without the slack of a doubled
	// slice.
	data   [][]float32 // node s's vector, prepared for the metric: see vec
	owner  []uint32    // by node: the id its vector belongs to
	level  []uint8     // by node: its top level
	links0 [][]int32   // node s's m0 slots of level-0 neighbours (see count0 and neighbours)
	count0 []uint16    // by node: how many of links0's slots are used
	upper  [][]int32   // by node: for levels 1..level, a count then m slots each; nil on level 0 only
	dead   []bool      // by node: a tombstone
	free   []int32     // tombstones whose slots an insert may take
	entry  int32       // the node searches start from; -1 when empty
	top    int         // entry's level

	first map[uint32]int32   // id → its first node
	more  map[uint32][]int32 // id → its other nodes, for ids of several vectors

	slab *slab // where blocks from slabFrom on come from; nil until then

	rng     *rand.Rand
	visited sync.Pool // *visitSet, one per search running

	sinceReconnect int // deletes since the last reconnect (hnsw_reconnect.go)
}

// HNSWOptions are an HNSW field's parameters, with RediSearch's defaults where zero.
type HNSWOptions struct {
	M              int // default 16
	EFConstruction int // default 200
	Seed           uint64
}

// prefetchBytes is how much of the neighbours' vectors a search step asks for ahead of
// use: with 128 dimensions a whole level-0 list at once, which measured 17–31 % more
// queries a second than one vector ahead; with large vectors a window, so that what is
// asked for is not pushed out of the first-level cache (48 KiB here) before its use.
const prefetchBytes = 16 << 10

// NewHNSW makes an empty HNSW index of vectors of dim elements compared by metric.
func NewHNSW(dim int, metric Metric, o HNSWOptions) *HNSW {
	if o.M <= 1 {
		o.M = 16
	}
	if o.EFConstruction <= 0 {
		o.EFConstruction = 200
	}
	return &HNSW{
		dim: dim, m: o.M, m0: 2 * o.M, efConstruction: max(o.EFConstruction, o.M),
		ml: 1 / math.Log(float64(o.M)), metric: metric, entry: -1,
		ahead: max(1, prefetchBytes/(4*max(dim, 1))),
		first: map[uint32]int32{}, more: map[uint32][]int32{},
		rng: rand.New(rand.NewPCG(o.Seed, 0x5eed)),
	}
}

// Len is the number of vectors stored (tombstones not counted).
func (h *HNSW) Len() int { return len(h.owner) - len(h.free) }

// IDs is the number of ids with a vector.
func (h *HNSW) IDs() int { return len(h.first) }

// Has reports whether id has a vector.
func (h *HNSW) Has(id uint32) bool { _, ok := h.first[id]; return ok }

// MemoryBytes is what the index holds: vectors, links and bookkeeping.
func (h *HNSW) MemoryBytes() int {
	n := 4*cap(h.owner) + cap(h.level) + 2*cap(h.count0) +
		24*cap(h.upper) + cap(h.dead) + 4*cap(h.free)
	for _, u := range h.upper {
		n += 4 * cap(u)
	}
	for b := range h.data {
		n += 4*cap(h.data[b]) + 4*cap(h.links0[b])
	}
	return n + 24*len(h.first) + 40*len(h.more)
}

// nodeBlock is how many nodes' vectors and level-0 links one allocation holds.
const nodeBlock = 1024

func (h *HNSW) vec(s int32) []float32 {
	i := int(s) % nodeBlock * h.dim
	return h.data[s/nodeBlock][i : i+h.dim]
}

// slots0 are node s's m0 level-0 link slots.
func (h *HNSW) slots0(s int32) []int32 {
	i := int(s) % nodeBlock * h.m0
	return h.links0[s/nodeBlock][i : i+h.m0]
}

func (h *HNSW) dist(q []float32, s int32) float32 { return h.metric.Distance(q, h.vec(s)) }

// neighbours are node s's links on level l; none when s does not reach l (a link to a
// tombstone whose slot a lower node has taken since).
func (h *HNSW) neighbours(s int32, l int) []int32 {
	if l == 0 { // every node has level 0
		return h.slots0(s)[:h.count0[s]]
	}
	if l > int(h.level[s]) {
		return nil
	}
	u := h.upper[s][(l-1)*(h.m+1):]
	return u[1 : 1+u[0]]
}

// setNeighbours replaces node s's links on level l (at most the level's maximum).
func (h *HNSW) setNeighbours(s int32, l int, ns []int32) {
	if l == 0 {
		copy(h.slots0(s), ns)
		h.count0[s] = uint16(len(ns))
		return
	}
	u := h.upper[s][(l-1)*(h.m+1):]
	u[0] = int32(len(ns))
	copy(u[1:], ns)
}

func (h *HNSW) maxLinks(l int) int {
	if l == 0 {
		return h.m0
	}
	return h.m
}

// Add stores v (of Dim elements; copied) as one more vector of id.
func (h *HNSW) Add(id uint32, v []float32) {
	if len(v) != h.dim {
		panic("vectors: Add of a vector of the wrong dimension")
	}
	lvl := min(int(-math.Log(1-h.rng.Float64())*h.ml), 255)
	s := h.newNode(id, lvl)
	copy(h.vec(s), v)
	h.metric.Prepare(h.vec(s))
	if f, ok := h.first[id]; ok && f != s {
		h.more[id] = append(h.more[id], s)
	} else {
		h.first[id] = s
	}
	if h.entry < 0 {
		h.entry, h.top = s, lvl
		return
	}
	q := h.vec(s)
	ep, epDist := h.descend(q, lvl)
	vs := h.getVisited()
	defer h.visited.Put(vs)
	for l := min(lvl, h.top); l >= 0; l-- {
		cands := h.searchLayer(q, []Result{{uint32(ep), epDist}}, h.efConstruction, l, vs, nil)
		chosen := h.selectNeighbours(cands, h.maxLinks(l), s)
		h.setNeighbours(s, l, chosen)
		for _, n := range chosen {
			h.link(n, s, l)
		}
		if len(cands) > 0 {
			ep, epDist = int32(cands[0].ID), cands[0].Dist
		}
	}
	if lvl > h.top {
		h.entry, h.top = s, lvl
	}
}

// slabFrom is the block from which a graph's blocks come from its slab: from 8192 nodes,
// where a huge page more weighs little against what the graph holds.
const slabFrom = 8

// addBlock allocates the next block of vectors and level-0 links, room for n nodes.
func (h *HNSW) addBlock(n int) {
	if len(h.data) < slabFrom {
		h.data = append(h.data, make([]float32, 0, n*h.dim))
		h.links0 = append(h.links0, make([]int32, 0, n*h.m0))
		return
	}
	if h.slab == nil {
		h.slab = &slab{}
		runtime.AddCleanup(h, (*slab).free, h.slab)
	}
	h.data = append(h.data, float32s(h.slab.take(4 * n * h.dim))[:0])
	h.links0 = append(h.links0, int32s(h.slab.take(4 * n * h.m0))[:0])
}

// newNode takes a free slot (a tombstone's) or a new one for a node of level lvl.
func (h *HNSW) newNode(id uint32, lvl int) int32 {
	var s int32
	if n := len(h.free); n > 0 {
		s = h.free[n-1]
		h.free = h.free[:n-1]
		h.dead[s] = false
		if s == h.entry {
			h.pickEntry(s)
		}
	} else {
		s = int32(len(h.owner))
		b := int(s) / nodeBlock
		if b == len(h.data) {
			// The first block grows as small indexes need; the next ones are allocated whole.
			n := nodeBlock
			if b == 0 {
				n = 16
			}
			h.addBlock(n)
		}
		h.data[b] = append(h.data[b], make([]float32, h.dim)...)
		h.links0[b] = append(h.links0[b], make([]int32, h.m0)...)
		h.owner = append(h.owner, 0)
		h.level = append(h.level, 0)
		h.count0 = append(h.count0, 0)
		h.upper = append(h.upper, nil)
		h.dead = append(h.dead, false)
	}
	h.owner[s], h.level[s], h.count0[s] = id, uint8(lvl), 0
	if lvl > 0 {
		u := h.upper[s][:0]
		u = append(u, make([]int32, lvl*(h.m+1))...)
		h.upper[s] = u
	} else {
		h.upper[s] = nil
	}
	return s
}

// pickEntry chooses a new entry point other than s: a live node of the highest level.
func (h *HNSW) pickEntry(s int32) {
	h.entry, h.top = -1, 0
	for n := range h.owner {
		if int32(n) != s && !h.dead[n] && (h.entry < 0 || int(h.level[n]) > h.top) {
			h.entry, h.top = int32(n), int(h.level[n])
		}
	}
}

// link adds s to n's links on level l; a full list is pruned back with the heuristic.
func (h *HNSW) link(n, s int32, l int) {
	ns := h.neighbours(n, l)
	if slices.Contains(ns, s) {
		return
	}
	if len(ns) < h.maxLinks(l) {
		h.setNeighbours(n, l, append(slices.Clone(ns), s))
		return
	}
	q := h.vec(n)
	cands := make([]Result, 0, len(ns)+1)
	for _, x := range append(slices.Clone(ns), s) {
		cands = append(cands, Result{uint32(x), h.dist(q, x)})
	}
	slices.SortFunc(cands, compareResults)
	h.setNeighbours(n, l, h.selectNeighbours(cands, h.maxLinks(l), n))
}

// selectNeighbours picks up to max of cands (nearest first, distances to the node self) by
// the heuristic: a candidate is kept when it is nearer to the node than to every one kept,
// so that links reach out in different directions. Places the heuristic leaves are left
// empty (as hnswlib does): filling them with passed-over candidates gave every node a full
// list, and every search step more distances to compute for little recall.
func (h *HNSW) selectNeighbours(cands []Result, max int, self int32) []int32 {
	out := make([]int32, 0, max)
	for _, c := range cands {
		if len(out) >= max {
			break
		}
		x := int32(c.ID)
		if x == self || h.dead[x] {
			continue
		}
		keep := true
		for _, y := range out {
			if h.metric.Distance(h.vec(x), h.vec(y)) < c.Dist {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, x)
		}
	}
	return out
}

// greedy walks level l from ep to the node nearest q that it can reach by steps that get
// nearer.
func (h *HNSW) greedy(q []float32, ep int32, epDist float32, l int) (int32, float32) {
	for changed := true; changed; {
		changed = false
		for _, n := range h.neighbours(ep, l) {
			if int(h.level[n]) < l {
				continue // a stale link to a reused slot
			}
			if d := h.dist(q, n); d < epDist {
				ep, epDist, changed = n, d, true
			}
		}
	}
	return ep, epDist
}

// descend walks greedily from the entry point down the levels above level to, and returns
// the node nearest q it reaches there, the start of a wider walk on to and below.
func (h *HNSW) descend(q []float32, to int) (int32, float32) {
	ep := h.entry
	epDist := h.dist(q, ep)
	for l := h.top; l > to; l-- {
		ep, epDist = h.greedy(q, ep, epDist, l)
	}
	return ep, epDist
}

// searchLayer is the paper's SEARCH-LAYER: a best-first walk of level l from eps keeping the
// ef nearest nodes found, nearest first (Result.ID holds node numbers here). When accept is
// set, only nodes it takes (and that are not tombstones) enter the answer; the others are
// still walked through.
func (h *HNSW) searchLayer(q []float32, eps []Result, ef, l int, vs *visitSet, accept func(s int32) bool) []Result {
	vs.reset(len(h.owner))
	// The heaps are the visited set's, kept from search to search with their storage.
	cands, found := &vs.cands, &vs.found
	cands.h, cands.far = cands.h[:0], false
	found.k, found.q.h, found.q.far = ef, found.q.h[:0], true
	for _, e := range eps {
		vs.visit(int32(e.ID))
		cands.push(e)
		if accept == nil || accept(int32(e.ID)) {
			found.offer(e)
		}
	}
	for cands.len() > 0 {
		c := cands.pop()
		if found.full() && c.Dist > found.worst().Dist {
			break
		}
		// The neighbours not seen yet, then their distances. The walk waits on memory more
		// than it computes, so their vectors are asked for ahead of use: all at once when
		// they are small, a window of prefetchBytes ahead when they are not. On level 0 the
		// links of those that become candidates too, which the walk reads if it expands them
		// (asking for every neighbour's links made the memory busier for nothing: a search
		// took 35 µs instead of 39 µs, 42 µs instead of 48 µs after 50 µs of other work).
		todo := vs.todo[:0]
		for _, n := range h.neighbours(int32(c.ID), l) {
			// A stale link to a reused slot on a level the node lacks fails the level test,
			// which level 0, that every node has, skips.
			if (l == 0 || int(h.level[n]) >= l) && vs.visit(n) {
				todo = append(todo, n)
			}
		}
		vs.todo = todo
		ahead := h.ahead
		for _, n := range todo[:min(ahead, len(todo))] {
			prefetch(h.vec(n))
		}
		for j, n := range todo {
			if j+ahead < len(todo) {
				prefetch(h.vec(todo[j+ahead]))
			}
			d := h.dist(q, n)
			if found.full() && d >= found.worst().Dist {
				continue
			}
			if l == 0 {
				prefetchLinks(h.slots0(n))
			}
			cands.push(Result{uint32(n), d})
			if accept == nil || accept(n) {
				found.offer(Result{uint32(n), d})
			}
		}
	}
	return found.sorted()
}

// Delete removes every vector of id: each node becomes a tombstone, taken out of its
// neighbours' links, which are filled again from its own neighbours.
func (h *HNSW) Delete(id uint32) {
	f, ok := h.first[id]
	if !ok {
		return
	}
	nodes := append([]int32{f}, h.more[id]...)
	delete(h.first, id)
	delete(h.more, id)
	for _, s := range nodes {
		h.dead[s] = true
		for l := int(h.level[s]); l >= 0; l-- {
			for _, n := range h.neighbours(s, l) {
				if !h.dead[n] && int(h.level[n]) >= l {
					h.repair(n, s, l)
				}
			}
		}
		h.repairInLinks(s)
		h.free = append(h.free, s)
	}
	if h.Len() == 0 {
		h.entry, h.top = -1, 0
		return
	}
	if h.dead[h.entry] {
		h.pickEntry(-1)
	}
	h.deleted()
}

// repairInLinks repairs the nodes that still link to the tombstone s after its own
// neighbours were repaired: links need not go both ways, and a link left to s would lead,
// once an insert takes s's slot, to that new vector wherever it lies, and no longer to
// s's neighbourhood. Measured with TestHNSWReconnect (half of each graph's vectors
// replaced): 175 of 36 000 vectors were then missed by a search for themselves, 1 when
// slots were never reused, 0 with this. The nodes linking to s are near it, so a search
// for s's vector on each of its levels finds them: with ef = m0 it missed 108, with
// 2·m0 none. Recall@10 after 30 % churn (six seeds, 500 queries each) moved from 0.965 to
// 0.963 (L2), 0.961 to 0.958 (COSINE) and 0.966 to 0.969 (IP); a delete costs about half as
// much again.
func (h *HNSW) repairInLinks(s int32) {
	if h.Len() <= 1 { // s is the last live node
		return
	}
	q := h.vec(s)
	ep, epDist := h.descend(q, int(h.level[s]))
	vs := h.getVisited()
	defer h.visited.Put(vs)
	for l := min(int(h.level[s]), h.top); l >= 0; l-- {
		near := h.searchLayer(q, []Result{{uint32(ep), epDist}}, 2*h.m0, l, vs, nil)
		for _, c := range near {
			n := int32(c.ID)
			if n != s && !h.dead[n] && int(h.level[n]) >= l && slices.Contains(h.neighbours(n, l), s) {
				h.repair(n, s, l)
			}
		}
		if len(near) > 0 {
			ep, epDist = int32(near[0].ID), near[0].Dist
		}
	}
}

// repair takes the tombstone gone out of node n's links on level l and chooses n's links
// again among its others and the tombstone's neighbours.
func (h *HNSW) repair(n, gone int32, l int) {
	q := h.vec(n)
	var cands []Result
	seen := map[int32]bool{n: true, gone: true}
	for _, src := range [][]int32{h.neighbours(n, l), h.neighbours(gone, l)} {
		for _, x := range src {
			if !seen[x] && !h.dead[x] && int(h.level[x]) >= l {
				seen[x] = true
				cands = append(cands, Result{uint32(x), h.dist(q, x)})
			}
		}
	}
	slices.SortFunc(cands, compareResults)
	h.setNeighbours(n, l, h.selectNeighbours(cands, h.maxLinks(l), n))
}

// Search returns the k ids nearest to q among those accept takes (nil: all), nearest first,
// widening the walk of level 0 to ef candidates (at least k). An id's distance is its
// nearest vector's.
func (h *HNSW) Search(q []float32, k, ef int, accept func(id uint32) bool) []Result {
	if k <= 0 || h.entry < 0 {
		return nil
	}
	q = prepared(h.metric, q)
	vs := h.getVisited()
	defer h.visited.Put(vs)
	ep, epDist := h.descend(q, 0)
	var ok func(s int32) bool // nil: every node, when there are no tombstones to skip
	if accept != nil || len(h.free) > 0 {
		ok = func(s int32) bool { return !h.dead[s] && (accept == nil || accept(h.owner[s])) }
	}
	for ef = max(ef, k); ; ef *= 2 {
		found := h.searchLayer(q, []Result{{uint32(ep), epDist}}, ef, 0, vs, ok)
		out := h.byID(found, k)
		// Several vectors of one id can fill the candidates: widen until k ids are found
		// or the walk found fewer nodes than it could keep.
		if len(out) >= k || len(found) < ef {
			return out
		}
	}
}

// byID turns nodes into ids, each at its nearest node's distance, the k nearest. With one
// vector per id it rewrites found in place.
func (h *HNSW) byID(found []Result, k int) []Result {
	if len(h.more) == 0 { // nothing to fold
		found = found[:min(k, len(found))]
		for i := range found {
			found[i].ID = h.owner[found[i].ID]
		}
		return found
	}
	out := make([]Result, 0, min(k, len(found)))
	seen := map[uint32]bool{}
	for _, r := range found {
		id := h.owner[r.ID]
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, Result{id, r.Dist})
		if len(out) == k {
			break
		}
	}
	return out
}

// Distance is id's distance to q (that of its nearest vector); ok is false when id has none.
func (h *HNSW) Distance(id uint32, q []float32) (float32, bool) {
	return h.distance(id, prepared(h.metric, q))
}

// Distances calls fn with each of ids and its distance to q (ok false when it has no
// vector), q prepared once for all of them.
func (h *HNSW) Distances(q []float32, ids iter.Seq[uint32], fn func(id uint32, d float32, ok bool)) {
	q = prepared(h.metric, q)
	for id := range ids {
		d, ok := h.distance(id, q)
		fn(id, d, ok)
	}
}

// NearestAmong returns the k of ids nearest to q, nearest first (ids without a vector left
// out): an exact search over a given set, without the graph.
func (h *HNSW) NearestAmong(q []float32, ids iter.Seq[uint32], k int) []Result {
	return nearestAmong(h.Distances, q, ids, k)
}

// distance is Distance for a prepared q.
func (h *HNSW) distance(id uint32, q []float32) (float32, bool) {
	f, ok := h.first[id]
	if !ok {
		return 0, false
	}
	d := h.dist(q, f)
	for _, s := range h.more[id] {
		d = min(d, h.dist(q, s))
	}
	return d, true
}

// visitSet marks the nodes a search has met, cleared in O(1) by a new generation.
type visitSet struct {
	gen  uint32
	mark []uint32
	todo []int32 // scratch: the neighbours a search step is about to measure
	// cands and found are searchLayer's heaps (candidates nearest first, the ef kept).
	cands resultHeap
	found topK
}

func (h *HNSW) getVisited() *visitSet {
	if v, ok := h.visited.Get().(*visitSet); ok {
		return v
	}
	return &visitSet{}
}

func (v *visitSet) reset(n int) {
	if len(v.mark) < n {
		v.mark = append(v.mark, make([]uint32, n-len(v.mark))...)
	}
	v.gen++
	if v.gen == 0 { // wrapped: old marks could match
		clear(v.mark)
		v.gen = 1
	}
}

// visit marks s and reports whether it was not marked before.
func (v *visitSet) visit(s int32) bool {
	if v.mark[s] == v.gen {
		return false
	}
	v.mark[s] = v.gen
	return true
}

// Range returns every id accept takes (nil: all) with a vector within radius of q, nearest
// first. It visits every node: exact, where a walk of the graph would only approximate.
func (h *HNSW) Range(q []float32, radius float32, accept func(id uint32) bool) []Result {
	q = prepared(h.metric, q)
	best := map[uint32]float32{}
	for s, id := range h.owner {
		if h.dead[s] || (accept != nil && !accept(id)) {
			continue
		}
		if d := h.dist(q, int32(s)); d <= radius {
			if b, ok := best[id]; !ok || d < b {
				best[id] = d
			}
		}
	}
	out := make([]Result, 0, len(best))
	for id, d := range best {
		out = append(out, Result{id, d})
	}
	slices.SortFunc(out, compareResults)
	return out
}
