//! llcstat: last-level cache references, misses and hit rate per CPU and
//! process, or (-t) thread (libbpf-tools' -c SAMPLE_PERIOD -t [DURATION]),
//! from the cache-references and cache-misses hardware events. Machines
//! without a hardware PMU (most VMs) refuse it at load, naming the PMU.

use crate::args::{err, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::Tool;
use crate::{ArgError, AttachPoint, Column, Event, HwEvent, MapEntry, ProgSpec, Report, Session};

const OPTIONS: &[OptSpec] = &[
    opt(
        Some('c'),
        "sample_period",
        "SAMPLE_PERIOD",
        "Sample one in this many number of cache reference / miss events",
    ),
    flag(
        't',
        "tid",
        "Summarize cache references and misses by PID/TID",
    ),
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "on_cache_miss",
        attach: AttachPoint::PerfHardware(HwEvent::CacheMisses),
    },
    ProgSpec {
        name: "on_cache_ref",
        attach: AttachPoint::PerfHardware(HwEvent::CacheReferences),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "llcstat",
    summary: "Summarize cache references and misses by PID",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/llcstat.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "infos",
        columns,
        rows,
        header_each: true,
    },
    configure,
};

/// libbpf-tools' default: one run of the program per 100 events.
const DEFAULT_PERIOD: u64 = 100;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    // libbpf-tools' one positional is the duration: here the time `tool
    // run` counts before its report (`tool report` reads whenever asked).
    match p.positionals.as_slice() {
        [] => {}
        [d] => match d.parse::<u64>() {
            Ok(secs) if secs > 0 => c.duration = Some(secs),
            _ => {
                return err(format!(
                    "invalid duration '{d}': a positive number of seconds"
                ))
            }
        },
        _ => return err("too many arguments: expected [DURATION]"),
    }
    c.sample_period = match p.number::<u64>("sample_period")? {
        Some(0) => return err("invalid SAMPLE_PERIOD 0: at least 1"),
        Some(n) => n,
        None => DEFAULT_PERIOD,
    };
    c.rodata
        .push(("targ_per_thread", RoValue::Bool(p.has("tid"))));
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = vec![Column::left("pid", "PID", 8)];
    if c.parsed.has("tid") {
        v.push(Column::left("tid", "TID", 8));
    }
    v.extend([
        Column::left("comm", "NAME", 16),
        Column::left("cpu", "CPU", 4),
        Column::right("ref", "REFERENCE", 12),
        Column::right("miss", "MISS", 12),
        Column::right("hit", "HIT%", 7),
    ]);
    v
}

/// `HIT%` as libbpf-tools prints it: hits (references not missed) over
/// references, 0 without references.
fn hit_rate(refs: u64, miss: u64) -> String {
    let hit = refs.saturating_sub(miss);
    let pct = if refs > 0 {
        hit as f64 / refs as f64 * 100.0
    } else {
        0.0
    };
    format!("{pct:.2}%")
}

/// One map entry: the counts of a task on a CPU.
struct Counts {
    pid: u32,
    tid: u32,
    cpu: u32,
    refs: u64,
    miss: u64,
    comm: String,
}

/// Key `struct key_info`: cpu@0 pid@4 tid@8; value `struct value_info`:
/// ref@0 miss@8 comm[16]@16.
fn counts(k: &[u8], v: &[u8]) -> Option<Counts> {
    Some(Counts {
        cpu: u32_at(k, 0)?,
        pid: u32_at(k, 4)?,
        tid: u32_at(k, 8)?,
        refs: u64_at(v, 0)?,
        miss: u64_at(v, 8)?,
        comm: cstr_at(v, 16, 16)?,
    })
}

/// One row per entry in (pid, tid, cpu) order, then libbpf-tools' totals
/// as a last row named "Total" (no pid, tid or cpu).
fn rows(c: &Config, _s: &Session, entries: &[MapEntry]) -> Vec<Event> {
    let mut all: Vec<Counts> = entries.iter().filter_map(|(k, v)| counts(k, v)).collect();
    all.sort_by_key(|r| (r.pid, r.tid, r.cpu));
    let per_thread = c.parsed.has("tid");
    let mut out: Vec<Event> = all
        .iter()
        .map(|r| {
            let mut e = Event::default();
            e.push("pid", r.pid);
            if per_thread {
                e.push("tid", r.tid);
            }
            e.push("comm", r.comm.clone());
            e.push("cpu", r.cpu);
            e.push("ref", r.refs);
            e.push("miss", r.miss);
            e.push("hit", hit_rate(r.refs, r.miss));
            e
        })
        .collect();
    if !all.is_empty() {
        let total_ref: u64 = all.iter().map(|r| r.refs).sum();
        let total_miss: u64 = all.iter().map(|r| r.miss).sum();
        let mut e = Event::default();
        e.push("comm", "Total");
        e.push("ref", total_ref);
        e.push("miss", total_miss);
        e.push("hit", hit_rate(total_ref, total_miss));
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    /// A map entry as the programs leave it.
    fn entry(cpu: u32, pid: u32, tid: u32, refs: u64, miss: u64, comm: &str) -> MapEntry {
        let mut k = Vec::new();
        for x in [cpu, pid, tid] {
            k.extend_from_slice(&x.to_ne_bytes());
        }
        let mut v = vec![0u8; 32];
        v[..8].copy_from_slice(&refs.to_ne_bytes());
        v[8..16].copy_from_slice(&miss.to_ne_bytes());
        v[16..16 + comm.len()].copy_from_slice(comm.as_bytes());
        (k, v)
    }

    #[test]
    fn options() {
        let s = &Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        assert_eq!((c.sample_period, c.duration), (100, None));
        assert!(c
            .rodata
            .contains(&("targ_per_thread", RoValue::Bool(false))));
        let c = TOOL.configure(&words("-c 5000 -t 3"), s).unwrap();
        assert_eq!((c.sample_period, c.duration), (5000, Some(3)));
        assert!(c.rodata.contains(&("targ_per_thread", RoValue::Bool(true))));
        for bad in ["-c 0", "-c x", "0", "1 2", "-x"] {
            assert!(TOOL.configure(&words(bad), s).is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_and_totals() {
        let s = &Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let entries = [
            entry(1, 42, 42, 3200, 800, "stress"),
            entry(0, 42, 42, 1000, 0, "stress"),
            entry(0, 7, 7, 100, 300, "odd"),
        ];
        let r = rows(&c, s, &entries);
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "PID      NAME             CPU     REFERENCE         MISS    HIT%"
        );
        let lines: Vec<String> = r.iter().map(|e| event_line(&cols, e)).collect();
        assert_eq!(
            lines,
            [
                // More misses than references (two counters): 0% hits.
                "7        odd              0             100          300   0.00%",
                "42       stress           0            1000            0 100.00%",
                "42       stress           1            3200          800  75.00%",
                "         Total                         4300         1100  74.42%",
            ]
        );
        assert_eq!(r[3].get("pid"), None);
        assert_eq!(r[2].get("miss"), Some(&800u64.into()));
        assert!(rows(&c, s, &[]).is_empty());
    }

    #[test]
    fn per_thread() {
        let s = &Session::default();
        let c = TOOL.configure(&words("-t"), s).unwrap();
        let r = rows(&c, s, &[entry(1, 42, 43, 10, 5, "worker")]);
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "PID      TID      NAME             CPU     REFERENCE         MISS    HIT%"
        );
        assert_eq!(
            event_line(&cols, &r[0]),
            "42       43       worker           1              10            5  50.00%"
        );
    }
}
