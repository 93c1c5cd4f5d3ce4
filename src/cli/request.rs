//! Typed requests: what a matched command asks for, with every word already
//! read (`cli::build` fills them from a match). The command code in `cmd`
//! takes these types and never sees the words.
use std::path::PathBuf;

use crate::disasm::visual::VisualFormat;
use crate::sys::handle::Handle;
use crate::sys::netattach::{NetAttachType, Placement};

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Prog(ProgReq),
    Map(MapReq),
    Link(LinkReq),
    Cgroup(CgroupReq),
    /// `perf show [links]`.
    Perf {
        links: bool,
    },
    Net {
        dev: Option<String>,
    },
    NetAttach(NetAttach),
    NetDetach {
        attach_type: NetAttachType,
        dev: String,
    },
    Feature(FeatureProbe),
    /// `feature list_builtins GROUP`.
    FeatureBuiltins(BuiltinGroup),
    TokenShow,
    StructOps(StructOpsReq),
    /// `iter pin OBJ PATH [map MAP]`.
    IterPin {
        object: PathBuf,
        path: PathBuf,
        map: Option<Handle>,
    },
    Btf(BtfReq),
    Tool(ToolReq),
    Gen(GenReq),
    Serve(ServeReq),
    Top(TopReq),
    Completions(Generated),
    /// The words typed so far; answers what may follow (for the scripts).
    CompleteWords(Vec<String>),
    Version,
    /// `batch file FILE`: the commands of FILE (`-`: stdin), one per line.
    Batch {
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    Bash,
    Zsh,
    Fish,
    Man,
}

// -- gen ---------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub enum GenReq {
    /// `gen object OUTPUT INPUT…`
    Object {
        output: PathBuf,
        inputs: Vec<PathBuf>,
    },
    /// `gen skeleton FILE [name NAME] [--rust]`
    Skeleton {
        object: PathBuf,
        name: Option<String>,
        rust: bool,
    },
    /// `gen subskeleton FILE [name NAME]`
    Subskeleton {
        object: PathBuf,
        name: Option<String>,
    },
    /// `gen min_core_btf INPUT OUTPUT OBJECT…`
    MinCoreBtf {
        input: PathBuf,
        output: PathBuf,
        objects: Vec<PathBuf>,
    },
}

// -- prog --------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub enum ProgReq {
    Show(Option<Handle>),
    Dump(ProgDump),
    DumpFile(ProgDumpFile),
    Pin {
        prog: Handle,
        path: PathBuf,
    },
    Load(ProgLoad),
    Attach(ProgAttach),
    Detach(ProgAttach),
    Verify(ProgVerify),
    Run(ProgRun),
    /// `prog tracelog`: trace_pipe until Ctrl-C.
    Tracelog,
    Profile(ProgProfile),
}

