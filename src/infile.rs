//! Files named on the command line (BTF files, ELF objects): only regular
//! files of a bounded size are read; every layer that reads one comes here. `/dev/zero` or `/dev/urandom` would be
//! read for ever, a FIFO would block the open until a writer comes, and a
//! directory fails late with a confusing message: each is refused at once
//! with one line saying what the path is.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Largest input file read: a vmlinux ELF with full debug info is a few
/// hundred MB; nothing bpfscope reads is bigger.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

fn refused(why: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, why)
}

/// What a non-regular file is, for the message.
fn kind_of(ft: std::fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

fn check(meta: &std::fs::Metadata) -> std::io::Result<u64> {
    if !meta.file_type().is_file() {
        return Err(refused(format!(
            "{}: only regular files are read",
            kind_of(meta.file_type())
        )));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(refused(format!(
            "{} bytes: larger than the {} MiB limit for input files",
            meta.len(),
            MAX_INPUT_BYTES >> 20
        )));
    }
    Ok(meta.len())
}

/// Checks `path` (following symlinks) without opening it: for callers that
/// hand the path to libbpf, which opens it itself. Returns its size.
pub fn check_path(path: &Path) -> std::io::Result<u64> {
    check(&std::fs::metadata(path)?)
}

/// Opens `path` for reading if it is a regular file within the limit. The
/// open does not block on a FIFO (O_NONBLOCK), and the check is made on the
/// opened file, so a path swapped in between is caught too.
pub fn open(path: &Path) -> std::io::Result<(File, u64)> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let len = check(&file.metadata()?)?;
    Ok((file, len))
}

/// Reads a whole input file (see [`open`]); never more than the limit,
/// even if the file grows while it is read.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let (file, len) = open(path)?;
    let mut data = Vec::with_capacity(len as usize);
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut data)?;
    if data.len() as u64 > MAX_INPUT_BYTES {
        return Err(refused(format!(
            "grew past the {} MiB limit for input files while read",
            MAX_INPUT_BYTES >> 20
        )));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let e = read(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.contains("character device"), "{e}");
        let e = read(Path::new("/")).unwrap_err().to_string();
        assert!(e.contains("directory"), "{e}");
        assert!(check_path(Path::new("/dev/urandom")).is_err());
        let me = std::env::current_exe().unwrap();
        assert!(read(&me).is_ok_and(|d| d.starts_with(b"\x7fELF")));
    }

    #[test]
    fn fifo_does_not_block() {
        let dir = std::env::temp_dir().join(format!("bpfscope-infile-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        nix::unistd::mkfifo(&dir, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let e = read(&dir).unwrap_err().to_string();
        let _ = std::fs::remove_file(&dir);
        assert!(e.contains("FIFO"), "{e}");
    }
}
