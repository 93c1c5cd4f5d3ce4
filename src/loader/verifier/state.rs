//! Register and stack state as the verifier log prints it
//! (`R1=ctx() R2=fp-8 fp-8=mmmm???? refs=2`), parsed on demand for the few
//! states a report shows.

use serde::Serialize;

/// A register in a state line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reg {
    /// `R0` … `R10`.
    pub name: String,
    /// The value as printed: `map_value_or_null(id=1,map=seen,ks=4,vs=8)`.
    pub value: String,
    /// Type: `scalar`, `ctx`, `fp`, `map_value`, `pkt`, …
    #[serde(rename = "type")]
    pub ty: String,
    /// Precise (`P` prefix: the value matters to a later decision).
    pub precise: bool,
    /// The constant, for a known scalar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constant: Option<i64>,
    /// Attributes in order (`smin=0`, `map=seen`, `off=-4`…), chains like
    /// `smax=umax=7` split into one entry each.
    pub attrs: Vec<(String, String)>,
}

/// A stack slot in a state line (`fp-8=mmmm????`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StackSlot {
    /// Offset from the frame pointer (negative).
    pub off: i32,
    /// `0` zero, `m` misc data, `?` not initialised, per byte; or a spilled register.
    pub value: String,
}

/// One frame's registers and stack as a state line shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegState {
    pub frame: u32,
    pub regs: Vec<Reg>,
    pub stack: Vec<StackSlot>,
    /// Acquired references still held (`refs=2`).
    pub refs: Vec<u32>,
}

impl RegState {
    pub fn reg(&self, name: &str) -> Option<&Reg> {
        self.regs.iter().find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// Applies a partial update (an instruction's comment).
    pub fn merge(&mut self, upd: &RegState) {
        for r in &upd.regs {
            match self.regs.iter_mut().find(|x| x.name == r.name) {
                Some(x) => *x = r.clone(),
                None => self.regs.push(r.clone()),
            }
        }
        for s in &upd.stack {
            match self.stack.iter_mut().find(|x| x.off == s.off) {
                Some(x) => *x = s.clone(),
                None => self.stack.push(s.clone()),
            }
        }
        if !upd.refs.is_empty() {
            self.refs = upd.refs.clone();
        }
        self.regs
            .sort_by_key(|r| r.name[1..].parse::<u32>().unwrap_or(99));
        self.stack.sort_by_key(|s| std::cmp::Reverse(s.off));
    }
}

/// Splits on spaces outside parentheses.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = None;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ' ' if depth <= 0 => {
                if let Some(st) = start.take() {
                    out.push(&s[st..i]);
                }
                continue;
            }
            _ => {}
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// Splits `a=1,b=(x; y),c` on commas outside parentheses.
fn split_attrs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut st = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[st..i]);
                st = i + 1;
            }
            _ => {}
        }
    }
    if st < s.len() {
        out.push(&s[st..]);
    }
    out
}

fn parse_int(s: &str) -> Option<i64> {
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

/// Parses a register value (`P`-prefix, constants, `fp-8`, `type(attrs)`).
fn parse_value(name: &str, v: &str) -> Reg {
    let mut r = Reg {
        name: name.to_string(),
        value: v.to_string(),
        ..Default::default()
    };
    let mut body = v;
    // `P` marks precision; `Pscalar(…)`, `P1`, `P-1`.
    if let Some(rest) = v.strip_prefix('P') {
        if rest.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            r.precise = true;
            body = rest;
        }
    }
    if let Some(c) = parse_int(body) {
        r.ty = "scalar".into();
        r.constant = Some(c);
        return r;
    }
    if let Some(off) = body.strip_prefix("fp") {
        if let Some(o) = parse_int(off).or((off.is_empty()).then_some(0)) {
            r.ty = "fp".into();
            r.attrs.push(("off".into(), o.to_string()));
            return r;
        }
    }
    let (ty, attrs) = match body.find('(') {
        Some(p) if body.ends_with(')') => (&body[..p], &body[p + 1..body.len() - 1]),
        _ => (body, ""),
    };
    r.ty = ty.to_string();
    for a in split_attrs(attrs) {
        let parts: Vec<&str> = a.split('=').collect();
        if parts.len() >= 2 {
            let val = parts[parts.len() - 1];
            for k in &parts[..parts.len() - 1] {
                r.attrs.push((k.to_string(), val.to_string()));
            }
        } else if !a.is_empty() {
            r.attrs.push((a.to_string(), String::new()));
        }
    }
    r
}

/// Parses the state text of a state line or an instruction comment.
pub fn parse_state(s: &str) -> RegState {
    let mut st = RegState::default();
    for t in tokens(s) {
        if let Some(f) = t.strip_prefix("frame").and_then(|f| f.strip_suffix(':')) {
            st.frame = f.parse().unwrap_or(0);
            continue;
        }
        if let Some(refs) = t.strip_prefix("refs=") {
            st.refs = refs.split(',').filter_map(|r| r.parse().ok()).collect();
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            continue;
        };
        // `R0_w`, `fp-8_w`: older kernels mark written registers.
        let k = k.split('_').next().unwrap_or(k);
        if let Some(n) = k.strip_prefix('R') {
            if n.parse::<u32>().is_ok() {
                st.regs.push(parse_value(k, v));
            }
        } else if let Some(off) = k.strip_prefix("fp") {
            if let Ok(o) = off.parse::<i32>() {
                st.stack.push(StackSlot {
                    off: o,
                    value: v.to_string(),
                });
            }
        }
    }
    st
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let st = parse_state("frame1: R0=P1 R1=Pscalar(id=2) R6=-5 R7=0x1b204 R8=fp-320 R9=fp(off=-8,smin=0) fp-8=0000???? refs=2,3");
        assert_eq!(st.frame, 1);
        assert_eq!(st.regs[0].constant, Some(1));
        assert!(st.regs[0].precise && st.regs[1].precise);
        assert_eq!(st.regs[1].ty, "scalar");
        assert_eq!(st.regs[2].constant, Some(-5));
        assert_eq!(st.regs[3].constant, Some(0x1b204));
        assert_eq!(st.regs[4].ty, "fp");
        assert_eq!(st.regs[5].ty, "fp");
        assert_eq!(st.stack[0].off, -8);
        assert_eq!(st.refs, vec![2, 3]);
        let r = parse_value(
            "R0",
            "scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))",
        );
        assert_eq!(r.attrs.len(), 7);
        assert_eq!(r.attrs[6], ("var_off".into(), "(0x0; 0x7)".into()));
    }
}
