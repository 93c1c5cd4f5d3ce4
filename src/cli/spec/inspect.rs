//! The objects bpfscope inspects besides programs and maps: link, cgroup,
//! perf, net, feature and btf.
use crate::cli::grammar::{HandleKind as H, Node, Node::*, Value};

use super::common::*;

/// bpftool's cgroup attach type names, for help and completion (libbpf's
/// names are accepted too: `sys::cgroup::parse_attach_type` reads the word).
#[rustfmt::skip]
pub const CGROUP_ATTACH_TYPES: &[&str] = &[
    "ingress", "egress", "sock_create", "sock_ops", "device", "bind4", "bind6", "connect4",
    "connect6", "post_bind4", "post_bind6", "sendmsg4", "sendmsg6", "sysctl", "recvmsg4",
    "recvmsg6", "getsockopt", "setsockopt", "sock_release", "getpeername4", "getpeername6",
    "getsockname4", "getsockname6", "connect_unix", "sendmsg_unix", "recvmsg_unix",
    "getpeername_unix", "getsockname_unix",
];

// -- link, cgroup, perf, net, feature, btf -----------------------------------

pub(super) const LINK_COMMANDS: &[Command] = &[
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

pub(super) const CGROUP_COMMANDS: &[Command] = &[
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

pub(super) const PERF_COMMANDS: &[Command] = &[cmd(
    "show",
    "Show perf-event attachments: tracepoints, kprobes, uprobes, raw tracepoints (links: also the perf_event links no process holds a perf fd of)",
    Opt(&Kw("links")),
    CmdId::PerfShow,
)];

const NET_DEV: Node = Seq(&[Kw("dev"), Val("dev", "NAME", Value::Dev)]);
const NET_ATTACH_TYPE: Node = Val(
    "attach_type",
    "ATTACH_TYPE",
    Value::Choice(crate::sys::netattach::NET_ATTACH_TYPES),
);

pub(super) const NET_COMMANDS: &[Command] = &[
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

pub(super) const FEATURE_COMMANDS: &[Command] = &[
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

pub(super) const BTF_COMMANDS: &[Command] = &[
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
