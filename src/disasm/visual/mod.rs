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
mod graph;
pub mod graphviz;
pub mod html;
pub mod marks;

use std::io::Write;

pub use graph::{Graph, PathStep, Verification, VisualError, VisualFormat};

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
        path: crate::text::escape(&path.display().to_string()).into_owned(),
        err,
    })
}
