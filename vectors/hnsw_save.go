package vectors

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math"
	"slices"
	"unsafe"
)

// An HNSW graph is saved whole, so that a restart can load it instead of inserting every
// vector again (which takes minutes for a million). The file holds the graph's own memory:
// the per-node columns, each block of vectors and of level-0 links as it lies in memory,
// the upper levels' lists, so that writing is a few large writes and reading a few large
// reads straight into the graph's final storage (no value decoded one at a time, no
// allocation per node or per link).
//
// Layout, version 1, every number little-endian:
//
//	header   "DRNHNSW\x00" | version u32 | dim u32 | M u32 | efConstruction u32 | metric u32 |
//	         nodes u32 | free u32 | multi u32 | entry i32 | top u32 | seed u64     (56 bytes)
//	blocks   for each block of nodeBlock nodes (the last may hold fewer, k):
//	         owner u32×k | level u8×k | count0 u16×k | vectors f32×k·dim | level-0 slots i32×k·2M
//	upper    for each node of level > 0, by slot: for levels 1..level, a count i32 and M slots i32
//	free     the tombstones' slots i32×free, in the order h.free holds them
//	multi    for the ids of several vectors: ids u32×multi (ascending) | vectors u32×multi |
//	         their nodes i32×Σvectors (first node first, then the others in h.more's order)
//	trailer  CRC-32C u32 of every byte before it
//
// What can be derived is not stored: tombstones are the free slots, an id of one vector has
// its only live node as first, and ml and the prefetch window follow from M and dim.
// Unused link slots are written as they are, so that a loaded graph is the same bit for bit.
const (
	graphMagic      = "DRNHNSW\x00"
	graphVersion    = 1
	graphHeaderSize = 56

	// maxGraphDim and maxGraphM bound what a header may claim. M's is FT.CREATE's own
	// limit (search/vecschema.go); no embedding model comes near the dimension's.
	maxGraphDim = 1 << 16
	maxGraphM   = 512

	// upperChunk is how many upper-level numbers one allocation holds (4 MiB): lists are
	// read in runs, not one allocation per node.
	upperChunk = 1 << 20
	// growStep is how many numbers a growing read (readGrowing) first allocates.
	growStep = 1 << 16
)

// ErrCorruptGraph is returned, wrapped with what was wrong, by ReadHNSW for a stream that is
// not a graph WriteTo wrote or was damaged since. A stream cut short returns
// io.ErrUnexpectedEOF instead.
var ErrCorruptGraph = errors.New("vectors: corrupt HNSW graph")

// ErrGraphLimits is returned by WriteTo for a graph the format does not hold (a dimension
// above 65536, M above 512).
var ErrGraphLimits = errors.New("vectors: HNSW graph beyond the saved format's limits")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// nativeLE is whether this machine keeps numbers little-endian, as the file does: then
// slices are written and read as they lie in memory, else byte-swapped on the way.
var nativeLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// word is what the graph's columns hold.
type word interface {
	uint8 | uint16 | int32 | uint32 | float32
}

// bytesOf is s's memory.
func bytesOf[T word](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}

// swapBytes reverses each width-byte number of b in place.
func swapBytes(b []byte, width int) {
	for i := 0; i+width <= len(b); i += width {
		slices.Reverse(b[i : i+width])
	}
}

// WriteTo writes the graph in the format ReadHNSW reads (described above), through a
// buffer of its own. It only reads the graph: searches may run beside it, changes may not.
func (h *HNSW) WriteTo(w io.Writer) (int64, error) {
	if err := h.savable(); err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	g := &graphWriter{w: bufio.NewWriterSize(cw, 64<<10)}
	g.write(h.header())
	for b := range h.data {
		lo, hi := b*nodeBlock, min((b+1)*nodeBlock, len(h.owner))
		put(g, h.owner[lo:hi])
		put(g, h.level[lo:hi])
		put(g, h.count0[lo:hi])
		put(g, h.data[b])
		put(g, h.links0[b])
	}
	for s, u := range h.upper {
		put(g, u[:int(h.level[s])*(h.m+1)])
	}
	put(g, h.free)
	h.writeMulti(g)
	var t [4]byte
	binary.LittleEndian.PutUint32(t[:], g.crc)
	g.write(t[:])
	if g.err == nil {
		g.err = g.w.Flush()
	}
	return cw.n, g.err
}

