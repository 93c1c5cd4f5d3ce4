//! `struct_ops show|list|dump [STRUCT_OPS_MAP]`, `register OBJ [LINK_DIR]`,
//! `unregister STRUCT_OPS_MAP` (bpftool's struct_ops.c). Maps are found by
//! `sys::structops`, registered by `loader::structops`; the kernel type
//! names (`tcp_congestion_ops`) come from vmlinux BTF.
use std::io::Write;

use serde::Serialize;

use super::{json_null, CmdError, Result};
use crate::btf::{self, view::kind, Btf, View};
use crate::cli::request::{StructOpsReq, StructOpsSel};
use crate::cmd::prog::verify::loader_error;
use crate::output::{self, Ctx, Out};
use crate::sys::structops::{self, StructOpsMap};
use crate::text::JsonW;

/// The value types are `bpf_struct_ops_<name>`; bpftool shows `<name>`.
const VALUE_PREFIX: &str = "bpf_struct_ops_";

fn vmlinux() -> Result<Btf> {
    Btf::from_file(std::path::Path::new(btf::SYSFS_VMLINUX)).map_err(|e| {
        CmdError::Failed(format!(
            "struct_ops requires kernel CONFIG_DEBUG_INFO_BTF=y: {e}"
        ))
    })
}

fn value_type_name(view: &View, id: u32) -> String {
    let name = view
        .ty(id)
        .map(|t| String::from_utf8_lossy(view.name(t.name_off)).into_owned())
        .unwrap_or_default();
    name
}

fn kernel_name(view: &View, id: u32) -> String {
    let full = value_type_name(view, id);
    full.strip_prefix(VALUE_PREFIX).unwrap_or(&full).to_string()
}

/// The maps a selector names (all without one); none is an error when one was given.
fn select(sel: Option<&StructOpsSel>) -> Result<Vec<StructOpsMap>> {
    let maps = match sel {
        Some(StructOpsSel::Id(id)) => vec![structops::by_id(*id)?],
        Some(StructOpsSel::Name(n)) => structops::list(Some(n))?,
        None => structops::list(None)?,
    };
    if let (Some(StructOpsSel::Name(n)), true) = (sel, maps.is_empty()) {
        return Err(CmdError::Failed(format!("no struct_ops found for {n}")));
    }
    Ok(maps)
}

#[derive(Serialize)]
struct ShowRecord {
    id: u32,
    name: String,
    kernel_struct_ops: String,
}

pub fn run(ctx: &Ctx, req: StructOpsReq, out: &mut Out) -> Result<()> {
    match req {
        StructOpsReq::Show(sel) => show(ctx, sel.as_ref(), out),
        StructOpsReq::Dump(sel) => dump(ctx, sel.as_ref(), out),
        StructOpsReq::Register { object, link_dir } => {
            crate::loader::log::set_debug(ctx.debug);
            let done = crate::loader::structops::register(&object, link_dir.as_deref())
                .map_err(loader_error)?;
            if !ctx.json {
                let btf = vmlinux()?;
                for r in &done {
                    let k = kernel_name(btf.view(), r.value_type_id);
                    match &r.link {
                        None => eprintln!("Registered {k} {} id {}", r.name, r.map_id),
                        Some((link, pin)) => {
                            eprintln!(
                                "Registered {k} {} map id {} link id {link}",
                                r.name, r.map_id
                            );
                            if pin.is_none() {
                                eprintln!("Note: the link is not pinned (no LINK_DIR): {} is unregistered as this command ends", r.name);
                            }
                        }
                    }
                }
            }
            json_null(ctx, out)
        }
        StructOpsReq::Unregister(sel) => {
            let maps = select(Some(&sel))?;
            let btf = vmlinux()?;
            for m in &maps {
                let k = kernel_name(btf.view(), m.info.btf_vmlinux_value_type_id);
                m.unregister(&format!("can't unload {k} {} id {}", m.name, m.id))
                    .map_err(|e| match (m.is_link(), e.errno()) {
                        (true, Some(libc::EOPNOTSUPP)) => CmdError::Failed(format!(
                            "{e} (registered through a link: remove its pin or 'link detach' it)"
                        )),
                        _ => e.into(),
                    })?;
                if !ctx.json {
                    eprintln!("Unregistered {k} {} id {}", m.name, m.id);
                }
            }
            json_null(ctx, out)
        }
    }
}

fn show(ctx: &Ctx, sel: Option<&StructOpsSel>, out: &mut Out) -> Result<()> {
    let maps = select(sel)?;
    let btf = vmlinux()?;
    let records: Vec<ShowRecord> = maps
        .iter()
        .map(|m| ShowRecord {
            id: m.id,
            name: m.name.clone(),
            kernel_struct_ops: kernel_name(btf.view(), m.info.btf_vmlinux_value_type_id),
        })
        .collect();
    if ctx.json {
        output::write_json(ctx, out, &records)?;
    } else {
        for r in &records {
            writeln!(
                out,
                "{}: {:<15} {:<32}",
                r.id,
                output::escape(&r.name),
                r.kernel_struct_ops
            )?;
        }
    }
    Ok(())
}

