//! mdflush: md (software RAID) flush requests (libbpf-tools' mdflush, plus
//! `-d DURATION`). md_flush_request has no tracepoint: fentry or kprobe.

use crate::args::{duration_only, Config, OptSpec};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::{AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "fentry_flush",
        attach: AttachPoint::Fentry("md_flush_request"),
    },
    ProgSpec {
        name: "kprobe_flush",
        attach: AttachPoint::Kprobe("md_flush_request"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "mdflush",
    summary: "Trace md flush events",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/mdflush.bpf.o")),
    options: &[crate::args::DURATION] as &[OptSpec],
    report_options: &[],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure: duration_only,
};

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME", 8),
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 16),
        Column::left("disk", "DEVICE", 0),
    ]
}

/// `struct event` of mdflush.bpf.c: pid@0 comm[16]@4 disk[32]@20 ts@56,
/// 64 bytes.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < 64 {
        return None;
    }
    let ts = u64_at(b, 56)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("pid", u32_at(b, 0)?);
    e.push("comm", cstr_at(b, 4, 16)?);
    e.push("disk", cstr_at(b, 20, 32)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_decoding_and_text() {
        let cfg = |a: &[&str]| {
            let w: Vec<String> = a.iter().map(|s| s.to_string()).collect();
            TOOL.configure(&w, &Session::default())
        };
        assert_eq!(cfg(&["-d", "4"]).unwrap().duration, Some(4));
        assert_eq!(cfg(&["4"]).unwrap().duration, Some(4));
        assert!(cfg(&["-p", "1"]).is_err() && cfg(&["0"]).is_err());
        let mut b = vec![0u8; 64];
        b[0..4].copy_from_slice(&99u32.to_ne_bytes());
        b[4..14].copy_from_slice(b"md0_raid1\0");
        b[20..23].copy_from_slice(b"md0");
        b[56..64].copy_from_slice(&7_000_000_000u64.to_ne_bytes());
        let c = cfg(&[]).unwrap();
        let e = decode(&c, &mut Session::default(), &b).unwrap();
        assert_eq!(
            crate::event::header_line(&columns(&c)),
            "TIME     PID     COMM             DEVICE"
        );
        assert_eq!(
            crate::event::event_line(&columns(&c), &e),
            "00:00:07 99      md0_raid1        md0"
        );
        assert!(decode(&c, &mut Session::default(), &b[..56]).is_none());
    }
}
