//! A bounds-checked, zero-copy view over raw BTF bytes (header, type section,
//! string section), with an optional base view for split (module) BTF.
//!
//! libbpf does the loading and validation (see `handle.rs`); this view reads
//! the validated raw data so the dumpers and the value formatter can walk
//! every field of every kind without `unsafe`. Why not libbpf-rs's typed API:
//! its `Btf` cannot be built from raw bytes or on top of a base BTF, and it
//! does not expose raw member offsets and string offsets the way bpftool's
//! raw dump prints them. Every accessor is checked: malformed data yields
//! `None`/defaults, never a panic.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// `BTF_MAGIC` as stored in native (little-endian host) order.
pub const BTF_MAGIC: u16 = 0xeb9f;
/// Size of `struct btf_header`.
pub const BTF_HEADER_LEN: usize = 24;
/// Size of `struct btf_type` (name_off, info, size/type).
const TYPE_HEADER_LEN: usize = 12;

/// BTF kinds, numbered as in `linux/btf.h`.
pub mod kind {
    pub const UNKN: u32 = 0;
    pub const INT: u32 = 1;
    pub const PTR: u32 = 2;
    pub const ARRAY: u32 = 3;
    pub const STRUCT: u32 = 4;
    pub const UNION: u32 = 5;
    pub const ENUM: u32 = 6;
    pub const FWD: u32 = 7;
    pub const TYPEDEF: u32 = 8;
    pub const VOLATILE: u32 = 9;
    pub const CONST: u32 = 10;
    pub const RESTRICT: u32 = 11;
    pub const FUNC: u32 = 12;
    pub const FUNC_PROTO: u32 = 13;
    pub const VAR: u32 = 14;
    pub const DATASEC: u32 = 15;
    pub const FLOAT: u32 = 16;
    pub const DECL_TAG: u32 = 17;
    pub const TYPE_TAG: u32 = 18;
    pub const ENUM64: u32 = 19;
    /// Highest kind this code (and libbpf 1.7) knows.
    pub const MAX: u32 = ENUM64;
}

/// bpftool's names for the kinds (`btf_kind_str`), indexed by kind.
pub const KIND_NAMES: [&str; 20] = [
    "UNKNOWN",
    "INT",
    "PTR",
    "ARRAY",
    "STRUCT",
    "UNION",
    "ENUM",
    "FWD",
    "TYPEDEF",
    "VOLATILE",
    "CONST",
    "RESTRICT",
    "FUNC",
    "FUNC_PROTO",
    "VAR",
    "DATASEC",
    "FLOAT",
    "DECL_TAG",
    "TYPE_TAG",
    "ENUM64",
];

/// Name of a kind as bpftool prints it (unknown kinds print as "UNKNOWN").
pub fn kind_name(k: u32) -> &'static str {
    KIND_NAMES.get(k as usize).copied().unwrap_or(KIND_NAMES[0])
}

