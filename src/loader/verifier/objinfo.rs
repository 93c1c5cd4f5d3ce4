//! What the object itself says about a program, for the report: the final
//! instructions (as the verifier saw them), function starts, source lines,
//! and the CO-RE relocation records of its `.BTF.ext`.
//!
//! Lines and functions come from the prepared program (libbpf has already
//! moved `.BTF.ext` line and func info to final instruction indexes, with
//! subprograms appended). CO-RE records are read from the ELF's `.BTF.ext`
//! itself (libbpf keeps them private) and placed at final indexes through the
//! functions: a record at byte `off` of section `S` falls in the function
//! whose `.BTF.ext` func info starts at or before it in `S`.

use std::ffi::{CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use libbpf_rs::btf::types::{Array, Composite};
use libbpf_rs::btf::{Btf, BtfKind, BtfType, TypeId};
use libbpf_rs::AsRawLibbpf;
use serde::Serialize;

use super::btfinfo::{self, StructLayout};
use crate::disasm::insn::Insn;

/// A source line of the program (line info), at a final instruction index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SrcLine {
    pub insn: usize,
    pub file: String,
    pub line: u32,
    pub col: u32,
    /// The line's text as BTF keeps it (leading white space removed).
    pub text: String,
}

/// A function of the program (func info), at a final instruction index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FuncStart {
    pub insn: usize,
    pub name: String,
}

/// One CO-RE relocation record of the object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CoreRelo {
    /// Final instruction index in this program, when it falls in it.
    pub insn: Option<usize>,
    /// ELF section and instruction index within it.
    pub section: String,
    pub section_insn: usize,
    /// libbpf's name of the relocation kind (`byte_off`, `field_exists`, …).
    pub kind: String,
    /// `struct task_struct___old`.
    pub type_name: String,
    /// The access string of the record (`0:1:2`).
    pub access: String,
    /// Field path, as libbpf prints it: `task_struct___old.pid`.
    pub spec: String,
    /// The kernel's name of the type: the local name without its `___flavour`.
    pub kernel_type: String,
    /// The last field of the access, if the record is about a field.
    pub field: Option<String>,
}

/// Everything known about a program besides its verifier log.
#[derive(Debug, Clone, Default)]
pub struct ObjInfo {
    pub prog_name: String,
    pub section: String,
    /// Instructions as given to the kernel (after libbpf's relocations).
    pub insns: Vec<Insn>,
    pub funcs: Vec<FuncStart>,
    pub lines: Vec<SrcLine>,
    pub core_relos: Vec<CoreRelo>,
    /// libbpf's warnings from the load (for failures before the kernel).
    pub libbpf_messages: Vec<String>,
    /// The struct behind the context argument, from the object's BTF.
    pub ctx_layout: Option<StructLayout>,
    /// Map name and the struct of its value, from the object's BTF.
    pub map_values: Vec<(String, StructLayout)>,
    /// Map name and the max_entries its definition writes.
    pub map_max_entries: Vec<(String, u32)>,
    /// Program types this kernel lets read the context field the log
    /// refused (probed live; `None` when not probed).
    pub ctx_readers: Option<Vec<String>>,
}

impl ObjInfo {
    /// The line info record covering instruction `insn` (the last at or before it).
    pub fn line_for(&self, insn: usize) -> Option<&SrcLine> {
        let i = self.lines.partition_point(|l| l.insn <= insn);
        self.lines[..i]
            .iter()
            .rev()
            .find(|l| l.line != 0 || !l.text.is_empty())
    }

    /// The CO-RE record placed at instruction `insn`.
    pub fn core_relo_at(&self, insn: usize) -> Option<&CoreRelo> {
        self.core_relos.iter().find(|r| r.insn == Some(insn))
    }
}

/// A string of the object's BTF string section.
///
/// # Safety
/// `btf` is a live libbpf btf.
unsafe fn btf_str(btf: *const libbpf_sys::btf, off: u32) -> String {
    // SAFETY: btf is live; name_by_offset returns NULL or a string inside it.
    unsafe { cstr(libbpf_sys::btf__name_by_offset(btf, off)) }.unwrap_or_default()
}

