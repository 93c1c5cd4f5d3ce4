//! Pieces of C shared by skeletons and subskeletons: the typed data
//! sections, struct_ops shadow types and the map and program tables, laid
//! out exactly as upstream bpftool's gen.c prints them.

use std::fmt::Write;

use super::error::GenError;
use super::names::{datasec_ident, map_ident, mmapable_ident, MAP_TYPE_STRUCT_OPS};
use crate::btf::view::{kind, Type, View};
use crate::btf::{Btf, DeclWriter};
use crate::loader::objinfo::{MapInfo, ObjInfo};

/// BTF_VAR_STATIC: static variables are not in skeletons.
const VAR_STATIC: u32 = 0;

/// Appends formatted text to a String (writing to a String cannot fail).
macro_rules! out {
    ($s:expr, $($arg:tt)*) => {
        let _ = write!($s, $($arg)*);
    };
}
pub(crate) use out;

fn name(view: &View, off: u32) -> String {
    String::from_utf8_lossy(view.name(off)).into_owned()
}

fn cdump(e: crate::btf::BtfError) -> GenError {
    GenError::Failed(e.to_string())
}

/// The DATASEC that holds a data-section map's variables.
pub fn find_datasec<'a>(view: &'a View, map_ident: &str) -> Option<Type<'a>> {
    (1..view.type_cnt())
        .filter_map(|id| view.ty(id))
        .filter(|t| t.kind() == kind::DATASEC)
        .find(|t| datasec_ident(&name(view, t.name_off)).as_deref() == Some(map_ident))
}

/// The variables of a DATASEC a skeleton exposes: (VAR type, offset, size).
pub fn exposed_vars<'a>(view: &'a View, sec: &Type<'a>) -> Vec<(Type<'a>, u32, u32)> {
    sec.secinfos()
        .filter_map(|(ty, off, size)| view.ty(ty).map(|v| (v, off, size)))
        .filter(|(v, _, _)| v.var_linkage() != VAR_STATIC)
        .collect()
}

/// `struct NAME__rodata { … } *rodata;` for every memory-mapped map.
pub fn datasecs(
    out: &mut String,
    obj_name: &str,
    info: &ObjInfo,
    btf: &Btf,
) -> Result<(), GenError> {
    let view = btf.view();
    let mut d = DeclWriter::new(btf).map_err(cdump)?;
    for map in &info.maps {
        let Some(ident) = mmapable_ident(map) else {
            continue;
        };
        let Some(sec) = find_datasec(view, &ident) else {
            // Sections with compiler constants only (.rodata.cst16) have no
            // DATASEC: an empty struct still gives access to the memory.
            out!(out, "\tstruct {obj_name}__{ident} {{\n\t}} *{ident};\n");
            continue;
        };
        datasec_def(out, obj_name, btf, &mut d, &sec)?;
    }
    Ok(())
}

fn datasec_def(
    out: &mut String,
    obj_name: &str,
    btf: &Btf,
    d: &mut DeclWriter,
    sec: &Type,
) -> Result<(), GenError> {
    let view = btf.view();
    let sec_name = name(view, sec.name_off);
    let Some(sec_ident) = datasec_ident(&sec_name) else {
        return Ok(());
    };
    let strip_mods = sec_name != ".kconfig";
    out!(out, "\tstruct {obj_name}__{sec_ident} {{\n");
    let (mut off, mut pad_cnt) = (0u32, 0u32);
    for (i, (var, need_off, size)) in sec
        .secinfos()
        .filter_map(|(ty, off, size)| view.ty(ty).map(|v| (v, off, size)))
        .enumerate()
    {
        if var.var_linkage() == VAR_STATIC {
            continue;
        }
        let var_name = name(view, var.name_off);
        if off > need_off {
            return Err(GenError::Failed(format!(
                "something is wrong for {sec_name}'s variable #{i}: need offset {need_off}, already at {off}"
            )));
        }
        let align = btf.align_of(var.type_id()).ok_or_else(|| {
            GenError::Failed(format!(
                "failed to determine alignment of variable '{var_name}'"
            ))
        })?;
        // bpftool can't know the target's word size: it assumes 32-bit
        // alignment so that the padding is right on either.
        let align = align.min(4);
        if off.div_ceil(align) * align != need_off {
            out!(out, "\t\tchar __pad{pad_cnt}[{}];\n", need_off - off);
            pad_cnt += 1;
        }
        let decl = d
            .decl(
                var.type_id(),
                &super::names::sanitize(&var_name),
                2,
                strip_mods,
            )
            .map_err(cdump)?;
        out!(out, "\t\t{decl};\n");
        off = need_off + size;
    }
    out!(out, "\t}} *{sec_ident};\n");
    Ok(())
}

