//! What the object's BTF says about the types a report names: the struct
//! behind the program's context argument and behind each map's value, as
//! (field, byte offset) lists, so that an offset in the log becomes
//! `__sk_buff.remote_ip4` or `slots.v`.

use libbpf_rs::btf::types::{Array, Composite, DataSec, Func, FuncProto, MemberAttr, Var};
use libbpf_rs::btf::{Btf, BtfType, ReferencesType, TypeId};
use serde::Serialize;

/// A struct and its fields at byte offsets, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StructLayout {
    /// `struct __sk_buff`.
    pub name: String,
    pub fields: Vec<(String, u32)>,
}

impl StructLayout {
    /// The field that holds byte `off` (the last one starting at or before it).
    pub fn field_at(&self, off: i64) -> Option<&str> {
        if off < 0 {
            return None;
        }
        self.fields
            .iter()
            .rev()
            .find(|(_, o)| i64::from(*o) <= off)
            .map(|(n, _)| n.as_str())
    }

    /// The field starting exactly at byte `off`.
    pub fn field_starting_at(&self, off: i64) -> Option<&str> {
        self.fields
            .iter()
            .find(|(_, o)| i64::from(*o) == off)
            .map(|(n, _)| n.as_str())
    }
}

fn name_of(t: &BtfType<'_>) -> String {
    t.name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The struct a type resolves to through pointers, modifiers and typedefs.
fn layout(btf: &Btf<'_>, id: TypeId, through_ptr: bool) -> Option<StructLayout> {
    let mut t = btf.type_by_id::<BtfType<'_>>(id)?.skip_mods_and_typedefs();
    if through_ptr {
        if t.kind() != libbpf_rs::btf::BtfKind::Ptr {
            return None;
        }
        t = t.next_type()?.skip_mods_and_typedefs();
    }
    let c = Composite::try_from(t).ok()?;
    let kind = if c.is_struct { "struct" } else { "union" };
    let mut fields = Vec::new();
    for m in c.iter() {
        let off = match m.attr {
            MemberAttr::Normal { offset } | MemberAttr::BitField { offset, .. } => offset / 8,
        };
        let n = m
            .name
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        fields.push((n, off));
    }
    Some(StructLayout {
        name: format!("{kind} {}", name_of(&t)),
        fields,
    })
}

/// The struct the program's first argument (its context) points to.
pub fn ctx_layout(btf: &Btf<'_>, prog: &str) -> Option<StructLayout> {
    let f: Func<'_> = btf.type_by_name(prog)?;
    let proto_t = btf.type_by_id::<BtfType<'_>>(f.referenced_type_id())?;
    let proto = FuncProto::try_from(proto_t).ok()?;
    let first = proto.iter().next()?;
    layout(btf, first.ty, true)
}

/// Map name → the struct of its value, for the BTF-defined maps of `.maps`.
pub fn map_value_layouts(btf: &Btf<'_>) -> Vec<(String, StructLayout)> {
    let mut out = Vec::new();
    let Some(sec) = btf.type_by_name::<DataSec<'_>>(".maps") else {
        return out;
    };
    for v in sec.iter() {
        let Some(var) = btf.type_by_id::<Var<'_>>(v.ty) else {
            continue;
        };
        let map_name = name_of(&var);
        let Some(def) = btf.type_by_id::<BtfType<'_>>(var.referenced_type_id()) else {
            continue;
        };
        let Ok(c) = Composite::try_from(def.skip_mods_and_typedefs()) else {
            continue;
        };
        let value = c
            .iter()
            .find(|m| m.name.is_some_and(|n| n.to_string_lossy() == "value"));
        if let Some(l) = value.and_then(|m| layout(btf, m.ty, true)) {
            out.push((map_name, l));
        }
    }
    out
}

/// Map name → `max_entries` as its `.maps` definition writes it
/// (`__uint(max_entries, N)`: a pointer to an array of N elements).
pub fn map_max_entries(btf: &Btf<'_>) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let Some(sec) = btf.type_by_name::<DataSec<'_>>(".maps") else {
        return out;
    };
    for v in sec.iter() {
        let Some(var) = btf.type_by_id::<Var<'_>>(v.ty) else {
            continue;
        };
        let Some(def) = btf.type_by_id::<BtfType<'_>>(var.referenced_type_id()) else {
            continue;
        };
        let Ok(c) = Composite::try_from(def.skip_mods_and_typedefs()) else {
            continue;
        };
        let Some(m) = c
            .iter()
            .find(|m| m.name.is_some_and(|n| n.to_string_lossy() == "max_entries"))
        else {
            continue;
        };
        let n = btf
            .type_by_id::<BtfType<'_>>(m.ty)
            .and_then(|p| p.next_type())
            .and_then(|a| Array::try_from(a).ok())
            .map(|a| a.capacity() as u32);
        if let Some(n) = n {
            out.push((name_of(&var), n));
        }
    }
    out
}
