//! veristat's `-s` (sort) and `-f` (filter) over `prog verify` records,
//! alone or side by side (`--compare`).
//!
//! Keys: `name`, `verdict`, `insns`, `states`, `peak_states`, `duration`,
//! `stack`; in a comparison each numeric key takes `_a`, `_b` or `_diff`
//! (plain means `_b`, as veristat). A sort spec is `KEY[:asc|:desc]`
//! (numbers default to descending, names to ascending). A filter is
//! `KEY OP VALUE` (`<`, `<=`, `>`, `>=`, `==`, `!=`, `=`), or a program name
//! with `*` wildcards; a leading `!` negates it.

use super::record::{CompareRecord, VerifyRecord};

/// A field of a record, as a number or text.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Num(Option<i64>),
    Text(String),
}

fn num_of(r: &VerifyRecord, key: &str) -> Option<Option<i64>> {
    Some(match key {
        "insns" => r.processed_insns.map(|v| v as i64),
        "states" => r.total_states.map(|v| v as i64),
        "peak_states" | "peak" => r.peak_states.map(|v| v as i64),
        "duration" | "time" => r.verification_time_usec.map(|v| v as i64),
        "stack" => r.stack_depth.map(i64::from),
        _ => return None,
    })
}

fn single(r: &VerifyRecord, key: &str) -> Option<Val> {
    match key {
        "name" => Some(Val::Text(r.name.clone())),
        "verdict" => Some(Val::Text(r.verdict.to_string())),
        k => num_of(r, k).map(Val::Num),
    }
}

fn pair(c: &CompareRecord, key: &str) -> Option<Val> {
    if key == "name" {
        return Some(Val::Text(c.name.clone()));
    }
    let (base, side) = match key.rsplit_once('_') {
        Some((b, s @ ("a" | "b" | "diff"))) => (b, s),
        _ => (key, "b"),
    };
    if base == "verdict" {
        let r = if side == "a" { &c.a } else { &c.b };
        return Some(Val::Text(
            r.as_ref()
                .map(|r| r.verdict)
                .unwrap_or("missing")
                .to_string(),
        ));
    }
    let a = c.a.as_ref().and_then(|r| num_of(r, base)).flatten();
    let b = c.b.as_ref().and_then(|r| num_of(r, base)).flatten();
    if c.a.is_none() && c.b.is_none() {
        return None;
    }
    // The key must exist even when a side is missing.
    num_of(c.a.as_ref().or(c.b.as_ref())?, base)?;
    Some(Val::Num(match side {
        "a" => a,
        "b" => b,
        _ => a.zip(b).map(|(a, b)| b - a),
    }))
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    negate: bool,
    kind: FilterKind,
}

#[derive(Debug, Clone, PartialEq)]
enum FilterKind {
    Name(String),
    Cmp(String, String, String),
}

/// A parsed sort spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Sort {
    key: String,
    desc: Option<bool>,
}

/// Parses `KEY[:asc|:desc]`.
pub fn parse_sort(spec: &str) -> Result<Sort, String> {
    let (key, dir) = match spec.split_once(':') {
        Some((k, "asc")) => (k, Some(false)),
        Some((k, "desc")) => (k, Some(true)),
        Some((_, d)) => return Err(format!("invalid sort direction '{d}' (asc or desc)")),
        None => (spec, None),
    };
    check_key(key)?;
    Ok(Sort {
        key: key.to_string(),
        desc: dir,
    })
}

fn check_key(key: &str) -> Result<(), String> {
    let base = match key.rsplit_once('_') {
        Some((b, "a" | "b" | "diff")) => b,
        _ => key,
    };
    const KEYS: &[&str] = &[
        "name",
        "verdict",
        "insns",
        "states",
        "peak_states",
        "peak",
        "duration",
        "time",
        "stack",
    ];
    if KEYS.contains(&base) {
        Ok(())
    } else {
        Err(format!("unknown key '{key}' (name, verdict, insns, states, peak_states, duration, stack; _a/_b/_diff with --compare)"))
    }
}

