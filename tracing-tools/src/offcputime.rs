//! offcputime: time blocked off CPU, summed per stack (libbpf-tools' -p -t
//! -u -k -U -K -m -M --state -f, duration; --svg FILE for a flame graph).

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
    so::MIN_BLOCK,
    so::MAX_BLOCK,
    so::STATE,
    so::FOLDED,
    so::SVG,
    crate::args::CGROUP,
    so::MAX_STACK_DEPTH,
    so::STACK_STORAGE,
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
    so::folded_svg(p, &mut c);
    so::pid_tid(p, &mut c)?;
    so::threads_and_sides(p, &mut c);
    so::block_times(p, &mut c, MinMax::AtMost)?;
    so::state(p, &mut c)?;
    // libbpf-tools' stack map knobs: frames kept per stack, stacks kept.
    so::stack_map(p, &mut c, "stackmap")?;
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}
