//! syscount: system call counts, top N by count or (-L) by total latency,
//! per syscall or (-P) per process (libbpf-tools' -p -i -d -T -x -L -m -P
//! -e). Syscall numbers are named from the kernel's table for the
//! architecture bpfscope is built for (the `syscalls` crate carries them).

use crate::args::{err, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt, pid_opt};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::sysnames::parse_errno;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process PID to trace"),
    opt(
        Some('i'),
        "interval",
        "INTERVAL",
        "Print summary at this interval (seconds), 0 for infinite wait (default)",
    ),
    opt(
        Some('d'),
        "duration",
        "DURATION",
        "Total tracing duration (seconds)",
    ),
    opt(
        Some('T'),
        "top",
        "TOP",
        "Print only the top syscalls (default 10)",
    ),
    flag('x', "failures", "Trace only failed syscalls"),
    flag('L', "latency", "Collect syscall latency"),
    flag(
        'm',
        "milliseconds",
        "Display latency in milliseconds (default: microseconds)",
    ),
    flag('P', "process", "Count by process and not by syscall"),
    flag('l', "list", "Print list of recognized syscalls and exit"),
    opt(
        Some('e'),
        "errno",
        "ERRNO",
        "Trace only syscalls that return this error (numeric or EPERM, etc.)",
    ),
    crate::args::CGROUP,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "sys_enter",
        attach: AttachPoint::Tracepoint("raw_syscalls", "sys_enter"),
    },
    ProgSpec {
        name: "sys_exit",
        attach: AttachPoint::Tracepoint("raw_syscalls", "sys_exit"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "syscount",
    summary: "Summarize syscall counts and latencies",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/syscount.bpf.o")),
    options: OPTIONS,
    report_options: &["milliseconds"],
    positional: "",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "data",
        columns,
        rows,
        header_each: true,
    },
    configure,
};

const DEFAULT_TOP: usize = 10;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    if !p.positionals.is_empty() {
        return err("no positional arguments: use -i INTERVAL and -d DURATION");
    }
    let mut c = Config {
        unit: if p.has("milliseconds") {
            "msecs"
        } else {
            "usecs"
        },
        bracketed_time: true,
        ..Default::default()
    };
    if p.has("list") {
        c.print_only = Some(syscall_list());
        return Ok(c);
    }
    match p.number::<u64>("interval")? {
        Some(0) | None => {}
        Some(i) => c.interval = Some(i),
    }
    match p.number::<u64>("duration")? {
        Some(0) => return err("invalid DURATION 0"),
        Some(d) => c.duration = Some(d),
        None => {}
    }
    // With both, the intervals stop once the duration is reached.
    if let (Some(i), Some(d)) = (c.interval, c.duration) {
        c.count = Some(d.div_ceil(i));
    }
    match p.number::<usize>("top")? {
        Some(0) => return err("invalid TOP 0"),
        Some(t) => c.top = Some(t),
        None => c.top = Some(DEFAULT_TOP),
    }
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("filter_pid", RoValue::U32(pid)));
    }
    c.rodata
        .push(("filter_failed", RoValue::Bool(p.has("failures"))));
    if let Some(e) = p.value("errno") {
        c.rodata
            .push(("filter_errno", RoValue::I32(parse_errno(e)?)));
    }
    c.rodata
        .push(("measure_latency", RoValue::Bool(p.has("latency"))));
    c.rodata
        .push(("count_by_process", RoValue::Bool(p.has("process"))));
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

/// libbpf-tools' -l: `%3d: %s` for every syscall this architecture has.
fn syscall_list() -> String {
    let mut s = String::new();
    for nr in 0..1024u32 {
        if let Some(sys) = syscalls::Sysno::new(nr as usize) {
            s.push_str(&format!("{nr:3}: {}\n", sys.name()));
        }
    }
    s
}

/// The name of syscall `nr` on this architecture (libbpf-tools' fallback
/// for numbers it does not know).
pub fn syscall_name(nr: u32) -> String {
    match syscalls::Sysno::new(nr as usize) {
        Some(s) => s.name().to_string(),
        None => format!("[unknown: {nr}]"),
    }
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = if c.parsed.has("process") {
        vec![
            Column::left("pid", "PID", 6),
            Column::left("comm", "COMM", 15),
        ]
    } else {
        vec![Column::left("syscall", "SYSCALL", 22)]
    };
    v.push(Column::right("count", "COUNT", 8));
    if c.parsed.has("latency") {
        let h = if c.parsed.has("milliseconds") {
            "TIME (ms)"
        } else {
            "TIME (us)"
        };
        v.push(Column::right("time", h, 16));
    }
    v
}

/// Key u32 (syscall number, or pid with -P); value count@0 total_ns@8 comm[16]@16.
fn rows(c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut vals: Vec<(u32, u64, u64, String)> = entries
        .iter()
        .filter_map(|(k, v)| {
            Some((
                u32_at(k, 0)?,
                u64_at(v, 0)?,
                u64_at(v, 8)?,
                cstr_at(v, 16, 16)?,
            ))
        })
        .collect();
    let latency = c.parsed.has("latency");
    vals.sort_by(|a, b| {
        let (x, y) = if latency { (a.2, b.2) } else { (a.1, b.1) };
        y.cmp(&x).then(a.0.cmp(&b.0))
    });
    vals.truncate(c.top.unwrap_or(DEFAULT_TOP));
    let div = if c.parsed.has("milliseconds") {
        1_000_000.0
    } else {
        1_000.0
    };
    vals.into_iter()
        .map(|(key, count, total_ns, comm)| {
            let mut e = Event::default();
            if c.parsed.has("process") {
                e.push("pid", key);
                e.push("comm", comm);
            } else {
                e.push("syscall", syscall_name(key));
                e.push("nr", key);
            }
            e.push("count", count);
            if latency {
                e.push("time", format!("{:.3}", total_ns as f64 / div));
                e.push("total_ns", total_ns);
            }
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(nr: u32, count: u64, ns: u64) -> (Vec<u8>, Vec<u8>) {
        let mut v = vec![0u8; 32];
        v[..8].copy_from_slice(&count.to_ne_bytes());
        v[8..16].copy_from_slice(&ns.to_ne_bytes());
        (nr.to_ne_bytes().to_vec(), v)
    }

    #[test]
    fn names_and_top() {
        #[cfg(target_arch = "x86_64")]
        {
            assert_eq!(syscall_name(0), "read");
            assert_eq!(syscall_name(62), "kill");
        }
        #[cfg(target_arch = "aarch64")]
        {
            assert_eq!(syscall_name(63), "read");
            assert_eq!(syscall_name(129), "kill");
        }
        assert_eq!(syscall_name(99999), "[unknown: 99999]");
        let s = &Session::default();
        let c = TOOL.configure(&["-T".into(), "2".into()], s).unwrap();
        let r = rows(&c, s, &[entry(1, 5, 0), entry(0, 9, 0), entry(3, 1, 0)]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text("count"), "9");
        let c = TOOL.configure(&["-L".into()], s).unwrap();
        let r = rows(&c, s, &[entry(1, 5, 9000), entry(0, 9, 1000)]);
        assert_eq!(r[0].text("count"), "5");
        assert_eq!(r[0].text("time"), "9.000");
    }
}