// savable checks that the format holds the graph and that what it leaves out can be
// derived again: the tombstones are the free slots, an id in more has other vectors.
// Otherwise a file written would load as another graph, or not at all.
func (h *HNSW) savable() error {
	if h.dim > maxGraphDim || h.m > maxGraphM || h.efConstruction > math.MaxInt32 {
		return ErrGraphLimits
	}
	dead := 0
	for _, d := range h.dead {
		if d {
			dead++
		}
	}
	if dead != len(h.free) {
		return fmt.Errorf("vectors: HNSW graph with %d tombstones but %d free slots", dead, len(h.free))
	}
	for id, ns := range h.more {
		if len(ns) == 0 {
			return fmt.Errorf("vectors: HNSW graph lists id %d as of several vectors with one", id)
		}
	}
	return nil
}

// header is the file's first 56 bytes.
func (h *HNSW) header() []byte {
	b := make([]byte, 0, graphHeaderSize)
	b = append(b, graphMagic...)
	for _, v := range []uint32{graphVersion, uint32(h.dim), uint32(h.m), uint32(h.efConstruction),
		uint32(h.metric), uint32(len(h.owner)), uint32(len(h.free)), uint32(len(h.more)),
		uint32(h.entry), uint32(h.top)} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return binary.LittleEndian.AppendUint64(b, h.reseed())
}

