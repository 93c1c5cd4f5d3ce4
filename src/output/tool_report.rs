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
use tracing_tools::stackhist::StackHist;
use tracing_tools::stacks::{folded_line, sort_for_text, text_block, StackSample, Waker};
use tracing_tools::{render_linear, render_log2, Column, Event, Histogram};

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

/// One refresh of a top view (biotop, filetop, …): rows already sorted
/// and cut to -r.
pub struct TopReport<'a> {
    pub tool: &'static str,
    /// The tool's title line(s) (libbpf-tools' `HH:MM:SS loadavg: …`).
    pub title: Option<String>,
    /// Wall clock HH:MM:SS of this refresh.
    pub time: String,
    pub loadavg: Option<&'a str>,
    /// The -s order the rows are in.
    pub sort: &'static str,
    pub columns: &'a [Column],
    pub rows: &'a [Event],
}

impl TopReport<'_> {
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("tool".into(), self.tool.into());
        m.insert("time".into(), self.time.clone().into());
        if let Some(l) = self.loadavg {
            m.insert("loadavg".into(), l.into());
        }
        m.insert("sort".into(), self.sort.into());
        let rows = serde_json::to_value(self.rows).unwrap_or(Value::Null);
        m.insert("rows".into(), rows);
        Value::Object(m)
    }
}

/// A top view's refresh as libbpf-tools prints it (title, header, rows,
/// an empty line), or its title over a table. The caller clears the screen.
pub fn write_top(ctx: &Ctx, w: &mut impl Write, r: &TopReport<'_>) -> io::Result<()> {
    if let Some(t) = &r.title {
        // Line by line: a title may end in an empty line (libbpf-tools').
        for line in t.split('\n') {
            writeln!(w, "{}", escape(line))?;
        }
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
    writeln!(w, "{}", header_line(r.columns))?;
    for e in r.rows {
        writeln!(w, "{}", event_line(r.columns, &escaped(e)))?;
    }
    writeln!(w)
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
        waker: s.waker.as_ref().map(|w| Waker {
            pid: w.pid,
            comm: escape(&w.comm).into_owned(),
            kernel: esc(&w.kernel),
            user: esc(&w.user),
        }),
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
        // The wakeup tools add the waker's columns.
        let wakers = samples.iter().any(|s| s.waker.is_some());
        let rows = samples
            .iter()
            .rev()
            .map(|s| {
                let frames =
                    |v: &Option<Vec<String>>| v.as_ref().map(|f| f.join("\n")).unwrap_or_default();
                let mut row = vec![
                    s.pid.to_string(),
                    s.comm.clone(),
                    s.count.to_string(),
                    frames(&s.kernel),
                    frames(&s.user),
                ];
                if wakers {
                    let w = s.waker.as_ref();
                    row.extend([
                        w.map(|w| w.pid.to_string()).unwrap_or_default(),
                        w.map(|w| w.comm.clone()).unwrap_or_default(),
                        w.map(|w| frames(&w.kernel)).unwrap_or_default(),
                        w.map(|w| frames(&w.user)).unwrap_or_default(),
                    ]);
                }
                row
            })
            .collect();
        let mut header = vec!["PID", "COMM", r.unit, "KERNEL STACK", "USER STACK"];
        if wakers {
            header.extend([
                "WAKER PID",
                "WAKER",
                "WAKER KERNEL STACK",
                "WAKER USER STACK",
            ]);
        }
        return table(w, &header, rows);
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
    /// Slot i is the value i (see [`tracing_tools::Report::Linear`]).
    pub linear: bool,
}

/// The values a slot counts: a log2 range, or the one value of a linear slot.
fn bucket(linear: bool, i: usize) -> (u64, u64) {
    if linear {
        (i as u64, i as u64)
    } else {
        slot_range(i)
    }
}

fn hist_json(h: &Histogram, linear: bool) -> Value {
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
            let (low, high) = bucket(linear, i);
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
                .map(|h| hist_json(h, self.linear))
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
                let (low, high) = bucket(r.linear, i);
                let bar = "*".repeat((u128::from(count) * 40 / u128::from(max)) as usize);
                let values = if r.linear {
                    low.to_string()
                } else {
                    format!("{low} -> {high}")
                };
                rows.push(vec![label.clone(), values, count.to_string(), bar]);
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
        let text = if r.linear {
            render_linear(&h.slots, h.unit)
        } else {
            render_log2(&h.slots, h.unit)
        };
        w.write_all(text.as_bytes())?;
    }
    if r.histograms.iter().all(|h| h.total() == 0) {
        writeln!(w, "(no events recorded)")?;
    }
    Ok(())
}

/// Histograms per kernel stack (biostacks), most events first.
pub struct StackHistReport<'a> {
    pub tool: &'static str,
    /// HH:MM:SS (the tools' -T) when asked for.
    pub time: Option<String>,
    /// The layout of each histogram's head line.
    pub columns: &'a [Column],
    pub hists: &'a [StackHist],
}

