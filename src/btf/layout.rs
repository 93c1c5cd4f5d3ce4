//! Where kernel struct members lie, read from vmlinux BTF: CO-RE done by
//! hand for the few programs bpfscope builds itself (the holder iterator),
//! so they need neither clang nor libbpf's relocation pass at run time.
//! Types are found by name with [`View::find_named`].
use super::view::{kind, View};

/// Byte offset of `path` (member names, outermost first) inside the struct
/// or union `id`. Members of anonymous structs and unions are found as the
/// C compiler finds them. `None` when a name is missing or a member is a
/// bitfield or does not start on a byte.
pub fn member_offset(view: &View, id: u32, path: &[&str]) -> Option<u32> {
    let mut id = id;
    let mut total = 0u32;
    for name in path {
        let (off, mid) = find_member(view, id, name.as_bytes(), 0)?;
        total = total.checked_add(off)?;
        id = mid;
    }
    Some(total)
}

/// Member `name` of the (possibly typedef'd) struct or union `id`:
/// (byte offset, member type id).
fn find_member(view: &View, id: u32, name: &[u8], depth: u32) -> Option<(u32, u32)> {
    if depth > 8 {
        return None;
    }
    let id = view.resolve_type(id)?;
    let t = view.ty(id)?;
    if !matches!(t.kind(), kind::STRUCT | kind::UNION) {
        return None;
    }
    let byte_off =
        |bits: u32, bitfield: u32| (bitfield == 0 && bits.is_multiple_of(8)).then_some(bits / 8);
    for m in t.members() {
        if m.name_off != 0 && view.name(m.name_off) == name {
            return Some((byte_off(m.bit_offset, m.bitfield_size)?, m.type_id));
        }
    }
    // Not named at this level: look inside the anonymous members.
    t.members().filter(|m| m.name_off == 0).find_map(|m| {
        let (inner, mid) = find_member(view, m.type_id, name, depth + 1)?;
        Some((
            byte_off(m.bit_offset, m.bitfield_size)?.checked_add(inner)?,
            mid,
        ))
    })
}
