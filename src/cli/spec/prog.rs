//! `prog`: show, dump, pin, load, attach, verify.
use crate::cli::grammar::{Node, Node::*, Value};

use super::common::*;

/// bpftool's attach types for `prog attach` (its enum order, for prefixes).
pub const MAP_ATTACH_TYPES: &[&str] = &[
    "stream_parser",
    "stream_verdict",
    "msg_verdict",
    "flow_dissector",
    "skb_verdict",
];

// -- prog --------------------------------------------------------------------

/// `visual format FMT FILE`: the CFG rendered to a file (DOT on stdout without it).
const VISUAL_FORMAT: Node = Val(
    "visual_format",
    "FORMAT",
    Value::Choice(&["dot", "svg", "png", "html"]),
);
const VISUAL_FILE: Node = Val("visual_file", "FILE", Value::Path);
const VISUAL: Node = Seq(&[
    Kw("visual"),
    Opt(&Seq(&[Kw("format"), VISUAL_FORMAT, VISUAL_FILE])),
]);
const DUMP_FILE: Node = Seq(&[Kw("file"), FILE]);
const PROG_DUMP: Node = Alt(&[
    Seq(&[
        Kw("xlated"),
        Alt(&[
            Seq(&[
                Kw("file"),
                Val("object", "OBJ", Value::Path),
                Any(&[
                    Seq(&[Kw("prog"), Val("name", "NAME", Value::ObjProg)]),
                    Kw("opcodes"),
                    VISUAL,
                    Kw("linum"),
                ]),
            ]),
            Seq(&[PROG, Any(&[DUMP_FILE, Kw("opcodes"), VISUAL, Kw("linum")])]),
        ]),
    ]),
    Seq(&[
        Kw("jited"),
        PROG,
        Any(&[DUMP_FILE, Kw("opcodes"), Kw("linum")]),
    ]),
]);

const PROG_LOAD: Node = Seq(&[
    Val("object", "OBJ", Value::Path),
    Val("path", "PATH", Value::Path),
    Any(&[
        Seq(&[Kw("type"), Val("type", "TYPE", Value::Text)]),
        Many(
            "map",
            &Seq(&[
                Kw("map"),
                Alt(&[
                    Seq(&[Kw("idx"), Val("idx", "IDX", Value::Text)]),
                    Seq(&[Kw("name"), Val("name", "NAME", Value::Text)]),
                ]),
                MAP,
            ]),
        ),
        Seq(&[Kw("pinmaps"), Val("pinmaps", "MAP_DIR", Value::Path)]),
        Kw("autoattach"),
        Seq(&[
            Alt(&[Kw("offload_dev"), Kw("xdpmeta_dev")]),
            Val("dev", "NAME", Value::Dev),
        ]),
        Seq(&[Kw("kernel_btf"), Val("kernel_btf", "BTF_FILE", Value::Path)]),
    ]),
]);

const PROG_ATTACH: Node = Seq(&[
    PROG,
    Val(
        "attach_type",
        "ATTACH_TYPE",
        Value::Choice(MAP_ATTACH_TYPES),
    ),
    Opt(&MAP),
]);

const PROG_VERIFY: Node = Seq(&[
    Val("object", "OBJ", Value::Path),
    Any(&[
        Seq(&[Kw("prog"), Val("name", "NAME", Value::ObjProg)]),
        Flag("--prog", Some(("NAME", Value::ObjProg))),
        Flag("--compare", Some(("OTHER.o", Value::Path))),
        Flag("--log-level", Some(("LEVEL", Value::Choice(&["1", "2"])))),
        Flag("--log-file", Some(("FILE", Value::Path))),
        Seq(&[
            Alt(&[Flag("--visual", None), Kw("visual")]),
            Opt(&Seq(&[
                Alt(&[Kw("format"), Flag("--format", None)]),
                VISUAL_FORMAT,
                VISUAL_FILE,
            ])),
        ]),
        Flag("--as-unprivileged", None),
        Many(
            "sort",
            &Flag("--sort", Some(("KEY[:asc|:desc]", Value::Text))),
        ),
        Many("filter", &Flag("--filter", Some(("EXPR", Value::Text)))),
    ]),
]);

const PROG_RUN: Node = Seq(&[
    PROG,
    Any(&[
        Seq(&[Kw("data_in"), Val("data_in", "FILE", Value::Path)]),
        Seq(&[Kw("data_out"), Val("data_out", "FILE", Value::Path)]),
        Seq(&[Kw("data_size_out"), Val("data_size_out", "L", Value::Text)]),
        Seq(&[Kw("ctx_in"), Val("ctx_in", "FILE", Value::Path)]),
        Seq(&[Kw("ctx_out"), Val("ctx_out", "FILE", Value::Path)]),
        Seq(&[Kw("ctx_size_out"), Val("ctx_size_out", "M", Value::Text)]),
        Seq(&[Kw("repeat"), Val("repeat", "N", Value::Text)]),
    ]),
]);

const PROG_PROFILE: Node = Seq(&[
    PROG,
    Opt(&Seq(&[
        Kw("duration"),
        Val("duration", "DURATION", Value::Text),
    ])),
    Many(
        "metric",
        &Val(
            "metric",
            "METRIC",
            Value::Choice(crate::sys::profile::METRIC_NAMES),
        ),
    ),
]);

pub(super) const PROG_COMMANDS: &[Command] = &[
    cmd("show", "Show programs, or the ones PROG names", Opt(&PROG), CmdId::ProgShow),
    cmd("dump", "Dump translated or jited instructions; 'visual' prints the control-flow graph as DOT, or renders it to FILE (svg, png, or an interactive html page); 'file OBJ' dumps an object before loading", PROG_DUMP, CmdId::ProgDump),
    cmd("pin", "Pin a program to a bpffs path", Seq(&[PROG, FILE]), CmdId::ProgPin),
    cmd("load", "Load the first program of an object and pin it at PATH", PROG_LOAD, CmdId::ProgLoad),
    cmd("loadall", "Load every program of an object and pin them under the directory PATH", PROG_LOAD, CmdId::ProgLoadall),
    cmd("attach", "Attach a program to a map (sockmap, sockhash) or the flow dissector", PROG_ATTACH, CmdId::ProgAttach),
    cmd("detach", "Detach a program from a map or the flow dissector", PROG_ATTACH, CmdId::ProgDetach),
    cmd("verify", "Load each program of an object without pinning and report the verifier's verdict", PROG_VERIFY, CmdId::ProgVerify),
    cmd("tracelog", "Print what programs write with bpf_printk (the kernel's trace_pipe) until Ctrl-C; mounts tracefs when missing", Seq(&[]), CmdId::ProgTracelog),
    cmd("run", "Test-run a program on packet data and/or a context (BPF_PROG_TEST_RUN); FILE '-' is stdin or stdout", PROG_RUN, CmdId::ProgRun),
    cmd("profile", "Count hardware events (METRIC: cycles, instructions, l1d_loads, llc_misses, itlb_misses, dtlb_misses) per run of a program, for DURATION seconds or until Ctrl-C; needs fentry and hardware counters", PROG_PROFILE, CmdId::ProgProfile),
];
