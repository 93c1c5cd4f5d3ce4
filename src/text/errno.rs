//! An errno as bpftool words it (libc's strerror, without Rust's
//! " (os error N)" suffix), shared by error lines and map dump elements.

/// The text for `errno`. The kernel's internal ENOTSUPP (524), which bpf(2)
/// lets through, gets a name instead of libc's "Unknown error 524".
pub fn strerror(errno: i32) -> String {
    if errno == 524 {
        return "Operation not supported".into();
    }
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    match s.rfind(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_text() {
        assert_eq!(super::strerror(libc::ENOENT), "No such file or directory");
        assert_eq!(super::strerror(524), "Operation not supported");
    }
}
