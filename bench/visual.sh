#!/bin/bash
# Times `prog dump xlated … visual | dot -Tsvg` for bpfscope and for
# bpftool on the same real programs, in the same run, and prints the
# bpfscope/bpftool ratios (issue 18: target <= 1.0 on every program).
# Programs: five of the bundled tools, loaded with `bpfscope tool load`
# under a private tool root, from 82 to 730 instructions; and, when
# Debian's libbpf-tools is installed, the programs of its execsnoop and
# cpudist while they run. Each side is timed whole (the user waits for
# both), and split into making the DOT and laying it out. Not a test.
# RUNS (default 3): best of; LIMIT (seconds, default 300) bounds a run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dot >/dev/null || { echo "graphviz (dot) is needed: make deps" >&2; exit 1; }
make -s --no-print-directory build CARGO="cargo -q"  # the shipped binary (static PIE)
export BPFSCOPE="${BPFSCOPE:-${CARGO_TARGET_DIR:-target}/release/bpfscope}"
export BPFSCOPE_TOOL_ROOT="/sys/fs/bpf/bpfscope-bench-visual-$$"
RUNS=${RUNS:-3} LIMIT=${LIMIT:-300} exec python3 -u - <<'PY'
import json, os, resource, signal, subprocess, time
B, ROOT = os.environ["BPFSCOPE"], os.environ["BPFSCOPE_TOOL_ROOT"]
RUNS, LIMIT = int(os.environ["RUNS"]), float(os.environ["LIMIT"])
TOOLS = [("execsnoop", "sys_enter_execve"), ("offcputime", "sched_switch"),
         ("tcpconnect", "inet_sock_set_state"), ("biosnoop", "block_rq_complete"),
         ("profile", "do_perf_event")]
LIBBPF_TOOLS = [("execsnoop", "tracepoint__syscalls__sys_enter_execve"),
                ("cpudist", "sched_switch_btf")]

def prog_show(args):
    out = subprocess.run([B, "-j", "prog", "show"] + args, capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 else None

def timed(cmd):
    """Best-of-RUNS (wall, cpu) seconds of a shell pipeline, or None if it
    failed. CPU time (user + system of every process of the pipeline) is
    steadier than wall time on a busy machine."""
    best = None
    for _ in range(RUNS):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=LIMIT)
        wall = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != 0:
            return None
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        best = (wall, cpu) if best is None else (min(best[0], wall), min(best[1], cpu))
    return best

def measure(handle):
    """(make, layout, whole) as (wall, cpu) seconds, for bpfscope and bpftool."""
    res = {}
    for name, tool in [("bpfscope", B), ("bpftool", "bpftool")]:
        dump = f"{tool} prog dump xlated {handle} visual"
        f = f"/tmp/bench-visual-{os.getpid()}-{name}.dot"
        try:
            make = timed(f"{dump} > {f}")
            layout = timed(f"dot -Tsvg {f}") if make else None
            whole = timed(f"{dump} | dot -Tsvg") if make else None
        except subprocess.TimeoutExpired:
            make = layout = whole = "timeout"
        finally:
            if os.path.exists(f):
                os.unlink(f)
        res[name] = (make, layout, whole)
    return res

def fmt(s, k):
    return f"{s[k]:7.2f}" if isinstance(s, tuple) else f"{str(s):>7s}"

def ratio(a, b, k):
    if isinstance(a, tuple) and isinstance(b, tuple) and b[k] > 0:
        return f"{a[k] / b[k]:5.2f}"
    if isinstance(a, tuple) and b == "timeout":
        return f"<{a[k] / LIMIT:4.3f}"
    return "    -"

programs, started = [], []
try:
    for tool, prog in TOOLS:
        r = subprocess.run([B, "tool", "load", tool], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"note: tool load {tool} failed: {r.stderr.strip()}")
            continue
        programs.append((f"{tool}/{prog}", f"pinned {ROOT}/{tool}/progs/{prog}"))
    for tool, prog in LIBBPF_TOOLS:
        exe = f"/usr/sbin/{tool}"
        if not os.path.exists(exe):
            continue
        p = subprocess.Popen([exe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        started.append(p)
        found = None
        for _ in range(100):
            time.sleep(0.1)
            for q in prog_show([]) or []:
                if q.get("name") in (prog, prog[:15]) and any(x.get("pid") == p.pid for x in q.get("pids", [])):
                    found = q["id"]
            if found or p.poll() is not None:
                break
        if found:
            programs.append((f"libbpf-tools {tool}/{prog[:15]}", f"id {found}"))
        else:
            print(f"note: libbpf-tools {tool} did not load {prog}")
    print(f"best of {RUNS} runs, seconds. make: visual > file (cpu); layout: dot -Tsvg file (cpu);")
    print("whole: visual | dot -Tsvg (wall, and cpu of both processes). ratio: bpfscope/bpftool")
    print(f"{'program':36s} {'insns':>5s} | {'bpfscope make':>13s} {'layout':>7s} {'whole':>7s} {'(cpu)':>7s} | "
          f"{'bpftool make':>12s} {'layout':>7s} {'whole':>7s} {'(cpu)':>7s} | "
          f"{'ratio whole':>11s} {'(cpu)':>5s} {'layout':>6s}")
    for label, handle in programs:
        info = prog_show(handle.split())
        insns = (info or {}).get("bytes_xlated", 0) // 8
        m = measure(handle)
        (om, ol, ow), (tm, tl, tw) = m["bpfscope"], m["bpftool"]
        print(f"{label:36s} {insns:5d} | {fmt(om, 1):>13s} {fmt(ol, 1)} {fmt(ow, 0)} {fmt(ow, 1)} | "
              f"{fmt(tm, 1):>12s} {fmt(tl, 1)} {fmt(tw, 0)} {fmt(tw, 1)} | "
              f"{ratio(ow, tw, 0):>11s} {ratio(ow, tw, 1)} {ratio(ol, tl, 1):>6s}")
finally:
    for p in started:
        os.killpg(p.pid, signal.SIGINT)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
    for tool, _ in TOOLS:
        subprocess.run([B, "tool", "unload", tool], capture_output=True)
    try:
        os.rmdir(ROOT)
    except OSError:
        pass
PY
