//! The command grammar: bpftool's `OBJECT COMMAND [ARGS]` with prefixes.
//!
//! Parsing is two steps. `normalize` expands prefixes the bpftool way (the
//! first entry in table order that starts with the typed word wins, so `p s`
//! is `prog show` and `pe` is `perf`) and gathers the global options, which
//! bpftool accepts anywhere; clap then parses the canonical words, and the same
//! clap definition generates help, completions and the man page.
//! Words after the command (handles, keywords) stay raw: each command parses
//! them with the shared handle parser in `sys::handle`.
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Ctx;

#[derive(Debug, Parser)]
#[command(
    name = "bpfscope",
    version,
    about = "Inspect and manage Linux BPF programs, maps, links and BTF (bpftool-compatible)",
    after_help = "PROG := { id ID | pinned PATH | tag TAG | name NAME }\n\
                  MAP  := { id ID | pinned PATH | name NAME }\n\
                  LINK := { id ID | pinned PATH }\n\
                  Every OBJECT and COMMAND may be abbreviated to a prefix, as with bpftool."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub object: Object,
}

#[derive(Debug, Args, Clone, Copy, Default)]
pub struct Global {
    /// Print JSON (bpftool's keys)
    #[arg(short, long, global = true)]
    pub json: bool,
    /// Pretty-print JSON (implies --json)
    #[arg(short, long, global = true)]
    pub pretty: bool,
    /// Show the pinned paths of objects
    #[arg(short = 'f', long = "bpffs", global = true)]
    pub bpffs: bool,
    /// Do not mount bpffs when it is missing
    #[arg(short, long, global = true)]
    pub nomount: bool,
    /// Print libbpf and verifier logs
    #[arg(short, long, global = true)]
    pub debug: bool,
    /// Render lists and reports as tables
    #[arg(long, global = true)]
    pub table: bool,
}

impl Global {
    pub fn ctx(&self) -> Ctx {
        Ctx {
            json: self.json || self.pretty,
            pretty: self.pretty,
            bpffs: self.bpffs,
            nomount: self.nomount,
            debug: self.debug,
            table: self.table,
        }
    }
}

/// Raw words after a command: handles, keywords and values, parsed by the command.
#[derive(Debug, Args, Clone, Default)]
pub struct Words {
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<String>,
}

macro_rules! commands {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Subcommand, Clone)]
        pub enum $name {
            $($(#[$vm])* $var(Words),)*
        }
    };
}

commands!(
    /// Programs
    ProgCmd {
        /// Show programs: show [PROG]
        #[command(alias = "list")]
        Show,
        /// Dump instructions: dump {xlated|jited} PROG [file F|opcodes|visual|linum]
        Dump,
        /// Pin a program: pin PROG FILE
        Pin,
        /// Load an object: load OBJ PATH [type T] [map {idx N|name N} MAP]... [pinmaps DIR] [autoattach]
        Load,
        /// Load all programs of an object: loadall OBJ DIR [...]
        Loadall,
        /// Attach to a map: attach PROG ATTACH_TYPE [MAP]
        Attach,
        /// Detach from a map: detach PROG ATTACH_TYPE [MAP]
        Detach,
        /// Load without pinning and report the verifier's verdict: verify OBJ [prog NAME]
        Verify,
    }
);

commands!(
    /// Maps
    MapCmd {
        /// Show maps: show [MAP]
        #[command(alias = "list")]
        Show,
        /// Dump all entries: dump MAP [--recursive]
        Dump,
        /// Update an entry: update MAP [key DATA|key-json JSON] [value VALUE|value-json JSON] [any|exist|noexist]
        Update,
        /// Look up a key: lookup MAP [key DATA|key-json JSON] (bloom filter: value VALUE)
        Lookup,
        /// Next key: getnext MAP [key DATA]
        Getnext,
        /// Delete an entry: delete MAP {key DATA|key-json JSON|--all [key-json PARTIAL]}
        Delete,
        /// Pin a map: pin MAP FILE
        Pin,
        /// Create a map: create FILE type T key K value V entries N name NAME [flags F] [inner_map MAP] [extra N]
        Create,
        /// Peek at the head of a queue/stack: peek MAP
        Peek,
        /// Push onto a stack: push MAP value VALUE
        Push,
        /// Enqueue onto a queue: enqueue MAP value VALUE
        Enqueue,
        /// Pop from a stack: pop MAP
        Pop,
        /// Dequeue from a queue: dequeue MAP
        Dequeue,
        /// Freeze a map: freeze MAP
        Freeze,
    }
);

commands!(
    /// Links
    LinkCmd {
        /// Show links: show [LINK]
        #[command(alias = "list")]
        Show,
        /// Pin a link: pin LINK FILE
        Pin,
        /// Detach a link: detach LINK
        Detach,
    }
);

