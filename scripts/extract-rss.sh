#!/usr/bin/env bash
# extract-rss.sh: proves that `tibot extract` keeps its peak resident memory
# under 64 MB on a 200 MB log (design.md §8).
#
# It builds a mixed log of SIZE bytes (default 200 MiB) from the device-log
# corpus in ioc/testdata (the same generator as BenchmarkExtract), builds
# tibot, runs `tibot extract --all` over the file and prints the peak RSS,
# read from GNU time when /usr/bin/time exists, otherwise from VmHWM in
# /proc. Exit status 1 when the peak is 64 MB or more.
#
# Usage: scripts/extract-rss.sh [SIZE_BYTES]
set -euo pipefail

size=${1:-209715200}
limit_kb=$((64 * 1024))
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
echo "generating a ${size}-byte mixed log…"
go test ./ioc -run '^TestWriteMixedLog$' -count=1 -args \
	-ioc.mixedlog="$work/mixed.log" -ioc.mixedsize="$size" >/dev/null
echo "building tibot…"
go build -o "$work/tibot" ./cmd/tibot

start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$work/tibot" extract --all "$work/mixed.log" >"$work/out" 2>"$work/time"
	peak_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time")
	how="GNU time"
else
	"$work/tibot" extract --all "$work/mixed.log" >"$work/out" &
	pid=$!
	peak_kb=0
	while kill -0 "$pid" 2>/dev/null; do
		kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
		if [ -n "${kb:-}" ] && [ "$kb" -gt "$peak_kb" ]; then peak_kb=$kb; fi
		sleep 0.02
	done
	wait "$pid"
	how="VmHWM polled from /proc (may miss the last instant)"
fi
end=$(date +%s.%N)

mb=$(awk -v s="$size" 'BEGIN {printf "%.0f", s / 1048576}')
secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
echo "tibot extract --all on ${mb} MiB: $(wc -l <"$work/out") unique IPs in ${secs}s"
echo "peak RSS: $((peak_kb / 1024)) MB (${peak_kb} kB, ${how}); limit 64 MB"
if [ "$peak_kb" -ge "$limit_kb" ]; then
	echo "FAIL: peak RSS is not under 64 MB"
	exit 1
fi
echo "ok"
