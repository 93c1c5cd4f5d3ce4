//! Function prototypes from BTF, spelled as bpftool's
//! `btf_dumper_type_only()` spells them (`int tp_main(void * ctx)`), for
//! the headers of the xlated and jited dumps and the CFG clusters.

use crate::btf::view::{kind, Type};
use crate::btf::View;

/// BTF_VAR_STATIC: the linkage of a `static` variable.
const VAR_STATIC: u32 = 0;

fn name_of(btf: &View, t: &Type) -> String {
    String::from_utf8_lossy(btf.name(t.name_off)).into_owned()
}

fn emit_id(btf: &View, id: u32, out: &mut String, depth: u32) -> Option<()> {
    if id == 0 {
        out.push_str("void ");
        return Some(());
    }
    let t = btf.ty(id)?;
    emit(btf, &t, out, depth)
}

fn emit(btf: &View, t: &Type, out: &mut String, depth: u32) -> Option<()> {
    // Cyclic BTF is invalid but must not hang us.
    if depth > 64 {
        return None;
    }
    let d = depth + 1;
    match t.kind() {
        kind::UNKN => out.push_str("void "),
        kind::INT | kind::TYPEDEF | kind::FLOAT => {
            out.push_str(&name_of(btf, t));
            out.push(' ');
        }
        kind::STRUCT => out.push_str(&format!("struct {} ", name_of(btf, t))),
        kind::UNION => out.push_str(&format!("union {} ", name_of(btf, t))),
        kind::ENUM | kind::ENUM64 => out.push_str(&format!("enum {} ", name_of(btf, t))),
        kind::ARRAY => {
            let (elem, _, nelems) = t.array();
            emit_id(btf, elem, out, d)?;
            out.push_str(&format!("[{nelems}]"));
        }
        kind::PTR => {
            emit_id(btf, t.type_id(), out, d)?;
            out.push_str("* ");
        }
        kind::FWD => {
            let k = if t.kflag() { "union" } else { "struct" };
            out.push_str(&format!("{k} {} ", name_of(btf, t)));
        }
        kind::VOLATILE | kind::CONST | kind::RESTRICT => {
            out.push_str(match t.kind() {
                kind::VOLATILE => "volatile ",
                kind::CONST => "const ",
                _ => "restrict ",
            });
            emit_id(btf, t.type_id(), out, d)?;
        }
        kind::FUNC_PROTO => emit_func(btf, t, None, out, d)?,
        kind::FUNC => {
            let proto = btf.ty(t.type_id())?;
            emit_func(btf, &proto, Some(t), out, d)?;
        }
        kind::VAR => {
            if t.var_linkage() == VAR_STATIC {
                out.push_str("static ");
            }
            emit_id(btf, t.type_id(), out, d)?;
            out.push_str(&format!(" {}", name_of(btf, t)));
        }
        kind::DATASEC => out.push_str(&format!("section (\"{}\") ", name_of(btf, t))),
        _ => return None,
    }
    Some(())
}

fn emit_func(
    btf: &View,
    proto: &Type,
    func: Option<&Type>,
    out: &mut String,
    d: u32,
) -> Option<()> {
    if proto.kind() != kind::FUNC_PROTO {
        return None;
    }
    emit_id(btf, proto.type_id(), out, d)?;
    if let Some(f) = func {
        out.push_str(&name_of(btf, f));
    }
    out.push('(');
    for (i, (name_off, ty)) in proto.params().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if ty != 0 {
            emit_id(btf, ty, out, d)?;
            match btf.str_at(name_off).filter(|n| !n.is_empty()) {
                Some(n) => out.push_str(&String::from_utf8_lossy(n)),
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
pub fn type_only(btf: &View, id: u32) -> Option<String> {
    let mut s = String::new();
    emit_id(btf, id, &mut s, 0)?;
    (!s.is_empty() && s.len() < 1024).then_some(s)
}

/// The name of a FUNC type (the function's full name, not cut to 15
/// characters as in `bpf_prog_info`).
pub fn func_name(btf: &View, id: u32) -> Option<String> {
    let t = btf.ty(id)?;
    (t.kind() == kind::FUNC).then(|| name_of(btf, &t))
}