/// Parses `KEY OP VALUE` or a name pattern, with an optional leading `!`.
pub fn parse_filter(expr: &str) -> Result<Filter, String> {
    let (negate, e) = match expr.strip_prefix('!') {
        Some(r) => (true, r.trim()),
        None => (false, expr.trim()),
    };
    for op in ["<=", ">=", "==", "!=", "<", ">", "="] {
        if let Some((k, v)) = e.split_once(op) {
            let k = k.trim();
            check_key(k)?;
            return Ok(Filter {
                negate,
                kind: FilterKind::Cmp(k.to_string(), op.to_string(), v.trim().to_string()),
            });
        }
    }
    if e.is_empty() {
        return Err("empty filter".into());
    }
    Ok(Filter {
        negate,
        kind: FilterKind::Name(e.to_string()),
    })
}

/// `*` matches any run of characters.
fn glob(pat: &str, s: &str) -> bool {
    let parts: Vec<&str> = pat.split('*').collect();
    if parts.len() == 1 {
        return pat == s;
    }
    let mut rest = s;
    for (k, p) in parts.iter().enumerate() {
        if k == 0 {
            let Some(r) = rest.strip_prefix(p) else {
                return false;
            };
            rest = r;
        } else if k == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            let Some(i) = rest.find(p) else { return false };
            rest = &rest[i + p.len()..];
        }
    }
    true
}

fn test(v: Option<Val>, op: &str, want: &str) -> bool {
    match v {
        Some(Val::Num(Some(n))) => {
            let Ok(w) = want.parse::<i64>() else {
                return false;
            };
            match op {
                "<" => n < w,
                "<=" => n <= w,
                ">" => n > w,
                ">=" => n >= w,
                "!=" => n != w,
                _ => n == w,
            }
        }
        Some(Val::Text(t)) => match op {
            "!=" => !glob(want, &t),
            "=" | "==" => glob(want, &t),
            _ => false,
        },
        _ => false,
    }
}

impl Filter {
    fn keep(&self, name: &str, get: &dyn Fn(&str) -> Option<Val>) -> bool {
        let hit = match &self.kind {
            FilterKind::Name(p) => glob(p, name),
            FilterKind::Cmp(k, op, v) => test(get(k), op, v),
        };
        hit != self.negate
    }
}

fn order(a: &Option<Val>, b: &Option<Val>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Val::Num(x)), Some(Val::Num(y))) => match (x, y) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        },
        (Some(Val::Text(x)), Some(Val::Text(y))) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

fn is_text(key: &str) -> bool {
    key == "name" || key.starts_with("verdict")
}

/// Filters (all must hold) and sorts (stable, by each spec in turn) records.
pub fn select_records(recs: &mut Vec<VerifyRecord>, filters: &[Filter], sorts: &[Sort]) {
    recs.retain(|r| filters.iter().all(|f| f.keep(&r.name, &|k| single(r, k))));
    for s in sorts.iter().rev() {
        let desc = s.desc.unwrap_or(!is_text(&s.key));
        recs.sort_by(|a, b| {
            let o = order(&single(a, &s.key), &single(b, &s.key));
            if desc {
                o.reverse()
            } else {
                o
            }
        });
    }
}

/// [`select_records`] for a comparison.
pub fn select_pairs(recs: &mut Vec<CompareRecord>, filters: &[Filter], sorts: &[Sort]) {
    recs.retain(|r| filters.iter().all(|f| f.keep(&r.name, &|k| pair(r, k))));
    for s in sorts.iter().rev() {
        let desc = s.desc.unwrap_or(!is_text(&s.key));
        recs.sort_by(|a, b| {
            let o = order(&pair(a, &s.key), &pair(b, &s.key));
            if desc {
                o.reverse()
            } else {
                o
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert!(parse_sort("insns_diff:asc").is_ok());
        assert!(parse_sort("bogus").is_err());
        assert!(parse_sort("insns:sideways").is_err());
        assert_eq!(
            parse_filter("!insns_diff>100").unwrap(),
            Filter {
                negate: true,
                kind: FilterKind::Cmp("insns_diff".into(), ">".into(), "100".into())
            }
        );
        assert!(parse_filter("nope<3").is_err());
        assert!(glob("count_*", "count_getpid"));
        assert!(glob("*pid", "count_getpid"));
        assert!(glob("c*t*d", "count_getpid"));
        assert!(!glob("x*", "count_getpid"));
        assert!(test(Some(Val::Num(Some(5))), ">=", "5"));
        assert!(test(Some(Val::Text("failure".into())), "=", "fail*"));
        assert!(!test(Some(Val::Num(None)), ">", "1"));
    }
}