/// Reads a native-endian u32 at `off`, 0 when out of range.
#[inline]
fn rd32(b: &[u8], off: usize) -> u32 {
    match b.get(off..off + 4) {
        Some(s) => u32::from_ne_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

#[inline]
fn rd16(b: &[u8], off: usize) -> u16 {
    match b.get(off..off + 2) {
        Some(s) => u16::from_ne_bytes([s[0], s[1]]),
        None => 0,
    }
}

/// The parsed `struct btf_header`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub hdr_len: u32,
    pub type_off: u32,
    pub type_len: u32,
    pub str_off: u32,
    pub str_len: u32,
}

/// Checks the header and section layout of raw BTF bytes the way libbpf's
/// `btf_parse_hdr` does, but says *what* is wrong, for error messages.
pub fn check_header(data: &[u8]) -> Result<Header, String> {
    if data.len() < BTF_HEADER_LEN {
        return Err(format!(
            "{} bytes is too short for a BTF header ({} bytes)",
            data.len(),
            BTF_HEADER_LEN
        ));
    }
    let magic = rd16(data, 0);
    if magic == BTF_MAGIC.swap_bytes() {
        return Err("BTF of the other byte order".into());
    }
    if magic != BTF_MAGIC {
        return Err(format!("bad magic 0x{magic:04x} (want 0x{BTF_MAGIC:04x})"));
    }
    let h = Header {
        hdr_len: rd32(data, 4),
        type_off: rd32(data, 8),
        type_len: rd32(data, 12),
        str_off: rd32(data, 16),
        str_len: rd32(data, 20),
    };
    let size = data.len() as u64;
    if u64::from(h.hdr_len) > size || (h.hdr_len as usize) < BTF_HEADER_LEN {
        return Err(format!("header length {} does not fit", h.hdr_len));
    }
    let left = size - u64::from(h.hdr_len);
    if u64::from(h.str_off) + u64::from(h.str_len) > left {
        return Err(format!(
            "truncated: string section ends at {} but only {} bytes follow the header",
            u64::from(h.str_off) + u64::from(h.str_len),
            left
        ));
    }
    if u64::from(h.type_off) + u64::from(h.type_len) > u64::from(h.str_off) {
        return Err("type section overlaps the string section".into());
    }
    if !h.type_off.is_multiple_of(4) {
        return Err("type section is not 4-byte aligned".into());
    }
    Ok(h)
}

/// Byte size of a type record (header + kind-specific data), `None` for
/// unknown kinds. Mirrors libbpf's `btf_type_size`.
fn record_len(info: u32) -> Option<usize> {
    let vlen = (info & 0xffff) as usize;
    let extra = match (info >> 24) & 0x1f {
        kind::FWD
        | kind::CONST
        | kind::VOLATILE
        | kind::RESTRICT
        | kind::PTR
        | kind::TYPEDEF
        | kind::FUNC
        | kind::FLOAT
        | kind::TYPE_TAG => 0,
        kind::INT | kind::VAR | kind::DECL_TAG => 4,
        kind::ENUM | kind::FUNC_PROTO => vlen * 8,
        kind::ENUM64 | kind::STRUCT | kind::UNION | kind::DATASEC => vlen * 12,
        kind::ARRAY => 12,
        _ => return None,
    };
    Some(TYPE_HEADER_LEN + extra)
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("bytes", &self.bytes().len())
            .field("types", &self.hdrs.len())
            .field("start_id", &self.start_id)
            .field("base", &self.base)
            .finish()
    }
}

/// Raw bytes a [`View`] reads: its own, or a file mapping (vmlinux BTF is
/// 5.5 MB; copying it costs more than reading it). An enum rather than a
/// trait object, so `ty`, the hot path, inlines the access.
pub enum Bytes {
    Owned(Vec<u8>),
    /// Shared, so libbpf can parse the same mapping while a view indexes it.
    Mapped(Arc<memmap2::Mmap>),
}

impl Bytes {
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// A view over one BTF blob (its own types and strings), plus its base.
/// It owns the raw bytes, so it has no lifetime ties to libbpf.
pub struct View {
    base: Option<Arc<View>>,
    data: Bytes,
    strs: Range<usize>,
    /// Where each own type's record starts in `data`; 4 bytes a type keep
    /// indexing vmlinux (140k types) cheap, and `ty` decodes the rest.
    hdrs: Vec<u32>,
    /// First type id of this blob (1 without a base, base count with one).
    start_id: u32,
    /// First string offset of this blob (0 without a base).
    start_str: u32,
    ptr_size: OnceLock<u64>,
}

/// One type record.
#[derive(Debug, Clone, Copy)]
pub struct Type<'a> {
    pub id: u32,
    pub name_off: u32,
    pub info: u32,
    /// `size` or `type`, depending on the kind.
    pub size_type: u32,
    /// The kind-specific data that follows the record header.
    pub data: &'a [u8],
}

static VOID_TYPE: Type<'static> = Type {
    id: 0,
    name_off: 0,
    info: 0,
    size_type: 0,
    data: &[],
};

