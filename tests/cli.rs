//! bpftool's command-line conventions, through the binary: version (and its
//! JSON keys against bpftool's), help at every level, usage for empty words,
//! repeated and clustered global options, unknown options named.
mod common;

use common::*;

#[test]
fn version_has_bpftools_keys() {
    let ours = json(BPFSCOPE, &["-j", "version"]);
    for k in ["version", "libbpf_version", "features"] {
        assert!(ours.get(k).is_some(), "{k}: {ours}");
    }
    assert_eq!(
        ours["features"]["skeletons"], true,
        "gen skeleton is built in"
    );
    if have_bpftool() {
        let theirs = json("bpftool", &["-j", "version"]);
        for (k, _) in theirs.as_object().expect("object") {
            assert!(ours.get(k).is_some(), "bpftool's key {k} missing: {ours}");
        }
        for (k, _) in theirs["features"].as_object().expect("features") {
            assert!(
                ours["features"].get(k).is_some(),
                "bpftool's feature {k} missing: {ours}"
            );
        }
    }
    let text = text_of(BPFSCOPE, &["-V"]);
    assert!(
        text.starts_with("bpfscope v") && text.contains("using libbpf v"),
        "{text}"
    );
}

#[test]
fn help_at_every_level_and_usage_for_empty_words() {
    for args in [
        &["help"][..],
        &["--help"],
        &["prog", "help"],
        &["prog", "dump", "--help"],
        &["map", "update", "-h"],
        &[""],
        &["", ""],
        &["prog", ""],
    ] {
        let o = bpfscope(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            stdout(&o).starts_with("Usage: bpfscope"),
            "{args:?}: {}",
            stdout(&o)
        );
    }
    let dump = stdout(&bpfscope(&["prog", "dump", "--help"]));
    for kw in [
        "xlated", "jited", "file", "opcodes", "visual", "linum", "format", "PROG :=",
    ] {
        assert!(dump.contains(kw), "{kw}: {dump}");
    }
}

#[test]
fn global_options_repeat_cluster_and_are_named_when_unknown() {
    for args in [
        &["-j", "-j", "version"][..],
        &["-jp", "version"],
        &["version", "-j"],
        &["-m", "-L", "-j", "version"],
    ] {
        let o = bpfscope(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let _: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON value");
    }
    assert_fails(&["--jsonn", "prog", "show"], "unknown option '--jsonn'");
    assert_fails(&["-jz", "prog", "show"], "unknown option '-z'");
}
