//! trace: a line per probe hit, formatted from its values (BCC's trace:
//! probes `t:CAT:NAME`, `u:LIB:FUNC`, `r:LIB:FUNC` (and `p:`/`r:FUNC`,
//! refused here), each maybe with `(FILTER)` and `"FORMAT", ARG, ...`;
//! -p -t -T -M). The values are read in BPF as the probes describe them
//! ([`crate::expr`]); the format is applied here.

use crate::args::{err, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::expr::{self, ProbeSpec, Scope, MAX_ARGS, MAX_PROBES, STR_LEN};
use crate::generic::{self, Progs};
use crate::probe::{self, Probe, Target};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    generic::PID,
    flag(
        't',
        "timestamp",
        "Print timestamp column (offset from trace start)",
    ),
    flag('T', "time", "Print time column"),
    opt(
        Some('M'),
        "max-events",
        "MAX_EVENTS",
        "Number of events to print before quitting",
    ),
    crate::args::DURATION_LONG,
];

const PROGS: Progs = Progs {
    tp: "trace_tp",
    probe: "trace_probe",
};

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: PROGS.tp,
        attach: AttachPoint::Targets,
    },
    ProgSpec {
        name: PROGS.probe,
        attach: AttachPoint::Targets,
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "trace",
    summary: "Print a line per probe hit, with a format over its arguments",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/trace.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "time"],
    positional: "PROBE...",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

/// One probe word, split: `SPEC [(FILTER)] ["FORMAT"[, ARG...]]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct ProbeText {
    spec: String,
    filter: Option<String>,
    format: Option<String>,
    args: Vec<String>,
}

fn split(word: &str) -> Result<ProbeText, ArgError> {
    let word = word.trim();
    let end = word.find([' ', '(', '"']).unwrap_or(word.len());
    let mut t = ProbeText {
        spec: word[..end].to_string(),
        ..Default::default()
    };
    let mut rest = word[end..].trim_start();
    if rest.starts_with('(') && !t.spec.is_empty() && word.as_bytes()[end] == b'(' {
        return err(format!(
            "'{word}': signatures are not supported: name a function's values arg1..arg6"
        ));
    }
    if let Some(r) = rest.strip_prefix('(') {
        let Some(close) = r.find(')') else {
            return err(format!("'{word}': unclosed '(' of the filter"));
        };
        t.filter = Some(r[..close].trim().to_string());
        rest = r[close + 1..].trim_start();
    }
    if let Some(r) = rest.strip_prefix('"') {
        let Some(close) = r.find('"') else {
            return err(format!("'{word}': unclosed '\"' of the format"));
        };
        t.format = Some(r[..close].to_string());
        rest = r[close + 1..].trim_start();
        if !rest.is_empty() {
            let Some(list) = rest.strip_prefix(',') else {
                return err(format!("'{word}': expected ', ARG' after the format"));
            };
            t.args = list.split(',').map(|a| a.trim().to_string()).collect();
            if t.args.iter().any(|a| a.is_empty()) {
                return err(format!("'{word}': empty argument"));
            }
        }
    } else if !rest.is_empty() {
        return err(format!("'{word}': unexpected '{rest}'"));
    }
    Ok(t)
}

/// One conversion of a format: `%-8s`, `%lld`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Conv {
    left: bool,
    width: usize,
    long: bool,
    kind: char,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Conv(Conv),
}

/// BCC's printf subset: %d %i %u %x %X %c %s %p with `-`, a width and
/// h/l/ll/z; `%%`.
fn parse_format(f: &str) -> Result<Vec<Piece>, ArgError> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            text.push('%');
            continue;
        }
        let mut conv = Conv {
            left: false,
            width: 0,
            long: false,
            kind: ' ',
        };
        if chars.peek() == Some(&'-') {
            chars.next();
            conv.left = true;
        }
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            chars.next();
            conv.width = conv.width * 10 + d as usize;
        }
        while let Some(&m) = chars.peek() {
            match m {
                'l' | 'z' => conv.long = true,
                'h' => {}
                _ => break,
            }
            chars.next();
        }
        match chars.next() {
            Some(k @ ('d' | 'i' | 'u' | 'x' | 'X' | 'c' | 's' | 'p')) => conv.kind = k,
            other => {
                return err(format!(
                    "format '{f}': unsupported conversion '%{}' (supported: d i u x X c s p)",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        }
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Conv(conv));
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

fn convs(pieces: &[Piece]) -> Vec<Conv> {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Conv(c) => Some(*c),
            Piece::Text(_) => None,
        })
        .collect()
}

