//! Uprobe targets: a binary named as a path, a library (`libc`,
//! `libssl.so.3`) or a program in PATH, found as libbpf and BCC find them;
//! a function of it turned into the file offset the uprobe PMU takes,
//! through the ELF symbol tables (.symtab and .dynsym).
//!
//! Reusable for targets typed on a command line (`u:LIB:FUNC`): [`resolve`],
//! then `loader::attach::attach_uprobe` with any program fd.
//!
//! ELF reading uses the `object` crate (gimli-rs), already bpfscope's
//! dependency for `prog dump … file`: typed access to both symbol tables,
//! section headers, symbol versions and the dynamic section, 32/64-bit and
//! either endianness, with no C library underneath.

use std::path::{Path, PathBuf};

use object::elf;
use object::read::elf::{ElfFile, FileHeader, ProgramHeader, Sym};
use object::{Object, ObjectSection, ObjectSymbol};

use super::ldcache::{self, CachedLib, LD_SO_CACHE};

/// Why a uprobe target can't be used: each a one-line message.
#[derive(Debug, thiserror::Error)]
pub enum UprobeError {
    #[error(
        "can't find library '{name}' (not in {LD_SO_CACHE}, LD_LIBRARY_PATH or the library directories)"
    )]
    LibraryNotFound { name: String },
    #[error("can't find '{name}': not a program in PATH nor a library 'lib{name}'")]
    ProgramNotFound { name: String },
    #[error("can't read '{}': {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("'{}' is not an ELF file", path.display())]
    NotElf { path: PathBuf },
    #[error("'{}': malformed ELF file ({why})", path.display())]
    BadElf { path: PathBuf, why: String },
    #[error("no function '{func}' in '{}'{}", path.display(), if *executable { " (nor in the libraries it loads)" } else { "" })]
    SymbolNotFound {
        func: String,
        path: PathBuf,
        /// An executable: its libraries were searched too.
        executable: bool,
    },
    #[error("function '{func}' of '{}' is ambiguous: {count} definitions at different offsets", path.display())]
    Ambiguous {
        func: String,
        path: PathBuf,
        count: usize,
    },
}

/// Where a uprobe goes: a function of an ELF file, as a file offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UprobeTarget {
    /// The file the probe is placed in (the one defining the function).
    pub path: PathBuf,
    pub func: String,
    /// File offset of the function's first instruction.
    pub offset: u64,
}

/// Whether this kernel has the uprobe PMU (perf_event_open of uprobes).
pub fn pmu_exists() -> bool {
    Path::new(crate::sys::attach::UPROBE_PMU)
        .join("type")
        .exists()
}

/// The function `func` of `binary` ([`find_binary`]). An executable that
/// does not define `func` is searched the way the dynamic linker binds a
/// symbol in its process: its DT_NEEDED libraries breadth first (bash
/// built against a shared libreadline: libreadline's `readline`, as
/// libbpf-tools' bashreadline finds it through `ldd`). A library named
/// directly is searched alone.
pub fn resolve(binary: &str, func: &str) -> Result<UprobeTarget, UprobeError> {
    // One command asks again for the same target (the support probe, the
    // load's checks, the attach), and each answer reads a whole library:
    // found targets are remembered for the process.
    static FOUND: std::sync::Mutex<Vec<((String, String), UprobeTarget)>> =
        std::sync::Mutex::new(Vec::new());
    let key = (binary.to_string(), func.to_string());
    let found = FOUND.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, t)) = found.iter().find(|(k, _)| *k == key) {
        return Ok(t.clone());
    }
    drop(found);
    let target = resolve_uncached(binary, func)?;
    FOUND
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((key, target.clone()));
    Ok(target)
}

