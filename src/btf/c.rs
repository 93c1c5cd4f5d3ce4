//! `btf dump ... format c`: a compilable header through libbpf's btf_dump,
//! laid out as current bpftool does it (btf.c `dump_btf_c`): the vmlinux.h
//! preamble, types in bpftool's stable sort order (unless `unsorted`), then
//! `extern` prototypes for kfuncs, then the closing lines.
//!
//! libbpf's btf_dump prints through a C `printf`-style callback with a
//! `va_list`, which stable Rust cannot format; the callback hands it to
//! `vfprintf` on an `open_memstream` FILE, and we copy that buffer to the
//! Rust writer as we go.
//!
//! One intentional difference from bpftool: bpftool sorts ids 0..n and then
//! skips the first *sorted* entry (meant to skip `void`, but it drops
//! whichever anonymous enum sorts first); we sort ids 1..n and dump them all.

use std::ffi::CString;
use std::io::Write;
use std::os::raw::{c_char, c_int, c_void};

use super::handle::Btf;
use super::order::{emits_something, sorted_groups};
use super::view::{kind, View};
use super::BtfError;

extern "C" {
    // The va_list type is the one libbpf-sys's callback hands us.
    fn vfprintf(
        stream: *mut libc::FILE,
        fmt: *const c_char,
        ap: *mut libbpf_sys::__va_list_tag,
    ) -> c_int;
}

/// btf_dump's print callback: `ctx` is our memstream FILE.
unsafe extern "C" fn printf_cb(
    ctx: *mut c_void,
    fmt: *const c_char,
    args: *mut libbpf_sys::__va_list_tag,
) {
    // SAFETY: ctx is the FILE* we passed to btf_dump__new, open for the whole
    // life of the btf_dump; fmt/args come straight from libbpf's vprintf call.
    unsafe {
        vfprintf(ctx.cast(), fmt, args);
    }
}

const PREAMBLE: &str = "#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
#endif

#ifndef __ksym
#define __ksym __attribute__((section(\".ksyms\")))
#endif

#ifndef __weak
#define __weak __attribute__((weak))
#endif

#ifndef __bpf_fastcall
#if __has_attribute(bpf_fastcall)
#define __bpf_fastcall __attribute__((bpf_fastcall))
#else
#define __bpf_fastcall
#endif
#endif

";

const POSTAMBLE: &str = "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
";

/// A memstream FILE plus the btf_dump printing into it; both freed on drop.
struct Dumper {
    file: *mut libc::FILE,
    buf: *mut c_char,
    size: libc::size_t,
    /// Bytes of `buf` already copied out.
    copied: usize,
    d: *mut libbpf_sys::btf_dump,
}

impl Dumper {
    fn new(btf: &Btf) -> Result<Box<Dumper>, BtfError> {
        // Boxed so the addresses of `buf`/`size` stay put for open_memstream.
        let mut this = Box::new(Dumper {
            file: std::ptr::null_mut(),
            buf: std::ptr::null_mut(),
            size: 0,
            copied: 0,
            d: std::ptr::null_mut(),
        });
        // SAFETY: buf/size point into the boxed struct, which outlives the
        // stream (closed in Drop before the box is freed).
        this.file = unsafe { libc::open_memstream(&mut this.buf, &mut this.size) };
        if this.file.is_null() {
            return Err(BtfError::CDump(std::io::Error::last_os_error().to_string()));
        }
        // SAFETY: btf is a live libbpf btf that outlives this Dumper (borrowed
        // by the caller for the whole dump); the callback only uses `file`.
        this.d = unsafe {
            libbpf_sys::btf_dump__new(
                btf.as_ptr(),
                Some(printf_cb),
                this.file.cast(),
                std::ptr::null(),
            )
        };
        if this.d.is_null() {
            return Err(BtfError::CDump(std::io::Error::last_os_error().to_string()));
        }
        Ok(this)
    }

