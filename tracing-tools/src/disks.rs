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

/// Names of a request's op and flag bits (`cmd_flags`), as biolatency -F
/// labels its histograms: `Sync-Write`. The bit numbers come from the
/// running kernel's BTF (`enum req_op`, `enum req_flag_bits`), which moves
/// them between versions; [`ReqNames::default`] is the table of Linux 6.x
/// for a kernel without BTF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReqNames {
    /// (bit, name), printed in this order (libbpf-tools': highest bit first).
    flags: Vec<(u32, String)>,
    ops: Vec<(u32, String)>,
    /// The op bits below the first flag (REQ_OP_BITS: 8 since Linux 4.10).
    op_mask: u32,
}

/// libbpf-tools' spelling of the flags it names; other enumerators are
/// spelled from their names (`__REQ_FAILFAST_DEV` -> `FailfastDev`).
const SPELLING: &[(&str, &str)] = &[
    ("META", "Metadata"),
    ("PRIO", "Priority"),
    ("NOMERGE", "NoMerge"),
    ("FUA", "FUA"),
    ("PREFLUSH", "PreFlush"),
    ("RAHEAD", "ReadAhead"),
    ("NOWAIT", "NoWait"),
];

/// `SECURE_ERASE` -> `SecureErase`.
fn camel(words: &str) -> String {
    words
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            let first = c.next().map(|f| f.to_ascii_uppercase());
            first
                .into_iter()
                .chain(c.map(|x| x.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect()
}

impl Default for ReqNames {
    fn default() -> Self {
        let flags: &[(&str, i64)] = &[
            ("__REQ_FAILFAST_DEV", 8),
            ("__REQ_FAILFAST_TRANSPORT", 9),
            ("__REQ_FAILFAST_DRIVER", 10),
            ("__REQ_SYNC", 11),
            ("__REQ_META", 12),
            ("__REQ_PRIO", 13),
            ("__REQ_NOMERGE", 14),
            ("__REQ_IDLE", 15),
            ("__REQ_INTEGRITY", 16),
            ("__REQ_FUA", 17),
            ("__REQ_PREFLUSH", 18),
            ("__REQ_RAHEAD", 19),
            ("__REQ_BACKGROUND", 20),
            ("__REQ_NOWAIT", 21),
            ("__REQ_POLLED", 22),
            ("__REQ_ALLOC_CACHE", 23),
            ("__REQ_SWAP", 24),
            ("__REQ_DRV", 25),
            ("__REQ_FS_PRIVATE", 26),
            ("__REQ_ATOMIC", 27),
            ("__REQ_NOUNMAP", 29),
        ];
        let ops: &[(&str, i64)] = &[
            ("REQ_OP_READ", 0),
            ("REQ_OP_WRITE", 1),
            ("REQ_OP_FLUSH", 2),
            ("REQ_OP_DISCARD", 3),
            ("REQ_OP_SECURE_ERASE", 5),
            ("REQ_OP_ZONE_APPEND", 7),
            ("REQ_OP_WRITE_ZEROES", 9),
            ("REQ_OP_ZONE_OPEN", 11),
            ("REQ_OP_ZONE_CLOSE", 13),
            ("REQ_OP_ZONE_FINISH", 15),
            ("REQ_OP_ZONE_RESET", 17),
            ("REQ_OP_ZONE_RESET_ALL", 19),
            ("REQ_OP_DRV_IN", 34),
            ("REQ_OP_DRV_OUT", 35),
        ];
        let own = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(n, b)| (n.to_string(), *b)).collect()
        };
        ReqNames::from_enums(&own(flags), &own(ops))
    }
}

impl ReqNames {
    /// From the enumerators of `enum req_flag_bits` (bit numbers) and
    /// `enum req_op` (op values), as the kernel's BTF lists them.
    pub fn from_enums(flag_bits: &[(String, i64)], ops: &[(String, i64)]) -> ReqNames {
        let mut flags: Vec<(u32, String)> = flag_bits
            .iter()
            .filter_map(|(name, bit)| {
                let word = name.strip_prefix("__REQ_")?;
                // __REQ_NR_BITS counts the bits; it is not a flag.
                if word == "NR_BITS" || !(0..32).contains(bit) {
                    return None;
                }
                let spelled = SPELLING
                    .iter()
                    .find(|(w, _)| *w == word)
                    .map(|(_, s)| s.to_string())
                    .unwrap_or_else(|| camel(word));
                Some((*bit as u32, spelled))
            })
            .collect();
        flags.sort_by_key(|f| std::cmp::Reverse(f.0));
        let ops = ops
            .iter()
            .filter_map(|(name, v)| {
                let word = name.strip_prefix("REQ_OP_")?;
                (word != "LAST" && (0..256).contains(v)).then(|| (*v as u32, camel(word)))
            })
            .collect();
        let op_bits = flags.iter().map(|f| f.0).min().unwrap_or(8);
        ReqNames {
            flags,
            ops,
            op_mask: (1u32 << op_bits) - 1,
        }
    }

    /// `Sync-Write`-style name of a request's cmd_flags (flags, then the op).
    pub fn name(&self, cmd_flags: u32) -> String {
        let mut parts: Vec<String> = self
            .flags
            .iter()
            .filter(|(bit, _)| cmd_flags & (1 << bit) != 0)
            .map(|(_, n)| n.clone())
            .collect();
        let op = cmd_flags & self.op_mask;
        parts.push(match self.ops.iter().find(|(o, _)| *o == op) {
            Some((_, n)) => n.clone(),
            None => format!("Op{op}"),
        });
        parts.join("-")
    }
}

/// [`ReqNames::name`] with the built-in table (no BTF at hand).
pub fn req_flags_name(cmd_flags: u32) -> String {
    ReqNames::default().name(cmd_flags)
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
        // Bits 14-16 are named, so different sets get different labels.
        assert_eq!(
            req_flags_name(1 | 1 << 11 | 1 << 14 | 1 << 15 | 1 << 16),
            "Integrity-Idle-NoMerge-Sync-Write"
        );
        assert_eq!(req_flags_name(1 << 17 | 1), "FUA-Write");
    }

    #[test]
    fn names_follow_the_kernel_enum() {
        // A kernel whose bits moved: the names follow its BTF.
        let flags = vec![
            ("__REQ_SYNC".to_string(), 3),
            ("__REQ_IDLE".to_string(), 4),
            ("__REQ_NEW_THING".to_string(), 5),
            ("__REQ_NR_BITS".to_string(), 6),
        ];
        // (three op bits here: the first flag is bit 3)
        let ops = vec![
            ("REQ_OP_WRITE".to_string(), 1),
            ("REQ_OP_LAST".to_string(), 9),
        ];
        let r = ReqNames::from_enums(&flags, &ops);
        assert_eq!(r.name(1 | 1 << 3 | 1 << 5), "NewThing-Sync-Write");
        assert_eq!(r.name(1 << 11), "Op0");
        assert_eq!(r.name(2), "Op2");
    }
}
