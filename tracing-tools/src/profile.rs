//! profile: CPU sampling with stacks at -F Hz on every CPU (libbpf-tools'
//! -p -L -U -K -F -I -f -C, duration; --svg FILE writes a flame graph).

use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt, pid_opt};
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(
        Some('p'),
        "pid",
        "PID",
        "Profile process with this PID only",
    ),
    opt(Some('L'), "tid", "TID", "Profile thread with this TID only"),
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
        Some('F'),
        "frequency",
        "FREQUENCY",
        "Sample frequency, Hertz (default 49)",
    ),
    flag('I', "include-idle", "Include CPU idle stacks"),
    opt(Some('C'), "cpu", "CPU", "CPU number to run profile on"),
    flag(
        'f',
        "folded",
        "Output folded format, one line per stack (for flame graphs)",
    ),
    opt(None, "svg", "FILE", "Write a flame graph (SVG) to FILE"),
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
    c.folded = p.has("folded");
    c.svg = p.value("svg").map(String::from);
    if p.has("pid") && p.has("tid") {
        return err("-p and -L are exclusive");
    }
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_tid", RoValue::U32(tid)));
    }
    // Whether the CPU is online is for the attach to say: it may change
    // between load and attach.
    c.cpu = p.number::<u32>("cpu")?;
    c.rodata
        .push(("user_stacks_only", RoValue::Bool(p.has("user-stacks-only"))));
    c.rodata.push((
        "kernel_stacks_only",
        RoValue::Bool(p.has("kernel-stacks-only")),
    ));
    c.rodata
        .push(("include_idle", RoValue::Bool(p.has("include-idle"))));
    Ok(c)
}
