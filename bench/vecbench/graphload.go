package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"darner/vectors"
)

// graphload measures issue 7's choice for a vector index on restart: insert every vector
// again, or load the graph saved with the snapshot. It builds vectors.HNSW as the server
// does (M=16, EF_CONSTRUCTION=200, one Add at a time, as a shard's indexer inserts), saves
// it with WriteTo to a file in a temporary directory (time, bytes, MB/s, then the fsync),
// and loads it back with ReadHNSW three ways: with the file out of the page cache (cold),
// in it (warm), and from a byte slice in memory (no system calls). Each loaded graph
// must answer the queries exactly as the built one did (same ids, same distances);
// recall@10 against the exact ground truth is printed for both.
//
//	vecbench graphload -n 1000000 -dim 128 [-queries 1000] [-ef 64] [-repeat 3] [-dir D] [-tmp T]
//
// The data set is gen's (seed 1, its default shape), read from -dir when it holds one of
// this size and dimension, else generated there; without -dir it is generated in the
// temporary directory and removed with the graph.
type graphLoadConfig struct {
	data, tmp   string
	n, dim, nq  int
	ef, repeat  int
	seed        uint64
	keepDataset bool // the data set is in a directory of the user's
}

// graphLoadMain reads graphload's flags (dir is the shared -dir flag of fs) and runs it.
func graphLoadMain(fs *flag.FlagSet, dir *string, args []string) error {
	n := fs.Int("n", 100000, "base vectors")
	dim := fs.Int("dim", 128, "dimension")
	nq := fs.Int("queries", 1000, "queries whose answers are compared and recall measured")
	ef := fs.Int("ef", 64, "ef of those queries")
	tmp := fs.String("tmp", os.TempDir(), "where the temporary directory for the graph file goes")
	seed := fs.Uint64("seed", 1, "HNSW level seed")
	repeat := fs.Int("repeat", 3, "loads with the file in the page cache, and as many from memory")
	fs.Parse(args)
	c := graphLoadConfig{tmp: *tmp, n: *n, dim: *dim, nq: *nq, ef: *ef, repeat: *repeat, seed: *seed}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "dir" {
			c.data, c.keepDataset = *dir, true
		}
	})
	return runGraphLoad(c)
}

// graphLoad is one load's measurement.
type graphLoad struct {
	how      string  // cold, warm, memory
	secs     float64 // ReadHNSW, file opened included
	resident float64 // share of the file's pages in the page cache before the load
	same     bool    // every answer as the built graph's
	recall   float64
}

func runGraphLoad(c graphLoadConfig) error {
	tmp, err := os.MkdirTemp(c.tmp, "vecbench-graph-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if !c.keepDataset {
		c.data = tmp
	}
	d, err := graphDataset(c)
	if err != nil {
		return err
	}
	tag := fmt.Sprintf("side=darner dim=%d n=%d", d.dim, d.n)
	h := vectors.NewHNSW(d.dim, vectors.L2, vectors.HNSWOptions{M: hnswM, EFConstruction: hnswEFC, Seed: c.seed})
	t0 := time.Now()
	for i := range d.n {
		h.Add(uint32(i), d.vec(i))
	}
	build := time.Since(t0).Seconds()
	fmt.Printf("graphbuild %s secs=%.3f rate=%.1f\n", tag, build, float64(d.n)/build)
	want := searchAll(h, d, c.ef)
	built := recallOf(d, idsOf(want))

	path := filepath.Join(tmp, "graph.hnsw")
	size, write, sync, err := writeGraph(h, path)
	if err != nil {
		return err
	}
	mb := float64(size) / 1e6
	fmt.Printf("graphwrite %s bytes=%d secs=%.3f mbs=%.1f fsync_secs=%.3f\n", tag, size, write, mb/write, sync)
	h = nil // the loads below have the memory to themselves

	// Every way is tried more than once: the time a load takes varies with the memory it is
	// given (pages the system has yet to back cost a fault each, which on a virtual machine
	// can be most of the load: the first load of a process, as on a restart, pays it), and
	// the repeats show by how much.
	var loads []graphLoad
	ways := []string{"cold", "cold"}
	for range c.repeat {
		ways = append(ways, "warm")
	}
	for range c.repeat {
		ways = append(ways, "memory")
	}
	for _, l := range ways {
		if l == "cold" {
			how, err := dropCache(path)
			if err != nil {
				return err
			}
			fmt.Printf("# cold: page cache dropped with %s\n", how)
		}
		r, err := loadGraph(path, l, d, c.ef, want)
		if err != nil {
			return err
		}
		fmt.Printf("graphread %s cache=%s resident=%.3f secs=%.3f mbs=%.1f same=%t recall=%.4f\n",
			tag, r.how, r.resident, r.secs, mb/r.secs, r.same, r.recall)
		loads = append(loads, r)
	}
	printGraphTable(d, c.ef, build, size, write, sync, built, loads)
	for _, r := range loads {
		if !r.same {
			return fmt.Errorf("the graph loaded (%s) answers differently from the one built", r.how)
		}
	}
	return nil
}

