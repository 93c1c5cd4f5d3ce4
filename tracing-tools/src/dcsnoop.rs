//! dcsnoop: directory entry cache lookups that failed, or all with -a
//! (bcc's columns). Needs fentry/fexit or kprobes: both sets are in the
//! object (see ext4slower).

use crate::args::{duration, flag, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::probes::prog;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('a', "all", "Trace all lookups (default is fails only)"),
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_lookup_fast", AttachPoint::Fentry("lookup_fast")),
    prog("fexit_d_lookup", AttachPoint::Fexit("d_lookup")),
    prog("kprobe_lookup_fast", AttachPoint::Kprobe("lookup_fast")),
    prog("kprobe_d_lookup", AttachPoint::Kprobe("d_lookup")),
    prog("kretprobe_d_lookup", AttachPoint::Kretprobe("d_lookup")),
];

pub(crate) const TOOL: Tool = Tool {
    name: "dcsnoop",
    summary: "Trace directory entry cache (dcache) lookups",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/dcsnoop.bpf.o")),
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
    if p.has("all") {
        c.rodata.push(("trace_all", RoValue::Bool(true)));
    }
    Ok(c)
}

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME(s)", 11),
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 16),
        Column::left("type", "T", 1),
        Column::left("filename", "FILE", 0),
    ]
}

/// sizeof(struct event).
const EVENT_SIZE: usize = 96;

/// `struct event`: ts@0 pid@8 type@12 comm[16]@16 filename[64]@32.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < EVENT_SIZE {
        return None;
    }
    let ts = u64_at(b, 0)?;
    let mut e = Event::default();
    e.push("time", format!("{:.6}", s.relative_secs(ts)));
    e.push("pid", u32_at(b, 8)?);
    e.push("comm", cstr_at(b, 16, 16)?);
    // enum lookup_type: a miss, or (-a) a reference.
    e.push("type", if u32_at(b, 12)? == 0 { "M" } else { "R" });
    e.push("filename", cstr_at(b, 32, 64)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn config(args: &[&str]) -> Result<Config, ArgError> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&words, &Session::default())
    }

    /// A sample laid out as dcsnoop.bpf.c's `struct event` (96 bytes).
    fn sample(ts: u64, kind: u32, name: &str) -> Vec<u8> {
        let mut b = vec![0u8; 96];
        b[0..8].copy_from_slice(&ts.to_ne_bytes());
        b[8..12].copy_from_slice(&1643u32.to_ne_bytes());
        b[12..16].copy_from_slice(&kind.to_ne_bytes());
        b[16..21].copy_from_slice(b"snmpd");
        b[32..32 + name.len()].copy_from_slice(name.as_bytes());
        b
    }

    #[test]
    fn arguments() {
        assert!(config(&["-a"])
            .unwrap()
            .rodata
            .contains(&("trace_all", RoValue::Bool(true))));
        assert!(config(&[]).unwrap().rodata.is_empty());
        assert_eq!(config(&["-d", "2"]).unwrap().duration, Some(2));
        assert!(config(&["-x"]).is_err());
    }

    #[test]
    fn decodes_and_lays_out() {
        let c = config(&[]).unwrap();
        let mut s = Session::default();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME(s)     PID     COMM             T FILE"
        );
        let e = decode(&c, &mut s, &sample(1_000_000_000, 0, "net/dev")).unwrap();
        assert_eq!(
            event_line(&cols, &e),
            "0.000000    1643    snmpd            M net/dev"
        );
        let e = decode(&c, &mut s, &sample(1_000_015_000, 1, "1643")).unwrap();
        assert_eq!(
            (e.text("time"), e.text("type")),
            ("0.000015".into(), "R".into())
        );
        // A 64-byte name without its NUL stays within the field.
        let long = "x".repeat(64);
        assert_eq!(
            decode(&c, &mut s, &sample(0, 0, &long))
                .unwrap()
                .text("filename"),
            long
        );
        assert!(decode(&c, &mut s, &sample(0, 0, "a")[..40]).is_none());
    }
}
