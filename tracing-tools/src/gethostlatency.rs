//! gethostlatency: latency of host name lookups through libc's
//! getaddrinfo, gethostbyname and gethostbyname2 (uprobes and uretprobes),
//! in libbpf-tools' columns and options (-p, -l).

use crate::args::{duration, opt, pid_filter, Config, OptSpec, Parsed, DURATION};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

/// The binary of the probes; -l replaces it.
const LIBC: &str = "libc";

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    opt(Some('l'), "libc", "LIBC", "Specify which libc.so to use"),
    DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "getaddrinfo_entry",
        attach: AttachPoint::Uprobe(LIBC, "getaddrinfo"),
    },
    ProgSpec {
        name: "getaddrinfo_return",
        attach: AttachPoint::Uretprobe(LIBC, "getaddrinfo"),
    },
    ProgSpec {
        name: "gethostbyname_entry",
        attach: AttachPoint::Uprobe(LIBC, "gethostbyname"),
    },
    ProgSpec {
        name: "gethostbyname_return",
        attach: AttachPoint::Uretprobe(LIBC, "gethostbyname"),
    },
    ProgSpec {
        name: "gethostbyname2_entry",
        attach: AttachPoint::Uprobe(LIBC, "gethostbyname2"),
    },
    ProgSpec {
        name: "gethostbyname2_return",
        attach: AttachPoint::Uretprobe(LIBC, "gethostbyname2"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "gethostlatency",
    summary: "Show latency for getaddrinfo/gethostbyname[2] calls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/gethostlatency.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    // The probes go into that process only, as libbpf-tools attaches them.
    c.uprobe_pid = pid_filter(p, &mut c, "target_pid")?;
    if let Some(libc) = p.value("libc") {
        c.uprobe_binaries.push((LIBC, libc.to_string()));
    }
    Ok(c)
}

/// libbpf-tools' `%-8s %-7d %-16s %-10.3f %-s`.
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME", 8),
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 16),
        Column::left("lat_ms", "LATms", 10),
        Column::left("host", "HOST", 0),
    ]
}

const EVENT_SIZE: usize = 120;

/// `struct event`: ts@0 time(latency ns)@8 pid@16 tid@20 comm[16]@24 host[80]@40.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < EVENT_SIZE {
        return None;
    }
    let ts = u64_at(b, 0)?;
    let lat_ns = u64_at(b, 8)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("pid", u32_at(b, 16)?);
    e.push("comm", cstr_at(b, 24, 16)?);
    e.push("lat_ms", format!("{:.3}", lat_ns as f64 / 1e6));
    e.push("host", cstr_at(b, 40, 80)?);
    e.push("tid", u32_at(b, 20)?);
    e.push("lat_ns", lat_ns);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;

    fn config(args: &str) -> Result<Config, ArgError> {
        TOOL.configure(&words(args), &Session::default())
    }

    #[test]
    fn pid_filters_in_the_program_and_the_probe() {
        let c = config("-p 42 -l /opt/libc.so.6").unwrap();
        assert_eq!(c.uprobe_pid, Some(42));
        assert_eq!(c.uprobe_binary(LIBC), "/opt/libc.so.6");
        assert!(c.rodata.iter().any(|(n, _)| *n == "target_pid"));
        assert!(config("-p 0").is_err());
        assert!(config("-p x").is_err());
        assert_eq!(config("").unwrap().uprobe_pid, None);
    }

    #[test]
    fn decodes_a_recorded_event() {
        let mut b = vec![0u8; 120];
        b[8..16].copy_from_slice(&1_234_567u64.to_ne_bytes());
        b[16..20].copy_from_slice(&77u32.to_ne_bytes());
        b[24..30].copy_from_slice(b"getent");
        b[40..49].copy_from_slice(b"localhost");
        let e = decode(&Config::default(), &mut Session::default(), &b).unwrap();
        assert_eq!(e.text("lat_ms"), "1.235");
        assert_eq!(e.text("host"), "localhost");
        assert_eq!(e.text("comm"), "getent");
        assert_eq!(e.get("pid"), Some(&77u32.into()));
        assert!(decode(&Config::default(), &mut Session::default(), &b[..100]).is_none());
    }
}
