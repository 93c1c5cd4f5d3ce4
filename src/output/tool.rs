//! Records and views of `tool` commands: the tool list, load/attach/detach
//! results, histogram reports (libbpf-tools' layout) and streamed events.
//! Every string from the kernel (comm, paths, args) is escaped in text and
//! table views; JSON gets serde_json's own escaping.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;
use serde_json::{Map, Value};
use tracing_tools::event::{event_line, header_line};
use tracing_tools::hist::slot_range;
use tracing_tools::{render_log2, Column, Event, Histogram};

use super::{write_json, Ctx};
use crate::text::escape;

/// One line of `tool list`.
#[derive(Debug, Clone, Serialize)]
pub struct ToolRecord {
    pub name: &'static str,
    pub summary: &'static str,
    /// Whether every attach point exists on this kernel.
    pub supported: bool,
    /// Attach points this kernel lacks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// "not loaded", "loaded" (detached) or "attached".
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
    /// Options it was loaded with (its bpf_metadata_args).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<String>,
}

pub fn write_list(ctx: &Ctx, w: &mut impl Write, tools: &[ToolRecord]) -> io::Result<()> {
    if ctx.json {
        return write_json(ctx, w, tools);
    }
    let rows: Vec<Vec<String>> = tools
        .iter()
        .map(|t| {
            let state = match &t.args {
                Some(a) if !a.is_empty() => format!("{} ({})", t.state, escape(a)),
                _ => t.state.to_string(),
            };
            let kernel = if t.supported {
                "yes".to_string()
            } else {
                format!("no: needs {}", t.missing.join(", "))
            };
            vec![t.name.to_string(), state, kernel, t.summary.to_string()]
        })
        .collect();
    let header = ["NAME", "STATE", "SUPPORTED", "SUMMARY"];
    if ctx.table {
        return write_table(w, &header, rows);
    }
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |w: &mut dyn Write, r: &[&str]| {
        writeln!(
            w,
            "{:<a$}  {:<b$}  {:<c$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            a = widths[0],
            b = widths[1],
            c = widths[2]
        )
    };
    line(w, &header)?;
    for r in &rows {
        line(w, &[&r[0], &r[1], &r[2], &r[3]])?;
    }
    Ok(())
}

fn write_table(w: &mut impl Write, header: &[&str], rows: Vec<Vec<String>>) -> io::Result<()> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for r in rows {
        t.add_row(r);
    }
    writeln!(w, "{t}")
}

/// A pinned program or map in a load result.
#[derive(Debug, Clone, Serialize)]
pub struct PinRecord {
    pub name: String,
    pub id: u32,
    pub pinned: String,
}

/// Result of `tool load`.
#[derive(Debug, Clone, Serialize)]
pub struct LoadRecord {
    pub tool: &'static str,
    pub pinned: String,
    pub args: String,
    pub progs: Vec<PinRecord>,
    pub maps: Vec<PinRecord>,
}

pub fn write_load(ctx: &Ctx, w: &mut impl Write, r: &LoadRecord) -> io::Result<()> {
    if ctx.json {
        return write_json(ctx, w, r);
    }
    let rows = r
        .progs
        .iter()
        .map(|p| ("prog", p))
        .chain(r.maps.iter().map(|m| ("map", m)))
        .map(|(kind, p)| {
            vec![
                kind.to_string(),
                p.id.to_string(),
                p.name.clone(),
                p.pinned.clone(),
            ]
        })
        .collect::<Vec<_>>();
    if ctx.table {
        return write_table(w, &["KIND", "ID", "NAME", "PINNED"], rows);
    }
    let args = if r.args.is_empty() {
        String::new()
    } else {
        format!(" with '{}'", escape(&r.args))
    };
    writeln!(w, "loaded {}{args}, not attached: {}", r.tool, r.pinned)?;
    for row in rows {
        writeln!(w, "\t{:<4} id {:<6} {}", row[0], row[1], row[3])?;
    }
    Ok(())
}

/// Result of attach, detach and unload.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRecord {
    pub tool: &'static str,
    pub action: &'static str,
    pub pinned: String,
    /// Links created (attach) or removed (detach/unload).
    pub links: Vec<String>,
}

pub fn write_action(ctx: &Ctx, w: &mut impl Write, r: &ActionRecord) -> io::Result<()> {
    if ctx.json {
        return write_json(ctx, w, r);
    }
    match r.action {
        "attach" => {
            writeln!(w, "attached {}: {} links", r.tool, r.links.len())?;
            for l in &r.links {
                writeln!(w, "\tlink {l}")?;
            }
            Ok(())
        }
        "detach" => writeln!(
            w,
            "detached {}: {} links removed, data kept in {}",
            r.tool,
            r.links.len(),
            r.pinned
        ),
        _ => writeln!(w, "unloaded {}: removed {}", r.tool, r.pinned),
    }
}

/// One histogram report (one interval).
pub struct HistReport<'a> {
    pub tool: &'static str,
    /// HH:MM:SS (the tools' -T) when asked for.
    pub time: Option<String>,
    pub histograms: &'a [Histogram],
}

