//! The bundled tools' reports as metric data: log2 histograms become
//! Prometheus histograms in base units (seconds, bytes) with the tool's own
//! dimensions as labels; counting tools (syscount, hardirqs, cachestat)
//! become counters; event tools become counters by comm and result
//! (`events`). Maps are only read, never cleared: values are
//! cumulative since the tool was loaded (a `tool report INTERVAL` run
//! clears them, which Prometheus sees as a counter reset).
use std::path::Path;
use std::sync::Mutex;

use tracing_tools::{hist::slot_range, Config, Event, Histogram, Report, Session, Tool};

use super::events::{CounterSeries, EventCounts};
use crate::loader::{fs, maps, tool as lt, LoaderError};

/// One exported histogram: buckets as (upper bound, count), in base units.
#[derive(Debug, Clone, PartialEq)]
pub struct HistSeries {
    pub labels: Vec<(String, String)>,
    pub buckets: Vec<(f64, u64)>,
    pub count: u64,
    /// Estimated from bucket midpoints: the tools keep no exact sum.
    pub sum: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ToolData {
    /// `metric` ends in its unit (`bpfscope_biolatency_seconds`).
    Histograms {
        metric: String,
        help: String,
        series: Vec<HistSeries>,
    },
    /// (metric without `_total`, help, series).
    Counters(Vec<(&'static str, &'static str, Vec<CounterSeries>)>),
    /// Event tools: events by comm and result since serve started, events
    /// over the series cap, and events the tool lost (ring buffer full).
    Events {
        metric: String,
        help: String,
        series: Vec<CounterSeries>,
        overflow: u64,
        lost: Option<u64>,
    },
    /// Loaded, but its report has no metric form here (stack tools).
    NotExported,
}

#[derive(Debug, Clone)]
pub struct ToolSnapshot {
    pub name: &'static str,
    pub attached: bool,
    pub data: ToolData,
    /// Series left out over `--max-series`.
    pub dropped: u64,
    pub error: Option<String>,
}

/// Counter columns of the counting tools: (row field, metric, help, scale).
type CounterCol = (&'static str, &'static str, &'static str, f64);

struct CountSpec {
    tool: &'static str,
    /// Row fields that become labels.
    labels: &'static [&'static str],
    counters: &'static [CounterCol],
}

const COUNT_SPECS: &[CountSpec] = &[
    CountSpec {
        tool: "syscount",
        labels: &["syscall", "pid", "comm"],
        counters: &[
            (
                "count",
                "bpfscope_syscount_calls",
                "System calls (syscount)",
                1.0,
            ),
            (
                "total_ns",
                "bpfscope_syscount_time_seconds",
                "Time spent in system calls (syscount -L)",
                1e-9,
            ),
        ],
    },
    CountSpec {
        tool: "hardirqs",
        labels: &["hardirq"],
        counters: &[
            (
                "count",
                "bpfscope_hardirqs_irqs",
                "Hard interrupts handled (hardirqs)",
                1.0,
            ),
            (
                "total_ns",
                "bpfscope_hardirqs_time_seconds",
                "Time spent in hard interrupt handlers (hardirqs)",
                1e-9,
            ),
            (
                "total_us",
                "bpfscope_hardirqs_time_seconds",
                "Time spent in hard interrupt handlers (hardirqs)",
                1e-6,
            ),
        ],
    },
    CountSpec {
        tool: "softirqs",
        labels: &["softirq"],
        counters: &[(
            "count",
            "bpfscope_softirqs_handled",
            "Soft interrupts handled, per vector (softirqs)",
            1.0,
        )],
    },
    CountSpec {
        tool: "funccount",
        labels: &["func"],
        counters: &[(
            "count",
            "bpfscope_funccount_hits",
            "Hits of each traced tracepoint or function (funccount)",
            1.0,
        )],
    },
    CountSpec {
        tool: "pidpersec",
        labels: &[],
        counters: &[(
            "pids",
            "bpfscope_pidpersec_new_processes",
            "New processes (forks) since load (pidpersec)",
            1.0,
        )],
    },
    CountSpec {
        tool: "cachestat",
        labels: &[],
        counters: &[
            (
                "hits",
                "bpfscope_cachestat_hits",
                "Page cache hits (cachestat)",
                1.0,
            ),
            (
                "misses",
                "bpfscope_cachestat_misses",
                "Page cache misses (cachestat)",
                1.0,
            ),
            (
                "dirties",
                "bpfscope_cachestat_dirties",
                "Page cache pages dirtied (cachestat)",
                1.0,
            ),
        ],
    },
];

/// Base unit and scale of a histogram unit as the tools name it.
pub fn base_unit(unit: &str) -> Option<(&'static str, f64)> {
    match unit {
        "nsecs" => Some(("seconds", 1e-9)),
        "usecs" => Some(("seconds", 1e-6)),
        "msecs" => Some(("seconds", 1e-3)),
        "Kbytes" => Some(("bytes", 1024.0)),
        "bytes" => Some(("bytes", 1.0)),
        _ => None,
    }
}

/// A Prometheus label name from a tool's dimension name.
fn label_name(s: &str) -> String {
    let mut n: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if n.is_empty() || n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, '_');
    }
    n
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A log2 histogram as Prometheus buckets: slot i holds whole values up to
/// 2^(i+1) - 1, so `le` = 2^(i+1) units (then scaled); +Inf closes it.
pub fn hist_series(h: &Histogram, scale: f64) -> HistSeries {
    let mut labels = Vec::new();
    if let Some((k, v)) = &h.label {
        labels.push((label_name(k), value_text(v)));
    }
    if let Some(c) = &h.comm {
        labels.push(("comm".to_string(), c.clone()));
    }
    let mut buckets = Vec::with_capacity(h.slots.len() + 1);
    let mut sum = 0.0;
    for (i, &n) in h.slots.iter().enumerate() {
        let (low, high) = slot_range(i);
        buckets.push(((2f64).powi(i as i32 + 1) * scale, n));
        sum += n as f64 * (low as f64 + high as f64) / 2.0 * scale;
    }
    buckets.push((f64::INFINITY, 0));
    HistSeries {
        labels,
        buckets,
        count: h.total(),
        sum,
    }
}

