//! Block-device names (from /proc/partitions text, read by the caller) and
//! request flag names for biolatency -F / biosnoop, from this kernel's
//! `enum req_op` and `enum req_flag_bits` (vmlinux.h).

/// dev_t (kernel MKDEV encoding: major << 20 | minor) to device name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiskNames {
    entries: Vec<(u32, String)>,
}

/// The kernel's internal dev_t encoding, as the BPF programs read it.
pub fn mkdev(major: u32, minor: u32) -> u32 {
    (major << 20) | (minor & 0xfffff)
}

impl DiskNames {
    /// Parses /proc/partitions (`major minor #blocks name`).
    pub fn parse(text: &str) -> Self {
        let entries = text
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let major = w.next()?.parse().ok()?;
                let minor = w.next()?.parse().ok()?;
                let _blocks = w.next()?;
                Some((mkdev(major, minor), w.next()?.to_string()))
            })
            .collect();
        DiskNames { entries }
    }

    pub fn name(&self, dev: u32) -> Option<&str> {
        self.entries
            .iter()
            .find(|(d, _)| *d == dev)
            .map(|(_, n)| n.as_str())
    }

    pub fn dev(&self, name: &str) -> Option<u32> {
        let name = name.strip_prefix("/dev/").unwrap_or(name);
        self.entries
            .iter()
            .find(|(_, n)| n == name)
            .map(|(d, _)| *d)
    }

    /// Name, or `major:minor` when unknown.
    pub fn display(&self, dev: u32) -> String {
        match self.name(dev) {
            Some(n) => n.to_string(),
            None => format!("{}:{}", dev >> 20, dev & 0xfffff),
        }
    }
}

const OPS: &[(u32, &str)] = &[
    (0, "Read"),
    (1, "Write"),
    (2, "Flush"),
    (3, "Discard"),
    (5, "SecureErase"),
    (7, "ZoneAppend"),
    (9, "WriteZeroes"),
    (11, "ZoneOpen"),
    (13, "ZoneClose"),
    (15, "ZoneFinish"),
    (17, "ZoneReset"),
    (19, "ZoneResetAll"),
    (34, "DrvIn"),
    (35, "DrvOut"),
];

const FLAGS: &[(u32, &str)] = &[
    (11, "Sync"),
    (12, "Metadata"),
    (13, "Priority"),
    (17, "ForcedUnitAccess"),
    (18, "PreFlush"),
    (19, "ReadAhead"),
    (20, "Background"),
    (21, "NoWait"),
    (24, "Swap"),
];

/// `Sync-Write`-style name of a request's cmd_flags (flags, then the op).
pub fn req_flags_name(cmd_flags: u32) -> String {
    let mut parts: Vec<String> = FLAGS
        .iter()
        .filter(|(bit, _)| cmd_flags & (1 << bit) != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    let op = cmd_flags & 0xff;
    parts.push(match OPS.iter().find(|(o, _)| *o == op) {
        Some((_, n)) => n.to_string(),
        None => format!("Op{op}"),
    });
    parts.join("-")
}

/// biosnoop's one-letter type: R, W, F (flush), D (discard), else '?'.
pub(crate) fn rwbs(cmd_flags: u32) -> &'static str {
    match cmd_flags & 0xff {
        0 => "R",
        1 => "W",
        2 => "F",
        3 => "D",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions() {
        let d = DiskNames::parse(
            "major minor  #blocks  name\n\n 254        0  268435456 vda\n 253 0 0 zram0\n",
        );
        assert_eq!(d.name(mkdev(254, 0)), Some("vda"));
        assert_eq!(d.dev("/dev/vda"), Some(mkdev(254, 0)));
        assert_eq!(d.display(mkdev(8, 1)), "8:1");
    }

    #[test]
    fn flag_names() {
        assert_eq!(req_flags_name(1), "Write");
        assert_eq!(req_flags_name(1 | 1 << 11), "Sync-Write");
        assert_eq!(req_flags_name(0), "Read");
    }
}
