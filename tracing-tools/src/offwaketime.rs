//! offwaketime: time blocked, summed per blocked stack and waker stack
//! (bcc's tool: -p -t -u -k -U -K -m -M --state --stack-storage-size -f,
//! duration; --svg FILE as offcputime's).

use crate::args::{duration, err, Config, OptSpec, Parsed};
use crate::stackopts::{self as so, MinMax};
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    so::PID,
    so::TID,
    so::USER_THREADS,
    so::KERNEL_THREADS,
    so::USER_STACKS,
    so::KERNEL_STACKS,
    so::FOLDED,
    so::SVG,
    so::STACK_STORAGE,
    so::MIN_BLOCK,
    so::MAX_BLOCK,
    so::STATE,
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
    so::pid_tid(p, &mut c)?;
    so::threads_and_sides(p, &mut c);
    so::state(p, &mut c)?;
    so::block_times(p, &mut c, MinMax::Below)?;
    so::folded_svg(p, &mut c);
    so::stack_map(p, &mut c, "stackmap")?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::RoValue;

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
