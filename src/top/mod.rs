//! `top`: programs sorted by CPU use over the last interval, as bpftop
//! shows them. A [`Sample`] is every program's cumulative run count and run
//! time (read through `sys::prog::record`); two samples give [`Row`]s of
//! rates. The interactive view is `tui`; batch output is `output::top`.
pub mod tui;

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;

use crate::sys::{ids, prog, ObjKind};

/// One program's cumulative counters at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgStat {
    pub id: u32,
    pub prog_type: String,
    pub name: String,
    pub run_cnt: u64,
    pub run_time_ns: u64,
}

#[derive(Debug, Clone)]
pub struct Sample {
    pub at: Instant,
    pub progs: Vec<ProgStat>,
}

/// Reads every program's counters; vanished ones are left out.
pub fn sample() -> crate::sys::Result<Sample> {
    let mut progs = Vec::new();
    for item in ids::iter(ObjKind::Prog) {
        let (_, fd) = item?;
        let Ok(r) = prog::record(&fd) else { continue };
        progs.push(ProgStat {
            id: r.header.id,
            prog_type: r.header.prog_type.to_string(),
            name: r.header.name.unwrap_or_default(),
            run_cnt: r.header.run_cnt.unwrap_or(0),
            run_time_ns: r.header.run_time_ns.unwrap_or(0),
        });
    }
    Ok(Sample {
        at: Instant::now(),
        progs,
    })
}

/// A program over one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: String,
    pub name: String,
    /// Run time over the interval as a share of one CPU, in percent.
    pub cpu_percent: f64,
    pub events_per_sec: f64,
    /// Average run time over the interval (0 when it did not run).
    pub avg_run_time_ns: u64,
    /// Cumulative runs since stats were first enabled.
    pub run_cnt: u64,
    pub run_time_ns: u64,
    /// Runs and run time within the interval.
    pub interval_run_cnt: u64,
    pub interval_run_time_ns: u64,
}

/// Rows of the programs alive in `cur`, against their values in `prev`
/// (a program new in `cur` counts from zero).
pub fn rows(prev: &Sample, cur: &Sample) -> (u64, Vec<Row>) {
    let interval_ns = cur.at.saturating_duration_since(prev.at).as_nanos().max(1) as u64;
    let before: HashMap<u32, &ProgStat> = prev.progs.iter().map(|p| (p.id, p)).collect();
    let rows = cur
        .progs
        .iter()
        .map(|p| {
            let (c0, t0) = before
                .get(&p.id)
                .map_or((0, 0), |b| (b.run_cnt, b.run_time_ns));
            // Counters restart when stats are reset by a reload of the id? Ids
            // are never reused while alive, so only saturate against races.
            let dc = p.run_cnt.saturating_sub(c0);
            let dt = p.run_time_ns.saturating_sub(t0);
            Row {
                id: p.id,
                prog_type: p.prog_type.clone(),
                name: p.name.clone(),
                cpu_percent: dt as f64 * 100.0 / interval_ns as f64,
                events_per_sec: dc as f64 * 1e9 / interval_ns as f64,
                avg_run_time_ns: dt.checked_div(dc).unwrap_or(0),
                run_cnt: p.run_cnt,
                run_time_ns: p.run_time_ns,
                interval_run_cnt: dc,
                interval_run_time_ns: dt,
            }
        })
        .collect();
    (interval_ns, rows)
}

/// Sort keys of the view, in the order the `s` key cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Cpu,
    Events,
    AvgTime,
    TotalRuns,
    Id,
    Name,
}

impl SortBy {
    pub const ALL: [SortBy; 6] = [
        SortBy::Cpu,
        SortBy::Events,
        SortBy::AvgTime,
        SortBy::TotalRuns,
        SortBy::Id,
        SortBy::Name,
    ];
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Cpu => "CPU %",
            SortBy::Events => "events/s",
            SortBy::AvgTime => "avg run time",
            SortBy::TotalRuns => "total runs",
            SortBy::Id => "id",
            SortBy::Name => "name",
        }
    }
    pub fn next(self) -> SortBy {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// Sorts (largest first for numbers, then by id) and filters by a
/// substring of the name or the type.
pub fn arrange(rows: &mut Vec<Row>, by: SortBy, filter: &str) {
    if !filter.is_empty() {
        rows.retain(|r| r.name.contains(filter) || r.prog_type.contains(filter));
    }
    let f = |a: f64, b: f64| b.partial_cmp(&a).unwrap_or(std::cmp::Ordering::Equal);
    rows.sort_by(|a, b| {
        match by {
            SortBy::Cpu => f(a.cpu_percent, b.cpu_percent),
            SortBy::Events => f(a.events_per_sec, b.events_per_sec),
            SortBy::AvgTime => b.avg_run_time_ns.cmp(&a.avg_run_time_ns),
            SortBy::TotalRuns => b.run_cnt.cmp(&a.run_cnt),
            SortBy::Id => a.id.cmp(&b.id),
            SortBy::Name => a.name.cmp(&b.name),
        }
        .then(a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn stat(id: u32, cnt: u64, ns: u64) -> ProgStat {
        ProgStat {
            id,
            prog_type: "tracepoint".into(),
            name: format!("p{id}"),
            run_cnt: cnt,
            run_time_ns: ns,
        }
    }

    #[test]
    fn shares_follow_run_time() {
        let t0 = Instant::now();
        let prev = Sample {
            at: t0,
            progs: vec![stat(1, 10, 1_000), stat(2, 0, 0)],
        };
        let cur = Sample {
            at: t0 + Duration::from_secs(2),
            progs: vec![stat(1, 110, 20_001_000), stat(2, 4, 400), stat(3, 1, 100)],
        };
        let (interval, mut r) = rows(&prev, &cur);
        assert_eq!(interval, 2_000_000_000);
        arrange(&mut r, SortBy::Cpu, "");
        assert_eq!(r[0].id, 1);
        assert!((r[0].cpu_percent - 1.0).abs() < 1e-9);
        assert!((r[0].events_per_sec - 50.0).abs() < 1e-9);
        assert_eq!(r[0].avg_run_time_ns, 200_000);
        // New program: counted from zero.
        let p3 = r.iter().find(|x| x.id == 3).unwrap();
        assert_eq!(p3.interval_run_cnt, 1);
        arrange(&mut r, SortBy::Name, "p2");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].avg_run_time_ns, 100);
    }
}
