#!/usr/bin/env bash
# darner vs redis-server under redis-benchmark, side by side in one run.
#
#   bench/redis-benchmark.sh [rounds] [requests] [extra redis-benchmark flags, e.g. "-r 1000000"]
#
# Builds darner, starts it and a redis-server (Debian's, persistence off) on free ports, then
# for each round and each pipeline depth (-P 1, -P 16) runs
#   redis-benchmark -t set,get,hset,mset -c 50 -n <requests> -P <p> --csv
# against each server in turn (the order alternates between rounds, so neither always runs
# on a warmer machine). Prints one CSV row per server, test, depth and round, then the median
# requests/s and p99 per cell and the ratio darner/redis.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
requests=${2:-1000000}
extra=${3:-}
bin=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$bin"' EXIT

go build -o "$bin/darner" .
dport=16379
rport=16380
"$bin/darner" --port $dport --loglevel warning &
redis-server --port $rport --save "" --appendonly no --daemonize no --loglevel warning &
for p in $dport $rport; do
	for _ in $(seq 50); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.1; done
done

echo "server,pipeline,round,test,rps,avg_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms" >"$bin/rows.csv"
run() { # name port pipeline round
	redis-cli -p "$2" flushall >/dev/null
	# shellcheck disable=SC2086 # $extra is a list of flags
	redis-benchmark -p "$2" -t set,get,hset,mset -c 50 -n "$requests" -P "$3" $extra --csv -q |
		tail -n +2 | tr -d '"' | sed "s/^/$1,$3,$4,/" >>"$bin/rows.csv"
}
for r in $(seq "$rounds"); do
	for P in 1 16; do
		if ((r % 2)); then
			run darner $dport $P "$r"; run redis $rport $P "$r"
		else
			run redis $rport $P "$r"; run darner $dport $P "$r"
		fi
	done
done
cat "$bin/rows.csv"
echo
# Medians per server/test/pipeline, then darner's ratio to redis.
awk -F, 'NR>1 { k=$1","$2","$4; rps[k]=rps[k]" "$5; p99[k]=p99[k]" "$10 }
function median(s,   a,n,i,j,t) { n=split(s,a," "); for(i=1;i<=n;i++)for(j=i+1;j<=n;j++)if(a[j]+0<a[i]+0){t=a[i];a[i]=a[j];a[j]=t}; return (n%2)?a[(n+1)/2]:(a[n/2]+a[n/2+1])/2 }
END {
	print "| test | -P | darner rps | redis rps | ratio | darner p99 ms | redis p99 ms | p99 ratio |"
	print "|---|---|---|---|---|---|---|---|"
	split("SET GET HSET MSET (10 keys)", _, "")
	for (k in rps) { split(k, f, ","); if (f[1] != "darner") continue
		r = "redis," f[2] "," f[3]
		dr = median(rps[k]); rr = median(rps[r]); dp = median(p99[k]); rp = median(p99[r])
		printf "| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.2f |\n", f[3], f[2], dr, rr, dr/rr, dp, rp, dp/rp
	}
}' "$bin/rows.csv" | sort -t'|' -k3,3n -k2,2
