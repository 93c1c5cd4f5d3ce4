//! `struct_ops register OBJ [LINK_DIR]` (bpftool's do_register): loads an
//! object and registers each of its struct_ops maps. A map from
//! `.struct_ops` stays registered by itself; one from `.struct_ops.link`
//! lives as long as its link, so the link is pinned in LINK_DIR (without
//! LINK_DIR it goes when the command ends, as with bpftool). All or
//! nothing: on a failure what was registered is unregistered again.
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use libbpf_rs::{Link, MapCore, MapType};

use super::{object, LoaderError};

/// One struct_ops map registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub name: String,
    pub map_id: u32,
    /// The kernel type of the value (`bpf_struct_ops_tcp_congestion_ops`), by id in vmlinux BTF.
    pub value_type_id: u32,
    /// `.struct_ops.link` maps: the link's id, and where it is pinned.
    pub link: Option<(u32, Option<PathBuf>)>,
}

fn link_id(link: &Link) -> u32 {
    crate::sys::pins::id_of(crate::sys::ObjKind::Link, &link.as_fd()).unwrap_or(0)
}

fn other(what: String, why: impl std::fmt::Display) -> LoaderError {
    LoaderError::Other {
        what,
        why: why.to_string(),
    }
}

pub fn register(file: &Path, link_dir: Option<&Path>) -> Result<Vec<Registered>, LoaderError> {
    let (open, name) = object::open_file(file)?;
    let mut obj = object::load(open, &name)?;
    if let Some(dir) = link_dir {
        std::fs::create_dir_all(dir).map_err(super::io_err("can't create link directory", dir))?;
    }
    // Held until every map is registered: dropping one undoes it.
    let mut held: Vec<(Link, Option<PathBuf>)> = Vec::new();
    let mut done = Vec::new();
    let undo = |held: Vec<(Link, Option<PathBuf>)>| {
        for (_, pin) in held.into_iter() {
            if let Some(p) = pin {
                let _ = std::fs::remove_file(p);
            }
        }
    };
    for mut map in obj.maps_mut() {
        if map.map_type() != MapType::StructOps {
            continue;
        }
        let map_name = map.name().to_string_lossy().into_owned();
        let info = map
            .info()
            .map_err(|e| other(format!("can't get info of {map_name}"), e))?;
        let is_link = info.info.map_flags & libbpf_sys::BPF_F_LINK != 0;
        let (res, lines) = super::log::with_capture(|| map.attach_struct_ops());
        let mut link = match res {
            Ok(l) => l,
            Err(e) => {
                undo(held);
                let why = super::log::last_error(&lines).unwrap_or_else(|| format!("{e:#}"));
                return Err(other(format!("can't register struct_ops {map_name}"), why));
            }
        };
        let kname = crate::sys::cstr_name(&info.info.name);
        let mut pinned = None;
        if is_link {
            if let Some(dir) = link_dir {
                let p = dir.join(&kname);
                if let Err(e) = link.pin(&p) {
                    let id = link_id(&link);
                    held.push((link, None));
                    undo(held);
                    return Err(other(format!("can't pin link {id} for {kname}"), e));
                }
                pinned = Some(p);
            }
        }
        done.push(Registered {
            name: kname,
            map_id: info.info.id,
            value_type_id: info.info.btf_vmlinux_value_type_id,
            link: is_link.then(|| (link_id(&link), pinned.clone())),
        });
        held.push((link, pinned));
    }
    if done.is_empty() {
        return Err(other(
            format!("no struct_ops found in {}", file.display()),
            "the object has no struct_ops map",
        ));
    }
    // Success: the kernel keeps what is registered; our handles go.
    for (mut link, _) in held {
        link.disconnect();
    }
    Ok(done)
}
