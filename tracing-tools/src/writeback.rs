//! writeback: each pass of file system writeback, with its device, pages,
//! reason and duration (writeback.bt's line from BPF Performance Tools:
//! libbpf-tools and bcc have no writeback tool).

use crate::args::{duration_only, Config, OptSpec, DURATION};
use crate::bytes::{cstr_at, i32_at, i64_at, u32_at, u64_at};
use crate::{AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[DURATION];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "writeback_start",
        attach: AttachPoint::Tracepoint("writeback", "writeback_start"),
    },
    ProgSpec {
        name: "writeback_written",
        attach: AttachPoint::Tracepoint("writeback", "writeback_written"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "writeback",
    summary: "Trace file system writeback events with details",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/writeback.bpf.o")),
    options: OPTIONS,
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
        Column::left("time", "TIME", 9),
        Column::left("name", "DEVICE", 8),
        Column::left("pages", "PAGES", 8),
        Column::left("reason", "REASON", 16),
        Column::left("ms", "ms", 0),
    ]
}

/// `enum wb_reason` of Linux 6.x (the tracepoint's print format names
/// them the same way).
fn reason(r: i32) -> String {
    const NAMES: [&str; 8] = [
        "background",
        "vmscan",
        "sync",
        "periodic",
        "laptop_timer",
        "fs_free_space",
        "forker_thread",
        "foreign_flush",
    ];
    usize::try_from(r)
        .ok()
        .and_then(|i| NAMES.get(i))
        .map_or_else(|| r.to_string(), |n| n.to_string())
}

/// `struct event`: ts@0 lat_ns@8 pages@16 nr_pages@24 sb_dev@32 reason@36
/// name[32]@40.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let lat_ns = u64_at(b, 8)?;
    let sb_dev = u32_at(b, 32)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("name", cstr_at(b, 40, 32)?);
    e.push("pages", i64_at(b, 16)?);
    e.push("reason", reason(i32_at(b, 36)?));
    // writeback.bt's `%d.%03d` of microseconds: ms with three decimals.
    e.push(
        "ms",
        format!("{}.{:03}", lat_ns / 1_000_000, lat_ns / 1000 % 1000),
    );
    e.push("lat_ns", lat_ns);
    e.push("nr_pages", i64_at(b, 24)?);
    // The kernel's dev_t: 12 bits of major above 20 of minor.
    e.push("sb_dev", format!("{}:{}", sb_dev >> 20, sb_dev & 0xfffff));
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    #[test]
    fn writeback_bt_line() {
        let mut b = vec![0u8; 72];
        b[8..16].copy_from_slice(&326_663_999u64.to_ne_bytes());
        b[16..24].copy_from_slice(&41_970i64.to_ne_bytes());
        b[24..32].copy_from_slice(&i64::MAX.to_ne_bytes());
        b[32..36].copy_from_slice(&((254u32 << 20) | 1).to_ne_bytes());
        b[36..40].copy_from_slice(&0i32.to_ne_bytes());
        b[40..45].copy_from_slice(b"254:0");
        let s = &mut Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let e = decode(&c, s, &b).unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME      DEVICE   PAGES    REASON           ms"
        );
        let line = event_line(&cols, &e);
        assert!(
            line.ends_with(" 254:0    41970    background       326.663"),
            "{line}"
        );
        assert_eq!(e.text("sb_dev"), "254:1");
        assert_eq!(reason(7), "foreign_flush");
        assert_eq!(reason(42), "42");
        assert!(TOOL.configure(&["0".into()], s).is_err());
    }
}