/// Name of a BTF type by id (func info names).
///
/// # Safety
/// `btf` is a live libbpf btf.
unsafe fn btf_type_name(btf: *const libbpf_sys::btf, id: u32) -> String {
    // SAFETY: type_by_id returns NULL or a pointer into the live btf.
    let t = unsafe { libbpf_sys::btf__type_by_id(btf, id) };
    if t.is_null() {
        return String::new();
    }
    // SAFETY: t points at a btf_type of the live btf.
    unsafe { btf_str(btf, (*t).name_off) }
}

/// Instructions, functions and lines of a prepared (relocated, not yet
/// loaded) program.
///
/// # Safety
/// `obj` and `prog` are live, `obj` is prepared and `prog` belongs to it.
pub unsafe fn from_prepared(
    obj: *mut libbpf_sys::bpf_object,
    prog: *mut libbpf_sys::bpf_program,
) -> ObjInfo {
    let mut info = ObjInfo::default();
    // SAFETY (whole function): per the contract, the pointers returned by
    // libbpf for `prog` are valid for the counts it reports, until `obj` is
    // closed; everything is copied out here.
    unsafe {
        info.prog_name = cstr(libbpf_sys::bpf_program__name(prog)).unwrap_or_default();
        info.section = cstr(libbpf_sys::bpf_program__section_name(prog)).unwrap_or_default();
        let n = libbpf_sys::bpf_program__insn_cnt(prog);
        let p = libbpf_sys::bpf_program__insns(prog);
        if !p.is_null() {
            let raw = std::slice::from_raw_parts(p, n as usize);
            info.insns = raw
                .iter()
                .map(|i| Insn::new(i.code, i.dst_reg(), i.src_reg(), i.off, i.imm))
                .collect();
        }
        let btf = libbpf_sys::bpf_object__btf(obj);
        if btf.is_null() {
            return info;
        }
        let fc = libbpf_sys::bpf_program__func_info_cnt(prog) as usize;
        let fp = libbpf_sys::bpf_program__func_info(prog);
        if !fp.is_null() {
            for f in std::slice::from_raw_parts(fp, fc) {
                info.funcs.push(FuncStart {
                    insn: f.insn_off as usize,
                    name: btf_type_name(btf, f.type_id),
                });
            }
        }
        let lc = libbpf_sys::bpf_program__line_info_cnt(prog) as usize;
        let lp = libbpf_sys::bpf_program__line_info(prog);
        if !lp.is_null() {
            for l in std::slice::from_raw_parts(lp, lc) {
                info.lines.push(SrcLine {
                    insn: l.insn_off as usize,
                    file: btf_str(btf, l.file_name_off),
                    line: l.line_col >> 10,
                    col: l.line_col & 0x3ff,
                    text: btf_str(btf, l.line_off).trim().to_string(),
                });
            }
        }
    }
    info.funcs.sort_by_key(|f| f.insn);
    info.lines.sort_by_key(|l| l.insn);
    info
}

/// Info for a program whose object could not even be prepared: names and
/// the CO-RE records (not placed: there are no final instructions).
pub fn from_elf(path: &Path, prog: &str, section: &str) -> ObjInfo {
    let mut info = ObjInfo {
        prog_name: prog.to_string(),
        section: section.to_string(),
        ..Default::default()
    };
    add_elf_info(&mut info, path, prog, section);
    info
}

