//! Live-kernel tests for bpftool's runtime commands: `prog run`,
//! `prog tracelog`, `prog profile`, `map event_pipe`, `net attach|detach`,
//! `iter pin`, `struct_ops`, `batch`, `feature list_builtins`, `token show`;
//! compared with bpftool 7.1 where it has the command.
//!
//! Programs come from tests/fixtures/runtime.bpf.c (and iter/tcp_ca
//! fixtures built against the tools' vmlinux.h), loaded in this process
//! through libbpf-rs so that dropping them unloads them even when an assert
//! fails; pins go under a BpffsDir guard.
mod common;

use std::os::fd::{AsFd, AsRawFd};

use libbpf_rs::MapCore;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{
    assert_fails, bpfscope, have_bpftool, json, run, stderr, stdout, text_of, BpffsDir, BPFSCOPE,
};
use serde_json::Value;

const BPFTOOL: &str = "bpftool";

/// A fixture object, loaded (not attached); unloaded on drop.
struct Loaded {
    obj: libbpf_rs::Object,
}

#[allow(dead_code)] // attach and map_id serve the tests added next
impl Loaded {
    fn new(obj_path: &Path) -> Self {
        let obj = libbpf_rs::ObjectBuilder::default()
            .open_file(obj_path)
            .expect("open fixture")
            .load()
            .expect("load fixture");
        Loaded { obj }
    }

    fn prog(&self, name: &str) -> libbpf_rs::Program<'_> {
        self.obj
            .progs()
            .find(|p| p.name().to_str() == Some(name))
            .unwrap_or_else(|| panic!("no program {name} in the fixture"))
    }

    /// Attaches a program where its section says (a tracepoint); detached on drop of the link.
    fn attach(&mut self, name: &str) -> libbpf_rs::Link {
        self.obj
            .progs_mut()
            .find(|p| p.name().to_str() == Some(name))
            .unwrap_or_else(|| panic!("no program {name} in the fixture"))
            .attach()
            .unwrap_or_else(|e| panic!("attach {name}: {e}"))
    }

    fn prog_id(&self, name: &str) -> u32 {
        common::prog_id(self.prog(name).as_fd())
    }

    fn map_id(&self, name: &str) -> u32 {
        let m = self
            .obj
            .maps()
            .find(|m| m.name().to_str() == Some(name))
            .unwrap_or_else(|| panic!("no map {name} in the fixture"));
        common::map_id(m.as_fd())
    }
}

fn runtime() -> Loaded {
    Loaded::new(&common::compile("runtime"))
}

// ---------------------------------------------------------------- prog run

