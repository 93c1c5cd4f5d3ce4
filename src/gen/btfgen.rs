//! BTFGen (`gen min_core_btf`): the smallest BTF that still satisfies the
//! CO-RE relocations of some objects. libbpf's relocation engine says, for
//! each relocation, which target types, members and array steps it
//! resolved to ([`crate::loader::core_relo`]); we mark those (bpftool's
//! rules per relocation kind), then copy only the marked types, and of
//! structs and unions only the marked members, into new BTF in id order.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use super::error::GenError;
use crate::btf::builder::Builder;
use crate::btf::view::{kind, kind_name, View};
use crate::btf::Btf;
use crate::loader::core_relo::{self, TargetSpec};

// enum bpf_core_relo_kind
const FIELD_BYTE_OFFSET: u32 = 0;
const FIELD_RSHIFT_U64: u32 = 5;
const TYPE_ID_LOCAL: u32 = 6;
const TYPE_ID_TARGET: u32 = 7;
const TYPE_EXISTS: u32 = 8;
const TYPE_SIZE: u32 = 9;
const ENUMVAL_EXISTS: u32 = 10;
const ENUMVAL_VALUE: u32 = 11;
const TYPE_MATCHES: u32 = 12;

/// The types and members of the target that relocations use.
struct Marks<'a> {
    view: &'a View,
    types: BTreeSet<u32>,
    members: HashSet<(u32, u32)>,
}

fn unsupported(view: &View, id: u32) -> GenError {
    let k = view.ty(id).map_or(kind::UNKN, |t| t.kind());
    GenError::Failed(format!("unsupported kind: {} ({id})", kind_name(k)))
}

impl<'a> Marks<'a> {
    /// Marks `id` and what it needs; pointers are followed only if asked.
    fn mark_type(&mut self, id: u32, follow_pointers: bool) -> Result<(), GenError> {
        if id == 0 {
            return Ok(());
        }
        let t = self.view.ty(id).ok_or_else(|| unsupported(self.view, id))?;
        self.types.insert(id);
        match t.kind() {
            kind::UNKN
            | kind::INT
            | kind::FLOAT
            | kind::ENUM
            | kind::ENUM64
            | kind::STRUCT
            | kind::UNION => Ok(()),
            kind::PTR if follow_pointers => self.mark_type(t.type_id(), true),
            kind::PTR => Ok(()),
            kind::CONST | kind::RESTRICT | kind::VOLATILE | kind::TYPEDEF => {
                self.mark_type(t.type_id(), follow_pointers)
            }
            kind::ARRAY => {
                let (elem, index, _) = t.array();
                self.mark_type(elem, follow_pointers)?;
                self.mark_type(index, follow_pointers)
            }
            kind::FUNC_PROTO => {
                self.mark_type(t.type_id(), follow_pointers)?;
                for (_, ty) in t.params() {
                    self.mark_type(ty, follow_pointers)?;
                }
                Ok(())
            }
            _ => Err(unsupported(self.view, id)),
        }
    }

    /// Field relocations: the root, then along the accessor string each
    /// member (and its type) stepped through.
    fn field(&mut self, spec: &TargetSpec) -> Result<(), GenError> {
        let mut id = spec.root_type_id;
        self.mark_type(id, false)?;
        for &step in spec.raw_spec.iter().skip(1) {
            let mut t = self.view.ty(id).ok_or_else(|| unsupported(self.view, id))?;
            while t.is_mod() || t.kind() == kind::TYPEDEF {
                id = t.type_id();
                t = self.view.ty(id).ok_or_else(|| unsupported(self.view, id))?;
            }
            match t.kind() {
                kind::STRUCT | kind::UNION => {
                    let m = t
                        .members()
                        .nth(step as usize)
                        .ok_or_else(|| unsupported(self.view, id))?;
                    self.members.insert((id, step as u32));
                    id = m.type_id;
                    self.mark_type(id, false)?;
                }
                kind::ARRAY => id = t.array().0,
                _ => return Err(unsupported(self.view, id)),
            }
        }
        Ok(())
    }