impl<'a> Type<'a> {
    #[inline]
    pub fn kind(&self) -> u32 {
        (self.info >> 24) & 0x1f
    }
    #[inline]
    pub fn vlen(&self) -> u32 {
        self.info & 0xffff
    }
    #[inline]
    pub fn kflag(&self) -> bool {
        self.info >> 31 != 0
    }
    /// `size` for sized kinds.
    #[inline]
    pub fn size(&self) -> u32 {
        self.size_type
    }
    /// `type` for referencing kinds.
    #[inline]
    pub fn type_id(&self) -> u32 {
        self.size_type
    }
    #[inline]
    pub fn u32_at(&self, off: usize) -> u32 {
        rd32(self.data, off)
    }
    /// The INT descriptor word: (encoding, bits_offset, nr_bits).
    pub fn int_info(&self) -> (u32, u32, u32) {
        let v = self.u32_at(0);
        ((v & 0x0f00_0000) >> 24, (v & 0x00ff_0000) >> 16, v & 0xff)
    }
    /// ARRAY: (elem type, index type, nelems).
    pub fn array(&self) -> (u32, u32, u32) {
        (self.u32_at(0), self.u32_at(4), self.u32_at(8))
    }
    /// STRUCT/UNION members.
    pub fn members(&self) -> impl Iterator<Item = Member> + 'a {
        let d = self.data;
        let kflag = self.kflag();
        (0..self.vlen() as usize).map(move |i| {
            let off = rd32(d, i * 12 + 8);
            let (bit_off, bitfield) = if kflag {
                (off & 0x00ff_ffff, off >> 24)
            } else {
                (off, 0)
            };
            Member {
                name_off: rd32(d, i * 12),
                type_id: rd32(d, i * 12 + 4),
                bit_offset: bit_off,
                bitfield_size: bitfield,
            }
        })
    }
    /// ENUM values: (name_off, value as stored, i32).
    pub fn enum32(&self) -> impl Iterator<Item = (u32, i32)> + 'a {
        let d = self.data;
        (0..self.vlen() as usize).map(move |i| (rd32(d, i * 8), rd32(d, i * 8 + 4) as i32))
    }
    /// ENUM64 values: (name_off, value).
    pub fn enum64(&self) -> impl Iterator<Item = (u32, u64)> + 'a {
        let d = self.data;
        (0..self.vlen() as usize).map(move |i| {
            let lo = u64::from(rd32(d, i * 12 + 4));
            let hi = u64::from(rd32(d, i * 12 + 8));
            (rd32(d, i * 12), (hi << 32) | lo)
        })
    }
    /// FUNC_PROTO params: (name_off, type).
    pub fn params(&self) -> impl Iterator<Item = (u32, u32)> + 'a {
        let d = self.data;
        (0..self.vlen() as usize).map(move |i| (rd32(d, i * 8), rd32(d, i * 8 + 4)))
    }
    /// DATASEC entries: (type, offset, size).
    pub fn secinfos(&self) -> impl Iterator<Item = (u32, u32, u32)> + 'a {
        let d = self.data;
        (0..self.vlen() as usize)
            .map(move |i| (rd32(d, i * 12), rd32(d, i * 12 + 4), rd32(d, i * 12 + 8)))
    }
    /// VAR linkage.
    pub fn var_linkage(&self) -> u32 {
        self.u32_at(0)
    }
    /// DECL_TAG component index.
    pub fn component_idx(&self) -> i32 {
        self.u32_at(0) as i32
    }
    /// True for the kinds libbpf calls modifiers (volatile, const, restrict, type tag).
    pub fn is_mod(&self) -> bool {
        matches!(
            self.kind(),
            kind::VOLATILE | kind::CONST | kind::RESTRICT | kind::TYPE_TAG
        )
    }
}

/// A STRUCT/UNION member with its offset decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub name_off: u32,
    pub type_id: u32,
    pub bit_offset: u32,
    pub bitfield_size: u32,
}

impl View {
    /// A view with no types (placeholder while a handle is being built).
    pub fn empty() -> Self {
        View {
            base: None,
            data: Bytes::Owned(Vec::new()),
            strs: 0..0,
            hdrs: Vec::new(),
            start_id: 1,
            start_str: 0,
            ptr_size: OnceLock::new(),
        }
    }

