//! offwaketime: time blocked, summed per blocked stack and waker stack
//! (bcc's tool: -p -t -u -k -U -K -m -M --state --stack-storage-size -f,
//! duration; --svg FILE as offcputime's).

use crate::args::{duration, err, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::wakeuptime::{block_times, stack_map, FOLDED, MAX_BLOCK, MIN_BLOCK, SVG};
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
    FOLDED,
    SVG,
    opt(
        None,
        "stack-storage-size",
        "STACK-STORAGE-SIZE",
        "The number of unique stack traces that can be stored and displayed (default 16384)",
    ),
    MIN_BLOCK,
    MAX_BLOCK,
    opt(
        None,
        "state",
        "STATE",
        "Filter on this thread state bitmask (eg, 2 == TASK_UNINTERRUPTIBLE)",
    ),
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "sched_wakeup",
        attach: AttachPoint::TpBtf("sched_wakeup"),
    },
    ProgSpec {
        name: "sched_switch",
        attach: AttachPoint::TpBtf("sched_switch"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "offwaketime",
    summary: "Summarize blocked time by kernel off-CPU stack and waker stack",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/offwaketime.bpf.o")),
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
    // bcc's groups: one thread filter, one side of the stacks.
    let threads = ["pid", "tid", "user-threads-only", "kernel-threads-only"];
    if threads.iter().filter(|o| p.has(o)).count() > 1 {
        return err("-p, -t, -u and -k are exclusive");
    }
    if p.has("user-stacks-only") && p.has("kernel-stacks-only") {
        return err("-U and -K are exclusive");
    }
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_tid", RoValue::U32(tid)));
    }
    for (o, var) in [
        ("user-threads-only", "user_threads_only"),
        ("kernel-threads-only", "kernel_threads_only"),
        ("user-stacks-only", "user_stacks_only"),
        ("kernel-stacks-only", "kernel_stacks_only"),
    ] {
        c.rodata.push((var, RoValue::Bool(p.has(o))));
    }
    if let Some(state) = p.number::<i64>("state")? {
        if state < 0 {
            return err("invalid STATE: a non-negative bitmask");
        }
        c.rodata.push(("targ_state", RoValue::I64(state)));
    }
    block_times(p, &mut c)?;
    stack_map(p, &mut c, "stackmap")?;
    Ok(c)
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
        let c = TOOL.configure(&words("-t 4 -K --state 2 -f 3"), s).unwrap();
        for v in [
            ("targ_tid", RoValue::U32(4)),
            ("kernel_stacks_only", RoValue::Bool(true)),
            ("targ_state", RoValue::I64(2)),
        ] {
            assert!(c.rodata.contains(&v), "{v:?}");
        }
        assert!(c.folded);
        assert_eq!(c.duration, Some(3));
        for bad in [
            "-p 1 -t 2",
            "-u -k",
            "-U -K",
            "--state -1",
            "-M 1 -m 2",
            "-d",
        ] {
            assert!(TOOL.configure(&words(bad), s).is_err(), "{bad}");
        }
    }
}
