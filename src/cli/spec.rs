//! The grammar, written once: every object, command, keyword, value and
//! option that bpfscope accepts. The parser, the help, the man page and the
//! shell completions all read this table; nothing else lists commands.
use super::grammar::{HandleKind as H, Node, Node::*, Value};

/// Which typed request a command's match becomes (see `cli::request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmdId {
    ProgShow,
    ProgDump,
    ProgPin,
    ProgLoad,
    ProgLoadall,
    ProgAttach,
    ProgDetach,
    ProgVerify,
    ProgRun,
    ProgTracelog,
    ProgProfile,
    MapShow,
    MapDump,
    MapUpdate,
    MapLookup,
    MapGetnext,
    MapDelete,
    MapPin,
    MapCreate,
    MapPeek,
    MapPush,
    MapEnqueue,
    MapPop,
    MapDequeue,
    MapFreeze,
    MapEventPipe,
    LinkShow,
    LinkPin,
    LinkDetach,
    CgroupShow,
    CgroupTree,
    CgroupAttach,
    CgroupDetach,
    PerfShow,
    NetShow,
    NetAttach,
    NetDetach,
    FeatureProbe,
    FeatureListBuiltins,
    TokenShow,
    IterPin,
    StructOpsShow,
    StructOpsDump,
    StructOpsRegister,
    StructOpsUnregister,
    BtfShow,
    BtfDump,
    ToolList,
    ToolLoad,
    ToolAttach,
    ToolDetach,
    ToolReport,
    ToolUnload,
    ToolRun,
    CompletionsBash,
    CompletionsZsh,
    CompletionsFish,
    CompletionsMan,
    CompleteWords,
    Version,
    BatchFile,
}

#[derive(Debug)]
pub struct Command {
    pub name: &'static str,
    /// Hidden from help, man and completion (the completion helper itself).
    pub hidden: bool,
    pub about: &'static str,
    pub syntax: Node,
    pub id: CmdId,
}

/// A command of the table (help, man and completion show it).
const fn cmd(name: &'static str, about: &'static str, syntax: Node, id: CmdId) -> Command {
    Command {
        name,
        hidden: false,
        about,
        syntax,
        id,
    }
}

/// A command that help, man and completion leave out.
const fn hidden(name: &'static str, about: &'static str, syntax: Node, id: CmdId) -> Command {
    Command {
        name,
        hidden: true,
        about,
        syntax,
        id,
    }
}

#[derive(Debug)]
pub struct Object {
    pub name: &'static str,
    pub about: &'static str,
    /// In bpftool's table order: the first that starts with the typed word wins.
    pub commands: &'static [Command],
    /// What the object alone runs (`bpfscope prog` is `prog show`).
    pub default: Option<CmdId>,
}

/// A global option, accepted anywhere before a tool's own arguments.
#[derive(Debug)]
pub struct GlobalOpt {
    pub short: Option<char>,
    pub long: &'static str,
    pub value: Option<&'static str>,
    pub about: &'static str,
}

pub const GLOBALS: &[GlobalOpt] = &[
    GlobalOpt {
        short: Some('j'),
        long: "--json",
        value: None,
        about: "Print JSON (bpftool's keys)",
    },
    GlobalOpt {
        short: Some('p'),
        long: "--pretty",
        value: None,
        about: "Pretty-print JSON (implies --json)",
    },
    GlobalOpt {
        short: Some('f'),
        long: "--bpffs",
        value: None,
        about: "Show the pinned paths of objects",
    },
    GlobalOpt {
        short: Some('n'),
        long: "--nomount",
        value: None,
        about: "Do not mount bpffs when it is missing",
    },
    GlobalOpt {
        short: Some('d'),
        long: "--debug",
        value: None,
        about: "Print libbpf and verifier logs",
    },
    GlobalOpt {
        short: Some('m'),
        long: "--mapcompat",
        value: None,
        about:
            "Allow legacy map definitions (accepted for bpftool compatibility; libbpf 1.x has none)",
    },
    GlobalOpt {
        short: Some('L'),
        long: "--use-loader",
        value: None,
        about: "Load through a loader program (accepted for bpftool compatibility; loads directly)",
    },
    GlobalOpt {
        short: Some('B'),
        long: "--base-btf",
        value: Some("FILE"),
        about: "Base BTF for split BTF files (btf dump file)",
    },
    GlobalOpt {
        short: None,
        long: "--table",
        value: None,
        about: "Render lists and reports as tables",
    },
    GlobalOpt {
        short: Some('V'),
        long: "--version",
        value: None,
        about: "Print the version and the features built in",
    },
    GlobalOpt {
        short: Some('h'),
        long: "--help",
        value: None,
        about: "Print help (also: bpfscope help, bpfscope OBJECT help)",
    },
];

