package vectors

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

var _ io.WriterTo = (*HNSW)(nil)

// savedGraph describes a graph to build for the save tests.
type savedGraph struct {
	name    string
	metric  Metric
	n, dim  int
	m, efc  int
	perID   int // vectors per id
	churn   int // percent of ids deleted and stored again under new ids
	deleted int // percent of ids deleted at the end (their slots left free)
}

// build stores the graph's vectors, drawn from seeded clusters, and returns it with the
// vectors drawn: the n stored, then 40 more for queries.
func (c savedGraph) build(t testing.TB) (*HNSW, [][]float32) {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(c.n), uint64(c.dim)))
	data := clustered(r, c.n+40, c.dim, 8)
	h := NewHNSW(c.dim, c.metric, HNSWOptions{M: c.m, EFConstruction: c.efc, Seed: 3})
	perID := max(c.perID, 1)
	for i, v := range data[:c.n] {
		h.Add(uint32(i/perID), v)
	}
	ids := uint32((c.n + perID - 1) / perID)
	next := ids
	for id := range ids {
		if r.IntN(100) < c.churn {
			h.Delete(id)
			h.Add(next, data[r.IntN(c.n)])
			next++
		}
	}
	for id := range next {
		if r.IntN(100) < c.deleted {
			h.Delete(id)
		}
	}
	return h, data
}

var savedGraphs = []savedGraph{
	{name: "empty", metric: L2, dim: 4, m: 16, efc: 200},
	{name: "one vector", metric: L2, n: 1, dim: 3, m: 16, efc: 200},
	{name: "L2 churned with free slots", metric: L2, n: 2000, dim: 16, m: 8, efc: 60, churn: 30, deleted: 10},
	{name: "IP three vectors per id", metric: IP, n: 1500, dim: 12, m: 6, efc: 40, perID: 3, deleted: 10},
	{name: "COSINE churned", metric: Cosine, n: 1500, dim: 24, m: 16, efc: 100, churn: 20},
	{name: "every vector deleted", metric: L2, n: 300, dim: 8, m: 4, efc: 20, deleted: 100},
	{name: "blocks past slabFrom", metric: L2, n: slabFrom*nodeBlock + 700, dim: 4, m: 4, efc: 16, churn: 5, deleted: 5},
}

func save(t testing.TB, h *HNSW) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := h.WriteTo(&buf)
	require.NoError(t, err)
	require.Equal(t, int64(buf.Len()), n)
	return buf.Bytes()
}

// TestHNSWSaveLoad: a loaded graph is the saved one node for node, answers every query as
// it did (same ids, same distances), saves to the same bytes, and does what the original
// does when both are then changed the same way.
func TestHNSWSaveLoad(t *testing.T) {
	for _, c := range savedGraphs {
		t.Run(c.name, func(t *testing.T) {
			h, data := c.build(t)
			saved := save(t, h)
			g, err := ReadHNSW(bytes.NewReader(saved))
			require.NoError(t, err)
			requireSameGraph(t, h, g)
			queries := data[c.n:]
			requireSameAnswers(t, h, g, queries)
			require.Equal(t, saved, save(t, g), "saved again, the same bytes")

			// Deletes and (with the generators set alike) inserts change both alike.
			h.rng, g.rng = rand.New(rand.NewPCG(7, 7)), rand.New(rand.NewPCG(7, 7))
			r := rand.New(rand.NewPCG(8, 8))
			for i := range c.n / 10 {
				id := uint32(r.IntN(c.n))
				h.Delete(id)
				g.Delete(id)
				v := data[r.IntN(len(data))]
				h.Add(uint32(c.n+i), v)
				g.Add(uint32(c.n+i), v)
			}
			requireSameGraph(t, h, g)
			requireSameAnswers(t, h, g, queries)
		})
	}
}

