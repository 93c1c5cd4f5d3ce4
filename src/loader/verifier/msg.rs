//! Reading the fixed words of a verifier message: `key=value` fields,
//! quoted names, registers, the call of an instruction, and the ranges the
//! log prints (`var_off=(0x0; 0x1f)`, `umax=31`).

use super::parse::ParsedLog;
use super::state::Reg;

/// `key=value` (up to a comma, space or parenthesis) in a message.
pub fn field<'a>(msg: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(p) = msg[from..].find(key) {
        let at = from + p;
        let boundary = at == 0 || {
            let c = msg.as_bytes()[at - 1];
            !c.is_ascii_alphanumeric() && c != b'_'
        };
        if boundary && msg[at + key.len()..].starts_with('=') {
            let v = &msg[at + key.len() + 1..];
            let end = v
                .find(|c: char| c == ',' || c.is_whitespace() || c == ')' || c == '(')
                .unwrap_or(v.len());
            return Some(&v[..end]);
        }
        from = at + key.len();
    }
    None
}

/// A stack offset as the kernel prints it: `off=-8`, `off -64+0`,
/// `off=-16+13` (constant part and variable part).
pub fn stack_off(msg: &str) -> Option<String> {
    if let Some(v) = field(msg, "off") {
        return Some(v.to_string());
    }
    let p = msg.find(" off ")?;
    let v = msg[p + 5..].split_whitespace().next()?;
    Some(v.to_string())
}

/// `R10-8`, `R10+0`, `R10-64+0`: a stack offset from the frame pointer.
pub fn at_fp(off: &str) -> String {
    if off.starts_with(['-', '+']) {
        format!("R10{off}")
    } else {
        format!("R10+{off}")
    }
}

/// The first `R<n>` register named in a message.
pub fn first_reg(msg: &str) -> Option<String> {
    msg.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() >= 2 && w.starts_with('R') && w[1..].parse::<u8>().is_ok_and(|n| n <= 10))
        .map(str::to_string)
}

/// Text between the first pair of single quotes.
pub fn quoted(msg: &str) -> Option<&str> {
    let a = msg.find('\'')?;
    let b = msg[a + 1..].find('\'')?;
    Some(&msg[a + 1..a + 1 + b])
}

/// The helper or kfunc name of a `call name#id` text.
pub fn call_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("call ")?;
    let name = rest.split('#').next()?.trim();
    (!name.is_empty()).then_some(name)
}

/// The log's text of instruction `idx` (its last appearance).
pub fn log_insn_text<'a>(p: &ParsedLog<'a>, idx: usize) -> Option<&'a str> {
    p.insns.iter().rev().find(|i| i.idx == idx).map(|i| i.text)
}

/// An integer as the log prints it (decimal or 0x hex, maybe negative).
pub fn int(s: &str) -> Option<i64> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, s),
    };
    let v = match t.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok()? as i64,
        None => t.parse::<u64>().ok()? as i64,
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

/// The range a register's attributes give, as printed: the smallest of
/// `umin`/`smin` and the largest of `umax`/`smax`, as the log's own text.
pub fn reg_range(r: &Reg) -> Option<(String, String)> {
    let get = |k: &str| r.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let lo = get("umin").or_else(|| get("smin"));
    let hi = get("umax").or_else(|| get("smax"));
    match (lo, hi) {
        (lo, Some(hi)) => Some((lo.unwrap_or_else(|| "0".into()), hi)),
        _ => None,
    }
}

/// `var_off=(0x0; 0x1f)` in a message → ("0x0", "0x1f").
pub fn var_off(msg: &str) -> Option<(&str, &str)> {
    let p = msg.find("var_off=(")?;
    let rest = &msg[p + 9..];
    let end = rest.find(')')?;
    let (v, m) = rest[..end].split_once(';')?;
    Some((v.trim(), m.trim()))
}