/// Skips modifiers and typedefs; returns the id reached.
pub fn skip_mods_and_typedefs(view: &View, mut id: u32) -> u32 {
    while let Some(t) = view.ty(id) {
        if !(t.is_mod() || t.kind() == kind::TYPEDEF) {
            break;
        }
        id = t.type_id();
    }
    id
}

/// True if `id` is (through modifiers) a pointer to a function prototype.
fn is_func_ptr(view: &View, id: u32) -> bool {
    let id = skip_mods_and_typedefs(view, id);
    match view.ty(id) {
        Some(t) if t.kind() == kind::PTR => view
            .ty(skip_mods_and_typedefs(view, t.type_id()))
            .is_some_and(|p| p.kind() == kind::FUNC_PROTO),
        _ => false,
    }
}

/// The `maps`, `struct_ops` and `progs` members that a skeleton and a
/// subskeleton both declare, in bpftool's order.
pub fn handle_members(
    s: &mut String,
    obj_name: &str,
    info: &ObjInfo,
    btf: &Btf,
) -> Result<(), GenError> {
    let idents: Vec<String> = info.maps.iter().filter_map(map_ident).collect();
    if !idents.is_empty() {
        s.push_str("\tstruct {\n");
        for ident in &idents {
            out!(s, "\t\tstruct bpf_map *{ident};\n");
        }
        s.push_str("\t} maps;\n");
    }
    st_ops_shadow(s, obj_name, info, btf)?;
    if !info.progs.is_empty() {
        s.push_str("\tstruct {\n");
        for p in &info.progs {
            out!(s, "\t\tstruct bpf_program *{};\n", p.name);
        }
        s.push_str("\t} progs;\n");
    }
    Ok(())
}

/// `struct { struct NAME__ops__T { … } *ops; } struct_ops;`: user-space
/// views of struct_ops maps (scalars as they are, function pointers as
/// programs, the rest as opaque bytes), as upstream bpftool emits them.
pub fn st_ops_shadow(
    out: &mut String,
    obj_name: &str,
    info: &ObjInfo,
    btf: &Btf,
) -> Result<(), GenError> {
    let view = btf.view();
    let maps: Vec<(&MapInfo, String)> = info
        .maps
        .iter()
        .filter(|m| m.map_type == MAP_TYPE_STRUCT_OPS)
        .filter_map(|m| map_ident(m).map(|i| (m, i)))
        .collect();
    if maps.is_empty() {
        return Ok(());
    }
    let mut d = DeclWriter::new(btf).map_err(cdump)?;
    out.push_str("\tstruct {\n");
    for (map, ident) in maps {
        let ty = view
            .ty(map.btf_value_type_id)
            .filter(|_| map.btf_value_type_id != 0)
            .ok_or_else(|| {
                GenError::Failed(format!("struct_ops map '{ident}' has no value type"))
            })?;
        out!(
            out,
            "\t\tstruct {obj_name}__{ident}__{} {{\n",
            name(view, ty.name_off)
        );
        let mut next_offset = 0u32;
        for (i, m) in ty.members().enumerate() {
            let member_id = skip_mods_and_typedefs(view, m.type_id);
            let member_name = name(view, m.name_off);
            let offset = m.bit_offset / 8;
            if next_offset < offset {
                out!(out, "\t\t\tchar __padding_{i}[{}];\n", offset - next_offset);
            }
            let size = || {
                btf.resolve_size(member_id).ok_or_else(|| {
                    GenError::Failed(format!("failed to resolve size of {member_name}"))
                })
            };
            let k = view.ty(member_id).map_or(kind::UNKN, |t| t.kind());
            match k {
                kind::INT | kind::FLOAT | kind::ENUM | kind::ENUM64 => {
                    let decl = d.decl(member_id, &member_name, 3, false).map_err(cdump)?;
                    out!(out, "\t\t\t{decl};\n");
                    next_offset = offset + size()? as u32;
                }
                kind::PTR if is_func_ptr(view, m.type_id) => {
                    out!(out, "\t\t\tstruct bpf_program *{member_name};\n");
                    next_offset = offset + std::mem::size_of::<usize>() as u32;
                }
                _ => {
                    let size = size()? as u32;
                    out!(out, "\t\t\tchar __unsupported_{i}[{size}];\n");
                    next_offset = offset + size;
                }
            }
        }
        let size = btf.resolve_size(map.btf_value_type_id).unwrap_or(0) as u32;
        if next_offset < size {
            out!(out, "\t\t\tchar __padding_end[{}];\n", size - next_offset);
        }
        out!(out, "\t\t}} *{ident};\n");
    }
    out.push_str("\t} struct_ops;\n");
    Ok(())
}

