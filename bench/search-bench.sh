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
# shellcheck disable=SC2086 # $extra is a list of flags
"$bin/searchbench" -darner "$bin/darner" -shards 1,2 -docs "$docs" -duration "${secs}s" $extra
