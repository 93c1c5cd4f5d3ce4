#!/bin/bash
# Times the verifier-log analysis (parse, classify, path, state) on a 32 MB
# log made of real level-2 lines (the test big_log_parses_fast builds it),
# in a release build, and prints the time. Target (issue 9): well under a
# second for logs of several MB. Also times a whole `prog verify` of a
# rejected fixture at level 2. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
BPFSCOPE_BENCH_LOG_MB=32 cargo test --release -q --test verifier big_log_parses_fast -- --nocapture 2>&1 | grep "verifier log:"
make -s --no-print-directory build CARGO="cargo -q"  # the shipped binary (static PIE)
BIN="${CARGO_TARGET_DIR:-target}/release/bpfscope"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clang -target bpf -O2 -g -c tests/fixtures/verifier/unreleased_ref.bpf.c -o "$tmp/u.o" -Itests/fixtures/verifier
start=$(date +%s.%N)
"$BIN" prog verify "$tmp/u.o" --log-level 2 --log-file "$tmp/u.log" >/dev/null
end=$(date +%s.%N)
echo "prog verify (load + level-2 log + analysis): $(echo "$end - $start" | bc) s, log $(stat -c %s "$tmp/u.log") bytes"
