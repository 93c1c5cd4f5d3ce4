//! Objects that load and run: struct_ops, iter, token, batch.
use crate::cli::grammar::{Node, Node::*, Value};

use super::common::*;

/// bpftool's STRUCT_OPS_MAP: by id or by name (no pins).
const STRUCT_OPS_MAP: Node = Alt(&[
    Seq(&[Kw("id"), Val("id", "STRUCT_OPS_MAP_ID", Value::Text)]),
    Seq(&[Kw("name"), Val("name", "STRUCT_OPS_MAP_NAME", Value::Text)]),
]);

pub(super) const STRUCT_OPS_COMMANDS: &[Command] = &[
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

pub(super) const ITER_COMMANDS: &[Command] = &[cmd(
    "pin",
    "Load OBJ, attach its first program as an iterator (over MAP's elements) and pin the link at PATH; reading PATH runs it",
    Seq(&[
        Val("object", "OBJ", Value::Path),
        Val("path", "PATH", Value::Path),
        Opt(&Seq(&[Kw("map"), MAP])),
    ]),
    CmdId::IterPin,
)];

pub(super) const TOKEN_COMMANDS: &[Command] = &[cmd(
    "show",
    "Show bpffs mounts that delegate BPF commands and types to user namespaces (BPF tokens)",
    Seq(&[]),
    CmdId::TokenShow,
)];

pub(super) const BATCH_COMMANDS: &[Command] = &[cmd(
    "file",
    "Run the commands of FILE ('-': stdin), one per line: # comments, quotes, \\ continues a line; stops at the first failure",
    FILE,
    CmdId::BatchFile,
)];
