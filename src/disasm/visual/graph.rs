//! What the renderers take and give: the graph with what describes it, a
//! verifier verdict to mark on it, the formats, and the errors.
use std::collections::BTreeSet;

use serde::Serialize;

use crate::disasm::cfg::Cfg;
use crate::disasm::xlated::{DumpOpts, Xlated};

/// What `visual` produces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VisualFormat {
    #[default]
    Dot,
    Svg,
    Png,
    Html,
}

impl VisualFormat {
    pub const NAMES: &'static str = "dot, svg, png or html";
}

impl std::str::FromStr for VisualFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "dot" => Ok(Self::Dot),
            "svg" => Ok(Self::Svg),
            "png" => Ok(Self::Png),
            "html" => Ok(Self::Html),
            _ => Err(format!(
                "unknown visual format '{s}' (expected {})",
                Self::NAMES
            )),
        }
    }
}

/// What went wrong while rendering.
#[derive(Debug, thiserror::Error)]
pub enum VisualError {
    #[error(
        "Graphviz is not installed: the 'dot' program was not found (apt-get install graphviz)"
    )]
    GraphvizMissing,
    #[error("can't run Graphviz 'dot': {0}")]
    GraphvizSpawn(std::io::Error),
    #[error("Graphviz 'dot' failed: {0}")]
    GraphvizFailed(String),
    #[error("can't write '{path}': {err}")]
    Write { path: String, err: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// One instruction of the verifier's path to the error, with the state
/// the verifier had just before it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PathStep {
    pub insn: usize,
    /// Registers and stack before the instruction (`R1=ctx() R10=fp0 …`).
    pub state: String,
    /// What the instruction changed, as the log printed it (`R0=scalar()`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
}

/// What the verifier said about the program, to show on the graph.
#[derive(Clone, Debug, Default)]
pub struct Verification {
    pub accepted: bool,
    /// The instruction where it stopped.
    pub failing_insn: Option<usize>,
    /// Our summary (`Missing NULL check`) and the kernel's message lines.
    pub title: String,
    pub message: Vec<String>,
    /// Instruction indexes from the entry to the failing one.
    pub path: Vec<usize>,
    /// The path's last steps with their states (a level-2 log has them).
    pub steps: Vec<PathStep>,
    /// Path steps left out before `steps` (a long path is cut).
    pub steps_omitted: usize,
    /// Every instruction the log shows checked.
    pub walked: BTreeSet<usize>,
}

/// A graph to render and what describes it.
pub struct Graph<'a> {
    pub x: &'a Xlated<'a>,
    pub cfg: &'a Cfg,
    pub opts: DumpOpts,
    /// The page title: which program this is.
    pub title: &'a str,
    pub verification: Option<&'a Verification>,
}
