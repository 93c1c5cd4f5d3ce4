//! The kernel side of `prog dump`: a program's xlated or jited image and
//! everything that describes it (func info, line info, jited ksyms, function
//! lengths, jited line info, BTF strings and prototypes), fetched with two
//! BPF_OBJ_GET_INFO_BY_FD calls as bpftool's prep_prog_info() does, and
//! handed to `disasm` as plain data. /proc/kallsyms is read here, once per
//! command.

use std::os::fd::OwnedFd;

use super::{get_info, Result, SysError};
use crate::btf::View;
use crate::disasm::proto;
use crate::disasm::xlated::{FuncInfo, LineInfo};
use crate::record::kallsyms::KernelSymbols;

/// Which image to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Image {
    Xlated,
    Jited,
}

/// A program's image and metadata, as the kernel reported it.
#[derive(Debug, Default)]
pub struct ProgImage {
    pub id: u32,
    /// The requested image (xlated instructions or JIT machine code).
    pub image: Vec<u8>,
    /// The program is jited (xlated `call pc+N` keep their offset in `off`).
    pub jited: bool,
    pub jited_ksyms: Vec<u64>,
    pub jited_func_lens: Vec<u32>,
    pub funcs: Vec<FuncInfo>,
    pub lines: Vec<LineInfo>,
    /// JIT address of each line info record (same length as `lines`, or empty).
    pub jited_line_addrs: Vec<u64>,
}

fn read_u32s(raw: &[u8], rec_size: usize, words: usize) -> Vec<Vec<u32>> {
    if rec_size < words * 4 {
        return Vec::new();
    }
    raw.chunks_exact(rec_size)
        .map(|r| {
            (0..words)
                .map(|k| u32::from_ne_bytes([r[4 * k], r[4 * k + 1], r[4 * k + 2], r[4 * k + 3]]))
                .collect()
        })
        .collect()
}

/// A string of the BTF string section (line info file and line texts).
fn btf_str(btf: &View, off: u32) -> Option<String> {
    btf.str_at(off)
        .map(|s| String::from_utf8_lossy(s).into_owned())
}

