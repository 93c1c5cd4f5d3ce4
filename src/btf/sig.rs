//! Function signatures as bpftool writes them (btf_dumper.c's
//! `__btf_dumper_type_only`/`btf_dump_func`): `u32 (struct sock *)`, used
//! where a value holds a function pointer (struct_ops maps show the
//! program behind each one).
use super::view::{kind, Type, View};

fn name(view: &View, off: u32) -> String {
    String::from_utf8_lossy(view.name(off)).into_owned()
}

/// Appends the type `id` as bpftool's type-only printer does (a trailing
/// space after most names); None where it gives up (unknown kinds, tags).
fn type_only(view: &View, id: u32, out: &mut String, depth: u32) -> Option<()> {
    if depth > 32 {
        return None;
    }
    if id == 0 {
        out.push_str("void ");
        return Some(());
    }
    let t = view.ty(id)?;
    let d = depth + 1;
    match t.kind() {
        kind::INT | kind::TYPEDEF | kind::FLOAT => {
            out.push_str(&format!("{} ", name(view, t.name_off)))
        }
        kind::STRUCT => out.push_str(&format!("struct {} ", name(view, t.name_off))),
        kind::UNION => out.push_str(&format!("union {} ", name(view, t.name_off))),
        kind::ENUM | kind::ENUM64 => out.push_str(&format!("enum {} ", name(view, t.name_off))),
        kind::ARRAY => {
            let (elem, _, n) = t.array();
            type_only(view, elem, out, d)?;
            out.push_str(&format!("[{n}]"));
        }
        kind::PTR => {
            type_only(view, t.type_id(), out, d)?;
            out.push_str("* ");
        }
        kind::FWD => {
            let what = if t.kflag() { "union" } else { "struct" };
            out.push_str(&format!("{what} {} ", name(view, t.name_off)));
        }
        kind::VOLATILE | kind::CONST | kind::RESTRICT => {
            out.push_str(match t.kind() {
                kind::VOLATILE => "volatile ",
                kind::CONST => "const ",
                _ => "restrict ",
            });
            type_only(view, t.type_id(), out, d)?;
        }
        kind::FUNC_PROTO => proto(view, &t, None, out, d)?,
        kind::FUNC => {
            let p = view.ty(t.type_id())?;
            proto(view, &p, Some(&t), out, d)?;
        }
        kind::VAR => {
            if t.var_linkage() == 0 {
                // BTF_VAR_STATIC
                out.push_str("static ");
            }
            type_only(view, t.type_id(), out, d)?;
            out.push_str(&format!(" {}", name(view, t.name_off)));
        }
        kind::DATASEC => out.push_str(&format!("section (\"{}\") ", name(view, t.name_off))),
        _ => return None,
    }
    Some(())
}

fn proto(
    view: &View,
    p: &Type<'_>,
    func: Option<&Type<'_>>,
    out: &mut String,
    d: u32,
) -> Option<()> {
    type_only(view, p.type_id(), out, d)?;
    match func {
        Some(f) => out.push_str(&format!("{}(", name(view, f.name_off))),
        None => out.push('('),
    }
    for (i, (name_off, ty)) in p.params().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if ty == 0 {
            out.push_str("...");
            continue;
        }
        type_only(view, ty, out, d)?;
        if name_off != 0 {
            out.push_str(&name(view, name_off));
        } else if out.ends_with(' ') {
            // A prototype without parameter names: no space before `,`/`)`.
            out.pop();
        }
    }
    out.push(')');
    Some(())
}

/// `proto_id` (a FUNC_PROTO) as bpftool prints it; None when it can't.
pub fn func_proto(view: &View, proto_id: u32) -> Option<String> {
    let mut s = String::new();
    type_only(view, proto_id, &mut s, 0)?;
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The running kernel's tcp_congestion_ops, as bpftool prints its members.
    #[test]
    fn tcp_congestion_ops_members_as_bpftool() {
        let Ok(data) = super::super::map_file(std::path::Path::new(super::super::SYSFS_VMLINUX))
        else {
            eprintln!("NOTE: no vmlinux BTF: signature test skipped");
            return;
        };
        let view = View::for_lookup(data).unwrap();
        let id = view.find_named(&[(kind::STRUCT, "tcp_congestion_ops")])[0].unwrap();
        let st = view.ty(id).unwrap();
        let sig = |member: &str| {
            let m = st
                .members()
                .find(|m| view.name(m.name_off) == member.as_bytes())
                .unwrap();
            let ptr = view.ty(view.resolve_type(m.type_id).unwrap()).unwrap();
            func_proto(&view, view.resolve_type(ptr.type_id()).unwrap())
        };
        assert_eq!(sig("ssthresh").as_deref(), Some("u32 (struct sock *)"));
        assert_eq!(
            sig("cong_avoid").as_deref(),
            Some("void (struct sock *, u32, u32)")
        );
        assert_eq!(
            sig("pkts_acked").as_deref(),
            Some("void (struct sock *, const struct ack_sample *)")
        );
    }
}
