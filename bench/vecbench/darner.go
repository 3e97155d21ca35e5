package main

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"darner/vectors"
)

const (
	hnswM   = 16
	hnswEFC = 200
)

// linkBytesAtCapacity is what the graph's links take per vector in a layout of fixed slots,
// as both darner and hnswlib use: 2M four-byte slots on level 0, M on each level above, of
// which a node has 1/(M-1) on average (levels drawn with multiplier 1/ln M).
func linkBytesAtCapacity(m int) float64 {
	return 4 * (2*float64(m) + float64(m)/float64(m-1))
}

// heapInUse is the Go heap in use after a collection, plus what vectors holds in memory
// it mapped itself (its HNSW blocks: see vectors.MappedBytes), which the heap does not
// count. A mapping's unwritten pages take no memory, so this can count more than is used;
// rss counts what is.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + uint64(vectors.MappedBytes())
}

// rss is this process's resident memory after a collection that gives the free heap back
// to the system, as hnswlib's harness measures its own.
func rss() uint64 {
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

type darnerConfig struct {
	dir        string
	dim        int
	efs        []int
	minTime    time.Duration
	threads    []int
	profBuild  string
	profSearch string
	seed       uint64
	internals  bool
}

func runDarner(c darnerConfig) error {
	d, err := loadDataset(c.dir, c.dim)
	if err != nil {
		return err
	}
	n := d.n
	tag := fmt.Sprintf("side=darner dim=%d n=%d", d.dim, n)

	before, rssBefore := heapInUse(), rss()
	stop, err := startProfile(c.profBuild)
	if err != nil {
		return err
	}
	h := vectors.NewHNSW(d.dim, vectors.L2, vectors.HNSWOptions{M: hnswM, EFConstruction: hnswEFC, Seed: c.seed})
	t0 := time.Now()
	for i := range n {
		h.Add(uint32(i), d.vec(i))
	}
	el := time.Since(t0)
	stop()
	fmt.Printf("build %s threads=1 secs=%.3f rate=%.1f\n", tag, el.Seconds(), float64(n)/el.Seconds())
	after, rssAfter := heapInUse(), rss()
	mb := h.MemoryBytes()
	if c.internals {
		printInternals(tag, h)
	}
	fmt.Printf("mem %s bytes=%d per_vector=%.1f heap_delta_per_vector=%.1f rss_delta_per_vector=%.1f raw=%d links=%.1f\n",
		tag, mb, float64(mb)/float64(n), (float64(after)-float64(before))/float64(n),
		(float64(rssAfter)-float64(rssBefore))/float64(n), 4*d.dim, linkBytesAtCapacity(hnswM))

	stop, err = startProfile(c.profSearch)
	if err != nil {
		return err
	}
	defer stop()
	for _, ef := range c.efs {
		var recall float64
		for _, th := range c.threads {
			qps, found := measureQPS(d.nq, th, c.minTime, func(i int) []vectors.Result {
				return h.Search(d.query(i), gtK, ef, nil)
			})
			if found != nil {
				recall = recallOf(d, found)
			}
			fmt.Printf("search %s ef=%d threads=%d recall=%.4f qps=%.1f\n", tag, ef, th, recall, qps)
		}
	}
	runtime.KeepAlive(h)
	return nil
}

// printInternals reads, by reflection, what HNSW does not export: the mean level-0 degree
// (count0) and the capacity over length of its per-node slices (what MemoryBytes counts
// beyond the vectors and links themselves). Diagnostic only: a field renamed is skipped.
func printInternals(tag string, h *vectors.HNSW) {
	v := reflect.ValueOf(h).Elem()
	line := "internals " + tag
	if c0 := v.FieldByName("count0"); c0.IsValid() && c0.Kind() == reflect.Slice && c0.Len() > 0 {
		sum := uint64(0)
		for i := range c0.Len() {
			sum += c0.Index(i).Uint()
		}
		line += fmt.Sprintf(" level0_degree=%.2f", float64(sum)/float64(c0.Len()))
	}
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Slice && f.Len() > 0 {
			line += fmt.Sprintf(" %s_cap_over_len=%.3f", v.Type().Field(i).Name, float64(f.Cap())/float64(f.Len()))
		}
	}
	fmt.Println(line)
}

// recallOf is the mean recall@10 of the answers found, by query.
func recallOf(d *dataset, found [][]uint32) float64 {
	hit := 0
	for i, f := range found {
		hit += recallAt10(d.gt[i*gtK:(i+1)*gtK], f)
	}
	return float64(hit) / float64(gtK*len(found))
}

// measureQPS runs the nq queries with threads goroutines, each taking a contiguous share and
// going over it again until minTime has passed, and returns queries per second. With one
// thread it also returns the ids of the first pass's answers (nil otherwise); the recall of
// a search does not depend on the thread running it.
func measureQPS(nq, threads int, minTime time.Duration, search func(i int) []vectors.Result) (float64, [][]uint32) {
	var found [][]uint32
	if threads == 1 {
		found = make([][]uint32, nq)
	}
	counts := make([]int, threads)
	var wg sync.WaitGroup
	t0 := time.Now()
	for t := range threads {
		lo, hi := t*nq/threads, (t+1)*nq/threads
		wg.Go(func() {
			for pass := 0; ; pass++ {
				for i := lo; i < hi; i++ {
					res := search(i)
					if pass == 0 && found != nil {
						ids := make([]uint32, len(res))
						for j, r := range res {
							ids[j] = r.ID
						}
						found[i] = ids
					}
				}
				counts[t] += hi - lo
				if time.Since(t0) >= minTime {
					return
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(t0)
	total := 0
	for _, c := range counts {
		total += c
	}
	return float64(total) / el.Seconds(), found
}
