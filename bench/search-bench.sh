#!/usr/bin/env bash
# darner's search benchmark: loading generated HASH documents with and without an index, the
# memory the index takes beside the raw data, and FT.SEARCH throughput and latency for six
# kinds of query, with --shards 1 and --shards 2, then the ratios 2 shards / 1 shard.
#
#   bench/search-bench.sh [docs] [seconds per query class] [extra searchbench flags]
#
# Builds darner and bench/searchbench, which starts darner on a free port once per phase (an
# empty server; loading without an index; an index created first, then loading, then the
# queries; loading, then FT.CREATE until FT.INFO reports indexing 0), so that each memory
# figure comes from a fresh process. See bench/searchbench/doc.go and its flags
# (-cpuprofile-dir DIR writes darner's CPU profile per phase). Tables go to standard output,
# progress to standard error. On the 2-core CI machine a run at 1 000 000 documents takes
# about four minutes, at 100 000 about two (the query classes' fixed durations dominate).
#
# When the RediSearch module is installed ($REDISEARCH_SO, default
# /usr/lib/redis/modules/redisearch.so: Debian's redis-redisearch, RediSearch 1.2) and
# redis-server is on the PATH, the same run adds the peer phases: the same documents loaded
# into a fresh redis-server with the module by plain HSETs, then by FT.ADD after FT.CREATE
# (1.x indexes only what FT.ADD adds), the same queries (without DIALECT; `*` with NOCONTENT
# LIMIT 0 1, as 1.x refuses LIMIT 0 0) at the same concurrencies, redis-server's used_memory
# and RSS, and a table of darner / RediSearch ratios. redis-server is started with --save ""
# --appendonly no in a temporary directory and stopped at the end of each phase. At 1 000 000
# documents and 5 s a query class, the peer phases took 2 min 13 s of a 3 min 44 s run of
# -shards 1 (FT.ADD loading alone about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-1000000}
secs=${2:-5}
extra=${3:-}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

go build -o "$bin/darner" .
go build -o "$bin/searchbench" ./bench/searchbench
# The commit built (read-only; uncommitted changes in the work tree are built too).
echo "darner: $(git log -1 --format='%h %ad "%s"' --date=iso 2>/dev/null | cut -c1-120 || echo unknown)"
so=${REDISEARCH_SO:-/usr/lib/redis/modules/redisearch.so}
peer=()
if [[ -f $so ]] && command -v redis-server >/dev/null; then
	peer=(-redisearch "$so")
fi
# shellcheck disable=SC2086 # $extra is a list of flags
"$bin/searchbench" -darner "$bin/darner" -shards 1,2 -docs "$docs" -duration "${secs}s" "${peer[@]}" $extra