// reseed is the level seed a loaded graph starts from. The graph's own generator cannot be
// saved (rand.Rand does not show its source), and nothing needs its exact continuation:
// any seed keeps levels drawn with the right distribution. It is mixed from the graph's
// size rather than drawn from h.rng because saving must stay a pure read, safe beside
// searches and other saves.
func (h *HNSW) reseed() uint64 {
	x := (uint64(len(h.owner))<<32 | uint64(len(h.free))) + 0x9e3779b97f4a7c15 // splitmix64
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// writeMulti writes the ids of several vectors, ascending so that the file does not depend
// on map order.
func (h *HNSW) writeMulti(g *graphWriter) {
	ids := slices.Sorted(maps.Keys(h.more))
	counts := make([]uint32, len(ids))
	var nodes []int32
	for i, id := range ids {
		counts[i] = uint32(1 + len(h.more[id]))
		nodes = append(append(nodes, h.first[id]), h.more[id]...)
	}
	put(g, ids)
	put(g, counts)
	put(g, nodes)
}

// graphWriter writes the file, keeping its checksum and the first error.
type graphWriter struct {
	w   *bufio.Writer
	crc uint32
	err error
	be  []byte // scratch for the byte swaps of big-endian machines
}

func (g *graphWriter) write(b []byte) {
	if g.err != nil || len(b) == 0 {
		return
	}
	g.crc = crc32.Update(g.crc, castagnoli, b)
	_, g.err = g.w.Write(b)
}

// put writes s little-endian: its memory as it is on little-endian machines.
func put[T word](g *graphWriter, s []T) {
	b, width := bytesOf(s), int(unsafe.Sizeof(T(0)))
	if nativeLE || width == 1 {
		g.write(b)
		return
	}
	for len(b) > 0 {
		n := min(len(b), 64<<10)
		g.be = append(g.be[:0], b[:n]...)
		swapBytes(g.be, width)
		g.write(g.be)
		b = b[n:]
	}
}

// countingWriter counts what reached w, which is what WriteTo reports.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ReadHNSW reads a graph WriteTo wrote. It reads exactly the graph's bytes (nothing ahead),
// so the graph may sit inside a larger stream. Every count and link is checked before it is
// used, and memory is taken as the data arrive, so that a damaged or cut stream is refused
// (ErrCorruptGraph, io.ErrUnexpectedEOF) without a panic and without allocating what it
// merely claims; a graph it returns is safe to search and change.
func ReadHNSW(r io.Reader) (*HNSW, error) {
	g := &graphReader{r: r}
	hd, err := g.header()
	if err != nil {
		return nil, err
	}
	h := NewHNSW(hd.dim, hd.metric, HNSWOptions{M: hd.m, EFConstruction: hd.efc, Seed: hd.seed})
	if err := h.readBlocks(g, hd.nodes); err != nil {
		return nil, err
	}
	if err := h.readUpper(g); err != nil {
		return nil, err
	}
	if err := h.readFree(g, hd.free); err != nil {
		return nil, err
	}
	if err := h.readMulti(g, hd.multi); err != nil {
		return nil, err
	}
	if err := h.setEntry(g, hd.entry, hd.top); err != nil {
		return nil, err
	}
	if err := g.trailer(); err != nil {
		return nil, err
	}
	return h, nil
}

// graphReader reads the file, keeping its checksum and the section being read (for errors).
type graphReader struct {
	r       io.Reader
	crc     uint32
	section string
}

// get fills s from the stream.
func get[T word](g *graphReader, s []T) error {
	b := bytesOf(s)
	if _, err := io.ReadFull(g.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("vectors: reading an HNSW graph's %s: %w", g.section, err)
	}
	g.crc = crc32.Update(g.crc, castagnoli, b)
	if width := int(unsafe.Sizeof(T(0))); !nativeLE && width > 1 {
		swapBytes(b, width)
	}
	return nil
}

// readGrowing reads n numbers into a slice that grows (doubling) as they arrive, ending
// with a capacity of n: a stream that claims more than it holds costs no more than twice
// what it held.
func readGrowing[T word](g *graphReader, n int) ([]T, error) {
	s := make([]T, 0, min(n, growStep))
	for len(s) < n {
		if len(s) == cap(s) {
			s = append(make([]T, 0, min(n, 2*cap(s))), s...)
		}
		next := cap(s)
		if err := get(g, s[len(s):next]); err != nil {
			return nil, err
		}
		s = s[:next]
	}
	return s, nil
}

func (g *graphReader) corrupt(format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrCorruptGraph, g.section, fmt.Sprintf(format, a...))
}

// graphHeader is what the header says, checked against the format's limits.
type graphHeader struct {
	dim, m, efc, nodes, free, multi, top int
	metric                               Metric
	entry                                int32
	seed                                 uint64
}

func (g *graphReader) header() (graphHeader, error) {
	g.section = "header"
	var b [graphHeaderSize]byte
	if err := get(g, b[:]); err != nil {
		return graphHeader{}, err
	}
	if string(b[:len(graphMagic)]) != graphMagic {
		return graphHeader{}, g.corrupt("not a saved graph")
	}
	u := func(i int) uint32 { return binary.LittleEndian.Uint32(b[len(graphMagic)+4*i:]) }
	version, dim, m, efc, metric, nodes, free, multi, top := u(0), u(1), u(2), u(3), u(4), u(5), u(6), u(7), u(9)
	switch {
	case version != graphVersion:
		return graphHeader{}, g.corrupt("version %d, this build reads %d", version, graphVersion)
	case dim < 1 || dim > maxGraphDim:
		return graphHeader{}, g.corrupt("dimension %d", dim)
	case m < 2 || m > maxGraphM:
		return graphHeader{}, g.corrupt("M %d", m)
	case efc < m || efc > math.MaxInt32:
		return graphHeader{}, g.corrupt("EF_CONSTRUCTION %d with M %d", efc, m)
	case metric >= uint32(len(metricNames)):
		return graphHeader{}, g.corrupt("metric %d", metric)
	case nodes > math.MaxInt32 || free > nodes || multi > nodes-free || top > math.MaxUint8:
		return graphHeader{}, g.corrupt("%d nodes, %d free, %d ids of several vectors, top level %d", nodes, free, multi, top)
	}
	return graphHeader{dim: int(dim), m: int(m), efc: int(efc), nodes: int(nodes), free: int(free),
		multi: int(multi), top: int(top), metric: Metric(metric), entry: int32(u(8)),
		seed: binary.LittleEndian.Uint64(b[graphHeaderSize-8:])}, nil
}

