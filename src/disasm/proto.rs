//! Function prototypes from BTF, spelled as bpftool's
//! `btf_dumper_type_only()` spells them (`int tp_main(void * ctx)`), for
//! the headers of the xlated and jited dumps and the CFG clusters.

use libbpf_rs::btf::types::{Array, FuncProto, Fwd, FwdKind, Linkage, Var};
use libbpf_rs::btf::{Btf, BtfKind, BtfType, TypeId};

fn name_of(t: &BtfType) -> String {
    t.name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn emit_id(btf: &Btf, id: u32, out: &mut String, depth: u32) -> Option<()> {
    if id == 0 {
        out.push_str("void ");
        return Some(());
    }
    let t: BtfType = btf.type_by_id(TypeId::from(id))?;
    emit(btf, t, out, depth)
}

fn emit(btf: &Btf, t: BtfType, out: &mut String, depth: u32) -> Option<()> {
    // Cyclic BTF is invalid but must not hang us.
    if depth > 64 {
        return None;
    }
    let d = depth + 1;
    let next_id = |t: &BtfType| t.next_type().map(|n| u32::from(n.type_id())).unwrap_or(0);
    match t.kind() {
        BtfKind::Void => out.push_str("void "),
        BtfKind::Int | BtfKind::Typedef | BtfKind::Float => {
            out.push_str(&name_of(&t));
            out.push(' ');
        }
        BtfKind::Struct => out.push_str(&format!("struct {} ", name_of(&t))),
        BtfKind::Union => out.push_str(&format!("union {} ", name_of(&t))),
        BtfKind::Enum | BtfKind::Enum64 => out.push_str(&format!("enum {} ", name_of(&t))),
        BtfKind::Array => {
            let a = Array::try_from(t).ok()?;
            emit_id(btf, u32::from(a.ty()), out, d)?;
            out.push_str(&format!("[{}]", a.capacity()));
        }
        BtfKind::Ptr => {
            emit_id(btf, next_id(&t), out, d)?;
            out.push_str("* ");
        }
        BtfKind::Fwd => {
            let f = Fwd::try_from(t).ok()?;
            let k = if f.kind() == FwdKind::Union {
                "union"
            } else {
                "struct"
            };
            out.push_str(&format!("{k} {} ", name_of(&t)));
        }
        BtfKind::Volatile | BtfKind::Const | BtfKind::Restrict => {
            out.push_str(match t.kind() {
                BtfKind::Volatile => "volatile ",
                BtfKind::Const => "const ",
                _ => "restrict ",
            });
            emit_id(btf, next_id(&t), out, d)?;
        }
        BtfKind::FuncProto => emit_func(btf, t, None, out, d)?,
        BtfKind::Func => {
            let proto = t.next_type()?;
            emit_func(btf, proto, Some(&t), out, d)?;
        }
        BtfKind::Var => {
            let v = Var::try_from(t).ok()?;
            if v.linkage() == Linkage::Static {
                out.push_str("static ");
            }
            emit_id(btf, next_id(&t), out, d)?;
            out.push_str(&format!(" {}", name_of(&t)));
        }
        BtfKind::DataSec => out.push_str(&format!("section (\"{}\") ", name_of(&t))),
        _ => return None,
    }
    Some(())
}

fn emit_func(
    btf: &Btf,
    proto: BtfType,
    func: Option<&BtfType>,
    out: &mut String,
    d: u32,
) -> Option<()> {
    let ret = proto
        .next_type()
        .map(|n| u32::from(n.type_id()))
        .unwrap_or(0);
    emit_id(btf, ret, out, d)?;
    if let Some(f) = func {
        out.push_str(&name_of(f));
    }
    out.push('(');
    let fp = FuncProto::try_from(proto).ok()?;
    for (i, p) in fp.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if u32::from(p.ty) != 0 {
            emit_id(btf, u32::from(p.ty), out, d)?;
            match p.name {
                Some(n) => out.push_str(&n.to_string_lossy()),
                // No name: drop the space after the type.
                None => {
                    if out.ends_with(' ') {
                        out.pop();
                    }
                }
            }
        } else {
            out.push_str("...");
        }
    }
    out.push(')');
    Some(())
}

/// `btf_dumper_type_only()`: the C spelling of type `id` (for a FUNC, its
/// prototype with the function's name). `None` where bpftool prints
/// nothing (unknown kinds, or a result over its 1024-byte buffer).
pub fn type_only(btf: &Btf, id: u32) -> Option<String> {
    let mut s = String::new();
    emit_id(btf, id, &mut s, 0)?;
    (!s.is_empty() && s.len() < 1024).then_some(s)
}

/// The name of a FUNC type (the function's full name, not cut to 15
/// characters as in `bpf_prog_info`).
pub fn func_name(btf: &Btf, id: u32) -> Option<String> {
    let t: BtfType = btf.type_by_id(TypeId::from(id))?;
    (t.kind() == BtfKind::Func).then(|| name_of(&t))
}
