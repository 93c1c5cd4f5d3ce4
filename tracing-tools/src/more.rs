//! Pieces shared by the tools of issue 8 (tcpconnect, tcpretrans, killsnoop,
//! syscount, …): option specs that recur, address formatting, signal
//! names, and the count-per-flow rows tcpconnect -c and tcpretrans -c print.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::args::{err, ArgError, OptSpec, Parsed};
use crate::bytes::{u16_at, u64_at};

pub(crate) const AF_INET: u16 = 2;
pub(crate) const AF_INET6: u16 = 10;

pub(crate) const fn flag(short: char, long: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        short: Some(short),
        long,
        value: None,
        help,
    }
}

pub(crate) const fn opt(
    short: Option<char>,
    long: &'static str,
    value: &'static str,
    help: &'static str,
) -> OptSpec {
    OptSpec {
        short,
        long,
        value: Some(value),
        help,
    }
}

/// An address of `family` from 4 or 16 bytes at the start of `b`.
pub(crate) fn addr(family: u16, b: &[u8]) -> Option<IpAddr> {
    if family == AF_INET {
        let a: [u8; 4] = b.get(..4)?.try_into().ok()?;
        Some(IpAddr::V4(Ipv4Addr::from(a)))
    } else {
        let a: [u8; 16] = b.get(..16)?.try_into().ok()?;
        Some(IpAddr::V6(Ipv6Addr::from(a)))
    }
}

pub(crate) fn ip_version(family: u16) -> u8 {
    if family == AF_INET {
        4
    } else {
        6
    }
}

/// A positive PID option (`-p`), as libbpf-tools checks it.
pub(crate) fn pid_opt(p: &Parsed, long: &str) -> Result<Option<u32>, ArgError> {
    match p.number::<u32>(long)? {
        Some(0) => err(format!("invalid PID 0 for --{long}")),
        Some(v) if v > i32::MAX as u32 => err(format!("invalid PID {v} for --{long}")),
        other => Ok(other),
    }
}

/// `struct flow_key` of tcpconnect/tcpretrans: family@0 sport@2 dport@4
/// saddr[16]@8 daddr[16]@24; value: a u64 count.
pub(crate) struct Flow {
    pub family: u16,
    pub sport: u16,
    pub dport: u16,
    pub saddr: IpAddr,
    pub daddr: IpAddr,
    pub count: u64,
}

pub(crate) fn flow(key: &[u8], value: &[u8]) -> Option<Flow> {
    let family = u16_at(key, 0)?;
    Some(Flow {
        family,
        sport: u16_at(key, 2)?,
        dport: u16_at(key, 4)?,
        saddr: addr(family, key.get(8..)?)?,
        daddr: addr(family, key.get(24..)?)?,
        count: u64_at(value, 0)?,
    })
}

/// Flows sorted by count (most first), then by addresses for a stable order.
pub(crate) fn sorted_flows(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Flow> {
    let mut flows: Vec<Flow> = entries.iter().filter_map(|(k, v)| flow(k, v)).collect();
    flows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.family.cmp(&b.family))
            .then(a.saddr.cmp(&b.saddr))
            .then(a.daddr.cmp(&b.daddr))
            .then(a.dport.cmp(&b.dport))
            .then(a.sport.cmp(&b.sport))
    });
    flows
}

