//! `map`: show, dump, element commands, create, queue and stack commands.
use crate::cli::grammar::{HandleKind as H, Node, Node::*, Value};

use super::common::*;

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

pub(super) const MAP_COMMANDS: &[Command] = &[
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
        "Create a map and pin it at FILE (type, key, value, entries and name are required)",
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
        "Print what programs send through a perf event array (every CPU, or one CPU's ring at an index) or a ring buffer, until Ctrl-C; with type, each record as that BTF struct, union or typedef of the map's programs",
        Seq(&[
            MAP,
            Any(&[
                Seq(&[Kw("cpu"), Val("cpu", "N", Value::Text)]),
                Seq(&[Kw("index"), Val("index", "M", Value::Text)]),
                Seq(&[Kw("type"), Val("type", "TYPE", Value::Text)]),
            ]),
        ]),
        CmdId::MapEventPipe,
    ),
];