/// The arguments of the call of `name` in a source line, split on the
/// top-level commas: `bpf_probe_read_kernel(buf, len, p)` → [buf, len, p].
pub fn call_args(text: &str, name: &str) -> Option<Vec<String>> {
    let start = text.find(&format!("{name}("))? + name.len() + 1;
    let mut depth = 0i32;
    let mut args = Vec::new();
    let mut cur = String::new();
    for c in text[start..].chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                args.push(cur.trim().to_string());
                return Some(args);
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    None
}

/// An expression without its leading casts: `(void *)now` → `now`.
pub fn strip_casts(e: &str) -> &str {
    let mut e = e.trim();
    while e.starts_with('(') {
        let Some(end) = e.find(')') else { break };
        let inner = &e[1..end];
        // A cast names a type: letters, spaces, stars, underscores.
        if inner.is_empty()
            || !inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '*' || c == '_')
        {
            break;
        }
        e = e[end + 1..].trim();
    }
    e
}

/// A plain identifier (`len`, `buf`), not an expression.
pub fn is_ident(e: &str) -> bool {
    !e.is_empty()
        && !e.starts_with(|c: char| c.is_ascii_digit())
        && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The first subscript of a source line: `s->v[idx] += 1` → (`s->v`, `idx`).
pub fn subscript(text: &str) -> Option<(String, String)> {
    let open = text.find('[')?;
    let close = open + text[open..].find(']')?;
    let idx = text[open + 1..close].trim();
    let arr_start = text[..open]
        .rfind(|c: char| {
            !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '>')
        })
        .map(|p| p + 1)
        .unwrap_or(0);
    let arr = text[arr_start..open].trim_start_matches(['-', '>', '.']);
    (!arr.is_empty() && !idx.is_empty()).then(|| (arr.to_string(), idx.to_string()))
}

/// The variable a line assigns: `struct slots *s = …` → `s`.
pub fn assigned_name(text: &str) -> Option<String> {
    let (lhs, _) = text.split_once(" = ")?;
    let name = lhs.rsplit([' ', '*']).next()?.trim();
    is_ident(name).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(field("value_size=32 off=56 size=8", "size"), Some("8"));
        assert_eq!(field("R1(id=0,off=13,r=0)", "r"), Some("0"));
        assert_eq!(first_reg("invalid access, R12 x R6 y"), Some("R6".into()));
        assert_eq!(
            stack_off("invalid indirect read from stack R4 off -64+0 size 64").as_deref(),
            Some("-64+0")
        );
        assert_eq!(
            stack_off("invalid write to stack R1 off=-8 size=16").as_deref(),
            Some("-8")
        );
        assert_eq!(
            var_off("read from stack R2 var_off=(0x0; 0x1f) off=-16 size=1"),
            Some(("0x0", "0x1f"))
        );
        assert_eq!(int("0x1f"), Some(31));
        assert_eq!(at_fp("0"), "R10+0");
        assert_eq!(
            call_args(
                "x = bpf_probe_read_kernel(buf, len, (void *)f(a, b));",
                "bpf_probe_read_kernel"
            ),
            Some(vec![
                "buf".to_string(),
                "len".into(),
                "(void *)f(a, b)".into()
            ])
        );
        assert_eq!(strip_casts("(void *)now"), "now");
        assert_eq!(
            subscript("s->v[idx] += 1;"),
            Some(("s->v".to_string(), "idx".to_string()))
        );
        assert_eq!(
            subscript("hist[b] += 1;"),
            Some(("hist".into(), "b".into()))
        );
        assert_eq!(subscript("x = 1;"), None);
        assert_eq!(strip_casts("(a + b)"), "(a + b)");
        assert_eq!(
            assigned_name("struct slots *s = bpf_map_lookup_elem(&m, &k);").as_deref(),
            Some("s")
        );
        assert_eq!(assigned_name("if (a == b)"), None);
        assert_eq!(at_fp("-64+0"), "R10-64+0");
        assert_eq!(int("-16"), Some(-16));
    }
}
