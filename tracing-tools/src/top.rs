//! The view the top-style tools share (biotop, filetop, tcptop, cachetop):
//! rows made from a whole map, sorted by one of the tool's orders (`-s`),
//! cut to `-r ROWS`, under a title line (libbpf-tools' `HH:MM:SS loadavg:
//! …`) and refreshed every interval. The options and the arrangement live
//! here; bpfscope's report loop reads and clears the map, clears the
//! screen (unless `-C`, `-b`, a COUNT or a stdout that is no terminal) and
//! prints.

use serde_json::Value;

use crate::args::{err, flag, interval_count, opt, ArgError, Config, OptSpec, Parsed};
use crate::{Event, Session};

/// An order of a top view (`-s NAME`): descending by the sum of the
/// numeric fields `keys` (libbpf-tools' "all" adds every counter up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub name: &'static str,
    pub keys: &'static [&'static str],
}

impl Sort {
    /// `-s name`: descending by the sum of `keys`.
    pub const fn new(name: &'static str, keys: &'static [&'static str]) -> Sort {
        Sort { name, keys }
    }
}

/// Rows printed without `-r`.
pub const DEFAULT_ROWS: usize = 20;
/// libbpf-tools' OUTPUT_ROWS_LIMIT: a larger `-r` is cut to it.
pub const ROWS_LIMIT: usize = 10240;

pub(crate) const NOCLEAR: OptSpec = flag('C', "noclear", "Don't clear the screen");
pub(crate) const BATCH: OptSpec = flag(
    'b',
    "batch",
    "Batch mode: plain lines, no screen clearing (also with COUNT)",
);
pub(crate) const ROWS: OptSpec = opt(
    Some('r'),
    "rows",
    "ROWS",
    "Maximum rows to print, default 20",
);

/// `-s SORT`; `help` names the tool's orders, default first.
pub(crate) const fn sort(help: &'static str) -> OptSpec {
    opt(Some('s'), "sort", "SORT", help)
}

/// The options that only change how a top view prints: `tool report`
/// takes them too (the tool's own `-s` is named "sort").
pub(crate) const REPORT_OPTIONS: &[&str] = &["noclear", "batch", "rows", "sort"];

/// How the rows of one top report are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub sort: Sort,
    pub rows: usize,
    /// Clear the screen before each refresh (no `-C`, no `-b`); the report
    /// loop also needs an interval without COUNT and a terminal.
    pub clear: bool,
}

impl View {
    /// The view the options ask for; `sorts[0]` is the tool's default order.
    pub fn new(p: &Parsed, sorts: &[Sort]) -> Result<View, ArgError> {
        let sort = match p.value("sort") {
            None => sorts[0],
            Some(name) => match sorts.iter().find(|s| s.name == name) {
                Some(s) => *s,
                None => {
                    let names: Vec<&str> = sorts.iter().map(|s| s.name).collect();
                    return err(format!(
                        "invalid sort method '{name}' (one of: {})",
                        names.join(", ")
                    ));
                }
            },
        };
        let rows = match p.value("rows") {
            None => DEFAULT_ROWS,
            Some(r) => match r.parse::<usize>() {
                Ok(n) if n > 0 => n.min(ROWS_LIMIT),
                _ => return err(format!("invalid rows '{r}': expected a positive number")),
            },
        };
        Ok(View {
            sort,
            rows,
            clear: !p.has("noclear") && !p.has("batch"),
        })
    }

    /// Sorts `rows` by this view's order (stable: equal rows keep the
    /// tool's order) and keeps the first [`View::rows`].
    pub fn arrange(&self, rows: &mut Vec<Event>) {
        let weight = |e: &Event| -> f64 { self.sort.keys.iter().map(|k| number(e.get(k))).sum() };
        let mut keyed: Vec<(f64, Event)> = rows.drain(..).map(|e| (weight(&e), e)).collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
        rows.extend(keyed.into_iter().map(|(_, e)| e).take(self.rows));
    }
}