/// Adds the CO-RE records of the ELF's `.BTF.ext`, placed at final
/// instruction indexes through the program's functions.
pub fn add_elf_info(info: &mut ObjInfo, path: &Path, prog: &str, section: &str) {
    let Some(ext) = ElfBtfExt::read(path) else {
        return;
    };
    let Ok(btf) = Btf::from_path(path) else {
        return;
    };
    info.ctx_layout = btfinfo::ctx_layout(&btf, prog);
    info.map_values = btfinfo::map_value_layouts(&btf);
    info.map_max_entries = btfinfo::map_max_entries(&btf);
    let raw = btf.as_libbpf_object().as_ptr();
    // Where each function starts in its ELF section (instruction index).
    let mut elf_funcs: Vec<(String, String, usize)> = Vec::new();
    for sec in &ext.func_info {
        // SAFETY: `btf` is alive for this whole function.
        let sec_name = unsafe { btf_str(raw, sec.name_off) };
        for r in &sec.records {
            // SAFETY: as above.
            let name = unsafe { btf_type_name(raw, r[1]) };
            elf_funcs.push((sec_name.clone(), name, r[0] as usize / 8));
        }
    }
    // Final functions: (final start, final end, section, section start).
    let mut spans: Vec<(usize, usize, String, usize)> = Vec::new();
    let funcs: Vec<FuncStart> = if info.funcs.is_empty() {
        vec![FuncStart {
            insn: 0,
            name: prog.to_string(),
        }]
    } else {
        info.funcs.clone()
    };
    for (k, f) in funcs.iter().enumerate() {
        let end = funcs
            .get(k + 1)
            .map(|n| n.insn)
            .unwrap_or(if info.insns.is_empty() {
                usize::MAX
            } else {
                info.insns.len()
            });
        let elf = elf_funcs
            .iter()
            .find(|(s, n, _)| *n == f.name && (k > 0 || s == section))
            .or_else(|| elf_funcs.iter().find(|(_, n, _)| *n == f.name));
        if let Some((s, _, start)) = elf {
            spans.push((f.insn, end, s.clone(), *start));
        }
    }
    for sec in &ext.core_relo {
        // SAFETY: `btf` is alive.
        let sec_name = unsafe { btf_str(raw, sec.name_off) };
        for r in &sec.records {
            let sec_insn = r[0] as usize / 8;
            // SAFETY: `btf` is alive.
            let access = unsafe { btf_str(raw, r[2]) };
            let mut relo = describe(&btf, r[1], &access, r[3]);
            relo.section = sec_name.clone();
            relo.section_insn = sec_insn;
            relo.insn = spans.iter().find_map(|(fs, fe, s, ss)| {
                (*s == sec_name && sec_insn >= *ss && sec_insn - ss < fe - fs)
                    .then(|| fs + (sec_insn - ss))
            });
            info.core_relos.push(relo);
        }
    }
}

/// libbpf's names of the relocation kinds (`enum bpf_core_relo_kind`).
fn relo_kind_name(kind: u32) -> &'static str {
    match kind {
        0 => "byte_off",
        1 => "byte_sz",
        2 => "field_exists",
        3 => "signed",
        4 => "lshift_u64",
        5 => "rshift_u64",
        6 => "local_type_id",
        7 => "target_type_id",
        8 => "type_exists",
        9 => "type_matches",
        10 => "type_size",
        11 => "enumval_exists",
        12 => "enumval_value",
        _ => "unknown",
    }
}

fn kind_word(k: BtfKind) -> &'static str {
    match k {
        BtfKind::Struct => "struct ",
        BtfKind::Union => "union ",
        BtfKind::Enum | BtfKind::Enum64 => "enum ",
        BtfKind::Typedef => "typedef ",
        _ => "",
    }
}

