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
//
// With -redisearch PATH (a RediSearch 1.x module, such as Debian bookworm's redis-redisearch,
// /usr/lib/redis/modules/redisearch.so), it then runs the same measurement against that
// module loaded into redis-server (-redis-server, default from $PATH), on a fresh process per
// phase started with --save "" --appendonly no and a temporary --dir, so that it writes no
// dump, and stopped with SIGTERM at the phase's end: the same documents loaded with plain HSETs
// (no index), then FT.CREATE and the same documents loaded with FT.ADD (RediSearch 1.x indexes
// only what FT.ADD adds, and FT.ADD writes the hash too), both over the same connections and
// pipeline depth, then the same query classes drawing the same queries at the same
// concurrencies. The queries are adapted to 1.x: no DIALECT, and LIMIT 0 0, which 1.x
// refuses, sent as NOCONTENT LIMIT 0 1; the module is loaded with TIMEOUT 0, as 1.x otherwise
// cuts queries at 500 ms and answers with what it has. Memory there is used_memory and the
// process' RSS (no live heap). The peer gets tables of its own and, per darner shard count, a
// table of darner / RediSearch ratios. The phrase class's mean total_results differs between
// the two: RediSearch 1.x matches a phrase of one word twice ("w w") in every document that
// has w, where darner matches only those where w follows w.
package main