/// A 64-byte packet with a recognisable pattern.
fn packet(dir: &Path) -> PathBuf {
    let p = dir.join("packet.bin");
    let bytes: Vec<u8> = (0..64u8)
        .map(|i| i.wrapping_mul(7).wrapping_add(0x20))
        .collect();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Durations differ run to run: masked for comparisons.
fn mask_duration(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("duration") {
            Some(i) => format!("{}duration…", &l[..i]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn prog_run_xdp_data_out_repeat_and_socket_filter() {
    let bpftool = have_bpftool();
    let tmp = tempdir();
    let pkt = packet(&tmp);
    let progs = runtime();
    let xdp = progs.prog_id("xdp_mark").to_string();
    let pkt_s = pkt.to_str().unwrap();

    // data_out to a file: the program's mark is there, the rest unchanged.
    let out_file = tmp.join("out.bin");
    let args = [
        "prog",
        "run",
        "id",
        &xdp,
        "data_in",
        pkt_s,
        "data_out",
        out_file.to_str().unwrap(),
    ];
    let text = text_of(BPFSCOPE, &args);
    assert!(text.starts_with("Return value: 2, duration: "), "{text}");
    assert!(text.trim_end().ends_with("ns"), "{text}");
    let (sent, got) = (
        std::fs::read(&pkt).unwrap(),
        std::fs::read(&out_file).unwrap(),
    );
    assert_eq!(got.len(), sent.len());
    assert_eq!(got[0], 0xaa);
    assert_eq!(got[1..], sent[1..]);

    // data_out -: hex rows, then the return value; JSON with bpftool's keys.
    let args = ["prog", "run", "id", &xdp, "data_in", pkt_s, "data_out", "-"];
    let text = text_of(BPFSCOPE, &args);
    assert!(text.starts_with("0000000\taa27 2e35 3c43"), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
    let j = json(BPFSCOPE, &[&["-j"][..], &args].concat());
    assert_eq!(j["retval"], 2);
    assert!(j["duration"].is_u64());
    let data: Vec<u8> = j["data_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    assert_eq!(data, got);
    if bpftool {
        assert_eq!(
            mask_duration(&text),
            mask_duration(&text_of(BPFTOOL, &args))
        );
        let theirs = json(BPFTOOL, &[&["-j"][..], &args].concat());
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&j), keys(&theirs));
        common::assert_superset(&j, &theirs, &["duration"], "prog run -j");
    }

    // repeat: the average is announced, as bpftool does.
    let args = [
        "prog", "run", "id", &xdp, "data_in", pkt_s, "repeat", "1000",
    ];
    let text = text_of(BPFSCOPE, &args);
    assert!(
        text.starts_with("Return value: 2, duration (average): "),
        "{text}"
    );
    if bpftool {
        assert_eq!(
            mask_duration(&text),
            mask_duration(&text_of(BPFTOOL, &args))
        );
    }

    // A context in and out (xdp_md, 24 bytes), as bpftool; too small an output buffer.
    let ctx = tmp.join("ctx.bin");
    std::fs::write(&ctx, [0u8; 24]).unwrap();
    let args = [
        "-j",
        "prog",
        "run",
        "id",
        &xdp,
        "data_in",
        pkt_s,
        "ctx_in",
        ctx.to_str().unwrap(),
        "ctx_out",
        "-",
    ];
    let j = json(BPFSCOPE, &args);
    assert_eq!(j["ctx_out"].as_array().map(Vec::len), Some(24), "{j}");
    if bpftool {
        common::assert_superset(&j, &json(BPFTOOL, &args), &["duration"], "prog run ctx");
    }
    assert_fails(
        &[
            "prog",
            "run",
            "id",
            &xdp,
            "data_in",
            pkt_s,
            "data_out",
            "-",
            "data_size_out",
            "8",
        ],
        "failed to run program: No space left on device",
    );

    // A socket filter returns the length after the Ethernet header.
    let sock = progs.prog_id("sock_len").to_string();
    let j = json(
        BPFSCOPE,
        &["-j", "prog", "run", "id", &sock, "data_in", pkt_s],
    );
    assert_eq!(j["retval"], 64 - 14, "{j}");

    // A tracepoint program can't be test-run: the error names its type.
    let tp = progs.prog_id("emit_record").to_string();
    assert_fails(
        &["prog", "run", "id", &tp, "data_in", pkt_s],
        "program type tracepoint can't be test-run",
    );
    // Missing input file; stdin twice.
    assert_fails(
        &["prog", "run", "id", &xdp, "data_in", "/nonexistent/pkt"],
        "failed to open /nonexistent/pkt",
    );
    assert_fails(
        &["prog", "run", "id", &xdp, "data_in", "-", "ctx_in", "-"],
        "cannot use standard input for both",
    );
    assert_fails(
        &["prog", "run", "id", &xdp, "data_in", pkt_s, "repeat", "x"],
        "can't parse x as repeat number",
    );
}

/// A scratch directory under /tmp, removed on drop.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> Scratch {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let p = std::env::temp_dir().join(format!(
        "bpfscope-runtime-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&p).unwrap();
    Scratch(p)
}

// ---------------------------------------------------------------- net attach

/// A network namespace with a veth pair; deleting them on drop detaches
/// every XDP and tcx program on the devices.
struct Netns {
    name: String,
}

impl Netns {
    fn new() -> Self {
        let name = format!("bpfscope-rt-{}", std::process::id());
        let ip = |args: &[&str]| {
            let o = run("ip", args);
            assert!(o.status.success(), "ip {args:?}: {}", stderr(&o));
        };
        ip(&["netns", "add", &name]);
        let ns = Netns { name };
        ip(&[
            "-n", &ns.name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
        ]);
        ip(&["-n", &ns.name, "link", "set", "veth0", "up"]);
        ip(&["-n", &ns.name, "link", "set", "veth1", "up"]);
        ns
    }

    fn exec(&self, bin: &str, args: &[&str]) -> Output {
        let mut a = vec!["netns", "exec", self.name.as_str(), bin];
        a.extend_from_slice(args);
        run("ip", &a)
    }

    fn ok(&self, bin: &str, args: &[&str]) -> String {
        let o = self.exec(bin, args);
        assert!(o.status.success(), "{bin} {args:?}: {}", stderr(&o));
        stdout(&o)
    }

    fn json(&self, bin: &str, args: &[&str]) -> Value {
        let text = self.ok(bin, args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: bad JSON ({e}): {text}"))
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = run("ip", &["-n", &self.name, "link", "del", "veth0"]);
        let _ = run("ip", &["netns", "del", &self.name]);
    }
}

/// `net show`'s xdp and tc entries as (dev, mode or kind, prog id).
fn net_entries(v: &Value) -> Vec<(String, String, u64)> {
    let v = &v[0];
    let mut out = Vec::new();
    for x in v["xdp"].as_array().unwrap() {
        out.push((
            x["devname"].as_str().unwrap().to_string(),
            x["mode"].as_str().unwrap().to_string(),
            x["id"].as_u64().unwrap(),
        ));
    }
    for t in v["tc"].as_array().unwrap() {
        out.push((
            t["devname"].as_str().unwrap().to_string(),
            t["kind"].as_str().unwrap().to_string(),
            t["prog_id"].as_u64().unwrap(),
        ));
    }
    // Devices by name; a stable sort keeps tcx's order within a hook.
    out.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    out
}

#[test]
fn net_attach_detach_xdp_and_tcx_on_veth() {
    let bpftool = have_bpftool();
    let progs = runtime();
    let ns = Netns::new();
    let xdp = progs.prog_id("xdp_mark");
    let (a, b) = (progs.prog_id("tcx_next_a"), progs.prog_id("tcx_next_b"));
    let (xs, as_, bs) = (xdp.to_string(), a.to_string(), b.to_string());
    let show = || net_entries(&ns.json(BPFSCOPE, &["-j", "net", "show"]));
    let ent = |dev: &str, kind: &str, id: u32| (dev.to_string(), kind.to_string(), id as u64);

    assert_eq!(
        ns.ok(
            BPFSCOPE,
            &["net", "attach", "xdpgeneric", "id", &xs, "dev", "veth0"]
        ),
        ""
    );
    assert_eq!(
        ns.ok(
            BPFSCOPE,
            &["-j", "net", "attach", "xdpdrv", "id", &xs, "dev", "veth1"]
        ),
        "null\n"
    );
    ns.ok(
        BPFSCOPE,
        &["net", "attach", "tcx_ingress", "id", &as_, "dev", "veth0"],
    );
    ns.ok(
        BPFSCOPE,
        &[
            "net",
            "attach",
            "tcx_ingress",
            "id",
            &bs,
            "dev",
            "veth0",
            "prepend",
        ],
    );
    ns.ok(
        BPFSCOPE,
        &["net", "attach", "tcx_egress", "id", &as_, "dev", "veth1"],
    );
    assert_eq!(
        show(),
        vec![
            ent("veth0", "generic", xdp),
            ent("veth0", "tcx/ingress", b),
            ent("veth0", "tcx/ingress", a),
            ent("veth1", "driver", xdp),
            ent("veth1", "tcx/egress", a),
        ]
    );
    if bpftool {
        // bpftool 7.1 sees the XDP attachments the same way.
        let theirs = ns.json(BPFTOOL, &["-j", "net", "show"]);
        let ours = ns.json(BPFSCOPE, &["-j", "net", "show"]);
        assert_eq!(ours[0]["xdp"], theirs[0]["xdp"]);
    }

    // A second XDP program without 'overwrite' is refused with the kernel's reason.
    let o = ns.exec(
        BPFSCOPE,
        &["net", "attach", "xdpgeneric", "id", &xs, "dev", "veth0"],
    );
    assert_eq!(o.status.code(), Some(255));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("Error: interface xdpgeneric attach failed: Device or resource busy"),
        "{err}"
    );
    ns.ok(
        BPFSCOPE,
        &[
            "net",
            "attach",
            "xdpgeneric",
            "id",
            &xs,
            "dev",
            "veth0",
            "overwrite",
        ],
    );
    // No offload hardware here; a wrong program type; a missing device.
    for (args, needle) in [
        (
            vec!["net", "attach", "xdpoffload", "id", &xs, "dev", "veth0"],
            "interface xdpoffload attach failed",
        ),
        (
            vec!["net", "attach", "tcx_egress", "id", &xs, "dev", "veth0"],
            "interface tcx_egress attach failed",
        ),
        (
            vec!["net", "attach", "xdp", "id", &xs, "dev", "nosuchdev0"],
            "invalid devname nosuchdev0",
        ),
        (
            vec![
                "net",
                "attach",
                "tcx_ingress",
                "id",
                &as_,
                "dev",
                "veth0",
                "overwrite",
            ],
            "'overwrite' is only supported for xdp types",
        ),
        (
            vec!["net", "detach", "bogus", "dev", "veth0"],
            "ATTACH_TYPE",
        ),
    ] {
        let o = ns.exec(BPFSCOPE, &args);
        assert_eq!(o.status.code(), Some(255), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.lines().count() == 1 && err.contains(needle),
            "{args:?}: {err}"
        );
    }

    // Detach: tcx removes the last program attached without a link.
    ns.ok(BPFSCOPE, &["net", "detach", "xdpgeneric", "dev", "veth0"]);
    ns.ok(BPFSCOPE, &["net", "detach", "tcx_ingress", "dev", "veth0"]);
    ns.ok(BPFSCOPE, &["net", "detach", "tcx_egress", "dev", "veth1"]);
    assert_eq!(
        show(),
        vec![ent("veth0", "tcx/ingress", b), ent("veth1", "driver", xdp)]
    );
    ns.ok(BPFSCOPE, &["net", "detach", "xdpdrv", "dev", "veth1"]);
    ns.ok(BPFSCOPE, &["net", "detach", "tcx_ingress", "dev", "veth0"]);
    assert_eq!(show(), vec![]);

    // bpftool's own attach and ours give the same view, and ours detaches it.
    if bpftool {
        ns.ok(
            BPFTOOL,
            &["net", "attach", "xdpgeneric", "id", &xs, "dev", "veth0"],
        );
        assert_eq!(show(), vec![ent("veth0", "generic", xdp)]);
        ns.ok(BPFSCOPE, &["net", "detach", "xdpgeneric", "dev", "veth0"]);
        assert_eq!(
            ns.ok(BPFTOOL, &["net", "show", "dev", "veth0"]),
            ns.ok(BPFSCOPE, &["net", "show", "dev", "veth0"])
                .replace("\nnetfilter:\n\n", "\n")
        );
    }
}

// ---------------------------------------------------------------- batch

/// The batch's file: show, create, update, dump and pin commands, with a
/// comment, a quoted word and a continued line.
fn batch_text(dir: &Path, xdp: u32, sock: u32) -> String {
    let d = dir.display();
    format!(
        "# made by the runtime test\n\
         prog show id {xdp}\n\
         map create {d}/m1 type hash key 4 value 4 entries 8 name 'batch_m1'\n\
         \n\
         map update pinned {d}/m1 key 1 0 0 0 value 2 0 0 0   # one element\n\
         map dump pinned {d}/m1\n\
         prog pin id {sock} \\\n    {d}/sock\n"
    )
}

/// What the batch left behind: the map's elements and the pinned program's id.
fn batch_effects(dir: &Path) -> (Value, Value) {
    let m1 = dir.join("m1");
    let sock = dir.join("sock");
    (
        json(
            BPFSCOPE,
            &["-j", "map", "dump", "pinned", m1.to_str().unwrap()],
        ),
        json(
            BPFSCOPE,
            &["-j", "prog", "show", "pinned", sock.to_str().unwrap()],
        )["id"]
            .clone(),
    )
}

#[test]
fn batch_matches_one_by_one_and_bpftool_and_stops_at_a_bad_line() {
    let bpftool = have_bpftool();
    let progs = runtime();
    let (xdp, sock) = (progs.prog_id("xdp_mark"), progs.prog_id("sock_len"));
    let tmp = tempdir();

    // One by one, in their own directory.
    let one = BpffsDir::new();
    let text = batch_text(&one.path, xdp, sock);
    let cmds: Vec<Vec<String>> = text
        .replace("\\\n", "")
        .lines()
        .map(|l| {
            l.split('#')
                .next()
                .unwrap()
                .split_whitespace()
                .map(|w| w.trim_matches('\'').to_string())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut texts = String::new();
    for c in &cmds {
        let args: Vec<&str> = c.iter().map(String::as_str).collect();
        texts.push_str(&text_of(BPFSCOPE, &args));
    }
    let expected = batch_effects(&one.path);
    assert_eq!(expected.1, sock);

    // As a batch: same output plus the count, same effects.
    let dir = BpffsDir::new();
    let file = tmp.join("batch.txt");
    std::fs::write(&file, batch_text(&dir.path, xdp, sock)).unwrap();
    let f = file.to_str().unwrap();
    let out = text_of(BPFSCOPE, &["batch", "file", f]);
    // Holders change while other tests fork: `pids` lines are left out.
    let no_pids = |t: &str| {
        t.lines()
            .filter(|l| !l.trim_start().starts_with("pids "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        no_pids(&out),
        no_pids(&format!("{texts}processed 5 commands\n"))
    );
    assert_eq!(batch_effects(&dir.path), expected);
    // From stdin, with -j: one array of {command, output}.
    for p in ["m1", "sock"] {
        std::fs::remove_file(dir.join(p)).unwrap();
    }
    let o = Command::new(BPFSCOPE)
        .args(["-j", "batch", "file", "-"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let ours: Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = ours.as_array().unwrap();
    assert_eq!(arr.len(), 5);
    assert_eq!(arr[1]["command"][4], "hash");
    assert_eq!(arr[1]["command"][12], "batch_m1");
    assert_eq!(arr[1]["output"], Value::Null);
    assert_eq!(arr[0]["output"]["id"], xdp);
    assert_eq!(arr[0]["output"]["name"], "xdp_mark");
    assert_eq!(arr[3]["output"], expected.0);
    assert_eq!(batch_effects(&dir.path), expected);
    if bpftool {
        for p in ["m1", "sock"] {
            std::fs::remove_file(dir.join(p)).unwrap();
        }
        let theirs = json(BPFTOOL, &["-j", "batch", "file", f]);
        let theirs = theirs.as_array().unwrap();
        assert_eq!(theirs.len(), arr.len());
        for (o, t) in arr.iter().zip(theirs) {
            assert_eq!(o["command"], t["command"]);
            match t["output"].as_object() {
                Some(_) => {
                    common::assert_superset(&o["output"], &t["output"], &["pids"], "batch -j")
                }
                None => assert_eq!(o["output"], t["output"]),
            }
        }
        for p in ["m1", "sock"] {
            std::fs::remove_file(dir.join(p)).unwrap();
        }
        let theirs = text_of(BPFTOOL, &["batch", "file", f]);
        assert!(theirs.ends_with("processed 5 commands\n"), "{theirs}");
    }

    // A bad line stops the batch: the commands before it ran, none after.
    let bad = tmp.join("bad.txt");
    let d = dir.path.display();
    std::fs::write(
        &bad,
        format!("map create {d}/m2 type array key 4 value 4 entries 1 name b2\n# fine so far\nmap show id 4294967295\nmap create {d}/m3 type array key 4 value 4 entries 1 name b3\n"),
    )
    .unwrap();
    let o = bpfscope(&["batch", "file", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(255));
    assert!(
        stderr(&o).starts_with("Error: line 3 (map show id 4294967295): can't get map by id"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
    assert!(dir.join("m2").exists());
    assert!(!dir.join("m3").exists());
    std::fs::remove_file(dir.join("m2")).unwrap();
    let o = bpfscope(&["-j", "batch", "file", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(255));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["output"], Value::Null, "{v}");
    assert!(
        v[1]["output"]["error"]
            .as_str()
            .unwrap()
            .contains("can't get map by id"),
        "{v}"
    );
    assert!(!dir.join("m3").exists());
    // Parse errors name their line too; a missing file; batch in a batch.
    std::fs::write(&bad, "prog show\nprog bogus\n").unwrap();
    assert_batch_fails(&bad, "line 2 (prog bogus): unknown command 'bogus'");
    std::fs::write(&bad, "prog show\n\nmap 'open\n").unwrap();
    assert_batch_fails(&bad, "line 3: unterminated quoted string");
    std::fs::write(&bad, format!("batch file {}\n", bad.display())).unwrap();
    assert_batch_fails(&bad, "a batch file cannot run 'batch'");
    assert_fails(
        &["batch", "file", "/nonexistent/batch"],
        "Can't open file (/nonexistent/batch)",
    );
}

/// A batch that stops: one `Error: …` line naming the line; with -j the
/// array's last entry holds the error object.
fn assert_batch_fails(file: &Path, needle: &str) {
    let f = file.to_str().unwrap();
    let o = bpfscope(&["batch", "file", f]);
    assert_eq!(o.status.code(), Some(255));
    let err = stderr(&o);
    assert!(err.starts_with("Error: ") && err.contains(needle), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = bpfscope(&["-j", "batch", "file", f]);
    assert_eq!(o.status.code(), Some(255));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    let last = match &v {
        Value::Array(a) => a.last().map(|e| e["output"].clone()).unwrap_or_default(),
        other => other.clone(),
    };
    assert!(last["error"].is_string(), "{v}");
}

// ---------------------------------------------------------------- feature list_builtins, token show

#[test]
fn feature_list_builtins_extends_bpftool_lists() {
    let bpftool = have_bpftool();
    for group in [
        "prog_types",
        "map_types",
        "attach_types",
        "link_types",
        "helpers",
    ] {
        let ours = text_of(BPFSCOPE, &["feature", "list_builtins", group]);
        let j = json(BPFSCOPE, &["-j", "feature", "list_builtins", group]);
        let names: Vec<&str> = ours.lines().collect();
        assert_eq!(j.as_array().unwrap().len(), names.len(), "{group}");
        assert_eq!(j[0], names[0], "{group}");
        assert!(names.len() > 10, "{group}: {ours}");
        if bpftool {
            // bpftool 7.1 links libbpf 1.1: its lists are older, so a prefix of ours.
            let theirs = text_of(BPFTOOL, &["feature", "list_builtins", group]);
            let theirs: Vec<&str> = theirs.lines().collect();
            assert_eq!(names[..theirs.len()], theirs[..], "{group}");
            let tj = json(BPFTOOL, &["-j", "feature", "list_builtins", group]);
            assert_eq!(
                j.as_array().unwrap()[..theirs.len()],
                tj.as_array().unwrap()[..]
            );
        }
    }
    // Prefixes as bpftool: `feature list_b h`.
    assert_eq!(
        text_of(BPFSCOPE, &["feature", "list_b", "h"]),
        text_of(BPFSCOPE, &["feature", "list_builtins", "helpers"])
    );
    assert_fails(&["feature", "list_builtins", "bogus"], "GROUP");
}

#[test]
fn token_show_lists_delegating_mounts_as_upstream_documents() {
    // In a mount namespace of its own: the mount vanishes with it.
    let script = format!(
        "set -e; d=$(mktemp -d); \
         mount -t bpf bpffs $d -o delegate_cmds=prog_load:map_create -o delegate_progs=kprobe -o delegate_attachs=xdp; \
         {b} token show; echo ----; {b} -j token show; echo ----; echo $d",
        b = BPFSCOPE
    );
    let o = run(
        "unshare",
        &["-m", "--propagation", "private", "sh", "-c", &script],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let parts: Vec<&str> = text.split("----\n").collect();
    let dir = text.trim_end().lines().last().unwrap();
    // Upstream's docs/bpftool-token.rst example, with our mount point.
    let expected = format!(
        "token_info  {dir}\n\tallowed_cmds:\n\t  map_create          prog_load           \n\
         \tallowed_maps:\n\tallowed_progs:\n\t  kprobe              \n\tallowed_attachs:\n\t  xdp                 \n"
    );
    let ours = parts[0]
        .lines()
        .skip_while(|l| !l.starts_with(&format!("token_info  {dir}")))
        .take(8)
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    assert_eq!(ours, expected);
    let j: Value = serde_json::from_str(parts[1].trim()).unwrap();
    let mine = j
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["token_info"] == dir)
        .expect("our mount in -j");
    assert_eq!(
        *mine,
        serde_json::json!({
            "token_info": dir,
            "allowed_cmds": ["map_create", "prog_load"],
            "allowed_maps": [],
            "allowed_progs": ["kprobe"],
            "allowed_attachs": ["xdp"],
        })
    );
    let _ = std::fs::remove_dir(dir);
}

// ---------------------------------------------------------------- iter pin

/// Builds a fixture that includes the tools' vmlinux.h (iterators, struct_ops).
fn compile_btf(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures");
    let out = std::env::temp_dir().join(format!("bpfscope-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let obj = out.join(format!("{name}.bpf.o"));
    let st = Command::new("clang")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg(fixtures.join(format!("{name}.bpf.c")))
        .arg("-o")
        .arg(&obj)
        .arg(format!("-I{}", fixtures.display()))
        .arg(format!(
            "-I{}",
            root.join("tracing-tools/src/bpf").display()
        ))
        .status()
        .expect("clang is needed for the live tests");
    assert!(st.success(), "clang failed on {name}");
    obj
}

#[test]
fn iter_pin_task_and_map_iterators_then_cat() {
    let bpftool = have_bpftool();
    let dir = BpffsDir::new();
    let me = std::process::id();

    // Task iterator: reading the pin lists every task, this one included.
    let task = compile_btf("iter_task");
    let pin = dir.join("tasks");
    let pin_s = pin.to_str().unwrap();
    assert_eq!(
        text_of(BPFSCOPE, &["iter", "pin", task.to_str().unwrap(), pin_s]),
        ""
    );
    let cat = std::fs::read_to_string(&pin).unwrap();
    assert!(cat.contains(&format!("task {me} {me}\n")), "{cat}");
    let link = json(BPFSCOPE, &["-j", "link", "show", "pinned", pin_s]);
    assert_eq!(link["type"], "iter", "{link}");
    if bpftool {
        let theirs = dir.join("tasks_bpftool");
        text_of(
            BPFTOOL,
            &[
                "iter",
                "pin",
                task.to_str().unwrap(),
                theirs.to_str().unwrap(),
            ],
        );
        let tcat = std::fs::read_to_string(&theirs).unwrap();
        assert!(tcat.contains(&format!("task {me} {me}\n")), "{tcat}");
        let tl = json(
            BPFSCOPE,
            &["-j", "link", "show", "pinned", theirs.to_str().unwrap()],
        );
        assert_eq!(tl["type"], link["type"]);
        assert_eq!(tl["target_name"], link["target_name"]);
    }
    // -j prints null, as for every command that prints nothing.
    let again = dir.join("tasks2");
    assert_eq!(
        text_of(
            BPFSCOPE,
            &[
                "-j",
                "iter",
                "pin",
                task.to_str().unwrap(),
                again.to_str().unwrap()
            ]
        ),
        "null\n"
    );

    // bpf_map iterator: a map we create is listed.
    let m = dir.join("m");
    text_of(
        BPFSCOPE,
        &[
            "map",
            "create",
            m.to_str().unwrap(),
            "type",
            "hash",
            "key",
            "4",
            "value",
            "8",
            "entries",
            "4",
            "name",
            "iter_m",
        ],
    );
    text_of(
        BPFSCOPE,
        &[
            "map",
            "update",
            "pinned",
            m.to_str().unwrap(),
            "key",
            "7",
            "0",
            "0",
            "0",
            "value",
            "9",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
    );
    let mid = json(
        BPFSCOPE,
        &["-j", "map", "show", "pinned", m.to_str().unwrap()],
    )["id"]
        .as_u64()
        .unwrap();
    let maps = compile_btf("iter_maps");
    let mpin = dir.join("maps");
    text_of(
        BPFSCOPE,
        &[
            "iter",
            "pin",
            maps.to_str().unwrap(),
            mpin.to_str().unwrap(),
        ],
    );
    let cat = std::fs::read_to_string(&mpin).unwrap();
    assert!(cat.lines().any(|l| l == format!("map {mid}")), "{cat}");

    // Map-element iterator over that map. This kernel refuses to load
    // map-element iterators (EPERM before the verifier runs, bpftool too):
    // then the error is one clean line and nothing is pinned.
    let elem = compile_btf("iter_map");
    let epin = dir.join("elems");
    let o = bpfscope(&[
        "iter",
        "pin",
        elem.to_str().unwrap(),
        epin.to_str().unwrap(),
        "map",
        "pinned",
        m.to_str().unwrap(),
    ]);
    if o.status.success() {
        assert_eq!(std::fs::read_to_string(&epin).unwrap(), "7=9\n");
    } else {
        eprintln!(
            "NOTE: this kernel refuses map-element iterators: {}",
            stderr(&o)
        );
        assert_eq!(o.status.code(), Some(255));
        assert!(
            stderr(&o).starts_with("Error: can't load object 'iter_map'"),
            "{}",
            stderr(&o)
        );
        assert!(!epin.exists());
    }

    // Bad input: no object, not on bpffs, a missing map; nothing pinned.
    assert_fails(
        &[
            "iter",
            "pin",
            "/nonexistent.o",
            dir.join("x").to_str().unwrap(),
        ],
        "can't read object file",
    );
    assert_fails(
        &[
            "iter",
            "pin",
            task.to_str().unwrap(),
            "/tmp/bpfscope-not-bpffs",
        ],
        "is not on BPF FS",
    );
    assert_fails(
        &[
            "iter",
            "pin",
            elem.to_str().unwrap(),
            dir.join("y").to_str().unwrap(),
            "map",
            "id",
            "4294967295",
        ],
        "can't get map by id",
    );
    assert!(!dir.join("x").exists() && !dir.join("y").exists());
    assert!(!Path::new("/tmp/bpfscope-not-bpffs").exists());
}

// ---------------------------------------------------------------- map event_pipe

/// A child process whose stdout lines arrive on a channel.
struct Reader {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Reader {
    fn spawn(bin: &str, args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = Command::new(bin)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn reader");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(stdout)
                .lines()
                .map_while(|l| l.ok())
            {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Reader { child, lines }
    }

    /// SIGINT, then the exit status, the remaining lines and stderr.
    fn interrupt(mut self) -> (std::process::ExitStatus, Vec<String>, String) {
        use std::io::Read;
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        let _ = self.child.stderr.take().unwrap().read_to_string(&mut err);
        let rest = self.lines.iter().collect();
        (status, rest, err)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fixture's record: (seq, tgid, magic), from an event's data bytes.
fn record(data: &[u8]) -> (u64, u32, u32) {
    let u64_at = |i: usize| u64::from_le_bytes(data[i..i + 8].try_into().unwrap());
    let u32_at = |i: usize| u32::from_le_bytes(data[i..i + 4].try_into().unwrap());
    (u64_at(0), u32_at(8), u32_at(12))
}

fn event_data(v: &Value) -> Vec<u8> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect()
}

/// Moves the calling thread to one CPU.
fn on_cpu(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t with one bit set, for this thread only.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// Points the fixture's programs at this process (its getppid() and getpgid() calls).
fn follow_me(progs: &Loaded) {
    let control = progs
        .obj
        .maps()
        .find(|m| m.name().to_str() == Some("control"))
        .unwrap();
    let me = u64::from(std::process::id());
    control
        .update(
            &0u32.to_ne_bytes(),
            &me.to_ne_bytes(),
            libbpf_rs::MapFlags::ANY,
        )
        .unwrap();
}

#[test]
fn map_event_pipe_counts_10k_records_or_reports_loss() {
    let mut progs = runtime();
    let events = progs.map_id("events").to_string();
    follow_me(&progs);
    let _link = progs.attach("emit_record");
    let reader = Reader::spawn(BPFSCOPE, &["-j", "map", "event_pipe", "id", &events]);

    // The reader is ready once a warm-up record comes back.
    let first = loop {
        // SAFETY: getppid has no preconditions.
        unsafe { libc::getppid() };
        if let Ok(l) = reader
            .lines
            .recv_timeout(std::time::Duration::from_millis(50))
        {
            break l;
        }
    };
    let first: Value = serde_json::from_str(&first).unwrap();
    let (warm_seq, tgid, magic) = record(&event_data(&first));
    assert_eq!((tgid, magic), (std::process::id(), 0xfeedbeef));
    assert_eq!(first["type"], 9);
    assert!(first["timestamp"].is_u64() && first["cpu"].is_u64() && first["index"] == first["cpu"]);

    const N: u64 = 10_000;
    for _ in 0..N {
        // SAFETY: as above.
        unsafe { libc::getppid() };
    }
    // Read until every record of the burst is accounted for. The kernel
    // writes a ring's LOST record only with the next record that fits in
    // it, so records keep coming, from each CPU in turn, until then.
    let last_seq = warm_seq + N; // seq of the burst's last record is <= this
    let mut lines = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let (mut burst, mut lost) = (0u64, 0u64);
    let ncpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut nudge = 0usize;
    while burst + lost < N && std::time::Instant::now() < deadline {
        match reader
            .lines
            .recv_timeout(std::time::Duration::from_millis(100))
        {
            Ok(l) => {
                let v: Value = serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}"));
                match v["type"].as_u64() {
                    Some(9) => {
                        burst += u64::from(
                            record(&event_data(&v)).0 > last_seq - N
                                && record(&event_data(&v)).0 <= last_seq,
                        )
                    }
                    Some(2) => lost += v["lost"]["count"].as_u64().unwrap(),
                    _ => {}
                }
                lines.push(l);
            }
            Err(_) => {
                on_cpu(nudge % ncpus);
                nudge += 1;
                // SAFETY: getppid has no preconditions.
                unsafe { libc::getppid() };
            }
        }
    }
    let (status, rest, err) = reader.interrupt();
    assert!(
        status.success(),
        "Ctrl-C ends event_pipe cleanly: {status:?} {err}"
    );
    lines.extend(rest);

    let mut seqs = std::collections::BTreeSet::new();
    let mut lost = 0u64;
    for l in &lines {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        match v["type"].as_u64() {
            Some(9) => {
                let (seq, tgid, magic) = record(&event_data(&v));
                assert_eq!((tgid, magic), (std::process::id(), 0xfeedbeef));
                assert!(seq > warm_seq, "seq {seq} out of range");
                assert!(seqs.insert(seq), "seq {seq} twice");
            }
            Some(2) => lost += v["lost"]["count"].as_u64().unwrap(),
            other => panic!("unexpected record type {other:?}: {l}"),
        }
    }
    // Warm-up calls after the first record add to the count: only those
    // above the last warm-up seq are the N records of the burst.
    let burst: Vec<u64> = seqs
        .iter()
        .copied()
        .filter(|s| *s > last_seq - N && *s <= last_seq)
        .collect();
    if lost == 0 {
        assert_eq!(
            burst.len() as u64,
            N,
            "every record arrives when none is lost"
        );
        assert!(!err.contains("lost"), "{err}");
    } else {
        eprintln!(
            "NOTE: {lost} records lost (ring full), {} read",
            burst.len()
        );
        assert!(
            burst.len() as u64 + lost >= N,
            "read {} + lost {lost} < {N}",
            burst.len()
        );
        assert!(
            err.contains(&format!("lost {lost} events in total")),
            "{err}"
        );
    }
}

#[test]
fn map_event_pipe_text_matches_bpftool_and_refuses_other_maps() {
    let bpftool = have_bpftool();
    let mut progs = runtime();
    let events = progs.map_id("events").to_string();
    follow_me(&progs);
    let _link = progs.attach("emit_record");
    // Text: header, hex of the 16-byte record and perf's 4 bytes of
    // padding (bpftool prints them too); one CPU's ring.
    let read_one = |bin: &str, args: &[&str]| {
        let reader = Reader::spawn(bin, args);
        let mut got = Vec::new();
        while got.len() < 3 {
            // SAFETY: getppid has no preconditions.
            unsafe { libc::getppid() };
            if let Ok(l) = reader
                .lines
                .recv_timeout(std::time::Duration::from_millis(50))
            {
                got.push(l);
            }
        }
        let (status, _, _) = reader.interrupt();
        (status, got)
    };
    // On CPU 0, so that `cpu 0 index 0` sees this thread's records.
    on_cpu(0);
    let shape = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.chars()
                    .map(|c| if c.is_ascii_hexdigit() { '0' } else { c })
                    .collect()
            })
            .collect()
    };
    let (status, ours) = read_one(
        BPFSCOPE,
        &["map", "event_pipe", "id", &events, "cpu", "0", "index", "0"],
    );
    assert!(status.success());
    assert!(
        ours[0].starts_with("== @") && ours[0].ends_with(" CPU: 0 index: 0 ====="),
        "{ours:?}"
    );
    assert!(ours[1].ends_with(" ef be ed fe"), "{ours:?}");
    assert_eq!(ours[2], "00 00 00 00");
    if bpftool {
        let (_, theirs) = read_one(
            BPFTOOL,
            &["map", "event_pipe", "id", &events, "cpu", "0", "index", "0"],
        );
        assert_eq!(shape(&ours), shape(&theirs));
    }
    // Typed through the BTF of the program that writes the records: text
    // in map dump's layout, -j with `formatted` next to bpftool's `data`.
    let read_until = |args: &[&str], done: &dyn Fn(&str) -> bool| {
        let reader = Reader::spawn(BPFSCOPE, args);
        let mut got = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !got.last().is_some_and(|l: &String| done(l)) {
            assert!(std::time::Instant::now() < deadline, "no record: {got:?}");
            // SAFETY: getppid has no preconditions.
            unsafe { libc::getppid() };
            if let Ok(l) = reader
                .lines
                .recv_timeout(std::time::Duration::from_millis(50))
            {
                got.push(l);
            }
        }
        let (status, _, err) = reader.interrupt();
        assert!(status.success(), "{err}");
        got
    };
    let me = std::process::id();
    let typed = read_until(
        &[
            "map",
            "event_pipe",
            "id",
            &events,
            "cpu",
            "0",
            "index",
            "0",
            "type",
            "record",
        ],
        &|l| l == "}",
    );
    assert!(typed[0].ends_with(" CPU: 0 index: 0 ====="), "{typed:?}");
    assert_eq!(typed[1], "{", "{typed:?}");
    assert!(typed[2].starts_with("    \"seq\": "), "{typed:?}");
    assert_eq!(typed[3], format!("    \"tgid\": {me},"), "{typed:?}");
    assert_eq!(typed[4], "    \"magic\": 4276993775", "{typed:?}");
    let typed = read_until(
        &[
            "-j",
            "map",
            "event_pipe",
            "id",
            &events,
            "cpu",
            "0",
            "index",
            "0",
            "type",
            "struct record",
        ],
        &|_| true,
    );
    let v: Value = serde_json::from_str(&typed[0]).unwrap();
    let (seq, tgid, magic) = record(&event_data(&v));
    assert_eq!(
        v["formatted"],
        serde_json::json!({"seq": seq, "tgid": tgid, "magic": magic})
    );
    assert_eq!((tgid, magic), (me, 0xfeedbeef));
    assert_fails(
        &["map", "event_pipe", "id", &events, "type", "no_such_type"],
        "type no_such_type not found",
    );
    // Not a perf event array; cpu without index.
    let control = progs.map_id("control").to_string();
    assert_fails(
        &["map", "event_pipe", "id", &control],
        "map is not a perf event array",
    );
    assert_fails(
        &["map", "event_pipe", "id", &events, "cpu", "0"],
        "cpu and index must be specified together",
    );
}

// ---------------------------------------------------------------- prog tracelog

/// Calls getpgid() (the fixture's bpf_printk trigger) until `reader` prints a
/// line holding `needle`; returns that line.
fn printk_until(reader: &Reader, needle: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        // SAFETY: getpgid(0) has no preconditions.
        unsafe { libc::getpgid(0) };
        while let Ok(l) = reader
            .lines
            .recv_timeout(std::time::Duration::from_millis(50))
        {
            if l.contains(needle) {
                return l;
            }
        }
    }
    panic!("no trace line with {needle:?}");
}

#[test]
fn prog_tracelog_streams_bpf_printk_until_ctrl_c() {
    let bpftool = have_bpftool();
    let mut progs = runtime();
    follow_me(&progs);
    let _link = progs.attach("printk_mark");
    let needle = format!("bpfscope-tracelog {}", std::process::id());

    let reader = Reader::spawn(BPFSCOPE, &["prog", "tracelog"]);
    let line = printk_until(&reader, &needle);
    // The kernel's layout: task-pid, CPU, flags, time, then the message.
    assert!(
        line.contains("bpf_trace_printk: ") && line.ends_with(&needle),
        "{line}"
    );
    let (status, _, err) = reader.interrupt();
    assert!(status.success(), "{status:?} {err}");
    assert_eq!(err, "");

    // -j: each line one JSON string, the newline kept as bpftool keeps it.
    let reader = Reader::spawn(BPFSCOPE, &["-j", "prog", "tracelog"]);
    let line = printk_until(&reader, &needle);
    let s: String = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert!(s.ends_with(&format!("{needle}\n")), "{s:?}");
    let (status, _, _) = reader.interrupt();
    assert!(status.success());

    if bpftool {
        let reader = Reader::spawn(BPFTOOL, &["prog", "tracelog"]);
        let theirs = printk_until(&reader, &needle);
        drop(reader);
        let tail = |l: &str| l[l.find("bpf_trace_printk").unwrap()..].to_string();
        // Ours came as the JSON string `s`.
        assert_eq!(tail(&theirs), tail(s.trim_end()));
    }

    // No tracefs (in a mount namespace of our own): mounted, or with -n a clean error.
    let script = format!(
        "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; \
         {b} -n prog tracelog; echo \"rc=$?\"; timeout --preserve-status -s INT 1 {b} prog tracelog; echo \"rc=$?\"; \
         grep -c tracefs /proc/mounts",
        b = BPFSCOPE
    );
    let o = run(
        "unshare",
        &["-m", "--propagation", "private", "sh", "-c", &script],
    );
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(err.starts_with("Error: could not find tracefs"), "{err}");
    assert!(out.starts_with("rc=255\n"), "{out}");
    assert!(
        err.contains("could not find tracefs, mounted it at /sys/kernel/tracing"),
        "{err}"
    );
    assert!(out.contains("rc=0\n1\n"), "{out}");
}

// ---------------------------------------------------------------- struct_ops

fn available_cas() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_available_congestion_control").unwrap()
}

/// Unregisters the test's congestion controls whatever happens.
struct CaGuard(&'static [&'static str]);

impl Drop for CaGuard {
    fn drop(&mut self) {
        for name in self.0 {
            let _ = bpfscope(&["struct_ops", "unregister", "name", name]);
        }
    }
}

/// A TCP connection over loopback in a fresh network namespace, with
/// congestion control `ca` set on the client: returns what getsockopt says.
fn connect_with_ca(ca: &str) -> String {
    use std::io::{Read, Write};
    let ns = format!("bpfscope-rt-ca-{}", std::process::id());
    assert!(run("ip", &["netns", "add", &ns]).status.success());
    struct Del(String);
    impl Drop for Del {
        fn drop(&mut self) {
            let _ = run("ip", &["netns", "del", &self.0]);
        }
    }
    let _del = Del(ns.clone());
    assert!(run("ip", &["-n", &ns, "link", "set", "lo", "up"])
        .status
        .success());
    let path = format!("/run/netns/{ns}");
    std::thread::scope(|s| {
        s.spawn(|| {
            let f = std::fs::File::open(&path).unwrap();
            // SAFETY: setns moves only this thread.
            assert_eq!(unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) }, 0);
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let mut c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
            // SAFETY: a valid socket and a name buffer of the given length.
            let r = unsafe {
                libc::setsockopt(
                    c.as_raw_fd(),
                    libc::IPPROTO_TCP,
                    libc::TCP_CONGESTION,
                    ca.as_ptr().cast(),
                    ca.len() as u32,
                )
            };
            assert_eq!(
                r,
                0,
                "TCP_CONGESTION {ca}: {}",
                std::io::Error::last_os_error()
            );
            let (mut srv, _) = l.accept().unwrap();
            c.write_all(&[7u8; 65536]).unwrap();
            let mut got = vec![0u8; 65536];
            srv.read_exact(&mut got).unwrap();
            let mut name = [0u8; 16];
            let mut len = name.len() as u32;
            // SAFETY: as above, a buffer of `len` bytes.
            let r = unsafe {
                libc::getsockopt(
                    c.as_raw_fd(),
                    libc::IPPROTO_TCP,
                    libc::TCP_CONGESTION,
                    name.as_mut_ptr().cast(),
                    &mut len,
                )
            };
            assert_eq!(r, 0);
            String::from_utf8_lossy(&name[..len as usize])
                .trim_end_matches('\0')
                .to_string()
        })
        .join()
        .unwrap()
    })
}

#[test]
fn struct_ops_register_show_select_dump_unregister() {
    let bpftool = have_bpftool();
    let _guard = CaGuard(&["bpfscope_ca", "bpfscope_cal", "bpfscope_cab"]);
    let dir = BpffsDir::new();

    // Register: bpftool's line on stderr, null with -j; the kernel lists it.
    let ca = compile_btf("tcp_ca");
    let o = bpfscope(&["struct_ops", "register", ca.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("Registered tcp_congestion_ops bpfscope_ca id "),
        "{err}"
    );
    assert!(available_cas()
        .split_whitespace()
        .any(|c| c == "bpfscope_ca"));

    // Show: text and JSON as bpftool's.
    let j = json(
        BPFSCOPE,
        &["-j", "struct_ops", "show", "name", "bpfscope_ca"],
    );
    let id = j[0]["id"].as_u64().unwrap().to_string();
    assert_eq!(
        j,
        serde_json::json!([{"id": j[0]["id"], "name": "bpfscope_ca", "kernel_struct_ops": "tcp_congestion_ops"}])
    );
    let text = text_of(BPFSCOPE, &["struct_ops", "show", "id", &id]);
    assert_eq!(
        text,
        format!("{id}: {:<15} {:<32}\n", "bpfscope_ca", "tcp_congestion_ops")
    );
    if bpftool {
        assert_eq!(text, text_of(BPFTOOL, &["struct_ops", "show", "id", &id]));
        assert_eq!(
            j,
            json(
                BPFTOOL,
                &["-j", "struct_ops", "show", "name", "bpfscope_ca"]
            )
        );
        assert_eq!(
            text_of(BPFSCOPE, &["struct_ops", "list"]),
            text_of(BPFTOOL, &["struct_ops", "list"])
        );
    }

    // Selected on a socket in a test network namespace, and used.
    assert_eq!(connect_with_ca("bpfscope_ca"), "bpfscope_ca");

    // Dump: the map's info and the kernel value, typed through vmlinux BTF.
    let d = json(BPFSCOPE, &["-j", "struct_ops", "dump", "id", &id]);
    assert_eq!(d[0]["bpf_map_info"]["id"].to_string(), id);
    let value = &d[1]["bpf_struct_ops_tcp_congestion_ops"];
    assert_eq!(value["data"]["name"], "bpfscope_ca", "{d}");
    // Function pointers name the program behind them, as bpftool's.
    let ssthresh = value["data"]["ssthresh"].as_str().unwrap();
    assert!(
        ssthresh.starts_with("u32 (struct sock *) bs_ssthresh/prog_id:"),
        "{ssthresh}"
    );
    assert_eq!(value["data"]["init"], "void (struct sock *) 0");
    if bpftool {
        // Byte for byte, in text, JSON and pretty JSON (bpftool 7.1 leaves
        // out the array for `id`, so compare by name).
        for args in [
            &["struct_ops", "dump", "name", "bpfscope_ca"][..],
            &["-j", "struct_ops", "dump", "name", "bpfscope_ca"],
            &["-p", "struct_ops", "dump", "name", "bpfscope_ca"],
        ] {
            assert_eq!(text_of(BPFSCOPE, args), text_of(BPFTOOL, args), "{args:?}");
        }
    }

    // Unregister: gone from the kernel's list and from show.
    let o = bpfscope(&["struct_ops", "unregister", "name", "bpfscope_ca"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!("Unregistered tcp_congestion_ops bpfscope_ca id {id}\n")
    );
    assert!(!available_cas()
        .split_whitespace()
        .any(|c| c == "bpfscope_ca"));
    assert_fails(
        &["struct_ops", "show", "name", "bpfscope_ca"],
        "no struct_ops found for bpfscope_ca",
    );

    // Through a link pinned in LINK_DIR: it stays while pinned.
    let link_ca = compile_btf("tcp_ca_link");
    let links = dir.join("links");
    let o = bpfscope(&[
        "struct_ops",
        "register",
        link_ca.to_str().unwrap(),
        links.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Registered tcp_congestion_ops bpfscope_cal map id "),
        "{}",
        stderr(&o)
    );
    assert!(links.join("bpfscope_cal").exists());
    assert!(available_cas()
        .split_whitespace()
        .any(|c| c == "bpfscope_cal"));
    assert_fails(
        &["struct_ops", "unregister", "name", "bpfscope_cal"],
        "registered through a link",
    );
    std::fs::remove_file(links.join("bpfscope_cal")).unwrap();
    let gone = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        !available_cas()
            .split_whitespace()
            .any(|c| c == "bpfscope_cal")
    });
    assert!(gone, "unpinning the link unregisters it");

    // Refused by the kernel ("reno" exists), and a missing file: nothing left.
    let bad = compile_btf("tcp_ca_bad");
    let before = available_cas();
    assert_fails(
        &["struct_ops", "register", bad.to_str().unwrap()],
        "can't register struct_ops bpfscope_cab",
    );
    assert_fails(
        &["struct_ops", "register", "/nonexistent.o"],
        "can't read object file",
    );
    assert_eq!(available_cas(), before);
    assert!(json(BPFSCOPE, &["-j", "struct_ops", "show"])
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["name"] != "bpfscope_cab"));
    assert_fails(&["struct_ops", "show", "id", "0"], "invalid id 0");
}

// ---------------------------------------------------------------- prog profile

#[test]
fn prog_profile_refuses_without_fentry_and_leaves_nothing() {
    let progs = runtime();
    let xdp = progs.prog_id("xdp_mark").to_string();
    let o = bpfscope(&[
        "prog",
        "profile",
        "id",
        &xdp,
        "duration",
        "1",
        "cycles",
        "instructions",
    ]);
    let err = stderr(&o);
    if o.status.success() {
        // A kernel with fentry and counters measures instead.
        assert!(stdout(&o).contains("run_cnt"), "{}", stdout(&o));
    } else {
        eprintln!("NOTE: {err}");
        assert_eq!(o.status.code(), Some(255));
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("Error: can't profile prog {xdp}: ")),
            "{err}"
        );
        assert!(err.contains("fentry") || err.contains("counter"), "{err}");
    }
    // The refusal comes from loading the profiler's own programs, and
    // neither they nor its maps stay.
    if !o.status.success() {
        assert!(err.contains("program 'fentry_XXX'"), "{err}");
    }
    let progs_left = json(BPFSCOPE, &["-j", "prog", "show"]);
    assert!(progs_left
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["name"] != "fentry_XXX" && p["name"] != "fexit_XXX"));
    // (Names only the profiler's maps have: other tests' maps are named
    // events and counts too.)
    let maps_left = json(BPFSCOPE, &["-j", "map", "show"]);
    assert!(maps_left.as_array().unwrap().iter().all(|m| {
        !["fentry_readings", "accum_readings", "profiler.rodata"]
            .contains(&m["name"].as_str().unwrap_or(""))
    }));
    // Bad metrics, too many, none.
    assert_fails(
        &["prog", "profile", "id", &xdp, "cycles", "bogus"],
        "expected METRIC",
    );
    assert_fails(
        &["prog", "profile", "id", &xdp, "c", "i", "l1", "ll", "it"],
        "too many (5) metrics",
    );
    assert_fails(&["prog", "profile", "id", &xdp], "no metric given");
    assert_fails(
        &["prog", "profile", "id", "4294967295", "cycles"],
        "can't get prog by id",
    );
}