commands!(
    /// BTF objects
    BtfCmd {
        /// Show BTF objects: show [id ID]
        #[command(alias = "list")]
        Show,
        /// Dump BTF: dump {id ID|prog PROG|map MAP|file PATH} [format {raw|c}]
        Dump,
    }
);

commands!(
    /// Perf attachments
    PerfCmd {
        /// Show perf-event attachments (tracepoints, kprobes, uprobes)
        #[command(alias = "list")]
        Show,
    }
);

commands!(
    /// Network attachments
    NetCmd {
        /// Show XDP, tc, flow-dissector and netfilter attachments: show [dev NAME]
        #[command(alias = "list")]
        Show,
    }
);

commands!(
    /// Cgroup attachments
    CgroupCmd {
        /// Show programs attached to a cgroup: show CGROUP [effective]
        #[command(alias = "list")]
        Show,
        /// Show programs attached to all cgroups under a root: tree [ROOT] [effective]
        Tree,
        /// Attach a program: attach CGROUP ATTACH_TYPE PROG [multi|override]
        Attach,
        /// Detach a program: detach CGROUP ATTACH_TYPE PROG
        Detach,
    }
);

commands!(
    /// Kernel features
    FeatureCmd {
        /// Probe BPF features: probe [kernel|dev NAME] [full] [unprivileged] [macros [prefix PREFIX]]
        Probe,
    }
);

commands!(
    /// Bundled tracing tools, pinned under /sys/fs/bpf/bpfscope/
    ToolCmd {
        /// List tools, their support on this kernel and their state
        List,
        /// Load and pin a tool without attaching: load NAME [ARGS]
        Load,
        /// Attach a loaded tool: attach NAME
        Attach,
        /// Detach a tool, keeping its data: detach NAME
        Detach,
        /// Print a tool's data: report NAME [INTERVAL [COUNT]]
        Report,
        /// Remove a tool's pins: unload NAME
        Unload,
        /// Load, attach, report and unload in the foreground: run NAME [ARGS]
        Run,
    }
);

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Generated {
    Bash,
    Zsh,
    Fish,
    Man,
}

#[derive(Debug, Subcommand)]
pub enum Object {
    #[command(subcommand)]
    Prog(ProgCmd),
    #[command(subcommand)]
    Map(MapCmd),
    #[command(subcommand)]
    Link(LinkCmd),
    #[command(subcommand)]
    Cgroup(CgroupCmd),
    #[command(subcommand)]
    Perf(PerfCmd),
    #[command(subcommand)]
    Net(NetCmd),
    #[command(subcommand)]
    Feature(FeatureCmd),
    #[command(subcommand)]
    Btf(BtfCmd),
    #[command(subcommand)]
    Tool(ToolCmd),
    /// Print shell completions or the man page, generated from this grammar
    Completions {
        #[arg(value_enum)]
        what: Generated,
    },
}

/// Objects in bpftool's table order (first prefix match wins), with their
/// commands in table order and the default command when none is given.
const OBJECTS: &[(&str, &[&str], Option<&str>)] = &[
    ("help", &[], None),
    (
        "prog",
        &[
            "show", "list", "help", "dump", "pin", "load", "loadall", "attach", "detach", "verify",
        ],
        Some("show"),
    ),
    (
        "map",
        &[
            "show", "list", "help", "dump", "update", "lookup", "getnext", "delete", "pin",
            "create", "peek", "push", "enqueue", "pop", "dequeue", "freeze",
        ],
        Some("show"),
    ),
    (
        "link",
        &["show", "list", "help", "pin", "detach"],
        Some("show"),
    ),
    (
        "cgroup",
        &["show", "list", "tree", "attach", "detach", "help"],
        Some("show"),
    ),
    ("perf", &["show", "list", "help"], Some("show")),
    ("net", &["show", "list", "help"], Some("show")),
    ("feature", &["probe", "help"], Some("probe")),
    ("btf", &["show", "list", "help", "dump"], Some("show")),
    (
        "tool",
        &[
            "list", "load", "attach", "detach", "report", "unload", "run", "help",
        ],
        Some("list"),
    ),
    ("completions", &["bash", "zsh", "fish", "man", "help"], None),
];

const SHORT_GLOBALS: &str = "jpfndVh";
const LONG_GLOBALS: &[&str] = &[
    "--json",
    "--pretty",
    "--bpffs",
    "--nomount",
    "--debug",
    "--table",
    "--version",
    "--help",
];

fn is_global(word: &str) -> bool {
    if LONG_GLOBALS.contains(&word) {
        return true;
    }
    word.len() > 1
        && word.starts_with('-')
        && !word.starts_with("--")
        && word[1..].chars().all(|c| SHORT_GLOBALS.contains(c))
}

