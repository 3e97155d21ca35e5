package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"darner/vectors"
)

const (
	kindFloat32 = 0
	kindUint32  = 1
	gtK         = 10
)

// writeMatrix writes a .dvec file of rows×cols elements (float32 or uint32, as 32-bit
// words; this program and the harness run on little-endian machines).
func writeMatrix(path string, kind uint32, rows, cols int, words []uint32) error {
	if len(words) != rows*cols {
		return errors.New("writeMatrix: wrong length")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	hdr := make([]byte, 16)
	copy(hdr, "DVEC")
	binary.LittleEndian.PutUint32(hdr[4:], kind)
	binary.LittleEndian.PutUint32(hdr[8:], uint32(rows))
	binary.LittleEndian.PutUint32(hdr[12:], uint32(cols))
	if _, err := f.Write(hdr); err != nil {
		f.Close()
		return err
	}
	buf := make([]byte, 0, 1<<20)
	for _, w := range words {
		buf = binary.LittleEndian.AppendUint32(buf, w)
		if len(buf) == cap(buf) {
			if _, err := f.Write(buf); err != nil {
				f.Close()
				return err
			}
			buf = buf[:0]
		}
	}
	if _, err := f.Write(buf); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readMatrix reads a .dvec file of the given kind.
func readMatrix(path string, kind uint32) (words []uint32, rows, cols int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	hdr := make([]byte, 16)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return nil, 0, 0, err
	}
	if string(hdr[:4]) != "DVEC" || binary.LittleEndian.Uint32(hdr[4:]) != kind {
		return nil, 0, 0, fmt.Errorf("%s: not a .dvec file of kind %d", path, kind)
	}
	rows = int(binary.LittleEndian.Uint32(hdr[8:]))
	cols = int(binary.LittleEndian.Uint32(hdr[12:]))
	raw := make([]byte, 4*rows*cols)
	if _, err := io.ReadFull(f, raw); err != nil {
		return nil, 0, 0, err
	}
	words = make([]uint32, rows*cols)
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	return words, rows, cols, nil
}

func asFloats(w []uint32) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(w))), len(w))
}
func asWords(f []float32) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(f))), len(f))
}

// readVectors reads a float32 .dvec file.
func readVectors(path string) ([]float32, int, int, error) {
	w, rows, cols, err := readMatrix(path, kindFloat32)
	return asFloats(w), rows, cols, err
}

// dataset is one dimension's files, read.
type dataset struct {
	dim, n, nq int
	base, qs   []float32
	gt         []uint32 // nq × gtK
}

func loadDataset(dir string, dim int) (*dataset, error) {
	d := &dataset{dim: dim}
	var c int
	var err error
	if d.base, d.n, c, err = readVectors(filepath.Join(dir, fmt.Sprintf("base_%d.dvec", dim))); err != nil {
		return nil, err
	}
	if c != dim {
		return nil, fmt.Errorf("base_%d.dvec has %d columns", dim, c)
	}
	if d.qs, d.nq, c, err = readVectors(filepath.Join(dir, fmt.Sprintf("query_%d.dvec", dim))); err != nil {
		return nil, err
	}
	if c != dim {
		return nil, fmt.Errorf("query_%d.dvec has %d columns", dim, c)
	}
	var rows int
	if d.gt, rows, c, err = readMatrix(filepath.Join(dir, fmt.Sprintf("gt_%d.dvec", dim)), kindUint32); err != nil {
		return nil, err
	}
	if rows != d.nq || c != gtK {
		return nil, fmt.Errorf("gt_%d.dvec is %d×%d, want %d×%d", dim, rows, c, d.nq, gtK)
	}
	return d, nil
}

func (d *dataset) query(i int) []float32 { return d.qs[i*d.dim : (i+1)*d.dim] }
func (d *dataset) vec(i int) []float32   { return d.base[i*d.dim : (i+1)*d.dim] }

