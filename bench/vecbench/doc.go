// Command vecbench measures darner's vector indexes (package darner/vectors) in-process and
// prints what it measured as lines that bench/vector-bench.sh collects, beside those of
// hnswlib_bench.cpp, the same measurement of hnswlib (C++) on the same files.
//
// Subcommands:
//
//	vecbench gen    -dir D -n 100000 -dims 128,768 -queries 1000 -seed 1
//	vecbench darner -dir D -dim 128 -efs 10,16,... -min-time 1s [-cpuprofile-build F] [-cpuprofile-search F]
//	vecbench flat   -dir D -dim 128 [-cpuprofile F]
//	vecbench graphload -dir D -n 1000000 -dim 128 -tmp T   (build vs saved-graph load)
//	vecbench server -darner BIN -dir D -dim 128 -ef 24 -conns 8 -shards 1   (FT.SEARCH KNN against in-process)
//	vecbench gap    -dir D -dim 128 -ef 24 -gaps 0,20,50,200   (a search after other work; see gap.go)
//	vecbench report FILE...   (Markdown tables from the lines of the runs)
//
// gen writes, per dimension, base_DIM.dvec (n vectors), query_DIM.dvec (the queries) and
// gt_DIM.dvec (the exact 10 nearest base vectors of each query under squared L2, found by
// vectors.Flat). A .dvec file is a 16-byte header — "DVEC", then little-endian uint32s kind
// (0 float32, 1 uint32), rows, cols — and rows×cols little-endian elements.
//
// The data are clustered, not uniform: 100 clusters whose centres are drawn at random
// (N(0, 1/dim) per element, so a centre's norm is about 1); a point is its cluster's centre
// plus Gaussian noise that mostly lies in a cluster-specific random 96-dimensional subspace
// (spread 0.2/(i+1)^0.25 along its i-th direction, each direction of norm about 1) plus a
// small isotropic part (total norm about 0.2). Queries are drawn the same way from another
// random stream, so no query is a base vector. The flags -clusters, -rank, -scale, -decay
// and -noise change the shape.
//
// darner builds vectors.HNSW (M=16, EF_CONSTRUCTION=200, L2) from the base vectors one Add
// at a time (Add is not concurrent), reports build time and memory, then for each ef runs
// the queries with 1 and with 2 goroutines (each taking half the queries), each at least
// -min-time, and reports recall@10 against the ground truth and queries per second.
//
// flat stores the base vectors in vectors.Flat, times single k=10 queries (median), and
// measures the read bandwidth the machine gives one core: the best rate of a SIMD sum over
// an array of the same size as the scanned data, and over a 2 GiB array.
//
// graphload builds vectors.HNSW from the base vectors, writes it (HNSW.WriteTo) to a file
// in T, and reads it back (vectors.ReadHNSW) with the page cache dropped, warm and from
// memory, checking that the loaded graph answers as the built one: whether a restart should
// load a saved graph or build it again (issue 7).
//
// Output lines are a record type then key=value fields, for example
//
//	search side=darner dim=128 n=100000 ef=64 threads=1 recall=0.9512 qps=8123.4
package main