// readBlocks reads the nodes block by block, appending to the per-node columns. The first
// slabFrom blocks live on Go's heap and grow as they are read; the later ones are taken
// from the slab whole, as Add takes them, once slabFrom full blocks have been read.
func (h *HNSW) readBlocks(g *graphReader, nodes int) error {
	g.section = "nodes"
	for lo := 0; lo < nodes; lo += nodeBlock {
		k := min(nodeBlock, nodes-lo)
		h.owner = slices.Grow(h.owner, k)[:lo+k]
		h.level = slices.Grow(h.level, k)[:lo+k]
		h.count0 = slices.Grow(h.count0, k)[:lo+k]
		h.upper = append(h.upper, make([][]int32, k)...)
		h.dead = append(h.dead, make([]bool, k)...)
		if err := get(g, h.owner[lo:]); err != nil {
			return err
		}
		if err := get(g, h.level[lo:]); err != nil {
			return err
		}
		if err := get(g, h.count0[lo:]); err != nil {
			return err
		}
		if err := h.readBlock(g, k); err != nil {
			return err
		}
		if err := h.checkLinks0(g, lo, k, nodes); err != nil {
			return err
		}
	}
	return nil
}

// readBlock reads the next block's vectors and level-0 links, k nodes' worth.
func (h *HNSW) readBlock(g *graphReader, k int) error {
	b := len(h.data)
	if b < slabFrom {
		vs, err := readGrowing[float32](g, k*h.dim)
		if err != nil {
			return err
		}
		ls, err := readGrowing[int32](g, k*h.m0)
		if err != nil {
			return err
		}
		h.data, h.links0 = append(h.data, vs), append(h.links0, ls)
		return nil
	}
	h.addBlock(nodeBlock)
	h.data[b] = h.data[b][:k*h.dim]
	h.links0[b] = h.links0[b][:k*h.m0]
	if err := get(g, h.data[b]); err != nil {
		return err
	}
	return get(g, h.links0[b])
}

// checkLinks0 checks the level-0 lists of nodes lo..lo+k: counts within 2M, links to nodes
// that exist (a tombstone is one).
func (h *HNSW) checkLinks0(g *graphReader, lo, k, nodes int) error {
	for s := lo; s < lo+k; s++ {
		if int(h.count0[s]) > h.m0 {
			return g.corrupt("node %d has %d level-0 links, at most %d", s, h.count0[s], h.m0)
		}
		for _, x := range h.neighbours(int32(s), 0) {
			if uint32(x) >= uint32(nodes) {
				return g.corrupt("node %d links to node %d of %d", s, x, nodes)
			}
		}
	}
	return nil
}

