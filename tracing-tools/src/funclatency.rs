//! funclatency: a log2 histogram of a function's latency (libbpf-tools'
//! `[-m|-u] [-p PID] [-d DURATION] [-i INTERVAL] [-c CG] [-T] FUNCTION`,
//! FUNCTION as `LIBRARY:FUNCTION`, `PROGRAM:FUNCTION`, `:FUNCTION` (the
//! binary of -p PID) or BCC's `u:LIBRARY:FUNCTION`: uprobe + uretprobe; a
//! bare `FUNCTION` is a kprobe pair, refused where there are no kprobes).

use crate::args::{err, flag, Config, OptSpec, Parsed, RoValue};
use crate::bytes::hist_slots;
use crate::generic;
use crate::probe::{self, Probe, Target};
use crate::{ArgError, AttachPoint, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('m', "milliseconds", "Output in milliseconds"),
    flag('u', "microseconds", "Output in microseconds"),
    generic::PID,
    crate::args::CGROUP,
    generic::DURATION,
    generic::INTERVAL,
    generic::TIMESTAMP,
];

const ENTRY: &str = "funclatency_entry";
const RETURN: &str = "funclatency_return";

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: ENTRY,
        attach: AttachPoint::Targets,
    },
    ProgSpec {
        name: RETURN,
        attach: AttachPoint::Targets,
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "funclatency",
    summary: "Time a user (uprobes) or kernel (kprobes) function, as a histogram",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/funclatency.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "FUNCTION",
    programs: PROGRAMS,
    report: Report::Histogram {
        map: "hists",
        decode,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let [spec] = p.positionals.as_slice() else {
        return err("expected one FUNCTION (LIBRARY:FUNCTION, :FUNCTION with -p, or FUNCTION)");
    };
    if p.has("milliseconds") && p.has("microseconds") {
        return err("-m and -u are exclusive");
    }
    let (unit, units) = if p.has("milliseconds") {
        ("msecs", 2)
    } else if p.has("microseconds") {
        ("usecs", 1)
    } else {
        ("nsecs", 0)
    };
    let mut c = Config {
        unit,
        ..Default::default()
    };
    c.rodata.push(("units", RoValue::U32(units)));
    generic::filters(p, &mut c)?;
    generic::interval_duration(p, &mut c)?;
    crate::args::cgroup_opt(p, &mut c)?;
    c.targets = [(ENTRY, false), (RETURN, true)]
        .into_iter()
        .map(|(prog, ret)| {
            function(spec, c.uprobe_pid, ret).map(|probe| Target {
                prog,
                probe,
                cookie: 0,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(c)
}

/// The entry (or with `ret`, return) probe FUNCTION names (libbpf-tools'
/// forms and BCC's).
fn function(spec: &str, pid: Option<u32>, ret: bool) -> Result<Probe, ArgError> {
    if let Some(func) = spec.strip_prefix(':') {
        let Some(pid) = pid else {
            return err(format!(
                "'{spec}': the :FUNCTION form needs -p PID (its binary)"
            ));
        };
        probe::parse(&format!("u:/proc/{pid}/exe:{func}"))?;
        return Ok(Probe::Uprobe {
            binary: format!("/proc/{pid}/exe"),
            func: func.to_string(),
            ret,
        });
    }
    match probe::parse(spec)? {
        Probe::Tracepoint { .. } => err(format!(
            "'{spec}': a tracepoint has no return to time (BCC's funclatency refuses them too): \
             use LIBRARY:FUNCTION"
        )),
        Probe::Uprobe { func, .. } | Probe::Kprobe { func, .. } if func.contains(['*', '?']) => {
            err(format!(
                "'{spec}': wildcards are not supported: one function"
            ))
        }
        Probe::Uprobe { binary, func, .. } => Ok(Probe::Uprobe { binary, func, ret }),
        Probe::Kprobe { func, .. } => Ok(Probe::Kprobe { func, ret }),
    }
}

/// Key u32 0, value `struct hist`.
fn decode(c: &Config, _s: &Session, _key: &[u8], value: &[u8]) -> Option<Histogram> {
    Some(Histogram {
        label: None,
        label_text: None,
        comm: None,
        unit: c.unit,
        slots: hist_slots(value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn functions() {
        let s = Session::default();
        let c = TOOL.configure(&words("-m c:malloc"), &s).unwrap();
        assert_eq!(c.unit, "msecs");
        assert_eq!(c.targets.len(), 2);
        assert_eq!(c.targets[0].probe.to_string(), "uprobe/c:malloc");
        assert_eq!(c.targets[1].probe.to_string(), "uretprobe/c:malloc");
        assert_eq!((c.targets[0].prog, c.targets[1].prog), (ENTRY, RETURN));
        let c = TOOL.configure(&words("-p 42 :work"), &s).unwrap();
        assert_eq!(c.targets[0].probe.to_string(), "uprobe//proc/42/exe:work");
        assert_eq!(c.uprobe_pid, Some(42));
        let c = TOOL.configure(&words("u:c:free"), &s).unwrap();
        assert_eq!(c.unit, "nsecs");
        let c = TOOL.configure(&words("vfs_read"), &s).unwrap();
        assert_eq!(c.targets[1].probe.to_string(), "kretprobe/vfs_read");
        for bad in [
            "t:syscalls:sys_enter_read",
            ":work",
            "-m -u c:malloc",
            "c:mall*",
            "",
            "a b",
        ] {
            assert!(TOOL.configure(&words(bad), &s).is_err(), "{bad}");
        }
        let e = TOOL
            .configure(&words("t:syscalls:sys_enter_read"), &s)
            .unwrap_err();
        assert!(e.0.contains("tracepoint has no return"), "{e}");
    }
}
