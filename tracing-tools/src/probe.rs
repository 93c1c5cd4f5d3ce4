//! Attach points named on the command line, for the generic tools
//! (funccount, funclatency, stackcount, argdist, trace): BCC's probe
//! syntax parsed into [`Probe`]s, the [`Target`]s a configuration hands the
//! loader (one generic program attached N times, told apart by the link's
//! cookie), and tracefs format files parsed into tracepoint fields.
//!
//! Reading tracefs is the caller's ([`crate::Tracefs`], filled by bpfscope's
//! src/sys): this module only parses what it is given.

use crate::args::err;
use crate::{ArgError, Session};

/// Most attach points one load may make (one perf event and link each).
pub const MAX_TARGETS: usize = 64;

/// Where a generic program attaches, as the command line named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// `t:CATEGORY:NAME`.
    Tracepoint { category: String, name: String },
    /// `u:LIB:FUNC` (`r:LIB:FUNC`: its return).
    Uprobe {
        binary: String,
        func: String,
        ret: bool,
    },
    /// `p:FUNC` (`r:FUNC`: its return).
    Kprobe { func: String, ret: bool },
}

impl Probe {
    /// BCC's name of the probe: `syscalls:sys_enter_getpid`, `c:malloc`, `vfs_read`.
    pub fn name(&self) -> String {
        match self {
            Probe::Tracepoint { category, name } => format!("{category}:{name}"),
            Probe::Uprobe { binary, func, .. } => format!("{binary}:{func}"),
            Probe::Kprobe { func, .. } => func.clone(),
        }
    }
}

impl std::fmt::Display for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Probe::Tracepoint { category, name } => write!(f, "tracepoint/{category}/{name}"),
            Probe::Uprobe { binary, func, ret } => {
                let kind = if *ret { "uretprobe" } else { "uprobe" };
                write!(f, "{kind}/{binary}:{func}")
            }
            Probe::Kprobe { func, ret } => {
                let kind = if *ret { "kretprobe" } else { "kprobe" };
                write!(f, "{kind}/{func}")
            }
        }
    }
}

/// One link to make: program `prog` of the object on `probe`, with
/// `cookie` as its bpf_get_attach_cookie() value (the tools' index of the
/// probe, so one program tells its targets apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub prog: &'static str,
    pub probe: Probe,
    pub cookie: u64,
}

/// Parses one probe spec in BCC's forms: `t:CAT:NAME`, `u:LIB:FUNC` and
/// BCC's `LIB:FUNC` (uprobes), `r:LIB:FUNC` (uretprobe); a bare `FUNC`,
/// `p:FUNC` or `p::FUNC` is a kprobe, `r:FUNC` or `r::FUNC` a kretprobe.
pub fn parse(spec: &str) -> Result<Probe, ArgError> {
    let parts: Vec<&str> = spec.split(':').collect();
    let word_ok = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-*?+/@".contains(c))
    };
    let probe = match parts.as_slice() {
        ["t", cat, name] => Probe::Tracepoint {
            category: cat.to_string(),
            name: name.to_string(),
        },
        ["p", "", func] | ["p", func] => Probe::Kprobe {
            func: func.to_string(),
            ret: false,
        },
        ["r", "", func] | ["r", func] => Probe::Kprobe {
            func: func.to_string(),
            ret: true,
        },
        ["u" | "p" | "r", lib, func] => Probe::Uprobe {
            binary: lib.to_string(),
            func: func.to_string(),
            ret: parts[0] == "r",
        },
        [lib, func] if *lib != "t" => Probe::Uprobe {
            binary: lib.to_string(),
            func: func.to_string(),
            ret: false,
        },
        [func] => Probe::Kprobe {
            func: func.to_string(),
            ret: false,
        },
        _ => {
            return err(format!(
                "invalid probe '{spec}': expected t:CATEGORY:NAME, u:LIBRARY:FUNCTION, \
                 p:FUNCTION or r:FUNCTION"
            ))
        }
    };
    let words: Vec<&str> = match &probe {
        Probe::Tracepoint { category, name } => vec![category, name],
        Probe::Uprobe { binary, func, .. } => vec![binary, func],
        Probe::Kprobe { func, .. } => vec![func],
    };
    if let Some(bad) = words.iter().find(|w| !word_ok(w)) {
        return err(format!("invalid probe '{spec}': bad name '{bad}'"));
    }
    Ok(probe)
}

