//! `token show` (bpftool's token.c): bpffs mounts that delegate BPF
//! commands, map, program and attach types to user namespaces (the
//! `delegate_*` mount options BPF tokens are created from).
use super::bpffs::unescape_mount;
pub use crate::record::token::TokenRecord;

const KEYS: [&str; 4] = [
    "delegate_cmds",
    "delegate_maps",
    "delegate_progs",
    "delegate_attachs",
];

/// The delegating bpffs mounts of a /proc/mounts text, in its order.
pub fn parse_mounts(text: &str) -> Vec<TokenRecord> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let (_src, dir, fstype, opts) = (it.next()?, it.next()?, it.next()?, it.next()?);
            // bpftool compares the first three letters of the type, as here.
            if !fstype.starts_with("bpf") || !KEYS.iter().any(|k| opts.contains(k)) {
                return None;
            }
            let value = |key: &str| -> Vec<String> {
                opts.split(',')
                    .find_map(|o| o.strip_prefix(key)?.strip_prefix('='))
                    .map(|v| {
                        v.split(':')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            Some(TokenRecord {
                token_info: unescape_mount(dir),
                allowed_cmds: value(KEYS[0]),
                allowed_maps: value(KEYS[1]),
                allowed_progs: value(KEYS[2]),
                allowed_attachs: value(KEYS[3]),
            })
        })
        .collect()
}

/// Delegating bpffs mounts of this mount namespace.
pub fn show() -> super::Result<Vec<TokenRecord>> {
    let text = std::fs::read_to_string("/proc/mounts")
        .map_err(|_| super::SysError::Msg("Failed to open: /proc/mounts".into()))?;
    Ok(parse_mounts(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_delegating_bpffs_mounts() {
        let text = "bpf /sys/fs/bpf bpf rw,relatime,mode=700 0 0\n\
                    proc /proc proc rw 0 0\n\
                    bpf /run/tok\\040a bpf rw,delegate_cmds=map_create:prog_load,delegate_progs=any 0 0\n";
        let t = parse_mounts(text);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].token_info, "/run/tok a");
        assert_eq!(t[0].allowed_cmds, ["map_create", "prog_load"]);
        assert_eq!(t[0].allowed_progs, ["any"]);
        assert!(t[0].allowed_maps.is_empty() && t[0].allowed_attachs.is_empty());
    }
}
