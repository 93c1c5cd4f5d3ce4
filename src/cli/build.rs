//! From a matched command to its typed request: the only place that reads
//! a `Match`, by the slot names the grammar in `spec` gives.
use std::path::PathBuf;

use super::grammar::{parse_u32, Match, UsageError};
use super::request::*;
use super::spec::{CmdId, MAP_ATTACH_TYPES};
use crate::disasm::visual::VisualFormat;
use crate::sys::handle::Handle;
use crate::sys::netattach::{NetAttachType, Placement};

/// The first `input` and every repetition after it.
fn gen_inputs(m: &Match) -> Vec<PathBuf> {
    std::iter::once(path(m, "input"))
        .chain(m.groups("inputs").map(|g| path(g, "input")))
        .collect()
}

fn usage(msg: impl Into<String>) -> UsageError {
    UsageError(msg.into())
}

fn path(m: &Match, slot: &str) -> PathBuf {
    PathBuf::from(m.word(slot).unwrap_or_default())
}

fn handle(m: &Match, slot: &str) -> Result<Handle, UsageError> {
    m.handle(slot)
        .cloned()
        .ok_or_else(|| usage(format!("missing {slot}")))
}

fn number(m: &Match, slot: &str, what: &str) -> Result<Option<u32>, UsageError> {
    m.word(slot)
        .map(|w| parse_u32(w).ok_or_else(|| usage(format!("can't parse {w} as {what}"))))
        .transpose()
}

/// One byte as strtoul(…, base) reads it: base 0 takes 0x.. hex, 0.. octal,
/// decimal; base 16 takes hex with or without 0x. Unlike bpftool, values
/// above 255 are errors, not silently truncated.
pub fn parse_byte(word: &str, hex: bool) -> Option<u8> {
    let (digits, radix) = if hex {
        (
            word.strip_prefix("0x")
                .or_else(|| word.strip_prefix("0X"))
                .unwrap_or(word),
            16,
        )
    } else if let Some(h) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        (h, 16)
    } else if word.len() > 1 && word.starts_with('0') {
        (&word[1..], 8)
    } else {
        (word, 10)
    };
    if digits.is_empty() {
        return None;
    }
    u32::from_str_radix(digits, radix)
        .ok()
        .and_then(|v| u8::try_from(v).ok())
}

fn bytes(m: &Match, slot: &str) -> Result<Option<Vec<u8>>, UsageError> {
    let Some((hex, words)) = m.bytes(slot) else {
        return Ok(None);
    };
    words
        .iter()
        .map(|w| {
            parse_byte(w, hex).ok_or_else(|| {
                usage(format!(
                    "error parsing byte: {w} (a byte is 0-255, or 00-ff after 'hex')"
                ))
            })
        })
        .collect::<Result<Vec<u8>, _>>()
        .map(Some)
}

fn key(m: &Match) -> Result<Option<KeyArg>, UsageError> {
    if let Some(b) = bytes(m, "key")? {
        return Ok(Some(KeyArg::Bytes(b)));
    }
    Ok(m.word("key_json").map(|j| KeyArg::Json(j.to_string())))
}

fn value(m: &Match) -> Result<Option<ValueArg>, UsageError> {
    if let Some(h) = m.handle("value") {
        return Ok(Some(ValueArg::Object(h.clone())));
    }
    if let Some(b) = bytes(m, "value")? {
        return Ok(Some(ValueArg::Bytes(b)));
    }
    Ok(m.word("value_json").map(|j| ValueArg::Json(j.to_string())))
}

fn elem(m: &Match) -> Result<Elem, UsageError> {
    Ok(Elem {
        key: key(m)?,
        value: value(m)?,
        flags: match m.which(&["any", "exist", "noexist"]) {
            Some("any") => Some(UpdateFlag::Any),
            Some("exist") => Some(UpdateFlag::Exist),
            Some(_) => Some(UpdateFlag::NoExist),
            None => None,
        },
    })
}

fn required_value(m: &Match) -> Result<ValueArg, UsageError> {
    value(m)?.ok_or_else(|| usage("did not find value"))
}

fn map_create(m: &Match) -> Result<MapCreate, UsageError> {
    let size = |slot: &str, what: &str| Ok::<_, UsageError>(number(m, slot, what)?.unwrap_or(0));
    Ok(MapCreate {
        path: path(m, "path"),
        map_type: m
            .word("type")
            .ok_or_else(|| usage("map type not specified"))?
            .to_string(),
        key_size: size("key_size", "key size")?,
        value_size: size("value_size", "value size")?,
        entries: size("entries", "max entries")?,
        name: m
            .word("name")
            .ok_or_else(|| usage("map name not specified"))?
            .to_string(),
        flags: m.word("flags").map(str::to_string),
        inner_map: m.handle("inner_map").cloned(),
        extra: size("extra", "map extra")?,
        dev: m.word("dev").map(str::to_string),
    })
}

