//! The values trace and argdist read at a probe (`args->FIELD` of a
//! tracepoint, `arg1`..`arg6` of a uprobe, `retval` of a uretprobe), a
//! one-comparison filter (`args->fd == 3`), and their encoding into the
//! objects' read-only `probes` array (src/bpf/generic_args.h).

use crate::args::err;
use crate::probe::{self, FieldKind, Probe, TpField};
use crate::{ArgError, Session};

/// Probes of one trace or argdist load (MAX_PROBES in generic_args.h).
pub const MAX_PROBES: usize = 8;
/// Values per probe (MAX_ARGS).
pub const MAX_ARGS: usize = 6;
/// Bytes of a string value, NUL included (STR_LEN).
pub const STR_LEN: usize = 128;
/// `struct probe_spec`'s size.
const PROBE_SPEC_LEN: usize = 72;

/// `enum gen_arg_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    TpInt = 1,
    TpChars = 2,
    TpDataLoc = 3,
    TpUserStr = 4,
    TpKernelStr = 5,
    RegInt = 6,
    RegUserStr = 7,
    Retval = 8,
}

/// How one value is read (`struct arg_spec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    kind: Kind,
    size: u8,
    signed: bool,
    reg: u8,
    offset: u16,
}

impl Arg {
    /// Whether the value is a string (read into the event's string slot).
    pub fn is_str(&self) -> bool {
        !matches!(self.kind, Kind::TpInt | Kind::RegInt | Kind::Retval)
    }

    fn encode(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[0] = self.kind as u8;
        b[1] = self.size;
        b[2] = u8::from(self.signed);
        b[3] = self.reg;
        b[4..6].copy_from_slice(&self.offset.to_ne_bytes());
        b
    }
}

/// A filter's comparison (`enum filter_op`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq = 1,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What the program reads at one probe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeSpec {
    pub args: Vec<Arg>,
    pub filter: Option<(Arg, Op, i64)>,
}

impl ProbeSpec {
    fn encode(&self) -> [u8; PROBE_SPEC_LEN] {
        let mut b = [0u8; PROBE_SPEC_LEN];
        for (i, a) in self.args.iter().take(MAX_ARGS).enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&a.encode());
        }
        if let Some((a, op, v)) = &self.filter {
            b[48..56].copy_from_slice(&a.encode());
            b[56..60].copy_from_slice(&(*op as u32).to_ne_bytes());
            b[64..72].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }
}

/// The `probes` array for the object, every slot filled.
pub fn encode(specs: &[ProbeSpec]) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAX_PROBES * PROBE_SPEC_LEN);
    for i in 0..MAX_PROBES {
        out.extend_from_slice(&specs.get(i).cloned().unwrap_or_default().encode());
    }
    out
}

/// What a probe's values can be read from: a tracepoint's fields or a
/// function's registers.
pub struct Scope {
    probe: Probe,
    fields: Vec<TpField>,
}

impl Scope {
    /// The scope of `probe` (its fields read through the session's tracefs).
    pub fn new(probe: &Probe, s: &Session) -> Result<Scope, ArgError> {
        let fields = match probe {
            Probe::Tracepoint { category, name } => probe::fields(s, category, name)?,
            _ => Vec::new(),
        };
        Ok(Scope {
            probe: probe.clone(),
            fields,
        })
    }

