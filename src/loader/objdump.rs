//! Programs of a BPF ELF object before loading (`prog dump xlated file
//! OBJ.o`): pre-verifier instructions, relocations shown by the name of
//! their symbol, prototypes from the object's BTF.
//!
//! The `object` crate reads sections, symbols and relocations: libbpf keeps
//! relocations in private structures (libbpf-rs's OpenObject gives the
//! instructions but not what each ld_imm64 or call will be bound to), and
//! naming them is the point of this view.

use std::collections::HashMap;
use std::path::Path;

use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SectionKind, SymbolKind};

use crate::btf::view::{kind, Bytes};
use crate::btf::View;
use crate::disasm::insn::*;
use crate::disasm::printer::Resolve;
use crate::disasm::xlated::{FuncInfo, LineInfo};

/// Errors reading an object file.
#[derive(Debug, thiserror::Error)]
pub enum ObjDumpError {
    #[error("can't read {path}: {err}")]
    Read { path: String, err: std::io::Error },
    #[error("{path} is not a BPF ELF object: {why}")]
    Parse { path: String, why: String },
    #[error("no program named {0} in the object")]
    NoSuchProgram(String),
}

/// What a relocation at an instruction binds it to.
#[derive(Clone, Debug)]
pub struct Reloc {
    pub symbol: String,
    /// Section the symbol lives in (`.maps`, `.data`, `.text`, ...), or
    /// empty for an undefined (extern) symbol.
    pub section: String,
    pub kind: SymbolKind,
    /// Symbol value (offset in its section).
    pub value: u64,
}

/// One function of the object: a program (its own section) or a
/// subprogram (in `.text`).
#[derive(Clone, Debug)]
pub struct ObjFunc {
    pub name: String,
    pub section: String,
    pub subprog: bool,
    pub insns: Vec<Insn>,
    /// Relocations by instruction index (relative to the function).
    pub relocs: HashMap<usize, Reloc>,
    /// Prototype from BTF, when the object has it.
    pub proto: Option<String>,
    /// Source lines from `.BTF.ext` (insn_off relative to the function),
    /// when the object was built with -g.
    pub lines: Vec<LineInfo>,
    /// Every function of the object by (section, byte offset): names the
    /// targets of calls and callback references made through a section symbol.
    pub funcs_at: std::rc::Rc<HashMap<(String, u64), String>>,
}

