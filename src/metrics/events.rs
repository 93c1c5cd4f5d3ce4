//! Event tools (execsnoop, opensnoop, tcpconnect, …) as counters: at each
//! scrape, what their ring buffers hold is decoded and counted by comm and
//! result, into counts kept for the life of `serve`. Label sets are capped
//! per tool (`--max-series`); events past the cap are counted in one
//! overflow counter, so totals stay right.
//!
//! Draining a ring buffer consumes its events: while `serve` exports an
//! event tool, `tool report` on the same tool sees only what arrives
//! between two scrapes.
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use tracing_tools::{Config, Event, Report, Session, Tool};

use crate::loader::maps::{self, Follow};
use crate::loader::{tool as lt, LoaderError};

/// One counter value with its labels.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterSeries {
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

/// Counts of one tool, by (comm, result).
#[derive(Debug, Default, Clone)]
pub struct ToolEvents {
    pub series: HashMap<(String, String), u64>,
    /// Events whose labels did not fit under the cap.
    pub overflow: u64,
}

/// Every event tool's counts, kept across scrapes.
#[derive(Debug, Default)]
pub struct EventCounts {
    pub tools: HashMap<&'static str, ToolEvents>,
}

/// The result of an event, where the tool reports one: `ok`, or the error
/// (`execsnoop`'s ret, `opensnoop`'s errno).
fn result(e: &Event) -> String {
    let num = |k| e.get(k).and_then(|v| v.as_i64());
    match (num("ret"), num("err")) {
        (Some(r), _) if r < 0 => format!("E{}", -r),
        (_, Some(err)) if err > 0 => format!("E{err}"),
        (Some(_), _) | (_, Some(_)) => "ok".into(),
        (None, None) => String::new(),
    }
}

impl ToolEvents {
    /// Counts one event, within `cap` label sets.
    pub fn count(&mut self, e: &Event, cap: usize) {
        let key = (e.text("comm"), result(e));
        let full = self.series.len() >= cap;
        match self.series.get_mut(&key) {
            Some(n) => *n += 1,
            None if full => self.overflow += 1,
            None => {
                self.series.insert(key, 1);
            }
        }
    }

    pub fn counters(&self) -> Vec<CounterSeries> {
        let mut v: Vec<CounterSeries> = self
            .series
            .iter()
            .map(|((comm, res), n)| CounterSeries {
                labels: vec![
                    ("comm".to_string(), comm.clone()),
                    ("result".to_string(), res.clone()),
                ],
                value: *n as f64,
            })
            .collect();
        v.sort_by(|a, b| a.labels.cmp(&b.labels));
        v
    }
}

/// Drains a loaded event tool's ring buffer into `counts`; the events the
/// tool lost (ring buffer full) since it was loaded, if it counts them.
pub fn drain(
    root: &Path,
    tool: &Tool,
    config: &Config,
    session: &mut Session,
    counts: &mut ToolEvents,
    cap: usize,
) -> Result<Option<u64>, LoaderError> {
    let Report::Events { map, decode, .. } = tool.report_for(config) else {
        return Ok(None);
    };
    let path = lt::map_path(root, tool.name, map)?;
    let follow = Follow {
        duration: Some(Duration::ZERO),
        max_events: None,
    };
    maps::follow_ringbuf(
        &path,
        follow,
        |data| match decode(config, session, data) {
            Some(e) => {
                counts.count(&e, cap);
                true
            }
            None => false,
        },
        || {},
    )?;
    Ok(lt::map_path(root, tool.name, tracing_tools::DROPS_MAP)
        .ok()
        .and_then(|p| maps::percpu_sum(&p).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(comm: &str, ret: i64) -> Event {
        let mut e = Event::default();
        e.push("comm", comm);
        e.push("ret", ret);
        e
    }

    #[test]
    fn counts_by_comm_and_result_under_a_cap() {
        let mut t = ToolEvents::default();
        t.count(&ev("sh", 0), 2);
        t.count(&ev("sh", 0), 2);
        t.count(&ev("sh", -2), 2);
        t.count(&ev("cat", 0), 2);
        assert_eq!(t.series.len(), 2);
        assert_eq!(t.overflow, 1);
        let c = t.counters();
        assert_eq!(c[0].labels[1].1, "E2");
        assert_eq!(c[1].value, 2.0);
    }
}
