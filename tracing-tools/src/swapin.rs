//! swapin: swap-ins per process per interval (bcc's -T, [INTERVAL
//! [COUNT]] and columns). Needs fentry or kprobes on swap_read_folio():
//! both are in the object (see ext4slower).

use crate::args::{flag, interval_count, Config, OptSpec, Parsed};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::probes::entry_probes;
use crate::{ArgError, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[flag('T', "notime", "Do not show the timestamp (HH:MM:SS)")];

const PROGRAMS: &[ProgSpec] = entry_probes!("swap_read_folio");

pub(crate) const TOOL: Tool = Tool {
    name: "swapin",
    summary: "Count swapin events by process",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/swapin.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "counts",
        columns,
        rows,
        header_each: true,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    interval_count(p, &mut c)?;
    // bcc prints HH:MM:SS before each report unless -T.
    c.time_line = !p.has("notime");
    Ok(c)
}

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("comm", "COMM", 16),
        Column::left("pid", "PID", 7),
        Column::left("count", "COUNT", 0),
    ]
}

/// Key `struct key_t` (pid@0 comm[16]@4), value u64; fewest first, as bcc.
fn rows(_c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut v: Vec<(String, u32, u64)> = entries
        .iter()
        .filter_map(|(k, v)| Some((cstr_at(k, 4, 16)?, u32_at(k, 0)?, u64_at(v, 0)?)))
        .collect();
    v.sort_by(|a, b| a.2.cmp(&b.2).then(a.1.cmp(&b.1)));
    v.into_iter()
        .map(|(comm, pid, count)| {
            let mut e = Event::default();
            e.push("comm", comm);
            e.push("pid", pid);
            e.push("count", count);
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn key(pid: u32, comm: &str) -> Vec<u8> {
        let mut k = vec![0u8; 20];
        k[..4].copy_from_slice(&pid.to_ne_bytes());
        k[4..4 + comm.len()].copy_from_slice(comm.as_bytes());
        k
    }

    fn config(args: &[&str]) -> Result<Config, ArgError> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&words, &Session::default())
    }

    #[test]
    fn arguments() {
        assert!(config(&["1", "3"]).unwrap().time_line);
        assert!(!config(&["-T"]).unwrap().time_line);
        assert!(config(&["-p", "1"]).is_err());
        assert!(config(&["0"]).is_err());
    }

    #[test]
    fn rows_fewest_first() {
        let c = config(&[]).unwrap();
        let entries = vec![
            (key(2239, "gnome-shell"), 12410u64.to_ne_bytes().to_vec()),
            (key(1180, "cron"), 23u64.to_ne_bytes().to_vec()),
            (vec![1, 2], vec![3]), // short: skipped
        ];
        let r = rows(&c, &Session::default(), &entries);
        let cols = columns(&c);
        assert_eq!(header_line(&cols), "COMM             PID     COUNT");
        let lines: Vec<String> = r.iter().map(|e| event_line(&cols, e)).collect();
        assert_eq!(
            lines,
            [
                "cron             1180    23",
                "gnome-shell      2239    12410"
            ]
        );
    }
}