// generator draws points of the clustered distribution described in doc.go.
type generator struct {
	dim     int
	centres [][]float32
	bases   [][][]float32 // by cluster: rank directions of dim elements
	scales  []float32
	noise   float32 // isotropic noise per element
}

// shape is the distribution's parameters: rank directions per cluster, the scale along the
// first (the i-th has scale/(i+1)^decay), the isotropic noise's total norm.
type shape struct {
	clusters, rank      int
	scale, decay, noise float64
}

func newGenerator(dim int, sh shape, r *rand.Rand) *generator {
	clusters, rank := sh.clusters, sh.rank
	g := &generator{dim: dim, noise: float32(sh.noise / math.Sqrt(float64(dim)))}
	sd := float32(1 / math.Sqrt(float64(dim)))
	for range clusters {
		c := make([]float32, dim)
		for j := range c {
			c[j] = float32(r.NormFloat64()) * sd
		}
		g.centres = append(g.centres, c)
		var b [][]float32
		for range rank {
			v := make([]float32, dim)
			for j := range v {
				v[j] = float32(r.NormFloat64()) * sd
			}
			b = append(b, v)
		}
		g.bases = append(g.bases, b)
	}
	for i := range rank {
		g.scales = append(g.scales, float32(sh.scale/math.Pow(float64(i+1), sh.decay)))
	}
	return g
}

// point writes one point into dst.
func (g *generator) point(r *rand.Rand, dst []float32) {
	k := r.IntN(len(g.centres))
	copy(dst, g.centres[k])
	for i, b := range g.bases[k] {
		z := float32(r.NormFloat64()) * g.scales[i]
		for j, x := range b {
			dst[j] += z * x
		}
	}
	for j := range dst {
		dst[j] += float32(r.NormFloat64()) * g.noise
	}
}

// generate writes one dimension's base, queries and ground truth.
func generate(dir string, dim, n, nq int, seed uint64, sh shape) error {
	g := newGenerator(dim, sh, rand.New(rand.NewPCG(seed, uint64(dim))))
	base := make([]float32, n*dim)
	r := rand.New(rand.NewPCG(seed, uint64(dim)<<32|1))
	for i := range n {
		g.point(r, base[i*dim:(i+1)*dim])
	}
	qs := make([]float32, nq*dim)
	rq := rand.New(rand.NewPCG(seed, uint64(dim)<<32|2))
	for i := range nq {
		g.point(rq, qs[i*dim:(i+1)*dim])
	}
	if err := writeMatrix(filepath.Join(dir, fmt.Sprintf("base_%d.dvec", dim)), kindFloat32, n, dim, asWords(base)); err != nil {
		return err
	}
	if err := writeMatrix(filepath.Join(dir, fmt.Sprintf("query_%d.dvec", dim)), kindFloat32, nq, dim, asWords(qs)); err != nil {
		return err
	}
	// Exact ground truth: vectors.Flat, two goroutines (Flat's searches may run together).
	flat := vectors.NewFlat(dim, vectors.L2)
	for i := range n {
		flat.Add(uint32(i), base[i*dim:(i+1)*dim])
	}
	gt := make([]uint32, nq*gtK)
	var wg sync.WaitGroup
	for t := range 2 {
		wg.Go(func() {
			for i := t; i < nq; i += 2 {
				res := flat.Search(qs[i*dim:(i+1)*dim], gtK, nil)
				for j, x := range res {
					gt[i*gtK+j] = x.ID
				}
			}
		})
	}
	wg.Wait()
	return writeMatrix(filepath.Join(dir, fmt.Sprintf("gt_%d.dvec", dim)), kindUint32, nq, gtK, gt)
}

// recallAt10 is the share of the ground truth's 10 ids among the first 10 found.
func recallAt10(gt []uint32, found []uint32) int {
	hit := 0
	for _, f := range found[:min(len(found), gtK)] {
		for _, g := range gt {
			if f == g {
				hit++
				break
			}
		}
	}
	return hit
}
