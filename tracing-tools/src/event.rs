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
    /// Minimum width; the last column is never padded.
    pub width: usize,
    /// Left-aligned (text) or right-aligned (numbers).
    pub left: bool,
}

impl Column {
    pub const fn left(key: &'static str, header: &'static str, width: usize) -> Self {
        Column {
            key,
            header,
            width,
            left: true,
        }
    }
    pub const fn right(key: &'static str, header: &'static str, width: usize) -> Self {
        Column {
            key,
            header,
            width,
            left: false,
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

fn pad(text: &str, col: &Column, last: bool) -> String {
    if last {
        text.to_string()
    } else if col.left {
        format!("{:<w$}", text, w = col.width)
    } else {
        format!("{:>w$}", text, w = col.width)
    }
}

/// The header line for `columns`.
pub fn header_line(columns: &[Column]) -> String {
    let n = columns.len();
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| pad(c.header, c, i + 1 == n))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One event as a text line under [`header_line`]. Values are printed as
/// the tool decoded them: callers escape control characters.
pub fn event_line(columns: &[Column], event: &Event) -> String {
    let n = columns.len();
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| pad(&event.text(c.key), c, i + 1 == n))
        .collect::<Vec<_>>()
        .join(" ")
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
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"comm":"cat","pid":42,"path":"/etc/hosts"}"#
        );
    }
}
