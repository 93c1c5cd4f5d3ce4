//! argdist: the distribution of one value per probe (BCC's argdist: -C
//! counts per value, -H log2 histograms; specifiers
//! `t:CAT:NAME():TYPE:EXPR[:FILTER][#LABEL]` and
//! `u:LIB:FUNC(SIGNATURE)` / `r:LIB:FUNC(...)` with the signature's names,
//! arg1..arg6 or $retval; -p -i -d -n -T).

use crate::args::{err, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, hist_slots, u32_at, u64_at};
use crate::expr::{self, Arg, ProbeSpec, Scope, MAX_PROBES, STR_LEN};
use crate::generic::{self, Progs};
use crate::probe::{self, Probe, Target};
use crate::{ArgError, AttachPoint, Column, Event, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    generic::PID,
    opt(
        Some('i'),
        "interval",
        "INTERVAL",
        "Output interval, in seconds",
    ),
    generic::DURATION,
    opt(Some('n'), "number", "COUNT", "Number of outputs"),
    opt(
        Some('T'),
        "top",
        "TOP",
        "Number of top results to show (not applicable to histograms)",
    ),
    opt(
        Some('C'),
        "count",
        "SPECIFIER",
        "Probe specifier to capture count information",
    ),
    opt(
        Some('H'),
        "histogram",
        "SPECIFIER",
        "Probe specifier to capture histogram information",
    ),
];

const PROGS: Progs = Progs {
    tp: "argdist_tp",
    probe: "argdist_probe",
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
    name: "argdist",
    summary: "Count (-C) or histogram (-H) a probe's argument values",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/argdist.bpf.o")),
    options: OPTIONS,
    report_options: &["top"],
    positional: "",
    programs: PROGRAMS,
    report: Report::Select(select),
    configure,
};

fn select(c: &Config) -> Report {
    if c.parsed.has("histogram") {
        Report::Histogram {
            map: "hists",
            decode,
        }
    } else {
        Report::Counts {
            map: "counts",
            columns,
            rows,
            header_each: true,
        }
    }
}

/// A specifier, split.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Specifier {
    probe: String,
    signature: Vec<String>,
    ctype: Option<String>,
    expr: Option<String>,
    filter: Option<String>,
    label: Option<String>,
}