/// The probes of the positionals, the text of each kept for decoding.
fn probes(p: &Parsed, s: &Session) -> Result<Vec<(Probe, ProbeSpec)>, ArgError> {
    if p.positionals.is_empty() {
        return err("expected at least one PROBE (e.g. 't:syscalls:sys_enter_openat \"%s\", args->filename')");
    }
    if p.positionals.len() > MAX_PROBES {
        return err(format!("at most {MAX_PROBES} probes"));
    }
    let mut out = Vec::new();
    for word in &p.positionals {
        let t = split(word)?;
        let probe = probe::parse(&t.spec)?;
        if t.spec.contains(['*', '?']) {
            return err(format!("'{}': trace takes no wildcards", t.spec));
        }
        let pieces = parse_format(t.format.as_deref().unwrap_or(""))?;
        let convs = convs(&pieces);
        if convs.len() != t.args.len() {
            return err(format!(
                "'{word}': the format has {} conversions for {} arguments",
                convs.len(),
                t.args.len()
            ));
        }
        if t.args.len() > MAX_ARGS {
            return err(format!("'{word}': at most {MAX_ARGS} arguments"));
        }
        let scope = Scope::new(&probe, s)?;
        let mut spec = ProbeSpec::default();
        for (a, c) in t.args.iter().zip(&convs) {
            spec.args.push(scope.arg(a, c.kind == 's')?);
        }
        if let Some(f) = &t.filter {
            spec.filter = Some(scope.filter(f)?);
        }
        out.push((probe, spec));
    }
    Ok(out)
}

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    generic::filters(p, &mut c)?;
    if let Some(d) = p.number::<u64>("duration")? {
        if d == 0 {
            return err("invalid --duration 0");
        }
        c.duration = Some(d);
    }
    if let Some(m) = p.number::<u64>("max-events")? {
        if m == 0 {
            return err("invalid MAX_EVENTS 0");
        }
        c.count = Some(m);
    }
    let probes = probes(p, s)?;
    let specs: Vec<ProbeSpec> = probes.iter().map(|(_, s)| s.clone()).collect();
    c.rodata
        .push(("probes", RoValue::Bytes(expr::encode(&specs))));
    c.targets = probes
        .into_iter()
        .enumerate()
        .map(|(i, (probe, _))| Target {
            prog: match probe {
                Probe::Tracepoint { .. } => PROGS.tp,
                _ => PROGS.probe,
            },
            probe,
            cookie: i as u64,
        })
        .collect();
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("timestamp") || c.parsed.has("time") {
        v.push(Column::left("time", "TIME", 8));
    }
    v.extend([
        Column::left("pid", "PID", 7),
        Column::left("tid", "TID", 7),
        Column::left("comm", "COMM", 15),
        Column::left("func", "FUNC", 16),
        Column::left("msg", "-", 0),
    ]);
    v
}

const VALS: usize = 40;
const STRS: usize = VALS + 8 * MAX_ARGS;

/// `struct event`: ts@0 pid@8 tid@12 probe@16 cpu@20 comm[16]@24
/// vals[6]@40 strs[6][128]@88. The probe's word is split and its format
/// parsed again per event: both are short, and Config has no place for a
/// tool's own parsed state.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let index = u32_at(b, 16)? as usize;
    let target = c.targets.get(index)?;
    let word = c.parsed.positionals.get(index)?;
    let t = split(word).ok()?;
    let pieces = parse_format(t.format.as_deref().unwrap_or("")).ok()?;
    let mut values = Vec::new();
    let mut msg = String::new();
    let mut next = 0;
    for piece in &pieces {
        match piece {
            Piece::Text(t) => msg.push_str(t),
            Piece::Conv(conv) => {
                let i = next;
                next += 1;
                let (text, json) = if conv.kind == 's' {
                    let s = cstr_at(b, STRS + i * STR_LEN, STR_LEN)?;
                    (s.clone(), serde_json::Value::from(s))
                } else {
                    let v = u64_at(b, VALS + i * 8)?;
                    (render(*conv, v), render_json(*conv, v))
                };
                let pad = conv.width.saturating_sub(text.chars().count());
                if conv.left {
                    msg.push_str(&text);
                    msg.push_str(&" ".repeat(pad));
                } else {
                    msg.push_str(&" ".repeat(pad));
                    msg.push_str(&text);
                }
                values.push(json);
            }
        }
    }
    let mut e = Event::default();
    if c.parsed.has("time") {
        e.push("time", s.wall_hms(ts));
    } else if c.parsed.has("timestamp") {
        let mut t = format!("{:.6}", s.relative_secs(ts));
        t.truncate(8);
        e.push("time", t);
    }
    e.push("ts", ts);
    e.push("pid", u32_at(b, 8)?);
    e.push("tid", u32_at(b, 12)?);
    e.push("comm", cstr_at(b, 24, 16)?);
    e.push(
        "func",
        match &target.probe {
            Probe::Tracepoint { name, .. } => name.clone(),
            Probe::Uprobe { func, .. } | Probe::Kprobe { func, .. } => func.clone(),
        },
    );
    e.push("cpu", u32_at(b, 20)?);
    e.push("msg", msg);
    e.push("args", values);
    Some(e)
}

