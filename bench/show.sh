#!/bin/bash
# Loads a few dozen (SMALL, 40), then 2000 (N) small programs, and for each
# count times `prog show` and `-j prog show` for bpfscope and bpftool in the
# same run, interleaved, and prints the bpfscope/bpftool ratios of the best
# and of the median run. Targets (issue 15): <= 1.2 with a few dozen,
# <= 1.0 with 2000. Not a test. BPFTOOL=PATH compares with another bpftool
# build (an upstream one, say); the default is the bpftool in PATH.
# BPFSCOPE=PATH times that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BPFSCOPE:-}" ]; then
  make -s --no-print-directory build CARGO="cargo -q"  # the shipped binary (static PIE)
  export BPFSCOPE="${CARGO_TARGET_DIR:-target}/release/bpfscope"
fi
export BPFTOOL="${BPFTOOL:-bpftool}"
SMALL=${SMALL:-40} N=${N:-2000} RUNS=${RUNS:-11} exec python3 - <<'PY'
import ctypes, os, statistics, struct, subprocess, time
SMALL, N, RUNS = int(os.environ["SMALL"]), int(os.environ["N"]), int(os.environ["RUNS"])
libc = ctypes.CDLL(None, use_errno=True)
SYS_bpf = 321 if os.uname().machine == "x86_64" else 280
insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)  # r0 = 0; exit
ibuf = ctypes.create_string_buffer(insns)
lic = ctypes.create_string_buffer(b"GPL")
def load(n):
    fds = []
    for i in range(n):
        name = f"bench_{i}".encode()[:15].ljust(16, b"\0")
        # union bpf_attr for BPF_PROG_LOAD: type, insn_cnt, insns, license, log_level, log_size, log_buf, kern_version, prog_flags, prog_name
        attr = struct.pack("<IIQQIIQII16s", 1, 2, ctypes.addressof(ibuf), ctypes.addressof(lic), 0, 0, 0, 0, 0, name)
        abuf = ctypes.create_string_buffer(attr, 160)
        fd = libc.syscall(SYS_bpf, 5, abuf, 160)
        if fd < 0:
            raise SystemExit(f"BPF_PROG_LOAD failed: errno {ctypes.get_errno()}")
        fds.append(fd)
    return fds
def once(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t
for n in (SMALL, N):
    fds = load(n)
    print(f"{n} programs loaded (plus what the kernel already had); {RUNS} interleaved runs each")
    for label, args in [("prog show", ["prog", "show"]), ("-j prog show", ["-j", "prog", "show"])]:
        ours, theirs = [], []
        for _ in range(RUNS):
            ours.append(once([os.environ["BPFSCOPE"]] + args))
            theirs.append(once([os.environ["BPFTOOL"]] + args))
        o, t = min(ours), min(theirs)
        mo, mt = statistics.median(ours), statistics.median(theirs)
        print(f"  {label:13s} best: bpfscope {o*1000:6.1f} ms  bpftool {t*1000:6.1f} ms  ratio {o/t:.2f}"
              f"   median: {mo*1000:6.1f} / {mt*1000:6.1f} ms  ratio {mo/mt:.2f}")
    for fd in fds:
        os.close(fd)
PY
