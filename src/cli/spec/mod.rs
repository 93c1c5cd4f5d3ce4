//! The grammar, written once: every object, command, keyword, value and
//! option that bpfscope accepts. The parser, the help, the man page and the
//! shell completions all read this table; nothing else lists commands.
//!
//! `common` holds the building blocks; each object's commands live in the
//! file named after it, and `OBJECTS` below puts them in bpftool's order.
mod common;
mod gen;
mod inspect;
mod map;
mod operate;
mod prog;
mod runtime;

use crate::cli::grammar::Node::*;

use common::{cmd, hidden};
pub use common::{CmdId, Command, GlobalOpt, Object, Topic};
use gen::GEN_COMMANDS;
pub use inspect::BUILTIN_GROUPS;
pub use inspect::CGROUP_ATTACH_TYPES;
use inspect::{
    BTF_COMMANDS, CGROUP_COMMANDS, FEATURE_COMMANDS, LINK_COMMANDS, NET_COMMANDS, PERF_COMMANDS,
};
use map::MAP_COMMANDS;
use operate::{SERVE_COMMANDS, TOOL_COMMANDS, TOP_COMMANDS};
pub use prog::MAP_ATTACH_TYPES;
use prog::PROG_COMMANDS;
use runtime::{BATCH_COMMANDS, ITER_COMMANDS, STRUCT_OPS_COMMANDS, TOKEN_COMMANDS};

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
        about: "gen skeleton: write a light skeleton (a loader program); elsewhere accepted for bpftool compatibility",
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
        more_help: None,
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
    obj("gen", "Code and object generation", GEN_COMMANDS, None),
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
    Object {
        more_help: Some(tracing_tools::usage_all),
        ..obj(
            "tool",
            "Bundled tracing tools, pinned under /sys/fs/bpf/bpfscope/",
            TOOL_COMMANDS,
            Some(CmdId::ToolList),
        )
    },
    obj(
        "serve",
        "Prometheus/OpenMetrics endpoint: inventory, run-time stats, tools' reports",
        SERVE_COMMANDS,
        Some(CmdId::Serve),
    ),
    obj(
        "top",
        "Live view of programs by CPU use",
        TOP_COMMANDS,
        Some(CmdId::Top),
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
