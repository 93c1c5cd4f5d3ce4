//! Holders of BPF objects through a BPF `iter/task_file` program, the way
//! upstream bpftool finds `pids` (skeleton/pid_iter.bpf.c), but built here
//! as a few dozen instructions instead of a clang-built object:
//!
//! - bpftool matches `file->f_op` against `bpf_prog_fops` and friends,
//!   found through kallsyms. Kernels without CONFIG_KALLSYMS_ALL (this
//!   project's CI among them) do not list data symbols, so we match what
//!   `/proc/PID/fd` shows instead: a file of the anon-inode filesystem
//!   whose dentry is named `bpf-prog`, `bpf-map`, `bpf_link`/`bpf-link`
//!   or `btf`.
//! - The program has no maps and no BTF of its own, so nothing it leaves
//!   behind while the kernel frees it can show up in `map show` or
//!   `btf show`; the struct offsets it needs come from vmlinux BTF
//!   ([`Layout`], filled by the caller).
//!
//! One pass over every task's fd table in the kernel replaces a readlink
//! and an fdinfo read per fd of every process.
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::ids::ObjKind;
use super::{errno, Result, SysError};
use crate::record::pids::{add_holder, PidTable};

/// Byte offsets of the kernel struct members the program reads, and the
/// vmlinux BTF id of `bpf_iter_task_file` (the attach target).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    pub attach_btf_id: u32,
    /// `struct bpf_iter__task_file`: meta, task, file.
    pub ctx_meta: i16,
    pub ctx_task: i16,
    pub ctx_file: i16,
    /// `struct bpf_iter_meta.seq`
    pub meta_seq: i16,
    /// `struct file`: f_inode, f_path.dentry, private_data.
    pub file_inode: i16,
    pub file_dentry: i16,
    pub file_private: i16,
    /// `struct inode.i_sb`, `struct super_block.s_magic`.
    pub inode_sb: i16,
    pub sb_magic: i16,
    /// `struct dentry.d_name.name`
    pub dentry_name: i16,
    /// `struct task_struct`: tgid, group_leader, comm.
    pub task_tgid: i16,
    pub task_leader: i16,
    pub task_comm: i16,
    /// `struct bpf_prog.aux`, `struct bpf_prog_aux.id`, and the `id` of
    /// `struct bpf_map`, `struct bpf_link`, `struct btf`.
    pub prog_aux: i32,
    pub aux_id: i32,
    pub map_id: i32,
    pub link_id: i32,
    pub btf_id: i32,
}

/// The anon-inode dentry names of each kind: a link is "bpf_link" when
/// created and "bpf-link" when reopened (pin, GET_FD_BY_ID).
pub fn anon_names(kind: ObjKind) -> &'static [&'static str] {
    match kind {
        ObjKind::Prog => &["bpf-prog"],
        ObjKind::Map => &["bpf-map"],
        ObjKind::Link => &["bpf_link", "bpf-link"],
        ObjKind::Btf => &["btf"],
    }
}

/// ANON_INODE_FS_MAGIC (include/uapi/linux/magic.h).
const ANON_INODE_FS_MAGIC: i32 = 0x0904_1934;
const HELPER_PROBE_READ_KERNEL: i32 = 113;
const HELPER_PROBE_READ_KERNEL_STR: i32 = 115;
const HELPER_SEQ_WRITE: i32 = 127;
/// One record the program writes: id u32, tgid u32, comm[16].
const ENTRY_LEN: usize = 24;

/// Runs the iterator for `kind` and collects every holder but `skip_pid`;
/// also gives the ids of its own program and link, which a listing made
/// at the same time (see `cmd::show`) must leave out.
pub fn holders(
    kind: ObjKind,
    layout: &Layout,
    skip_pid: i32,
) -> Result<(PidTable, Vec<(ObjKind, u32)>)> {
    let insns = program(kind, layout);
    let prog = load(&insns, layout.attach_btf_id)?;
    // SAFETY: prog is a valid program fd; NULL opts are allowed.
    let link = unsafe {
        libbpf_sys::bpf_link_create(
            prog.as_raw_fd(),
            0,
            libbpf_sys::BPF_TRACE_ITER,
            std::ptr::null(),
        )
    };
    let link = owned(link, "can't attach the holder iterator")?;
    let own: Vec<(ObjKind, u32)> = [(ObjKind::Prog, &prog), (ObjKind::Link, &link)]
        .into_iter()
        .filter_map(|(k, fd)| super::pins::id_of(k, fd).map(|id| (k, id)))
        .collect();
    // SAFETY: link is a valid iterator link fd.
    let iter = unsafe { libbpf_sys::bpf_iter_create(link.as_raw_fd()) };
    let iter = owned(iter, "can't create the holder iterator")?;
    let mut data = Vec::with_capacity(64 * 1024);
    std::fs::File::from(iter)
        .read_to_end(&mut data)
        .map_err(|e| {
            SysError::os(
                "can't read the holder iterator",
                e.raw_os_error().unwrap_or(0),
            )
        })?;
    // The iterator's file is closed; then the link, then the program: each
    // id is released as its last fd goes, so another process listing
    // objects sees them only while this runs (as with bpftool's iterator).
    drop(link);
    drop(prog);
    Ok((parse(&data, skip_pid), own))
}

