#!/usr/bin/env bash
# Write throughput with the append-only file, darner against redis-server, in one run.
#
#   bench/aof-bench.sh [rounds] [requests] [pct]   (defaults 3, 500000, 100)
#
# pct is auto-aof-rewrite-percentage for both servers (0: no automatic rewrite, which
# measures the logging alone; 100, the default of both, rewrites as the log grows).
#
# Starts, each in its own directory: darner and redis-server with persistence off, with
# appendonly yes + appendfsync everysec, and with appendfsync always. For each round and
# pipeline depth (-P 1, -P 16) runs
#   redis-benchmark -t set,hset -c 50 -n <requests> -r 1000000 -P <p> --csv
# against each in turn (the order rotates between rounds). Prints the medians per cell and
# each server's ratio to itself without persistence (issue 7's target: everysec ≥ 0.8×).
# Then restarts the everysec servers and times the replay of what they logged.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
requests=${2:-500000}
pct=${3:-100}
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server redis-tools >/dev/null; }
tmp=$(mktemp -d)
trap 'for p in 6601 6602 6603 6611 6612 6613; do redis-cli -p $p shutdown nosave >/dev/null 2>&1 || true; done; kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/darner" .
echo "Machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(redis-server --version | cut -d' ' -f3), darner at $(git rev-parse --short HEAD), disk: $(df -h "$tmp" | awk 'NR==2 {print $1}')"
echo "Command: bench/aof-bench.sh $rounds $requests $pct"

wait_ready() { until [[ $(redis-cli -p "$1" dbsize 2>/dev/null) =~ ^[0-9]+$ ]]; do sleep 0.01; done; }
darner() { # port dir args...
	local port=$1 dir=$2; shift 2
	mkdir -p "$dir"
	"$tmp/darner" --port "$port" --dir "$dir" --loglevel warning "$@" &
	wait_ready "$port"
}
redis() { # port dir args...
	local port=$1 dir=$2; shift 2
	mkdir -p "$dir"
	redis-server --port "$port" --dir "$dir" --save "" --daemonize yes --logfile "$dir/log" "$@"
	wait_ready "$port"
}
darner 6601 "$tmp/d-off"
darner 6602 "$tmp/d-everysec" --appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage "$pct"
darner 6603 "$tmp/d-always" --appendonly yes --appendfsync always --auto-aof-rewrite-percentage "$pct"
redis 6611 "$tmp/r-off" --appendonly no
redis 6612 "$tmp/r-everysec" --appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage "$pct"
redis 6613 "$tmp/r-always" --appendonly yes --appendfsync always --auto-aof-rewrite-percentage "$pct"
names=(darner-off darner-everysec darner-always redis-off redis-everysec redis-always)
ports=(6601 6602 6603 6611 6612 6613)

echo "server,pipeline,round,test,rps,avg_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms" >"$tmp/rows.csv"
for r in $(seq "$rounds"); do
	for P in 1 16; do
		for i in $(seq 0 5); do
			j=$(((i + r) % 6))
			redis-benchmark -p "${ports[$j]}" -t set,hset -c 50 -n "$requests" -r 1000000 -P "$P" --csv -q |
				tail -n +2 | tr -d '"' | sed "s/^/${names[$j]},$P,$r,/" >>"$tmp/rows.csv"
		done
	done
done
cat "$tmp/rows.csv"
echo
echo "Log rewrites during the runs (auto-aof-rewrite-percentage $pct, min size 64 MB, both):"
for i in 1 2 4 5; do echo "${names[$i]}: $(redis-cli -p "${ports[$i]}" info persistence | grep -E '^aof_rewrites:' | tr -d '\r')"; done
echo
echo "| server | test | -P | rps (median) | ÷ same server, persistence off | p99 ms |"
echo "|---|---|---|---|---|---|"
awk -F, 'NR>1 { k=$1","$2","$4; rps[k]=rps[k]" "$5; p99[k]=p99[k]" "$10 }
function median(s,   a,n,i,j,t) { n=split(s,a," "); for(i=1;i<=n;i++)for(j=i+1;j<=n;j++)if(a[j]+0<a[i]+0){t=a[i];a[i]=a[j];a[j]=t}; return (n%2)?a[(n+1)/2]:(a[n/2]+a[n/2+1])/2 }
END {
	for (k in rps) { split(k, f, ","); split(f[1], s, "-")
		off = s[1] "-off," f[2] "," f[3]
		printf "| %s | %s | %s | %.0f | %.2f | %.3f |\n", f[1], f[3], f[2], median(rps[k]), median(rps[k])/median(rps[off]), median(p99[k])
	}
}' "$tmp/rows.csv" | sort -t'|' -k3,3 -k4,4n -k2,2

echo
echo "Replay at start (the everysec servers' logs, as written by the runs above):"
for s in darner redis; do
	port=6602; dir=$tmp/d-everysec
	[[ $s == redis ]] && port=6612 && dir=$tmp/r-everysec
	keys=$(redis-cli -p $port dbsize)
	redis-cli -p $port shutdown >/dev/null 2>&1 || true
	while redis-cli -p $port ping >/dev/null 2>&1; do sleep 0.05; done
	sleep 0.5
	size=$(du -sb "$dir/appendonlydir" | cut -f1)
	t0=$(date +%s.%N)
	if [[ $s == darner ]]; then darner $port "$dir" --appendonly yes --appendfsync everysec; else redis $port "$dir" --appendonly yes --appendfsync everysec; fi
	t1=$(date +%s.%N)
	echo "$s: $keys keys, log $((size / 1048576)) MiB, ready after $(echo "$t1 - $t0" | bc) s, dbsize $(redis-cli -p $port dbsize)"
done