    fn puts(&mut self, s: &str) {
        // SAFETY: file is an open stream; s is valid for s.len() bytes.
        unsafe { libc::fwrite(s.as_ptr().cast(), 1, s.len(), self.file) };
    }

    fn dump_type(&mut self, id: u32) -> Result<(), BtfError> {
        // SAFETY: d is a live btf_dump; libbpf checks the id itself.
        let err = unsafe { libbpf_sys::btf_dump__dump_type(self.d, id) };
        if err < 0 {
            return Err(BtfError::CDump(format!(
                "type [{id}]: {}",
                std::io::Error::from_raw_os_error(-err)
            )));
        }
        Ok(())
    }

    fn emit_decl(&mut self, id: u32, field_name: &CString) -> Result<(), BtfError> {
        self.emit_decl_opts(id, field_name, 0, false)
    }

    fn emit_decl_opts(
        &mut self,
        id: u32,
        field_name: &CString,
        indent_level: i32,
        strip_mods: bool,
    ) -> Result<(), BtfError> {
        let opts = libbpf_sys::btf_dump_emit_type_decl_opts {
            sz: std::mem::size_of::<libbpf_sys::btf_dump_emit_type_decl_opts>() as _,
            field_name: field_name.as_ptr(),
            indent_level,
            strip_mods,
            ..Default::default()
        };
        // SAFETY: d is live; opts and field_name outlive the call.
        let err = unsafe { libbpf_sys::btf_dump__emit_type_decl(self.d, id, &opts) };
        if err < 0 {
            return Err(BtfError::CDump(format!(
                "declaration of type [{id}]: {}",
                std::io::Error::from_raw_os_error(-err)
            )));
        }
        Ok(())
    }

    /// Copies what the stream holds so far to `out`.
    fn drain<W: Write + ?Sized>(&mut self, out: &mut W) -> Result<(), BtfError> {
        // SAFETY: fflush on our open stream updates buf/size; buf then holds
        // at least `size` bytes until the next write to the stream.
        let chunk = unsafe {
            libc::fflush(self.file);
            if self.buf.is_null() || self.size <= self.copied {
                return Ok(());
            }
            std::slice::from_raw_parts(
                self.buf.cast::<u8>().add(self.copied),
                self.size - self.copied,
            )
        };
        out.write_all(chunk)?;
        // Back to the start: the stream overwrites its buffer instead of
        // growing it to the size of the whole header (size is then the
        // new position, the smaller of position and data length).
        // SAFETY: file is our open stream.
        if unsafe { libc::fseek(self.file, 0, libc::SEEK_SET) } == 0 {
            self.copied = 0;
        } else {
            self.copied = self.size;
        }
        Ok(())
    }
}

impl Drop for Dumper {
    fn drop(&mut self) {
        // SAFETY: each pointer is either null or owned by us and freed once:
        // the btf_dump first (it prints into the stream), then the stream,
        // then the buffer that fclose leaves to the caller.
        unsafe {
            if !self.d.is_null() {
                libbpf_sys::btf_dump__free(self.d);
            }
            if !self.file.is_null() {
                libc::fclose(self.file);
            }
            if !self.buf.is_null() {
                libc::free(self.buf.cast());
            }
        }
    }
}

/// One C declaration at a time, as btf_dump's `emit_type_decl` prints it
/// (skeletons type their data-section variables this way).
pub struct DeclWriter(Box<Dumper>);

impl DeclWriter {
    pub fn new(btf: &Btf) -> Result<DeclWriter, BtfError> {
        Ok(DeclWriter(Dumper::new(btf)?))
    }

