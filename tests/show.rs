//! Live tests for `prog show`, `map show`, `btf show`: our JSON against
//! bpftool's for the same objects, text layout, handles, and error paths.
mod common;

use std::os::fd::AsFd;

use common::*;
use libbpf_rs::MapCore;
use serde_json::Value;

/// The loaded fixture: its object (keeps programs alive), a link, and a pin.
struct Loaded {
    _obj: libbpf_rs::Object,
    _link: libbpf_rs::Link,
    dir: BpffsDir,
    tp_id: u32,
    sock_id: u32,
    array_id: u32,
    progarray_id: u32,
}

fn load() -> Loaded {
    let dir = BpffsDir::new();
    let obj_path = compile("show");
    let obj = libbpf_rs::ObjectBuilder::default()
        .open_file(&obj_path)
        .unwrap()
        .load()
        .unwrap();
    let mut tp_id = 0;
    let mut sock_id = 0;
    let mut link = None;
    for p in obj.progs_mut() {
        match p.name().to_str().unwrap() {
            "handle_getppid_with_a_long_name" => {
                tp_id = prog_id(p.as_fd());
                link = Some(p.attach().unwrap());
            }
            "sock_filter" => {
                sock_id = prog_id(p.as_fd());
                p.as_fd();
                let mut p = p;
                p.pin(dir.join("sock_filter")).unwrap();
            }
            _ => {}
        }
    }
    let mut array_id = 0;
    let mut progarray_id = 0;
    for m in obj.maps() {
        match m.name().to_str().unwrap() {
            "array_with_a_rather_long_name" => array_id = map_id(m.as_fd()),
            "jumps" => progarray_id = map_id(m.as_fd()),
            _ => {}
        }
    }
    Loaded {
        _obj: obj,
        _link: link.unwrap(),
        dir,
        tp_id,
        sock_id,
        array_id,
        progarray_id,
    }
}

#[test]
fn prog_show_matches_bpftool() {
    let l = load();
    let id = l.tp_id.to_string();
    let ours = json(BPFSCOPE, &["-j", "prog", "show", "id", &id]);
    assert_eq!(
        ours["name"], "handle_getppid_with_a_long_name",
        "full name from BTF func info"
    );
    assert_eq!(ours["metadata"]["tool"], "show-test");
    assert_eq!(ours["metadata"]["level"], 7);
    assert!(ours["verified_insns"].as_u64().unwrap() > 0);
    // Our own process holds the fd through libbpf-rs: pids lists it.
    let me = std::process::id() as u64;
    assert!(
        ours["pids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["pid"] == me),
        "pids: {ours}"
    );
    if have_bpftool() {
        let theirs = json("bpftool", &["-j", "prog", "show", "id", &id]);
        assert_superset(&ours, &theirs, &["pids"], "prog show");
        let sock = l.sock_id.to_string();
        let ours = json(BPFSCOPE, &["-j", "prog", "show", "id", &sock]);
        let theirs = json("bpftool", &["-j", "prog", "show", "id", &sock]);
        assert_superset(&ours, &theirs, &["pids"], "prog show socket");
        // Text: every line bpftool prints appears in ours, in order.
        let ours = stdout(&bpfscope(&["prog", "show", "id", &id]));
        let theirs = stdout(&run("bpftool", &["prog", "show", "id", &id]));
        let mut it = ours.lines();
        for line in theirs.lines().filter(|l| !l.contains("pids ")) {
            assert!(
                it.any(|o| o == line),
                "line {line:?} missing from our text:\n{ours}\nbpftool:\n{theirs}"
            );
        }
    }
}

/// What a name/tag handle matched: one bare object, or an array of several.
fn matches(v: &Value) -> Vec<Value> {
    match v {
        Value::Object(_) => vec![v.clone()],
        Value::Array(a) => {
            assert!(a.len() >= 2, "one match must print a bare object: {v}");
            a.clone()
        }
        _ => panic!("not an object or array: {v}"),
    }
}

/// A name no other program or map has (kernel names: 15 characters).
fn unique_name(kind: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{kind}{:08x}", std::process::id() ^ nanos.rotate_left(12))
}

/// A socket filter `r0 = imm; exit` named `name` (no BTF: the kernel's name is the name).
fn raw_prog(name: &str, imm: i32) -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd;
    let insns: [u64; 2] = [0xb7 | ((imm as u32 as u64) << 32), 0x95];
    let name = std::ffi::CString::new(name).unwrap();
    let license = std::ffi::CString::new("GPL").unwrap();
    // SAFETY: insns, name and license live across the call; the count matches.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER,
            name.as_ptr(),
            license.as_ptr(),
            insns.as_ptr().cast(),
            insns.len() as _,
            std::ptr::null_mut(),
        )
    };
    assert!(fd >= 0, "prog load: {}", std::io::Error::last_os_error());
    // SAFETY: a fresh fd from the kernel.
    unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) }
}

