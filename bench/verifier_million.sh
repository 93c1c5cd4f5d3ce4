#!/bin/bash
# Times `prog verify` on a program rejected at the 1M-instruction limit
# against bpftool's `prog load` of the same object (issue 17: under 2x),
# and bpfscope's own `prog load`, which explains the rejection from the log
# of that load instead of verifying again. Release build; not a test. The
# pins are removed whatever happens (the loads fail, so there should be none).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s --no-print-directory build CARGO="cargo -q"  # the shipped binary (static PIE)
BIN="${CARGO_TARGET_DIR:-target}/release/bpfscope"
tmp=$(mktemp -d)
pin=/sys/fs/bpf/bpfscope-bench-million-$$
trap 'rm -rf "$tmp"; rm -f "$pin" "$pin.2"' EXIT
clang -target bpf -O2 -g -c bench/verifier_million.bpf.c -o "$tmp/m.o" -Itests/fixtures/verifier
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "bpfscope prog verify:  $(t "$BIN" prog verify "$tmp/m.o") s"
echo "bpftool prog load:     $(t bpftool prog load "$tmp/m.o" "$pin") s"
echo "bpfscope prog load:    $(t "$BIN" prog load "$tmp/m.o" "$pin.2") s"
