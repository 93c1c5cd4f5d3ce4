//! Live tests of `prog load|loadall|pin|attach|detach` and `link pin|detach`
//! against bpftool: pins where bpftool puts them, map reuse, autoattach,
//! verifier rejections that leave nothing pinned, rollback on a pin clash.

mod common;

use std::path::Path;

use common::{bpfscope, stderr, stdout, BpffsDir};
use serde_json::Value;

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn ok(args: &[&str]) -> String {
    let o = bpfscope(args);
    assert!(o.status.success(), "bpfscope {args:?}: {}", stderr(&o));
    stdout(&o)
}

fn fails(args: &[&str]) -> String {
    let o = bpfscope(args);
    assert_eq!(
        o.status.code(),
        Some(255),
        "bpfscope {args:?} should fail: {}",
        stdout(&o)
    );
    stderr(&o)
}

fn entries(p: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn prog_json(pin: &Path) -> Value {
    common::json(common::BPFSCOPE, &["-j", "prog", "show", "pinned", s(pin)])
}

#[test]
fn load_pins_first_program_like_bpftool() {
    let obj = common::compile("load");
    let dir = BpffsDir::new();
    let pin = dir.join("p");
    assert_eq!(ok(&["-j", "prog", "load", s(&obj), s(&pin)]).trim(), "null");
    assert_eq!(entries(&dir.path), vec!["p".to_string()]);
    let ours = prog_json(&pin);
    assert_eq!(ours["name"], "on_getppid");
    assert_eq!(ours["type"], "tracepoint");
    if common::have_bpftool() {
        let bdir = BpffsDir::new();
        let bpin = bdir.join("p");
        let o = common::run("bpftool", &["prog", "load", s(&obj), s(&bpin)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let theirs = prog_json(&bpin);
        assert_eq!(ours["name"], theirs["name"]);
        assert_eq!(ours["type"], theirs["type"]);
        assert_eq!(
            ours["tag"], theirs["tag"],
            "same program, same instructions"
        );
    }
    // prog pin: a second pin of the same program.
    let copy = dir.join("copy");
    ok(&["prog", "pin", "pinned", s(&pin), s(&copy)]);
    assert_eq!(prog_json(&copy)["id"], ours["id"]);
    let err = fails(&["prog", "pin", "pinned", s(&pin), s(&copy)]);
    assert!(err.contains("exists"), "{err}");
}

#[test]
fn loadall_pinmaps_and_map_reuse() {
    let obj = common::compile("load");
    let dir = BpffsDir::new();
    let all = dir.join("all");
    let maps = dir.join("maps");
    ok(&["prog", "loadall", s(&obj), s(&all), "pinmaps", s(&maps)]);
    assert_eq!(entries(&all), ["msg_verdict", "on_getppid", "sock_filter"]);
    let m = entries(&maps);
    assert!(
        m.contains(&"counts".to_string()) && m.contains(&"socks".to_string()),
        "{m:?}"
    );
    let counts = common::json(
        common::BPFSCOPE,
        &["-j", "map", "show", "pinned", s(&maps.join("counts"))],
    );
    let counts_id = counts["id"].as_u64().expect("map id");

    // A second load reusing the pinned map: its program uses that map id.
    let p2 = dir.join("p2");
    ok(&[
        "prog",
        "load",
        s(&obj),
        s(&p2),
        "map",
        "name",
        "counts",
        "pinned",
        s(&maps.join("counts")),
    ]);
    let ids: Vec<u64> = prog_json(&p2)["map_ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    assert!(
        ids.contains(&counts_id),
        "map_ids {ids:?} lack reused map {counts_id}"
    );
    // Same by index (counts is map 0).
    let p3 = dir.join("p3");
    ok(&[
        "prog",
        "load",
        s(&obj),
        s(&p3),
        "map",
        "idx",
        "0",
        "id",
        &counts_id.to_string(),
    ]);
    let err = fails(&[
        "prog",
        "load",
        s(&obj),
        s(&dir.join("p4")),
        "map",
        "name",
        "nosuch",
        "id",
        &counts_id.to_string(),
    ]);
    assert!(err.contains("unable to find map 'nosuch'"), "{err}");
    assert!(!dir.join("p4").exists());

    // sk_msg program onto the sockmap, then off again.
    let prog = all.join("msg_verdict");
    let socks = maps.join("socks");
    ok(&[
        "prog",
        "attach",
        "pinned",
        s(&prog),
        "msg_verdict",
        "pinned",
        s(&socks),
    ]);
    ok(&[
        "prog",
        "detach",
        "pinned",
        s(&prog),
        "msg_verdict",
        "pinned",
        s(&socks),
    ]);
    let err = fails(&[
        "prog",
        "detach",
        "pinned",
        s(&prog),
        "msg_verdict",
        "pinned",
        s(&socks),
    ]);
    assert!(err.contains("failed prog detach"), "{err}");
    let err = fails(&[
        "prog",
        "attach",
        "pinned",
        s(&prog),
        "xdp",
        "pinned",
        s(&socks),
    ]);
    assert!(err.contains("expected ATTACH_TYPE (stream_parser"), "{err}");
}

#[test]
fn autoattach_pins_links_and_link_commands() {
    let obj = common::compile("load");
    let dir = BpffsDir::new();
    let aa = dir.join("aa");
    let o = bpfscope(&["prog", "loadall", s(&obj), s(&aa), "autoattach"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // sock_filter has no auto-attach: pinned as a program, with bpftool's note.
    assert!(
        stderr(&o).contains("sock_filter does not support autoattach"),
        "{}",
        stderr(&o)
    );
    let link = aa.join("on_getppid");
    let l = common::json(
        common::BPFSCOPE,
        &["-j", "link", "show", "pinned", s(&link)],
    );
    assert!(l["id"].as_u64().is_some(), "{l}");
    let copy = dir.join("link2");
    ok(&["link", "pin", "pinned", s(&link), s(&copy)]);
    let l2 = common::json(
        common::BPFSCOPE,
        &["-j", "link", "show", "pinned", s(&copy)],
    );
    assert_eq!(l["id"], l2["id"]);
    // Perf-event (tracepoint) links can't be detached (EOPNOTSUPP): same answer as bpftool.
    let ours = bpfscope(&["link", "detach", "pinned", s(&link)]);
    if common::have_bpftool() {
        let theirs = common::run("bpftool", &["link", "detach", "pinned", s(&copy)]);
        assert_eq!(
            ours.status.success(),
            theirs.status.success(),
            "{} / {}",
            stderr(&ours),
            stderr(&theirs)
        );
    }
    if !ours.status.success() {
        assert!(
            stderr(&ours).contains("failed link detach: Operation not supported"),
            "{}",
            stderr(&ours)
        );
    }
    assert_eq!(prog_json(&aa.join("sock_filter"))["name"], "sock_filter");
}

#[test]
fn verifier_rejection_shows_log_and_pins_nothing() {
    let obj = common::compile("reject");
    let dir = BpffsDir::new();
    let pin = dir.join("bad");
    let err = fails(&["prog", "load", s(&obj), s(&pin)]);
    assert!(
        err.contains("can't load object") && err.contains("'unchecked'"),
        "{err}"
    );
    // The analysis replaces the raw log tail: kernel message, cause, fix.
    assert!(
        err.contains("kernel:") && err.contains("invalid mem access"),
        "{err}"
    );
    assert!(err.contains("cause:") && err.contains("fix:"), "{err}");
    assert!(
        err.lines().last().is_some_and(|l| l.starts_with("Error: ")),
        "{err}"
    );
    assert!(entries(&dir.path).is_empty());
    let o = bpfscope(&["-j", "prog", "load", s(&obj), s(&pin)]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON error value");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("can't load object")),
        "{v}"
    );
    assert!(
        v["verifier"]["message"]
            .as_str()
            .is_some_and(|e| e.contains("invalid mem access")),
        "{v}"
    );
}

#[test]
fn failed_pinmaps_rolls_back_program_pins() {
    let obj = common::compile("load");
    let dir = BpffsDir::new();
    let maps = dir.join("maps");
    ok(&[
        "prog",
        "loadall",
        s(&obj),
        s(&dir.join("first")),
        "pinmaps",
        s(&maps),
    ]);
    // pinmaps into the same directory clashes on 'counts': everything of the second load goes.
    let second = dir.join("second");
    let err = fails(&["prog", "loadall", s(&obj), s(&second), "pinmaps", s(&maps)]);
    assert!(err.contains("already exists"), "{err}");
    // prog load has no --force: the error must not offer it.
    assert!(!err.contains("--force"), "{err}");
    assert!(!second.exists(), "rollback left {:?}", entries(&second));
    assert_eq!(entries(&dir.path), ["first", "maps"]);
}