fn prog_load(m: &Match, all: bool) -> Result<ProgLoad, UsageError> {
    let mut maps = Vec::new();
    for g in m.groups("map") {
        let sel = match (number(g, "idx", "IDX")?, g.word("name")) {
            (Some(i), _) => MapSel::Idx(i as usize),
            (None, Some(n)) => MapSel::Name(n.to_string()),
            (None, None) => return Err(usage("expected 'idx' or 'name'")),
        };
        maps.push((sel, handle(g, "map")?));
    }
    Ok(ProgLoad {
        object: path(m, "object"),
        path: path(m, "path"),
        all,
        prog_type: m.word("type").map(str::to_string),
        maps,
        pinmaps: m.word("pinmaps").map(PathBuf::from),
        autoattach: m.has("autoattach"),
        unsupported: m.which(&["offload_dev", "xdpmeta_dev", "kernel_btf"]),
    })
}

fn prog_attach(m: &Match) -> Result<ProgAttach, UsageError> {
    use MapAttachType::*;
    let word = m.word("attach_type").unwrap_or_default();
    let at = MAP_ATTACH_TYPES.iter().position(|t| *t == word);
    let attach_type = [
        StreamParser,
        StreamVerdict,
        MsgVerdict,
        FlowDissector,
        SkbVerdict,
    ][at.ok_or_else(|| usage(format!("invalid attach type '{word}'")))?];
    let map = m.handle("map").cloned();
    match (attach_type, &map) {
        (FlowDissector, Some(_)) => return Err(usage("flow_dissector takes no MAP")),
        (FlowDissector, None) | (_, Some(_)) => {}
        (_, None) => return Err(usage(format!("{word} needs a MAP"))),
    }
    Ok(ProgAttach {
        prog: handle(m, "prog")?,
        attach_type,
        map,
    })
}

/// `visual format FMT FILE` (or `--visual …`), when given.
fn visual_to(m: &Match) -> Result<Option<(VisualFormat, String)>, UsageError> {
    let Some(fmt) = m.word("visual_format") else {
        return Ok(None);
    };
    let fmt = fmt.parse().map_err(UsageError)?;
    Ok(Some((
        fmt,
        m.word("visual_file").unwrap_or_default().to_string(),
    )))
}

fn prog_dump(m: &Match) -> Result<ProgReq, UsageError> {
    let (opcodes, visual, linum) = (m.has("opcodes"), m.has("visual"), m.has("linum"));
    let visual_to = visual_to(m)?;
    if m.has("xlated") && m.word("object").is_some() {
        return Ok(ProgReq::DumpFile(ProgDumpFile {
            object: path(m, "object"),
            prog: m.word("name").map(str::to_string),
            opcodes,
            visual,
            visual_to,
            linum,
        }));
    }
    let file = m.word("path").map(PathBuf::from);
    if file.is_some() && (opcodes || visual || linum) {
        return Err(usage(
            "'file' is not compatible with 'opcodes', 'visual', or 'linum'",
        ));
    }
    Ok(ProgReq::Dump(ProgDump {
        image: if m.has("jited") {
            DumpImage::Jited
        } else {
            DumpImage::Xlated
        },
        prog: handle(m, "prog")?,
        file,
        opcodes,
        visual,
        visual_to,
        linum,
    }))
}

fn prog_verify(m: &Match) -> Result<ProgVerify, UsageError> {
    let r = ProgVerify {
        object: path(m, "object"),
        prog: m.word("name").or(m.word("--prog")).map(str::to_string),
        compare: m.word("--compare").map(PathBuf::from),
        log_level: match m.word("--log-level") {
            None => None,
            Some("1") => Some(1),
            Some("2") => Some(2),
            Some(v) => return Err(usage(format!("invalid log level '{v}' (expected 1 or 2)"))),
        },
        log_file: m.word("--log-file").map(PathBuf::from),
        visual: m.has("--visual") || m.has("visual"),
        visual_to: visual_to(m)?,
        as_unprivileged: m.has("--as-unprivileged"),
        sort: m
            .groups("sort")
            .filter_map(|g| g.word("--sort").map(str::to_string))
            .collect(),
        filter: m
            .groups("filter")
            .filter_map(|g| g.word("--filter").map(str::to_string))
            .collect(),
    };
    if r.visual && r.compare.is_some() {
        return Err(usage("--visual and --compare do not go together"));
    }
    Ok(r)
}

