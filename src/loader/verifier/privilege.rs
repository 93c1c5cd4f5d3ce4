//! Verifying again as a loader with CAP_BPF (and CAP_NET_ADMIN) but without
//! CAP_PERFMON or CAP_SYS_ADMIN: the verifier is stricter then (no reads of
//! uninitialised stack, no pointer leaks, Spectre masking), and a program
//! that passes as root may not pass there.
//!
//! Capabilities are per process and cannot be taken back once dropped, so
//! the second verification runs in a forked child that drops them, verifies
//! and sends the verdict and its log back through a pipe; the parent keeps
//! its own capabilities.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;

use super::load::{verify, VerifyOpts};

/// The capabilities the child keeps.
pub const KEPT: &str = "CAP_BPF and CAP_NET_ADMIN";

/// What the child found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// Rejected with this errno; the log and libbpf's lines.
    Rejected {
        errno: i32,
        log: String,
        libbpf: Vec<String>,
    },
    /// The kernel refused to load anything of this type without the dropped
    /// capabilities (tracing programs need CAP_PERFMON), or the child failed.
    Refused(String),
}

fn encode(o: &Outcome) -> Vec<u8> {
    let mut v = Vec::new();
    match o {
        Outcome::Accepted => v.push(0),
        Outcome::Rejected { errno, log, libbpf } => {
            v.push(1);
            v.extend_from_slice(&errno.to_le_bytes());
            v.extend_from_slice(log.as_bytes());
            v.push(0);
            v.extend_from_slice(libbpf.join("\n").as_bytes());
        }
        Outcome::Refused(why) => {
            v.push(2);
            v.extend_from_slice(why.as_bytes());
        }
    }
    v
}

fn decode(b: &[u8]) -> Outcome {
    match b.first() {
        Some(0) => Outcome::Accepted,
        Some(1) if b.len() >= 5 => {
            let errno = i32::from_le_bytes([b[1], b[2], b[3], b[4]]);
            let rest = &b[5..];
            let (log, lib) = match rest.iter().position(|&c| c == 0) {
                Some(p) => (&rest[..p], &rest[p + 1..]),
                None => (rest, &[][..]),
            };
            Outcome::Rejected {
                errno,
                log: String::from_utf8_lossy(log).into_owned(),
                libbpf: String::from_utf8_lossy(lib)
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        }
        Some(2) => Outcome::Refused(String::from_utf8_lossy(&b[1..]).into_owned()),
        _ => Outcome::Refused("the unprivileged verification ended without an answer".into()),
    }
}

/// The child's work: drop, verify, answer.
fn child(path: &Path, prog: &str) -> Outcome {
    if let Err(e) = crate::sys::feature::drop_to_cap_bpf() {
        return Outcome::Refused(e.to_string());
    }
    let opts = VerifyOpts {
        log_level: None,
        debug: false,
        whole_log: false,
    };
    match verify(path, prog, opts) {
        Ok(v) if v.accepted => Outcome::Accepted,
        Ok(v) => Outcome::Rejected {
            errno: v.errno,
            log: v.log,
            libbpf: v.info.libbpf_messages,
        },
        Err(e) => Outcome::Refused(e.to_string()),
    }
}

/// Verifies program `prog` of `path` in a child with CAP_BPF and
/// CAP_NET_ADMIN only.
pub fn verify_with_cap_bpf(path: &Path, prog: &str) -> Outcome {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Outcome::Refused(format!("pipe: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: fresh descriptors, owned from here on.
    let (rd, wr) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: the command runs single-threaded; the child only verifies,
    // writes to the pipe and leaves with _exit (no destructors, no atexit).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Outcome::Refused(format!("fork: {}", std::io::Error::last_os_error()));
    }
    if pid == 0 {
        drop(rd);
        let answer = encode(&child(path, prog));
        let mut f = std::fs::File::from(wr);
        let ok = f.write_all(&answer).is_ok();
        // SAFETY: leaving the child without running the parent's cleanup.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    drop(wr);
    let mut buf = Vec::new();
    let _ = std::fs::File::from(rd).read_to_end(&mut buf);
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    decode(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for o in [
            Outcome::Accepted,
            Outcome::Rejected {
                errno: 13,
                log: "0: (b7) r0 = 0\nR1 !read_ok\n".into(),
                libbpf: vec!["libbpf: a".into(), "libbpf: b".into()],
            },
            Outcome::Refused("can't verify".into()),
        ] {
            assert_eq!(decode(&encode(&o)), o);
        }
        assert!(matches!(decode(&[]), Outcome::Refused(_)));
    }
}