/// Counters from a counting tool's rows (see `COUNT_SPECS`).
fn counters(spec: &CountSpec, rows: &[Event]) -> ToolData {
    let mut out: Vec<(&'static str, &'static str, Vec<CounterSeries>)> = Vec::new();
    for &(field, metric, help, scale) in spec.counters {
        let series: Vec<CounterSeries> = rows
            .iter()
            .filter_map(|r| {
                let v = r.get(field)?.as_f64()?;
                let labels = spec
                    .labels
                    .iter()
                    .filter_map(|l| Some((l.to_string(), value_text(r.get(l)?))))
                    .collect();
                Some(CounterSeries {
                    labels,
                    value: v * scale,
                })
            })
            .collect();
        if series.is_empty() {
            continue;
        }
        match out.iter_mut().find(|(m, _, _)| *m == metric) {
            Some(e) => e.2.extend(series),
            None => out.push((metric, help, series)),
        }
    }
    ToolData::Counters(out)
}

/// Reads one loaded tool's report data.
fn read(
    root: &Path,
    tool: &Tool,
    session: &mut Session,
    max_series: usize,
    events: &Mutex<EventCounts>,
) -> Result<(ToolData, u64), LoaderError> {
    let args = lt::loaded_args(root, tool.name, tool)?;
    let words = tracing_tools::args::split_canonical(&args);
    let Ok(mut config) = tool.configure(&words, session) else {
        return Ok((ToolData::NotExported, 0));
    };
    // Every row, not the text report's top N: the series cap applies instead.
    config.top = Some(usize::MAX);
    Ok(match tool.report_for(&config) {
        Report::Histogram { map, decode } => {
            histograms(root, tool, &config, session, map, decode, max_series)?
        }
        Report::Counts { map, rows, .. } => {
            let Some(spec) = COUNT_SPECS.iter().find(|s| s.tool == tool.name) else {
                return Ok((ToolData::NotExported, 0));
            };
            let entries = maps::hash_entries(&lt::map_path(root, tool.name, map)?)?;
            let mut rows = rows(&config, session, &entries);
            let dropped = rows.len().saturating_sub(max_series) as u64;
            rows.truncate(max_series);
            (counters(spec, &rows), dropped)
        }
        Report::Events { .. } => {
            // One scrape drains at a time; a poisoned lock only means an
            // earlier scrape panicked mid-count: the counts are still usable.
            let mut all = events.lock().unwrap_or_else(|p| p.into_inner());
            let counts = all.tools.entry(tool.name).or_default();
            let lost = super::events::drain(root, tool, &config, session, counts, max_series)?;
            (
                ToolData::Events {
                    metric: format!("bpfscope_{}_events", label_name(tool.name)),
                    help: format!(
                        "{} ({}): events by comm and result",
                        tool.summary, tool.name
                    ),
                    series: counts.counters(),
                    overflow: counts.overflow,
                    lost,
                },
                0,
            )
        }
        _ => (ToolData::NotExported, 0),
    })
}

