//! /proc/.../fdinfo/N fields (memlock, frozen, owner_prog_type, prog_id, …).
//!
//! Read with one open and one read into a stack buffer: `prog show` does this
//! for every object, and read_to_string's stat + read loop doubled its cost.
use std::io::Read;
use std::os::fd::AsRawFd;

/// The text of one fdinfo file, with `key:\tvalue` lookups.
pub struct FdInfo {
    buf: [u8; 2048],
    len: usize,
}

impl FdInfo {
    pub fn read_path(path: &str) -> FdInfo {
        let mut fi = FdInfo {
            buf: [0; 2048],
            len: 0,
        };
        if let Ok(mut f) = std::fs::File::open(path) {
            // fdinfo is a seq_file well under 2 KiB: one read returns all of it.
            while fi.len < fi.buf.len() {
                match f.read(&mut fi.buf[fi.len..]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        fi.len += n;
                        // A short read is the whole seq_file: skip the EOF read.
                        if fi.len < fi.buf.len() {
                            break;
                        }
                    }
                }
            }
        }
        fi
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let text = std::str::from_utf8(&self.buf[..self.len]).ok()?;
        get(text, key)
    }

    pub fn get_num<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        self.get(key)?.parse().ok()
    }
}

/// Our own fd's fdinfo.
pub fn read(fd: &impl AsRawFd) -> FdInfo {
    FdInfo::read_path(&format!("/proc/self/fdinfo/{}", fd.as_raw_fd()))
}

pub fn get<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_fdinfo() {
        let t = "pos:\t0\nflags:\t02000002\nmemlock:\t4096\nprog_id:\t12\n";
        assert_eq!(super::get(t, "memlock"), Some("4096"));
        assert_eq!(super::get(t, "prog_id"), Some("12"));
        assert_eq!(super::get(t, "nope"), None);
    }
}
