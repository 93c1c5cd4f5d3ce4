//! What `gen skeleton`/`subskeleton` need to know about an object file, read
//! the way bpftool reads it: libbpf opens the ELF (without loading anything)
//! under a given object name, and we copy out its maps and programs in
//! libbpf's order together with the object's BTF after libbpf's open-time
//! fixups (DATASEC sizes and variable offsets).
//!
//! The result is plain data; the generator in `crate::gen` never sees libbpf.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use super::log;

/// A map as libbpf sees it after open.
#[derive(Debug, Clone)]
pub struct MapInfo {
    /// libbpf's name (`start`, or `biolaten.rodata` for an internal map).
    pub name: String,
    pub map_type: u32,
    /// A map libbpf made for a data section (.data, .rodata, .bss, .kconfig…).
    pub internal: bool,
    pub map_flags: u32,
    pub btf_value_type_id: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub has_initial_value: bool,
    /// The initial contents of a data-section map (light skeletons embed it).
    pub initial_value: Option<Vec<u8>>,
}

/// A program as libbpf sees it after open.
#[derive(Debug, Clone)]
pub struct ProgInfo {
    pub name: String,
    pub section: String,
    pub prog_type: u32,
    pub expected_attach_type: u32,
}

/// An opened object's contents.
#[derive(Debug, Clone)]
pub struct ObjInfo {
    pub maps: Vec<MapInfo>,
    pub progs: Vec<ProgInfo>,
    /// Raw BTF (header, types, strings) of the object; None without .BTF.
    pub btf: Option<Vec<u8>>,
}

/// What libbpf's loader generator recorded for an object: the loader
/// program and its data, as a light skeleton (`gen skeleton -L`) embeds them.
#[derive(Debug, Clone)]
pub struct LoaderBlob {
    pub data: Vec<u8>,
    pub insns: Vec<u8>,
}

/// Why an object could not be opened: libbpf's errno and its last message.
#[derive(Debug, thiserror::Error)]
#[error("failed to open BPF object file: {reason}")]
pub struct OpenError {
    pub reason: String,
}

/// A libbpf object, closed on drop.
struct Object(*mut libbpf_sys::bpf_object);

impl Drop for Object {
    fn drop(&mut self) {
        // SAFETY: self.0 came from bpf_object__open_mem, is non-null and
        // closed exactly once, here.
        unsafe { libbpf_sys::bpf_object__close(self.0) }
    }
}

fn string(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: libbpf returns NUL-terminated strings that live as long as
    // the object, and the object is alive while we copy.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Opens `data` (an ELF BPF object) as libbpf would for a skeleton named
/// `object_name` ("" gives bare section names for internal maps, as
/// bpftool's subskeleton wants).
pub fn open(data: &[u8], object_name: &str) -> Result<ObjInfo, OpenError> {
    let obj = open_raw(data, object_name)?;
    Ok(collect(&obj))
}

/// Opens `data` as [`open`] does, then has libbpf generate the loader
/// program of a light skeleton (bpf_object__gen_loader + load, which
/// records the load instead of doing it). The BTF is the one before load,
/// the initial values those after, as bpftool takes them.
pub fn open_with_loader(
    data: &[u8],
    object_name: &str,
) -> Result<(ObjInfo, LoaderBlob), OpenError> {
    let obj = open_raw(data, object_name)?;
    let mut info = collect(&obj);
    let mut opts = libbpf_sys::gen_loader_opts {
        sz: std::mem::size_of::<libbpf_sys::gen_loader_opts>() as _,
        ..Default::default()
    };
    // SAFETY: obj.0 is an open object; opts is a properly sized options
    // struct that libbpf fills during load and that lives until we copy it.
    let (err, lines) = log::with_capture(|| unsafe {
        let err = libbpf_sys::bpf_object__gen_loader(obj.0, &mut opts);
        if err != 0 {
            return err;
        }
        libbpf_sys::bpf_object__load(obj.0)
    });
    if err != 0 {
        let reason = log::last_error(&lines)
            .unwrap_or_else(|| std::io::Error::from_raw_os_error(-err).to_string());
        return Err(OpenError {
            reason: format!("failed to generate the loader program: {reason}"),
        });
    }
    // SAFETY: after a successful load libbpf points opts at buffers it owns
    // until the object is closed; both are copied before that.
    let copy = |p: *const c_char, n: u32| unsafe {
        if p.is_null() {
            Vec::new()
        } else {
            std::slice::from_raw_parts(p.cast::<u8>(), n as usize).to_vec()
        }
    };
    let blob = LoaderBlob {
        data: copy(opts.data, opts.data_sz),
        insns: copy(opts.insns, opts.insns_sz),
    };
    let after = collect(&obj);
    for (m, a) in info.maps.iter_mut().zip(after.maps) {
        m.initial_value = a.initial_value;
    }
    Ok((info, blob))
}

fn open_raw(data: &[u8], object_name: &str) -> Result<Object, OpenError> {
    let name = CString::new(object_name).map_err(|_| OpenError {
        reason: "object name contains a NUL byte".into(),
    })?;
    let opts = libbpf_sys::bpf_object_open_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_object_open_opts>() as _,
        object_name: name.as_ptr(),
        ..Default::default()
    };
    // SAFETY: data is valid for data.len() bytes for the whole call (libbpf
    // copies what it keeps); opts and name outlive the call.
    let ((raw, errno), lines) = log::with_capture(|| unsafe {
        let raw = libbpf_sys::bpf_object__open_mem(data.as_ptr().cast(), data.len() as _, &opts);
        (raw, crate::sys::errno())
    });
    if raw.is_null() {
        let reason = log::last_error(&lines)
            .unwrap_or_else(|| std::io::Error::from_raw_os_error(errno).to_string());
        return Err(OpenError { reason });
    }
    Ok(Object(raw))
}

