#!/usr/bin/env bash
# Snapshot speed, darner against redis-server, on the same data: N small hashes (4 fields),
# loaded into each with redis-cli --pipe; then SAVE timed on each, the file's size, and the
# time from start to answering PING with the file loaded.
#   bench/snapshot-bench.sh [N]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server redis-tools >/dev/null; }
tmp=$(mktemp -d)
trap 'redis-cli -p 6501 shutdown nosave >/dev/null 2>&1 || true; redis-cli -p 6502 shutdown nosave >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/darner" .
mkdir -p "$tmp/d" "$tmp/r"
echo "Machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(redis-server --version | cut -d' ' -f3), darner at $(git rev-parse --short HEAD)"
echo "Command: bench/snapshot-bench.sh $n"
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "HSET user:%d name user%d email user%d@example.com age %d city city%d\n", i, i, i, i % 90, i % 1000 }' > "$tmp/cmds.txt"

now() { date +%s.%N; }
# ready: answers DBSIZE with a number (Redis answers -LOADING while it loads).
wait_ping() { until [[ $(redis-cli -p "$1" dbsize 2>/dev/null) =~ ^[0-9]+$ ]]; do sleep 0.01; done; }

"$tmp/darner" --port 6501 --dir "$tmp/d" --loglevel warning & wait_ping 6501
redis-server --port 6502 --dir "$tmp/r" --save "" --appendonly no --daemonize yes --logfile "$tmp/r.log"; wait_ping 6502
for port in 6501 6502; do
	redis-cli -p $port --pipe < "$tmp/cmds.txt" >/dev/null
	echo "port $port: dbsize $(redis-cli -p $port dbsize)"
done
for port in 6501 6502; do
	name=darner; [[ $port == 6502 ]] && name=redis-server
	dir=$tmp/d; [[ $port == 6502 ]] && dir=$tmp/r
	t0=$(now); redis-cli -p $port save >/dev/null; t1=$(now)
	size=$(stat -c %s "$dir/dump.rdb")
	awk -v name=$name -v t="$(echo "$t1 - $t0" | bc)" -v s="$size" -v n="$n" \
		'BEGIN { printf "save %s secs=%.3f bytes=%d MB/s=%.1f keys/s=%.0f\n", name, t, s, s/t/1e6, n/t }'
	redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true
done
sleep 0.5
t0=$(now); "$tmp/darner" --port 6501 --dir "$tmp/d" --loglevel warning & wait_ping 6501; t1=$(now)
echo "load darner secs=$(echo "$t1 - $t0" | bc) dbsize=$(redis-cli -p 6501 dbsize)"
t0=$(now); redis-server --port 6502 --dir "$tmp/r" --save "" --appendonly no --daemonize yes --logfile "$tmp/r.log"; wait_ping 6502; t1=$(now)
echo "load redis-server secs=$(echo "$t1 - $t0" | bc) dbsize=$(redis-cli -p 6502 dbsize)"