/// Sets the struct_ops shadow pointers after open.
pub fn st_ops_shadow_init(out: &mut String, info: &ObjInfo) {
    for map in info
        .maps
        .iter()
        .filter(|m| m.map_type == MAP_TYPE_STRUCT_OPS)
    {
        let Some(ident) = map_ident(map) else {
            continue;
        };
        out!(
            out,
            "\tobj->struct_ops.{ident} = (__typeof__(obj->struct_ops.{ident}))\n\
             \t\tbpf_map__initial_value(obj->maps.{ident}, NULL);\n\n"
        );
    }
}

/// The maps table of `*__create_skeleton`/`*__open` (subskeleton).
pub fn maps_skeleton(out: &mut String, info: &ObjInfo, mmaped: bool, populate_links: bool) {
    let maps: Vec<(&MapInfo, String)> = info
        .maps
        .iter()
        .filter_map(|m| map_ident(m).map(|i| (m, i)))
        .collect();
    if maps.is_empty() {
        return;
    }
    // Old libbpf knows bpf_map_skeleton without `link`: the larger size is
    // declared only when struct_ops maps need it.
    let with_link = populate_links && info.maps.iter().any(|m| m.map_type == MAP_TYPE_STRUCT_OPS);
    let map_sz = if with_link {
        std::mem::size_of::<libbpf_sys::bpf_map_skeleton>()
    } else {
        std::mem::offset_of!(libbpf_sys::bpf_map_skeleton, link)
    };
    out!(
        out,
        "\n\
         \t/* maps */\n\
         \ts->map_cnt = {cnt};\n\
         \ts->map_skel_sz = {map_sz};\n\
         \ts->maps = (struct bpf_map_skeleton *)calloc(s->map_cnt,\n\
         \t\t\tsizeof(*s->maps) > {map_sz} ? sizeof(*s->maps) : {map_sz});\n\
         \tif (!s->maps) {{\n\
         \t\terr = -ENOMEM;\n\
         \t\tgoto err;\n\
         \t}}\n",
        cnt = maps.len()
    );
    for (i, (map, ident)) in maps.iter().enumerate() {
        out!(
            out,
            "\n\
             \tmap = (struct bpf_map_skeleton *)((char *)s->maps + {i} * s->map_skel_sz);\n\
             \tmap->name = \"{}\";\n\
             \tmap->map = &obj->maps.{ident};\n",
            map.name
        );
        if mmaped {
            if let Some(m) = mmapable_ident(map) {
                out!(out, "\tmap->mmaped = (void **)&obj->{m};\n");
            }
        }
        if populate_links && map.map_type == MAP_TYPE_STRUCT_OPS {
            out!(out, "\tmap->link = &obj->links.{ident};\n");
        }
    }
}

/// The programs table.
pub fn progs_skeleton(out: &mut String, info: &ObjInfo, populate_links: bool) {
    if info.progs.is_empty() {
        return;
    }
    out!(
        out,
        "\n\
         \t/* programs */\n\
         \ts->prog_cnt = {};\n\
         \ts->prog_skel_sz = sizeof(*s->progs);\n\
         \ts->progs = (struct bpf_prog_skeleton *)calloc(s->prog_cnt, s->prog_skel_sz);\n\
         \tif (!s->progs) {{\n\
         \t\terr = -ENOMEM;\n\
         \t\tgoto err;\n\
         \t}}\n",
        info.progs.len()
    );
    for (i, p) in info.progs.iter().enumerate() {
        let n = &p.name;
        out!(
            out,
            "\n\
             \ts->progs[{i}].name = \"{n}\";\n\
             \ts->progs[{i}].prog = &obj->progs.{n};\n"
        );
        if populate_links {
            out!(out, "\ts->progs[{i}].link = &obj->links.{n};\n");
        }
    }
}