// requireSameGraph compares every field of two graphs, unused link slots included.
func requireSameGraph(t *testing.T, want, got *HNSW) {
	t.Helper()
	require.Equal(t, [4]int{want.dim, want.m, want.m0, want.efConstruction}, [4]int{got.dim, got.m, got.m0, got.efConstruction})
	require.Equal(t, want.ml, got.ml)
	require.Equal(t, want.metric, got.metric)
	require.Equal(t, want.ahead, got.ahead)
	require.Equal(t, [2]int{int(want.entry), want.top}, [2]int{int(got.entry), got.top})
	require.True(t, slices.Equal(want.owner, got.owner), "owner")
	require.True(t, slices.Equal(want.level, got.level), "level")
	require.True(t, slices.Equal(want.count0, got.count0), "count0")
	require.True(t, slices.Equal(want.dead, got.dead), "dead")
	require.True(t, slices.Equal(want.free, got.free), "free")
	require.Equal(t, len(want.data), len(got.data))
	require.Equal(t, want.slab != nil, got.slab != nil, "blocks from slabFrom on are mapped")
	for b := range want.data {
		require.True(t, bytes.Equal(bytesOf(want.data[b]), bytesOf(got.data[b])), "vectors of block %d", b)
		require.True(t, slices.Equal(want.links0[b], got.links0[b]), "level-0 links of block %d", b)
	}
	require.Equal(t, len(want.upper), len(got.upper))
	for s := range want.upper {
		require.True(t, slices.Equal(want.upper[s], got.upper[s]), "upper levels of node %d", s)
	}
	require.Equal(t, want.first, got.first)
	require.Equal(t, len(want.more), len(got.more))
	for id, ns := range want.more {
		require.Equal(t, ns, got.more[id], "id %d", id)
	}
}

// requireSameAnswers asks both graphs everything they answer.
func requireSameAnswers(t *testing.T, want, got *HNSW, queries [][]float32) {
	t.Helper()
	require.Equal(t, want.Len(), got.Len())
	require.Equal(t, want.IDs(), got.IDs())
	maxID := uint32(0)
	for id := range want.first {
		maxID = max(maxID, id)
	}
	for id := range maxID + 3 {
		require.Equal(t, want.Has(id), got.Has(id), "id %d", id)
	}
	odd := func(id uint32) bool { return id%2 == 1 }
	for i, q := range queries {
		for _, p := range []struct{ k, ef int }{{1, 1}, {10, 10}, {10, 64}, {40, 100}} {
			require.Equal(t, want.Search(q, p.k, p.ef, nil), got.Search(q, p.k, p.ef, nil), "query %d k %d ef %d", i, p.k, p.ef)
			require.Equal(t, want.Search(q, p.k, p.ef, odd), got.Search(q, p.k, p.ef, odd), "filtered query %d", i)
		}
		top := want.Search(q, 20, 40, nil)
		radius := float32(1)
		if len(top) > 0 {
			radius = top[len(top)-1].Dist
		}
		require.Equal(t, want.Range(q, radius, nil), got.Range(q, radius, nil), "range query %d", i)
		for id := uint32(i); id < maxID+3; id += 7 {
			wd, wok := want.Distance(id, q)
			gd, gok := got.Distance(id, q)
			require.Equal(t, wok, gok)
			require.Equal(t, math.Float32bits(wd), math.Float32bits(gd), "distance of id %d to query %d", id, i)
		}
	}
}

// TestHNSWWriteToBesideSearches: saving only reads the graph (as the doc says): saves and
// searches running together give the same bytes and answers as alone (and, under -race,
// no race).
func TestHNSWWriteToBesideSearches(t *testing.T) {
	h, data := savedGraphs[2].build(t)
	alone := save(t, h)
	q := data[len(data)-1]
	want := h.Search(q, 10, 40, nil)
	var wg sync.WaitGroup
	saved := make([][]byte, 2)
	for i := range saved {
		wg.Go(func() {
			var buf bytes.Buffer
			if _, err := h.WriteTo(&buf); err == nil {
				saved[i] = buf.Bytes()
			}
		})
	}
	for range 20 {
		require.Equal(t, want, h.Search(q, 10, 40, nil))
	}
	wg.Wait()
	require.Equal(t, alone, saved[0])
	require.Equal(t, alone, saved[1])
}