fn split(text: &str) -> Result<Specifier, ArgError> {
    let (body, label) = match text.split_once('#') {
        Some((b, l)) => (b, Some(l.trim().to_string())),
        None => (text, None),
    };
    let (Some(open), Some(close)) = (body.find('('), body.find(')')) else {
        return err(format!(
            "specifier '{text}': expected PROBE(SIGNATURE)[:TYPE:EXPR[:FILTER]][#LABEL], \
             e.g. 't:syscalls:sys_enter_read():u64:args->count'"
        ));
    };
    if close < open {
        return err(format!("specifier '{text}': ')' before '('"));
    }
    let names = body[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        // `size_t size`, `char *name`: the last word is the name.
        .map(|p| p.rsplit([' ', '*']).next().unwrap_or(p).to_string())
        .collect();
    let mut s = Specifier {
        probe: body[..open].to_string(),
        signature: names,
        label,
        ..Default::default()
    };
    let tail = &body[close + 1..];
    if tail.is_empty() {
        return Ok(s);
    }
    let Some(tail) = tail.strip_prefix(':') else {
        return err(format!(
            "specifier '{text}': expected ':TYPE:EXPR' after ')'"
        ));
    };
    let parts: Vec<&str> = tail.splitn(3, ':').collect();
    let (Some(t), Some(e)) = (parts.first(), parts.get(1)) else {
        return err(format!(
            "specifier '{text}': expected ':TYPE:EXPR' after ')'"
        ));
    };
    if t.contains(',') || e.contains(',') {
        return err(format!(
            "specifier '{text}': one TYPE:EXPR only (several are not supported)"
        ));
    }
    s.ctype = Some(t.trim().to_string());
    s.expr = Some(e.trim().to_string());
    s.filter = parts.get(2).map(|f| f.trim().to_string());
    Ok(s)
}

/// A name of the signature means the argument at its position.
fn resolve_name(spec: &Specifier, expr: &str) -> String {
    match spec.signature.iter().position(|n| n == expr) {
        Some(i) => format!("arg{}", i + 1),
        None => expr.to_string(),
    }
}

const STRING_TYPES: [&str; 3] = ["char*", "char *", "const char*"];

fn probe_of(text: &str, spec: &Specifier, s: &Session) -> Result<(Probe, ProbeSpec), ArgError> {
    let probe = probe::parse(&spec.probe)?;
    if let Probe::Tracepoint { category, name } = &probe {
        if category.contains(['*', '?']) || name.contains(['*', '?']) {
            return err(format!("specifier '{text}': argdist takes no wildcards"));
        }
        if !spec.signature.is_empty() {
            return err(format!(
                "specifier '{text}': a tracepoint takes no signature: ()"
            ));
        }
    }
    let scope = Scope::new(&probe, s)?;
    let mut out = ProbeSpec::default();
    if let (Some(t), Some(e)) = (&spec.ctype, &spec.expr) {
        let string = STRING_TYPES.contains(&t.as_str());
        out.args.push(scope.arg(&resolve_name(spec, e), string)?);
    }
    if let Some(f) = &spec.filter {
        let f = spec
            .signature
            .iter()
            .enumerate()
            .fold(f.clone(), |f, (i, n)| {
                replace_word(&f, n, &format!("arg{}", i + 1))
            });
        out.filter = Some(scope.filter(&f)?);
    }
    Ok((probe, out))
}

/// `text` with the whole word `word` replaced.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(word) {
        let before = rest[..i].chars().last().is_some_and(is_word);
        let after = rest[i + word.len()..].chars().next().is_some_and(is_word);
        out.push_str(&rest[..i]);
        out.push_str(if before || after { word } else { with });
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    if !p.positionals.is_empty() {
        return err("no positional arguments: give probes with -C or -H");
    }
    let (counts, hists) = (p.values("count"), p.values("histogram"));
    let histogram = !hists.is_empty();
    let specs = match (counts.is_empty(), hists.is_empty()) {
        (true, true) => return err("give at least one -C or -H SPECIFIER"),
        (false, false) => return err("-C and -H together are not supported: one kind per load"),
        (false, true) => counts,
        (true, false) => hists,
    };
    if specs.len() > MAX_PROBES {
        return err(format!("at most {MAX_PROBES} specifiers"));
    }
    let mut c = Config {
        bracketed_time: true,
        unit: "value",
        ..Default::default()
    };
    generic::filters(p, &mut c)?;
    generic::interval_duration(p, &mut c)?;
    if let (Some(i), Some(d)) = (c.interval, c.duration) {
        c.count = Some(d.div_ceil(i));
        c.duration = None;
    }
    if let Some(n) = p.number::<u64>("number")? {
        if n == 0 {
            return err("invalid COUNT 0");
        }
        c.count = Some(c.count.map_or(n, |d| d.min(n)));
    }
    if let Some(t) = p.number::<usize>("top")? {
        c.top = Some(t);
    }
    c.rodata.push(("histogram", RoValue::Bool(histogram)));
    let mut probe_specs = Vec::new();
    for (i, text) in specs.iter().enumerate() {
        let spec = split(text)?;
        if histogram && spec.expr.is_none() {
            return err(format!("-H '{text}': a histogram needs :TYPE:EXPR"));
        }
        let (probe, ps) = probe_of(text, &spec, s)?;
        if histogram && ps.args.first().is_some_and(Arg::is_str) {
            return err(format!(
                "-H '{text}': a histogram needs a number, not a string"
            ));
        }
        probe_specs.push(ps);
        c.targets.push(Target {
            prog: match probe {
                Probe::Tracepoint { .. } => PROGS.tp,
                _ => PROGS.probe,
            },
            probe,
            cookie: i as u64,
        });
    }
    c.rodata
        .push(("probes", RoValue::Bytes(expr::encode(&probe_specs))));
    Ok(c)
}

/// The specifiers of the configuration, in probe order.
fn specifiers(c: &Config) -> Vec<String> {
    let long = if c.parsed.has("histogram") {
        "histogram"
    } else {
        "count"
    };
    c.parsed
        .values(long)
        .into_iter()
        .map(String::from)
        .collect()
}

/// The label (or the specifier) and the expression of probe `i`.
fn describe(c: &Config, i: usize) -> (String, String) {
    let text = specifiers(c).get(i).cloned().unwrap_or_default();
    let spec = split(&text).unwrap_or_default();
    let expr = spec.expr.clone().unwrap_or_else(|| "total".into());
    (spec.label.unwrap_or(text), expr)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = vec![Column::left("count", "COUNT", 10)];
    if specifiers(c).len() > 1 {
        v.push(Column::left("probe", "PROBE", 20));
    }
    v.push(Column::left("event", "EVENT", 0));
    v
}