fn raw_map(name: &str) -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd;
    let name = std::ffi::CString::new(name).unwrap();
    // SAFETY: name lives across the call; no options.
    let fd = unsafe {
        libbpf_sys::bpf_map_create(
            libbpf_sys::BPF_MAP_TYPE_ARRAY,
            name.as_ptr(),
            4,
            4,
            1,
            std::ptr::null(),
        )
    };
    assert!(fd >= 0, "map create: {}", std::io::Error::last_os_error());
    // SAFETY: a fresh fd from the kernel.
    unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) }
}

/// bpftool's rule for `name`/`tag` handles: one match prints a bare object,
/// several print an array (prog show, map show, prog dump).
#[test]
fn name_and_tag_handles_give_an_object_for_one_match_as_bpftool() {
    let bpftool = have_bpftool();
    let name = unique_name("jc");
    let imm = (std::process::id() as i32).wrapping_mul(7919) | 1;
    let a = raw_prog(&name, imm);
    let a_id = prog_id(&a);
    let one = json(BPFSCOPE, &["-j", "prog", "show", "name", &name]);
    assert!(one.is_object(), "{one}");
    assert_eq!(one["id"], a_id);
    let tag = one["tag"].as_str().unwrap().to_string();
    let by_tag = json(BPFSCOPE, &["-j", "prog", "show", "tag", &tag]);
    assert!(by_tag.is_object() && by_tag["id"] == a_id, "{by_tag}");
    // prog dump: one match is the bare instruction list, as bpftool prints it.
    let insns = json(BPFSCOPE, &["-j", "prog", "dump", "xlated", "name", &name]);
    assert!(
        insns
            .as_array()
            .is_some_and(|i| i[0].get("disasm").is_some()),
        "{insns}"
    );
    if bpftool {
        for args in [
            ["prog", "show", "name", &name],
            ["prog", "show", "tag", &tag],
        ] {
            let mut full = vec!["-j"];
            full.extend(args);
            let theirs = json("bpftool", &full);
            assert!(theirs.is_object(), "bpftool {full:?}: {theirs}");
            assert_superset(&json(BPFSCOPE, &full), &theirs, &["pids"], "one match");
        }
        let theirs = json("bpftool", &["-j", "prog", "dump", "xlated", "name", &name]);
        assert!(
            theirs
                .as_array()
                .is_some_and(|i| i[0].get("disasm").is_some()),
            "{theirs}"
        );
    }
    // Two programs with the same name and code: an array of both, for name and tag.
    let b = raw_prog(&name, imm);
    let b_id = prog_id(&b);
    let ids = |v: &Value| -> Vec<u64> {
        let mut ids: Vec<u64> = v
            .as_array()
            .unwrap_or_else(|| panic!("array: {v}"))
            .iter()
            .map(|p| p["id"].as_u64().unwrap())
            .collect();
        ids.sort();
        ids
    };
    let mut want = vec![u64::from(a_id), u64::from(b_id)];
    want.sort();
    for h in [["name", name.as_str()], ["tag", tag.as_str()]] {
        let mut full = vec!["-j", "prog", "show"];
        full.extend(h);
        let ours = json(BPFSCOPE, &full);
        assert_eq!(ids(&ours), want, "{full:?}");
        if bpftool {
            let theirs = json("bpftool", &full);
            assert_eq!(ids(&theirs), want, "bpftool {full:?}");
            for t in theirs.as_array().unwrap() {
                let o = ours
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|o| o["id"] == t["id"])
                    .unwrap();
                assert_superset(o, t, &["pids"], "several matches");
            }
        }
    }
    // Maps: the same rule.
    let mname = unique_name("jm");
    let m1 = raw_map(&mname);
    let one = json(BPFSCOPE, &["-j", "map", "show", "name", &mname]);
    assert!(one.is_object() && one["id"] == map_id(&m1), "{one}");
    if bpftool {
        let theirs = json("bpftool", &["-j", "map", "show", "name", &mname]);
        assert!(theirs.is_object(), "{theirs}");
        assert_superset(&one, &theirs, &["pids"], "map one match");
    }
    let m2 = raw_map(&mname);
    let two = json(BPFSCOPE, &["-j", "map", "show", "name", &mname]);
    let mut want = vec![u64::from(map_id(&m1)), u64::from(map_id(&m2))];
    want.sort();
    assert_eq!(ids(&two), want);
    if bpftool {
        let theirs = json("bpftool", &["-j", "map", "show", "name", &mname]);
        assert_eq!(ids(&theirs), want);
    }
    // Commands that need one object say which ones matched, in one message.
    let o = bpfscope(&["prog", "pin", "name", &name, "/sys/fs/bpf/never"]);
    assert_eq!(o.status.code(), Some(255));
    let err = stderr(&o);
    // Ids come in the kernel's order, ascending.
    let (lo, hi) = (a_id.min(b_id), a_id.max(b_id));
    let want_err = format!(
        "Error: several programs match this handle: ids {lo}, {hi} (use 'id ID' or 'pinned PATH')"
    );
    assert!(err.starts_with(&want_err), "{err}");
    let o = bpfscope(&["map", "lookup", "name", &mname, "key", "0", "0", "0", "0"]);
    assert_eq!(o.status.code(), Some(255));
    assert!(
        stderr(&o).starts_with("Error: several maps match this handle: ids "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn prog_show_all_and_handles() {
    let l = load();
    let all = json(BPFSCOPE, &["-j", "prog", "show"]);
    let ids: Vec<u64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    assert!(ids.contains(&(l.tp_id as u64)) && ids.contains(&(l.sock_id as u64)));
    // name handle: matches the full name and the kernel's cut name. Other
    // tests of this binary load the same fixture meanwhile, so the match is
    // one object or an array of several (see name_and_tag_handles_…).
    let by_name = json(
        BPFSCOPE,
        &[
            "-j",
            "prog",
            "show",
            "name",
            "handle_getppid_with_a_long_name",
        ],
    );
    assert!(matches(&by_name).iter().any(|p| p["id"] == l.tp_id));
    let by_short = json(BPFSCOPE, &["-j", "p", "s", "n", "handle_getppid_"]);
    assert!(matches(&by_short).iter().any(|p| p["id"] == l.tp_id));
    // tag handle: the same rule.
    let one = json(
        BPFSCOPE,
        &["-j", "prog", "show", "id", &l.tp_id.to_string()],
    );
    let tag = one["tag"].as_str().unwrap();
    let by_tag = json(BPFSCOPE, &["-j", "prog", "show", "tag", tag]);
    assert!(matches(&by_tag).iter().any(|p| p["id"] == l.tp_id));
    // pinned handle: object; -f shows the pin.
    let pin = l.dir.join("sock_filter");
    let pin = pin.to_str().unwrap();
    let by_pin = json(BPFSCOPE, &["-j", "-f", "prog", "show", "pinned", pin]);
    assert_eq!(by_pin["id"], l.sock_id);
    assert_eq!(by_pin["pinned"], serde_json::json!([pin]));
    let text = stdout(&bpfscope(&["-f", "prog", "show", "pinned", pin]));
    assert!(text.contains(&format!("\n\tpinned {pin}")), "{text}");
    // Pretty JSON is the same value.
    let pretty = json(BPFSCOPE, &["-p", "prog", "show", "pinned", pin]);
    assert_eq!(pretty["id"], l.sock_id);
    // --table renders a header and the row.
    let t = stdout(&bpfscope(&[
        "--table",
        "prog",
        "show",
        "id",
        &l.sock_id.to_string(),
    ]));
    assert!(t.contains("TAG") && t.contains("sock_filter"), "{t}");
}

#[test]
fn map_show_matches_bpftool() {
    let l = load();
    for id in [l.array_id, l.progarray_id] {
        let id = id.to_string();
        let ours = json(BPFSCOPE, &["-j", "map", "show", "id", &id]);
        if have_bpftool() {
            let theirs = json("bpftool", &["-j", "map", "show", "id", &id]);
            assert_superset(&ours, &theirs, &["pids"], "map show");
            let ours_t = stdout(&bpfscope(&["map", "show", "id", &id]));
            let theirs_t = stdout(&run("bpftool", &["map", "show", "id", &id]));
            // Same layout; ours may add the flag names after the flags.
            let strip = |s: &str| {
                s.lines()
                    .filter(|l| !l.contains("pids "))
                    .map(|l| l.split(" (").next().unwrap().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(strip(&ours_t), strip(&theirs_t));
        }
    }
    let arr = json(
        BPFSCOPE,
        &["-j", "map", "show", "id", &l.array_id.to_string()],
    );
    assert_eq!(
        arr["name"], "array_with_a_ra",
        "kernel map names are cut to 15 bytes"
    );
    assert!(arr["btf_id"].as_u64().unwrap() > 0);
    let pa = json(
        BPFSCOPE,
        &["-j", "map", "show", "id", &l.progarray_id.to_string()],
    );
    assert_eq!(pa["type"], "prog_array");
    // One map named "counts" prints bare, several (other tests load the
    // same fixture meanwhile) an array.
    let by_name = json(BPFSCOPE, &["-j", "map", "show", "name", "counts"]);
    assert!(
        matches(&by_name).iter().all(|m| m["name"] == "counts"),
        "{by_name}"
    );
}

#[test]
fn btf_show_matches_bpftool() {
    let l = load();
    let p = json(
        BPFSCOPE,
        &["-j", "prog", "show", "id", &l.tp_id.to_string()],
    );
    let btf_id = p["btf_id"].as_u64().unwrap().to_string();
    let ours = json(BPFSCOPE, &["-j", "btf", "show", "id", &btf_id]);
    assert!(ours["prog_ids"]
        .as_array()
        .unwrap()
        .contains(&Value::from(l.tp_id)));
    assert!(ours["map_ids"]
        .as_array()
        .unwrap()
        .contains(&Value::from(l.array_id)));
    if have_bpftool() {
        let theirs = json("bpftool", &["-j", "btf", "show", "id", &btf_id]);
        let sorted = |v: &Value| {
            let mut a: Vec<u64> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            a.sort();
            a
        };
        for k in ["prog_ids", "map_ids"] {
            assert_eq!(sorted(&ours[k]), sorted(&theirs[k]), "{k}");
        }
        assert_superset(&ours, &theirs, &["pids", "prog_ids", "map_ids"], "btf show");
        let v1 = json(BPFSCOPE, &["-j", "btf", "show", "id", "1"]);
        assert_eq!(v1["kernel"], true);
        assert_eq!(v1["name"], "vmlinux");
    }
}

#[test]
fn error_paths_are_one_line_and_exit_255() {
    let dir = BpffsDir::new();
    let regular = dir.join("not-a-pin");
    std::fs::create_dir_all(&regular).unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["prog", "show", "id", "4294967295"],
            "can't get prog by id (4294967295): No such file or directory",
        ),
        (
            vec!["map", "show", "id", "4294967294"],
            "can't get map by id",
        ),
        (vec!["prog", "show", "id", "x"], "can't parse x as ID"),
        (vec!["prog", "show", "idx", "1"], "expected"),
        (vec!["prog", "show", "id"], "needs an argument"),
        (
            vec!["prog", "show", "id", "1", "extra"],
            "unexpected 'extra'",
        ),
        (
            vec!["map", "show", "tag", "0011223344556677"],
            "expected 'id', 'pinned' or 'name'",
        ),
        (
            vec!["prog", "show", "pinned", "/etc/hostname"],
            "not on a BPF file system",
        ),
        (
            vec!["prog", "show", "pinned", regular.to_str().unwrap()],
            "is a directory",
        ),
        (
            vec![
                "prog",
                "show",
                "pinned",
                "/sys/fs/bpf/does-not-exist-bpfscope",
            ],
            "No such file or directory",
        ),
        (
            vec!["prog", "show", "name", "no_such_prog_bpfscope"],
            "no prog with name",
        ),
        (vec!["frobnicate"], "unknown object 'frobnicate'"),
        (vec!["prog", "frob"], "unknown command 'frob'"),
    ];
    for (args, want) in cases {
        let o = bpfscope(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(255), "{args:?}: {err}");
        assert!(
            err.starts_with("Error: ") && err.lines().count() == 1,
            "{args:?}: {err:?}"
        );
        assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
        assert!(!err.contains("panicked"), "{args:?}");
        // With -j the error is also JSON on stdout.
        let mut jargs = vec!["-j"];
        jargs.extend(&args);
        let o = bpfscope(&jargs);
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|_| panic!("{jargs:?}: {}", stdout(&o)));
        assert!(v["error"].as_str().unwrap().contains(want));
    }
    // A pinned map is not a prog.
    let l = load();
    let pin = l.dir.join("a_map");
    let pin = pin.to_str().unwrap();
    let o = bpfscope(&["map", "pin", "id", &l.array_id.to_string(), pin]);
    assert!(o.status.success(), "map pin: {}", stderr(&o));
    let o = bpfscope(&["prog", "show", "pinned", pin]);
    assert_eq!(o.status.code(), Some(255));
    assert!(stderr(&o).contains("is not a prog pin"), "{}", stderr(&o));
}

#[test]
fn unprivileged_run_names_the_capability() {
    let have_setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok();
    assert!(have_setpriv, "setpriv (util-linux) is needed");
    for args in [
        vec!["prog", "show"],
        vec!["map", "show"],
        vec!["btf", "show"],
        vec!["prog", "show", "id", "1"],
    ] {
        let mut full = vec!["--reuid=65534", "--regid=65534", "--clear-groups", BPFSCOPE];
        full.extend(&args);
        let o = run("setpriv", &full);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(255), "{args:?}: {err}");
        assert!(
            err.lines().count() == 1 && err.contains("CAP_BPF"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn prefixes_and_help() {
    let a = bpfscope(&["p", "l"]);
    let b = bpfscope(&["prog", "show"]);
    assert!(a.status.success() && b.status.success());
    assert!(bpfscope(&["pe", "help"]).status.success());
    assert!(bpfscope(&["--help"]).status.success());
    let v = bpfscope(&["-V"]);
    assert!(stdout(&v).starts_with("bpfscope "));
}

#[test]
fn hostile_comm_is_escaped_in_text_and_valid_in_json() {
    let l = load();
    let pin = l.dir.join("sock_filter");
    // A process named with an escape sequence and a newline holds the program's fd.
    let script = format!(
        "import ctypes,os,sys,time\n\
         libc=ctypes.CDLL(None,use_errno=True)\n\
         libc.prctl(15, b'\\x1b[31mev\\nil', 0, 0, 0)\n\
         path=ctypes.create_string_buffer(b'{}')\n\
         attr=ctypes.create_string_buffer(16)\n\
         ctypes.memmove(attr, ctypes.byref(ctypes.c_uint64(ctypes.addressof(path))), 8)\n\
         fd=libc.syscall(321, 7, attr, 16)\n\
         print(fd, flush=True)\n\
         time.sleep(30)\n",
        pin.display()
    );
    let mut child = std::process::Command::new("python3")
        .args(["-c", &script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let child = Kill(child);
    assert!(
        line.trim().parse::<i32>().unwrap() >= 0,
        "child could not open the pin"
    );
    let id = l.sock_id.to_string();
    let text = stdout(&bpfscope(&["prog", "show", "id", &id]));
    assert!(
        !text.contains('\x1b'),
        "raw escape reached the terminal: {text:?}"
    );
    assert!(
        text.contains(&format!("\\x1b[31mev\\x0ail({})", child.0.id())),
        "{text}"
    );
    let v = json(BPFSCOPE, &["-j", "prog", "show", "id", &id]);
    let pids = v["pids"].as_array().unwrap();
    assert!(pids.iter().any(|p| p["comm"] == "\x1b[31mev\nil"), "{v}");
}

#[test]
fn holders_from_the_iterator_match_a_proc_scan() {
    use bpfscope::sys::{pid_iter, pids, ObjKind};
    let l = load();
    // This kernel has vmlinux BTF: the iterator must be the path taken, not
    // the /proc fallback.
    let layout = bpfscope::cmd::holders::layout().expect("holder iterator layout from vmlinux BTF");
    let prog = json(
        BPFSCOPE,
        &["-j", "prog", "show", "id", &l.tp_id.to_string()],
    );
    let btf_id = prog["btf_id"].as_u64().unwrap() as u32;
    let link_id = {
        let mut info = libbpf_sys::bpf_link_info::default();
        let mut len = std::mem::size_of_val(&info) as u32;
        use std::os::fd::AsRawFd;
        // SAFETY: info and len are valid for the call.
        let r = unsafe {
            libbpf_sys::bpf_link_get_info_by_fd(l._link.as_fd().as_raw_fd(), &mut info, &mut len)
        };
        assert_eq!(r, 0);
        info.id
    };
    let me = std::process::id() as i32;
    // Other tests of this binary load and drop objects in the same process
    // meanwhile, so only the fixture's ids are compared.
    for (kind, ids) in [
        (ObjKind::Prog, vec![l.tp_id, l.sock_id]),
        (ObjKind::Map, vec![l.array_id, l.progarray_id]),
        (ObjKind::Link, vec![link_id]),
        (ObjKind::Btf, vec![btf_id]),
    ] {
        // Skip no pid (0), so our own holdings are seen.
        let (by_iter, own) = pid_iter::holders(kind, &layout, 0).expect("holder iterator runs");
        // It names its own program and link, for listings to leave out.
        assert!(own.iter().any(|(k, _)| *k == ObjKind::Prog), "{own:?}");
        assert!(own.iter().any(|(k, _)| *k == ObjKind::Link), "{own:?}");
        let by_proc = pids::scan_proc(kind, 0);
        for id in ids {
            let mine = |t: &bpfscope::record::pids::PidTable| {
                t.get(&id)
                    .and_then(|refs| refs.iter().find(|r| r.pid == me).cloned())
            };
            let it = mine(&by_iter);
            assert!(
                it.is_some(),
                "{kind:?} {id}: iterator misses us: {by_iter:?}"
            );
            assert_eq!(it, mine(&by_proc), "{kind:?} {id}");
        }
    }
    // Nothing of the iterator's stays behind: its program is gone.
    let all = json(BPFSCOPE, &["-j", "prog", "show"]);
    assert!(
        !all.as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "bpfscope_pids"),
        "{all}"
    );
}