    /// TYPE_MATCHES: whole composites, but not those behind pointers.
    fn type_match(&mut self, id: u32, behind_ptr: bool) -> Result<(), GenError> {
        if id == 0 {
            return Ok(());
        }
        let t = self.view.ty(id).ok_or_else(|| unsupported(self.view, id))?;
        self.types.insert(id);
        match t.kind() {
            kind::UNKN | kind::INT | kind::FLOAT | kind::ENUM | kind::ENUM64 => Ok(()),
            kind::STRUCT | kind::UNION => {
                if behind_ptr {
                    return Ok(());
                }
                for (i, m) in t.members().enumerate() {
                    self.members.insert((id, i as u32));
                    self.type_match(m.type_id, false)?;
                }
                Ok(())
            }
            kind::CONST | kind::FWD | kind::RESTRICT | kind::TYPEDEF | kind::VOLATILE => {
                self.type_match(t.type_id(), behind_ptr)
            }
            kind::PTR => self.type_match(t.type_id(), true),
            kind::ARRAY => {
                let (elem, index, _) = t.array();
                self.type_match(elem, false)?;
                self.type_match(index, false)
            }
            kind::FUNC_PROTO => {
                self.type_match(t.type_id(), false)?;
                for (_, ty) in t.params() {
                    self.type_match(ty, false)?;
                }
                Ok(())
            }
            _ => Err(unsupported(self.view, id)),
        }
    }

    fn record(&mut self, spec: &TargetSpec) -> Result<(), GenError> {
        match spec.relo_kind {
            FIELD_BYTE_OFFSET..=FIELD_RSHIFT_U64 => self.field(spec),
            // Local type ids need no kernel BTF.
            TYPE_ID_LOCAL => Ok(()),
            TYPE_ID_TARGET | TYPE_EXISTS | TYPE_SIZE => self.mark_type(spec.root_type_id, true),
            TYPE_MATCHES => self.type_match(spec.root_type_id, false),
            ENUMVAL_EXISTS | ENUMVAL_VALUE => self.mark_type(spec.root_type_id, false),
            k => Err(GenError::Failed(format!(
                "unknown CO-RE relocation kind {k}"
            ))),
        }
    }
}

/// The minimal BTF (raw bytes) of `src` for the relocations of `objects`.
pub fn minimize(src: &Btf, objects: &[&Path]) -> Result<Vec<u8>, GenError> {
    let view = src.view();
    let mut marks = Marks {
        view,
        types: BTreeSet::new(),
        members: HashSet::new(),
    };
    for obj in objects {
        let specs = core_relo::resolve_object(obj, src).map_err(|e| {
            GenError::Failed(format!(
                "error recording relocations for {}: {e}",
                obj.display()
            ))
        })?;
        for spec in &specs {
            marks.record(spec)?;
        }
    }
    let btf_err = |e: crate::btf::BtfError| GenError::Failed(format!("error generating BTF: {e}"));
    let mut new = Builder::new().map_err(btf_err)?;
    let mut ids = vec![0u32; view.type_cnt() as usize];
    for &id in &marks.types {
        let t = view.ty(id).ok_or_else(|| unsupported(view, id))?;
        let new_id = if matches!(t.kind(), kind::STRUCT | kind::UNION) {
            let new_id = new
                .add_composite(t.kind() == kind::UNION, view.name(t.name_off), t.size())
                .map_err(btf_err)?;
            for (i, m) in t.members().enumerate() {
                if marks.members.contains(&(id, i as u32)) {
                    new.add_field(
                        view.name(m.name_off),
                        m.type_id,
                        m.bit_offset,
                        m.bitfield_size,
                    )
                    .map_err(btf_err)?;
                }
            }
            new_id
        } else {
            new.add_type(src, id).map_err(btf_err)?
        };
        ids[id as usize] = new_id;
    }
    new.remap_ids(&ids).map_err(btf_err)?;
    new.raw_data().map_err(btf_err)
}