fn resolve_uncached(binary: &str, func: &str) -> Result<UprobeTarget, UprobeError> {
    let path = find_binary(binary)?;
    let symbols = read_symbols(&path, func)?;
    let found = |path: PathBuf, offset| UprobeTarget {
        path,
        func: func.to_string(),
        offset,
    };
    if let Some(offset) = symbols.offset(&path, func)? {
        return Ok(found(path, offset));
    }
    if symbols.executable {
        let mut queue: std::collections::VecDeque<String> = symbols.needed.into();
        let mut seen: Vec<String> = Vec::new();
        while let Some(lib) = queue.pop_front() {
            if seen.contains(&lib) || seen.len() >= MAX_LIBRARIES {
                continue;
            }
            seen.push(lib.clone());
            let Ok(lib_path) = find_library(&lib) else {
                continue;
            };
            let Ok(syms) = read_symbols(&lib_path, func) else {
                continue;
            };
            if let Some(offset) = syms.offset(&lib_path, func)? {
                return Ok(found(lib_path, offset));
            }
            queue.extend(syms.needed);
        }
    }
    Err(UprobeError::SymbolNotFound {
        func: func.to_string(),
        path,
        executable: symbols.executable,
    })
}

/// Libraries an executable's search reads at most (a guard against a
/// pathological dependency graph; real ones have tens).
const MAX_LIBRARIES: usize = 256;

/// The file of `name`: a path as is (anything with a '/'); a library by
/// name (`libc`, `libssl.so.3`: [`find_library`]); else a program in PATH,
/// then BCC's short library name (`c` for libc).
pub fn find_binary(name: &str) -> Result<PathBuf, UprobeError> {
    if name.contains('/') {
        return Ok(PathBuf::from(name));
    }
    if name.starts_with("lib") || name.contains(".so") {
        return find_library(name);
    }
    if let Some(found) = in_path(name) {
        return Ok(found);
    }
    find_library(&format!("lib{name}")).map_err(|_| UprobeError::ProgramNotFound {
        name: name.to_string(),
    })
}

/// The file of library `name` for this machine's architecture: a file name
/// (`libssl.so.3`) or a short name (`libssl`: `libssl.so` or `libssl.so.N`),
/// looked up in ld.so.cache, then LD_LIBRARY_PATH and the standard library
/// directories (libbpf's list: /lib64, /usr/lib64, /lib, /usr/lib and the
/// multiarch ones).
pub fn find_library(name: &str) -> Result<PathBuf, UprobeError> {
    let matches = |file: &str| {
        if name.contains(".so") {
            file == name
        } else {
            file.strip_prefix(name)
                .is_some_and(|rest| rest == ".so" || rest.starts_with(".so."))
        }
    };
    let cached = ldcache::host()
        .into_iter()
        .filter(|CachedLib { name, .. }| matches(name))
        .map(|lib| lib.path);
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    dirs.extend(library_dirs());
    let in_dirs = dirs.into_iter().flat_map(|dir| {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_str().is_some_and(matches))
            .map(|e| e.path())
            .collect();
        // Newest version first, as ldconfig orders the cache.
        found.sort_by(|a, b| b.cmp(a));
        found
    });
    let host = elf_ident(Path::new("/proc/self/exe"));
    cached
        .chain(in_dirs)
        .find(|p| host.is_some() && elf_ident(p) == host)
        .ok_or_else(|| UprobeError::LibraryNotFound {
            name: name.to_string(),
        })
}

fn library_dirs() -> Vec<PathBuf> {
    let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
    [
        "/lib64".to_string(),
        "/usr/lib64".to_string(),
        format!("/lib/{multiarch}"),
        format!("/usr/lib/{multiarch}"),
        "/lib".to_string(),
        "/usr/lib".to_string(),
    ]
    .into_iter()
    .map(PathBuf::from)
    .collect()
}

/// An executable file `name` in PATH.
fn in_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// (class, data encoding, machine) of an ELF file's header: a library is
/// usable only when they are those of this process.
fn elf_ident(path: &Path) -> Option<(u8, u8, [u8; 2])> {
    use std::io::Read;
    let mut head = [0u8; 20];
    crate::infile::open(path)
        .ok()?
        .0
        .read_exact(&mut head)
        .ok()?;
    (head[..4] == *b"\x7fELF").then_some((head[4], head[5], [head[18], head[19]]))
}