fn type_name(t: &BtfType<'_>) -> String {
    t.name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Turns a record into names: the root type and the field path of the
/// access string (`0:1:2`: index 0 into the root pointer, then member 1,
/// then member 2), as libbpf's `bpf_core_format_spec` names it.
fn describe(btf: &Btf<'_>, type_id: u32, access: &str, kind: u32) -> CoreRelo {
    let mut r = CoreRelo {
        kind: relo_kind_name(kind).to_string(),
        access: access.to_string(),
        ..Default::default()
    };
    let Some(root) = btf.type_by_id::<BtfType<'_>>(TypeId::from(type_id)) else {
        return r;
    };
    let name = type_name(&root);
    r.type_name = format!("{}{}", kind_word(root.kind()), name);
    r.kernel_type = format!(
        "{}{}",
        kind_word(root.kind()),
        name.split("___").next().unwrap_or(&name)
    );
    let mut spec = name.clone();
    let is_field = kind <= 5;
    let is_enumval = kind == 11 || kind == 12;
    let idx: Vec<usize> = access
        .split(':')
        .filter_map(|s| s.parse::<usize>().ok())
        .collect();
    if is_enumval {
        if let (Some(&i), Ok(e)) = (
            idx.first(),
            libbpf_rs::btf::types::Enum::try_from(root.skip_mods_and_typedefs()),
        ) {
            if let Some(m) = e.get(i) {
                let n = m.name.map(OsStr::as_bytes).unwrap_or_default();
                let n = String::from_utf8_lossy(n).into_owned();
                spec = format!("{name}::{n}");
                r.field = Some(n);
            }
        }
    } else if is_field {
        let mut cur = root.skip_mods_and_typedefs();
        if let Some(&first) = idx.first() {
            if first != 0 {
                spec.push_str(&format!("[{first}]"));
            }
        }
        for &i in idx.iter().skip(1) {
            if let Ok(c) = Composite::try_from(cur) {
                let Some(m) = c.get(i) else { break };
                let n = m
                    .name
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if !n.is_empty() {
                    spec.push('.');
                    spec.push_str(&n);
                    r.field = Some(n);
                }
                let Some(next) = btf.type_by_id::<BtfType<'_>>(m.ty) else {
                    break;
                };
                cur = next.skip_mods_and_typedefs();
            } else if let Ok(a) = Array::try_from(cur) {
                spec.push_str(&format!("[{i}]"));
                let Some(next) = btf.type_by_id::<BtfType<'_>>(a.ty()) else {
                    break;
                };
                cur = next.skip_mods_and_typedefs();
            } else {
                break;
            }
        }
    }
    r.spec = spec;
    r
}

/// The CO-RE records of a raw `.BTF.ext` (as libbpf's btf_ext__raw_data
/// gives it): per section its name offset and its records' four words
/// (insn_off, type_id, access_str_off, kind). None if it is no .BTF.ext.
pub fn core_relo_records(raw_ext: &[u8]) -> Option<Vec<(u32, Vec<[u32; 4]>)>> {
    let ext = ElfBtfExt::parse(raw_ext)?;
    Some(
        ext.core_relo
            .into_iter()
            .map(|s| (s.name_off, s.records))
            .collect(),
    )
}

/// One section's records of a `.BTF.ext` info block.
#[derive(Debug, Default)]
struct ExtSection {
    name_off: u32,
    /// Each record's first four u32 words (func info has two, CO-RE four).
    records: Vec<[u32; 4]>,
}

/// The func info and CO-RE blocks of a `.BTF.ext`.
#[derive(Debug, Default)]
struct ElfBtfExt {
    func_info: Vec<ExtSection>,
    core_relo: Vec<ExtSection>,
}

impl ElfBtfExt {
    /// Reads `.BTF.ext` of the ELF at `path` through libbpf's parser.
    fn read(path: &Path) -> Option<Self> {
        let c = cstring(path.to_str()?)?;
        let mut ext: *mut libbpf_sys::btf_ext = std::ptr::null_mut();
        // SAFETY: c is a valid path; ext receives an owned btf_ext or stays NULL.
        let btf = unsafe { libbpf_sys::btf__parse_elf(c.as_ptr(), &mut ext) };
        // libbpf 1.x returns NULL on errors (no error pointers).
        let bytes = if ext.is_null() {
            None
        } else {
            let mut size = 0u32;
            // SAFETY: ext is live; raw_data points at `size` bytes it owns.
            let p = unsafe { libbpf_sys::btf_ext__raw_data(ext, &mut size) };
            // SAFETY: as above, copied before ext is freed.
            (!p.is_null()).then(|| {
                unsafe { std::slice::from_raw_parts(p.cast::<u8>(), size as usize) }.to_vec()
            })
        };
        // SAFETY: both were returned by btf__parse_elf; the free functions accept NULL.
        unsafe {
            libbpf_sys::btf_ext__free(ext);
            libbpf_sys::btf__free(btf);
        }
        Self::parse(&bytes?)
    }

