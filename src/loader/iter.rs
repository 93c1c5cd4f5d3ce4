//! `iter pin OBJ PATH [map MAP]` (bpftool's iter.c): loads an object,
//! attaches its first program as a BPF iterator (over MAP's elements when
//! given) and pins the link; reading PATH runs the iterator. The object is
//! closed afterwards: the pinned link keeps the program alive.
use std::os::fd::BorrowedFd;
use std::path::Path;

use libbpf_rs::{IterOpts, MapIterOpts};

use super::{object, LoaderError};

/// Pins the iterator; returns the name of the program attached.
pub fn pin(file: &Path, path: &Path, map: Option<BorrowedFd<'_>>) -> Result<String, LoaderError> {
    let (open, name) = object::open_file(file)?;
    let obj = object::load(open, &name)?;
    let prog = obj.progs_mut().next().ok_or_else(|| LoaderError::Other {
        what: format!("can't find bpf program in objfile {}", file.display()),
        why: "the object has none".into(),
    })?;
    let prog_name = prog.name().to_string_lossy().into_owned();
    let opts = match map {
        Some(fd) => IterOpts::Map(MapIterOpts::from_fd(fd)),
        None => IterOpts::None,
    };
    let (res, lines) = super::log::with_capture(|| prog.attach_iter_with_opts(opts));
    let mut link = res.map_err(|source| LoaderError::Other {
        what: format!("attach_iter failed for program {prog_name}"),
        why: super::log::last_error(&lines).unwrap_or_else(|| source.to_string()),
    })?;
    // Dropping the link on failure detaches it: nothing stays behind.
    let (res, lines) = super::log::with_capture(|| link.pin(path));
    res.map_err(|source| LoaderError::Other {
        what: format!(
            "pin_iter failed for program {prog_name} to path {}",
            path.display()
        ),
        why: super::log::last_error(&lines).unwrap_or_else(|| source.to_string()),
    })?;
    Ok(prog_name)
}
