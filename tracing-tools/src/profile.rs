//! profile: CPU sampling with stacks at -F Hz on every CPU (libbpf-tools'
//! -p -L -U -K -F -I -f -C, duration; --svg FILE writes a flame graph).

use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt};
use crate::stackopts as so;
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(
        Some('p'),
        "pid",
        "PID",
        "Profile process with this PID only",
    ),
    opt(Some('L'), "tid", "TID", "Profile thread with this TID only"),
    so::USER_STACKS,
    so::KERNEL_STACKS,
    opt(
        Some('F'),
        "frequency",
        "FREQUENCY",
        "Sample frequency, Hertz (default 49)",
    ),
    flag('I', "include-idle", "Include CPU idle stacks"),
    opt(Some('C'), "cpu", "CPU", "CPU number to run profile on"),
    so::FOLDED,
    so::SVG,
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "do_perf_event",
    attach: AttachPoint::PerfCpuClock,
}];

pub(crate) const TOOL: Tool = Tool {
    name: "profile",
    summary: "Profile CPU usage by sampling stack traces at a timed interval",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/profile.bpf.o")),
    options: OPTIONS,
    report_options: &["folded", "svg"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Stacks {
        counts: "counts",
        stacks: "stackmap",
        unit: "samples",
    },
    configure,
};

const DEFAULT_FREQ: u64 = 49;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if p.has("user-stacks-only") && p.has("kernel-stacks-only") {
        return err("-U and -K are exclusive");
    }
    c.sample_freq = match p.number::<u64>("frequency")? {
        Some(f) if (1..=100_000).contains(&f) => f,
        Some(f) => return err(format!("invalid FREQUENCY {f}: 1 to 100000 Hz")),
        None => DEFAULT_FREQ,
    };
    so::folded_svg(p, &mut c);
    if p.has("pid") && p.has("tid") {
        return err("-p and -L are exclusive");
    }
    so::pid_tid(p, &mut c)?;
    // Whether the CPU is online is for the attach to say: it may change
    // between load and attach.
    c.cpu = p.number::<u32>("cpu")?;
    so::stack_sides(p, &mut c);
    c.rodata
        .push(("include_idle", RoValue::Bool(p.has("include-idle"))));
    Ok(c)
}