    /// How to read `expr`; `string`: the value is wanted as a string
    /// (trace's %s, argdist's char* type).
    pub fn arg(&self, expr: &str, string: bool) -> Result<Arg, ArgError> {
        let expr = expr.trim();
        match &self.probe {
            Probe::Tracepoint { category, .. } => {
                let name = expr.strip_prefix("args->").unwrap_or(expr);
                let Some(f) = self.fields.iter().find(|f| f.name == name) else {
                    let names: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
                    return err(format!(
                        "'{expr}': {} has no field '{name}' (fields: {})",
                        self.probe.name(),
                        names.join(", ")
                    ));
                };
                let offset = u16::try_from(f.offset)
                    .map_err(|_| ArgError(format!("'{expr}': offset too large")))?;
                let arg = |kind, size: u32| Arg {
                    kind,
                    size: size.min(255) as u8,
                    signed: f.signed,
                    reg: 0,
                    offset,
                };
                Ok(match (f.kind(category == "syscalls"), string) {
                    (FieldKind::Int { size }, false) => arg(Kind::TpInt, size),
                    (FieldKind::StrPtr { user }, true) => arg(
                        if user {
                            Kind::TpUserStr
                        } else {
                            Kind::TpKernelStr
                        },
                        8,
                    ),
                    (FieldKind::StrPtr { .. }, false) => arg(Kind::TpInt, 8),
                    (FieldKind::CharArray, true) => arg(Kind::TpChars, f.size),
                    (FieldKind::DataLocStr, true) => arg(Kind::TpDataLoc, 4),
                    (FieldKind::Int { .. }, true) => {
                        return err(format!("'{expr}' ({}) is not a string", f.ctype))
                    }
                    (FieldKind::CharArray | FieldKind::DataLocStr, false) => {
                        return err(format!("'{expr}' ({}) is a string", f.ctype))
                    }
                    (FieldKind::Other, _) => {
                        return err(format!("'{expr}' ({}) can't be read", f.ctype))
                    }
                })
            }
            Probe::Uprobe { ret, .. } | Probe::Kprobe { ret, .. } => {
                if expr == "retval" || expr == "$retval" {
                    if !ret || string {
                        return err(format!(
                            "'{expr}': only a return probe (r:) has a numeric retval"
                        ));
                    }
                    return Ok(Arg {
                        kind: Kind::Retval,
                        size: 8,
                        signed: true,
                        reg: 0,
                        offset: 0,
                    });
                }
                let n = expr
                    .strip_prefix("arg")
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=6).contains(n));
                let Some(reg) = n else {
                    return err(format!(
                        "'{expr}': a function's values are arg1..arg6 and retval \
                         (signatures and C expressions are not supported)"
                    ));
                };
                Ok(Arg {
                    kind: if string {
                        Kind::RegUserStr
                    } else {
                        Kind::RegInt
                    },
                    size: 8,
                    signed: true,
                    reg,
                    offset: 0,
                })
            }
        }
    }

    /// A filter `VALUE OP NUMBER` (BCC's predicate, one comparison).
    pub fn filter(&self, text: &str) -> Result<(Arg, Op, i64), ArgError> {
        const OPS: [(&str, Op); 6] = [
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        let bad = || {
            ArgError(format!(
                "filter '{text}': only VALUE OP NUMBER is supported (OP one of == != < <= > >=)"
            ))
        };
        let (lhs, op, rhs) = OPS
            .iter()
            .find_map(|(s, op)| text.split_once(s).map(|(l, r)| (l, *op, r)))
            .ok_or_else(bad)?;
        let value = number(rhs.trim()).ok_or_else(bad)?;
        let arg = self.arg(lhs, false)?;
        Ok((arg, op, value))
    }
}

/// A decimal or 0x number, maybe negative.
fn number(s: &str) -> Option<i64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let v = match s.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None => s.parse().ok()?,
    };
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generic::testing::session;

    fn tp(name: &str) -> Scope {
        let p = Probe::Tracepoint {
            category: "syscalls".into(),
            name: name.into(),
        };
        Scope::new(&p, &session()).unwrap()
    }

    #[test]
    fn tracepoint_values() {
        let s = tp("sys_enter_openat");
        let f = s.arg("args->filename", true).unwrap();
        assert!(f.is_str());
        assert_eq!(f.encode(), [4, 8, 0, 0, 24, 0, 0, 0]);
        let d = s.arg("dfd", false).unwrap();
        assert_eq!(d.encode()[..2], [1, 8]);
        assert!(s.arg("args->nosuch", false).is_err());
        assert!(s.arg("dfd", true).is_err());
        let (a, op, v) = s.filter("args->flags == 0x10").unwrap();
        assert_eq!((a.offset, op, v), (32, Op::Eq, 16));
        assert_eq!(s.filter("dfd>=-3").unwrap().1, Op::Ge);
        assert!(s.filter("dfd == x").is_err());
        assert!(s.filter("dfd").is_err());
    }

    #[test]
    fn function_values_and_layout() {
        let u = Scope::new(
            &Probe::Uprobe {
                binary: "c".into(),
                func: "malloc".into(),
                ret: false,
            },
            &Session::default(),
        )
        .unwrap();
        assert_eq!(
            u.arg("arg2", false).unwrap().encode(),
            [6, 8, 1, 2, 0, 0, 0, 0]
        );
        assert_eq!(u.arg("arg1", true).unwrap().encode()[0], 7);
        assert!(u.arg("arg7", false).is_err());
        assert!(u.arg("retval", false).is_err());
        let spec = ProbeSpec {
            args: vec![u.arg("arg1", false).unwrap()],
            filter: Some((u.arg("arg2", false).unwrap(), Op::Gt, 5)),
        };
        let b = encode(&[spec]);
        assert_eq!(b.len(), MAX_PROBES * PROBE_SPEC_LEN);
        assert_eq!(b[48], 6);
        assert_eq!(b[56], Op::Gt as u8);
        assert_eq!(i64::from_ne_bytes(b[64..72].try_into().unwrap()), 5);
        assert!(b[72..].iter().all(|&x| x == 0));
    }
}
