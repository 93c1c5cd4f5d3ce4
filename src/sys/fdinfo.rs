//! /proc/self/fdinfo/N fields (memlock, frozen, owner_prog_type, …).
use std::collections::HashMap;
use std::os::fd::AsRawFd;

/// All `key:\tvalue` lines of an fd's fdinfo; empty when unreadable.
pub fn read(fd: &impl AsRawFd) -> HashMap<String, String> {
    let path = format!("/proc/self/fdinfo/{}", fd.as_raw_fd());
    parse(&std::fs::read_to_string(path).unwrap_or_default())
}

pub fn parse(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_fdinfo() {
        let m = super::parse("pos:\t0\nflags:\t02000002\nmemlock:\t4096\nprog_id:\t12\n");
        assert_eq!(m["memlock"], "4096");
        assert_eq!(m["prog_id"], "12");
    }
}
