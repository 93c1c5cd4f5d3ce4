//! A [`Snapshot`] as a Prometheus exposition, through `prometheus-client`:
//! text 0.0.4 or OpenMetrics 1.0, as the scraper's Accept header prefers.
//! Names follow Prometheus conventions: base units (`_seconds`, `_bytes`),
//! counters end in `_total` (the crate appends it), inventories are `_info`.
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric, NoLabelSet};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

use super::collect::Snapshot;
use super::tools::ToolData;

type Labels = Vec<(&'static str, String)>;
type Fmt = Result<(), std::fmt::Error>;

/// The two text formats a scraper may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Prometheus,
    OpenMetrics,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// Content negotiation on an Accept header: OpenMetrics when it is
    /// preferred (by q-value, then order), else text 0.0.4.
    pub fn negotiate(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Prometheus;
        };
        let mut best: Option<(f32, Format)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("").to_ascii_lowercase();
            let mut q = 1.0f32;
            let mut version = None;
            for p in parts {
                if let Some(v) = p.strip_prefix("q=") {
                    q = v.parse().unwrap_or(0.0);
                } else if let Some(v) = p.strip_prefix("version=") {
                    version = Some(v.to_string());
                }
            }
            let f = match media.as_str() {
                // We write 1.0.0; a scraper asking only for 0.0.1 gets text.
                "application/openmetrics-text"
                    if version.as_deref().is_none_or(|v| v.starts_with("1.")) =>
                {
                    Format::OpenMetrics
                }
                "text/plain" | "*/*" | "text/*" => Format::Prometheus,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, f));
            }
        }
        best.map_or(Format::Prometheus, |(_, f)| f)
    }
}

/// Encodes registries in `format`, the OpenMetrics EOF marker last.
pub fn encode(format: Format, registries: &[&Registry]) -> Result<String, std::fmt::Error> {
    let mut s = String::with_capacity(1 << 20);
    for r in registries {
        match format {
            Format::Prometheus => prometheus_client::encoding::prometheus_text::encode(&mut s, r)?,
            Format::OpenMetrics => prometheus_client::encoding::text::encode_registry(&mut s, r)?,
        }
    }
    if format == Format::OpenMetrics {
        prometheus_client::encoding::text::encode_eof(&mut s)?;
    }
    Ok(s)
}

/// A registry whose one collector writes `snap`.
pub fn registry(snap: Snapshot) -> Registry {
    let mut r = Registry::default();
    r.register_collector(Box::new(SnapshotCollector(snap)));
    r
}

#[derive(Debug)]
struct SnapshotCollector(Snapshot);

/// One metric family: its descriptor, then each series.
fn family<L: EncodeLabelSet, T>(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    kind: MetricType,
    items: impl IntoIterator<Item = (L, T)>,
    mut write: impl FnMut(&mut prometheus_client::encoding::MetricEncoder, &L, T) -> Fmt,
) -> Fmt {
    let mut items = items.into_iter().peekable();
    if items.peek().is_none() {
        return Ok(());
    }
    let mut m = enc.encode_descriptor(name, help, None, kind)?;
    for (labels, v) in items {
        write(&mut m, &labels, v)?;
    }
    Ok(())
}

fn gauges<
    V: prometheus_client::encoding::EncodeGaugeValue + Clone + Send + Sync + std::fmt::Debug,
>(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    items: impl IntoIterator<Item = (Labels, V)>,
) -> Fmt
where
    ConstGauge<V>: EncodeMetric,
{
    family(enc, name, help, MetricType::Gauge, items, |m, l, v| {
        ConstGauge::new(v).encode(m.encode_family(l)?)
    })
}

fn counters<V: prometheus_client::encoding::EncodeCounterValue + Send + Sync + std::fmt::Debug>(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    items: impl IntoIterator<Item = (Labels, V)>,
) -> Fmt
where
    ConstCounter<V>: EncodeMetric,
{
    family(enc, name, help, MetricType::Counter, items, |m, l, v| {
        ConstCounter::new(v).encode(m.encode_family(l)?)
    })
}

fn infos(enc: &mut DescriptorEncoder, name: &str, help: &str, items: Vec<Labels>) -> Fmt {
    family(
        enc,
        name,
        help,
        MetricType::Info,
        items.into_iter().map(|l| (l, ())),
        |m, l, ()| m.encode_info(l),
    )
}