// graphDataset reads the data set from c.data, generating it there first when it is
// missing or of another size.
func graphDataset(c graphLoadConfig) (*dataset, error) {
	base := filepath.Join(c.data, fmt.Sprintf("base_%d.dvec", c.dim))
	query := filepath.Join(c.data, fmt.Sprintf("query_%d.dvec", c.dim))
	bs, errB := os.Stat(base)
	qs, errQ := os.Stat(query)
	if errB != nil || errQ != nil || bs.Size() != 16+4*int64(c.n)*int64(c.dim) || qs.Size() != 16+4*int64(c.nq)*int64(c.dim) {
		t0 := time.Now()
		sh := shape{clusters: 100, rank: 96, scale: 0.2, decay: 0.25, noise: 0.2} // gen's defaults
		if err := generate(c.data, c.dim, c.n, c.nq, 1, sh); err != nil {
			return nil, err
		}
		fmt.Printf("# generated %d×%d and %d queries with ground truth in %.1f s\n", c.n, c.dim, c.nq, time.Since(t0).Seconds())
	}
	return loadDataset(c.data, c.dim)
}

// searchAll answers every query at ef, one goroutine.
func searchAll(h *vectors.HNSW, d *dataset, ef int) [][]vectors.Result {
	out := make([][]vectors.Result, d.nq)
	for i := range d.nq {
		out[i] = h.Search(d.query(i), gtK, ef, nil)
	}
	return out
}

func idsOf(rs [][]vectors.Result) [][]uint32 {
	out := make([][]uint32, len(rs))
	for i, r := range rs {
		for _, x := range r {
			out[i] = append(out[i], x.ID)
		}
	}
	return out
}

// writeGraph saves h to path, timing WriteTo (into the page cache) and the fsync after.
func writeGraph(h *vectors.HNSW, path string) (size int64, write, sync float64, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, 0, err
	}
	defer f.Close()
	t0 := time.Now()
	if size, err = h.WriteTo(f); err != nil {
		return 0, 0, 0, err
	}
	write = time.Since(t0).Seconds()
	t0 = time.Now()
	if err = f.Sync(); err != nil {
		return 0, 0, 0, err
	}
	return size, write, time.Since(t0).Seconds(), f.Close()
}

// loadGraph times one ReadHNSW of the file (how "memory": of its bytes read beforehand)
// and compares the loaded graph's answers with want.
func loadGraph(path, how string, d *dataset, ef int, want [][]vectors.Result) (graphLoad, error) {
	r := graphLoad{how: how}
	var err error
	if r.resident, err = residentShare(path); err != nil {
		return r, err
	}
	var raw []byte
	if how == "memory" {
		if raw, err = os.ReadFile(path); err != nil {
			return r, err
		}
	}
	runtime.GC() // the previous load's graph is garbage: not collected inside the timing
	t0 := time.Now()
	var g *vectors.HNSW
	if raw != nil {
		g, err = vectors.ReadHNSW(bytes.NewReader(raw))
	} else {
		var f *os.File
		if f, err = os.Open(path); err != nil {
			return r, err
		}
		g, err = vectors.ReadHNSW(f)
		f.Close()
	}
	r.secs = time.Since(t0).Seconds()
	if err != nil {
		return r, err
	}
	got := searchAll(g, d, ef)
	r.same = slices.EqualFunc(want, got, slices.Equal)
	r.recall = recallOf(d, idsOf(got))
	return r, nil
}

// dropCache takes the file out of the page cache: the whole cache through
// /proc/sys/vm/drop_caches where this process may write it (root, outside most
// containers), else the file's own pages with posix_fadvise(DONTNEED). The file must have
// been synced: only clean pages are dropped. It says which way it took.
func dropCache(path string) (string, error) {
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("1\n"), 0); err == nil {
		return "/proc/sys/vm/drop_caches", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return "", err
	}
	return "posix_fadvise(DONTNEED) (drop_caches not writable)", nil
}

// residentShare is the share of the file's pages in the page cache (mincore of a mapping).
func residentShare(path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return 0, err
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return 0, err
	}
	defer unix.Munmap(m)
	page := os.Getpagesize()
	vec := make([]byte, (len(m)+page-1)/page)
	_, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(m))), uintptr(len(m)),
		uintptr(unsafe.Pointer(unsafe.SliceData(vec))))
	if e != 0 {
		return 0, e
	}
	in := 0
	for _, v := range vec {
		in += int(v & 1)
	}
	return float64(in) / float64(len(vec)), nil
}

// printGraphTable prints the run as a Markdown table.
func printGraphTable(d *dataset, ef int, build float64, size int64, write, sync, recall float64, loads []graphLoad) {
	mb := float64(size) / 1e6
	fmt.Printf("\n### HNSW %d × %d float32, L2, M=%d, EF_CONSTRUCTION=%d: rebuild or load\n\n", d.n, d.dim, hnswM, hnswEFC)
	fmt.Println("| step | time | size / rate | recall@10 (ef " + fmt.Sprint(ef) + ") | answers as built |")
	fmt.Println("|---|---|---|---|---|")
	fmt.Printf("| build, 1 goroutine | %.1f s | %.0f vectors/s | %.4f | — |\n", build, float64(d.n)/build, recall)
	fmt.Printf("| write (WriteTo into the page cache) | %.3f s | %.1f MB, %.0f MB/s | — | — |\n", write, mb, mb/write)
	fmt.Printf("| fsync after the write | %.3f s | %.0f MB/s with the write | — | — |\n", sync, mb/(write+sync))
	for i, r := range loads {
		step := fmt.Sprintf("read %s (%.0f %% of the file cached before)", r.how, 100*r.resident)
		if i == 0 {
			step += ", the process's first load"
		}
		if r.how == "memory" {
			step = "read from memory (the file's bytes)"
		}
		fmt.Printf("| %s | %.3f s | %.0f MB/s, %.0f× faster than the build | %.4f | %t |\n",
			step, r.secs, mb/r.secs, build/r.secs, r.recall, r.same)
	}
}