    /// Parses the raw `.BTF.ext` (host byte order, as libbpf leaves it).
    fn parse(b: &[u8]) -> Option<Self> {
        let u32_at = |o: usize| -> Option<u32> {
            Some(u32::from_ne_bytes(b.get(o..o + 4)?.try_into().ok()?))
        };
        let magic = u16::from_ne_bytes(b.get(0..2)?.try_into().ok()?);
        if magic != 0xeb9f {
            return None;
        }
        let hdr_len = u32_at(4)? as usize;
        let block = |off_at: usize, words: usize| -> Vec<ExtSection> {
            if hdr_len < off_at + 8 {
                return Vec::new();
            }
            let (Some(off), Some(len)) = (u32_at(off_at), u32_at(off_at + 4)) else {
                return Vec::new();
            };
            let start = hdr_len + off as usize;
            let end = start + len as usize;
            parse_block(b.get(start..end).unwrap_or_default(), words)
        };
        Some(ElfBtfExt {
            func_info: block(8, 2),
            core_relo: block(24, 4),
        })
    }
}

/// `rec_size`, then per section `sec_name_off, num_info, records…`.
fn parse_block(b: &[u8], words: usize) -> Vec<ExtSection> {
    let u32_at =
        |o: usize| -> Option<u32> { Some(u32::from_ne_bytes(b.get(o..o + 4)?.try_into().ok()?)) };
    let mut out = Vec::new();
    let Some(rec_size) = u32_at(0).map(|r| r as usize) else {
        return out;
    };
    if rec_size < words * 4 {
        return out;
    }
    let mut o = 4;
    while let (Some(name_off), Some(n)) = (u32_at(o), u32_at(o + 4)) {
        o += 8;
        let mut sec = ExtSection {
            name_off,
            records: Vec::with_capacity(n as usize),
        };
        for _ in 0..n {
            let mut r = [0u32; 4];
            for (w, slot) in r.iter_mut().enumerate().take(words) {
                match u32_at(o + 4 * w) {
                    Some(v) => *slot = v,
                    None => return out,
                }
            }
            sec.records.push(r);
            o += rec_size;
        }
        out.push(sec);
    }
    out
}

/// A C string for libbpf, or `None` if it has a NUL inside.
pub(crate) fn cstring(s: &str) -> Option<CString> {
    CString::new(s).ok()
}

/// A libbpf string pointer as Rust text.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for the call.
pub(crate) unsafe fn cstr(p: *const libc::c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: per the function's contract.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ext_blocks() {
        // rec_size 16; one section "x" (name_off 5) with one record.
        let mut core = Vec::new();
        for w in [16u32, 5, 1, 24, 7, 9, 0] {
            core.extend_from_slice(&w.to_ne_bytes());
        }
        let secs = parse_block(&core, 4);
        assert_eq!(secs.len(), 1);
        assert_eq!(secs[0].name_off, 5);
        assert_eq!(secs[0].records, vec![[24, 7, 9, 0]]);
        // A cut block stops cleanly.
        assert!(parse_block(&core[..20], 4).is_empty());
    }

    #[test]
    fn line_lookup_takes_last_at_or_before() {
        let info = ObjInfo {
            lines: vec![
                SrcLine {
                    insn: 0,
                    line: 5,
                    text: "a".into(),
                    ..Default::default()
                },
                SrcLine {
                    insn: 4,
                    line: 7,
                    text: "b".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(info.line_for(3).map(|l| l.line), Some(5));
        assert_eq!(info.line_for(4).map(|l| l.line), Some(7));
        assert_eq!(info.line_for(99).map(|l| l.line), Some(7));
    }
}
