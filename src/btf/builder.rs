//! New BTF built type by type through libbpf's writer (btf__add_*), so the
//! bytes come out as libbpf (and so bpftool) lays them out: string table
//! order, deduplication and all. `gen min_core_btf` builds its output here.

use std::ffi::CString;
use std::ptr::NonNull;

use super::handle::Btf;
use super::view::kind;
use super::BtfError;

/// BTF under construction, freed on drop.
pub struct Builder(NonNull<libbpf_sys::btf>);

impl Drop for Builder {
    fn drop(&mut self) {
        // SAFETY: owned pointer from btf__new_empty, freed once.
        unsafe { libbpf_sys::btf__free(self.0.as_ptr()) }
    }
}

fn check(ret: i32, what: &str) -> Result<u32, BtfError> {
    if ret < 0 {
        return Err(BtfError::CDump(format!(
            "can't add {what}: {}",
            std::io::Error::from_raw_os_error(-ret)
        )));
    }
    Ok(ret as u32)
}

fn cname(s: &[u8]) -> CString {
    // BTF names come from a NUL-separated string table: no inner NULs.
    CString::new(s).unwrap_or_default()
}

impl Builder {
    pub fn new() -> Result<Builder, BtfError> {
        // SAFETY: plain constructor; NULL on failure.
        let p = unsafe { libbpf_sys::btf__new_empty() };
        NonNull::new(p)
            .map(Builder)
            .ok_or_else(|| BtfError::CDump("can't create BTF".into()))
    }

    /// Starts a struct (or union) with no members; returns its id.
    pub fn add_composite(&mut self, union: bool, name: &[u8], size: u32) -> Result<u32, BtfError> {
        let n = cname(name);
        // SAFETY: self.0 is a live, writable btf; n outlives the call.
        let ret = unsafe {
            if union {
                libbpf_sys::btf__add_union(self.0.as_ptr(), n.as_ptr(), size)
            } else {
                libbpf_sys::btf__add_struct(self.0.as_ptr(), n.as_ptr(), size)
            }
        };
        check(ret, "struct")
    }

    /// Adds a member to the struct or union added last. `type_id` may be
    /// an id of another BTF, fixed later with [`Builder::remap_ids`].
    pub fn add_field(
        &mut self,
        name: &[u8],
        type_id: u32,
        bit_offset: u32,
        bitfield_size: u32,
    ) -> Result<(), BtfError> {
        let n = cname(name);
        // SAFETY: as above.
        let ret = unsafe {
            libbpf_sys::btf__add_field(
                self.0.as_ptr(),
                n.as_ptr(),
                type_id as i32,
                bit_offset,
                bitfield_size,
            )
        };
        check(ret, "member").map(|_| ())
    }

    /// Copies type `id` of `src` as it is (its type ids unchanged).
    pub fn add_type(&mut self, src: &Btf, id: u32) -> Result<u32, BtfError> {
        // SAFETY: src is live; the type pointer it returns is valid for the call.
        let ret = unsafe {
            let t = libbpf_sys::btf__type_by_id(src.as_ptr(), id);
            if t.is_null() {
                return Err(BtfError::InvalidRoot(id));
            }
            libbpf_sys::btf__add_type(self.0.as_ptr(), src.as_ptr(), t)
        };
        check(ret, "type")
    }

    fn type_cnt(&self) -> u32 {
        // SAFETY: live btf.
        unsafe { libbpf_sys::btf__type_cnt(self.0.as_ptr()) }
    }

    /// Rewrites every type id the types refer to through `map` (old id →
    /// new id; ids past its end become 0, void).
    pub fn remap_ids(&mut self, map: &[u32]) -> Result<(), BtfError> {
        for id in 1..self.type_cnt() {
            // SAFETY: after btf__add_* the types live in libbpf's writable
            // buffer; we rewrite u32 fields in place, within the type's own
            // record (its length follows from kind and vlen, as libbpf's).
            unsafe {
                let t = libbpf_sys::btf__type_by_id(self.0.as_ptr(), id) as *mut u32;
                if t.is_null() {
                    continue;
                }
                let info = *t.add(1);
                let k = (info >> 24) & 0x1f;
                let vlen = (info & 0xffff) as usize;
                let fix = |p: *mut u32| *p = map.get(*p as usize).copied().unwrap_or(0);
                match k {
                    kind::PTR
                    | kind::TYPEDEF
                    | kind::VOLATILE
                    | kind::CONST
                    | kind::RESTRICT
                    | kind::FUNC
                    | kind::VAR
                    | kind::DECL_TAG
                    | kind::TYPE_TAG => fix(t.add(2)),
                    kind::ARRAY => {
                        fix(t.add(3));
                        fix(t.add(4));
                    }
                    kind::STRUCT | kind::UNION => {
                        for j in 0..vlen {
                            fix(t.add(3 + 3 * j + 1));
                        }
                    }
                    kind::FUNC_PROTO => {
                        fix(t.add(2));
                        for j in 0..vlen {
                            fix(t.add(3 + 2 * j + 1));
                        }
                    }
                    kind::DATASEC => {
                        for j in 0..vlen {
                            fix(t.add(3 + 3 * j));
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The raw BTF (header, types, strings).
    pub fn raw_data(&self) -> Result<Vec<u8>, BtfError> {
        let mut size = 0u32;
        // SAFETY: live btf; the returned buffer (owned by it) holds `size` bytes.
        unsafe {
            let p = libbpf_sys::btf__raw_data(self.0.as_ptr(), &mut size);
            if p.is_null() {
                return Err(BtfError::CDump("can't serialize BTF".into()));
            }
            Ok(std::slice::from_raw_parts(p.cast::<u8>(), size as usize).to_vec())
        }
    }
}
