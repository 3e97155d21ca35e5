package vectors

import "slices"

// Nodes no search can reach. The neighbour heuristic keeps a node's links only where they
// reach out in new directions, so the lists of a new node's neighbours may all leave it out
// (its own links lead out, none lead in), and so may the lists a delete's repair chooses
// again. Such a node is in the graph and no query finds it. Measured on 30 clustered graphs
// of 3 000 24-d vectors: 1 node of 90 000 after the build, 43 after replacing half of each
// graph's vectors; 49 of 100 000 random 32-d vectors after the build. So after every so
// many deletes the graph is walked from its entry point over level 0, and each node the
// walk misses is linked from the nearest node it reaches.

// How many deletes, as a share of the graph's nodes, wait for the next walk (it costs
// about one visit per link of every node: 24 ms at 100 000 nodes of 32 links). Inserts do
// not count: walking during a build changed no recall on vecbench's 100 000 × 128 and cost
// 1–3 % of the queries a second (the links it forces lengthen lists).
const (
	reconnectShare = 20 // one twentieth of the nodes
	reconnectMin   = 256
)

// deleted counts a delete toward the next reconnect, and runs it when due. Not for IP:
// there a vector need not be its own nearest, and low-norm vectors, which no query ranks
// first, are the ones the heuristic strands; forcing links to them replaced useful ones
// (recall@10 after 30 % churn 0.961 against 0.967 without, TestHNSWRecall).
func (h *HNSW) deleted() {
	if h.metric == IP {
		return
	}
	h.sinceReconnect++
	if h.sinceReconnect >= max(reconnectMin, h.Len()/reconnectShare) {
		h.sinceReconnect = 0
		h.reconnect()
	}
}

// reconnect links every live node that a level-0 walk from the entry point misses to the
// nearest node the walk reaches, and returns how many it linked. A link it replaces can
// strand the node it led to, so it walks again until a walk finds every node (a few
// passes at most).
func (h *HNSW) reconnect() int {
	total := 0
	for range 4 {
		n := h.reconnectPass()
		total += n
		if n == 0 {
			break
		}
	}
	return total
}

func (h *HNSW) reconnectPass() int {
	if h.entry < 0 {
		return 0
	}
	seen := make([]bool, len(h.owner))
	var stack []int32
	mark := func(from int32) { stack = h.reach(from, seen, stack) }
	mark(h.entry)
	vs := h.getVisited()
	defer h.visited.Put(vs)
	linked := 0
	for s := range h.owner {
		u := int32(s)
		if h.dead[u] || seen[u] {
			continue
		}
		q := h.vec(u)
		ep, epDist := h.descend(q, 0)
		// The walk starts where the upper levels lead, which may itself be off the entry's
		// level-0 reach: then the nearest reached node is found by a scan (rare).
		from := int32(-1)
		for _, c := range h.searchLayer(q, []Result{{uint32(ep), epDist}}, h.efConstruction, 0, vs, nil) {
			if n := int32(c.ID); n != u && seen[n] {
				from = n
				break
			}
		}
		if from < 0 {
			best := float32(0)
			for n := range h.owner {
				if seen[n] && !h.dead[n] {
					if d := h.dist(q, int32(n)); from < 0 || d < best {
						from, best = int32(n), d
					}
				}
			}
		}
		h.forceLink(from, u)
		linked++
		mark(u) // and whatever u leads to
	}
	return linked
}

// reach marks in seen every live node a level-0 walk from node from reaches (and from), not
// going past nodes already marked; stack is scratch, returned for reuse.
func (h *HNSW) reach(from int32, seen []bool, stack []int32) []int32 {
	seen[from] = true
	stack = append(stack[:0], from)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, x := range h.neighbours(n, 0) {
			if !seen[x] && !h.dead[x] {
				seen[x] = true
				stack = append(stack, x)
			}
		}
	}
	return stack
}

// forceLink puts u among n's level-0 links: in a free place, else in place of n's farthest
// link (one link changes: the heuristic's choice again could drop several, and with them
// the only way to other nodes).
func (h *HNSW) forceLink(n, u int32) {
	ns := h.neighbours(n, 0)
	if slices.Contains(ns, u) {
		return
	}
	out := append(slices.Clone(ns), u)
	if len(ns) >= h.maxLinks(0) {
		q := h.vec(n)
		far, farDist := 0, float32(-1)
		for i, x := range ns {
			if d := h.dist(q, x); d > farDist {
				far, farDist = i, d
			}
		}
		out = out[:len(ns)]
		out[far] = u
	}
	h.setNeighbours(n, 0, out)
}