fn struct_ops_sel(m: &Match) -> Result<Option<StructOpsSel>, UsageError> {
    if let Some(w) = m.word("id") {
        return match parse_u32(w) {
            Some(id) if id != 0 => Ok(Some(StructOpsSel::Id(id))),
            _ => Err(usage(format!("invalid id {w}"))),
        };
    }
    Ok(m.word("name").map(|n| StructOpsSel::Name(n.to_string())))
}

fn net_attach_type(m: &Match) -> Result<NetAttachType, UsageError> {
    let w = m.word("attach_type").unwrap_or_default();
    NetAttachType::from_word(w).ok_or_else(|| usage(format!("invalid net attach/detach type: {w}")))
}

fn net_attach(m: &Match) -> Result<NetAttach, UsageError> {
    let attach_type = net_attach_type(m)?;
    let placement = match m.which(&["overwrite", "prepend"]) {
        Some("overwrite") if !attach_type.is_xdp() => {
            return Err(usage("'overwrite' is only supported for xdp types"))
        }
        Some("prepend") if attach_type.is_xdp() => {
            return Err(usage(
                "'prepend' is only supported for tcx_ingress/tcx_egress",
            ))
        }
        Some("overwrite") => Placement::Overwrite,
        Some(_) => Placement::Prepend,
        None => Placement::Default,
    };
    Ok(NetAttach {
        attach_type,
        prog: handle(m, "prog")?,
        dev: m.word("dev").unwrap_or_default().to_string(),
        placement,
    })
}

fn prog_run(m: &Match) -> Result<ProgRun, UsageError> {
    let file = |slot: &str| m.word(slot).map(PathBuf::from);
    Ok(ProgRun {
        prog: handle(m, "prog")?,
        data_in: file("data_in"),
        data_out: file("data_out"),
        data_size_out: number(m, "data_size_out", "output data size")?,
        ctx_in: file("ctx_in"),
        ctx_out: file("ctx_out"),
        ctx_size_out: number(m, "ctx_size_out", "output context size")?,
        repeat: number(m, "repeat", "repeat number")?.unwrap_or(1),
    })
}

fn btf_dump(m: &Match) -> Result<BtfReq, UsageError> {
    let source = if let Some(id) = number(m, "id", "ID")? {
        BtfSource::Id(id)
    } else if m.has("prog") {
        BtfSource::Prog(handle(m, "prog")?)
    } else if m.has("map") {
        let part = match m.which(&["key", "value", "kv", "all"]) {
            Some("key") => MapBtfPart::Key,
            Some("value") => MapBtfPart::Value,
            Some("all") => MapBtfPart::All,
            _ => MapBtfPart::Kv,
        };
        BtfSource::Map(handle(m, "map")?, part)
    } else {
        BtfSource::File(path(m, "path"))
    };
    let mut roots = Vec::new();
    for g in m.groups("root_id") {
        let id = number(g, "root_id", "root ID")?.unwrap_or_default();
        if roots.contains(&id) {
            return Err(usage(format!("duplicate root_id {id} supplied")));
        }
        roots.push(id);
    }
    if !roots.is_empty() && matches!(source, BtfSource::Map(..)) {
        return Err(usage("cannot use root_id with other type filtering"));
    }
    Ok(BtfReq::Dump {
        source,
        format_c: m.word("format") == Some("c"),
        roots,
        sorted: !m.has("unsorted"),
        base_btf: None,
    })
}

fn tool(m: &Match, verb: ToolVerb) -> Request {
    Request::Tool(ToolReq {
        verb,
        name: m.word("tool").map(str::to_string),
        args: m.words("args"),
    })
}

fn serve(m: &Match) -> Result<Request, UsageError> {
    let listen = match m.word("--listen") {
        None => std::net::SocketAddr::from(([127, 0, 0, 1], 9464)),
        Some(w) => w.parse().map_err(|_| {
            usage(format!(
                "invalid --listen address '{w}': expected ADDR:PORT (e.g. 127.0.0.1:9464, [::1]:9464)"
            ))
        })?,
    };
    let max_series = match m.word("--max-series") {
        None => 1000,
        Some(w) => match w.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(usage(format!(
                    "invalid --max-series '{w}': expected a positive number"
                )))
            }
        },
    };
    Ok(Request::Serve(ServeReq {
        listen,
        stats: m.has("--stats"),
        tool_root: m.word("--tool-root").map(PathBuf::from),
        map_entries: m.has("--map-entries"),
        max_series,
    }))
}

