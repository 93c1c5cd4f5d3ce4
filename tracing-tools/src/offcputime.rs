//! offcputime: time blocked off CPU, summed per stack (libbpf-tools' -p -t
//! -u -k -U -K -m -M --state -f, duration; --svg FILE for a flame graph).

use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt, pid_opt};
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
    opt(Some('t'), "tid", "TID", "Trace this TID only"),
    flag(
        'u',
        "user-threads-only",
        "User threads only (no kernel threads)",
    ),
    flag(
        'k',
        "kernel-threads-only",
        "Kernel threads only (no user threads)",
    ),
    flag(
        'U',
        "user-stacks-only",
        "Show stacks from user space only (no kernel space stacks)",
    ),
    flag(
        'K',
        "kernel-stacks-only",
        "Show stacks from kernel space only (no user space stacks)",
    ),
    opt(
        Some('m'),
        "min-block-time",
        "MIN-BLOCK-TIME",
        "The amount of time in microseconds over which we store traces (default 1)",
    ),
    opt(
        Some('M'),
        "max-block-time",
        "MAX-BLOCK-TIME",
        "The amount of time in microseconds under which we store traces (default U64_MAX)",
    ),
    opt(
        None,
        "state",
        "STATE",
        "Filter on this thread state bitmask (eg, 2 == TASK_UNINTERRUPTIBLE)",
    ),
    flag(
        'f',
        "folded",
        "Output folded format, one line per stack (for flame graphs)",
    ),
    opt(None, "svg", "FILE", "Write a flame graph (SVG) to FILE"),
    crate::args::CGROUP,
    opt(
        None,
        "perf-max-stack-depth",
        "PERF-MAX-STACK-DEPTH",
        "The limit for both kernel and user stack traces (default 127)",
    ),
    opt(
        None,
        "stack-storage-size",
        "STACK-STORAGE-SIZE",
        "The number of unique stack traces that can be stored and displayed (default 16384)",
    ),
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "sched_switch",
    attach: AttachPoint::TpBtf("sched_switch"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "offcputime",
    summary: "Summarize off-CPU time by stack trace",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/offcputime.bpf.o")),
    options: OPTIONS,
    report_options: &["folded", "svg"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Stacks {
        counts: "counts",
        stacks: "stackmap",
        unit: "us",
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if p.has("user-threads-only") && p.has("kernel-threads-only") {
        return err("-u and -k are exclusive");
    }
    if p.has("user-stacks-only") && p.has("kernel-stacks-only") {
        return err("-U and -K are exclusive");
    }
    c.folded = p.has("folded");
    c.svg = p.value("svg").map(String::from);
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_tid", RoValue::U32(tid)));
    }
    for (opt, var) in [
        ("user-threads-only", "user_threads_only"),
        ("kernel-threads-only", "kernel_threads_only"),
        ("user-stacks-only", "user_stacks_only"),
        ("kernel-stacks-only", "kernel_stacks_only"),
    ] {
        c.rodata.push((var, RoValue::Bool(p.has(opt))));
    }
    let min = p.number::<u64>("min-block-time")?;
    let max = p.number::<u64>("max-block-time")?;
    if let (Some(a), Some(b)) = (min, max) {
        if a > b {
            return err("min-block-time should be smaller than max-block-time");
        }
    }
    if let Some(us) = min {
        c.rodata
            .push(("min_block_ns", RoValue::U64(us.saturating_mul(1000))));
    }
    if let Some(us) = max {
        c.rodata
            .push(("max_block_ns", RoValue::U64(us.saturating_mul(1000))));
    }
    if let Some(state) = p.number::<i64>("state")? {
        if state < 0 {
            return err("invalid STATE: a non-negative bitmask");
        }
        c.rodata.push(("targ_state", RoValue::I64(state)));
    }
    // libbpf-tools' stack map knobs: frames kept per stack, stacks kept.
    let depth = p.number::<u32>("perf-max-stack-depth")?;
    let storage = p.number::<u32>("stack-storage-size")?;
    if depth.is_some_and(|d| d == 0 || d > 127) {
        return err("invalid PERF-MAX-STACK-DEPTH: 1 to 127 frames");
    }
    if storage == Some(0) {
        return err("invalid STACK-STORAGE-SIZE: at least 1");
    }
    if depth.is_some() || storage.is_some() {
        c.map_sizes
            .push(("stackmap", depth.map(|d| d * 8), storage));
    }
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}
