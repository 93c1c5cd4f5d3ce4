//! What operators run: the bundled tools, the Prometheus endpoint and `top`.
use crate::cli::grammar::{Node, Node::*, Value};

use super::common::*;

const TOOL: Node = Val("tool", "NAME", Value::Tool);
const TOOL_ARGS: Node = Seq(&[TOOL, Rest("args", "ARGS")]);

pub(super) const TOOL_COMMANDS: &[Command] = &[
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

// -- serve, top ------------------------------------------------------------------

pub(super) const SERVE_COMMANDS: &[Command] = &[cmd(
    "start",
    "Serve Prometheus metrics (text 0.0.4, or OpenMetrics 1.0 by Accept header) on 127.0.0.1:9464 until SIGTERM; read-only",
    Any(&[
        Flag("--listen", Some(("ADDR:PORT", Value::Text))),
        Flag("--stats", None),
        Flag("--tool-root", Some(("DIR", Value::Path))),
        Flag("--map-entries", None),
        Flag("--max-series", Some(("N", Value::Text))),
    ]),
    CmdId::Serve,
)];

pub(super) const TOP_COMMANDS: &[Command] = &[cmd(
    "show",
    "Programs by CPU use, live (keys: s sort, / filter, p pause, q quit); -b: batch text, or JSON with -j",
    Any(&[
        Flag("-b", None),
        Flag("-n", Some(("N", Value::Text))),
        Flag("-d", Some(("SECS", Value::Text))),
    ]),
    CmdId::Top,
)];