/// Reads every function of the object, programs first in section order,
/// then `.text` subprograms.
pub fn read(path: &Path) -> Result<Vec<ObjFunc>, ObjDumpError> {
    let p = path.display().to_string();
    let data = crate::infile::read(path).map_err(|err| ObjDumpError::Read {
        path: p.clone(),
        err,
    })?;
    let file = object::File::parse(&*data).map_err(|e| ObjDumpError::Parse {
        path: p.clone(),
        why: e.to_string(),
    })?;
    if file.architecture() != object::Architecture::Bpf {
        return Err(ObjDumpError::Parse {
            path: p,
            why: format!("architecture is {:?}", file.architecture()),
        });
    }
    // A corrupted .BTF only costs prototypes and source lines (every
    // accessor of the view is bounds-checked).
    let btf = file
        .section_by_name(".BTF")
        .and_then(|s| s.data().ok())
        .and_then(|b| View::for_lookup(Bytes::Owned(b.to_vec())).ok());
    let lines = section_lines(&file, btf.as_ref());

    let mut funcs_at = HashMap::new();
    for s in file.symbols().filter(|s| s.kind() == SymbolKind::Text) {
        let sec = s
            .section_index()
            .and_then(|i| file.section_by_index(i).ok())
            .and_then(|x| x.name().ok().map(str::to_string));
        if let (Some(sec), Ok(n)) = (sec, s.name()) {
            funcs_at.insert((sec, s.address()), n.to_string());
        }
    }
    let funcs_at = std::rc::Rc::new(funcs_at);
    let mut out = Vec::new();
    for sec in file.sections() {
        if sec.kind() != SectionKind::Text {
            continue;
        }
        let sec_name = sec.name().unwrap_or("").to_string();
        let bytes = sec.data().unwrap_or(&[]);
        let insns = parse_insns(bytes);
        // Relocations of this section by instruction index.
        let mut relocs: HashMap<usize, Reloc> = HashMap::new();
        for (off, r) in sec.relocations() {
            if let RelocationTarget::Symbol(si) = r.target() {
                if let Ok(sym) = file.symbol_by_index(si) {
                    let section = sym
                        .section_index()
                        .and_then(|i| file.section_by_index(i).ok())
                        .and_then(|s| s.name().ok().map(str::to_string))
                        .unwrap_or_default();
                    let mut name = sym.name().unwrap_or("").to_string();
                    if name.is_empty() {
                        name = section.clone();
                    }
                    relocs.insert(
                        (off / INSN_SIZE as u64) as usize,
                        Reloc {
                            symbol: name,
                            section,
                            kind: sym.kind(),
                            value: sym.address(),
                        },
                    );
                }
            }
        }
        // Functions: the FUNC symbols of the section, by address.
        let mut funcs: Vec<(u64, u64, String)> = file
            .symbols()
            .filter(|s| s.kind() == SymbolKind::Text && s.section_index() == Some(sec.index()))
            .map(|s| (s.address(), s.size(), s.name().unwrap_or("").to_string()))
            .filter(|(_, _, n)| !n.is_empty())
            .collect();
        funcs.sort();
        if funcs.is_empty() && !insns.is_empty() {
            funcs.push((0, bytes.len() as u64, sec_name.clone()));
        }
        for (addr, size, name) in funcs {
            let start = (addr / INSN_SIZE as u64) as usize;
            let end = if size > 0 {
                (addr.saturating_add(size) / INSN_SIZE as u64) as usize
            } else {
                insns.len()
            };
            // Hostile symbol values must not make a reversed range.
            let end = end.min(insns.len());
            let start = start.min(end);
            let proto = btf.as_ref().and_then(|b| {
                let id = b.find_named(&[(kind::FUNC, &name)])[0]?;
                crate::disasm::proto::type_only(b, id)
            });
            let lines = lines
                .get(&sec_name)
                .map(|all| {
                    all.iter()
                        .filter(|l| (start..end).contains(&(l.insn_off as usize)))
                        .map(|l| LineInfo {
                            insn_off: l.insn_off - start as u32,
                            ..l.clone()
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(ObjFunc {
                lines,
                subprog: sec_name == ".text",
                section: sec_name.clone(),
                relocs: relocs
                    .iter()
                    .filter(|(&i, _)| i >= start && i < end)
                    .map(|(&i, r)| (i - start, r.clone()))
                    .collect(),
                insns: insns[start..end].to_vec(),
                name,
                proto,
                funcs_at: funcs_at.clone(),
            });
        }
    }
    // Programs first, then subprograms (stable within each group).
    out.sort_by_key(|f| f.subprog);
    Ok(out)
}

/// The line info of `.BTF.ext` by section name, insn_off in instructions
/// from the start of the section; strings from `.BTF`. Empty when either
/// section is missing or malformed: lines are a help, not a requirement.
fn section_lines(file: &object::File, btf: Option<&View>) -> HashMap<String, Vec<LineInfo>> {
    let ext = file.section_by_name(".BTF.ext").and_then(|s| s.data().ok());
    let (Some(view), Some(ext)) = (btf, ext) else {
        return HashMap::new();
    };
    parse_line_info(ext, &|off| {
        view.str_at(off)
            .map(|s| String::from_utf8_lossy(s).into_owned())
    })
}

/// `.BTF.ext` (struct btf_ext_header, then the line_info block: rec_size,
/// then per section: name offset, count, records of insn_off in bytes,
/// file name, source line, line << 10 | column).
fn parse_line_info(
    ext: &[u8],
    name: &dyn Fn(u32) -> Option<String>,
) -> HashMap<String, Vec<LineInfo>> {
    let mut out = HashMap::new();
    let rd = |b: &[u8], off: usize| -> Option<u32> {
        Some(u32::from_ne_bytes(
            b.get(off..off.checked_add(4)?)?.try_into().ok()?,
        ))
    };
    let magic = ext.get(..2).map(|m| u16::from_ne_bytes([m[0], m[1]]));
    if magic != Some(0xeb9f) {
        return out;
    }
    let (Some(hdr_len), Some(off), Some(len)) = (rd(ext, 4), rd(ext, 16), rd(ext, 20)) else {
        return out;
    };
    // Offsets are from the end of the header; the header must hold them.
    if hdr_len < 24 {
        return out;
    }
    let start = hdr_len as usize + off as usize;
    let Some(block) = ext.get(start..start.saturating_add(len as usize)) else {
        return out;
    };
    let Some(rec) = rd(block, 0).map(|r| r as usize).filter(|&r| r >= 16) else {
        return out;
    };
    let mut pos = 4usize;
    while let (Some(sec_off), Some(n)) = (rd(block, pos), rd(block, pos + 4)) {
        pos += 8;
        let Some(sec) = name(sec_off) else { break };
        let v: &mut Vec<LineInfo> = out.entry(sec).or_default();
        for _ in 0..n {
            let (Some(insn), Some(file), Some(line), Some(col)) = (
                rd(block, pos),
                rd(block, pos + 4),
                rd(block, pos + 8),
                rd(block, pos + 12),
            ) else {
                return out;
            };
            pos += rec;
            v.push(LineInfo {
                insn_off: insn / INSN_SIZE as u32,
                src: name(line).map(|s| s.trim_start().to_string()),
                file: name(file),
                line_num: col >> 10,
                line_col: col & 0x3ff,
            });
        }
    }
    out
}

/// Names for a pre-load program: relocated ld_imm64 and calls by symbol.
pub struct ObjNames<'a> {
    pub func: &'a ObjFunc,
    /// Index of the instruction being printed (see [`Resolve::at`]).
    cur: std::cell::Cell<usize>,
}

impl<'a> ObjNames<'a> {
    pub fn new(func: &'a ObjFunc) -> Self {
        ObjNames {
            func,
            cur: std::cell::Cell::new(0),
        }
    }
}

impl Resolve for ObjNames<'_> {
    fn at(&self, idx: usize) {
        self.cur.set(idx);
    }

    fn call_name(&self, insn: &Insn) -> Option<String> {
        let r = self.func.relocs.get(&self.cur.get())?;
        if insn.src_reg != BPF_PSEUDO_CALL {
            // kfunc or other extern call: libbpf binds it by name.
            return Some(r.symbol.clone());
        }
        // Through a section symbol the target is symbol + (imm + 1) slots.
        let target = if r.kind == SymbolKind::Section {
            let off = (r.value as i64).wrapping_add((i64::from(insn.imm) + 1) * INSN_SIZE as i64);
            self.target_name(&r.section, off)
                .unwrap_or_else(|| r.symbol.clone())
        } else {
            r.symbol.clone()
        };
        Some(format!("{:+}#{target}", insn.imm))
    }

    fn imm_name(&self, insn: &Insn, _next: &Insn, full_imm: u64) -> Option<String> {
        let Some(r) = self.func.relocs.get(&self.cur.get()) else {
            return Some(format!("{full_imm:#x}"));
        };
        let off = (r.value as i64).wrapping_add(i64::from(insn.imm));
        Some(if r.section == ".maps" || r.section == "maps" {
            format!("map[{}]", r.symbol)
        } else if let Some(f) = self.target_name(&r.section, off) {
            // A function's address: a callback.
            format!("subprog[{f}]")
        } else if r.kind == SymbolKind::Text {
            format!("subprog[{}]", r.symbol)
        } else if r.section.is_empty() {
            // An extern (kconfig, ksym): bound by libbpf at load.
            format!("extern[{}]", r.symbol)
        } else if r.kind == SymbolKind::Section {
            // Data section reference: the offset is in imm.
            format!("map[{}]+{off}", r.section)
        } else {
            format!("map[{}]+{off} <{}>", r.section, r.symbol)
        })
    }
}

impl ObjNames<'_> {
    fn target_name(&self, section: &str, off: i64) -> Option<String> {
        let off = u64::try_from(off).ok()?;
        self.func.funcs_at.get(&(section.to_string(), off)).cloned()
    }
}

/// `FuncInfo` for the header line of a function's dump.
pub fn func_info(f: &ObjFunc) -> FuncInfo {
    FuncInfo {
        insn_off: 0,
        proto: f.proto.clone(),
        name: Some(f.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A .BTF.ext with one section of two line records.
    fn ext() -> Vec<u8> {
        let mut b = Vec::new();
        let w = |b: &mut Vec<u8>, v: u32| b.extend_from_slice(&v.to_ne_bytes());
        b.extend_from_slice(&0xeb9fu16.to_ne_bytes());
        b.extend_from_slice(&[1, 0]);
        // hdr_len, func_info off/len, line_info off/len
        for v in [24, 0, 0, 0, 4 + 8 + 2 * 16] {
            w(&mut b, v);
        }
        w(&mut b, 16); // rec_size
        w(&mut b, 1); // section name
        w(&mut b, 2); // records
        for (insn, line, col) in [(0, 2, 3 << 10 | 5), (16, 3, 4 << 10)] {
            for v in [insn, 4, line, col] {
                w(&mut b, v);
            }
        }
        b
    }

    fn names(off: u32) -> Option<String> {
        ["", "sec", "  a = 1;", "return a;", "x.c"]
            .get(off as usize)
            .map(|s| s.to_string())
    }

    #[test]
    fn line_info_records_and_damaged_input() {
        let all = parse_line_info(&ext(), &names);
        let v = &all["sec"];
        assert_eq!(v.len(), 2);
        assert_eq!(
            (v[0].insn_off, v[0].src.as_deref(), v[0].file.as_deref()),
            (0, Some("a = 1;"), Some("x.c"))
        );
        assert_eq!((v[0].line_num, v[0].line_col), (3, 5));
        assert_eq!((v[1].insn_off, v[1].line_num), (2, 4));
        // Every truncation gives fewer records, never a panic; a bad magic
        // gives none.
        let full = ext();
        for n in 0..full.len() {
            let got = parse_line_info(&full[..n], &names);
            assert!(got.get("sec").map_or(0, Vec::len) < 2, "cut at {n}");
        }
        let mut bad = full.clone();
        bad[0] ^= 0xff;
        assert!(parse_line_info(&bad, &names).is_empty());
        // A record size past the data: the first record, then nothing.
        let mut huge = full;
        huge[24..28].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(parse_line_info(&huge, &names)["sec"].len(), 1);
    }
}