    /// `TYPE name` for type `id`, the way a struct member is written at
    /// `indent` (nested anonymous types are indented from there);
    /// `strip_mods` drops const/volatile/restrict.
    pub fn decl(
        &mut self,
        id: u32,
        name: &str,
        indent: i32,
        strip_mods: bool,
    ) -> Result<String, BtfError> {
        let name = CString::new(name)
            .map_err(|_| BtfError::CDump(format!("type [{id}]: name with a NUL byte")))?;
        self.0.emit_decl_opts(id, &name, indent, strip_mods)?;
        let mut out = Vec::new();
        self.0.drain(&mut out)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// Dumps `btf` as C. With `roots`, only those types (and what they need),
/// without kfuncs; otherwise every type, sorted unless `sort` is false.
pub fn dump_c<W: Write + ?Sized>(
    btf: &Btf,
    roots: &[u32],
    sort: bool,
    out: &mut W,
) -> Result<(), BtfError> {
    // btf_dump prints names as they are: control characters in them would
    // reach the terminal (such names are no C identifiers anyway).
    let clean;
    let btf = match btf.view().without_controls() {
        Some(data) => {
            clean = Btf::from_bytes(&data, btf.base().cloned())?;
            &clean
        }
        None => btf,
    };
    let view = btf.view();
    // Four threads: two check that libbpf can dump this BTF at all, one
    // sorts the types rank group by rank group and hands each group over
    // when ready, and this one dumps the groups as they arrive (while the
    // large anonymous group is still being sorted). Nothing is dumped
    // before the check has passed.
    std::thread::scope(|s| {
        let cycles = s.spawn(|| check_cycles(view));
        let layout = s.spawn(|| check_layout(view));
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u32>>();
        let sorter = roots.is_empty().then(|| {
            s.spawn(move || {
                if sort {
                    sorted_groups(view, |g| tx.send(g).is_ok());
                } else {
                    let _ = tx.send(
                        (1..view.type_cnt())
                            .filter(|&id| emits_something(view, id))
                            .collect(),
                    );
                }
            })
        });
        let mut d = Dumper::new(btf)?;
        for checker in [cycles, layout] {
            checker
                .join()
                .unwrap_or_else(|_| Err("internal error while checking types".into()))
                .map_err(BtfError::CDump)?;
        }
        out.write_all(PREAMBLE.as_bytes())?;
        if let Some(sorter) = sorter {
            let mut n = 0usize;
            for group in rx.iter() {
                for id in group {
                    d.dump_type(id)?;
                    n += 1;
                    if n.is_multiple_of(8192) {
                        d.drain(out)?;
                    }
                }
            }
            if sorter.join().is_err() {
                return Err(BtfError::CDump("internal error while sorting types".into()));
            }
            dump_kfuncs(view, &mut d)?;
        } else {
            for &id in roots {
                d.dump_type(id)?;
            }
        }
        d.drain(out)?;
        out.write_all(POSTAMBLE.as_bytes())?;
        Ok(())
    })
}

fn dump_kfuncs(view: &View, d: &mut Dumper) -> Result<(), BtfError> {
    d.puts("\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n");
    let mut kfuncs: Vec<u32> = Vec::new();
    let mut fastcalls: Vec<u32> = Vec::new();
    for id in 1..view.type_cnt() {
        let Some(t) = view.ty(id) else { continue };
        if t.kind() != kind::DECL_TAG || t.component_idx() != -1 {
            continue;
        }
        if view.ty(t.type_id()).map(|f| f.kind()) != Some(kind::FUNC) {
            continue;
        }
        match view.name(t.name_off) {
            b"bpf_kfunc" => kfuncs.push(t.type_id()),
            b"bpf_fastcall" => fastcalls.push(t.type_id()),
            _ => {}
        }
    }
    let func_name = |id: u32| view.ty(id).map_or(&b""[..], |t| view.name(t.name_off));
    kfuncs.sort_by(|&a, &b| func_name(a).cmp(func_name(b)));
    for f in kfuncs {
        d.puts("extern ");
        if fastcalls.contains(&f) {
            d.puts("__bpf_fastcall ");
        }
        // Names come from validated BTF strings, which hold no NUL.
        let name = CString::new(func_name(f)).unwrap_or_default();
        let proto = view.ty(f).map_or(0, |t| t.type_id());
        d.emit_decl(proto, &name)?;
        d.puts(" __weak __ksym;\n");
    }
    d.puts("#endif\n\n");
    Ok(())
}

/// libbpf's btf_dump trusts BTF that libbpf's loader accepted, but crafted
/// BTF can still crash it: a member whose type has no alignment (an INT of
/// size 0, a FWD or void member) divides by zero (SIGFPE), and reference
/// cycles (`typedef A -> const -> typedef A`, a struct containing itself by
/// value) recurse without end. bpftool crashes on such input; we refuse it
/// with an error first, in two independent halves that `dump_c` runs on
/// two threads ([`check_cycles`], [`check_layout`]), each linear in the
/// number of types.
///
/// No cycles along the reference edges btf_dump follows by recursion.
fn check_cycles(v: &View) -> Result<(), String> {
    // Reference edges btf_dump follows without a name to stop at: the
    // i-th edge of a type, None past the last.
    fn edge(t: &super::view::Type<'_>, i: usize) -> Option<u32> {
        match t.kind() {
            kind::PTR
            | kind::TYPEDEF
            | kind::VOLATILE
            | kind::CONST
            | kind::RESTRICT
            | kind::TYPE_TAG
            | kind::DECL_TAG
            | kind::FUNC
            | kind::VAR => (i == 0).then(|| t.type_id()),
            kind::ARRAY => match i {
                0 => Some(t.array().0),
                1 => Some(t.array().1),
                _ => None,
            },
            kind::FUNC_PROTO if i == 0 => Some(t.type_id()),
            kind::FUNC_PROTO => t.params().nth(i - 1).map(|p| p.1),
            _ => None,
        }
    }
    let n = v.type_cnt() as usize;
    // 1. No cycles along reference edges (iterative DFS, three colours).
    let mut colour = vec![0u8; n];
    // (type id, index of its next edge to follow)
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for root in 1..n {
        if colour[root] != 0 {
            continue;
        }
        colour[root] = 1;
        stack.push((root as u32, 0));
        while let Some((id, i)) = stack.last_mut() {
            let next = v.ty(*id).and_then(|t| edge(&t, *i));
            *i += 1;
            match next {
                Some(next) => match colour.get(next as usize).copied() {
                    Some(0) => {
                        colour[next as usize] = 1;
                        stack.push((next, 0));
                    }
                    Some(1) if next != 0 => {
                        return Err(format!(
                            "type [{id}]: reference cycle through type [{next}]"
                        ));
                    }
                    _ => {}
                },
                None => {
                    colour[*id as usize] = 2;
                    stack.pop();
                }
            }
        }
    }
    Ok(())
}

/// Every struct/union and member has an alignment, and no struct needs
/// absurd padding.
fn check_layout(v: &View) -> Result<(), String> {
    // A byte a type (vmlinux has 140k): NEW, BUSY, or the alignment, which
    // is at most the pointer size.
    const NEW: u8 = 0;
    const BUSY: u8 = u8::MAX;
    let n = v.type_cnt() as usize;
    // 2. Every struct/union and member has an alignment (btf__align_of > 0).
    let ptr = v.pointer_size().min(u64::from(BUSY - 1));
    let mut st = vec![NEW; n];
    fn align(v: &View, id: u32, ptr: u64, st: &mut [u8], depth: u32) -> Result<u64, String> {
        match st.get(id as usize).copied() {
            Some(BUSY) => return Err(format!("type [{id}] contains itself")),
            Some(NEW) | None => {}
            Some(a) => return Ok(u64::from(a)),
        }
        if depth > 256 {
            return Err(format!("type [{id}] nests too deeply"));
        }
        let t = v.ty(id).ok_or_else(|| format!("no type [{id}]"))?;
        if let Some(s) = st.get_mut(id as usize) {
            *s = BUSY;
        }
        let a = match t.kind() {
            kind::INT | kind::ENUM | kind::ENUM64 | kind::FLOAT => ptr.min(u64::from(t.size())),
            kind::PTR => ptr,
            kind::TYPEDEF | kind::VOLATILE | kind::CONST | kind::RESTRICT | kind::TYPE_TAG => {
                align(v, t.type_id(), ptr, st, depth + 1)?
            }
            kind::ARRAY => align(v, t.array().0, ptr, st, depth + 1)?,
            kind::STRUCT | kind::UNION => {
                let mut max = 1;
                for m in t.members() {
                    let a = align(v, m.type_id, ptr, st, depth + 1)
                        .map_err(|e| format!("type [{id}] member: {e}"))?;
                    max = max.max(a);
                }
                max
            }
            k => {
                return Err(format!(
                    "type [{id}] ({}) has no layout",
                    super::view::kind_name(k)
                ))
            }
        };
        if a == 0 {
            return Err(format!("type [{id}] has size 0"));
        }
        if let Some(s) = st.get_mut(id as usize) {
            // a <= ptr < BUSY: every alignment is the pointer size or less.
            *s = a as u8;
        }
        Ok(a)
    }
    for id in 1..n as u32 {
        if let Some(t) = v.ty(id) {
            if matches!(t.kind(), kind::STRUCT | kind::UNION) {
                align(v, id, ptr, &mut st, 0)?;
            }
        }
    }
    // 3. No absurd padding: btf_dump writes a `long: 64;` line for every 8
    // bytes of a hole, and a struct claiming a gigabyte over a few members
    // becomes a gigabyte of text (found by fuzzing). Real holes are small.
    let mut total = 0u64;
    for id in 1..n as u32 {
        let Some(t) = v.ty(id) else { continue };
        if !matches!(t.kind(), kind::STRUCT | kind::UNION) {
            continue;
        }
        let pad = padding(v, &t).map_err(|e| format!("type [{id}]: {e}"))?;
        total += pad;
        if pad > MAX_PADDING {
            return Err(format!(
                "type [{id}]: {pad} bytes of padding (more than {MAX_PADDING})"
            ));
        }
        if total > MAX_TOTAL_PADDING {
            return Err(format!(
                "more than {MAX_TOTAL_PADDING} bytes of padding in all (at type [{id}])"
            ));
        }
    }
    Ok(())
}

/// Padding btf_dump may write for one struct (per type), and in all.
const MAX_PADDING: u64 = 1 << 20;
const MAX_TOTAL_PADDING: u64 = 16 << 20;

/// btf_dump keeps bit offsets in a C `int`: past this they wrap, and the
/// padding loop then runs for billions of lines (found by fuzzing).
const MAX_BITS: u64 = i32::MAX as u64;

/// Bytes of a struct or union not covered by its members, holes between
/// them and the tail (an upper bound of what btf_dump pads); an error when
/// a member or the whole type ends past what btf_dump can count in bits.
fn padding(v: &View, t: &super::view::Type<'_>) -> Result<u64, String> {
    let mut end = 0u64;
    let mut holes = 0u64;
    for m in t.members() {
        let start = u64::from(m.bit_offset) / 8;
        holes += start.saturating_sub(end);
        let size = if m.bitfield_size > 0 {
            (u64::from(m.bit_offset) + u64::from(m.bitfield_size)).div_ceil(8) - start
        } else {
            v.resolve_size(m.type_id).unwrap_or(0)
        };
        end = end.max(start + size);
    }
    let size = u64::from(t.size());
    if end.max(size) * 8 > MAX_BITS {
        return Err(format!(
            "{} bytes is too large a layout for a C dump",
            end.max(size)
        ));
    }
    Ok(holes + size.saturating_sub(end))
}