/// What one ELF file says about a function name.
#[derive(Debug, Default)]
struct Symbols {
    /// (file offset, defined in a hidden symbol version) of each
    /// function symbol of that name.
    defined: Vec<(u64, bool)>,
    /// An executable (PT_INTERP, no DT_SONAME), not a library.
    executable: bool,
    /// DT_NEEDED libraries, in order.
    needed: Vec<String>,
}

impl Symbols {
    /// The offset of the definition: one offset, or the one of the default
    /// (not hidden) version when a library keeps old versions too.
    fn offset(&self, path: &Path, func: &str) -> Result<Option<u64>, UprobeError> {
        let mut all: Vec<u64> = self.defined.iter().map(|d| d.0).collect();
        all.sort_unstable();
        all.dedup();
        if all.len() <= 1 {
            return Ok(all.first().copied());
        }
        let mut default: Vec<u64> = self.defined.iter().filter(|d| !d.1).map(|d| d.0).collect();
        default.sort_unstable();
        default.dedup();
        match default.as_slice() {
            [one] => Ok(Some(*one)),
            _ => Err(UprobeError::Ambiguous {
                func: func.to_string(),
                path: path.to_path_buf(),
                count: all.len(),
            }),
        }
    }
}

fn read_symbols(path: &Path, func: &str) -> Result<Symbols, UprobeError> {
    // A user-named file: a FIFO or device is refused, not waited on.
    let data = crate::infile::read(path).map_err(|source| UprobeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |e: object::Error| UprobeError::BadElf {
        path: path.to_path_buf(),
        why: e.to_string(),
    };
    match object::FileKind::parse(&*data) {
        Ok(object::FileKind::Elf64) => {
            symbols::<elf::FileHeader64<object::Endianness>>(&data, func)
        }
        Ok(object::FileKind::Elf32) => {
            symbols::<elf::FileHeader32<object::Endianness>>(&data, func)
        }
        _ => {
            return Err(UprobeError::NotElf {
                path: path.to_path_buf(),
            })
        }
    }
    .map_err(bad)
}

/// The function symbols named `func` of both symbol tables, as file
/// offsets (st_value - section address + section offset, as libbpf
/// computes them), whether the file is an executable, and DT_NEEDED.
fn symbols<Elf: FileHeader<Endian = object::Endianness>>(
    data: &[u8],
    func: &str,
) -> object::Result<Symbols> {
    let file = ElfFile::<Elf>::parse(data)?;
    let endian = file.endian();
    let versions = file.elf_section_table().versions(endian, data)?;
    let mut out = Symbols::default();
    for (dynamic, syms) in [(false, file.symbols()), (true, file.dynamic_symbols())] {
        for sym in syms {
            if sym.name_bytes() != Ok(func.as_bytes()) {
                continue;
            }
            if sym.is_undefined() {
                continue;
            }
            let st_type = sym.elf_symbol().st_type();
            if st_type != elf::STT_FUNC && st_type != elf::STT_GNU_IFUNC {
                continue;
            }
            let Some(index) = sym.section_index() else {
                continue;
            };
            let section = file.section_by_index(index)?;
            let Some((file_start, _)) = section.file_range() else {
                continue;
            };
            let Some(offset) = sym
                .address()
                .checked_sub(section.address())
                .map(|o| o + file_start)
            else {
                continue;
            };
            let hidden = dynamic
                && versions
                    .as_ref()
                    .is_some_and(|v| v.version_index(endian, sym.index()).is_hidden());
            out.defined.push((offset, hidden));
        }
    }
    let mut soname = false;
    if let Ok(dynamic) = file.elf_dynamic_table() {
        for d in dynamic.iter() {
            soname |= d.tag == elf::DT_SONAME;
            if d.tag == elf::DT_NEEDED {
                if let Ok(name) = dynamic.string(d) {
                    out.needed.push(String::from_utf8_lossy(name).into_owned());
                }
            }
        }
    }
    let interp = file
        .elf_program_headers()
        .iter()
        .any(|ph| ph.p_type(endian) == elf::PT_INTERP);
    out.executable = interp && !soname;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn libc() -> PathBuf {
        find_library("libc").expect("libc")
    }

    #[test]
    fn short_and_file_names_find_libc() {
        let by_short = libc();
        assert!(
            by_short.to_string_lossy().contains("libc.so"),
            "{by_short:?}"
        );
        let by_file = find_library("libc.so.6").expect("libc.so.6");
        assert_eq!(
            std::fs::canonicalize(&by_short).ok(),
            std::fs::canonicalize(&by_file).ok()
        );
        // BCC's short form.
        assert_eq!(find_binary("c").ok(), Some(by_short));
    }

    #[test]
    fn unknown_library_and_program() {
        let e = find_library("libnosuchlib_bpfscope").unwrap_err();
        assert!(matches!(e, UprobeError::LibraryNotFound { .. }), "{e}");
        let e = find_binary("nosuchprog_bpfscope").unwrap_err();
        assert!(matches!(e, UprobeError::ProgramNotFound { .. }), "{e}");
        assert!(!e.to_string().contains('\n'));
    }

    #[test]
    fn libc_functions_resolve_to_code_offsets() {
        let t = resolve("libc", "malloc").expect("malloc");
        assert!(t.offset > 0);
        // The offset lands inside the file.
        let len = std::fs::metadata(&t.path).unwrap().len();
        assert!(t.offset < len);
        let free = resolve("libc", "free").expect("free");
        assert_ne!(t.offset, free.offset);
    }

    #[test]
    fn missing_symbol_and_non_elf() {
        let e = resolve("libc", "no_such_function_bpfscope").unwrap_err();
        assert!(matches!(e, UprobeError::SymbolNotFound { .. }), "{e}");
        let e = resolve("/etc/hostname", "main").unwrap_err();
        assert!(
            matches!(e, UprobeError::NotElf { .. } | UprobeError::Io { .. }),
            "{e}"
        );
        let e = resolve("/nonexistent/bpfscope", "main").unwrap_err();
        assert!(matches!(e, UprobeError::Io { .. }), "{e}");
    }

    #[test]
    fn an_executable_is_searched_with_its_libraries() {
        // `ls` calls opendir, which libc defines; ls does not.
        let Some(ls) = in_path("ls") else { return };
        let syms = read_symbols(&ls, "opendir").unwrap();
        assert!(syms.executable);
        if syms.defined.is_empty() {
            let t = resolve(ls.to_str().unwrap(), "opendir").unwrap();
            assert!(t.path.to_string_lossy().contains("libc"), "{t:?}");
        }
        // A library named directly is searched alone: libm needs libc,
        // but has no getaddrinfo of its own.
        let e = resolve("libm", "getaddrinfo").unwrap_err();
        assert!(
            matches!(
                e,
                UprobeError::SymbolNotFound {
                    executable: false,
                    ..
                }
            ),
            "{e}"
        );
        assert!(!read_symbols(&libc(), "malloc").unwrap().executable);
    }

    #[test]
    fn the_uprobe_pmu_takes_resolved_targets() {
        if !pmu_exists() {
            return;
        }
        let t = resolve("libc", "malloc").unwrap();
        for (retprobe, pid) in [(false, Some(std::process::id())), (true, None)] {
            match crate::sys::attach::uprobe_event(&t.path, t.offset, retprobe, pid) {
                Ok(_) => {}
                Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) => return,
                Err(e) => panic!("uprobe at {t:?}: {e}"),
            }
        }
    }

    #[test]
    fn hidden_versions_lose_to_the_default() {
        let s = Symbols {
            defined: vec![(0x100, true), (0x200, false), (0x200, false)],
            ..Default::default()
        };
        assert_eq!(s.offset(Path::new("x"), "f").unwrap(), Some(0x200));
        let s = Symbols {
            defined: vec![(0x100, false), (0x200, false)],
            ..Default::default()
        };
        assert!(s.offset(Path::new("x"), "f").is_err());
    }
}