/// Fetches the image and its metadata.
pub fn fetch(fd: &OwnedFd, image: Image) -> Result<ProgImage> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    get_info(fd, &mut info).map_err(|e| retag(e, "can't get prog info"))?;
    let id = info.id;

    let (len, what) = match image {
        Image::Xlated => (info.xlated_prog_len, "insn"),
        Image::Jited => (info.jited_prog_len, "jit"),
    };
    if len == 0 {
        return Err(SysError::Msg(match image {
            Image::Xlated => "error retrieving insn dump: kernel.kptr_restrict set?".to_string(),
            Image::Jited => "error retrieving jit dump: no instructions returned or \
                             kernel.kptr_restrict set?"
                .to_string(),
        }));
    }
    let mut img = vec![0u8; len as usize];
    let mut ksyms = vec![0u64; info.nr_jited_ksyms as usize];
    let mut lens = vec![0u32; info.nr_jited_func_lens as usize];
    let finfo_rec = info.func_info_rec_size as usize;
    let mut finfo = vec![0u8; info.nr_func_info as usize * finfo_rec];
    let linfo_rec = info.line_info_rec_size as usize;
    let mut linfo = vec![0u8; info.nr_line_info as usize * linfo_rec];
    let jlinfo_rec = info.jited_line_info_rec_size as usize;
    let want_jlinfo = image == Image::Jited;
    let mut jlinfo = vec![
        0u8;
        if want_jlinfo {
            info.nr_jited_line_info as usize * jlinfo_rec
        } else {
            0
        }
    ];

    let mut again = libbpf_sys::bpf_prog_info::default();
    match image {
        Image::Xlated => {
            again.xlated_prog_len = len;
            again.xlated_prog_insns = img.as_mut_ptr() as u64;
        }
        Image::Jited => {
            again.jited_prog_len = len;
            again.jited_prog_insns = img.as_mut_ptr() as u64;
        }
    }
    again.nr_jited_ksyms = ksyms.len() as u32;
    again.jited_ksyms = ksyms.as_mut_ptr() as u64;
    again.nr_jited_func_lens = lens.len() as u32;
    again.jited_func_lens = lens.as_mut_ptr() as u64;
    again.nr_func_info = info.nr_func_info;
    again.func_info_rec_size = info.func_info_rec_size;
    again.func_info = finfo.as_mut_ptr() as u64;
    again.nr_line_info = info.nr_line_info;
    again.line_info_rec_size = info.line_info_rec_size;
    again.line_info = linfo.as_mut_ptr() as u64;
    if want_jlinfo {
        again.nr_jited_line_info = info.nr_jited_line_info;
        again.jited_line_info_rec_size = info.jited_line_info_rec_size;
        again.jited_line_info = jlinfo.as_mut_ptr() as u64;
    }
    // Every pointer above refers to a buffer sized from the first call's
    // counts, and the counts passed are those sizes: the kernel writes at most that.
    get_info(fd, &mut again).map_err(|e| retag(e, "can't get prog info"))?;

    // The program cannot change after load, but be safe against shorter answers.
    let got = match image {
        Image::Xlated => again.xlated_prog_len,
        Image::Jited => again.jited_prog_len,
    } as usize;
    img.truncate(got);
    if img.is_empty() {
        return Err(SysError::Msg(format!(
            "error retrieving {what} dump: kernel.kptr_restrict set?"
        )));
    }
    ksyms.truncate(again.nr_jited_ksyms as usize);
    lens.truncate(again.nr_jited_func_lens as usize);

    let mut out = ProgImage {
        id,
        image: img,
        jited: info.jited_prog_len > 0 && !ksyms.is_empty(),
        jited_ksyms: ksyms,
        jited_func_lens: lens,
        ..Default::default()
    };

    if info.btf_id != 0 {
        let btf = super::btf::view(info.btf_id).map_err(|e| retag(e, "failed to get btf"))?;
        for r in read_u32s(&finfo, finfo_rec, 2) {
            let (insn_off, type_id) = (r[0], r[1]);
            out.funcs.push(FuncInfo {
                insn_off,
                proto: proto::type_only(&btf, type_id),
                name: proto::func_name(&btf, type_id),
            });
        }
        for r in read_u32s(&linfo, linfo_rec, 4) {
            let (insn_off, file_off, line_off, line_col) = (r[0], r[1], r[2], r[3]);
            out.lines.push(LineInfo {
                insn_off,
                src: btf_str(&btf, line_off).map(|s| s.trim_start().to_string()),
                file: btf_str(&btf, file_off),
                line_num: line_col >> 10,
                line_col: line_col & 0x3ff,
            });
        }
        if want_jlinfo && jlinfo_rec >= 8 && again.nr_jited_line_info as usize == out.lines.len() {
            out.jited_line_addrs = jlinfo
                .chunks_exact(jlinfo_rec)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&c[..8]);
                    u64::from_ne_bytes(b)
                })
                .collect();
        }
    }
    Ok(out)
}

fn retag(e: SysError, what: &str) -> SysError {
    match e {
        SysError::Os { errno, .. } => SysError::os(what, errno),
        other => other,
    }
}

/// Reads /proc/kallsyms (once per command). A missing or unreadable file
/// gives an empty table: names then fall back to addresses, as in bpftool.
pub fn kallsyms() -> KernelSymbols {
    match std::fs::read("/proc/kallsyms") {
        Ok(b) => KernelSymbols::parse(String::from_utf8_lossy(&b).into_owned()),
        Err(_) => KernelSymbols::default(),
    }
}

/// Writes an image to `path` (`file F`), created with mode 0600 as bpftool does.
pub fn write_image(path: &std::path::Path, image: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| {
            SysError::os(
                format!("can't open file {}", path.display()),
                e.raw_os_error().unwrap_or(libc::EIO),
            )
        })?;
    f.write_all(image).map_err(|e| {
        SysError::os(
            "error writing output file",
            e.raw_os_error().unwrap_or(libc::EIO),
        )
    })
}