// TestHNSWLoadedRecall: a loaded graph has the original's recall@10 against FLAT (at least
// 0.95, as TestHNSWRecall asks), keeps it through 30 % of its vectors deleted and stored
// again under new ids with its own level generator, and reuses the tombstones' memory.
func TestHNSWLoadedRecall(t *testing.T) {
	const n, dim, k, ef = 4000, 32, 10, 20
	for _, m := range []Metric{L2, IP, Cosine} {
		r := rand.New(rand.NewPCG(uint64(m)+21, 5))
		all := clustered(r, n+100, dim, 16)
		data, queries := all[:n], all[n:]
		flat := NewFlat(dim, m)
		h := NewHNSW(dim, m, HNSWOptions{M: 16, EFConstruction: 100, Seed: 1})
		for i, v := range data {
			flat.Add(uint32(i), v)
			h.Add(uint32(i), v)
		}
		g, err := ReadHNSW(bytes.NewReader(save(t, h)))
		require.NoError(t, err)
		recallOf := func(x *HNSW) float64 {
			var exact, approx [][]Result
			for _, q := range queries {
				exact = append(exact, flat.Search(q, k, nil))
				approx = append(approx, x.Search(q, k, ef, nil))
			}
			return recall(exact, approx)
		}
		before := recallOf(h)
		require.GreaterOrEqual(t, before, 0.95, "%s built", m)
		require.Equal(t, before, recallOf(g), "%s loaded", m)
		memBefore := g.MemoryBytes()
		churn(r, data, flat, g, g.Delete)
		require.Equal(t, n, g.Len())
		require.Equal(t, flat.IDs(), g.IDs())
		require.LessOrEqual(t, g.MemoryBytes(), memBefore*11/10, "tombstones' memory is reused")
		after := recallOf(g)
		t.Logf("%s: recall@%d built %.3f, loaded then 30%% churned %.3f", m, k, before, after)
		require.GreaterOrEqual(t, after, 0.95, "%s loaded then churned", m)
	}
}

// graphSection is a part of a saved graph's bytes, named as in hnsw_save.go's layout.
type graphSection struct {
	name       string
	start, end int
}

// graphSections lays out h's file from its fields, following the layout's description.
func graphSections(h *HNSW) []graphSection {
	var out []graphSection
	off := 0
	add := func(name string, n int) {
		out = append(out, graphSection{name, off, off + n})
		off += n
	}
	add("header", graphHeaderSize)
	for lo := 0; lo < len(h.owner); lo += nodeBlock {
		k, b := min(nodeBlock, len(h.owner)-lo), fmt.Sprintf("block %d ", lo/nodeBlock)
		add(b+"owners", 4*k)
		add(b+"levels", k)
		add(b+"level-0 counts", 2*k)
		add(b+"vectors", 4*k*h.dim)
		add(b+"level-0 links", 4*k*h.m0)
	}
	upper, several := 0, 0
	for s := range h.owner {
		upper += int(h.level[s]) * (h.m + 1)
	}
	for _, ns := range h.more {
		several += 1 + len(ns)
	}
	add("upper levels", 4*upper)
	add("free slots", 4*len(h.free))
	add("multi ids", 4*len(h.more))
	add("multi counts", 4*len(h.more))
	add("multi nodes", 4*several)
	add("checksum", 4)
	return out
}

// smallGraph has every section: upper levels, free slots, ids of two vectors (the first
// n/3 vectors' ids), ids of one; a few ids deleted.
func smallGraph(t testing.TB, n, dim, m int) *HNSW {
	r := rand.New(rand.NewPCG(6, 6))
	h := NewHNSW(dim, L2, HNSWOptions{M: m, EFConstruction: 16, Seed: 4})
	for i, v := range clustered(r, n, dim, 3) {
		id := uint32(i / 2)
		if i >= n/3 {
			id = uint32(i - n/6)
		}
		h.Add(id, v)
	}
	for id := uint32(0); id < uint32(n/2); id += 9 {
		h.Delete(id)
	}
	require.NotEmpty(t, h.free)
	require.NotEmpty(t, h.more)
	return h
}

// TestReadHNSWTruncated: a graph cut anywhere in any section is refused with
// io.ErrUnexpectedEOF; the sections laid out from the graph's fields end where the file does.
func TestReadHNSWTruncated(t *testing.T) {
	h := smallGraph(t, 120, 4, 4)
	saved := save(t, h)
	secs := graphSections(h)
	require.Equal(t, len(saved), secs[len(secs)-1].end, "the layout accounts for every byte")
	for _, sec := range secs {
		if sec.start == sec.end {
			continue
		}
		t.Run(sec.name, func(t *testing.T) {
			for _, cut := range slices.Compact([]int{sec.start, sec.start + 1, (sec.start + sec.end) / 2, sec.end - 1}) {
				g, err := ReadHNSW(bytes.NewReader(saved[:cut]))
				require.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
				require.Nil(t, g)
			}
		})
	}
}

// withChecksum is b with its trailer made right for the bytes before it.
func withChecksum(b []byte) []byte {
	b = slices.Clone(b)
	if len(b) >= 4 {
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	}
	return b
}

