//! pidpersec: new processes per second (bcc's tool; no libbpf-tools one).
//! Every INTERVAL seconds, the forks of that interval divided by it.

use crate::args::{interval_count_only, Config, OptSpec};
use crate::bytes::u64_at;
use crate::probes::now_hms;
use crate::{AttachPoint, Column, Event, MapEntry, ProgSpec, Report, Session, Tool};

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "sched_process_fork",
    attach: AttachPoint::Tracepoint("sched", "sched_process_fork"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "pidpersec",
    summary: "Count new processes (via fork) per second",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/pidpersec.bpf.o")),
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

/// With an interval, bcc's rate; without one (a report of everything
/// since load), the count alone: its time span is not known.
fn columns(c: &Config) -> Vec<Column> {
    let count = if c.interval.is_some() {
        Column::right("pids_per_sec", "PIDs/sec", 8)
    } else {
        Column::right("pids", "PIDs", 8)
    };
    vec![Column::left("time", "TIME", 8), count]
}

/// The one counter (key 0; absent when nothing forked) as one row.
fn rows(c: &Config, s: &Session, entries: &[MapEntry]) -> Vec<Event> {
    let pids: u64 = entries.iter().filter_map(|(_, v)| u64_at(v, 0)).sum();
    let mut e = Event::default();
    e.push("time", now_hms(s));
    e.push("pids", pids);
    if let Some(i) = c.interval {
        e.push("pids_per_sec", pids / i.max(1));
    }
    vec![e]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_per_interval() {
        let s = &Session::default();
        let c = TOOL.configure(&["2".to_string()], s).unwrap();
        let row = rows(&c, s, &[(vec![0; 4], 9u64.to_ne_bytes().to_vec())]);
        assert_eq!(row[0].text("pids"), "9");
        assert_eq!(row[0].text("pids_per_sec"), "4");
        assert_eq!(columns(&c)[1].header, "PIDs/sec");
        let all = TOOL.configure(&[], s).unwrap();
        let row = rows(&all, s, &[]);
        assert_eq!(
            (row[0].text("pids"), row[0].get("pids_per_sec")),
            ("0".into(), None)
        );
        assert_eq!(columns(&all)[1].header, "PIDs");
        assert!(TOOL.configure(&["-x".to_string()], s).is_err());
    }
}