/// Whether `text` matches the shell pattern `pat` (`*` and `?`), as
/// fnmatch does for BCC's wildcards.
pub fn glob(pat: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some((b'?', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    go(pat.as_bytes(), text.as_bytes())
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// tracefs of the session, or why there is none.
fn tracefs(s: &Session) -> Result<crate::Tracefs, ArgError> {
    s.tracefs
        .ok_or_else(|| ArgError("tracefs is not available here".into()))
}

/// The tracepoints `category:name` names, wildcards expanded (sorted), or
/// an error when none exists.
pub fn tracepoints(s: &Session, category: &str, name: &str) -> Result<Vec<Probe>, ArgError> {
    let tp = |category: &str, name: &str| Probe::Tracepoint {
        category: category.to_string(),
        name: name.to_string(),
    };
    if !has_glob(category) && !has_glob(name) {
        // One read of its format tells that it exists.
        (tracefs(s)?.format)(category, name)
            .map_err(|e| ArgError(format!("no tracepoint {category}:{name} ({e})")))?;
        return Ok(vec![tp(category, name)]);
    }
    let all = (tracefs(s)?.list)().map_err(ArgError)?;
    let found: Vec<Probe> = all
        .iter()
        .filter(|(c, n)| glob(category, c) && glob(name, n))
        .map(|(c, n)| tp(c, n))
        .collect();
    if found.is_empty() {
        return err(format!("no tracepoint matches {category}:{name}"));
    }
    Ok(found)
}

/// One field of a tracepoint's record (a `field:` line of its format file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TpField {
    /// C type as written (`const char *`, `char[16]` for `char comm[16]`).
    pub ctype: String,
    pub name: String,
    pub offset: u32,
    pub size: u32,
    pub signed: bool,
    /// `__data_loc` field: a u32 holding (length << 16 | offset) of data
    /// inside the record (dynamic strings).
    pub data_loc: bool,
}

impl TpField {
    /// What the field holds, for reading it. `syscall`: a field of a
    /// syscalls:* tracepoint, whose pointers are user-space ones.
    pub fn kind(&self, syscall: bool) -> FieldKind {
        let t = self.ctype.as_str();
        if self.data_loc {
            FieldKind::DataLocStr
        } else if t.starts_with("char[") || t.starts_with("unsigned char[") {
            FieldKind::CharArray
        } else if t.contains("char") && t.matches('*').count() == 1 {
            FieldKind::StrPtr {
                user: syscall || t.contains("__user") || t.contains("\"user\""),
            }
        } else if t.contains('*') {
            FieldKind::Int { size: 8 }
        } else if matches!(self.size, 1 | 2 | 4 | 8) && !t.contains('[') {
            FieldKind::Int { size: self.size }
        } else {
            FieldKind::Other
        }
    }
}

/// How a field is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// An integer (or pointer) of 1, 2, 4 or 8 bytes.
    Int { size: u32 },
    /// `char name[N]` inside the record.
    CharArray,
    /// `__data_loc char[] name`.
    DataLocStr,
    /// A pointer to a NUL-terminated string (`__user` or kernel memory).
    StrPtr { user: bool },
    /// Arrays of other types, structs: not readable by these tools.
    Other,
}

/// A tracepoint's fields, `common_*` ones left out.
pub fn parse_format(text: &str) -> Vec<TpField> {
    text.lines().filter_map(parse_field_line).collect()
}

fn parse_field_line(line: &str) -> Option<TpField> {
    let rest = line.trim().strip_prefix("field:")?;
    let mut decl = "";
    let (mut offset, mut size, mut signed) = (None, None, false);
    for (i, part) in rest.split(';').enumerate() {
        let part = part.trim();
        if i == 0 {
            decl = part;
        } else if let Some(v) = part.strip_prefix("offset:") {
            offset = v.parse().ok();
        } else if let Some(v) = part.strip_prefix("size:") {
            size = v.parse().ok();
        } else if let Some(v) = part.strip_prefix("signed:") {
            signed = v == "1";
        }
    }
    let data_loc = decl.starts_with("__data_loc ");
    let decl = decl.trim_start_matches("__data_loc ").trim();
    // `char comm[16]`: the name is the last word, its array suffix goes to the type.
    let (head, last) = decl
        .rsplit_once([' ', '*'])
        .map_or(("", decl), |(h, l)| (&decl[..h.len() + 1], l));
    let (name, suffix) = match last.split_once('[') {
        Some((n, s)) => (n, format!("[{s}")),
        None => (last, String::new()),
    };
    if name.starts_with("common_") || name.is_empty() {
        return None;
    }
    Some(TpField {
        ctype: format!("{}{suffix}", head.trim_end()),
        name: name.to_string(),
        offset: offset?,
        size: size?,
        signed,
        data_loc,
    })
}

/// The fields of tracepoint `category:name`.
pub fn fields(s: &Session, category: &str, name: &str) -> Result<Vec<TpField>, ArgError> {
    let text = (tracefs(s)?.format)(category, name)
        .map_err(|e| ArgError(format!("no tracepoint {category}:{name} ({e})")))?;
    Ok(parse_format(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const OPENAT: &str = "name: sys_enter_openat\nID: 700\nformat:\n\
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n\
\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n\
\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n\
\tfield:const char __attribute__((btf_type_tag(\"user\"))) * filename;\toffset:24;\tsize:8;\tsigned:0;\n\
\tfield:char comm[16];\toffset:32;\tsize:16;\tsigned:0;\n\
\tfield:__data_loc char[] name;\toffset:48;\tsize:4;\tsigned:0;\n\n\
print fmt: \"dfd: 0x%08lx\"\n";

    #[test]
    fn specs() {
        let tp = |c: &str, n: &str| Probe::Tracepoint {
            category: c.into(),
            name: n.into(),
        };
        assert_eq!(
            parse("t:syscalls:sys_enter_getpid").unwrap(),
            tp("syscalls", "sys_enter_getpid")
        );
        let malloc = Probe::Uprobe {
            binary: "c".into(),
            func: "malloc".into(),
            ret: false,
        };
        assert_eq!(parse("c:malloc").unwrap(), malloc);
        assert_eq!(
            parse("u:c:malloc").unwrap(),
            Probe::Uprobe {
                binary: "c".into(),
                func: "malloc".into(),
                ret: false
            }
        );
        assert_eq!(
            parse("r:c:malloc").unwrap(),
            Probe::Uprobe {
                binary: "c".into(),
                func: "malloc".into(),
                ret: true
            }
        );
        assert_eq!(
            parse("p:vfs_read").unwrap(),
            Probe::Kprobe {
                func: "vfs_read".into(),
                ret: false
            }
        );
        assert_eq!(
            parse("vfs_read").unwrap(),
            Probe::Kprobe {
                func: "vfs_read".into(),
                ret: false
            }
        );
        for bad in ["t:a", "x:y:z:w", "t::x", "t:a b:c", "t:a:b;c", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse("t:syscalls:sys_enter_getpid").unwrap().to_string(),
            "tracepoint/syscalls/sys_enter_getpid"
        );
    }

    #[test]
    fn globs() {
        assert!(glob("sys_enter_*", "sys_enter_getpid"));
        assert!(glob("*", ""));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(!glob("sys_exit_*", "sys_enter_getpid"));
    }

    #[test]
    fn format_fields() {
        let f = parse_format(OPENAT);
        let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["__syscall_nr", "dfd", "filename", "comm", "name"]);
        assert_eq!(f[0].kind(false), FieldKind::Int { size: 4 });
        assert!(f[0].signed);
        assert_eq!(f[2].offset, 24);
        assert_eq!(f[2].kind(false), FieldKind::StrPtr { user: true });
        assert_eq!(f[1].kind(true), FieldKind::Int { size: 8 });
        assert_eq!(f[3].ctype, "char[16]");
        assert_eq!(f[3].kind(false), FieldKind::CharArray);
        assert_eq!(f[4].kind(false), FieldKind::DataLocStr);
    }
}