    /// Builds a view over raw BTF `data` (header included). With `base`, the
    /// data is split BTF whose ids and string offsets continue the base's.
    pub fn new(data: Vec<u8>, base: Option<Arc<View>>) -> Result<Self, String> {
        Self::from_bytes(Bytes::Owned(data), base)
    }

    /// [`View::new`] over bytes held elsewhere (a file mapping).
    pub fn from_bytes(data: Bytes, base: Option<Arc<View>>) -> Result<Self, String> {
        let view = Self::index(data, base)?;
        view.check_refs()?;
        Ok(view)
    }

    /// Like [`View::new`] without the reference check, which only libbpf's
    /// btf_dump needs (every accessor here is bounds-checked): for quick
    /// name and member lookups in vmlinux BTF.
    pub fn for_lookup(data: Bytes) -> Result<Self, String> {
        Self::index(data, None)
    }

    fn index(data: Bytes, base: Option<Arc<View>>) -> Result<Self, String> {
        let raw: &[u8] = data.as_slice();
        let h = check_header(raw)?;
        let body = h.hdr_len as usize;
        let types_r = body + h.type_off as usize..body + h.type_off as usize + h.type_len as usize;
        let strs_r = body + h.str_off as usize..body + h.str_off as usize + h.str_len as usize;
        let types = raw
            .get(types_r.clone())
            .ok_or("type section out of range")?;
        if raw.get(strs_r.clone()).is_none() {
            return Err("string section out of range".into());
        }
        let mut hdrs: Vec<u32> = Vec::with_capacity(types.len() / 16);
        let mut pos = 0usize;
        while pos + TYPE_HEADER_LEN <= types.len() {
            let info = rd32(types, pos + 4);
            let len = record_len(info).ok_or_else(|| {
                format!(
                    "type [{}] has unknown kind {}",
                    hdrs.len() as u64 + 1,
                    (info >> 24) & 0x1f
                )
            })?;
            if pos + len > types.len() {
                return Err(format!("type [{}] is truncated", hdrs.len() as u64 + 1));
            }
            hdrs.push((types_r.start + pos) as u32);
            pos += len;
        }
        if pos != types.len() {
            return Err("type section has trailing bytes".into());
        }
        let (start_id, start_str) = match &base {
            Some(b) => (b.type_cnt(), b.str_end()),
            None => (1, 0),
        };
        Ok(View {
            base,
            data,
            strs: strs_r,
            hdrs,
            start_id,
            start_str,
            ptr_size: OnceLock::new(),
        })
    }