/// bpftool's prog_id_as_func_ptr: a function pointer of a struct_ops value
/// holds the id of the program behind it, shown as `"<prototype> <program
/// name>/prog_id:<id>"` (`"<prototype> 0"` when unset).
fn name_programs(view: &View, type_id: u32, data: &[u8], v: &mut btf::Value, depth: u32) {
    let Some(t) = view.resolve_type(type_id).and_then(|id| view.ty(id)) else {
        return;
    };
    let btf::Value::Object(members) = v else {
        return;
    };
    if depth > 8 || !matches!(t.kind(), kind::STRUCT | kind::UNION) {
        return;
    }
    for m in t.members() {
        let mname = view.name(m.name_off);
        let Some((_, mv)) = members
            .iter_mut()
            .find(|(n, _)| !mname.is_empty() && n == mname)
        else {
            continue;
        };
        let off = (m.bit_offset / 8) as usize;
        let Some(mt) = view.resolve_type(m.type_id).and_then(|id| view.ty(id)) else {
            continue;
        };
        match mt.kind() {
            kind::PTR => {
                let Some(proto) = view
                    .resolve_type(mt.type_id())
                    .filter(|&p| view.ty(p).is_some_and(|t| t.kind() == kind::FUNC_PROTO))
                else {
                    continue;
                };
                let Some(raw) = data.get(off..off + 8) else {
                    continue;
                };
                let value = u64::from_ne_bytes(raw.try_into().unwrap_or_default());
                let (Ok(id), Some(sig)) = (u32::try_from(value), btf::sig::func_proto(view, proto))
                else {
                    continue;
                };
                let target = match id {
                    0 => "0".to_string(),
                    id => {
                        let name = crate::sys::ids::fd_by_id(crate::sys::ObjKind::Prog, id)
                            .ok()
                            .and_then(|fd| crate::sys::prog::full_name(&fd))
                            .map_or_else(|| "<unknown_prog_name>".to_string(), |(_, full)| full);
                        format!("{name}/prog_id:{id}")
                    }
                };
                *mv = btf::Value::Str(format!("{sig} {target}").into_bytes());
            }
            kind::STRUCT | kind::UNION => {
                let size = mt.size() as usize;
                if let Some(sub) = data.get(off..off + size) {
                    name_programs(view, m.type_id, sub, mv, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// bpftool's dump: for each map, `{"bpf_map_info": …}` then `{"bpf_struct_ops_<type>": …}`,
/// in one array; plain text is the same tree in bpftool's pretty layout.
fn dump(ctx: &Ctx, sel: Option<&StructOpsSel>, out: &mut Out) -> Result<()> {
    let maps = select(sel)?;
    let btf = vmlinux()?;
    let view = btf.view();
    let info_type = view.find_named(&[(kind::STRUCT, "bpf_map_info")])[0]
        .ok_or_else(|| CmdError::Failed("can't find bpf_map_info from btf_vmlinux".into()))?;
    let info_size = view.ty(info_type).map_or(0, |t| t.size() as usize);
    let mode = if ctx.json {
        btf::Mode::Json
    } else {
        btf::Mode::Text
    };
    let mut jw = JsonW::new(&mut *out, !ctx.json || ctx.pretty);
    jw.start_array()?;
    for m in &maps {
        let value = m.value()?;
        // The kernel's bpf_map_info may be larger than ours: zeros past it.
        // SAFETY: bpf_map_info is plain old data; read as bytes.
        let raw = unsafe {
            std::slice::from_raw_parts(
                (&m.info as *const libbpf_sys::bpf_map_info).cast::<u8>(),
                std::mem::size_of::<libbpf_sys::bpf_map_info>(),
            )
        };
        let mut info = raw.to_vec();
        info.resize(info.len().max(info_size), 0);
        let value_id = m.info.btf_vmlinux_value_type_id;
        for (name, ty, bytes) in [
            ("bpf_map_info".to_string(), info_type, &info),
            (value_type_name(view, value_id), value_id, &value),
        ] {
            let mut v = btf::format_value(view, ty, bytes, mode).unwrap_or_else(|e| e.partial);
            if ty == value_id {
                name_programs(view, ty, bytes, &mut v, 0);
            }
            jw.start_object()?;
            jw.name(name.as_bytes())?;
            v.write(&mut jw)?;
            jw.end_object()?;
        }
    }
    jw.end_array()?;
    jw.finish()?;
    Ok(())
}