// TestReadHNSWCorrupt: each damage is refused with ErrCorruptGraph, with the checksum made
// right (but in the checksum's own case) so that the check that catches it is the one named.
func TestReadHNSWCorrupt(t *testing.T) {
	h := smallGraph(t, 120, 4, 4)
	saved := save(t, h)
	at := map[string]int{}
	for _, s := range graphSections(h) {
		at[s.name] = s.start
	}
	hdr := func(field int) int { return len(graphMagic) + 4*field }
	put32 := func(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
	nodes := uint32(len(h.owner))
	linked := slices.IndexFunc(h.count0, func(c uint16) bool { return c > 0 })
	upperNode := slices.IndexFunc(h.level, func(l uint8) bool { return l > 0 })
	upperAt := at["upper levels"]
	for s := range upperNode {
		upperAt += 4 * int(h.level[s]) * (h.m + 1)
	}
	// single is the node of a live id of one vector (from 40 on) other than skip.
	single := func(skip uint32) int32 {
		for id := uint32(40); ; id++ {
			if f, ok := h.first[id]; ok && len(h.more[id]) == 0 && id != skip {
				return f
			}
		}
	}
	for _, c := range []struct {
		name   string
		damage func(b []byte)
		want   string // in the error
	}{
		{"magic", func(b []byte) { b[0] ^= 1 }, "not a saved graph"},
		{"version 2", func(b []byte) { put32(b, hdr(0), 2) }, "version 2"},
		{"dimension 0", func(b []byte) { put32(b, hdr(1), 0) }, "dimension 0"},
		{"dimension above the limit", func(b []byte) { put32(b, hdr(1), maxGraphDim+1) }, "dimension 65537"},
		{"M 1", func(b []byte) { put32(b, hdr(2), 1) }, "M 1"},
		{"M above the limit", func(b []byte) { put32(b, hdr(2), maxGraphM+1) }, "M 513"},
		{"EF_CONSTRUCTION below M", func(b []byte) { put32(b, hdr(3), 2) }, "EF_CONSTRUCTION 2"},
		{"metric unknown", func(b []byte) { put32(b, hdr(4), 3) }, "metric 3"},
		{"nodes beyond int32", func(b []byte) { put32(b, hdr(5), math.MaxInt32+1) }, "2147483648 nodes"},
		{"more free slots than nodes", func(b []byte) { put32(b, hdr(6), nodes+1) }, "121 free"},
		{"more ids of several vectors than live nodes", func(b []byte) { put32(b, hdr(7), nodes) }, "120 ids of several"},
		{"entry out of range", func(b []byte) { put32(b, hdr(8), nodes) }, "entry point: entry 120"},
		{"entry a tombstone", func(b []byte) { put32(b, hdr(8), uint32(h.free[0])); put32(b, hdr(9), uint32(h.level[h.free[0]])) }, "entry point: entry"},
		{"top not the entry's level", func(b []byte) { put32(b, hdr(9), uint32(h.top+1)) }, "entry point: entry"},
		{"top above 255", func(b []byte) { put32(b, hdr(9), 256) }, "top level 256"},
		{"level-0 count above 2M", func(b []byte) {
			binary.LittleEndian.PutUint16(b[at["block 0 level-0 counts"]:], uint16(h.m0+1))
		}, "level-0 links, at most 8"},
		{"level-0 link out of range", func(b []byte) { put32(b, at["block 0 level-0 links"]+4*h.m0*linked, nodes) }, "links to node 120 of 120"},
		{"level-0 link negative", func(b []byte) { put32(b, at["block 0 level-0 links"]+4*h.m0*linked, math.MaxUint32) }, "links to node -1"},
		{"upper count above M", func(b []byte) { put32(b, upperAt, uint32(h.m+1)) }, "links on level 1, at most 4"},
		{"upper link out of range", func(b []byte) { put32(b, upperAt, 1); put32(b, upperAt+4, nodes+5) }, "upper levels: node"},
		{"free slot twice", func(b []byte) { copy(b[at["free slots"]+4:], b[at["free slots"]:at["free slots"]+4]) }, "freed twice"},
		{"free slot out of range", func(b []byte) { put32(b, at["free slots"], nodes) }, "slot 120 out of range"},
		{"multi ids out of order", func(b []byte) { put32(b, at["multi ids"]+4, 0) }, "ids out of order"},
		{"multi id of one vector", func(b []byte) { put32(b, at["multi counts"], 1) }, "has 1 vectors"},
		{"multi id of too many vectors", func(b []byte) { put32(b, at["multi counts"], nodes) }, "has 120 vectors"},
		{"multi node of another id", func(b []byte) { put32(b, at["multi nodes"], uint32(single(0))) }, "lists node"},
		{"multi node a tombstone", func(b []byte) { put32(b, at["multi nodes"], uint32(h.free[0])) }, "lists node"},
		{"an id's second vector not listed", func(b []byte) {
			a := single(0)
			put32(b, at["block 0 owners"]+4*int(a), h.owner[single(h.owner[a])])
		}, "not listed as several"},
		{"checksum", func(b []byte) { b[at["block 0 vectors"]] ^= 0x40 }, "checksum:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := slices.Clone(saved)
			c.damage(b)
			if c.name != "checksum" {
				b = withChecksum(b)
			}
			g, err := ReadHNSW(bytes.NewReader(b))
			require.ErrorIs(t, err, ErrCorruptGraph)
			require.ErrorContains(t, err, c.want)
			require.Nil(t, g)
		})
	}
	g, err := ReadHNSW(bytes.NewReader(withChecksum(saved)))
	require.NoError(t, err, "undamaged, the same bytes load")
	requireSameGraph(t, h, g)
}