fn owned(fd: i32, what: &str) -> Result<OwnedFd> {
    if fd < 0 {
        return Err(SysError::os(what, errno()));
    }
    // SAFETY: a fresh fd nobody else owns; closed on drop.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn parse(data: &[u8], skip_pid: i32) -> PidTable {
    let mut table = PidTable::new();
    for e in data.chunks_exact(ENTRY_LEN) {
        let id = u32::from_ne_bytes([e[0], e[1], e[2], e[3]]);
        let pid = i32::from_ne_bytes([e[4], e[5], e[6], e[7]]);
        if id == 0 || pid == skip_pid {
            continue;
        }
        let comm = &e[8..24];
        let comm = &comm[..comm.iter().position(|&b| b == 0).unwrap_or(comm.len())];
        add_holder(&mut table, id, pid, || {
            String::from_utf8_lossy(comm).into_owned()
        });
    }
    table
}

fn load(insns: &[libbpf_sys::bpf_insn], attach_btf_id: u32) -> Result<OwnedFd> {
    // bpf(2) directly: libbpf's bpf_prog_load first probes memcg accounting
    // and program names with two more program loads, a third of this
    // lookup's cost. Where the direct load fails (a kernel that still
    // charges RLIMIT_MEMLOCK), libbpf's path raises the limit and retries.
    if let Some(fd) = load_direct(insns, attach_btf_id) {
        return Ok(fd);
    }
    let mut opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        expected_attach_type: libbpf_sys::BPF_TRACE_ITER,
        attach_btf_id,
        ..Default::default()
    };
    // SAFETY: name, license, insns and opts live across the call and
    // insn_cnt matches insns.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            libbpf_sys::BPF_PROG_TYPE_TRACING,
            PROG_NAME.as_ptr(),
            c"GPL".as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            &mut opts,
        )
    };
    owned(fd, "can't load the holder iterator")
}

const PROG_NAME: &std::ffi::CStr = c"bpfscope_pids";

fn load_direct(insns: &[libbpf_sys::bpf_insn], attach_btf_id: u32) -> Option<OwnedFd> {
    // SAFETY: an all-zero bpf_attr is valid (unused fields must be zero).
    let mut attr: libbpf_sys::bpf_attr = unsafe { std::mem::zeroed() };
    // SAFETY: only the BPF_PROG_LOAD member of the zeroed union is written.
    let p = unsafe { &mut attr.__bindgen_anon_3 };
    p.prog_type = libbpf_sys::BPF_PROG_TYPE_TRACING;
    p.insn_cnt = insns.len() as u32;
    p.insns = insns.as_ptr() as u64;
    p.license = c"GPL".as_ptr() as u64;
    p.expected_attach_type = libbpf_sys::BPF_TRACE_ITER;
    p.attach_btf_id = attach_btf_id;
    for (d, s) in p.prog_name.iter_mut().zip(PROG_NAME.to_bytes()) {
        *d = *s as libc::c_char;
    }
    // SAFETY: attr and what it points to (insns, license) live across the call.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            libbpf_sys::BPF_PROG_LOAD as libc::c_long,
            &mut attr as *mut libbpf_sys::bpf_attr,
            std::mem::size_of::<libbpf_sys::bpf_attr>() as libc::c_uint,
        )
    };
    // SAFETY: a fresh fd from the kernel.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

// ------------------------------------------------------------ the program

// Registers: r6 ctx, r7 task, r8 file.
const R0: u8 = 0;
const R1: u8 = 1;
const R2: u8 = 2;
const R3: u8 = 3;
const R6: u8 = 6;
const R7: u8 = 7;
const R8: u8 = 8;
const FP: u8 = 10;

// Stack: the dentry name at fp-16, a scratch word at fp-24, the record at
// fp-48 (id, tgid, comm).
const NAME: i16 = -16;
const SCRATCH: i16 = -24;
const ENTRY: i16 = -48;