type Decode = fn(&Config, &Session, &[u8], &[u8]) -> Option<Histogram>;

fn histograms(
    root: &Path,
    tool: &Tool,
    config: &Config,
    session: &Session,
    map: &str,
    decode: Decode,
    max_series: usize,
) -> Result<(ToolData, u64), LoaderError> {
    let entries = maps::hash_entries(&lt::map_path(root, tool.name, map)?)?;
    let mut hists: Vec<(Vec<u8>, Histogram)> = entries
        .into_iter()
        .filter_map(|(k, v)| decode(config, session, &k, &v).map(|h| (k, h)))
        .collect();
    // Stable order (key bytes as numbers), then the cap.
    hists.sort_by(|a, b| a.0.iter().rev().cmp(b.0.iter().rev()));
    let dropped = hists.len().saturating_sub(max_series) as u64;
    hists.truncate(max_series);
    let (unit, scale) = base_unit(config.unit).unwrap_or(("units", 1.0));
    let metric = format!("bpfscope_{}_{unit}", label_name(tool.name));
    let help = format!("{} ({}, {unit})", tool.summary, tool.name);
    let series = hists.iter().map(|(_, h)| hist_series(h, scale)).collect();
    Ok((
        ToolData::Histograms {
            metric,
            help,
            series,
        },
        dropped,
    ))
}

/// Every bundled tool loaded under `root`, with its data (read errors kept
/// per tool: one broken tool does not fail the scrape).
pub fn collect(root: &Path, max_series: usize, events: &Mutex<EventCounts>) -> Vec<ToolSnapshot> {
    let mut session: Option<Session> = None;
    let mut out = Vec::new();
    for tool in tracing_tools::tools() {
        let Ok(st) = lt::state(root, tool.name) else {
            continue;
        };
        if !st.loaded {
            continue;
        }
        let session = session.get_or_insert_with(fs::host_session);
        let (data, dropped, error) = match read(root, tool, session, max_series, events) {
            Ok((d, n)) => (d, n, None),
            Err(e) => (ToolData::NotExported, 0, Some(e.to_string())),
        };
        out.push(ToolSnapshot {
            name: tool.name,
            attached: st.attached(),
            data,
            dropped,
            error,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_slots_become_cumulative_ready_buckets() {
        let h = Histogram {
            label: Some(("disk".into(), "vda".into())),
            label_text: None,
            comm: None,
            unit: "usecs",
            slots: vec![1, 0, 4],
        };
        let s = hist_series(&h, 1e-6);
        assert_eq!(s.labels, vec![("disk".to_string(), "vda".to_string())]);
        assert_eq!(s.count, 5);
        let les: Vec<f64> = s.buckets.iter().map(|b| b.0).collect();
        assert_eq!(les[..3], [2e-6, 4e-6, 8e-6]);
        assert!(les[3].is_infinite());
        // Midpoints: 0.5us once, 5.5us four times.
        assert!((s.sum - 22.5e-6).abs() < 1e-12);
    }

    #[test]
    fn labels_are_prometheus_names() {
        assert_eq!(label_name("per-disk"), "per_disk");
        assert_eq!(label_name("1x"), "_1x");
        assert_eq!(base_unit("Kbytes"), Some(("bytes", 1024.0)));
    }

    #[test]
    fn count_rows_become_counters() {
        let spec = COUNT_SPECS.iter().find(|s| s.tool == "syscount").unwrap();
        let mut e = Event::default();
        e.push("syscall", "read");
        e.push("nr", 0);
        e.push("count", 7);
        let ToolData::Counters(c) = counters(spec, &[e]) else {
            panic!()
        };
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].0, "bpfscope_syscount_calls");
        assert_eq!(c[0].2[0].value, 7.0);
        assert_eq!(c[0].2[0].labels, vec![("syscall".into(), "read".into())]);
    }
}