// readUpper reads the upper levels' lists, whose sizes the levels give, a run of nodes'
// lists per allocation of at most upperChunk numbers (cut from it with their capacity
// clipped, so that a slot reused at a higher level reallocates rather than spill into the
// next node's lists).
func (h *HNSW) readUpper(g *graphReader) error {
	g.section = "upper levels"
	size := func(s int) int { return int(h.level[s]) * (h.m + 1) }
	nodes := len(h.owner)
	for s := 0; s < nodes; {
		e, total := s, 0
		for e < nodes && (total == 0 || total+size(e) <= upperChunk) {
			total += size(e)
			e++
		}
		chunk, err := readGrowing[int32](g, total)
		if err != nil {
			return err
		}
		for ; s < e; s++ {
			n := size(s)
			if n == 0 {
				continue
			}
			h.upper[s], chunk = chunk[:n:n], chunk[n:]
			if err := h.checkUpper(g, int32(s)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkUpper checks node s's upper lists: counts within M, links to nodes that exist.
func (h *HNSW) checkUpper(g *graphReader, s int32) error {
	u := h.upper[s]
	for i := 0; i < len(u); i += h.m + 1 {
		if uint32(u[i]) > uint32(h.m) {
			return g.corrupt("node %d has %d links on level %d, at most %d", s, u[i], i/(h.m+1)+1, h.m)
		}
		for _, x := range u[i+1 : i+1+int(u[i])] {
			if uint32(x) >= uint32(len(h.owner)) {
				return g.corrupt("node %d links to node %d of %d", s, x, len(h.owner))
			}
		}
	}
	return nil
}

// readFree reads the free slots, which are the tombstones.
func (h *HNSW) readFree(g *graphReader, n int) error {
	g.section = "free slots"
	if n == 0 {
		return nil
	}
	h.free = make([]int32, n)
	if err := get(g, h.free); err != nil {
		return err
	}
	for _, s := range h.free {
		if uint32(s) >= uint32(len(h.owner)) || h.dead[s] {
			return g.corrupt("slot %d out of range or freed twice", s)
		}
		h.dead[s] = true
	}
	return nil
}

// readMulti reads the ids of several vectors and fills first and more; every other live
// node is its id's only one.
func (h *HNSW) readMulti(g *graphReader, multi int) error {
	g.section = "ids of several vectors"
	live := h.Len()
	ids, counts := make([]uint32, multi), make([]uint32, multi)
	if err := get(g, ids); err != nil {
		return err
	}
	if err := get(g, counts); err != nil {
		return err
	}
	total := 0
	for i, c := range counts {
		if i > 0 && ids[i] <= ids[i-1] {
			return g.corrupt("ids out of order")
		}
		if c < 2 || uint64(c) > uint64(live-total) {
			return g.corrupt("id %d has %d vectors", ids[i], c)
		}
		total += int(c)
	}
	nodes := make([]int32, total)
	if err := get(g, nodes); err != nil {
		return err
	}
	h.first = make(map[uint32]int32, live-total+multi)
	h.more = make(map[uint32][]int32, multi)
	taken := make([]bool, len(h.owner))
	for i, id := range ids {
		list := nodes[:counts[i]:counts[i]]
		nodes = nodes[counts[i]:]
		for _, s := range list {
			if uint32(s) >= uint32(len(h.owner)) || h.dead[s] || h.owner[s] != id || taken[s] {
				return g.corrupt("id %d lists node %d", id, s)
			}
			taken[s] = true
		}
		h.first[id], h.more[id] = list[0], list[1:]
	}
	for s, id := range h.owner {
		if h.dead[s] || taken[s] {
			continue
		}
		if _, dup := h.first[id]; dup {
			return g.corrupt("id %d has vectors not listed as several", id)
		}
		h.first[id] = int32(s)
	}
	return nil
}

// setEntry checks and sets the entry point: none when no node is live, else a live node
// whose level is the top.
func (h *HNSW) setEntry(g *graphReader, entry int32, top int) error {
	g.section = "entry point"
	if h.Len() == 0 {
		if entry != -1 || top != 0 {
			return g.corrupt("entry %d at level %d in an empty graph", entry, top)
		}
		return nil
	}
	if uint32(entry) >= uint32(len(h.owner)) || h.dead[entry] || int(h.level[entry]) != top {
		return g.corrupt("entry %d at level %d", entry, top)
	}
	h.entry, h.top = entry, top
	return nil
}

// trailer checks the checksum of everything read.
func (g *graphReader) trailer() error {
	g.section = "checksum"
	want := g.crc
	var t [4]byte
	if err := get(g, t[:]); err != nil {
		return err
	}
	if got := binary.LittleEndian.Uint32(t[:]); got != want {
		return g.corrupt("%08x, the bytes read give %08x", got, want)
	}
	return nil
}
