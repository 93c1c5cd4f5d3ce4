use super::request::*;
use super::*;
use crate::sys::handle::Handle;

fn argv(s: &str) -> Vec<String> {
    std::iter::once("bpfscope")
        .chain(s.split_whitespace())
        .map(String::from)
        .collect()
}

fn req(s: &str) -> Request {
    match parse(&argv(s)) {
        Ok(Invocation {
            action: Action::Run(r),
            ..
        }) => r,
        other => panic!("{s}: {other:?}"),
    }
}

fn err(s: &str) -> String {
    match parse(&argv(s)) {
        Err(e) => e.0,
        Ok(i) => panic!("{s}: parsed as {i:?}"),
    }
}

#[test]
fn prefixes_follow_bpftool_table_order() {
    assert_eq!(req("p s"), Request::Prog(ProgReq::Show(None)));
    assert_eq!(req("pe"), Request::Perf { links: false });
    assert_eq!(
        req("m l id 3"),
        Request::Map(MapReq::Show(Some(Handle::Id(3))))
    );
    assert!(err("c").contains("CGROUP"));
    // bpftool's token comes before our own tool: `t` is token, `too` tool.
    assert_eq!(req("t"), Request::TokenShow);
    assert!(matches!(
        req("too"),
        Request::Tool(ToolReq {
            verb: ToolVerb::List,
            ..
        })
    ));
    // bpftool's table has batch before btf: `b` is batch, `bt` btf.
    assert_eq!(req("bt"), Request::Btf(BtfReq::Show(None)));
    assert_eq!(
        req("b f -"),
        Request::Batch {
            file: PathBuf::from("-")
        }
    );
    assert_eq!(
        req("btf show id 3"),
        Request::Btf(BtfReq::Show(Some(Handle::Id(3))))
    );
    match req("prog d x i 3 op li") {
        Request::Prog(ProgReq::Dump(d)) => {
            assert_eq!(d.prog, Handle::Id(3));
            assert!(d.opcodes && d.linum && !d.visual && d.image == DumpImage::Xlated);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn globals_anywhere_repeated_and_clustered() {
    let i = parse(&argv("prog show -j id 1 -j")).unwrap();
    assert!(i.global.json);
    let i = parse(&argv("-jp map")).unwrap();
    assert!(i.global.json && i.global.pretty);
    let i = parse(&argv("-B /x btf dump file /y")).unwrap();
    match i.action {
        Action::Run(Request::Btf(BtfReq::Dump { base_btf, .. })) => {
            assert_eq!(base_btf, Some("/x".into()))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err("--jsonn prog"), "unknown option '--jsonn'");
    assert!(parse(&argv("-m -L prog show")).is_ok());
    // A tool's own options are its own.
    match req("tool run biolatency -p 12 -m") {
        Request::Tool(t) => {
            assert_eq!(t.name.as_deref(), Some("biolatency"));
            assert_eq!(t.args, ["-p", "12", "-m"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn empty_words_print_usage() {
    assert!(matches!(
        parse(&argv("")).unwrap().action,
        Action::Help(Topic::Top)
    ));
    let i = parse(&["bpfscope".into(), "".into(), "".into()]).unwrap();
    assert!(matches!(i.action, Action::Help(Topic::Top)));
    let i = parse(&["bpfscope".into(), "prog".into(), "".into()]).unwrap();
    assert!(matches!(i.action, Action::Help(Topic::Object(_))));
    assert!(matches!(
        parse(&argv("prog help")).unwrap().action,
        Action::Help(Topic::Object(_))
    ));
    assert!(matches!(
        parse(&argv("prog dump --help")).unwrap().action,
        Action::Help(Topic::Command(..))
    ));
    assert!(matches!(
        parse(&argv("version")).unwrap().action,
        Action::Run(Request::Version)
    ));
    assert!(matches!(
        parse(&argv("-V")).unwrap().action,
        Action::Version
    ));
}

#[test]
fn unknown_words_are_errors() {
    assert!(err("frob").starts_with("unknown object 'frob'"));
    assert!(err("prog frob").starts_with("unknown command 'frob' for 'prog'"));
    assert!(err("link show tag 00").contains("'id' or 'pinned'"));
    assert!(err("link show id 1 extra").starts_with("too many arguments: unexpected 'extra'"));
    assert!(err("prog show id x").contains("can't parse x as ID"));
    assert!(err("prog dump").contains("'xlated' or 'jited'"));
    assert!(err("prog dump xlated id 3 file").contains("needs an argument"));
    assert!(err("prog dump xlated id 3 file x opcodes").contains("not compatible"));
    assert!(err("feature probe bogus").contains("got: 'bogus'"));
}

#[test]
fn map_elements() {
    match req("map update id 1 key hex 0a ff value 1 2 noexist") {
        Request::Map(MapReq::Update { elem, .. }) => {
            assert_eq!(elem.key, Some(KeyArg::Bytes(vec![10, 255])));
            assert_eq!(elem.value, Some(ValueArg::Bytes(vec![1, 2])));
            assert_eq!(elem.flags, Some(UpdateFlag::NoExist));
        }
        other => panic!("{other:?}"),
    }
    match req("map update pinned /m key 0 0 0 0 value id 7") {
        Request::Map(MapReq::Update { elem, .. }) => {
            assert_eq!(elem.value, Some(ValueArg::Object(Handle::Id(7))))
        }
        other => panic!("{other:?}"),
    }
    assert!(err("map update id 1 key 256").contains("error parsing byte"));
    match req("map delete name m --all key-json {\"a\":1}") {
        Request::Map(MapReq::Delete { all, key, .. }) => {
            assert!(all);
            assert!(matches!(key, Some(KeyArg::Json(_))));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn prog_load_verify_and_btf() {
    match req("prog loadall o.o /sys/fs/bpf/d type xdp map idx 0 id 4 map name m pinned /p pinmaps /d2 autoattach") {
        Request::Prog(ProgReq::Load(l)) => {
            assert!(l.all && l.autoattach);
            assert_eq!(l.maps, vec![(MapSel::Idx(0), Handle::Id(4)), (MapSel::Name("m".into()), Handle::Pinned("/p".into()))]);
            assert_eq!(l.prog_type.as_deref(), Some("xdp"));
        }
        other => panic!("{other:?}"),
    }
    match req("prog verify x.o prog p --log-level=2 --log-file l visual") {
        Request::Prog(ProgReq::Verify(v)) => {
            assert_eq!(v.prog.as_deref(), Some("p"));
            assert_eq!(v.log_level, Some(2));
            assert!(v.visual);
        }
        other => panic!("{other:?}"),
    }
    assert!(err("prog verify x.o prog p --compare y.o --visual").contains("do not go together"));
    assert!(err("prog verify x.o --log-level 3").contains("invalid log level"));
    match req("btf dump map id 3 value format c") {
        Request::Btf(BtfReq::Dump {
            source, format_c, ..
        }) => {
            assert_eq!(source, BtfSource::Map(Handle::Id(3), MapBtfPart::Value));
            assert!(format_c);
        }
        other => panic!("{other:?}"),
    }
    match req("btf dump file /f root_id 3 root_id 5 unsorted") {
        Request::Btf(BtfReq::Dump { roots, sorted, .. }) => {
            assert_eq!(roots, [3, 5]);
            assert!(!sorted);
        }
        other => panic!("{other:?}"),
    }
    match req("feature probe k f m pre X_ u") {
        Request::Feature(f) => {
            assert!(f.full && f.unprivileged && f.dev.is_none());
            assert_eq!(f.macros.as_deref(), Some("X_"));
        }
        other => panic!("{other:?}"),
    }
    assert!(parse(&argv("feature probe kernel kernel")).is_err());
}

/// Every keyword the parser accepts is in the help, the man page and the
/// three completion scripts.
#[test]
fn every_keyword_is_documented_everywhere() {
    let man = help::man().replace("\\-", "-");
    let scripts = [help::bash(), help::zsh(), help::fish()];
    for obj in OBJECTS {
        let obj_help = help::help(Topic::Object(obj));
        for c in obj.commands.iter().filter(|c| !c.hidden) {
            let cmd_help = help::help(Topic::Command(obj, c));
            for kw in help::keywords(&c.syntax) {
                let word = |text: &str| {
                    text.split(|ch: char| !(ch.is_alnum_word()))
                        .any(|w| w == kw)
                };
                assert!(
                    word(&cmd_help),
                    "{} {}: '{kw}' missing from --help",
                    obj.name,
                    c.name
                );
                assert!(
                    word(&obj_help),
                    "{} {}: '{kw}' missing from object help",
                    obj.name,
                    c.name
                );
                assert!(
                    word(&man),
                    "{} {}: '{kw}' missing from the man page",
                    obj.name,
                    c.name
                );
                for s in &scripts {
                    assert!(
                        word(s),
                        "{} {}: '{kw}' missing from a completion script",
                        obj.name,
                        c.name
                    );
                }
            }
        }
    }
}

trait WordChar {
    fn is_alnum_word(&self) -> bool;
}
impl WordChar for char {
    fn is_alnum_word(&self) -> bool {
        self.is_ascii_alphanumeric() || matches!(self, '_' | '-')
    }
}

#[test]
fn completion_offers_keywords_and_live_values() {
    use complete::Candidate;
    let c = |s: &str| complete::candidates(&argv(s)[1..]);
    assert!(c("").contains(&Candidate::Word("prog")));
    assert!(c("prog").contains(&Candidate::Word("dump")));
    assert!(c("prog dump xlated").contains(&Candidate::Word("id")));
    assert_eq!(
        c("prog dump xlated id"),
        vec![Candidate::Ids(grammar::HandleKind::Prog)]
    );
    let after = c("prog dump xlated id 7");
    for kw in ["file", "opcodes", "visual", "linum"] {
        assert!(after.contains(&Candidate::Word(kw)), "{kw}: {after:?}");
    }
    assert!(c("-j map dump name").contains(&Candidate::Names(grammar::HandleKind::Map)));
    assert!(c("prog attach id 3").contains(&Candidate::Word("stream_parser")));
}

#[test]
fn gen_commands() {
    use std::path::PathBuf;
    let p = |s: &str| PathBuf::from(s);
    assert_eq!(
        req("gen object out.o a.o b.o c.o"),
        Request::Gen(GenReq::Object {
            output: p("out.o"),
            inputs: vec![p("a.o"), p("b.o"), p("c.o")],
        })
    );
    assert!(err("gen object out.o").contains("INPUT_FILE"));
    assert_eq!(
        req("gen sk x.o name foo"),
        Request::Gen(GenReq::Skeleton {
            object: p("x.o"),
            name: Some("foo".into()),
            rust: false,
        })
    );
    assert_eq!(
        req("gen skeleton --rust x.o"),
        Request::Gen(GenReq::Skeleton {
            object: p("x.o"),
            name: None,
            rust: true,
        })
    );
    assert_eq!(
        req("gen subskeleton lib.o name lib"),
        Request::Gen(GenReq::Subskeleton {
            object: p("lib.o"),
            name: Some("lib".into()),
        })
    );
    assert_eq!(
        req("gen min_core_btf vmlinux min.btf a.o b.o"),
        Request::Gen(GenReq::MinCoreBtf {
            input: p("vmlinux"),
            output: p("min.btf"),
            objects: vec![p("a.o"), p("b.o")],
        })
    );
    assert!(err("gen min_core_btf vmlinux min.btf").contains("OBJECT"));
}

#[test]
fn serve_and_top_take_their_flags_unnamed() {
    use std::time::Duration;
    // `top -b -n 2 -d 1 -j`: -n and -d are top's, -j stays global.
    let i = parse(&argv("top -b -n 2 -d 1 -j")).unwrap();
    assert!(i.global.json && !i.global.nomount && !i.global.debug);
    let Action::Run(r) = i.action else { panic!() };
    assert_eq!(
        r,
        Request::Top(TopReq {
            batch: true,
            iterations: Some(2),
            delay: Duration::from_secs(1),
        })
    );
    // Without the object's flags, -n and -d are the globals again.
    assert!(parse(&argv("-n -d prog show")).unwrap().global.nomount);
    let Request::Serve(s) = req("serve --stats --listen 0.0.0.0:9100 --max-series 5") else {
        panic!()
    };
    assert_eq!(s.listen.to_string(), "0.0.0.0:9100");
    assert!(s.stats && !s.map_entries);
    assert_eq!(s.max_series, 5);
    let Request::Serve(d) = req("serve") else {
        panic!()
    };
    assert_eq!(
        d.listen.to_string(),
        "127.0.0.1:9464",
        "loopback by default"
    );
    assert_eq!(req("serve start --map-entries"), req("serve --map-entries"));
    assert!(err("serve --listen 9464").contains("invalid --listen address"));
    assert!(err("top -d 0").contains("invalid -d"));
}
