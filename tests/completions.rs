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

/// Completes in a real bash, with the generated script sourced: what
/// `bpfscope prog dump xlated id <TAB>` offers, and `… id N <TAB>`.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/bpfscope.bash");
    let bin_dir = std::path::Path::new(BPFSCOPE).parent().unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cmd = format!(
        "source '{}'; complete -p bpfscope >/dev/null || exit 3; \
         COMP_WORDS=(bpfscope {} ''); COMP_CWORD={}; _bpfscope; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() + 1
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-i", "-c", &cmd])
        .env("PATH", path)
        .output()
        .expect("run bash");
    assert!(o.status.success(), "bash: {}", stderr(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_keywords_and_live_ids() {
    let obj = compile("load");
    let dir = BpffsDir::new();
    let pin = dir.join("p");
    let o = bpfscope(&["prog", "load", obj.to_str().unwrap(), pin.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let id = json(
        BPFSCOPE,
        &["-j", "prog", "show", "pinned", pin.to_str().unwrap()],
    )["id"]
        .as_u64()
        .unwrap()
        .to_string();

    let ids = bash_complete(&["prog", "dump", "xlated", "id"]);
    assert!(ids.contains(&id), "id {id} not offered: {ids:?}");
    let mut kws = bash_complete(&["prog", "dump", "xlated", "id", &id]);
    kws.sort();
    assert_eq!(kws, ["file", "linum", "opcodes", "visual"]);
    let names = bash_complete(&["prog", "show", "name"]);
    assert!(names.iter().any(|n| n == "on_getppid"), "{names:?}");
    // Prefixes and global options are understood.
    let cmds = bash_complete(&["-j", "p"]);
    assert!(
        cmds.contains(&"dump".to_string()) && cmds.contains(&"load".to_string()),
        "{cmds:?}"
    );
    let objs = bash_complete(&[]);
    assert!(objs.contains(&"prog".to_string()) && objs.contains(&"tool".to_string()));
}