/// `prog profile PROG [duration D] METRIC…`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgProfile {
    pub prog: Handle,
    /// Seconds; None: until Ctrl-C.
    pub duration: Option<u32>,
    /// Indexes into `sys::profile::METRICS`, in its order.
    pub metrics: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpImage {
    Xlated,
    Jited,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgDump {
    pub image: DumpImage,
    pub prog: Handle,
    pub file: Option<PathBuf>,
    pub opcodes: bool,
    pub visual: bool,
    /// `visual format FMT FILE`.
    pub visual_to: Option<(VisualFormat, String)>,
    pub linum: bool,
}

/// `prog dump xlated file OBJ.o …`: an object's programs before loading.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgDumpFile {
    pub object: PathBuf,
    pub prog: Option<String>,
    pub opcodes: bool,
    pub visual: bool,
    pub visual_to: Option<(VisualFormat, String)>,
    pub linum: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MapSel {
    Idx(usize),
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgLoad {
    pub object: PathBuf,
    pub path: PathBuf,
    /// `loadall`: every program, pinned under `path`.
    pub all: bool,
    pub prog_type: Option<String>,
    pub maps: Vec<(MapSel, Handle)>,
    pub pinmaps: Option<PathBuf>,
    pub autoattach: bool,
    /// `offload_dev`/`xdpmeta_dev NAME` or `kernel_btf FILE`: accepted, refused by the loader.
    pub unsupported: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapAttachType {
    StreamParser,
    StreamVerdict,
    MsgVerdict,
    FlowDissector,
    SkbVerdict,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgAttach {
    pub prog: Handle,
    pub attach_type: MapAttachType,
    pub map: Option<Handle>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgVerify {
    pub object: PathBuf,
    pub prog: Option<String>,
    pub compare: Option<PathBuf>,
    pub log_level: Option<u32>,
    pub log_file: Option<PathBuf>,
    pub visual: bool,
    /// `--visual format FMT FILE`.
    pub visual_to: Option<(VisualFormat, String)>,
    /// Verify again with CAP_BPF alone (no CAP_PERFMON, CAP_SYS_ADMIN).
    pub as_unprivileged: bool,
    /// veristat's `-s KEY[:asc|:desc]` and `-f EXPR`, read by the verifier's `select`.
    pub sort: Vec<String>,
    pub filter: Vec<String>,
}

/// `prog run`: BPF_PROG_TEST_RUN's inputs and where its outputs go (`-`: stdout).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgRun {
    pub prog: Handle,
    pub data_in: Option<PathBuf>,
    pub data_out: Option<PathBuf>,
    pub data_size_out: Option<u32>,
    pub ctx_in: Option<PathBuf>,
    pub ctx_out: Option<PathBuf>,
    pub ctx_size_out: Option<u32>,
    pub repeat: u32,
}

// -- map ---------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub enum MapReq {
    Show(Option<Handle>),
    Dump {
        map: Handle,
        recursive: bool,
    },
    Update {
        map: Handle,
        elem: Elem,
    },
    Lookup {
        map: Handle,
        elem: Elem,
    },
    Getnext {
        map: Handle,
        key: Option<KeyArg>,
    },
    Delete {
        map: Handle,
        key: Option<KeyArg>,
        all: bool,
    },
    Pin {
        map: Handle,
        path: PathBuf,
    },
    Create(MapCreate),
    Peek(Handle),
    Push {
        map: Handle,
        value: ValueArg,
    },
    Enqueue {
        map: Handle,
        value: ValueArg,
    },
    Pop(Handle),
    Dequeue(Handle),
    Freeze(Handle),
    /// `event_pipe MAP [cpu N index M]`: `one` is (cpu, index).
    EventPipe {
        map: Handle,
        one: Option<(u32, u32)>,
        /// `type NAME`: the BTF type records are read as.
        record_type: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum KeyArg {
    Bytes(Vec<u8>),
    Json(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueArg {
    Bytes(Vec<u8>),
    Json(String),
    /// A program (prog array) or a map (map of maps), by handle.
    Object(Handle),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateFlag {
    Any,
    Exist,
    NoExist,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Elem {
    pub key: Option<KeyArg>,
    pub value: Option<ValueArg>,
    pub flags: Option<UpdateFlag>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapCreate {
    pub path: PathBuf,
    pub map_type: String,
    pub key_size: u32,
    pub value_size: u32,
    pub entries: u32,
    pub name: String,
    /// A number or names (`no_prealloc|rdonly`), read against the kernel's names.
    pub flags: Option<String>,
    pub inner_map: Option<Handle>,
    pub extra: u32,
    pub dev: Option<String>,
}

// -- struct_ops ------------------------------------------------------------------

/// bpftool's STRUCT_OPS_MAP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructOpsSel {
    Id(u32),
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StructOpsReq {
    Show(Option<StructOpsSel>),
    Dump(Option<StructOpsSel>),
    Register {
        object: PathBuf,
        link_dir: Option<PathBuf>,
    },
    Unregister(StructOpsSel),
}

// -- net -----------------------------------------------------------------------

/// `net attach ATTACH_TYPE PROG dev NAME [overwrite | prepend]`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetAttach {
    pub attach_type: NetAttachType,
    pub prog: Handle,
    pub dev: String,
    pub placement: Placement,
}

// -- link, cgroup, feature, btf, tool ------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub enum LinkReq {
    Show(Option<Handle>),
    Pin { link: Handle, path: PathBuf },
    Detach(Handle),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupAttachFlag {
    Multi,
    Override,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CgroupReq {
    Show {
        cgroup: PathBuf,
        effective: bool,
    },
    Tree {
        root: Option<PathBuf>,
        effective: bool,
    },
    /// The attach type as typed: a libbpf name or a prefix of bpftool's short names.
    Attach {
        cgroup: PathBuf,
        attach_type: String,
        prog: Handle,
        flag: Option<CgroupAttachFlag>,
    },
    Detach {
        cgroup: PathBuf,
        attach_type: String,
        prog: Handle,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureProbe {
    /// `dev NAME`; the kernel otherwise.
    pub dev: Option<String>,
    pub full: bool,
    pub unprivileged: bool,
    /// `macros [prefix P]`: Some("") without a prefix.
    pub macros: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinGroup {
    ProgTypes,
    MapTypes,
    AttachTypes,
    LinkTypes,
    Helpers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapBtfPart {
    Key,
    Value,
    /// Key and value (the default).
    Kv,
    /// The whole BTF object.
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BtfSource {
    Id(u32),
    Prog(Handle),
    Map(Handle, MapBtfPart),
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq)]
pub enum BtfReq {
    Show(Option<Handle>),
    Dump {
        source: BtfSource,
        format_c: bool,
        roots: Vec<u32>,
        sorted: bool,
        /// `-B FILE`: the base BTF for a split BTF file.
        base_btf: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolVerb {
    List,
    Load,
    Attach,
    Detach,
    Report,
    Unload,
    Run,
}

impl ToolVerb {
    /// The command's word, for messages.
    pub fn word(self) -> &'static str {
        match self {
            ToolVerb::List => "list",
            ToolVerb::Load => "load",
            ToolVerb::Attach => "attach",
            ToolVerb::Detach => "detach",
            ToolVerb::Report => "report",
            ToolVerb::Unload => "unload",
            ToolVerb::Run => "run",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolReq {
    pub verb: ToolVerb,
    pub name: Option<String>,
    /// The tool's own arguments, parsed by the tool's registry entry.
    pub args: Vec<String>,
}

// -- serve, top --------------------------------------------------------------

/// `serve [--listen ADDR:PORT] [--stats] [--tool-root DIR] [--map-entries] [--max-series N]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeReq {
    /// 127.0.0.1:9464 unless given.
    pub listen: std::net::SocketAddr,
    pub stats: bool,
    pub tool_root: Option<PathBuf>,
    pub map_entries: bool,
    pub max_series: usize,
}

/// `top [-b] [-n N] [-d SECS]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TopReq {
    pub batch: bool,
    pub iterations: Option<u64>,
    pub delay: std::time::Duration,
}
