#!/usr/bin/env bash
# darner's HNSW (package darner/vectors, in-process) against hnswlib (C++, Debian's
# libhnswlib-dev 0.6.2 headers, built here with g++ -O3 -march=native), on the same generated
# data, in the same run; plus vectors.Flat's exact scan against the machine's read bandwidth.
#
#   bench/vector-bench.sh [n] [dims] [seconds per search point]      # default 100000 128,768 1
#
# Installs g++ and libhnswlib-dev with apt-get when missing, builds bench/vecbench and
# bench/vecbench/hnswlib_bench.cpp, generates the data sets (n clustered float32 vectors per
# dimension, 1000 queries from the same distribution, exact top-10 by vectors.Flat; see
# bench/vecbench/doc.go) in a temporary directory, then for each data set runs darner's side,
# then hnswlib's, then the FLAT scan, one after the other (never at the same time), and
# prints Markdown tables. Both sides: M=16, EF_CONSTRUCTION=200, squared L2, single-threaded
# insertion (hnswlib is also timed with 2 inserting threads), recall@10 and queries per second
# with 1 and 2 threads for each ef of $EFS, each point run for at least the given seconds.
# The raw lines go to standard error (and to $VECBENCH_OUT when set); with $PROFILE_DIR set,
# darner's build, search sweep and FLAT queries write CPU profiles there, and darner's side
# also prints its level-0 degree and slice capacity slack (-internals). On the 2-core CI
# machine the default run took 382 s (6.4 min); the 768-d builds are most of it.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
dims=${2:-128,768}
secs=${3:-1}
efs=${EFS:-10,16,24,32,48,64,96,128,192,256,384,512}
start=$(date +%s)

if ! command -v g++ >/dev/null || [[ ! -f /usr/include/hnswlib/hnswalg.h ]]; then
	apt-get update -qq
	apt-get install -y -qq g++ libhnswlib-dev >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/vecbench" ./bench/vecbench
g++ -O3 -march=native -std=c++17 -pthread -o "$tmp/hnswlib_bench" bench/vecbench/hnswlib_bench.cpp

echo "Machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, Linux $(uname -r | cut -d- -f1), $(go version | cut -d' ' -f3), $(g++ --version | head -1), libhnswlib-dev $(dpkg-query -W -f='${Version}' libhnswlib-dev 2>/dev/null || echo '?')"
echo "CPU flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f)$' | tr '\n' ' ')"
echo "vectors/*.go measured: sha256 $(cat vectors/*.go | sha256sum | cut -c1-16)"
echo "Load average at start: $(cut -d" " -f1-3 /proc/loadavg)"
echo "Command: bench/vector-bench.sh $n $dims $secs (EFS=$efs${HNSWLIB_FIRST:+, HNSWLIB_FIRST=1})"

"$tmp/vecbench" gen -dir "$tmp/data" -n "$n" -dims "$dims" -queries 1000
out=$tmp/results.txt
prof=()
for dim in ${dims//,/ }; do
	if [[ -n ${PROFILE_DIR:-} ]]; then
		mkdir -p "$PROFILE_DIR"
		prof=(-internals -cpuprofile-build "$PROFILE_DIR/darner-build-$dim.prof" -cpuprofile-search "$PROFILE_DIR/darner-search-$dim.prof")
	fi
	run_darner() {
		echo "vector-bench: $dim-d: darner" >&2
		"$tmp/vecbench" darner -dir "$tmp/data" -dim "$dim" -efs "$efs" -min-time "${secs}s" "${prof[@]}" | tee -a "$out" >&2
	}
	run_hnswlib() {
		echo "vector-bench: $dim-d: hnswlib" >&2
		"$tmp/hnswlib_bench" --dir "$tmp/data" --dim "$dim" --efs "$efs" --min-time "$secs" --build-threads 1,2 | tee -a "$out" >&2
	}
	# HNSWLIB_FIRST=1 runs the peer first: on this shared machine the second side can meet a
	# quieter or busier neighbour, so runs in both orders show whether order matters.
	if [[ -n ${HNSWLIB_FIRST:-} ]]; then
		run_hnswlib
		run_darner
	else
		run_darner
		run_hnswlib
	fi
	echo "vector-bench: $dim-d: FLAT" >&2
	fprof=()
	[[ -n ${PROFILE_DIR:-} ]] && fprof=(-cpuprofile "$PROFILE_DIR/darner-flat-$dim.prof")
	"$tmp/vecbench" flat -dir "$tmp/data" -dim "$dim" "${fprof[@]}" | tee -a "$out" >&2
done
[[ -n ${VECBENCH_OUT:-} ]] && cp "$out" "$VECBENCH_OUT"
"$tmp/vecbench" report "$out"
echo
echo "Run time: $(( $(date +%s) - start )) s; load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