/// Signal names (x86_64 and aarch64 share the generic numbering).
pub(crate) fn signal_name(sig: i32) -> String {
    const NAMES: [&str; 32] = [
        "0",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    match usize::try_from(sig).ok().and_then(|i| NAMES.get(i)) {
        Some(n) => n.to_string(),
        None if (34..=64).contains(&sig) => format!("SIGRT{}", sig - 34),
        None => sig.to_string(),
    }
}

/// A signal given as a number or a name (`9`, `KILL`, `SIGKILL`).
pub(crate) fn parse_signal(word: &str) -> Result<i32, ArgError> {
    if let Ok(n) = word.parse::<i32>() {
        if (1..=64).contains(&n) {
            return Ok(n);
        }
        return err(format!("invalid signal '{word}'"));
    }
    let up = word.to_ascii_uppercase();
    let name = if up.starts_with("SIG") {
        up
    } else {
        format!("SIG{up}")
    };
    (1..32)
        .find(|&n| signal_name(n) == name)
        .map_or_else(|| err(format!("invalid signal '{word}'")), Ok)
}

/// Errno names for syscount -e and killsnoop results (the common ones).
const ERRNOS: &[(&str, i32)] = &[
    ("EPERM", 1),
    ("ENOENT", 2),
    ("ESRCH", 3),
    ("EINTR", 4),
    ("EIO", 5),
    ("ENXIO", 6),
    ("E2BIG", 7),
    ("ENOEXEC", 8),
    ("EBADF", 9),
    ("ECHILD", 10),
    ("EAGAIN", 11),
    ("ENOMEM", 12),
    ("EACCES", 13),
    ("EFAULT", 14),
    ("EBUSY", 16),
    ("EEXIST", 17),
    ("EXDEV", 18),
    ("ENODEV", 19),
    ("ENOTDIR", 20),
    ("EISDIR", 21),
    ("EINVAL", 22),
    ("ENFILE", 23),
    ("EMFILE", 24),
    ("ENOTTY", 25),
    ("EFBIG", 27),
    ("ENOSPC", 28),
    ("ESPIPE", 29),
    ("EROFS", 30),
    ("EMLINK", 31),
    ("EPIPE", 32),
    ("ERANGE", 34),
    ("EDEADLK", 35),
    ("ENAMETOOLONG", 36),
    ("ENOSYS", 38),
    ("ENOTEMPTY", 39),
    ("ELOOP", 40),
    ("ENODATA", 61),
    ("ETIME", 62),
    ("EOVERFLOW", 75),
    ("ENOTSOCK", 88),
    ("EOPNOTSUPP", 95),
    ("EADDRINUSE", 98),
    ("EADDRNOTAVAIL", 99),
    ("ENETUNREACH", 101),
    ("ECONNABORTED", 103),
    ("ECONNRESET", 104),
    ("ENOBUFS", 105),
    ("EISCONN", 106),
    ("ENOTCONN", 107),
    ("ETIMEDOUT", 110),
    ("ECONNREFUSED", 111),
    ("EHOSTUNREACH", 113),
    ("EALREADY", 114),
    ("EINPROGRESS", 115),
];

pub(crate) fn parse_errno(word: &str) -> Result<i32, ArgError> {
    if let Ok(n) = word.parse::<i32>() {
        if n > 0 {
            return Ok(n);
        }
    }
    let up = word.to_ascii_uppercase();
    ERRNOS
        .iter()
        .find(|(n, _)| *n == up)
        .map(|(_, v)| *v)
        .map_or_else(|| err(format!("invalid errno '{word}'")), Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_and_errnos() {
        assert_eq!(signal_name(9), "SIGKILL");
        assert_eq!(signal_name(15), "SIGTERM");
        assert_eq!(signal_name(40), "SIGRT6");
        assert_eq!(parse_signal("KILL").unwrap(), 9);
        assert_eq!(parse_signal("sigterm").unwrap(), 15);
        assert_eq!(parse_signal("10").unwrap(), 10);
        assert!(parse_signal("SIGBOGUS").is_err());
        assert_eq!(parse_errno("ENOENT").unwrap(), 2);
        assert_eq!(parse_errno("13").unwrap(), 13);
        assert!(parse_errno("EWHAT").is_err());
    }

    #[test]
    fn flows() {
        let mut k = vec![0u8; 40];
        k[0..2].copy_from_slice(&AF_INET.to_ne_bytes());
        k[4..6].copy_from_slice(&80u16.to_ne_bytes());
        k[8..12].copy_from_slice(&[127, 0, 0, 1]);
        k[24..28].copy_from_slice(&[127, 0, 0, 2]);
        let f = flow(&k, &3u64.to_ne_bytes()).unwrap();
        assert_eq!(f.daddr.to_string(), "127.0.0.2");
        assert_eq!((f.dport, f.count), (80, 3));
    }
}