impl StackHistReport<'_> {
    /// Each histogram: its head's keys, `stack` (frame names, innermost
    /// first), and the histogram's keys as in [`HistReport`].
    pub fn json(&self) -> Value {
        let hists: Vec<Value> = self
            .hists
            .iter()
            .map(|h| {
                let mut m = Map::new();
                for (k, v) in &h.head.fields {
                    m.insert(k.to_string(), v.clone());
                }
                m.insert("stack".into(), h.kernel.clone().into());
                if let Value::Object(hist) = hist_json(&h.hist, false) {
                    m.extend(hist);
                }
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("tool".into(), self.tool.into());
        if let Some(t) = &self.time {
            m.insert("time".into(), t.clone().into());
        }
        m.insert("histograms".into(), hists.into());
        Value::Object(m)
    }
}

/// libbpf-tools' blocks (head line, frames, histogram) or a table.
pub fn write_stack_hists(ctx: &Ctx, w: &mut impl Write, r: &StackHistReport<'_>) -> io::Result<()> {
    if let Some(t) = &r.time {
        writeln!(w, "{t}")?;
    }
    let hists: Vec<StackHist> = r
        .hists
        .iter()
        .map(|h| StackHist {
            head: escaped(&h.head),
            kernel: h.kernel.iter().map(|f| escape(f).into_owned()).collect(),
            ..h.clone()
        })
        .collect();
    if ctx.table {
        let mut headers: Vec<&str> = r.columns.iter().map(|c| c.header).collect();
        headers.extend(["KERNEL STACK", "COUNT", h_unit(r.hists)]);
        let rows = hists
            .iter()
            .map(|h| {
                let mut row: Vec<String> = r.columns.iter().map(|c| h.head.text(c.key)).collect();
                row.push(h.kernel.join("\n"));
                row.push(h.hist.total().to_string());
                row.push(render_log2(&h.hist.slots, h.hist.unit));
                row
            })
            .collect();
        return table(w, &headers, rows);
    }
    for h in &hists {
        w.write_all(h.text_block(r.columns).as_bytes())?;
    }
    Ok(())
}

fn h_unit(hists: &[StackHist]) -> &'static str {
    hists.first().map(|h| h.hist.unit).unwrap_or("usecs")
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

    #[test]
    fn top_text_and_json() {
        let cols = [
            Column::left("pid", "PID", 7),
            Column::left("name", "COMM", 0),
        ];
        let mut e = Event::default();
        e.push("pid", 7);
        e.push("name", "a\x1bb");
        let r = TopReport {
            tool: "biotop",
            title: Some("01:02:03 loadavg: 0.1 0.2 0.3 1/2 3\n".into()),
            time: "01:02:03".into(),
            loadavg: Some("0.1 0.2 0.3 1/2 3"),
            sort: "all",
            columns: &cols,
            rows: &[e],
        };
        let mut out = Vec::new();
        write_top(&Ctx::default(), &mut out, &r).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "01:02:03 loadavg: 0.1 0.2 0.3 1/2 3\n\nPID     COMM\n7       a\\x1bb\n\n"
        );
        let v = r.json();
        assert_eq!(
            (&v["sort"], &v["rows"][0]["pid"]),
            (&"all".into(), &7.into())
        );
    }

    #[test]
    fn stack_hists_text_and_json() {
        let cols = [
            Column::left("comm", "COMM", 14),
            Column::left("pid", "PID", 6),
            Column::left("disk", "DISK", 7),
        ];
        let mut head = Event::default();
        head.push("comm", "d\x1bd");
        head.push("pid", 7);
        head.push("disk", "vda");
        let h = StackHist {
            head,
            addrs: vec![1],
            kernel: vec!["blk_account_io_start".into()],
            hist: Histogram {
                label: None,
                label_text: None,
                comm: None,
                unit: "usecs",
                slots: vec![0, 2],
            },
        };
        let r = StackHistReport {
            tool: "biostacks",
            time: None,
            columns: &cols,
            hists: std::slice::from_ref(&h),
        };
        let mut out = Vec::new();
        write_stack_hists(&Ctx::default(), &mut out, &r).unwrap();
        let text = String::from_utf8(out).unwrap();
        // The comm's control character is escaped in text.
        assert!(
            text.starts_with("d\\x1bd         7      vda\nblk_account_io_start\n     usecs"),
            "{text}"
        );
        let v = r.json();
        let j = &v["histograms"][0];
        assert_eq!(j["comm"], "d\x1bd");
        assert_eq!(j["stack"], serde_json::json!(["blk_account_io_start"]));
        assert_eq!(
            (j["total"].as_u64(), j["unit"].as_str()),
            (Some(2), Some("usecs"))
        );
        assert_eq!(j["buckets"][1]["count"], 2);
    }
}
