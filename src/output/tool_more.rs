//! Views of the counting and stack reports (issue 8's tools): counter
//! rows under libbpf-tools' headers (syscount, hardirqs, cachestat,
//! tcpconnect -c, tcpretrans -c), stacks in bcc's multi-line or folded
//! form, and flame graphs drawn by inferno from the folded lines.
//! Kernel and process strings are escaped in text and table views.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde_json::{Map, Value};
use tracing_tools::stacks::{folded_line, sort_for_text, text_block, StackSample};
use tracing_tools::{Column, Event};

use super::Ctx;
use crate::text::escape;

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

/// A row laid out like libbpf-tools' printf: every column padded to its
/// width (right-aligned numbers too), except a left-aligned last column.
fn line(columns: &[Column], text: impl Fn(&Column) -> String) -> String {
    let n = columns.len();
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let t = text(c);
            if c.left && i + 1 == n {
                t
            } else if c.left {
                format!("{t:<w$}", w = c.width)
            } else {
                format!("{t:>w$}", w = c.width)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(w: &mut impl Write, header: Vec<&str>, rows: Vec<Vec<String>>) -> io::Result<()> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    for r in rows {
        t.add_row(r);
    }
    writeln!(w, "{t}")
}

/// One interval of a counting report.
pub struct CountsReport<'a> {
    pub tool: &'static str,
    /// HH:MM:SS when the tool's -T asks for it.
    pub time: Option<String>,
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
    if let Some(t) = &r.time {
        writeln!(w, "{t}")?;
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
        return table(w, r.columns.iter().map(|c| c.header).collect(), rows);
    }
    if header {
        writeln!(w, "{}", line(r.columns, |c| c.header.to_string()))?;
    }
    for e in r.rows {
        let e = escaped(e);
        writeln!(w, "{}", line(r.columns, |c| e.text(c.key)))?;
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
            vec!["PID", "COMM", r.unit, "KERNEL STACK", "USER STACK"],
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