// TestHNSWSaveBigEndian: with the byte swaps of a big-endian machine on, every column goes
// through them both ways, and the graph comes back the same.
func TestHNSWSaveBigEndian(t *testing.T) {
	h := smallGraph(t, 120, 4, 4)
	le := save(t, h)
	nativeLE = false
	defer func() { nativeLE = true }()
	be := save(t, h)
	require.NotEqual(t, le, be)
	require.Equal(t, le[:graphHeaderSize], be[:graphHeaderSize], "the header is little-endian alike")
	g, err := ReadHNSW(bytes.NewReader(be))
	require.NoError(t, err)
	requireSameGraph(t, h, g)
}

// TestHNSWWriteToRefuses: a graph the format cannot hold, or whose left-out parts could not
// be derived again, is refused before anything is written.
func TestHNSWWriteToRefuses(t *testing.T) {
	var buf bytes.Buffer
	n, err := NewHNSW(maxGraphDim+1, L2, HNSWOptions{}).WriteTo(&buf)
	require.ErrorIs(t, err, ErrGraphLimits)
	require.Zero(t, n)
	_, err = NewHNSW(4, L2, HNSWOptions{M: maxGraphM + 1}).WriteTo(&buf)
	require.ErrorIs(t, err, ErrGraphLimits)

	h := smallGraph(t, 120, 4, 4)
	h.dead[h.first[50]] = true // a tombstone that is not a free slot
	_, err = h.WriteTo(&buf)
	require.ErrorContains(t, err, "tombstones")
	h = smallGraph(t, 120, 4, 4)
	h.more[50] = nil
	_, err = h.WriteTo(&buf)
	require.ErrorContains(t, err, "several vectors")
	require.Zero(t, buf.Len())
}

// FuzzReadHNSW: any bytes are refused with an error or load into a graph that can be
// searched and changed; a graph loaded saves back to the bytes it was read from (its seed
// aside) and was read without reading past them. Each input is also tried with its checksum
// made right, so that the structural checks are reached.
func FuzzReadHNSW(f *testing.F) {
	// Small, so that the fuzzer's minimizing of what it finds takes little time.
	h := smallGraph(f, 12, 1, 2)
	saved := save(f, h)
	f.Add(saved)
	f.Add(save(f, NewHNSW(3, Cosine, HNSWOptions{})))
	for _, s := range graphSections(h) {
		f.Add(saved[:s.start])
		f.Add(saved[:(s.start+s.end)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, withChecksum(data)} {
			rd := bytes.NewReader(in)
			g, err := ReadHNSW(rd)
			if err != nil {
				require.Nil(t, g)
				continue
			}
			read := len(in) - rd.Len()
			out := save(t, g)
			require.Len(t, out, read, "nothing read past the graph")
			copy(out[graphHeaderSize-8:graphHeaderSize], in[graphHeaderSize-8:])
			require.Equal(t, in[:read], withChecksum(out))
			exercise(g)
		}
	})
}

// exercise searches, deletes and adds on g, which must not panic.
func exercise(g *HNSW) {
	q := make([]float32, g.dim)
	for i := range q {
		q[i] = float32(i%3) - 1
	}
	g.Search(q, 5, 10, nil)
	g.Range(q, 2, nil)
	for id := range uint32(4) {
		g.Distance(id, q)
		g.Delete(id)
	}
	for id := range uint32(3) {
		q[0] += 0.5
		g.Add(id, q)
	}
	g.Search(q, 3, 10, func(id uint32) bool { return id != 1 })
}
