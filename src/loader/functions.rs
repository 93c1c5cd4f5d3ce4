//! The functions an ELF file defines, by name: what a uprobe wildcard
//! (`funccount 'u:c:str*'`) expands to. The file is found as uprobes find
//! it ([`super::uprobe::find_binary`]).

use object::{Object, ObjectSymbol, SymbolKind};

use super::uprobe::{find_binary, UprobeError};

/// The names of the functions `binary` defines (both symbol tables),
/// sorted, each once; symbol versions (`memcpy@GLIBC_2.2.5`) left out.
pub fn defined(binary: &str) -> Result<Vec<String>, UprobeError> {
    let path = find_binary(binary)?;
    let data = crate::infile::read(&path).map_err(|source| UprobeError::Io {
        path: path.clone(),
        source,
    })?;
    let file =
        object::File::parse(&*data).map_err(|_| UprobeError::NotElf { path: path.clone() })?;
    let mut names: Vec<String> = file
        .symbols()
        .chain(file.dynamic_symbols())
        .filter(|s| s.is_definition() && s.kind() == SymbolKind::Text)
        .filter_map(|s| s.name().ok())
        .filter(|n| !n.is_empty() && !n.contains('@'))
        .map(String::from)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libc_defines_malloc() {
        let names = defined("c").expect("libc");
        assert!(names.iter().any(|n| n == "malloc"), "{}", names.len());
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(defined("/nonexistent/bpfscope").is_err());
    }
}
