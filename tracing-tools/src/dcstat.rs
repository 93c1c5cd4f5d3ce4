//! dcstat: directory entry cache lookups, slow lookups, misses and hit
//! ratio per interval (bcc's columns). Needs fentry/fexit or kprobes: both
//! sets are in the object (see ext4slower).

use crate::args::{interval_count_only, Config, OptSpec};
use crate::bytes::{u32_at, u64_at};
use crate::probes::{now_hms, prog};
use crate::{AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_lookup_fast", AttachPoint::Fentry("lookup_fast")),
    prog("fexit_d_lookup", AttachPoint::Fexit("d_lookup")),
    prog("kprobe_lookup_fast", AttachPoint::Kprobe("lookup_fast")),
    prog("kretprobe_d_lookup", AttachPoint::Kretprobe("d_lookup")),
];

pub(crate) const TOOL: Tool = Tool {
    name: "dcstat",
    summary: "Directory entry cache (dcache) stats",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/dcstat.bpf.o")),
    options: &[] as &[OptSpec],
    report_options: &[],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "stats",
        columns,
        rows,
        header_each: false,
    },
    configure: interval_count_only,
};

/// Keys of the stats map (dcstat.bpf.c's enum stats).
const S_REFS: u32 = 1;
const S_SLOW: u32 = 2;
const S_MISS: u32 = 3;

fn columns(c: &Config) -> Vec<Column> {
    let rate = c.interval.is_some();
    vec![
        Column::left("time", "TIME", 9),
        Column::right("refs", if rate { "REFS/s" } else { "REFS" }, 8),
        Column::right("slow", if rate { "SLOW/s" } else { "SLOW" }, 8),
        Column::right("miss", if rate { "MISS/s" } else { "MISS" }, 8),
        Column::right("hit", "HIT%", 8),
    ]
}

/// One row from the counters (key u32, value u64): per second with an
/// interval; the hit ratio from the interval's totals, "-" without references.
fn rows(c: &Config, s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let get = |key: u32| {
        entries
            .iter()
            .find(|(k, _)| u32_at(k, 0) == Some(key))
            .and_then(|(_, v)| u64_at(v, 0))
            .unwrap_or(0)
    };
    let per = c.interval.unwrap_or(1).max(1);
    let (refs, slow, miss) = (get(S_REFS), get(S_SLOW), get(S_MISS));
    let mut e = Event::default();
    e.push("time", now_hms(s));
    e.push("refs", refs / per);
    e.push("slow", slow / per);
    e.push("miss", miss / per);
    if refs > 0 {
        let hit = refs.saturating_sub(miss) as f64 * 100.0 / refs as f64;
        e.push("hit", format!("{hit:.2}"));
    } else {
        e.push("hit", "-");
    }
    vec![e]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};
    use crate::ArgError;

    fn kv(k: u32, v: u64) -> (Vec<u8>, Vec<u8>) {
        (k.to_ne_bytes().to_vec(), v.to_ne_bytes().to_vec())
    }

    fn config(args: &[&str]) -> Result<Config, ArgError> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&words, &Session::default())
    }

    #[test]
    fn arguments() {
        let c = config(&["1", "5"]).unwrap();
        assert_eq!((c.interval, c.count), (Some(1), Some(5)));
        assert!(config(&["-a"]).is_err());
        assert!(config(&["x"]).is_err());
    }

    #[test]
    fn rows_from_counters() {
        let c = config(&["2"]).unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME        REFS/s   SLOW/s   MISS/s     HIT%"
        );
        // bcc's example line: 2059 refs, 141 slow, 97 misses in a second.
        let r = rows(
            &c,
            &Session::default(),
            &[kv(1, 4118), kv(2, 282), kv(3, 194)],
        );
        let line = event_line(&cols, &r[0]);
        assert!(
            line.ends_with("      2059      141       97    95.29"),
            "{line}"
        );
        let r = rows(&c, &Session::default(), &[]);
        assert_eq!(r[0].text("hit"), "-");
        assert_eq!(r[0].text("refs"), "0");
    }
}
