//! Id iteration over the kernel's programs, maps, links and BTF objects.
//!
//! Own loop over *_GET_NEXT_ID rather than libbpf-rs's query iterators: an
//! object can vanish between GET_NEXT_ID and GET_FD_BY_ID, and that must be
//! skipped silently, not end the listing.
use std::os::fd::OwnedFd;

use super::{fd_result, Result, SysError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjKind {
    Prog,
    Map,
    Link,
    Btf,
}

impl ObjKind {
    pub fn noun(self) -> &'static str {
        match self {
            ObjKind::Prog => "prog",
            ObjKind::Map => "map",
            ObjKind::Link => "link",
            ObjKind::Btf => "btf",
        }
    }
    /// The word bpftool uses in messages ("several programs match ...").
    pub fn plural(self) -> &'static str {
        match self {
            ObjKind::Prog => "program",
            ObjKind::Map => "map",
            ObjKind::Link => "link",
            ObjKind::Btf => "BTF object",
        }
    }
}

/// The next id after `start`, or None at the end.
pub fn next_id(kind: ObjKind, start: u32) -> Result<Option<u32>> {
    let mut next = 0u32;
    // SAFETY: next is a valid out pointer for the duration of the call.
    let ret = unsafe {
        match kind {
            ObjKind::Prog => libbpf_sys::bpf_prog_get_next_id(start, &mut next),
            ObjKind::Map => libbpf_sys::bpf_map_get_next_id(start, &mut next),
            ObjKind::Link => libbpf_sys::bpf_link_get_next_id(start, &mut next),
            ObjKind::Btf => libbpf_sys::bpf_btf_get_next_id(start, &mut next),
        }
    };
    if ret < 0 {
        let e = super::errno();
        if e == libc::ENOENT {
            return Ok(None);
        }
        let hint = if e == libc::EINVAL {
            " -- kernel too old?"
        } else {
            ""
        };
        return Err(SysError::os(
            format!("can't get next {}{hint}", kind.plural()),
            e,
        ));
    }
    Ok(Some(next))
}

/// An fd for the object with this id.
pub fn fd_by_id(kind: ObjKind, id: u32) -> Result<OwnedFd> {
    // SAFETY: plain syscall wrappers taking an integer id.
    let ret = unsafe {
        match kind {
            ObjKind::Prog => libbpf_sys::bpf_prog_get_fd_by_id(id),
            ObjKind::Map => libbpf_sys::bpf_map_get_fd_by_id(id),
            ObjKind::Link => libbpf_sys::bpf_link_get_fd_by_id(id),
            ObjKind::Btf => libbpf_sys::bpf_btf_get_fd_by_id(id),
        }
    };
    fd_result(ret, || format!("can't get {} by id ({id})", kind.noun()))
}

/// Whether GET_FD_BY_ID failed because the object is going away.
fn vanished(errno: Option<i32>) -> bool {
    matches!(errno, Some(libc::ENOENT | libc::EAGAIN))
}

/// Every live object of a kind as (id, fd); objects that vanish mid-walk are skipped.
pub fn iter(kind: ObjKind) -> IdIter {
    IdIter {
        kind,
        cur: 0,
        done: false,
    }
}

pub struct IdIter {
    kind: ObjKind,
    cur: u32,
    done: bool,
}

impl Iterator for IdIter {
    type Item = Result<(u32, OwnedFd)>;
    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match next_id(self.kind, self.cur) {
                Ok(None) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(Some(id)) => {
                    self.cur = id;
                    match fd_by_id(self.kind, id) {
                        Ok(fd) => return Some(Ok((id, fd))),
                        // Gone between GET_NEXT_ID and GET_FD_BY_ID: not an error.
                        // A link being released answers EAGAIN instead
                        // (bpf_link_inc_not_zero failed): gone as well.
                        Err(e) if vanished(e.errno()) => continue,
                        Err(e) => {
                            self.done = true;
                            return Some(Err(e));
                        }
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vanishing_objects_are_skipped() {
        // Regression (race test): a link released mid-walk gave EAGAIN,
        // which ended `link show` with an error.
        assert!(super::vanished(Some(libc::ENOENT)));
        assert!(super::vanished(Some(libc::EAGAIN)));
        assert!(!super::vanished(Some(libc::EPERM)));
        assert!(!super::vanished(None));
    }
}
