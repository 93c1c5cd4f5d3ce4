//! glibc's /etc/ld.so.cache, read the way BCC's `bcc_procutils_which_so`
//! does: the (library name, path) pairs ldconfig recorded, in the cache's
//! order (ldconfig sorts the newest version first). Used to find the file
//! of a library named by uprobe targets (`libc`, `libssl.so.3`).

use std::path::PathBuf;

/// Where ldconfig writes the cache.
pub const LD_SO_CACHE: &str = "/etc/ld.so.cache";

/// The "new" format's magic and version (glibc >= 2.32 writes only this
/// format; older ones append it after the old "ld.so-1.7.0" table).
const MAGIC_NEW: &[u8] = b"glibc-ld.so.cache1.1";
/// `struct cache_file_new` up to its entries.
const HEADER_NEW: usize = 48;
/// `struct file_entry_new`: flags, key, value, osversion, hwcap.
const ENTRY_NEW: usize = 24;

/// One library of the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedLib {
    /// The soname or file name ("libc.so.6").
    pub name: String,
    pub path: PathBuf,
}

/// The libraries of a cache file's bytes; empty when it is not a cache
/// ldconfig wrote (a damaged entry is skipped, not fatal).
pub fn parse(data: &[u8]) -> Vec<CachedLib> {
    let Some(start) = data.windows(MAGIC_NEW.len()).position(|w| w == MAGIC_NEW) else {
        return Vec::new();
    };
    let cache = &data[start..];
    let u32_at = |off: usize| -> Option<u32> {
        Some(u32::from_ne_bytes(
            cache.get(off..off + 4)?.try_into().ok()?,
        ))
    };
    // String offsets of the new format count from its header.
    let string_at = |off: u32| -> Option<String> {
        let rest = cache.get(off as usize..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        String::from_utf8(rest[..end].to_vec()).ok()
    };
    let Some(nlibs) = u32_at(MAGIC_NEW.len()) else {
        return Vec::new();
    };
    (0..nlibs as usize)
        .filter_map(|i| {
            let entry = HEADER_NEW + i * ENTRY_NEW;
            let name = string_at(u32_at(entry + 4)?)?;
            let path = string_at(u32_at(entry + 8)?)?;
            Some(CachedLib {
                name,
                path: PathBuf::from(path),
            })
        })
        .collect()
}

/// The libraries of the host's cache (empty without one).
pub fn host() -> Vec<CachedLib> {
    std::fs::read(LD_SO_CACHE)
        .map(|d| parse(&d))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache as ldconfig lays it out: header, entries, then strings.
    fn cache(libs: &[(&str, &str)]) -> Vec<u8> {
        let mut strings = Vec::new();
        let base = HEADER_NEW + libs.len() * ENTRY_NEW;
        let mut entries = Vec::new();
        for (name, path) in libs {
            let key = (base + strings.len()) as u32;
            strings.extend_from_slice(name.as_bytes());
            strings.push(0);
            let value = (base + strings.len()) as u32;
            strings.extend_from_slice(path.as_bytes());
            strings.push(0);
            entries.extend_from_slice(&0x0303i32.to_ne_bytes());
            entries.extend_from_slice(&key.to_ne_bytes());
            entries.extend_from_slice(&value.to_ne_bytes());
            entries.extend_from_slice(&[0; 12]);
        }
        let mut out = MAGIC_NEW.to_vec();
        out.extend_from_slice(&(libs.len() as u32).to_ne_bytes());
        out.extend_from_slice(&(strings.len() as u32).to_ne_bytes());
        out.resize(HEADER_NEW, 0);
        out.extend(entries);
        out.extend(strings);
        out
    }

    #[test]
    fn reads_names_and_paths_in_order() {
        let data = cache(&[
            ("libssl.so.3", "/lib/x86_64-linux-gnu/libssl.so.3"),
            ("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"),
        ]);
        let libs = parse(&data);
        assert_eq!(libs.len(), 2);
        assert_eq!(libs[1].name, "libc.so.6");
        assert_eq!(
            libs[1].path,
            PathBuf::from("/lib/x86_64-linux-gnu/libc.so.6")
        );
    }

    #[test]
    fn old_table_before_the_new_one_is_skipped() {
        let mut data = b"ld.so-1.7.0\0\0\0\0\0".to_vec();
        data.extend(cache(&[("libz.so.1", "/usr/lib/libz.so.1")]));
        assert_eq!(parse(&data)[0].name, "libz.so.1");
    }

    #[test]
    fn garbage_and_truncation_give_nothing_or_less() {
        assert!(parse(b"not a cache").is_empty());
        let data = cache(&[("libz.so.1", "/usr/lib/libz.so.1")]);
        assert!(parse(&data[..HEADER_NEW + 10]).is_empty());
    }
}