/// Handles, as bpftool's HELP_SPEC_* lines spell them.
pub const HANDLES: &[(&str, &str)] = &[
    (
        "PROG",
        "{ id PROG_ID | pinned FILE | tag PROG_TAG | name PROG_NAME }",
    ),
    ("MAP", "{ id MAP_ID | pinned FILE | name MAP_NAME }"),
    ("LINK", "{ id LINK_ID | pinned FILE }"),
    ("BTF", "{ id BTF_ID | pinned FILE }"),
];

const PROG: Node = Handle("prog", H::Prog);
const MAP: Node = Handle("map", H::Map);
const LINK: Node = Handle("link", H::Link);
const FILE: Node = Val("path", "FILE", Value::Path);

/// bpftool's attach types for `prog attach` (its enum order, for prefixes).
pub const MAP_ATTACH_TYPES: &[&str] = &[
    "stream_parser",
    "stream_verdict",
    "msg_verdict",
    "flow_dissector",
    "skb_verdict",
];

/// bpftool's cgroup attach type names, for help and completion (libbpf's
/// names are accepted too: `sys::cgroup::parse_attach_type` reads the word).
pub const CGROUP_ATTACH_TYPES: &[&str] = &[
    "ingress",
    "egress",
    "sock_create",
    "sock_ops",
    "device",
    "bind4",
    "bind6",
    "connect4",
    "connect6",
    "post_bind4",
    "post_bind6",
    "sendmsg4",
    "sendmsg6",
    "sysctl",
    "recvmsg4",
    "recvmsg6",
    "getsockopt",
    "setsockopt",
    "sock_release",
    "getpeername4",
    "getpeername6",
    "getsockname4",
    "getsockname6",
    "connect_unix",
    "sendmsg_unix",
    "recvmsg_unix",
    "getpeername_unix",
    "getsockname_unix",
];

// -- prog --------------------------------------------------------------------

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
                    Kw("visual"),
                    Kw("linum"),
                ]),
            ]),
            Seq(&[
                PROG,
                Any(&[DUMP_FILE, Kw("opcodes"), Kw("visual"), Kw("linum")]),
            ]),
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
        Flag("--visual", None),
        Kw("visual"),
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

