#!/bin/bash
# Loads 2000 small programs and 2000 maps, starts `bpfscope serve`, and
# times full scrapes of /metrics (text 0.0.4 and OpenMetrics), best and
# median of RUNS. Target (issue 19): a scrape under 100 ms. For scale, the
# same run times `bpftool -j prog show` + `bpftool -j map show`, which list
# the same objects without exporting them. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s --no-print-directory build CARGO="cargo -q"  # the shipped binary (static PIE)
export BPFSCOPE="${CARGO_TARGET_DIR:-target}/release/bpfscope"
N=${N:-2000} RUNS=${RUNS:-21} exec python3 - <<'PY'
import ctypes, os, socket, statistics, struct, subprocess, time, urllib.request
N, RUNS = int(os.environ["N"]), int(os.environ["RUNS"])
libc = ctypes.CDLL(None, use_errno=True)
SYS_bpf = 321 if os.uname().machine == "x86_64" else 280
insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)  # r0 = 0; exit
ibuf = ctypes.create_string_buffer(insns)
lic = ctypes.create_string_buffer(b"GPL")
fds = []
for i in range(N):
    name = f"bench_{i}".encode()[:15].ljust(16, b"\0")
    attr = struct.pack("<IIQQIIQII16s", 1, 2, ctypes.addressof(ibuf), ctypes.addressof(lic), 0, 0, 0, 0, 0, name)
    abuf = ctypes.create_string_buffer(attr, 160)
    fd = libc.syscall(SYS_bpf, 5, abuf, 160)
    if fd < 0:
        raise SystemExit(f"BPF_PROG_LOAD failed: errno {ctypes.get_errno()}")
    fds.append(fd)
for i in range(N):
    # BPF_MAP_CREATE: hash, key 4, value 8, 64 entries, no flags, inner 0, numa 0, name
    name = f"bmap_{i}".encode()[:15].ljust(16, b"\0")
    attr = struct.pack("<IIIIIII16s", 1, 4, 8, 64, 0, 0, 0, name)
    abuf = ctypes.create_string_buffer(attr, 160)
    fd = libc.syscall(SYS_bpf, 0, abuf, 160)
    if fd < 0:
        raise SystemExit(f"BPF_MAP_CREATE failed: errno {ctypes.get_errno()}")
    fds.append(fd)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
srv = subprocess.Popen([os.environ["BPFSCOPE"], "serve", "--listen", f"127.0.0.1:{port}"],
                       stderr=subprocess.DEVNULL)
try:
    url = f"http://127.0.0.1:{port}/metrics"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read(); break
        except OSError:
            time.sleep(0.05)
    def scrape(accept):
        req = urllib.request.Request(url, headers={"Accept": accept})
        t = time.perf_counter()
        body = urllib.request.urlopen(req, timeout=30).read()
        return time.perf_counter() - t, body
    def cmd(args):
        t = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t
    _, body = scrape("text/plain")
    progs = body.count(b"\nbpfscope_prog_info{")
    maps = body.count(b"\nbpfscope_map_info{")
    print(f"{N} programs + {N} maps loaded; a scrape lists {progs} programs and {maps} maps "
          f"({len(body)//1024} KiB); {RUNS} runs each")
    ref = []
    for label, accept in [("text 0.0.4", "text/plain;version=0.0.4"),
                          ("OpenMetrics", "application/openmetrics-text;version=1.0.0")]:
        ts, cs = [], []
        for _ in range(RUNS):
            t, body = scrape(accept)
            ts.append(t)
            line = [l for l in body.split(b"\n") if l.startswith(b"bpfscope_scrape_collect_seconds ")]
            cs.append(float(line[0].split()[1]))
            if not ref or len(ref) < RUNS:
                ref.append(cmd(["bpftool", "-j", "prog", "show"]) + cmd(["bpftool", "-j", "map", "show"]))
        b, m = min(ts), statistics.median(ts)
        verdict = "OK" if b < 0.100 else "OVER"
        print(f"scrape {label:11s} best {b*1000:6.1f} ms  median {m*1000:6.1f} ms  "
              f"(target < 100 ms: {verdict}); of which reading the kernel: "
              f"best {min(cs)*1000:.1f} ms, median {statistics.median(cs)*1000:.1f} ms")
    rb, rm = min(ref), statistics.median(ref)
    print(f"bpftool -j prog show + map show: best {rb*1000:6.1f} ms  median {rm*1000:6.1f} ms")
finally:
    srv.terminate(); srv.wait()
    for fd in fds:
        os.close(fd)
PY