fn top(m: &Match) -> Result<Request, UsageError> {
    let iterations = match m.word("-n") {
        None => None,
        Some(w) => match w.parse::<u64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(usage(format!(
                    "invalid -n '{w}': expected a positive number of iterations"
                )))
            }
        },
    };
    let delay = match m.word("-d") {
        None => std::time::Duration::from_secs(1),
        Some(w) => match w.parse::<f64>() {
            Ok(d) if d.is_finite() && (0.1..=3600.0).contains(&d) => {
                std::time::Duration::from_secs_f64(d)
            }
            _ => {
                return Err(usage(format!(
                    "invalid -d '{w}': expected seconds between 0.1 and 3600"
                )))
            }
        },
    };
    Ok(Request::Top(TopReq {
        batch: m.has("-b"),
        iterations,
        delay,
    }))
}

/// The typed request for a command's match.
pub fn build(id: CmdId, m: &Match) -> Result<Request, UsageError> {
    use CmdId::*;
    let map = || handle(m, "map");
    Ok(match id {
        ProgShow => Request::Prog(ProgReq::Show(m.handle("prog").cloned())),
        ProgDump => Request::Prog(prog_dump(m)?),
        ProgPin => Request::Prog(ProgReq::Pin {
            prog: handle(m, "prog")?,
            path: path(m, "path"),
        }),
        ProgLoad => Request::Prog(ProgReq::Load(prog_load(m, false)?)),
        ProgLoadall => Request::Prog(ProgReq::Load(prog_load(m, true)?)),
        ProgAttach => Request::Prog(ProgReq::Attach(prog_attach(m)?)),
        ProgDetach => Request::Prog(ProgReq::Detach(prog_attach(m)?)),
        ProgVerify => Request::Prog(ProgReq::Verify(prog_verify(m)?)),
        ProgRun => Request::Prog(ProgReq::Run(prog_run(m)?)),
        ProgTracelog => Request::Prog(ProgReq::Tracelog),
        ProgProfile => Request::Prog(ProgReq::Profile(self::ProgProfile {
            prog: handle(m, "prog")?,
            duration: number(m, "duration", "duration")?,
            metrics: crate::sys::profile::select(
                &m.groups("metric")
                    .filter_map(|g| g.word("metric").map(str::to_string))
                    .collect::<Vec<_>>(),
            )
            .map_err(usage)?,
        })),
        MapShow => Request::Map(MapReq::Show(m.handle("map").cloned())),
        MapDump => Request::Map(MapReq::Dump {
            map: map()?,
            recursive: m.has("--recursive"),
        }),
        MapUpdate => Request::Map(MapReq::Update {
            map: map()?,
            elem: elem(m)?,
        }),
        MapLookup => Request::Map(MapReq::Lookup {
            map: map()?,
            elem: elem(m)?,
        }),
        MapGetnext => Request::Map(MapReq::Getnext {
            map: map()?,
            key: key(m)?,
        }),
        MapDelete => Request::Map(MapReq::Delete {
            map: map()?,
            key: key(m)?,
            all: m.has("--all"),
        }),
        MapPin => Request::Map(MapReq::Pin {
            map: map()?,
            path: path(m, "path"),
        }),
        MapCreate => Request::Map(MapReq::Create(map_create(m)?)),
        MapPeek => Request::Map(MapReq::Peek(map()?)),
        MapPush => Request::Map(MapReq::Push {
            map: map()?,
            value: required_value(m)?,
        }),
        MapEnqueue => Request::Map(MapReq::Enqueue {
            map: map()?,
            value: required_value(m)?,
        }),
        MapPop => Request::Map(MapReq::Pop(map()?)),
        MapDequeue => Request::Map(MapReq::Dequeue(map()?)),
        MapFreeze => Request::Map(MapReq::Freeze(map()?)),
        MapEventPipe => Request::Map(MapReq::EventPipe {
            map: map()?,
            one: match (number(m, "cpu", "CPU ID")?, number(m, "index", "index")?) {
                (Some(c), Some(i)) => Some((c, i)),
                (None, None) => None,
                _ => return Err(usage("cpu and index must be specified together")),
            },
            record_type: m.word("type").map(str::to_string),
        }),
        LinkShow => Request::Link(LinkReq::Show(m.handle("link").cloned())),
        LinkPin => Request::Link(LinkReq::Pin {
            link: handle(m, "link")?,
            path: path(m, "path"),
        }),
        LinkDetach => Request::Link(LinkReq::Detach(handle(m, "link")?)),
        CgroupShow => Request::Cgroup(CgroupReq::Show {
            cgroup: path(m, "cgroup"),
            effective: m.has("effective"),
        }),
        CgroupTree => Request::Cgroup(CgroupReq::Tree {
            root: m.word("cgroup").map(PathBuf::from),
            effective: m.has("effective"),
        }),
        CgroupAttach => Request::Cgroup(CgroupReq::Attach {
            cgroup: path(m, "cgroup"),
            attach_type: m.word("attach_type").unwrap_or_default().to_string(),
            prog: handle(m, "prog")?,
            flag: match m.which(&["multi", "override"]) {
                Some("multi") => Some(CgroupAttachFlag::Multi),
                Some(_) => Some(CgroupAttachFlag::Override),
                None => None,
            },
        }),
        CgroupDetach => Request::Cgroup(CgroupReq::Detach {
            cgroup: path(m, "cgroup"),
            attach_type: m.word("attach_type").unwrap_or_default().to_string(),
            prog: handle(m, "prog")?,
        }),
        PerfShow => Request::Perf {
            links: m.has("links"),
        },
        NetShow => Request::Net {
            dev: m.word("dev").map(str::to_string),
        },
        NetAttach => Request::NetAttach(net_attach(m)?),
        NetDetach => Request::NetDetach {
            attach_type: net_attach_type(m)?,
            dev: m.word("dev").unwrap_or_default().to_string(),
        },
        FeatureProbe => Request::Feature(self::FeatureProbe {
            dev: m.word("dev").map(str::to_string),
            full: m.has("full"),
            unprivileged: m.has("unprivileged"),
            macros: m
                .has("macros")
                .then(|| m.word("prefix").unwrap_or_default().to_string()),
        }),
        FeatureListBuiltins => {
            Request::FeatureBuiltins(match m.word("group").unwrap_or_default() {
                "prog_types" => BuiltinGroup::ProgTypes,
                "map_types" => BuiltinGroup::MapTypes,
                "attach_types" => BuiltinGroup::AttachTypes,
                "link_types" => BuiltinGroup::LinkTypes,
                _ => BuiltinGroup::Helpers,
            })
        }
        TokenShow => Request::TokenShow,
        StructOpsShow => Request::StructOps(StructOpsReq::Show(struct_ops_sel(m)?)),
        StructOpsDump => Request::StructOps(StructOpsReq::Dump(struct_ops_sel(m)?)),
        StructOpsRegister => Request::StructOps(StructOpsReq::Register {
            object: path(m, "object"),
            link_dir: m.word("link_dir").map(PathBuf::from),
        }),
        StructOpsUnregister => Request::StructOps(StructOpsReq::Unregister(
            struct_ops_sel(m)?.ok_or_else(|| usage("expected 'id' or 'name'"))?,
        )),
        IterPin => Request::IterPin {
            object: path(m, "object"),
            path: path(m, "path"),
            map: m.handle("map").cloned(),
        },
        BtfShow => Request::Btf(BtfReq::Show(m.handle("btf").cloned())),
        BtfDump => Request::Btf(btf_dump(m)?),
        ToolList => tool(m, ToolVerb::List),
        ToolLoad => tool(m, ToolVerb::Load),
        ToolAttach => tool(m, ToolVerb::Attach),
        ToolDetach => tool(m, ToolVerb::Detach),
        ToolReport => tool(m, ToolVerb::Report),
        ToolUnload => tool(m, ToolVerb::Unload),
        ToolRun => tool(m, ToolVerb::Run),
        GenObject => Request::Gen(GenReq::Object {
            output: path(m, "output"),
            inputs: gen_inputs(m),
        }),
        GenSkeleton => Request::Gen(GenReq::Skeleton {
            object: path(m, "object"),
            name: m.word("name").map(str::to_string),
            rust: m.has("--rust"),
        }),
        GenSubskeleton => Request::Gen(GenReq::Subskeleton {
            object: path(m, "object"),
            name: m.word("name").map(str::to_string),
        }),
        GenMinCoreBtf => Request::Gen(GenReq::MinCoreBtf {
            input: path(m, "btf_input"),
            output: path(m, "btf_output"),
            objects: gen_inputs(m),
        }),
        Serve => serve(m)?,
        Top => top(m)?,
        CompletionsBash => Request::Completions(Generated::Bash),
        CompletionsZsh => Request::Completions(Generated::Zsh),
        CompletionsFish => Request::Completions(Generated::Fish),
        CompletionsMan => Request::Completions(Generated::Man),
        CompleteWords => Request::CompleteWords(m.words("words")),
        Version => Request::Version,
        BatchFile => Request::Batch {
            file: path(m, "path"),
        },
    })
}