const PROG_COMMANDS: &[Command] = &[
    cmd("show", "Show programs, or the ones PROG names", Opt(&PROG), CmdId::ProgShow),
    cmd("dump", "Dump translated or jited instructions; 'visual' prints the control-flow graph as DOT; 'file OBJ' dumps an object before loading", PROG_DUMP, CmdId::ProgDump),
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

// -- map ---------------------------------------------------------------------

const KEY: Node = Alt(&[
    Seq(&[Kw("key"), Bytes("key")]),
    Seq(&[Kw("key-json"), Val("key_json", "JSON", Value::Text)]),
]);
const VALUE: Node = Alt(&[
    Seq(&[
        Kw("value"),
        Alt(&[Handle("value", H::ProgOrMap), Bytes("value")]),
    ]),
    Seq(&[Kw("value-json"), Val("value_json", "JSON", Value::Text)]),
]);
const UPDATE_FLAGS: Node = Alt(&[Kw("any"), Kw("exist"), Kw("noexist")]);
const MAP_KEY: Node = Seq(&[MAP, Opt(&KEY)]);

const MAP_CREATE: Node = Seq(&[
    FILE,
    Any(&[
        Seq(&[Kw("type"), Val("type", "TYPE", Value::Text)]),
        Seq(&[Kw("key"), Val("key_size", "KEY_SIZE", Value::Text)]),
        Seq(&[Kw("value"), Val("value_size", "VALUE_SIZE", Value::Text)]),
        Seq(&[Kw("entries"), Val("entries", "MAX_ENTRIES", Value::Text)]),
        Seq(&[Kw("name"), Val("name", "NAME", Value::Text)]),
        Seq(&[Kw("flags"), Val("flags", "FLAGS", Value::Text)]),
        Seq(&[Kw("inner_map"), Handle("inner_map", H::Map)]),
        Seq(&[Kw("offload_dev"), Val("dev", "NAME", Value::Dev)]),
        Seq(&[Kw("extra"), Val("extra", "N", Value::Text)]),
    ]),
]);

const MAP_COMMANDS: &[Command] = &[
    cmd(
        "show",
        "Show maps, or the ones MAP names",
        Opt(&MAP),
        CmdId::MapShow,
    ),
    cmd(
        "dump",
        "Dump every element (--recursive: inner maps of a map of maps too)",
        Seq(&[MAP, Opt(&Flag("--recursive", None))]),
        CmdId::MapDump,
    ),
    cmd(
        "update",
        "Update or create an element",
        Seq(&[MAP, Any(&[KEY, VALUE, UPDATE_FLAGS])]),
        CmdId::MapUpdate,
    ),
    cmd(
        "lookup",
        "Look up a key (a bloom filter: test a value)",
        Seq(&[MAP, Any(&[KEY, VALUE])]),
        CmdId::MapLookup,
    ),
    cmd(
        "getnext",
        "Print the key after KEY (the first key without one)",
        MAP_KEY,
        CmdId::MapGetnext,
    ),
    Command {
        name: "delete",
        hidden: false,
        about:
            "Delete an element, or with --all every element (whose key matches key-json PARTIAL)",
        syntax: Seq(&[MAP, Any(&[KEY, Flag("--all", None)])]),
        id: CmdId::MapDelete,
    },
    cmd(
        "pin",
        "Pin a map to a bpffs path",
        Seq(&[MAP, FILE]),
        CmdId::MapPin,
    ),
    cmd(
        "create",
        "Create a map and pin it at FILE",
        MAP_CREATE,
        CmdId::MapCreate,
    ),
    cmd(
        "peek",
        "Print the head of a queue, stack or bloom filter without removing it",
        MAP,
        CmdId::MapPeek,
    ),
    cmd(
        "push",
        "Push a value onto a stack",
        Seq(&[MAP, VALUE]),
        CmdId::MapPush,
    ),
    cmd(
        "enqueue",
        "Enqueue a value onto a queue",
        Seq(&[MAP, VALUE]),
        CmdId::MapEnqueue,
    ),
    cmd("pop", "Pop the top of a stack", MAP, CmdId::MapPop),
    cmd(
        "dequeue",
        "Dequeue the head of a queue",
        MAP,
        CmdId::MapDequeue,
    ),
    cmd(
        "freeze",
        "Freeze a map: no more writes from user space",
        MAP,
        CmdId::MapFreeze,
    ),
    cmd(
        "event_pipe",
        "Print what programs send through a perf event array (every CPU, or one CPU's ring at an index) or a ring buffer, until Ctrl-C",
        Seq(&[
            MAP,
            Any(&[
                Seq(&[Kw("cpu"), Val("cpu", "N", Value::Text)]),
                Seq(&[Kw("index"), Val("index", "M", Value::Text)]),
            ]),
        ]),
        CmdId::MapEventPipe,
    ),
];

// -- link, cgroup, perf, net, feature, btf -----------------------------------

const LINK_COMMANDS: &[Command] = &[
    cmd(
        "show",
        "Show links, or the one LINK names",
        Opt(&LINK),
        CmdId::LinkShow,
    ),
    cmd(
        "pin",
        "Pin a link to a bpffs path",
        Seq(&[LINK, FILE]),
        CmdId::LinkPin,
    ),
    cmd(
        "detach",
        "Detach a link (it stays, attached to nothing, while held)",
        LINK,
        CmdId::LinkDetach,
    ),
];

const CGROUP: Node = Val("cgroup", "CGROUP", Value::Path);
const CGROUP_ATTACH: Node = Seq(&[
    CGROUP,
    Val(
        "attach_type",
        "ATTACH_TYPE",
        Value::Named(CGROUP_ATTACH_TYPES),
    ),
    PROG,
]);

const CGROUP_COMMANDS: &[Command] = &[
    cmd(
        "show",
        "Show the programs attached to a cgroup",
        Seq(&[CGROUP, Opt(&Kw("effective"))]),
        CmdId::CgroupShow,
    ),
    cmd(
        "tree",
        "Show the programs attached to every cgroup under ROOT (default: the cgroup2 mount)",
        Seq(&[Opt(&Alt(&[
            Kw("effective"),
            Seq(&[
                Val("cgroup", "CGROUP_ROOT", Value::Path),
                Opt(&Kw("effective")),
            ]),
        ]))]),
        CmdId::CgroupTree,
    ),
    cmd(
        "attach",
        "Attach a program to a cgroup",
        Seq(&[CGROUP_ATTACH, Opt(&Alt(&[Kw("multi"), Kw("override")]))]),
        CmdId::CgroupAttach,
    ),
    cmd(
        "detach",
        "Detach a program from a cgroup",
        CGROUP_ATTACH,
        CmdId::CgroupDetach,
    ),
];

const PERF_COMMANDS: &[Command] = &[cmd(
    "show",
    "Show perf-event attachments: tracepoints, kprobes, uprobes, raw tracepoints",
    Seq(&[]),
    CmdId::PerfShow,
)];

const NET_DEV: Node = Seq(&[Kw("dev"), Val("dev", "NAME", Value::Dev)]);
const NET_ATTACH_TYPE: Node = Val(
    "attach_type",
    "ATTACH_TYPE",
    Value::Choice(crate::sys::netattach::NET_ATTACH_TYPES),
);

const NET_COMMANDS: &[Command] = &[
    cmd(
        "show",
        "Show XDP, tcx, tc filter, flow dissector and netfilter attachments",
        Opt(&NET_DEV),
        CmdId::NetShow,
    ),
    cmd(
        "attach",
        "Attach a program to a device as XDP (overwrite: replace) or tcx (prepend: first)",
        Seq(&[
            NET_ATTACH_TYPE,
            PROG,
            NET_DEV,
            Opt(&Alt(&[Kw("overwrite"), Kw("prepend")])),
        ]),
        CmdId::NetAttach,
    ),
    cmd(
        "detach",
        "Detach a device's XDP program of that mode, or its last tcx program attached without a link",
        Seq(&[NET_ATTACH_TYPE, NET_DEV]),
        CmdId::NetDetach,
    ),
];

/// `feature list_builtins GROUP`'s groups, in bpftool's order.
pub const BUILTIN_GROUPS: &[&str] = &[
    "prog_types",
    "map_types",
    "attach_types",
    "link_types",
    "helpers",
];

const FEATURE_COMMANDS: &[Command] = &[
    cmd(
        "probe",
        "Probe the kernel (or a device) for BPF features",
        Any(&[
            Alt(&[
                Kw("kernel"),
                Seq(&[Kw("dev"), Val("dev", "NAME", Value::Dev)]),
            ]),
            Kw("full"),
            Kw("unprivileged"),
            Seq(&[
                Kw("macros"),
                Opt(&Seq(&[Kw("prefix"), Val("prefix", "PREFIX", Value::Text)])),
            ]),
        ]),
        CmdId::FeatureProbe,
    ),
    cmd(
        "list_builtins",
        "List the names this build knows: program, map, attach and link types, helpers",
        Val("group", "GROUP", Value::Choice(BUILTIN_GROUPS)),
        CmdId::FeatureListBuiltins,
    ),
];

/// bpftool's STRUCT_OPS_MAP: by id or by name (no pins).
const STRUCT_OPS_MAP: Node = Alt(&[
    Seq(&[Kw("id"), Val("id", "STRUCT_OPS_MAP_ID", Value::Text)]),
    Seq(&[Kw("name"), Val("name", "STRUCT_OPS_MAP_NAME", Value::Text)]),
]);

const STRUCT_OPS_COMMANDS: &[Command] = &[
    cmd(
        "show",
        "Show registered struct_ops maps and their kernel types",
        Opt(&STRUCT_OPS_MAP),
        CmdId::StructOpsShow,
    ),
    cmd(
        "register",
        "Load OBJ and register its struct_ops maps; links of .struct_ops.link maps are pinned in LINK_DIR",
        Seq(&[
            Val("object", "OBJ", Value::Path),
            Opt(&Val("link_dir", "LINK_DIR", Value::Path)),
        ]),
        CmdId::StructOpsRegister,
    ),
    cmd(
        "unregister",
        "Unregister struct_ops maps",
        STRUCT_OPS_MAP,
        CmdId::StructOpsUnregister,
    ),
    cmd(
        "dump",
        "Dump struct_ops maps: their bpf_map_info and their kernel value, typed through vmlinux BTF",
        Opt(&STRUCT_OPS_MAP),
        CmdId::StructOpsDump,
    ),
];

const ITER_COMMANDS: &[Command] = &[cmd(
    "pin",
    "Load OBJ, attach its first program as an iterator (over MAP's elements) and pin the link at PATH; reading PATH runs it",
    Seq(&[
        Val("object", "OBJ", Value::Path),
        Val("path", "PATH", Value::Path),
        Opt(&Seq(&[Kw("map"), MAP])),
    ]),
    CmdId::IterPin,
)];

const TOKEN_COMMANDS: &[Command] = &[cmd(
    "show",
    "Show bpffs mounts that delegate BPF commands and types to user namespaces (BPF tokens)",
    Seq(&[]),
    CmdId::TokenShow,
)];

const BTF_SRC: Node = Alt(&[
    Seq(&[Kw("id"), Val("id", "BTF_ID", Value::Text)]),
    Seq(&[Kw("prog"), PROG]),
    Seq(&[
        Kw("map"),
        MAP,
        Opt(&Alt(&[Kw("key"), Kw("value"), Kw("kv"), Kw("all")])),
    ]),
    Seq(&[Kw("file"), FILE]),
]);

const BTF_COMMANDS: &[Command] = &[
    cmd(
        "show",
        "Show BTF objects and the programs and maps using them",
        Opt(&Handle("btf", H::Btf)),
        CmdId::BtfShow,
    ),
    cmd(
        "dump",
        "Dump BTF types, raw or as C",
        Seq(&[
            BTF_SRC,
            Any(&[
                Seq(&[
                    Kw("format"),
                    Val("format", "FORMAT", Value::Choice(&["raw", "c"])),
                ]),
                Many(
                    "root_id",
                    &Seq(&[Kw("root_id"), Val("root_id", "ROOT_ID", Value::Text)]),
                ),
                Kw("unsorted"),
            ]),
        ]),
        CmdId::BtfDump,
    ),
];

// -- tools, completions, version -----------------------------------------------

const TOOL: Node = Val("tool", "NAME", Value::Tool);
const TOOL_ARGS: Node = Seq(&[TOOL, Rest("args", "ARGS")]);

const TOOL_COMMANDS: &[Command] = &[
    cmd(
        "list",
        "List the bundled tools, their support on this kernel and their state",
        Opt(&TOOL),
        CmdId::ToolList,
    ),
    cmd(
        "load",
        "Load and pin a tool without attaching it (--force: replace a loaded one)",
        TOOL_ARGS,
        CmdId::ToolLoad,
    ),
    cmd("attach", "Attach a loaded tool", TOOL, CmdId::ToolAttach),
    cmd(
        "detach",
        "Detach a tool, keeping its maps and data",
        TOOL,
        CmdId::ToolDetach,
    ),
    cmd(
        "report",
        "Print a tool's data: report NAME [INTERVAL [COUNT]] and the tool's report options",
        TOOL_ARGS,
        CmdId::ToolReport,
    ),
    cmd("unload", "Remove a tool's pins", TOOL, CmdId::ToolUnload),
    cmd(
        "run",
        "Load, attach, report and unload in the foreground",
        TOOL_ARGS,
        CmdId::ToolRun,
    ),
];

const COMPLETIONS_COMMANDS: &[Command] = &[
    Command {
        name: "bash",
        hidden: false,
        about:
            "Print the bash completion script (complete -F; keywords, and live ids, names and pins)",
        syntax: Seq(&[]),
        id: CmdId::CompletionsBash,
    },
    cmd(
        "zsh",
        "Print the zsh completion script",
        Seq(&[]),
        CmdId::CompletionsZsh,
    ),
    cmd(
        "fish",
        "Print the fish completion script",
        Seq(&[]),
        CmdId::CompletionsFish,
    ),
    cmd(
        "man",
        "Print the man page, bpfscope(8)",
        Seq(&[]),
        CmdId::CompletionsMan,
    ),
    hidden(
        "words",
        "What may follow the words given (used by the completion scripts)",
        Rest("words", "WORDS"),
        CmdId::CompleteWords,
    ),
];

const BATCH_COMMANDS: &[Command] = &[cmd(
    "file",
    "Run the commands of FILE ('-': stdin), one per line: # comments, quotes, \\ continues a line; stops at the first failure",
    FILE,
    CmdId::BatchFile,
)];

const VERSION_COMMANDS: &[Command] = &[hidden(
    "show",
    "Print the version and the features built in",
    Seq(&[]),
    CmdId::Version,
)];

const fn obj(
    name: &'static str,
    about: &'static str,
    commands: &'static [Command],
    default: Option<CmdId>,
) -> Object {
    Object {
        name,
        about,
        commands,
        default,
    }
}

/// Every object, in bpftool's table order for prefixes (`p` is `prog`, `pe` is `perf`).
pub const OBJECTS: &[Object] = &[
    obj("help", "Print this help", &[], None),
    obj("batch", "Run commands from a file", BATCH_COMMANDS, None),
    obj("prog", "Programs", PROG_COMMANDS, Some(CmdId::ProgShow)),
    obj("map", "Maps", MAP_COMMANDS, Some(CmdId::MapShow)),
    obj("link", "Links", LINK_COMMANDS, Some(CmdId::LinkShow)),
    obj(
        "cgroup",
        "Programs attached to cgroups",
        CGROUP_COMMANDS,
        Some(CmdId::CgroupShow),
    ),
    obj(
        "perf",
        "Perf-event attachments",
        PERF_COMMANDS,
        Some(CmdId::PerfShow),
    ),
    obj(
        "net",
        "Network attachments",
        NET_COMMANDS,
        Some(CmdId::NetShow),
    ),
    obj(
        "feature",
        "Kernel BPF features",
        FEATURE_COMMANDS,
        Some(CmdId::FeatureProbe),
    ),
    obj("btf", "BTF objects", BTF_COMMANDS, Some(CmdId::BtfShow)),
    obj(
        "struct_ops",
        "Kernel structures of operations implemented by BPF programs",
        STRUCT_OPS_COMMANDS,
        Some(CmdId::StructOpsShow),
    ),
    obj("iter", "BPF iterators", ITER_COMMANDS, None),
    obj(
        "token",
        "BPF token delegation",
        TOKEN_COMMANDS,
        Some(CmdId::TokenShow),
    ),
    obj(
        "version",
        "Print the version and the features built in",
        VERSION_COMMANDS,
        Some(CmdId::Version),
    ),
    obj(
        "tool",
        "Bundled tracing tools, pinned under /sys/fs/bpf/bpfscope/",
        TOOL_COMMANDS,
        Some(CmdId::ToolList),
    ),
    obj(
        "completions",
        "Shell completions and the man page",
        COMPLETIONS_COMMANDS,
        None,
    ),
];

/// The command a typed request id comes from.
pub fn command(id: CmdId) -> Option<(&'static Object, &'static Command)> {
    OBJECTS
        .iter()
        .flat_map(|o| o.commands.iter().map(move |c| (o, c)))
        .find(|(_, c)| c.id == id)
}
