//! Creates and fills pinned maps for bench/map_dump.sh:
//!   map_fixture hash8 PATH N   N elements, u64 keys and u64 values
//!   map_fixture btf PATH N     N elements, u64 keys, BTF-typed 48-byte struct values
#[path = "../tests/support/mapfix.rs"]
mod mapfix;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(kind), Some(path), Some(n)) = (
        args.get(1),
        args.get(2),
        args.get(3).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: map_fixture {{hash8|btf}} PATH N");
        return ExitCode::from(2);
    };
    let path = std::path::Path::new(path);
    match kind.as_str() {
        "hash8" => mapfix::hash8(path, n),
        "btf" => mapfix::hash_btf(path, n),
        other => {
            eprintln!("unknown fixture '{other}'");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
