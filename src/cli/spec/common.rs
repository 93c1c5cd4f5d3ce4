//! The table's building blocks: what a command and an object are, the
//! constructors the tables use, and the handles every table shares.
use crate::cli::grammar::{HandleKind as H, Node, Node::*, Value};

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
    GenObject,
    GenSkeleton,
    GenSubskeleton,
    GenMinCoreBtf,
    Serve,
    Top,
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
pub(super) const fn cmd(
    name: &'static str,
    about: &'static str,
    syntax: Node,
    id: CmdId,
) -> Command {
    Command {
        name,
        hidden: false,
        about,
        syntax,
        id,
    }
}

/// A command that help, man and completion leave out.
pub(super) const fn hidden(
    name: &'static str,
    about: &'static str,
    syntax: Node,
    id: CmdId,
) -> Command {
    Command {
        name,
        hidden: true,
        about,
        syntax,
        id,
    }
}

/// What to print when help is asked for.
#[derive(Debug, Clone, Copy)]
pub enum Topic {
    Top,
    Object(&'static Object),
    Command(&'static Object, &'static Command),
}

#[derive(Debug)]
pub struct Object {
    pub name: &'static str,
    pub about: &'static str,
    /// In bpftool's table order: the first that starts with the typed word wins.
    pub commands: &'static [Command],
    /// What the object alone runs (`bpfscope prog` is `prog show`).
    pub default: Option<CmdId>,
    /// More for its help than the grammar says (the tools' own options).
    pub more_help: Option<fn() -> String>,
}

/// A global option, accepted anywhere before a tool's own arguments.
#[derive(Debug)]
pub struct GlobalOpt {
    pub short: Option<char>,
    pub long: &'static str,
    pub value: Option<&'static str>,
    pub about: &'static str,
}

pub(super) const PROG: Node = Handle("prog", H::Prog);
pub(super) const MAP: Node = Handle("map", H::Map);
pub(super) const LINK: Node = Handle("link", H::Link);
pub(super) const FILE: Node = Val("path", "FILE", Value::Path);