    /// Every referenced type id must exist. libbpf checks most references
    /// but not a FUNC_PROTO's return type, and btf_dump then reads through
    /// a null pointer; checking all of them here is cheap.
    fn check_refs(&self) -> Result<(), String> {
        let cnt = self.type_cnt();
        let bad =
            |id: u32, r: u32| format!("type [{id}] refers to type [{r}], which does not exist");
        for id in self.start_id..cnt {
            let t = self
                .ty(id)
                .ok_or_else(|| format!("type [{id}] is unreadable"))?;
            let check = |r: u32| if r < cnt { Ok(()) } else { Err(bad(id, r)) };
            match t.kind() {
                kind::PTR
                | kind::TYPEDEF
                | kind::VOLATILE
                | kind::CONST
                | kind::RESTRICT
                | kind::FUNC
                | kind::FUNC_PROTO
                | kind::VAR
                | kind::DECL_TAG
                | kind::TYPE_TAG => check(t.type_id())?,
                _ => {}
            }
            match t.kind() {
                kind::ARRAY => {
                    let (e, i, _) = t.array();
                    check(e)?;
                    check(i)?;
                }
                kind::STRUCT | kind::UNION => {
                    for m in t.members() {
                        check(m.type_id)?;
                    }
                }
                kind::FUNC_PROTO => {
                    for (_, p) in t.params() {
                        check(p)?;
                    }
                }
                kind::DATASEC => {
                    for (v, _, _) in t.secinfos() {
                        check(v)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    #[inline]
    fn bytes(&self) -> &[u8] {
        self.data.as_slice()
    }

    fn strs(&self) -> &[u8] {
        self.bytes().get(self.strs.clone()).unwrap_or(&[])
    }

    /// A copy of this blob's raw data with control characters in its
    /// strings replaced by `?` (same length, so offsets hold), or `None`
    /// when there are none. For writers that print names raw (btf_dump).
    pub fn without_controls(&self) -> Option<Vec<u8>> {
        let bad = |b: &u8| *b != 0 && (*b < 0x20 || *b == 0x7f);
        // Whole chunks without an early exit: the compiler vectorizes this
        // (vmlinux has 2.5 MB of strings; `any` went byte by byte).
        let clean = self
            .strs()
            .chunks(4096)
            .all(|c| !c.iter().fold(false, |acc, b| acc | bad(b)));
        if clean {
            return None;
        }
        let mut data = self.bytes().to_vec();
        for b in data
            .get_mut(self.strs.clone())?
            .iter_mut()
            .filter(|b| bad(b))
        {
            *b = b'?';
        }
        Some(data)
    }

    /// One past the highest type id (libbpf's `btf__type_cnt`).
    pub fn type_cnt(&self) -> u32 {
        self.start_id + self.hdrs.len() as u32
    }

    /// First id that belongs to this blob rather than its base.
    pub fn start_id(&self) -> u32 {
        self.start_id
    }

    pub fn base(&self) -> Option<&View> {
        self.base.as_deref()
    }

    /// One past the highest string offset (base strings included).
    pub fn str_end(&self) -> u32 {
        self.start_str + self.strs.len() as u32
    }

    /// The ids of this blob's first type of each (kind, name) in `wanted`,
    /// in the same order: one pass that reads only headers and compares
    /// names in place (vmlinux has 140k types).
    pub fn find_named(&self, wanted: &[(u32, &str)]) -> Vec<Option<u32>> {
        let mut found = vec![None; wanted.len()];
        let mut left = wanted.len();
        let d = self.bytes();
        let strs = self.strs();
        for (i, &pos) in self.hdrs.iter().enumerate() {
            let pos = pos as usize;
            let k = (rd32(d, pos + 4) >> 24) & 0x1f;
            if !wanted.iter().any(|(wk, _)| *wk == k) {
                continue;
            }
            let Some(off) = (rd32(d, pos) as usize).checked_sub(self.start_str as usize) else {
                continue;
            };
            let Some(name) = strs.get(off..) else {
                continue;
            };
            for (slot, (wk, wn)) in found.iter_mut().zip(wanted) {
                let n = wn.len();
                if slot.is_none()
                    && *wk == k
                    && name.get(n) == Some(&0)
                    && name.get(..n) == Some(wn.as_bytes())
                {
                    *slot = Some(self.start_id + i as u32);
                    left -= 1;
                }
            }
            if left == 0 {
                break;
            }
        }
        found
    }

    /// The type a record of `name` has: `struct N` or `union N` as written,
    /// or a bare `N` as a struct, else a union, else a typedef (this blob
    /// only, first of its kind).
    pub fn find_record_type(&self, name: &str) -> Option<u32> {
        let name = name.trim();
        let wanted: &[u32] = if let Some(n) = name.strip_prefix("struct ") {
            return self.find_named(&[(kind::STRUCT, n.trim())])[0];
        } else if let Some(n) = name.strip_prefix("union ") {
            return self.find_named(&[(kind::UNION, n.trim())])[0];
        } else {
            &[kind::STRUCT, kind::UNION, kind::TYPEDEF]
        };
        let q: Vec<(u32, &str)> = wanted.iter().map(|&k| (k, name)).collect();
        self.find_named(&q).into_iter().flatten().next()
    }

    /// Type by id; id 0 is `void`. `None` past the last id.
    pub fn ty(&self, id: u32) -> Option<Type<'_>> {
        if id == 0 {
            return Some(VOID_TYPE);
        }
        if id < self.start_id {
            return self.base.as_ref().and_then(|b| b.ty(id));
        }
        let pos = *self.hdrs.get((id - self.start_id) as usize)? as usize;
        let d = self.bytes();
        let rec = d.get(pos..pos + TYPE_HEADER_LEN)?;
        let info = rd32(rec, 4);
        let start = pos + TYPE_HEADER_LEN;
        Some(Type {
            id,
            name_off: rd32(rec, 0),
            info,
            size_type: rd32(rec, 8),
            data: d.get(start..pos + record_len(info)?)?,
        })
    }

    /// String at `off` (without its NUL), `None` when the offset is invalid.
    /// Offset 0 is the empty string.
    pub fn str_at(&self, off: u32) -> Option<&[u8]> {
        if off < self.start_str {
            return self.base.as_ref().and_then(|b| b.str_at(off));
        }
        let rel = (off - self.start_str) as usize;
        let s = self.strs().get(rel..)?;
        std::ffi::CStr::from_bytes_until_nul(s)
            .ok()
            .map(|c| c.to_bytes())
    }

    /// Name for display: bpftool's `btf_str` ("(anon)" for 0, "(invalid)"
    /// for a bad offset).
    pub fn display_name(&self, off: u32) -> &[u8] {
        if off == 0 {
            return b"(anon)";
        }
        self.str_at(off).unwrap_or(b"(invalid)")
    }

    /// Name as libbpf's `btf__name_by_offset` gives it, "" when invalid.
    pub fn name(&self, off: u32) -> &[u8] {
        self.str_at(off).unwrap_or(b"")
    }

    /// Skips typedefs, modifiers and vars, like libbpf's `btf__resolve_type`.
    pub fn resolve_type(&self, mut id: u32) -> Option<u32> {
        for _ in 0..32 {
            let t = self.ty(id)?;
            if id == 0 {
                return None;
            }
            if t.is_mod() || matches!(t.kind(), kind::TYPEDEF | kind::VAR) {
                id = t.type_id();
            } else {
                return Some(id);
            }
        }
        None
    }

    /// Size in bytes of a type, like libbpf's `btf__resolve_size`.
    pub fn resolve_size(&self, mut id: u32) -> Option<u64> {
        let mut nelems: u64 = 1;
        for _ in 0..32 {
            let t = self.ty(id)?;
            match t.kind() {
                kind::INT
                | kind::STRUCT
                | kind::UNION
                | kind::ENUM
                | kind::ENUM64
                | kind::DATASEC
                | kind::FLOAT => {
                    let total = nelems.checked_mul(u64::from(t.size()))?;
                    return (total <= u64::from(u32::MAX)).then_some(total);
                }
                kind::PTR => return Some(nelems * self.pointer_size()),
                kind::TYPEDEF
                | kind::VOLATILE
                | kind::CONST
                | kind::RESTRICT
                | kind::VAR
                | kind::DECL_TAG
                | kind::TYPE_TAG => id = t.type_id(),
                kind::ARRAY => {
                    let (elem, _, n) = t.array();
                    nelems = nelems.checked_mul(u64::from(n))?;
                    if nelems > u64::from(u32::MAX) {
                        return None;
                    }
                    id = elem;
                }
                _ => return None,
            }
        }
        None
    }

    /// Pointer size: the size of a `long` INT if the BTF has one, else 8.
    pub fn pointer_size(&self) -> u64 {
        if let Some(b) = &self.base {
            return b.pointer_size();
        }
        *self.ptr_size.get_or_init(|| self.find_pointer_size())
    }

    fn find_pointer_size(&self) -> u64 {
        const LONGS: [&[u8]; 11] = [
            b"long",
            b"long int",
            b"int long",
            b"unsigned long",
            b"long unsigned",
            b"unsigned long int",
            b"unsigned int long",
            b"long unsigned int",
            b"long int unsigned",
            b"int unsigned long",
            b"int long unsigned",
        ];
        for id in 1..self.type_cnt() {
            if let Some(t) = self.ty(id) {
                if t.kind() == kind::INT
                    && (t.size() == 4 || t.size() == 8)
                    && LONGS.contains(&self.name(t.name_off))
                {
                    return u64::from(t.size());
                }
            }
        }
        8
    }
}
