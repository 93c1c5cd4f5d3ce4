//! `prog verify` views: veristat-like columns as text or `--table`, the
//! side-by-side of `--compare`, and the summaries of rejected programs.
//! JSON is serde over the records in `loader::verifier::record`.
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use crate::loader::verifier::record::{CompareRecord, VerifyRecord};
use crate::loader::verifier::report::Privilege;
use crate::text::escape;

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

const HEADER: [&str; 9] = [
    "Program",
    "Verdict",
    "Verified insns",
    "Processed insns",
    "States",
    "Peak states",
    "Max states/insn",
    "Stack depth",
    "Time (us)",
];

fn row(r: &VerifyRecord) -> Vec<String> {
    vec![
        escape(&r.name).into_owned(),
        r.verdict.to_string(),
        opt(r.verified_insns),
        opt(r.processed_insns),
        opt(r.total_states),
        opt(r.peak_states),
        opt(r.max_states_per_insn),
        opt(r.stack_depth),
        opt(r.verification_time_usec),
    ]
}

/// Columns padded to their widest cell, with a dashed rule (veristat's look).
fn write_columns(w: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (k, c) in r.iter().enumerate() {
            if let Some(wd) = width.get_mut(k) {
                *wd = (*wd).max(c.chars().count());
            }
        }
    }
    let line = |w: &mut dyn Write, cells: &[String]| -> io::Result<()> {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate() {
            if k > 0 {
                s.push_str("  ");
            }
            let pad = width[k].saturating_sub(c.chars().count());
            s.push_str(c);
            s.extend(std::iter::repeat_n(' ', pad));
        }
        writeln!(w, "{}", s.trim_end())
    };
    line(w, &header.iter().map(|h| h.to_string()).collect::<Vec<_>>())?;
    line(w, &width.iter().map(|n| "-".repeat(*n)).collect::<Vec<_>>())?;
    for r in rows {
        line(w, r)?;
    }
    Ok(())
}

fn table(w: &mut dyn Write, header: &[&str], rows: Vec<Vec<String>>) -> io::Result<()> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for r in rows {
        t.add_row(r);
    }
    writeln!(w, "{t}")
}

/// The verdicts, then the summary of each rejected program.
pub fn write_verdicts(w: &mut dyn Write, recs: &[VerifyRecord], as_table: bool) -> io::Result<()> {
    let rows: Vec<Vec<String>> = recs.iter().map(row).collect();
    if as_table {
        table(w, &HEADER, rows)?;
    } else {
        write_columns(w, &HEADER, &rows)?;
    }
    for r in recs {
        if let Some(rep) = &r.report {
            writeln!(w)?;
            write!(w, "{rep}")?;
        }
        if let Some(p) = &r.privilege {
            write_privilege(w, r, p)?;
        }
    }
    Ok(())
}

/// The verdict with CAP_BPF alone, under the program's own.
fn write_privilege(w: &mut dyn Write, r: &VerifyRecord, p: &Privilege) -> io::Result<()> {
    writeln!(w)?;
    let name = escape(&r.name);
    if p.accepted {
        return writeln!(
            w,
            "prog '{name}': also accepted with {} alone",
            p.capabilities
        );
    }
    if !p.needs_more {
        return writeln!(
            w,
            "prog '{name}': rejected with {} alone too",
            p.capabilities
        );
    }
    writeln!(
        w,
        "prog '{name}' ({}): accepted, but rejected with {} alone: it needs CAP_PERFMON or CAP_SYS_ADMIN",
        escape(&r.section),
        p.capabilities
    )?;
    if let Some(i) = p.insn {
        writeln!(w, "  insn:      {i}")?;
    }
    if let Some(s) = &p.source {
        writeln!(
            w,
            "  source:    {}:{}: {}",
            escape(&s.file),
            s.line,
            escape(&s.text)
        )?;
    }
    if let Some(m) = &p.message {
        writeln!(w, "  kernel:    {}", escape(m))?;
    }
    if let Some(c) = &p.cause {
        writeln!(w, "  cause:     {}", escape(c))?;
    }
    match &p.why {
        Some(why) => writeln!(w, "  why:       {why}"),
        None => Ok(()),
    }
}

fn diff(v: Option<i64>, base: Option<u64>) -> String {
    match v {
        None => "-".into(),
        Some(0) => "0".into(),
        Some(d) => match base.filter(|&b| b > 0) {
            Some(b) => format!("{d:+} ({:+.2}%)", d as f64 * 100.0 / b as f64),
            None => format!("{d:+}"),
        },
    }
}

const CMP_HEADER: [&str; 18] = [
    "Program",
    "Verdict (A)",
    "Verdict (B)",
    "Insns (A)",
    "Insns (B)",
    "Insns (DIFF)",
    "States (A)",
    "States (B)",
    "States (DIFF)",
    "Peak (A)",
    "Peak (B)",
    "Peak (DIFF)",
    "Duration us (A)",
    "Duration us (B)",
    "Duration us (DIFF)",
    "Stack (A)",
    "Stack (B)",
    "Stack (DIFF)",
];

fn cmp_row(c: &CompareRecord) -> Vec<String> {
    let a = c.a.as_ref();
    let b = c.b.as_ref();
    let verdict = |r: Option<&VerifyRecord>| {
        r.map(|r| r.verdict.to_string())
            .unwrap_or_else(|| "missing".into())
    };
    vec![
        escape(&c.name).into_owned(),
        verdict(a),
        verdict(b),
        opt(a.and_then(|r| r.processed_insns)),
        opt(b.and_then(|r| r.processed_insns)),
        diff(c.diff.processed_insns, a.and_then(|r| r.processed_insns)),
        opt(a.and_then(|r| r.total_states)),
        opt(b.and_then(|r| r.total_states)),
        diff(c.diff.total_states, a.and_then(|r| r.total_states)),
        opt(a.and_then(|r| r.peak_states)),
        opt(b.and_then(|r| r.peak_states)),
        diff(c.diff.peak_states, a.and_then(|r| r.peak_states)),
        opt(a.and_then(|r| r.verification_time_usec)),
        opt(b.and_then(|r| r.verification_time_usec)),
        diff(
            c.diff.verification_time_usec,
            a.and_then(|r| r.verification_time_usec),
        ),
        opt(a.and_then(|r| r.stack_depth)),
        opt(b.and_then(|r| r.stack_depth)),
        diff(
            c.diff.stack_depth,
            a.and_then(|r| r.stack_depth).map(u64::from),
        ),
    ]
}

/// `--compare`: both objects side by side; programs whose verdict differs
/// get the summary of their rejection below.
pub fn write_comparison(
    w: &mut dyn Write,
    a: &str,
    b: &str,
    recs: &[CompareRecord],
    as_table: bool,
) -> io::Result<()> {
    writeln!(w, "A: {}\nB: {}", escape(a), escape(b))?;
    let rows: Vec<Vec<String>> = recs.iter().map(cmp_row).collect();
    if as_table {
        table(w, &CMP_HEADER, rows)?;
    } else {
        write_columns(w, &CMP_HEADER, &rows)?;
    }
    for c in recs.iter().filter(|c| c.verdict_changed) {
        for (side, r) in [("A", &c.a), ("B", &c.b)] {
            if let Some(rep) = r.as_ref().and_then(|r| r.report.as_ref()) {
                writeln!(w, "\n[{side}]")?;
                write!(w, "{rep}")?;
            }
        }
    }
    Ok(())
}
