//! Events of the snoop tools: an ordered set of named values, and the
//! column layout their text rendering uses (libbpf-tools' headers).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// A column of a snoop tool's text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Key of the value in [`Event::fields`] (and in JSON).
    pub key: &'static str,
    pub header: &'static str,
    /// Minimum width; a left-aligned last column is not padded.
    pub width: usize,
    /// Left-aligned (text) or right-aligned (numbers).
    pub left: bool,
    /// A field of a vertical layout (mountsnoop -d): printed on a line of
    /// its own as header then value, only where the event has the key.
    pub own_line: bool,
}

impl Column {
    pub const fn left(key: &'static str, header: &'static str, width: usize) -> Self {
        Column {
            key,
            header,
            width,
            left: true,
            own_line: false,
        }
    }
    pub const fn right(key: &'static str, header: &'static str, width: usize) -> Self {
        Column {
            key,
            header,
            width,
            left: false,
            own_line: false,
        }
    }
    /// A field of a vertical layout: `label` (e.g. `"PID:    "`) then the value.
    pub const fn own_line(key: &'static str, label: &'static str) -> Self {
        Column {
            key,
            header: label,
            width: 0,
            left: true,
            own_line: true,
        }
    }
}

/// One decoded event, fields in column order. JSON: an object with the same keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event {
    pub fields: Vec<(&'static str, Value)>,
}

impl Event {
    pub fn push(&mut self, key: &'static str, value: impl Into<Value>) {
        self.fields.push((key, value.into()));
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// A field as display text (strings unquoted).
    pub fn text(&self, key: &str) -> String {
        match self.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.fields.len()))?;
        for (k, v) in &self.fields {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A line laid out like libbpf-tools' printf formats: each column padded
/// to its width (`%-16s` left, `%8llu` right), except a left-aligned last
/// column, which is printed as it is (no trailing blanks).
pub fn line(columns: &[Column], text: impl Fn(&Column) -> String) -> String {
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

/// Whether `columns` lay events out vertically (one line per field, no
/// header line): libbpf-tools' detailed views.
pub fn is_vertical(columns: &[Column]) -> bool {
    columns.iter().any(|c| c.own_line)
}

/// One event in a vertical layout: a `label value` line per field the
/// event has, then an empty line. Callers escape control characters.
pub fn event_block(columns: &[Column], event: &Event) -> String {
    let mut out = String::new();
    for c in columns.iter().filter(|c| event.get(c.key).is_some()) {
        out.push_str(c.header);
        out.push_str(&event.text(c.key));
        out.push('\n');
    }
    out
}

/// The header line for `columns`.
pub fn header_line(columns: &[Column]) -> String {
    line(columns, |c| c.header.to_string())
}

/// One event as a text line under [`header_line`]. Values are printed as
/// the tool decoded them: callers escape control characters.
pub fn event_line(columns: &[Column], event: &Event) -> String {
    line(columns, |c| event.text(c.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_json() {
        let cols = [
            Column::left("comm", "COMM", 6),
            Column::right("pid", "PID", 5),
            Column::left("path", "PATH", 0),
        ];
        let mut e = Event::default();
        e.push("comm", "cat");
        e.push("pid", 42);
        e.push("path", "/etc/hosts");
        assert_eq!(header_line(&cols), "COMM     PID PATH");
        assert_eq!(event_line(&cols, &e), "cat       42 /etc/hosts");
        // A right-aligned last column keeps its width, as `%5d` does.
        let num = [
            Column::left("comm", "COMM", 6),
            Column::right("pid", "PID", 5),
        ];
        assert_eq!(header_line(&num), "COMM     PID");
        assert_eq!(event_line(&num, &e), "cat       42");
        let vertical = [
            Column::own_line("pid", "PID:  "),
            Column::own_line("uid", "UID:  "),
            Column::own_line("path", "PATH: "),
        ];
        assert!(is_vertical(&vertical) && !is_vertical(&cols));
        assert_eq!(event_block(&vertical, &e), "PID:  42\nPATH: /etc/hosts\n");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"comm":"cat","pid":42,"path":"/etc/hosts"}"#
        );
    }
}