/// `struct count_key`: probe@0 value@8 str[128]@16, value u64 count.
/// BCC's order: ascending counts; -T keeps the largest.
fn rows(c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut vals: Vec<(u32, u64, String, u64)> = entries
        .iter()
        .filter_map(|(k, v)| {
            Some((
                u32_at(k, 0)?,
                u64_at(k, 8)?,
                cstr_at(k, 16, STR_LEN)?,
                u64_at(v, 0)?,
            ))
        })
        .collect();
    vals.sort_by(|a, b| a.3.cmp(&b.3).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    if let Some(top) = c.top {
        vals.drain(..vals.len().saturating_sub(top));
    }
    let strings: Vec<bool> = specifiers(c)
        .iter()
        .map(|t| {
            split(t)
                .ok()
                .and_then(|s| s.ctype)
                .is_some_and(|t| STRING_TYPES.contains(&t.as_str()))
        })
        .collect();
    let several = strings.len() > 1;
    vals.into_iter()
        .map(|(probe, value, text, count)| {
            let (label, expr) = describe(c, probe as usize);
            let is_str = strings.get(probe as usize).copied().unwrap_or(false);
            let mut e = Event::default();
            e.push("count", count);
            if several {
                e.push("probe", label);
            }
            let event = match (is_str, expr.as_str()) {
                (_, "total") if !is_str && value == 0 => "total".to_string(),
                (true, _) => format!("{expr} = {text}"),
                (false, _) => format!("{expr} = {}", value as i64),
            };
            e.push("event", event);
            if is_str {
                e.push("value", text);
            } else {
                e.push("value", value as i64);
            }
            e
        })
        .collect()
}

/// Key u32 probe index, value `struct hist`.
fn decode(c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    let (label, _) = describe(c, u32_at(key, 0)? as usize);
    Some(Histogram {
        label: Some(("probe".into(), label.into())),
        label_text: None,
        comm: None,
        unit: c.unit,
        slots: hist_slots(value)?,
    })
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
    fn specifiers_split() {
        let s = split("u:c:malloc(size_t size, int flags):size_t:size:flags==0#allocs").unwrap();
        assert_eq!(s.probe, "u:c:malloc");
        assert_eq!(s.signature, ["size", "flags"]);
        assert_eq!(s.ctype.as_deref(), Some("size_t"));
        assert_eq!(s.expr.as_deref(), Some("size"));
        assert_eq!(s.filter.as_deref(), Some("flags==0"));
        assert_eq!(s.label.as_deref(), Some("allocs"));
        assert_eq!(resolve_name(&s, "flags"), "arg2");
        assert_eq!(split("t:a:b()").unwrap().expr, None);
        assert!(split("t:a:b").is_err());
        assert!(split("t:a:b():u64").is_err());
        assert!(split("t:a:b():u64,u32:x,y").is_err());
        assert_eq!(
            replace_word("flags==0 && xflags", "flags", "arg2"),
            "arg2==0 && xflags"
        );
    }

    #[test]
    fn configurations() {
        let c = cfg(&["-C", "t:syscalls:sys_enter_read():u64:args->count"]).unwrap();
        assert_eq!(c.interval, None);
        assert!(matches!(select(&c), Report::Counts { .. }));
        let c = cfg(&[
            "-H",
            "t:syscalls:sys_enter_read():u64:count",
            "-i",
            "2",
            "-d",
            "5",
        ])
        .unwrap();
        assert!(matches!(select(&c), Report::Histogram { .. }));
        assert_eq!((c.interval, c.count), (Some(2), Some(3)));
        let c = cfg(&["-C", "u:c:malloc(size_t size):size_t:size:size>16"]).unwrap();
        assert_eq!(c.targets[0].prog, "argdist_probe");
        for bad in [
            vec![],
            vec![
                "-C",
                "t:syscalls:sys_enter_read():u64:args->count",
                "-H",
                "t:syscalls:sys_enter_read():u64:count",
            ],
            vec!["-H", "t:syscalls:sys_enter_read()"],
            vec!["-H", "t:syscalls:sys_enter_openat():char*:filename"],
            vec!["-C", "t:syscalls:sys_enter_read(int x):u64:count"],
            vec!["-C", "t:syscalls:sys_enter_read():u64:nosuch"],
            vec!["-C", "t:syscalls:sys_enter_*():u64:count"],
        ] {
            assert!(cfg(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn count_rows() {
        let c = cfg(&[
            "-C",
            "t:syscalls:sys_enter_read():u64:args->count",
            "-T",
            "2",
        ])
        .unwrap();
        let key = |v: u64| {
            let mut k = vec![0u8; 16 + STR_LEN];
            k[8..16].copy_from_slice(&v.to_ne_bytes());
            k
        };
        let e = |v: u64, n: u64| (key(v), n.to_ne_bytes().to_vec());
        let r = rows(&c, &Session::default(), &[e(1, 5), e(8, 9), e(4, 1)]);
        let text: Vec<(String, String)> = r
            .iter()
            .map(|e| (e.text("count"), e.text("event")))
            .collect();
        assert_eq!(
            text,
            [
                ("5".to_string(), "args->count = 1".to_string()),
                ("9".into(), "args->count = 8".into())
            ]
        );
        assert_eq!(
            columns(&c).iter().map(|c| c.header).collect::<Vec<_>>(),
            ["COUNT", "EVENT"]
        );
    }
}