impl Collector for SnapshotCollector {
    fn encode(&self, mut enc: DescriptorEncoder) -> Fmt {
        let s = &self.0;
        let id = |p: &super::collect::Prog| -> Labels {
            vec![
                ("id", p.rec.header.id.to_string()),
                ("name", p.rec.header.name.clone().unwrap_or_default()),
                ("type", p.rec.header.prog_type.to_string()),
            ]
        };
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        // Inventory.
        infos(
            &mut enc,
            "bpfscope_prog",
            "A loaded BPF program (value 1); tool and pinned are empty when unknown",
            s.progs
                .iter()
                .map(|p| {
                    let mut l = id(p);
                    l.push(("tag", p.rec.header.tag.clone()));
                    l.push(("tool", opt(&p.tool)));
                    l.push(("pinned", opt(&p.pinned)));
                    l
                })
                .collect(),
        )?;
        gauges(
            &mut enc,
            "bpfscope_prog_verified_insns",
            "Instructions the verifier processed",
            s.progs
                .iter()
                .map(|p| (id(p), i64::from(p.rec.verified_insns))),
        )?;
        gauges(
            &mut enc,
            "bpfscope_prog_xlated_bytes",
            "Size of the translated program",
            s.progs
                .iter()
                .map(|p| (id(p), i64::from(p.rec.bytes_xlated))),
        )?;
        gauges(
            &mut enc,
            "bpfscope_prog_jited_bytes",
            "Size of the JIT-compiled program",
            s.progs
                .iter()
                .map(|p| (id(p), i64::from(p.rec.bytes_jited.unwrap_or(0)))),
        )?;
        gauges(
            &mut enc,
            "bpfscope_prog_memlock_bytes",
            "Memory the program accounts (fdinfo memlock)",
            s.progs
                .iter()
                .filter_map(|p| Some((id(p), p.rec.bytes_memlock?))),
        )?;
        // Run-time stats: zero unless stats are enabled (serve --stats, or anyone).
        counters(
            &mut enc,
            "bpfscope_prog_run_count",
            "Times the program ran while run-time stats were enabled",
            s.progs
                .iter()
                .map(|p| (id(p), p.rec.header.run_cnt.unwrap_or(0))),
        )?;
        counters(
            &mut enc,
            "bpfscope_prog_run_time_seconds",
            "Time the program ran while run-time stats were enabled",
            s.progs
                .iter()
                .map(|p| (id(p), p.rec.header.run_time_ns.unwrap_or(0) as f64 / 1e9)),
        )?;
        counters(
            &mut enc,
            "bpfscope_prog_recursion_misses",
            "Runs skipped because the program was already running on the CPU",
            s.progs
                .iter()
                .map(|p| (id(p), p.rec.header.recursion_misses.unwrap_or(0))),
        )?;
        let mid = |m: &super::collect::MapObj| -> Labels {
            vec![
                ("id", m.rec.id.to_string()),
                ("name", m.rec.name.clone().unwrap_or_default()),
                ("type", m.rec.map_type.to_string()),
            ]
        };
        infos(
            &mut enc,
            "bpfscope_map",
            "A BPF map (value 1); tool and pinned are empty when unknown",
            s.maps
                .iter()
                .map(|m| {
                    let mut l = mid(m);
                    l.push(("tool", opt(&m.tool)));
                    l.push(("pinned", opt(&m.pinned)));
                    l
                })
                .collect(),
        )?;
        gauges(
            &mut enc,
            "bpfscope_map_max_entries",
            "The map's max_entries",
            s.maps
                .iter()
                .map(|m| (mid(m), i64::from(m.rec.max_entries))),
        )?;
        gauges(
            &mut enc,
            "bpfscope_map_memlock_bytes",
            "Memory the map accounts (fdinfo memlock)",
            s.maps
                .iter()
                .filter_map(|m| Some((mid(m), m.rec.bytes_memlock?))),
        )?;
        if let Some(st) = &s.entries {
            gauges(
                &mut enc,
                "bpfscope_map_entries",
                "Elements in the map (serve --map-entries; arrays count max_entries)",
                s.maps
                    .iter()
                    .filter_map(|m| Some((mid(m), m.entries? as i64))),
            )?;
            gauges(
                &mut enc,
                "bpfscope_map_entries_skipped",
                "Maps not counted this scrape, by reason",
                [
                    (
                        vec![("reason", "over_budget".to_string())],
                        st.over_budget as i64,
                    ),
                    (
                        vec![("reason", "uncountable".to_string())],
                        st.uncountable as i64,
                    ),
                ],
            )?;
        }
        infos(
            &mut enc,
            "bpfscope_link",
            "A BPF link (value 1) and the program it holds",
            s.links
                .iter()
                .map(|l| {
                    vec![
                        ("id", l.id.to_string()),
                        ("type", l.link_type.to_string()),
                        ("prog_id", l.prog_id.to_string()),
                    ]
                })
                .collect(),
        )?;
        // Tools.
        gauges(
            &mut enc,
            "bpfscope_tool_attached",
            "1 when a loaded bundled tool has links pinned, 0 when it is detached",
            s.tools
                .iter()
                .map(|t| (vec![("tool", t.name.to_string())], i64::from(t.attached))),
        )?;
        gauges(
            &mut enc,
            "bpfscope_tool_series_dropped",
            "Series of a tool left out this scrape over --max-series",
            s.tools
                .iter()
                .map(|t| (vec![("tool", t.name.to_string())], t.dropped as i64)),
        )?;
        gauges(
            &mut enc,
            "bpfscope_tool_read_errors",
            "1 when a loaded tool's maps could not be read this scrape",
            s.tools.iter().map(|t| {
                (
                    vec![("tool", t.name.to_string())],
                    i64::from(t.error.is_some()),
                )
            }),
        )?;
        let mut overflows = Vec::new();
        let mut losts = Vec::new();
        for t in &s.tools {
            match &t.data {
                ToolData::Histograms {
                    metric,
                    help,
                    series,
                } => family(
                    &mut enc,
                    metric,
                    help,
                    MetricType::Histogram,
                    series.iter().map(|h| (h.labels.clone(), h)),
                    |m, l, h| {
                        m.encode_family(l)?
                            .encode_histogram::<NoLabelSet>(h.sum, h.count, &h.buckets, None)
                    },
                )?,
                ToolData::Counters(list) => {
                    for (metric, help, series) in list {
                        family(
                            &mut enc,
                            metric,
                            help,
                            MetricType::Counter,
                            series.iter().map(|c| (c.labels.clone(), c.value)),
                            |m, l, v| ConstCounter::new(v).encode(m.encode_family(l)?),
                        )?;
                    }
                }
                ToolData::Events {
                    metric,
                    help,
                    series,
                    overflow,
                    lost,
                } => {
                    family(
                        &mut enc,
                        metric,
                        help,
                        MetricType::Counter,
                        series.iter().map(|c| (c.labels.clone(), c.value)),
                        |m, l, v| ConstCounter::new(v).encode(m.encode_family(l)?),
                    )?;
                    let tool = || vec![("tool", t.name.to_string())];
                    overflows.push((tool(), *overflow));
                    if let Some(n) = lost {
                        losts.push((tool(), *n));
                    }
                }
                ToolData::NotExported => {}
            }
        }
        counters(
            &mut enc,
            "bpfscope_tool_events_over_cap",
            "Events of an event tool counted without their labels: the tool had --max-series label sets already",
            overflows,
        )?;
        counters(
            &mut enc,
            "bpfscope_tool_events_lost",
            "Events an event tool lost since it was loaded (ring buffer full)",
            losts,
        )?;
        // About this scrape.
        gauges(
            &mut enc,
            "bpfscope_stats_enabled",
            "1 when program run time is counted: serve --stats, or the kernel.bpf_stats_enabled sysctl (other processes' BPF_ENABLE_STATS fds do not show here)",
            s.stats_enabled.map(|e| (Labels::new(), i64::from(e))),
        )?;
        gauges(
            &mut enc,
            "bpfscope_scrape_collect_seconds",
            "Time this scrape spent reading the kernel",
            [(Labels::new(), s.collect_time.as_secs_f64())],
        )?;
        gauges(
            &mut enc,
            "bpfscope_scrape_objects_skipped",
            "Objects that vanished or could not be read during this scrape",
            [(Labels::new(), s.skipped as i64)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(Format::negotiate(None), Format::Prometheus);
        assert_eq!(Format::negotiate(Some("*/*")), Format::Prometheus);
        // What Prometheus sends by default.
        let prom = "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
        assert_eq!(Format::negotiate(Some(prom)), Format::OpenMetrics);
        assert_eq!(
            Format::negotiate(Some(
                "text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5"
            )),
            Format::Prometheus
        );
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text;version=0.0.1")),
            Format::Prometheus
        );
    }

    #[test]
    fn empty_snapshot_encodes_in_both_formats() {
        let r = registry(Snapshot::default());
        let om = encode(Format::OpenMetrics, &[&r]).unwrap();
        assert!(om.ends_with("# EOF\n"), "{om}");
        assert!(om.contains("bpfscope_scrape_objects_skipped 0"), "{om}");
        let text = encode(Format::Prometheus, &[&r]).unwrap();
        assert!(!text.contains("# EOF"));
        assert!(text.contains("# TYPE bpfscope_scrape_collect_seconds gauge"));
    }
}
