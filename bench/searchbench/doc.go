// Command searchbench measures darner's search on generated HASH documents: how fast
// documents load with and without an index, what the index costs in memory beside the raw
// data, and the throughput and latency of six kinds of FT.SEARCH query, for each shard count
// asked for (bench/search-bench.sh runs it for 1 and 2 shards and prints the tables).
//
// It starts the darner binary it is given on a free port once per phase (empty; loaded
// without an index; index created, then loaded, then queried; loaded, then indexed by
// FT.CREATE), so that every memory figure comes from a fresh process. The live heap is read
// from the server's GODEBUG=gctrace=1 lines after garbage sent to it has made it collect. It
// loads with raw pipelined HSETs (so the load generator, which shares the machine, spends
// little CPU) and queries through go-redis (what users run). It is not a general load
// generator and asserts nothing: it prints what it measured, as Markdown tables.
package main