/// A field's value as a number for sorting (absent or text: 0).
fn number(v: Option<&Value>) -> f64 {
    match v {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// One row per map entry that `row` decodes (others are skipped), in key
/// byte order: a stable order for rows the sort finds equal.
pub(crate) fn rows_by_key(
    entries: &[(Vec<u8>, Vec<u8>)],
    row: impl Fn(&[u8], &[u8]) -> Option<Event>,
) -> Vec<Event> {
    let mut rows: Vec<(&[u8], Event)> = entries
        .iter()
        .filter_map(|(k, v)| Some((k.as_slice(), row(k, v)?)))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.into_iter().map(|(_, e)| e).collect()
}

/// A top tool's `[INTERVAL [COUNT]]` and view options, checked.
pub(crate) fn configure(p: &Parsed, c: &mut Config, sorts: &[Sort]) -> Result<(), ArgError> {
    interval_count(p, c)?;
    View::new(p, sorts)?;
    Ok(())
}

/// libbpf-tools' title: `HH:MM:SS loadavg: 0.52 0.58 0.59 1/123 4567`
/// and an empty line (it prints /proc/loadavg's own newline too); none
/// when /proc/loadavg could not be read, as there.
pub fn loadavg_title(_c: &Config, s: &Session, hms: &str) -> Option<String> {
    s.loadavg
        .as_ref()
        .map(|l| format!("{hms:>8} loadavg: {}\n", l.trim_end()))
}

/// For tests: the `field` of the rows a top `tool` shows for `entries`
/// under command line `args`, in order, joined by commas.
#[cfg(test)]
pub(crate) fn order(
    tool: &crate::Tool,
    s: &Session,
    entries: &[crate::MapEntry],
    args: &str,
    field: &str,
) -> String {
    let c = tool.configure(&crate::args::words(args), s).unwrap();
    let crate::Report::Top { rows, sorts, .. } = tool.report else {
        panic!("{} has no top view", tool.name);
    };
    let mut r = rows(&c, s, entries);
    View::new(&c.parsed, sorts).unwrap().arrange(&mut r);
    r.iter()
        .map(|e| e.text(field))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;

    const SORTS: &[Sort] = &[Sort::new("all", &["io", "bytes"]), Sort::new("io", &["io"])];
    const SPECS: &[OptSpec] = &[NOCLEAR, BATCH, ROWS, sort("")];

    fn view(words: &str) -> Result<View, ArgError> {
        let w: Vec<String> = words.split_whitespace().map(String::from).collect();
        View::new(&parse(SPECS, &w)?, SORTS)
    }

    fn row(name: &str, io: u64, bytes: u64) -> Event {
        let mut e = Event::default();
        e.push("name", name);
        e.push("io", io);
        e.push("bytes", bytes);
        e
    }

    #[test]
    fn options() {
        let v = view("").unwrap();
        assert_eq!((v.sort.name, v.rows, v.clear), ("all", DEFAULT_ROWS, true));
        let v = view("-C -r 3 -s io").unwrap();
        assert_eq!((v.sort.name, v.rows, v.clear), ("io", 3, false));
        assert!(!view("-b").unwrap().clear);
        assert_eq!(view("-r 999999").unwrap().rows, ROWS_LIMIT);
        for bad in ["-s bogus", "-r 0", "-r x", "-r -1"] {
            assert!(view(bad).is_err(), "{bad}");
        }
        assert!(view("-s bogus").unwrap_err().0.contains("all, io"));
    }

    #[test]
    fn arrange_sorts_and_cuts() {
        let rows = vec![
            row("a", 1, 100),
            row("b", 5, 10),
            row("c", 5, 10),
            row("d", 2, 0),
        ];
        let mut r = rows.clone();
        view("").unwrap().arrange(&mut r);
        let names: Vec<String> = r.iter().map(|e| e.text("name")).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        let mut r = rows;
        view("-s io -r 3").unwrap().arrange(&mut r);
        let names: Vec<String> = r.iter().map(|e| e.text("name")).collect();
        // Equal weights keep the tool's order.
        assert_eq!(names, ["b", "c", "d"]);
    }

    #[test]
    fn title() {
        let s = Session {
            loadavg: Some("0.52 0.58 0.59 1/123 4567\n".into()),
            ..Default::default()
        };
        assert_eq!(
            loadavg_title(&Config::default(), &s, "01:02:03").unwrap(),
            "01:02:03 loadavg: 0.52 0.58 0.59 1/123 4567\n"
        );
        assert!(loadavg_title(&Config::default(), &Session::default(), "x").is_none());
    }
}
