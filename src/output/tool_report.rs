//! Views of `tool report`: histograms (libbpf-tools' layout), streamed
//! events and counter rows under libbpf-tools' headers (one column layout,
//! `tracing_tools::event::line`), stacks in bcc's multi-line or folded
//! form, and flame graphs drawn by inferno from the folded lines. Kernel
//! and process strings are escaped in text and table views.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};
use tracing_tools::event::{event_block, event_line, header_line, is_vertical};
use tracing_tools::hist::slot_range;
use tracing_tools::stacks::{folded_line, sort_for_text, text_block, StackSample};
use tracing_tools::{render_log2, Column, Event, Histogram};

use super::tool::write_table as table;
use super::{escape, Ctx};

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

/// One interval of a counting report.
pub struct CountsReport<'a> {
    pub tool: &'static str,
    /// HH:MM:SS when the tool's -T asks for it.
    pub time: Option<String>,
    /// Print the time as `[HH:MM:SS]` (syscount's line) in text.
    pub bracketed: bool,
    pub columns: &'a [Column],
    pub rows: &'a [Event],
}

impl CountsReport<'_> {
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("tool".into(), self.tool.into());
        if let Some(t) = &self.time {
            m.insert("time".into(), t.clone().into());
        }
        let rows = serde_json::to_value(self.rows).unwrap_or(Value::Null);
        m.insert("rows".into(), rows);
        Value::Object(m)
    }
}

/// Text (header then one line per row) or table view. `header`: print
/// the header line (cachestat prints it once, syscount every interval).
pub fn write_counts(
    ctx: &Ctx,
    w: &mut impl Write,
    r: &CountsReport<'_>,
    header: bool,
) -> io::Result<()> {
    match &r.time {
        Some(t) if r.bracketed => writeln!(w, "[{t}]")?,
        Some(t) => writeln!(w, "{t}")?,
        None => {}
    }
    if ctx.table {
        let rows = r
            .rows
            .iter()
            .map(|e| {
                let e = escaped(e);
                r.columns.iter().map(|c| e.text(c.key)).collect()
            })
            .collect();
        return table(
            w,
            &r.columns.iter().map(|c| c.header).collect::<Vec<_>>(),
            rows,
        );
    }
    if header {
        writeln!(w, "{}", header_line(r.columns))?;
    }
    for e in r.rows {
        let e = escaped(e);
        writeln!(w, "{}", event_line(r.columns, &e))?;
    }
    Ok(())
}

/// A stack report: samples (or off-CPU microseconds) per stack.
pub struct StacksReport<'a> {
    pub tool: &'static str,
    /// "samples" or "us".
    pub unit: &'static str,
    pub samples: &'a [StackSample],
}

impl StacksReport<'_> {
    /// Hottest stack first.
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("tool".into(), self.tool.into());
        m.insert("unit".into(), self.unit.into());
        let mut v = self.samples.to_vec();
        v.sort_by_key(|s| std::cmp::Reverse(s.count));
        m.insert(
            "stacks".into(),
            serde_json::to_value(v).unwrap_or(Value::Null),
        );
        Value::Object(m)
    }

    /// Folded lines (for flame graphs), names escaped for the terminal.
    pub fn folded(&self) -> Vec<String> {
        self.samples
            .iter()
            .map(|s| escape(&folded_line(s)).into_owned())
            .collect()
    }
}

fn escaped_sample(s: &StackSample) -> StackSample {
    let esc = |v: &Option<Vec<String>>| {
        v.as_ref()
            .map(|f| f.iter().map(|x| escape(x).into_owned()).collect())
    };
    StackSample {
        pid: s.pid,
        comm: escape(&s.comm).into_owned(),
        count: s.count,
        kernel: esc(&s.kernel),
        user: esc(&s.user),
    }
}

/// bcc's multi-line text (hottest last), folded lines, or a table.
pub fn write_stacks(
    ctx: &Ctx,
    w: &mut impl Write,
    r: &StacksReport<'_>,
    folded: bool,
) -> io::Result<()> {
    let mut samples: Vec<StackSample> = r.samples.iter().map(escaped_sample).collect();
    sort_for_text(&mut samples);
    if folded {
        for s in &samples {
            writeln!(w, "{}", folded_line(s))?;
        }
        return Ok(());
    }
    if ctx.table {
        let rows = samples
            .iter()
            .rev()
            .map(|s| {
                let frames =
                    |v: &Option<Vec<String>>| v.as_ref().map(|f| f.join("\n")).unwrap_or_default();
                vec![
                    s.pid.to_string(),
                    s.comm.clone(),
                    s.count.to_string(),
                    frames(&s.kernel),
                    frames(&s.user),
                ]
            })
            .collect();
        return table(
            w,
            &["PID", "COMM", r.unit, "KERNEL STACK", "USER STACK"],
            rows,
        );
    }
    for s in &samples {
        w.write_all(text_block(s).as_bytes())?;
    }
    Ok(())
}

/// Draws a flame graph (SVG) of folded `lines` into `w` with inferno.
pub fn write_flamegraph(
    w: &mut impl Write,
    title: &str,
    count_name: &str,
    lines: &[String],
) -> io::Result<()> {
    let mut opts = inferno::flamegraph::Options::default();
    opts.title = title.to_string();
    opts.count_name = count_name.to_string();
    if lines.is_empty() {
        // inferno refuses empty input; an empty graph still says so.
        opts.title = format!("{title} (no samples)");
        let one = ["(no samples) 1"];
        return inferno::flamegraph::from_lines(&mut opts, one.iter().copied(), w)
            .map_err(io::Error::other);
    }
    inferno::flamegraph::from_lines(&mut opts, lines.iter().map(String::as_str), w)
        .map_err(io::Error::other)
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
        return table(w, &["HISTOGRAM", unit, "COUNT", "DISTRIBUTION"], rows);
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
        } else if !ctx.table && !is_vertical(&columns) {
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
            let e = escaped(e);
            self.rows
                .push(self.columns.iter().map(|c| e.text(c.key)).collect());
        } else if is_vertical(&self.columns) {
            // A block of lines per event, an empty line after each.
            writeln!(w, "{}", event_block(&self.columns, &escaped(e)))?;
        } else {
            writeln!(w, "{}", event_line(&self.columns, &escaped(e)))?;
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
            table(w, &header, self.rows)?;
        }
        w.flush()?;
        Ok(self.count)
    }
}

/// One report of a series as one line of NDJSON (`tool report -j
/// INTERVAL`): compact whatever -p says, so every line is one value.
pub fn write_ndjson(w: &mut impl Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value).map_err(io::Error::other)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flamegraph_is_svg() {
        let lines = vec!["a;b;c 3".to_string(), "a;b;d 1".to_string()];
        let mut out = Vec::new();
        write_flamegraph(&mut out, "t", "samples", &lines).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("<svg") && s.trim_end().ends_with("</svg>"));
        let mut out = Vec::new();
        write_flamegraph(&mut out, "t", "samples", &[]).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("no samples"));
    }

    #[test]
    fn counts_text() {
        let cols = [
            Column::left("syscall", "SYSCALL", 22),
            Column::right("count", "COUNT", 8),
        ];
        let mut e = Event::default();
        e.push("syscall", "read");
        e.push("count", 42);
        let r = CountsReport {
            tool: "syscount",
            time: None,
            bracketed: false,
            columns: &cols,
            rows: &[e],
        };
        let mut out = Vec::new();
        write_counts(&Ctx::default(), &mut out, &r, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "SYSCALL                   COUNT\nread                         42\n"
        );
    }
}
