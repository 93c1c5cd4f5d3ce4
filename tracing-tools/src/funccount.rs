//! funccount: counts events per command-line probe (BCC's funccount:
//! `t:CAT:NAME` with * and ? wildcards, `u:LIB:FUNC` / `LIB:FUNC`, and
//! `p:FUNC`, refused where there are no kprobes; -p -i -d -T -c).

use crate::args::{err, Config, OptSpec, Parsed};
use crate::bytes::{u32_at, u64_at};
use crate::generic::{self, Progs};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    generic::PID,
    generic::INTERVAL,
    generic::DURATION,
    generic::TIMESTAMP,
    generic::REGEXP,
    generic::CPU,
];

const PROGS: Progs = Progs {
    tp: "funccount_tp",
    probe: "funccount_probe",
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
    name: "funccount",
    summary: "Count tracepoints, user functions (uprobes) or kernel functions (kprobes)",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/funccount.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "PATTERN",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "counts",
        columns,
        rows,
        header_each: true,
    },
    configure,
};

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    generic::refuse_regexp(p, "funccount")?;
    let [pattern] = p.positionals.as_slice() else {
        return err("expected one PATTERN (t:CATEGORY:NAME, u:LIBRARY:FUNCTION or p:FUNCTION)");
    };
    let mut c = Config::default();
    generic::filters(p, &mut c)?;
    generic::interval_duration(p, &mut c)?;
    c.targets = generic::targets(PROGS, generic::expand(pattern, s)?)?;
    Ok(c)
}

/// BCC's `%-36s %8s`.
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("func", "FUNC", 36),
        Column::right("count", "COUNT", 8),
    ]
}

/// Key u32 target index, value u64 count; BCC's order: ascending counts.
fn rows(c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut vals: Vec<(u32, u64)> = entries
        .iter()
        .filter_map(|(k, v)| Some((u32_at(k, 0)?, u64_at(v, 0)?)))
        .filter(|(_, n)| *n > 0)
        .collect();
    vals.sort_by_key(|&(idx, n)| (n, idx));
    vals.into_iter()
        .map(|(idx, n)| {
            let mut e = Event::default();
            e.push("func", generic::target_name(c, idx));
            e.push("count", n);
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generic::testing::session;
    use crate::probe::Probe;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn patterns() {
        let s = session();
        let c = TOOL
            .configure(&words("-i 2 -d 5 t:syscalls:sys_enter_getpid"), &s)
            .unwrap();
        assert_eq!(
            (c.interval, c.duration, c.count),
            (Some(2), Some(5), Some(3))
        );
        assert_eq!(c.targets.len(), 1);
        assert_eq!(c.targets[0].prog, "funccount_tp");
        let c = TOOL
            .configure(&words("t:syscalls:sys_enter_*"), &s)
            .unwrap();
        let names: Vec<String> = c.targets.iter().map(|t| t.probe.name()).collect();
        assert_eq!(
            names,
            [
                "syscalls:sys_enter_getpid",
                "syscalls:sys_enter_openat",
                "syscalls:sys_enter_read"
            ]
        );
        assert_eq!(c.targets[2].cookie, 2);
        let c = TOOL.configure(&words("c:malloc"), &s).unwrap();
        assert_eq!(c.targets[0].prog, "funccount_probe");
        assert!(matches!(c.targets[0].probe, Probe::Uprobe { .. }));
        let c = TOOL.configure(&words("u:c:*l*"), &s).unwrap();
        let names: Vec<String> = c.targets.iter().map(|t| t.probe.name()).collect();
        assert_eq!(names, ["c:malloc", "c:strlen"]);
        let c = TOOL.configure(&words("vfs_read"), &s).unwrap();
        assert!(matches!(c.targets[0].probe, Probe::Kprobe { .. }));
        for bad in [
            "",
            "t:syscalls:nosuch",
            "t:nosuch:*",
            "-r t:syscalls:x",
            "u:c:nomatch*",
            "u:nosuchlib:x*",
            "p:vfs_*",
            "a b",
            "-i 0 t:syscalls:sys_enter_read",
        ] {
            assert!(TOOL.configure(&words(bad), &s).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_by_target() {
        let s = session();
        let c = TOOL
            .configure(&words("t:syscalls:sys_enter_*"), &s)
            .unwrap();
        let e = |i: u32, n: u64| (i.to_ne_bytes().to_vec(), n.to_ne_bytes().to_vec());
        let r = rows(&c, &s, &[e(2, 9), e(0, 3), e(1, 0), e(40, 1)]);
        let text: Vec<(String, String)> = r
            .iter()
            .map(|e| (e.text("func"), e.text("count")))
            .collect();
        assert_eq!(
            text,
            [
                ("[target 40]".to_string(), "1".to_string()),
                ("syscalls:sys_enter_getpid".into(), "3".into()),
                ("syscalls:sys_enter_read".into(), "9".into()),
            ]
        );
    }
}
