package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vecbench:", err)
		os.Exit(1)
	}
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

const defaultEFs = "10,16,24,32,48,64,96,128,192,256,384,512"

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: vecbench gen|darner|flat|server|gap|graphload|report ...")
	}
	fs := flag.NewFlagSet(args[0], flag.ExitOnError)
	dir := fs.String("dir", ".", "directory of the .dvec files")
	switch args[0] {
	case "gen":
		n := fs.Int("n", 100000, "base vectors per data set")
		dims := fs.String("dims", "128,768", "dimensions, one data set each")
		nq := fs.Int("queries", 1000, "queries per data set")
		seed := fs.Uint64("seed", 1, "generator seed")
		var sh shape
		fs.IntVar(&sh.clusters, "clusters", 100, "Gaussian clusters")
		fs.IntVar(&sh.rank, "rank", 96, "directions of a cluster's spread")
		fs.Float64Var(&sh.scale, "scale", 0.2, "spread along a cluster's first direction")
		fs.Float64Var(&sh.decay, "decay", 0.25, "direction i (from 0) has spread scale/(i+1)^decay")
		fs.Float64Var(&sh.noise, "noise", 0.2, "isotropic noise's total norm")
		fs.Parse(args[1:])
		ds, err := ints(*dims)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*dir, 0o755); err != nil {
			return err
		}
		for _, d := range ds {
			t0 := time.Now()
			if err := generate(*dir, d, *n, *nq, *seed, sh); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "vecbench: generated %d×%d and %d queries with ground truth in %.1f s\n", *n, d, *nq, time.Since(t0).Seconds())
		}
		return nil
	case "darner":
		dim := fs.Int("dim", 128, "which data set")
		efs := fs.String("efs", defaultEFs, "ef values of the sweep")
		threads := fs.String("threads", "1,2", "search goroutine counts (1 must be first: it measures recall)")
		minTime := fs.Duration("min-time", time.Second, "least time per (ef, threads) point")
		pb := fs.String("cpuprofile-build", "", "write a CPU profile of the build here")
		ps := fs.String("cpuprofile-search", "", "write a CPU profile of the search sweep here")
		seed := fs.Uint64("seed", 1, "HNSW level seed")
		internals := fs.Bool("internals", false, "also print the level-0 degree and slice capacity slack, read by reflection")
		fs.Parse(args[1:])
		e, err := ints(*efs)
		if err != nil {
			return err
		}
		th, err := threadCounts(*threads)
		if err != nil {
			return err
		}
		return runDarner(darnerConfig{dir: *dir, dim: *dim, efs: e, threads: th, minTime: *minTime,
			profBuild: *pb, profSearch: *ps, seed: *seed, internals: *internals})
	case "flat":
		dim := fs.Int("dim", 128, "which data set")
		q := fs.Int("queries", 200, "single queries timed")
		prof := fs.String("cpuprofile", "", "write a CPU profile of the timed queries here")
		fs.Parse(args[1:])
		return runFlat(flatConfig{dir: *dir, dim: *dim, queries: *q, prof: *prof})
	case "server":
		bin := fs.String("darner", "", "darner binary to start")
		dim := fs.Int("dim", 128, "which data set (generated in -dir with seed 1 when missing)")
		ef := fs.Int("ef", 24, "EF_RUNTIME of the queries, and ef of the in-process searches")
		shards := fs.String("shards", "1,2", "darner --shards values, one server run each")
		conns := fs.String("conns", "1,8", "query connections, one point each")
		threads := fs.String("threads", "1,2", "in-process search goroutines (1 must be first)")
		dur := fs.Duration("duration", 5*time.Second, "time per point")
		lc := fs.Int("load-conns", 8, "HSET load connections")
		depth := fs.Int("depth", 100, "HSET pipeline depth")
		seed := fs.Uint64("seed", 1, "in-process HNSW level seed")
		during := fs.Bool("search-during-load", false, "also time searches sent one at a time while the vectors load")
		prof := fs.String("cpuprofile", "", "darner writes its CPU profile to this path + \"-shards<N>\"")
		qdepth := fs.Int("query-depth", 1, "queries in flight per connection with the epoll load generator (pipelining)")
		gens := fs.String("loadgen", "threads,epoll", "load generators, each point run with each: threads (a blocking thread per connection), epoll (one thread for all)")
		fs.Parse(args[1:])
		if *bin == "" {
			return fmt.Errorf("-darner is required")
		}
		sh, err := ints(*shards)
		if err != nil {
			return err
		}
		cs, err := ints(*conns)
		if err != nil {
			return err
		}
		th, err := threadCounts(*threads)
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(*dir, fmt.Sprintf("gt_%d.dvec", *dim))); err != nil {
			if err := os.MkdirAll(*dir, 0o755); err != nil {
				return err
			}
			// The gen subcommand's defaults: 100 000 base vectors, 1000 queries, seed 1.
			sh := shape{clusters: 100, rank: 96, scale: 0.2, decay: 0.25, noise: 0.2}
			if err := generate(*dir, *dim, 100000, 1000, 1, sh); err != nil {
				return err
			}
		}
		return runServer(serverConfig{dir: *dir, bin: *bin, dim: *dim, ef: *ef, shards: sh, conns: cs, threads: th,
			duration: *dur, loadConn: *lc, depth: *depth, seed: *seed, profile: *prof, searchDuringLoad: *during,
			loadgens: strings.Split(*gens, ","), queryDepth: *qdepth})
	case "gap":
		dim := fs.Int("dim", 128, "which data set (gen's, in -dir)")
		ef := fs.Int("ef", 24, "ef of the searches")
		gaps := fs.String("gaps", "0,20,50,200", "microseconds of work before each search, one point each")
		rounds := fs.Int("rounds", 3, "rounds of all the gaps in turn")
		dur := fs.Duration("duration", 2*time.Second, "time per gap and round")
		fs.Parse(args[1:])
		gs, err := ints(*gaps)
		if err != nil {
			return err
		}
		return runGap(gapConfig{data: *dir, dim: *dim, ef: *ef, gaps: gs, rounds: *rounds, dur: *dur})
	case "graphload":
		return graphLoadMain(fs, dir, args[1:])
	case "report":
		fs.Parse(args[1:])
		return report(os.Stdout, fs.Args())
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}

// threadCounts reads -threads: goroutine counts, of which the first must be 1 (it is the
// run that measures recall).
func threadCounts(s string) ([]int, error) {
	th, err := ints(s)
	if err != nil {
		return nil, err
	}
	if len(th) == 0 || th[0] != 1 {
		return nil, fmt.Errorf("-threads must start with 1")
	}
	return th, nil
}
