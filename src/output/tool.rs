//! Records and views of the `tool` lifecycle commands: the tool list and
//! load/attach/detach results (reports are in `tool_report`). Every string
//! from the kernel (comm, paths, args) is escaped in text and table views;
//! JSON gets serde_json's own escaping.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;

use super::{write_json, Ctx};
use crate::text::escape;

/// One line of `tool list`.
#[derive(Debug, Clone, Serialize)]
pub struct ToolRecord {
    /// The tool, or a `tool run` instance / leftover directory of one.
    pub name: String,
    pub summary: &'static str,
    /// Whether every attach point exists on this kernel.
    pub supported: bool,
    /// Attach points this kernel lacks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// "not loaded", "loaded" (detached) or "attached"; for a directory a
    /// process owns: "running", "load in progress", "orphan of a killed
    /// run (removed)", …
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
    /// Options it was loaded with (its bpf_metadata_args).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<String>,
    /// The process owning the directory (`tool run`, or a load or attach
    /// under way or killed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// When its programs were loaded (wall-clock seconds, as bpftool's
    /// `loaded_at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded_at: Option<i64>,
    /// Its pinned programs, maps and links with their ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub progs: Vec<PinRecord>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub maps: Vec<PinRecord>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<PinRecord>,
    /// Events lost since load (ring buffer full), for event tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<u64>,
    /// Events handed to user space since load, for event tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
}

/// `tool list NAME`: one tool's state, then each of its pins.
pub fn write_one(ctx: &Ctx, w: &mut impl Write, t: &ToolRecord) -> io::Result<()> {
    if ctx.json {
        return write_json(ctx, w, t);
    }
    let mut head = format!("{}  {}", escape(&t.name), t.state);
    if let Some(at) = t.loaded_at {
        head.push_str(&format!("  since {}", super::render::local_time(at)));
    }
    if let Some(a) = t.args.as_deref().filter(|a| !a.is_empty()) {
        head.push_str(&format!("  args '{}'", escape(a)));
    }
    if let Some(pid) = t.pid {
        head.push_str(&format!("  pid {pid}"));
    }
    writeln!(w, "{head}")?;
    if !t.supported {
        writeln!(w, "\tnot supported here: needs {}", t.missing.join(", "))?;
    }
    if let Some(p) = &t.pinned {
        writeln!(w, "\tpinned {}", escape(p))?;
    }
    let rows = [("prog", &t.progs), ("map", &t.maps), ("link", &t.links)];
    for (kind, pins) in rows {
        for p in pins {
            writeln!(w, "\t{kind:<4} id {:<6} {}", p.id, escape(&p.pinned))?;
        }
    }
    if let (Some(events), Some(lost)) = (t.events, t.lost) {
        writeln!(
            w,
            "\tevents {events}, lost {lost} since load (lost: ring buffer full)"
        )?;
    }
    Ok(())
}

pub fn write_list(ctx: &Ctx, w: &mut impl Write, tools: &[ToolRecord]) -> io::Result<()> {
    if ctx.json {
        return write_json(ctx, w, tools);
    }
    let rows: Vec<Vec<String>> = tools
        .iter()
        .map(|t| {
            let mut state = match &t.args {
                Some(a) if !a.is_empty() => format!("{} ({})", t.state, escape(a)),
                _ => t.state.clone(),
            };
            if let Some(pid) = t.pid {
                state.push_str(&format!(" pid {pid}"));
            }
            let kernel = if t.supported {
                "yes".to_string()
            } else {
                format!("no: needs {}", t.missing.join(", "))
            };
            vec![
                escape(&t.name).into_owned(),
                state,
                kernel,
                t.summary.to_string(),
            ]
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

pub(super) fn write_table(
    w: &mut impl Write,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> io::Result<()> {
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
