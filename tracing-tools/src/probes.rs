//! What the tools that need fentry or kprobes share: their program lists
//! (one fentry and one kprobe program per kernel function, named
//! `fentry_FUNC`/`kprobe_FUNC` as in the .bpf.c macros; the loader keeps
//! one set) and the local wall clock of their per-interval rows.

use crate::{AttachPoint, ProgSpec, Session};

pub(crate) const fn prog(name: &'static str, attach: AttachPoint) -> ProgSpec {
    ProgSpec { name, attach }
}

/// `fentry_FUNC` and `kprobe_FUNC` for each FUNC, as a `&[ProgSpec]`.
macro_rules! entry_probes {
    ($($func:literal),* $(,)?) => {
        &[$(
            $crate::probes::prog(concat!("fentry_", $func), $crate::AttachPoint::Fentry($func)),
            $crate::probes::prog(concat!("kprobe_", $func), $crate::AttachPoint::Kprobe($func)),
        )*]
    };
}
pub(crate) use entry_probes;

/// Local HH:MM:SS now (libbpf-tools' `str_timestamp("%H:%M:%S")`), with
/// the offset from UTC the caller found for this host.
pub(crate) fn now_hms(s: &Session) -> String {
    let utc = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    hms(utc + s.utc_offset_secs)
}

/// HH:MM:SS of a count of local seconds since the epoch.
pub(crate) fn hms(local_secs: i64) -> String {
    let secs = local_secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_clock() {
        let p: &[ProgSpec] = entry_probes!("vfs_read", "vfs_write");
        let names: Vec<_> = p.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "fentry_vfs_read",
                "kprobe_vfs_read",
                "fentry_vfs_write",
                "kprobe_vfs_write"
            ]
        );
        assert_eq!(p[1].attach, AttachPoint::Kprobe("vfs_read"));
        assert_eq!(hms(3600 + 62), "01:01:02");
        assert_eq!(hms(-1), "23:59:59");
    }
}
