#!/bin/bash
# What run-time stats (BPF_ENABLE_STATS, held by `serve --stats` and `top`)
# cost per program run: a trivial socket filter run through
# BPF_PROG_TEST_RUN (`bpftool prog run … repeat`), best of 7, with stats
# off, on, and off again. Not a test. docs/serve.md quotes its numbers.
set -euo pipefail
REPEAT=${REPEAT:-5000000} exec python3 - <<'PY'
import ctypes, os, re, struct, subprocess, tempfile
libc = ctypes.CDLL(None, use_errno=True)
SYS_bpf = 321 if os.uname().machine == "x86_64" else 280
insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)  # r0 = 0; exit
ibuf = ctypes.create_string_buffer(insns)
lic = ctypes.create_string_buffer(b"GPL")
attr = struct.pack("<IIQQIIQII16s", 1, 2, ctypes.addressof(ibuf), ctypes.addressof(lic),
                   0, 0, 0, 0, 0, b"statcost".ljust(16, b"\0"))
fd = libc.syscall(SYS_bpf, 5, ctypes.create_string_buffer(attr, 160), 160)
if fd < 0:
    raise SystemExit(f"BPF_PROG_LOAD failed: errno {ctypes.get_errno()}")
info = ctypes.create_string_buffer(256)
ia = struct.pack("<IIQ", fd, 256, ctypes.addressof(info))
if libc.syscall(SYS_bpf, 15, ctypes.create_string_buffer(ia, 160), 160) != 0:  # OBJ_GET_INFO_BY_FD
    raise SystemExit("BPF_OBJ_GET_INFO_BY_FD failed")
prog_id = struct.unpack_from("<I", info, 4)[0]
data = tempfile.NamedTemporaryFile(delete=False)
data.write(b"\0" * 64); data.close()
def run():
    out = subprocess.run(["bpftool", "prog", "run", "id", str(prog_id), "data_in", data.name,
                          "repeat", os.environ["REPEAT"]], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"duration \(average\): (\d+)ns", out).group(1))
best = lambda: min(run() for _ in range(7))
off = best()
sfd = libc.syscall(SYS_bpf, 32, ctypes.create_string_buffer(struct.pack("<I", 0), 160), 160)  # ENABLE_STATS
if sfd < 0:
    raise SystemExit(f"BPF_ENABLE_STATS failed: errno {ctypes.get_errno()}")
on = best()
os.close(sfd)
off2 = best()
os.unlink(data.name)
print(f"per run: stats off {off} ns, on {on} ns, off again {off2} ns: stats cost {on - min(off, off2)} ns per run")
PY
