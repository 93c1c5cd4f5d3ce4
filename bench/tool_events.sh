#!/bin/bash
# Event-path benchmark (issue 7): opensnoop is loaded with a kernel pid
# filter on a workload that opens a missing path at 100k/s, 200k/s and
# flat out; `tool report` follows the pinned ring buffer meanwhile. Prints
# events generated, events seen and lost per rate. Target: 0 lost at
# 100k/s. Then the consumer alone: events buffered with nobody reading
# are drained by one `tool report ... duration 0`, timed. bpftool has no
# equivalent, so there is no ratio here. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s --no-print-directory build CARGO="cargo -q"  # the shipped binary (static PIE)
T=${CARGO_TARGET_DIR:-target}
case $T in /*) ;; *) T="$(pwd)/$T" ;; esac
BIN="$T/release/bpfscope"
SECS=${SECS:-3}
DRAIN_SECS=${DRAIN_SECS:-0.5}
work=$(mktemp -d)
export BPFSCOPE_TOOL_ROOT=/sys/fs/bpf/bpfscope-bench-$$
wpid=""
cleanup() {
    if [ -n "$wpid" ]; then kill "$wpid" 2>/dev/null || true; fi
    "$BIN" tool unload opensnoop >/dev/null 2>&1 || true
    rmdir "$BPFSCOPE_TOOL_ROOT" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
${CC:-cc} -O2 -o "$work/open_loop" bench/open_loop.c 2>/dev/null || clang -O2 -o "$work/open_loop" bench/open_loop.c
path=/nonexistent/bpfscope-bench-$$

printf "%-8s %12s %12s %12s %8s %10s\n" rate generated seen lost seen% achieved/s
for rate in 100000 200000 0; do
    mkfifo "$work/go"
    # The workload's pid is known before it starts: it waits on the fifo, then execs.
    ( read -r _ < "$work/go"; exec "$work/open_loop" "$rate" "$SECS" "$path" > "$work/gen" ) &
    wpid=$!
    "$BIN" tool load opensnoop -p "$wpid" >/dev/null
    "$BIN" tool attach opensnoop >/dev/null
    "$BIN" tool report opensnoop duration $((SECS + 2)) > "$work/seen" 2> "$work/summary" &
    rpid=$!
    sleep 0.5
    echo go > "$work/go"
    wait "$wpid"
    wait "$rpid"
    read -r generated achieved < "$work/gen"
    seen=$(grep -c -- "$path" "$work/seen" || true)
    lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$work/summary")
    "$BIN" tool unload opensnoop >/dev/null
    rm -f "$work/go"
    label=$([ "$rate" = 0 ] && echo max || echo "$rate")
    printf "%-8s %12s %12s %12s %8s %10s\n" "$label" "$generated" "$seen" "${lost:-?}" \
        "$(awk -v s="$seen" -v g="$generated" 'BEGIN { printf "%.2f", g ? 100*s/g : 0 }')" "$achieved"
done

# Consumer throughput: fill the ring buffer with nobody reading, then drain it.
mkfifo "$work/go"
( read -r _ < "$work/go"; exec "$work/open_loop" 0 "$DRAIN_SECS" "$path" > "$work/gen" ) &
wpid=$!
"$BIN" tool load opensnoop -p "$wpid" >/dev/null
"$BIN" tool attach opensnoop >/dev/null
echo go > "$work/go"
wait "$wpid"
"$BIN" tool detach opensnoop >/dev/null
read -r generated _ < "$work/gen"
# Fixed cost of one report (process start, opening pins), to subtract;
# these two reports take one event each: the workload's first two opens,
# its dynamic loader's (ld.so.cache, libc), not the counted path.
"$BIN" tool report opensnoop 1 duration 0 > /dev/null 2>&1
t0=$(date +%s.%N)
"$BIN" tool report opensnoop 1 duration 0 > /dev/null 2>&1
t1=$(date +%s.%N)
start=$(date +%s.%N)
"$BIN" tool report opensnoop duration 0 > "$work/seen" 2> "$work/summary"
end=$(date +%s.%N)
seen=$(grep -c -- "$path" "$work/seen" || true)
lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$work/summary")
"$BIN" tool unload opensnoop >/dev/null
awk -v s="$seen" -v g="$generated" -v l="${lost:-0}" -v a="$start" -v b="$end" -v f0="$t0" -v f1="$t1" 'BEGIN {
    fixed = f1 - f0; t = (b - a) - fixed; if (t <= 0) t = b - a
    printf "drain: %d generated with no reader, %d buffered and read, %d lost (16 MiB ring buffer full)\n", g, s, l
    printf "drain: %.3f s (%.3f s of it fixed start-up) -> %.0f events/s formatted\n", b - a, fixed, s / t }'
