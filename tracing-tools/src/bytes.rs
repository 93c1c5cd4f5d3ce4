//! Reading the C structs the BPF programs emit (native endian, fixed
//! offsets mirrored from the .bpf.c sources). Short input reads as None.

pub(crate) fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(off..off + 2)?.try_into().ok()?))
}

pub(crate) fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

pub(crate) fn i32_at(b: &[u8], off: usize) -> Option<i32> {
    Some(i32::from_ne_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

pub(crate) fn i64_at(b: &[u8], off: usize) -> Option<i64> {
    Some(i64::from_ne_bytes(b.get(off..off + 8)?.try_into().ok()?))
}

pub(crate) fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(b.get(off..off + 8)?.try_into().ok()?))
}

/// A NUL-terminated string in a `char[len]` field (lossy UTF-8).
pub(crate) fn cstr_at(b: &[u8], off: usize, len: usize) -> Option<String> {
    let end = (off + len).min(b.len());
    let field = b.get(off..end)?;
    let n = field.iter().position(|&c| c == 0).unwrap_or(field.len());
    Some(String::from_utf8_lossy(&field[..n]).into_owned())
}

/// `struct hist` of tools.h: 27 u64 slots, then comm[16].
pub(crate) const MAX_SLOTS: usize = 27;

pub(crate) fn hist_slots(b: &[u8]) -> Option<Vec<u64>> {
    (0..MAX_SLOTS).map(|i| u64_at(b, i * 8)).collect()
}

pub(crate) fn hist_comm(b: &[u8]) -> Option<String> {
    cstr_at(b, MAX_SLOTS * 8, 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads() {
        let mut b = vec![0u8; 16];
        b[..4].copy_from_slice(&7u32.to_ne_bytes());
        b[4..7].copy_from_slice(b"ab\0");
        assert_eq!(u32_at(&b, 0), Some(7));
        assert_eq!(cstr_at(&b, 4, 8).as_deref(), Some("ab"));
        assert_eq!(u64_at(&b, 12), None);
    }
}
