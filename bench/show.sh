#!/bin/bash
# Loads 2000 small programs, then times `prog show` and `-j prog show` for
# bpfscope and bpftool in the same run and prints the bpfscope/bpftool ratios.
# Target (issue 3): ratio <= 1.5. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
export BPFSCOPE="${CARGO_TARGET_DIR:-target}/release/bpfscope"
N=${N:-2000} RUNS=${RUNS:-5} exec python3 - <<'PY'
import ctypes, os, struct, subprocess, time
N, RUNS = int(os.environ["N"]), int(os.environ["RUNS"])
libc = ctypes.CDLL(None, use_errno=True)
SYS_bpf = 321 if os.uname().machine == "x86_64" else 280
insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)  # r0 = 0; exit
ibuf = ctypes.create_string_buffer(insns)
lic = ctypes.create_string_buffer(b"GPL")
fds = []
for i in range(N):
    name = f"bench_{i}".encode()[:15].ljust(16, b"\0")
    # union bpf_attr for BPF_PROG_LOAD: type, insn_cnt, insns, license, log_level, log_size, log_buf, kern_version, prog_flags, prog_name
    attr = struct.pack("<IIQQIIQII16s", 1, 2, ctypes.addressof(ibuf), ctypes.addressof(lic), 0, 0, 0, 0, 0, name)
    abuf = ctypes.create_string_buffer(attr, 160)
    fd = libc.syscall(SYS_bpf, 5, abuf, 160)
    if fd < 0:
        raise SystemExit(f"BPF_PROG_LOAD failed: errno {ctypes.get_errno()}")
    fds.append(fd)
def best(cmd):
    ts = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        ts.append(time.perf_counter() - t)
    return min(ts)
print(f"{N} programs loaded (plus what the kernel already had); best of {RUNS} runs")
for label, args in [("prog show", ["prog", "show"]), ("-j prog show", ["-j", "prog", "show"])]:
    ours = best([os.environ["BPFSCOPE"]] + args)
    theirs = best(["bpftool"] + args)
    print(f"{label:14s} bpfscope {ours*1000:8.1f} ms  bpftool {theirs*1000:8.1f} ms  ratio bpfscope/bpftool {ours/theirs:.2f}")
for fd in fds:
    os.close(fd)
PY
