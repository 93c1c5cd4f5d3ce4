//! completions/ holds what the grammar generates; this fails when they drift.
mod common;

use common::*;

#[test]
fn generated_files_match_the_grammar() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (what, file) in [
        ("bash", "bpfscope.bash"),
        ("zsh", "_bpfscope"),
        ("fish", "bpfscope.fish"),
        ("man", "bpfscope.1"),
    ] {
        let o = bpfscope(&["completions", what]);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            committed == o.stdout,
            "completions/{file} is out of date: run `make completions` and commit the result"
        );
    }
}