/// A number as C's printf prints it for `conv` (without `l`: 32 bits).
fn render(conv: Conv, v: u64) -> String {
    match conv.kind {
        'd' | 'i' if conv.long => (v as i64).to_string(),
        'd' | 'i' => (v as i32).to_string(),
        'u' if conv.long => v.to_string(),
        'u' => (v as u32).to_string(),
        'x' if conv.long => format!("{v:x}"),
        'x' => format!("{:x}", v as u32),
        'X' if conv.long => format!("{v:X}"),
        'X' => format!("{:X}", v as u32),
        'c' => char::from(v as u8).to_string(),
        _ => format!("0x{v:x}"),
    }
}

fn render_json(conv: Conv, v: u64) -> serde_json::Value {
    match conv.kind {
        'd' | 'i' if conv.long => (v as i64).into(),
        'd' | 'i' => (v as i32).into(),
        'u' if conv.long => v.into(),
        'u' => (v as u32).into(),
        _ => render(conv, v).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generic::testing::session;

    fn cfg(words: &[&str]) -> Result<Config, ArgError> {
        let w: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&w, &session())
    }

    #[test]
    fn probe_words() {
        let t = split(r#"t:syscalls:sys_enter_read (args->fd == 3) "fd %d, %lu bytes", args->fd, args->count"#).unwrap();
        assert_eq!(t.spec, "t:syscalls:sys_enter_read");
        assert_eq!(t.filter.as_deref(), Some("args->fd == 3"));
        assert_eq!(t.format.as_deref(), Some("fd %d, %lu bytes"));
        assert_eq!(t.args, ["args->fd", "args->count"]);
        assert_eq!(split("u:c:malloc").unwrap().spec, "u:c:malloc");
        assert!(split("u:c:malloc(size_t n)").is_err());
        assert!(split(r#"t:a:b "%d"#).is_err());
        assert!(split(r#"t:a:b "%d" x"#).is_err());
    }

    #[test]
    fn configurations() {
        let c = cfg(&[
            r#"t:syscalls:sys_enter_openat "%s", args->filename"#,
            r#"r:c:malloc "%p", retval"#,
        ])
        .unwrap();
        assert_eq!(c.targets.len(), 2);
        assert_eq!(c.targets[1].prog, "trace_probe");
        assert_eq!(c.targets[1].cookie, 1);
        for bad in [
            vec![],
            vec![r#"t:syscalls:sys_enter_read "%d""#],
            vec![r#"t:syscalls:sys_enter_read "%f", args->fd"#],
            vec![r#"t:syscalls:sys_enter_read "%d", args->nosuch"#],
            vec![r#"t:syscalls:sys_enter_read "%s", args->fd"#],
            vec!["t:syscalls:sys_enter_*"],
            vec![r#"u:c:malloc "%d", retval"#],
            vec![r#"t:syscalls:sys_enter_read (fd ~ 3)"#],
        ] {
            assert!(cfg(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn events_format() {
        // buf is a char * of a syscall: a user string.
        let c = cfg(&[
            r#"t:syscalls:sys_enter_read "fd=%-3d n=%lu %s|", args->fd, args->count, args->buf"#,
        ])
        .unwrap();
        let mut b = vec![0u8; STRS + MAX_ARGS * STR_LEN];
        b[0..8].copy_from_slice(&5u64.to_ne_bytes());
        b[8..12].copy_from_slice(&42u32.to_ne_bytes());
        b[12..16].copy_from_slice(&43u32.to_ne_bytes());
        b[24..28].copy_from_slice(b"cat\0");
        b[VALS..VALS + 8].copy_from_slice(&7u64.to_ne_bytes());
        b[VALS + 8..VALS + 16].copy_from_slice(&4096u64.to_ne_bytes());
        b[STRS + 2 * STR_LEN..STRS + 2 * STR_LEN + 3].copy_from_slice(b"hi\0");
        let e = decode(&c, &mut Session::default(), &b).unwrap();
        assert_eq!(e.text("msg"), "fd=7   n=4096 hi|");
        assert_eq!(e.text("func"), "sys_enter_read");
        assert_eq!(e.text("comm"), "cat");
        assert_eq!(e.get("args").unwrap(), &serde_json::json!([7, 4096, "hi"]));
        assert_eq!(
            render(
                Conv {
                    left: false,
                    width: 0,
                    long: false,
                    kind: 'd'
                },
                u64::MAX
            ),
            "-1"
        );
    }
}
