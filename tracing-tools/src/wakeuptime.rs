//! wakeuptime: time blocked, summed per waker kernel stack (libbpf-tools'
//! -p -u -m -M --perf-max-stack-depth --stack-storage-size, duration; -f
//! and --svg as offcputime's).

use crate::args::{duration, err, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

// Options and checks shared with offwaketime.
pub(crate) const MIN_BLOCK: OptSpec = opt(
    Some('m'),
    "min-block-time",
    "MIN-BLOCK-TIME",
    "The amount of time in microseconds over which we store traces (default 1)",
);
pub(crate) const MAX_BLOCK: OptSpec = opt(
    Some('M'),
    "max-block-time",
    "MAX-BLOCK-TIME",
    "The amount of time in microseconds under which we store traces (default U64_MAX)",
);
pub(crate) const FOLDED: OptSpec = flag(
    'f',
    "folded",
    "Output folded format, one line per stack (for flame graphs)",
);
pub(crate) const SVG: OptSpec = opt(None, "svg", "FILE", "Write a flame graph (SVG) to FILE");
pub(crate) const STACK_STORAGE: OptSpec = opt(
    None,
    "stack-storage-size",
    "STACK-STORAGE-SIZE",
    "The number of unique stack traces that can be stored and displayed (default 1024)",
);

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
    flag(
        'u',
        "user-threads-only",
        "User threads only (no kernel threads)",
    ),
    opt(
        None,
        "perf-max-stack-depth",
        "PERF-MAX-STACK-DEPTH",
        "The limit for both kernel and user stack traces (default 127)",
    ),
    STACK_STORAGE,
    MIN_BLOCK,
    MAX_BLOCK,
    FOLDED,
    SVG,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "sched_switch",
        attach: AttachPoint::TpBtf("sched_switch"),
    },
    ProgSpec {
        name: "sched_wakeup",
        attach: AttachPoint::TpBtf("sched_wakeup"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "wakeuptime",
    summary: "Summarize sleep to wakeup time by waker kernel stack",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/wakeuptime.bpf.o")),
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
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_pid", RoValue::U32(pid)));
    }
    c.rodata.push((
        "user_threads_only",
        RoValue::Bool(p.has("user-threads-only")),
    ));
    block_times(p, &mut c)?;
    stack_map(p, &mut c, "stackmap")?;
    Ok(c)
}

/// -m/-M in microseconds, as `min_block_ns`/`max_block_ns` (libbpf-tools
/// refuses a minimum that is not below the maximum).
pub(crate) fn block_times(p: &Parsed, c: &mut Config) -> Result<(), ArgError> {
    let min = p.number::<u64>("min-block-time")?;
    let max = p.number::<u64>("max-block-time")?;
    if let (Some(a), Some(b)) = (min, max) {
        if a >= b {
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
    c.folded = p.has("folded");
    c.svg = p.value("svg").map(String::from);
    Ok(())
}

/// --perf-max-stack-depth (where taken) and --stack-storage-size: the
/// stack map's value size and entries, set before load.
pub(crate) fn stack_map(p: &Parsed, c: &mut Config, map: &'static str) -> Result<(), ArgError> {
    let depth = p.number::<u32>("perf-max-stack-depth")?;
    let storage = p.number::<u32>("stack-storage-size")?;
    if depth.is_some_and(|d| d == 0 || d > 127) {
        return err("invalid PERF-MAX-STACK-DEPTH: 1 to 127 frames");
    }
    if storage == Some(0) {
        return err("invalid STACK-STORAGE-SIZE: at least 1");
    }
    if depth.is_some() || storage.is_some() {
        c.map_sizes.push((map, depth.map(|d| d * 8), storage));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options() {
        let s = &Session::default();
        let c = TOOL
            .configure(&words("-p 3 -u -m 10 -M 20 --stack-storage-size 64 5"), s)
            .unwrap();
        for v in [
            ("targ_pid", RoValue::U32(3)),
            ("user_threads_only", RoValue::Bool(true)),
            ("min_block_ns", RoValue::U64(10_000)),
            ("max_block_ns", RoValue::U64(20_000)),
        ] {
            assert!(c.rodata.contains(&v), "{v:?}");
        }
        assert_eq!(c.duration, Some(5));
        assert_eq!(c.map_sizes, vec![("stackmap", None, Some(64))]);
        for bad in [
            "-m 5 -M 5",
            "-p 0",
            "--perf-max-stack-depth 200",
            "1 2",
            "-m x",
        ] {
            assert!(TOOL.configure(&words(bad), s).is_err(), "{bad}");
        }
    }
}