fn hist_json(h: &Histogram) -> Value {
    let mut m = Map::new();
    if let Some((k, v)) = &h.label {
        m.insert(k.clone(), v.clone());
    }
    if let Some(c) = &h.comm {
        m.insert("comm".into(), c.clone().into());
    }
    m.insert("unit".into(), h.unit.into());
    m.insert("total".into(), h.total().into());
    let last = h
        .slots
        .iter()
        .rposition(|&v| v > 0)
        .map(|i| i + 1)
        .unwrap_or(0);
    let buckets: Vec<Value> = h.slots[..last]
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let (low, high) = slot_range(i);
            serde_json::json!({ "low": low, "high": high, "count": count })
        })
        .collect();
    m.insert("buckets".into(), buckets.into());
    Value::Object(m)
}

impl HistReport<'_> {
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("tool".into(), self.tool.into());
        if let Some(t) = &self.time {
            m.insert("time".into(), t.clone().into());
        }
        m.insert(
            "histograms".into(),
            self.histograms
                .iter()
                .map(hist_json)
                .collect::<Vec<_>>()
                .into(),
        );
        Value::Object(m)
    }
}

/// Text (libbpf-tools' layout) or table view of one histogram report.
pub fn write_hist(ctx: &Ctx, w: &mut impl Write, r: &HistReport<'_>) -> io::Result<()> {
    if ctx.table {
        let mut rows = Vec::new();
        for h in r.histograms {
            let label = h
                .label_line()
                .map(|l| escape(&l).into_owned())
                .unwrap_or_else(|| "all".into());
            let max = h.slots.iter().copied().max().unwrap_or(0).max(1);
            let last = h
                .slots
                .iter()
                .rposition(|&v| v > 0)
                .map(|i| i + 1)
                .unwrap_or(0);
            for (i, &count) in h.slots[..last].iter().enumerate() {
                let (low, high) = slot_range(i);
                let bar = "*".repeat((u128::from(count) * 40 / u128::from(max)) as usize);
                rows.push(vec![
                    label.clone(),
                    format!("{low} -> {high}"),
                    count.to_string(),
                    bar,
                ]);
            }
        }
        let unit = r.histograms.first().map(|h| h.unit).unwrap_or("usecs");
        if let Some(t) = &r.time {
            writeln!(w, "{t}")?;
        }
        return write_table(w, &["HISTOGRAM", unit, "COUNT", "DISTRIBUTION"], rows);
    }
    if let Some(t) = &r.time {
        writeln!(w, "{t}")?;
    }
    for h in r.histograms {
        if let Some(l) = h.label_line() {
            writeln!(w, "\n{}", escape(&l))?;
        }
        w.write_all(render_log2(&h.slots, h.unit).as_bytes())?;
    }
    if r.histograms.iter().all(|h| h.total() == 0) {
        writeln!(w, "(no events recorded)")?;
    }
    Ok(())
}

/// Streams events: text lines under a header, a JSON array written as it
/// goes (one JSON value in the end), or a table printed when the stream ends.
pub struct EventSink<'c> {
    ctx: &'c Ctx,
    columns: Vec<Column>,
    count: u64,
    rows: Vec<Vec<String>>,
}

impl<'c> EventSink<'c> {
    pub fn start(ctx: &'c Ctx, w: &mut impl Write, columns: Vec<Column>) -> io::Result<Self> {
        if ctx.json {
            w.write_all(b"[")?;
        } else if !ctx.table {
            writeln!(w, "{}", header_line(&columns))?;
        }
        w.flush()?;
        Ok(EventSink {
            ctx,
            columns,
            count: 0,
            rows: Vec::new(),
        })
    }

    fn escaped(e: &Event) -> Event {
        let mut out = Event::default();
        for (k, v) in &e.fields {
            match v {
                Value::String(s) => out.push(k, escape(s).into_owned()),
                other => out.push(k, other.clone()),
            }
        }
        out
    }

    pub fn event(&mut self, w: &mut impl Write, e: &Event) -> io::Result<()> {
        if self.ctx.json {
            if self.count > 0 {
                w.write_all(b",")?;
            }
            if self.ctx.pretty {
                w.write_all(b"\n")?;
                let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
                let mut ser = serde_json::Serializer::with_formatter(&mut *w, fmt);
                e.serialize(&mut ser).map_err(io::Error::other)?;
            } else {
                serde_json::to_writer(&mut *w, e).map_err(io::Error::other)?;
            }
        } else if self.ctx.table {
            let e = Self::escaped(e);
            self.rows
                .push(self.columns.iter().map(|c| e.text(c.key)).collect());
        } else {
            writeln!(w, "{}", event_line(&self.columns, &Self::escaped(e)))?;
        }
        self.count += 1;
        // The caller flushes once per ring-buffer batch, not per event.
        Ok(())
    }

    pub fn finish(self, w: &mut impl Write) -> io::Result<u64> {
        if self.ctx.json {
            w.write_all(b"]\n")?;
        } else if self.ctx.table {
            let header: Vec<&str> = self.columns.iter().map(|c| c.header).collect();
            write_table(w, &header, self.rows)?;
        }
        w.flush()?;
        Ok(self.count)
    }
}
