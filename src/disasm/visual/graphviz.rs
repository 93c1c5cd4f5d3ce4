//! Layout and rendering through Graphviz's `dot` program (the one users
//! already pipe `visual` into; graphviz-rust's `exec` runs the same binary
//! through temporary files, so it is used only to parse DOT in tests).
use std::io::{Read, Write};
use std::process::{Command, Stdio};

use super::graph::VisualError;

/// Runs `dot -T<ty>` over `dot_text` and returns what it printed. Input
/// is fed from a thread so that a large graph cannot deadlock the pipes.
pub fn layout(dot_text: &[u8], ty: &str) -> Result<Vec<u8>, VisualError> {
    let mut child = Command::new("dot")
        .arg(format!("-T{ty}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => VisualError::GraphvizMissing,
            _ => VisualError::GraphvizSpawn(e),
        })?;
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let (out, err) = std::thread::scope(|s| {
        s.spawn(move || {
            if let Some(i) = stdin.as_mut() {
                // A failing `dot` closes its input early: its status says why.
                let _ = i.write_all(dot_text);
            }
        });
        let err = s.spawn(move || {
            let mut e = Vec::new();
            if let Some(r) = stderr.as_mut() {
                let _ = r.read_to_end(&mut e);
            }
            e
        });
        let mut out = Vec::new();
        let read = stdout.as_mut().map(|r| r.read_to_end(&mut out));
        (read.map(|_| out), err.join().unwrap_or_default())
    });
    let status = child.wait().map_err(VisualError::GraphvizSpawn)?;
    let err = String::from_utf8_lossy(&err);
    let first = err.lines().next().unwrap_or("").trim().to_string();
    if !status.success() {
        let why = if first.is_empty() {
            status.to_string()
        } else {
            first
        };
        return Err(VisualError::GraphvizFailed(
            crate::text::escape(&why).into_owned(),
        ));
    }
    match out {
        Some(v) => Ok(v),
        None => Err(VisualError::GraphvizFailed("no output".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn have_dot() -> bool {
        Command::new("dot").arg("-V").output().is_ok()
    }

    #[test]
    fn renders_and_reports_errors() {
        if !have_dot() {
            eprintln!("NOTE: graphviz (dot) is not installed: skipped (make deps installs it)");
            return;
        }
        let svg = layout(b"digraph g { a -> b }", "svg").unwrap();
        assert!(String::from_utf8_lossy(&svg).contains("<svg"));
        let png = layout(b"digraph g { a -> b }", "png").unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let e = layout(b"digraph g { a -> ", "svg").unwrap_err();
        assert!(matches!(e, VisualError::GraphvizFailed(_)), "{e}");
    }
}
