//! wakeuptime: time blocked, summed per waker kernel stack (libbpf-tools'
//! -p -u -m -M --perf-max-stack-depth --stack-storage-size, duration; -f
//! and --svg as offcputime's).

use crate::args::{duration, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::stackopts::{self as so, MinMax};
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    so::PID,
    so::USER_THREADS,
    so::MAX_STACK_DEPTH,
    // Smaller than the other stack tools' map (libbpf-tools' default).
    opt(
        None,
        "stack-storage-size",
        "STACK-STORAGE-SIZE",
        "The number of unique stack traces that can be stored and displayed (default 1024)",
    ),
    so::MIN_BLOCK,
    so::MAX_BLOCK,
    so::FOLDED,
    so::SVG,
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
    so::block_times(p, &mut c, MinMax::Below)?;
    so::folded_svg(p, &mut c);
    so::stack_map(p, &mut c, "stackmap")?;
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
