package search

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"darner/engine"
	"darner/vectors"

	"github.com/RoaringBitmap/roaring/v2"
)

// HNSW graphs in snapshots. Building a graph costs far more than reading one (issue 7's
// measurement is in bench/RESULTS.md), so a snapshot saves each part's HNSW graphs with the
// key of every id in them, and loading puts them back instead of inserting every vector
// again:
//
//  1. The keys are loaded and the index is made; before its scan starts, LoadGraph reads a
//     graph, gives each saved key's document (on the shard it belongs to) its number, and
//     relabels the graph's ids to those numbers. Ids whose key is gone are deleted. The
//     graph's ids wait in the part's preloaded set: searches leave them out until the scan
//     (or a write) indexes their document.
//  2. When a document is indexed and the graph holds exactly its vector under its number,
//     the insertion is skipped; if it holds another, that one is deleted first.
//  3. When the scan ends, what no document claimed is deleted.
//
// A graph saved from a different number of shards, or for a field whose parameters
// changed, is not used: the scan builds the index as without it. So a graph need not be of
// the snapshot's moment — BGSAVE writes them after the keys, a shard at a time — since
// steps 2 and 3 bring it to the documents loaded.
//
// A graph's blob: "DGR1", then uvarints shard, shards and the field's name length, the
// name, the graph (vectors.HNSW.WriteTo), and the ids: a uvarint count, then per id its
// number as a uvarint and its key, length first.

var graphMagic = []byte("DGR1")