/// A grammar error: bpftool-like message, exit 255.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Expands prefixes and moves global options to the front; returns canonical argv.
pub fn normalize(argv: &[String]) -> Result<Vec<String>, UsageError> {
    let prog = argv.first().cloned().unwrap_or_else(|| "bpfscope".into());
    let mut globals: Vec<String> = Vec::new();
    let mut help = false;
    let mut rest = argv.iter().skip(1).peekable();

    // Options before the object.
    let mut object_word = None;
    for w in rest.by_ref() {
        if w == "--" {
            continue;
        }
        if w.starts_with('-') && w.len() > 1 {
            globals.push(w.clone());
        } else {
            object_word = Some(w.clone());
            break;
        }
    }
    let mut out = vec![prog];
    let Some(object_word) = object_word else {
        out.extend(globals);
        if out.len() == 1 {
            out.push("--help".into());
        }
        return Ok(out);
    };
    let Some(&(object, commands, default)) = OBJECTS.iter().find(|(name, _, _)| {
        object_word.len() <= name.len() && name.starts_with(object_word.as_str())
    }) else {
        return Err(UsageError(format!(
            "unknown object '{object_word}' (expected one of: prog, map, link, cgroup, perf, net, feature, btf, tool, completions)"
        )));
    };
    if object == "help" {
        out.extend(globals);
        out.push("--help".into());
        return Ok(out);
    }
    let mut args: Vec<String> = Vec::new();
    let is_tool = object == "tool";
    let mut command = None;
    for w in rest {
        // bpftool accepts global options anywhere; tools have their own -p/-d etc.
        let tool_args_started = is_tool && command.is_some();
        if !tool_args_started && is_global(w) {
            if w == "-h" || w == "--help" {
                help = true;
            } else {
                globals.push(w.clone());
            }
            continue;
        }
        if command.is_none() {
            command = Some(w.clone());
        } else {
            args.push(w.clone());
        }
    }
    let command = match command {
        Some(c) => {
            let Some(&found) = commands.iter().find(|name| name.starts_with(c.as_str())) else {
                return Err(UsageError(format!(
                    "unknown command '{c}' for '{object}' (expected one of: {})",
                    commands
                        .iter()
                        .filter(|c| **c != "list")
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            Some(found)
        }
        None => default,
    };
    out.extend(globals);
    out.push(object.into());
    match command {
        Some("help") | None => out.push("--help".into()),
        Some(c) => {
            out.push(if c == "list" && object != "tool" {
                "show".into()
            } else {
                c.into()
            });
            if help {
                out.push("--help".into());
            }
            if !args.is_empty() {
                out.push("--".into());
                out.extend(args);
            }
        }
    }
    Ok(out)
}

/// The clap command, for help, completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use super::*;
    fn n(s: &str) -> Vec<String> {
        let argv: Vec<String> = std::iter::once("bpfscope")
            .chain(s.split_whitespace())
            .map(String::from)
            .collect();
        normalize(&argv)
            .map(|v| v[1..].to_vec())
            .unwrap_or_else(|e| vec![format!("ERR {e}")])
    }
    #[test]
    fn prefixes_follow_bpftool_table_order() {
        assert_eq!(n("p s"), ["prog", "show"]);
        assert_eq!(n("pe"), ["perf", "show"]);
        assert_eq!(n("m l"), ["map", "show"]);
        assert_eq!(n("map l id 3"), ["map", "show", "--", "id", "3"]);
        assert_eq!(n("prog d x i 3"), ["prog", "dump", "--", "x", "i", "3"]);
        assert_eq!(n("c"), ["cgroup", "show"]);
        assert_eq!(n("t"), ["tool", "list"]);
        assert_eq!(n("b"), ["btf", "show"]);
    }
    #[test]
    fn globals_anywhere_but_not_in_tool_args() {
        assert_eq!(
            n("prog show -j id 1"),
            ["-j", "prog", "show", "--", "id", "1"]
        );
        assert_eq!(n("-p map"), ["-p", "map", "show"]);
        assert_eq!(
            n("tool run biolatency -p 12 -m"),
            ["tool", "run", "--", "biolatency", "-p", "12", "-m"]
        );
        assert_eq!(n("-j tool run x"), ["-j", "tool", "run", "--", "x"]);
    }
    #[test]
    fn unknown_words_are_errors() {
        assert!(n("frob")[0].starts_with("ERR unknown object 'frob'"));
        assert!(n("prog frob")[0].starts_with("ERR unknown command 'frob' for 'prog'"));
    }
    #[test]
    fn clap_accepts_normalized_words() {
        let argv = normalize(&["bpfscope".into(), "p".into(), "s".into(), "-jp".into()]).unwrap();
        let cli = Cli::try_parse_from(argv).unwrap();
        assert!(cli.global.json && cli.global.pretty);
        assert!(matches!(cli.object, Object::Prog(ProgCmd::Show(_))));
    }
    #[test]
    fn grammar_is_consistent() {
        command().debug_assert();
    }
}
