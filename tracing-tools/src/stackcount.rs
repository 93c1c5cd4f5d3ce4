//! stackcount: events counted per stack (BCC's stackcount: one PATTERN,
//! -p -c -i -D -T -K -U -P -f; stacks are always kept per process, as
//! BCC's -P does, since user frames are symbolized through the process).

use crate::args::{err, flag, opt, Config, OptSpec, Parsed};
use crate::generic::{self, Progs};
use crate::{ArgError, AttachPoint, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    generic::PID,
    generic::CPU,
    generic::INTERVAL,
    // BCC's stackcount: -D is the duration, -d the delimiter.
    opt(
        Some('D'),
        "duration",
        "DURATION",
        "Total duration of trace, in seconds",
    ),
    generic::TIMESTAMP,
    generic::REGEXP,
    flag(
        'P',
        "perpid",
        "Display stacks separately for each process (always on)",
    ),
    flag('K', "kernel-stacks-only", "Kernel stack only"),
    flag('U', "user-stacks-only", "User stack only"),
    flag('f', "folded", "Output folded format"),
];

const PROGS: Progs = Progs {
    tp: "stackcount_tp",
    probe: "stackcount_probe",
};

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: PROGS.tp,
        attach: AttachPoint::Targets,
    },
    ProgSpec {
        name: PROGS.probe,
        attach: AttachPoint::Targets,
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "stackcount",
    summary: "Count events per stack trace (tracepoints, uprobes, kprobes)",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/stackcount.bpf.o")),
    options: OPTIONS,
    report_options: &["folded", "timestamp"],
    positional: "PATTERN",
    programs: PROGRAMS,
    report: Report::Stacks {
        counts: "counts",
        stacks: "stackmap",
        unit: "events",
    },
    configure,
};

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    generic::refuse_regexp(p, "stackcount")?;
    let [pattern] = p.positionals.as_slice() else {
        return err("expected one PATTERN (t:CATEGORY:NAME, u:LIBRARY:FUNCTION or p:FUNCTION)");
    };
    if p.has("kernel-stacks-only") && p.has("user-stacks-only") {
        return err("-K and -U are exclusive");
    }
    let mut c = Config {
        folded: p.has("folded"),
        ..Default::default()
    };
    generic::filters(p, &mut c)?;
    generic::interval_duration(p, &mut c)?;
    crate::stackopts::stack_sides(p, &mut c);
    c.targets = generic::targets(PROGS, generic::expand(pattern, s)?)?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::RoValue;
    use crate::generic::testing::session;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options() {
        let s = session();
        let c = TOOL
            .configure(&words("-K -D 3 -f t:syscalls:sys_enter_read"), &s)
            .unwrap();
        assert_eq!(c.duration, Some(3));
        assert!(c.folded);
        assert!(c
            .rodata
            .contains(&("kernel_stacks_only", RoValue::Bool(true))));
        assert_eq!(c.targets[0].prog, "stackcount_tp");
        for bad in ["-K -U t:syscalls:sys_enter_read", "", "a b", "-d x t:a:b"] {
            assert!(TOOL.configure(&words(bad), &s).is_err(), "{bad}");
        }
    }
}