fn raw(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> libbpf_sys::bpf_insn {
    let mut i = libbpf_sys::bpf_insn {
        code,
        off,
        imm,
        ..Default::default()
    };
    i.set_dst_reg(dst);
    i.set_src_reg(src);
    i
}

/// A tiny assembler: forward jumps to one `out` label are patched at the end.
struct Asm {
    insns: Vec<libbpf_sys::bpf_insn>,
    to_out: Vec<usize>,
}

impl Asm {
    fn push(&mut self, i: libbpf_sys::bpf_insn) -> &mut Self {
        self.insns.push(i);
        self
    }
    /// dst = *(u64 *)(src + off)
    fn ldx64(&mut self, dst: u8, src: u8, off: i16) -> &mut Self {
        self.push(raw(0x79, dst, src, off, 0))
    }
    /// dst = *(u32 *)(src + off)
    fn ldx32(&mut self, dst: u8, src: u8, off: i16) -> &mut Self {
        self.push(raw(0x61, dst, src, off, 0))
    }
    /// *(u64 *)(dst + off) = src
    fn stx64(&mut self, dst: u8, off: i16, src: u8) -> &mut Self {
        self.push(raw(0x7b, dst, src, off, 0))
    }
    /// *(u32 *)(dst + off) = src
    fn stx32(&mut self, dst: u8, off: i16, src: u8) -> &mut Self {
        self.push(raw(0x63, dst, src, off, 0))
    }
    /// *(u64 *)(dst + off) = imm
    fn st64(&mut self, dst: u8, off: i16, imm: i32) -> &mut Self {
        self.push(raw(0x7a, dst, 0, off, imm))
    }
    fn mov(&mut self, dst: u8, src: u8) -> &mut Self {
        self.push(raw(0xbf, dst, src, 0, 0))
    }
    fn mov_imm(&mut self, dst: u8, imm: i32) -> &mut Self {
        self.push(raw(0xb7, dst, 0, 0, imm))
    }
    fn add_imm(&mut self, dst: u8, imm: i32) -> &mut Self {
        self.push(raw(0x07, dst, 0, 0, imm))
    }
    fn ld_imm64(&mut self, dst: u8, v: u64) -> &mut Self {
        self.push(raw(0x18, dst, 0, 0, v as u32 as i32));
        self.push(raw(0, 0, 0, 0, (v >> 32) as u32 as i32))
    }
    fn call(&mut self, helper: i32) -> &mut Self {
        self.push(raw(0x85, 0, 0, 0, helper))
    }
    /// if dst == imm goto out
    fn jeq_out(&mut self, dst: u8, imm: i32) -> &mut Self {
        self.to_out.push(self.insns.len());
        self.push(raw(0x15, dst, 0, 0, imm))
    }
    /// if dst != imm goto out
    fn jne_out(&mut self, dst: u8, imm: i32) -> &mut Self {
        self.to_out.push(self.insns.len());
        self.push(raw(0x55, dst, 0, 0, imm))
    }
    /// if dst != src goto out
    fn jne_reg_out(&mut self, dst: u8, src: u8) -> &mut Self {
        self.to_out.push(self.insns.len());
        self.push(raw(0x5d, dst, src, 0, 0))
    }
    /// r1 = fp + off (a stack buffer argument)
    fn stack_arg(&mut self, reg: u8, off: i16) -> &mut Self {
        self.mov(reg, FP).add_imm(reg, off.into())
    }
    /// Ends with `out: r0 = 0; exit` and patches the jumps to it.
    fn finish(mut self) -> Vec<libbpf_sys::bpf_insn> {
        let out = self.insns.len();
        self.mov_imm(R0, 0).push(raw(0x95, 0, 0, 0, 0));
        for at in self.to_out {
            self.insns[at].off = (out - at - 1) as i16;
        }
        self.insns
    }
}

/// A name of at most 8 bytes, NUL-padded, as one native-endian word (the
/// program checks that the dentry name's second word is all NULs).
fn name_word(name: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = name.len().min(8);
    b[..n].copy_from_slice(&name.as_bytes()[..n]);
    u64::from_ne_bytes(b)
}

/// The program for `kind`: for every file of every task, when the file is a
/// BPF object of that kind, write (id, tgid, group leader's comm).
fn program(kind: ObjKind, l: &Layout) -> Vec<libbpf_sys::bpf_insn> {
    let mut a = Asm {
        insns: Vec::with_capacity(64),
        to_out: Vec::new(),
    };
    a.mov(R6, R1)
        .ldx64(R7, R6, l.ctx_task)
        .ldx64(R8, R6, l.ctx_file)
        .jeq_out(R7, 0)
        .jeq_out(R8, 0);
    // An anon-inode file? (loads through BTF pointers fault to 0, safely)
    a.ldx64(R1, R8, l.file_inode)
        .ldx64(R1, R1, l.inode_sb)
        .ldx64(R1, R1, l.sb_magic)
        .jne_out(R1, ANON_INODE_FS_MAGIC);
    // Its dentry name, NUL-padded to 16 bytes.
    a.st64(FP, NAME, 0)
        .st64(FP, NAME + 8, 0)
        .ldx64(R1, R8, l.file_dentry)
        .ldx64(R3, R1, l.dentry_name)
        .stack_arg(R1, NAME)
        .mov_imm(R2, 16)
        .call(HELPER_PROBE_READ_KERNEL_STR)
        .ldx64(R1, FP, NAME + 8)
        .jne_out(R1, 0)
        .ldx64(R1, FP, NAME);
    // Every accepted first word jumps over the final "no match" jump.
    let names = anon_names(kind);
    for (i, n) in names.iter().enumerate() {
        a.ld_imm64(R2, name_word(n));
        if i + 1 < names.len() {
            // if r1 == r2 skip the remaining compares
            let skip = (names.len() - i - 1) as i16 * 3;
            a.push(raw(0x1d, R1, R2, skip, 0));
        } else {
            a.jne_reg_out(R1, R2);
        }
    }
    // The object's id, through file->private_data.
    a.ldx64(R3, R8, l.file_private);
    let id_off = match kind {
        ObjKind::Prog => {
            a.add_imm(R3, l.prog_aux)
                .stack_arg(R1, SCRATCH)
                .mov_imm(R2, 8)
                .call(HELPER_PROBE_READ_KERNEL)
                .ldx64(R3, FP, SCRATCH);
            l.aux_id
        }
        ObjKind::Map => l.map_id,
        ObjKind::Link => l.link_id,
        ObjKind::Btf => l.btf_id,
    };
    a.st64(FP, SCRATCH, 0)
        .add_imm(R3, id_off)
        .stack_arg(R1, SCRATCH)
        .mov_imm(R2, 4)
        .call(HELPER_PROBE_READ_KERNEL)
        .ldx32(R1, FP, SCRATCH)
        .jeq_out(R1, 0)
        .stx32(FP, ENTRY, R1)
        .ldx32(R1, R7, l.task_tgid)
        .stx32(FP, ENTRY + 4, R1);
    // comm of the group leader, as bpftool shows it.
    a.ldx64(R1, R7, l.task_leader)
        .ldx64(R2, R1, l.task_comm)
        .stx64(FP, ENTRY + 8, R2)
        .ldx64(R2, R1, l.task_comm + 8)
        .stx64(FP, ENTRY + 16, R2);
    a.ldx64(R1, R6, l.ctx_meta)
        .ldx64(R1, R1, l.meta_seq)
        .stack_arg(R2, ENTRY)
        .mov_imm(R3, ENTRY_LEN as i32)
        .call(HELPER_SEQ_WRITE);
    a.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_skips_zero_ids_own_pid_and_duplicates() {
        let rec = |id: u32, pid: i32, comm: &[u8]| {
            let mut v = id.to_ne_bytes().to_vec();
            v.extend_from_slice(&pid.to_ne_bytes());
            let mut c = [0u8; 16];
            c[..comm.len()].copy_from_slice(comm);
            v.extend_from_slice(&c);
            v
        };
        let mut data = Vec::new();
        for r in [
            rec(5, 10, b"a"),
            rec(5, 10, b"a"),
            rec(5, 11, b"full_sixteen_chr"),
            rec(0, 12, b"zero"),
            rec(6, 99, b"me"),
        ] {
            data.extend(r);
        }
        data.extend_from_slice(&[1, 2, 3]); // a torn tail is ignored
        let t = parse(&data, 99);
        assert_eq!(t.len(), 1);
        let refs = &t[&5];
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].comm, "full_sixteen_chr");
    }

    #[test]
    fn anon_names_fit_the_one_word_compare() {
        for kind in [ObjKind::Prog, ObjKind::Map, ObjKind::Link, ObjKind::Btf] {
            for n in anon_names(kind) {
                assert!(n.len() <= 8, "{n}: the program compares one word");
            }
        }
        assert_eq!(name_word("btf"), u64::from_ne_bytes(*b"btf\0\0\0\0\0"));
    }

    #[test]
    fn jumps_land_on_the_exit_block() {
        let l = Layout::default();
        for kind in [ObjKind::Prog, ObjKind::Map, ObjKind::Link, ObjKind::Btf] {
            let p = program(kind, &l);
            let out = p.len() - 2;
            for (i, insn) in p.iter().enumerate() {
                if insn.code & 0x07 == 0x05 && insn.code != 0x85 && insn.code != 0x95 {
                    let to = i as i64 + 1 + i64::from(insn.off);
                    assert!(to as usize <= out, "{kind:?} insn {i} jumps past the end");
                }
            }
            assert_eq!(p[out].code, 0xb7);
        }
        // A link's first accepted name skips the second compare and lands
        // on the private_data load.
        let p = program(ObjKind::Link, &l);
        let at = p.iter().position(|i| i.code == 0x1d).expect("jeq reg");
        let to = &p[at + 1 + p[at].off as usize];
        assert_eq!((to.code, to.dst_reg(), to.src_reg()), (0x79, R3, R8));
    }
}
