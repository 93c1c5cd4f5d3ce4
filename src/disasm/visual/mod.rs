//! Renderings of a program's control-flow graph ([`super::cfg::Cfg`]):
//! Graphviz DOT (tuned so that `dot` lays it out fast), SVG and PNG through
//! Graphviz's `dot` program, and a self-contained interactive HTML page.
//!
//! - [`dot`] writes the DOT text;
//! - [`graphviz`] runs `dot -Tsvg|-Tpng` over it;
//! - [`marks`] turns a verifier verdict into blocks and edges to highlight;
//! - [`html`] assembles the page (the SVG, the program as JSON, and the
//!   page's own script and style, kept next to it in page.js and page.css).
//!
//! Callers build the graph and, for a rejected program, a [`Verification`];
//! they never format anything themselves.
pub mod dot;
pub mod graphviz;
pub mod html;
pub mod marks;

use std::collections::BTreeSet;
use std::io::Write;

use serde::Serialize;

use super::cfg::Cfg;
use super::xlated::{DumpOpts, Xlated};

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

/// Renders `g` in `format` to `w`. DOT streams; the other formats are
/// made in memory first, so nothing is written when Graphviz fails.
pub fn render(w: &mut impl Write, format: VisualFormat, g: &Graph) -> Result<(), VisualError> {
    let marks = marks::Marks::new(g.cfg, g.verification);
    let dot_opts = dot::DotOpts {
        dump: g.opts,
        ids: format == VisualFormat::Html,
        marks: &marks,
        verification: g.verification,
    };
    match format {
        VisualFormat::Dot => dot::write_dot(w, g.x, g.cfg, &dot_opts)?,
        VisualFormat::Svg | VisualFormat::Png => {
            let mut text = Vec::new();
            dot::write_dot(&mut text, g.x, g.cfg, &dot_opts)?;
            let ty = if format == VisualFormat::Svg {
                "svg"
            } else {
                "png"
            };
            w.write_all(&graphviz::layout(&text, ty)?)?;
        }
        VisualFormat::Html => {
            let mut text = Vec::new();
            dot::write_dot(&mut text, g.x, g.cfg, &dot_opts)?;
            let svg = graphviz::layout(&text, "svg")?;
            html::write_page(w, g, &marks, &String::from_utf8_lossy(&svg))?;
        }
    }
    Ok(())
}

/// Renders `g` into the file at `path`; the file is written only once the
/// whole rendering succeeded.
pub fn render_file(
    path: &std::path::Path,
    format: VisualFormat,
    g: &Graph,
) -> Result<(), VisualError> {
    let mut buf = Vec::new();
    render(&mut buf, format, g)?;
    std::fs::write(path, buf).map_err(|err| VisualError::Write {
        path: crate::output::escape(&path.display().to_string()).into_owned(),
        err,
    })
}
