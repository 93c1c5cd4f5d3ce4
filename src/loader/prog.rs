//! `prog load` / `prog loadall` with bpftool's semantics: an ELF object
//! from a file, optional program type for every program, map replacement
//! (`map {idx N|name NAME} MAP`), pinning of the first program (load) or
//! of all programs under a directory (loadall), optional `pinmaps DIR`,
//! optional `autoattach` (links pinned instead of programs). Any failure
//! after something was pinned removes every pin this call made.

use std::ffi::CString;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use libbpf_rs::{MapCore, ProgramAttachType, ProgramType};

use super::object;
use super::{bpf_err, io_err, log, LoaderError};

/// Which map of the object a replacement is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapRef {
    Idx(usize),
    Name(String),
}

/// A `prog load`/`loadall` request.
#[derive(Debug)]
pub struct FileLoad<'a> {
    pub file: &'a Path,
    /// load: the program's pin; loadall: the directory for all programs.
    pub pin: &'a Path,
    pub all: bool,
    pub prog_type: Option<&'a str>,
    pub maps: Vec<(MapRef, OwnedFd)>,
    pub pinmaps: Option<&'a Path>,
    pub autoattach: bool,
}

/// libbpf's type name lookup ("xdp", "kprobe", "tracepoint", …); like
/// bpftool, retried with a trailing '/' for section-style names.
pub fn prog_type_by_name(name: &str) -> Option<(ProgramType, u32)> {
    for candidate in [name.to_string(), format!("{name}/")] {
        let c = CString::new(candidate).ok()?;
        let mut ty: libbpf_sys::bpf_prog_type = 0;
        let mut at: libbpf_sys::bpf_attach_type = 0;
        // SAFETY: `c` is NUL-terminated; both out-pointers are valid.
        let ret = unsafe { libbpf_sys::libbpf_prog_type_by_name(c.as_ptr(), &mut ty, &mut at) };
        if ret == 0 {
            return Some((ProgramType::from(ty), at));
        }
    }
    None
}

/// Removes pins made so far (rollback), newest first.
fn unpin_all(made: &mut Vec<PathBuf>) {
    while let Some(p) = made.pop() {
        if p.is_dir() {
            let _ = std::fs::remove_dir(&p);
        } else {
            let _ = std::fs::remove_file(&p);
        }
    }
}

fn create_dir_tracked(dir: &Path, made: &mut Vec<PathBuf>) -> Result<(), LoaderError> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir(dir).map_err(io_err("can't create directory", dir))?;
    made.push(dir.to_path_buf());
    Ok(())
}

fn check_free(path: &Path) -> Result<(), LoaderError> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(LoaderError::Exists {
            path: path.to_path_buf(),
            force: false,
        });
    }
    Ok(())
}

/// What `load_file` pinned, and notes for the user (autoattach fallbacks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLoaded {
    pub pinned: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// Loads and pins per `req`.
pub fn load_file(req: FileLoad<'_>) -> Result<FileLoaded, LoaderError> {
    let (mut obj, name) = object::open_file(req.file)?;

    if let Some(t) = req.prog_type {
        let Some((ty, at)) = prog_type_by_name(t) else {
            return Err(LoaderError::Other {
                what: format!("unknown program type '{t}'"),
                why: "libbpf does not know it".into(),
            });
        };
        for mut p in obj.progs_mut() {
            p.set_prog_type(ty);
            p.set_attach_type(ProgramAttachType::from(at));
        }
    }

    // Map replacement: names resolve to indexes in object order, as bpftool does.
    let names: Vec<String> = obj
        .maps()
        .map(|m| m.name().to_string_lossy().into_owned())
        .collect();
    let mut by_idx: Vec<(usize, &OwnedFd)> = Vec::new();
    for (r, fd) in &req.maps {
        let idx = match r {
            MapRef::Idx(i) => *i,
            MapRef::Name(n) => {
                names
                    .iter()
                    .position(|m| m == n)
                    .ok_or_else(|| LoaderError::Other {
                        what: format!("unable to find map '{n}'"),
                        why: "not in the object".into(),
                    })?
            }
        };
        if idx >= names.len() {
            return Err(LoaderError::Other {
                what: format!("map idx '{idx}' not used"),
                why: format!("the object has {} maps", names.len()),
            });
        }
        if by_idx.iter().any(|(i, _)| *i == idx) {
            return Err(LoaderError::Other {
                what: format!("replacement for map idx {idx}"),
                why: "specified more than once".into(),
            });
        }
        by_idx.push((idx, fd));
    }
    for (i, mut map) in obj.maps_mut().enumerate() {
        if let Some((_, fd)) = by_idx.iter().find(|(j, _)| *j == i) {
            map.reuse_fd(fd.as_fd()).map_err(bpf_err(format!(
                "unable to set up map reuse for '{}'",
                names[i]
            )))?;
        }
    }

    let mut obj = object::load(obj, &name)?;
    let mut made = Vec::new();
    let mut notes = Vec::new();
    // libbpf's own complaints (mkdir failed…) repeat what the error says.
    let (result, _) =
        super::log::with_capture(|| pin_loaded(&mut obj, &req, &mut made, &mut notes));
    match result {
        Ok(()) => Ok(FileLoaded {
            pinned: made,
            notes,
        }),
        Err(e) => {
            unpin_all(&mut made);
            Err(e)
        }
    }
}

fn pin_loaded(
    obj: &mut libbpf_rs::Object,
    req: &FileLoad<'_>,
    made: &mut Vec<PathBuf>,
    notes: &mut Vec<String>,
) -> Result<(), LoaderError> {
    if req.all {
        create_dir_tracked(req.pin, made)?;
    }
    for (i, prog) in obj.progs_mut().enumerate() {
        if !req.all && i > 0 {
            break;
        }
        let pname = prog.name().to_string_lossy().into_owned();
        let path = if req.all {
            req.pin.join(&pname)
        } else {
            req.pin.to_path_buf()
        };
        check_free(&path)?;
        let mut prog = prog;
        if req.autoattach {
            let (res, _) = log::with_capture(|| prog.attach());
            match res {
                Ok(mut link) => {
                    link.pin(&path)
                        .map_err(bpf_err(format!("can't pin link at '{}'", path.display())))?;
                    made.push(path);
                    continue;
                }
                // bpftool's behaviour: programs libbpf can't attach by section are pinned.
                Err(_) => notes.push(format!(
                    "Program {pname} does not support autoattach, falling back to pinning"
                )),
            }
        }
        prog.pin(&path).map_err(bpf_err(format!(
            "can't pin program at '{}'",
            path.display()
        )))?;
        made.push(path);
    }
    if let Some(dir) = req.pinmaps {
        create_dir_tracked(dir, made)?;
        for mut map in obj.maps_mut() {
            if !map.autocreate() {
                continue;
            }
            // libbpf's sanitize_pin_path: bpffs refuses '.' in names.
            let path = dir.join(map.name().to_string_lossy().replace('.', "_"));
            check_free(&path)?;
            map.pin(&path)
                .map_err(bpf_err(format!("can't pin map at '{}'", path.display())))?;
            made.push(path);
        }
    }
    Ok(())
}