// WriteGraphs writes, through emit, one blob per HNSW field of idx's part on shard. The
// caller holds the shard's lock.
func (idx *Index) WriteGraphs(shard int, emit func(field string, blob []byte) error) error {
	p := idx.parts[shard]
	p.settle()
	for _, f := range idx.Def.Fields {
		if f.Vector == nil || f.Vector.Algorithm != "HNSW" {
			continue
		}
		h, ok := p.vecs[f.slot].(hnswIndex)
		if !ok || h.Len() == 0 {
			continue
		}
		var b bytes.Buffer
		b.Write(graphMagic)
		b.Write(binary.AppendUvarint(nil, uint64(shard)))
		b.Write(binary.AppendUvarint(nil, uint64(len(idx.parts))))
		b.Write(binary.AppendUvarint(nil, uint64(len(f.Name))))
		b.WriteString(f.Name)
		if _, err := h.WriteTo(&b); err != nil {
			return err
		}
		// Only ids of indexed documents: while a loaded graph is being reconciled it also
		// holds ids no document has claimed yet (they have no key; the load drops them).
		var ids []uint32
		for id := range h.IDsSeq() {
			if p.live.Contains(id) {
				ids = append(ids, id)
			}
		}
		b.Write(binary.AppendUvarint(nil, uint64(len(ids))))
		for _, id := range ids {
			key := p.doc(id).key
			b.Write(binary.AppendUvarint(nil, uint64(id)))
			b.Write(binary.AppendUvarint(nil, uint64(len(key))))
			b.WriteString(key)
		}
		if err := emit(f.Name, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// errGraphUnused is a graph LoadGraph leaves aside: not an error for the load.
var errGraphUnused = errors.New("search: saved graph not usable")

// LoadGraph puts a graph WriteGraphs wrote into idx, before its scan runs (see the top).
// tx holds every shard for writing (the loader's). It reports whether the graph was used;
// a graph that does not fit is left aside, and a damaged one is an error.
func (r *Registry) LoadGraph(tx *engine.Tx, idx *Index, blob []byte) (bool, error) {
	err := r.loadGraph(tx, idx, blob)
	if errors.Is(err, errGraphUnused) {
		return false, nil
	}
	return err == nil, err
}

func (r *Registry) loadGraph(tx *engine.Tx, idx *Index, blob []byte) error {
	rd := bufio.NewReader(bytes.NewReader(blob))
	magic := make([]byte, len(graphMagic))
	if _, err := io.ReadFull(rd, magic); err != nil || !bytes.Equal(magic, graphMagic) {
		return errors.New("search: saved graph: bad header")
	}
	shard, err1 := binary.ReadUvarint(rd)
	shards, err2 := binary.ReadUvarint(rd)
	name, err3 := readString(rd)
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("search: saved graph: %w", err)
	}
	if shard >= shards {
		return errors.New("search: saved graph: bad shard")
	}
	f := idx.Def.Field(name)
	if shards != uint64(len(idx.parts)) || f == nil || f.Vector == nil || f.Vector.Algorithm != "HNSW" {
		return errGraphUnused
	}
	h, err := vectors.ReadHNSW(rd)
	if err != nil {
		return fmt.Errorf("search: saved graph of %s: %w", name, err)
	}
	dim, metric, m, efc := h.Params()
	want := vectors.NewHNSW(f.Vector.Dim, f.Vector.Metric, vectors.HNSWOptions{M: f.Vector.M, EFConstruction: f.Vector.EFConstruction})
	if wd, wmet, wm, wefc := want.Params(); dim != wd || metric != wmet || m != wm || efc != wefc {
		return errGraphUnused
	}
	ids, err := readGraphIDs(rd)
	if err != nil {
		return fmt.Errorf("search: saved graph of %s: %w", name, err)
	}
	p := idx.parts[shard]
	v := tx.ShardView(0, int(shard))
	claimed := roaring.New()
	h.Relabel(func(old uint32) (uint32, bool) {
		key, ok := ids[old]
		if !ok || r.store.ShardOf([]byte(key)) != int(shard) {
			return 0, false
		}
		o := v.Get(key)
		if o == nil || !p.def.admits(key, o) || claimed.Contains(o.Doc) && o.Doc != 0 {
			return 0, false
		}
		if o.Doc == 0 {
			o.Doc = r.nums[shard].get()
		}
		claimed.Add(o.Doc)
		return o.Doc, true
	})
	p.vecs[f.slot] = hnswIndex{h}
	if p.preloaded == nil {
		p.preloaded = make([]*roaring.Bitmap, len(p.vecs))
	}
	p.preloaded[f.slot] = claimed
	return nil
}

func readString(rd *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(rd)
	if err != nil {
		return "", err
	}
	if n > 1<<20 {
		return "", errors.New("string too long")
	}
	b := make([]byte, n)
	_, err = io.ReadFull(rd, b)
	return string(b), err
}

func readGraphIDs(rd *bufio.Reader) (map[uint32]string, error) {
	n, err := binary.ReadUvarint(rd)
	if err != nil {
		return nil, err
	}
	ids := make(map[uint32]string, min(n, 1<<20))
	for range n {
		id, err := binary.ReadUvarint(rd)
		if err != nil {
			return nil, err
		}
		key, err := readString(rd)
		if err != nil {
			return nil, err
		}
		ids[uint32(id)] = key
	}
	return ids, nil
}

// claimPreloaded is step 2: it reports whether the preloaded graph of vector slot already
// holds document id's vectors vs (the insertion is then skipped); a graph holding other
// vectors for id drops them.
func (p *part) claimPreloaded(slot int, id uint32, vs [][]float32) bool {
	if p.preloaded == nil || p.preloaded[slot] == nil || !p.preloaded[slot].Contains(id) {
		return false
	}
	p.preloaded[slot].Remove(id)
	h := p.vecs[slot].(hnswIndex)
	if len(vs) == 1 && h.Holds(id, vs[0]) {
		p.reused.Add(1)
		return true
	}
	h.Delete(id)
	return false
}

// vecAccept is the filter a graph walk of vector slot uses: while a preloaded graph holds
// ids not yet claimed by an indexed document, only indexed documents.
func (p *part) vecAccept(slot int, accept func(uint32) bool) func(uint32) bool {
	if accept != nil || p.preloaded == nil || p.preloaded[slot] == nil || p.preloaded[slot].IsEmpty() {
		return accept
	}
	return p.live.Contains
}

// VectorsReused counts the vectors that documents found in graphs loaded from a snapshot,
// instead of being inserted again (for the log and tests).
func (idx *Index) VectorsReused() int64 {
	var n int64
	for _, p := range idx.parts {
		n += p.reused.Load()
	}
	return n
}

// dropPreloaded is step 3: the ids no document claimed are deleted. The caller holds the
// shard's lock.
func (p *part) dropPreloaded() {
	p.settle()
	for slot, bm := range p.preloaded {
		if bm == nil {
			continue
		}
		for it := bm.Iterator(); it.HasNext(); {
			p.vecs[slot].Delete(it.Next())
		}
	}
	p.preloaded = nil
}
