//! Kernel enum values as bpftool names them (or the number it prints
//! when libbpf does not know them).
use serde::Serialize;

/// A type name, or the raw number when libbpf does not know it (bpftool prints the number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum KindName {
    Name(String),
    Num(u32),
}

impl std::fmt::Display for KindName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KindName::Name(s) => f.write_str(s),
            KindName::Num(n) => write!(f, "type {n}"),
        }
    }
}
