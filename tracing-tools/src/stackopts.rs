//! Options and checks the stack tools share (offcputime, offwaketime and
//! wakeuptime; profile and stackcount take -U/-K, profile -f/--svg): each
//! option is spelled once here and each tool lists the ones it takes, in
//! its own order. The read-only variables they set are named as in the
//! tools' .bpf.c.

use crate::args::{err, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::ArgError;

pub(crate) const PID: OptSpec = opt(Some('p'), "pid", "PID", "Trace this PID only");
pub(crate) const TID: OptSpec = opt(Some('t'), "tid", "TID", "Trace this TID only");
pub(crate) const USER_THREADS: OptSpec = flag(
    'u',
    "user-threads-only",
    "User threads only (no kernel threads)",
);
pub(crate) const KERNEL_THREADS: OptSpec = flag(
    'k',
    "kernel-threads-only",
    "Kernel threads only (no user threads)",
);
pub(crate) const USER_STACKS: OptSpec = flag(
    'U',
    "user-stacks-only",
    "Show stacks from user space only (no kernel space stacks)",
);
pub(crate) const KERNEL_STACKS: OptSpec = flag(
    'K',
    "kernel-stacks-only",
    "Show stacks from kernel space only (no user space stacks)",
);
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
pub(crate) const STATE: OptSpec = opt(
    None,
    "state",
    "STATE",
    "Filter on this thread state bitmask (eg, 2 == TASK_UNINTERRUPTIBLE)",
);
pub(crate) const FOLDED: OptSpec = flag(
    'f',
    "folded",
    "Output folded format, one line per stack (for flame graphs)",
);
pub(crate) const SVG: OptSpec = opt(None, "svg", "FILE", "Write a flame graph (SVG) to FILE");
pub(crate) const MAX_STACK_DEPTH: OptSpec = opt(
    None,
    "perf-max-stack-depth",
    "PERF-MAX-STACK-DEPTH",
    "The limit for both kernel and user stack traces (default 127)",
);
/// --stack-storage-size with the default of the stack map in stacks.h
/// (wakeuptime's map is smaller and says so in its own).
pub(crate) const STACK_STORAGE: OptSpec = opt(
    None,
    "stack-storage-size",
    "STACK-STORAGE-SIZE",
    "The number of unique stack traces that can be stored and displayed (default 16384)",
);

/// -f and --svg FILE: how the report is written.
pub(crate) fn folded_svg(p: &Parsed, c: &mut Config) {
    c.folded = p.has("folded");
    c.svg = p.value("svg").map(String::from);
}

/// -p/-t as `targ_tgid`/`targ_tid` (`tid` names the thread option: -t, or
/// profile's -L).
pub(crate) fn pid_tid(p: &Parsed, c: &mut Config) -> Result<(), ArgError> {
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_tid", RoValue::U32(tid)));
    }
    Ok(())
}

/// -u -k -U -K as the four booleans of the thread filter and stack sides
/// (checking that they are not both given is the caller's: the tools
/// group them differently).
pub(crate) fn threads_and_sides(p: &Parsed, c: &mut Config) {
    for (o, var) in [
        ("user-threads-only", "user_threads_only"),
        ("kernel-threads-only", "kernel_threads_only"),
    ] {
        c.rodata.push((var, RoValue::Bool(p.has(o))));
    }
    stack_sides(p, c);
}

/// -U -K as `user_stacks_only`/`kernel_stacks_only`.
pub(crate) fn stack_sides(p: &Parsed, c: &mut Config) {
    for (o, var) in [
        ("user-stacks-only", "user_stacks_only"),
        ("kernel-stacks-only", "kernel_stacks_only"),
    ] {
        c.rodata.push((var, RoValue::Bool(p.has(o))));
    }
}

/// How -m and -M may relate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MinMax {
    /// -m must be below -M (libbpf-tools' check).
    Below,
    /// -m may equal -M (offcputime as it was written; kept so).
    AtMost,
}

/// -m/-M in microseconds, as `min_block_ns`/`max_block_ns`.
pub(crate) fn block_times(p: &Parsed, c: &mut Config, order: MinMax) -> Result<(), ArgError> {
    let min = p.number::<u64>("min-block-time")?;
    let max = p.number::<u64>("max-block-time")?;
    if let (Some(a), Some(b)) = (min, max) {
        if a > b || (a == b && order == MinMax::Below) {
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
    Ok(())
}

/// --state as `targ_state` (what it matches is the tool's BPF side:
/// offcputime compares, offwaketime tests bits).
pub(crate) fn state(p: &Parsed, c: &mut Config) -> Result<(), ArgError> {
    if let Some(state) = p.number::<i64>("state")? {
        if state < 0 {
            return err("invalid STATE: a non-negative bitmask");
        }
        c.rodata.push(("targ_state", RoValue::I64(state)));
    }
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
    use crate::args::parse;

    #[test]
    fn min_max() {
        let specs = [MIN_BLOCK, MAX_BLOCK];
        let p = parse(&specs, &["-m".into(), "5".into(), "-M".into(), "5".into()]).unwrap();
        let mut c = Config::default();
        assert!(block_times(&p, &mut c, MinMax::Below).is_err());
        block_times(&p, &mut c, MinMax::AtMost).unwrap();
        assert!(c.rodata.contains(&("min_block_ns", RoValue::U64(5000))));
    }
}