/// Copies out an open object's maps, programs and BTF.
fn collect(obj: &Object) -> ObjInfo {
    let mut maps = Vec::new();
    let mut progs = Vec::new();
    // SAFETY (this block): obj.0 is an open object; the map and program
    // pointers libbpf's iterators return stay valid until it is closed,
    // which happens after we have copied everything.
    unsafe {
        let mut m = libbpf_sys::bpf_object__next_map(obj.0, std::ptr::null());
        while !m.is_null() {
            let mut sz: libbpf_sys::size_t = 0;
            let init = libbpf_sys::bpf_map__initial_value(m, &mut sz);
            maps.push(MapInfo {
                name: string(libbpf_sys::bpf_map__name(m)),
                map_type: libbpf_sys::bpf_map__type(m),
                internal: libbpf_sys::bpf_map__is_internal(m),
                map_flags: libbpf_sys::bpf_map__map_flags(m),
                btf_value_type_id: libbpf_sys::bpf_map__btf_value_type_id(m),
                value_size: libbpf_sys::bpf_map__value_size(m),
                max_entries: libbpf_sys::bpf_map__max_entries(m),
                has_initial_value: !init.is_null(),
                initial_value: (!init.is_null())
                    .then(|| std::slice::from_raw_parts(init.cast::<u8>(), sz as usize).to_vec()),
            });
            m = libbpf_sys::bpf_object__next_map(obj.0, m);
        }
        let mut p = libbpf_sys::bpf_object__next_program(obj.0, std::ptr::null_mut());
        while !p.is_null() {
            progs.push(ProgInfo {
                name: string(libbpf_sys::bpf_program__name(p)),
                section: string(libbpf_sys::bpf_program__section_name(p)),
                prog_type: libbpf_sys::bpf_program__type(p),
                expected_attach_type: libbpf_sys::bpf_program__expected_attach_type(p),
            });
            p = libbpf_sys::bpf_object__next_program(obj.0, p);
        }
    }
    // SAFETY: obj.0 is open; the BTF it returns (if any) is owned by it and
    // its raw data is copied before the object closes.
    let btf = unsafe {
        let b = libbpf_sys::bpf_object__btf(obj.0);
        if b.is_null() {
            None
        } else {
            let mut size: u32 = 0;
            let p = libbpf_sys::btf__raw_data(b, &mut size);
            (!p.is_null())
                .then(|| std::slice::from_raw_parts(p.cast::<u8>(), size as usize).to_vec())
        }
    };
    ObjInfo { maps, progs, btf }
}
