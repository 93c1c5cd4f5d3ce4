//! libbpf's output, captured: while a load runs, every libbpf message is
//! kept (and echoed to stderr with -d), so a failed load can show the
//! verifier log — the lines between libbpf's BEGIN/END PROG LOAD LOG marks —
//! or libbpf's last complaint. The one libbpf print callback of bpfscope:
//! libbpf takes a plain function, so the lines go through one global
//! buffer, and the callback that was set before is put back afterwards.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use libbpf_rs::PrintLevel;

static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static ECHO: AtomicBool = AtomicBool::new(false);
/// Captures in progress (one inside another shares the buffer).
static DEPTH: AtomicUsize = AtomicUsize::new(0);

fn capture(level: PrintLevel, msg: String) {
    let _ = level;
    if ECHO.load(Ordering::Relaxed) {
        eprint!("{msg}");
    }
    if let Ok(mut lines) = CAPTURED.lock() {
        lines.extend(msg.lines().map(str::to_string));
    }
}

/// Echo libbpf's messages to stderr (the global -d option).
pub fn set_debug(on: bool) {
    ECHO.store(on, Ordering::Relaxed);
}

fn take_captured() -> Vec<String> {
    CAPTURED
        .lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default()
}

/// Captures libbpf's messages while `f` runs; returns its result and the
/// lines. The previous print callback is restored afterwards; a capture
/// inside another one leaves the outer one all the lines too.
pub fn with_capture<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let outer = take_captured();
    let nested = DEPTH.fetch_add(1, Ordering::SeqCst) > 0;
    let previous = libbpf_rs::set_print(Some((PrintLevel::Debug, capture)));
    let out = f();
    libbpf_rs::set_print(previous);
    DEPTH.fetch_sub(1, Ordering::SeqCst);
    let lines = take_captured();
    if nested {
        if let Ok(mut buf) = CAPTURED.lock() {
            *buf = outer;
            buf.extend(lines.iter().cloned());
        }
    }
    (out, lines)
}

/// The program libbpf names in `prog 'NAME': failed to load`.
pub fn failed_prog(lines: &[String]) -> Option<String> {
    lines.iter().find_map(|l| {
        let rest = l.split("prog '").nth(1)?;
        let (name, tail) = rest.split_once('\'')?;
        tail.contains("failed to load").then(|| name.to_string())
    })
}

/// libbpf's last complaint in `lines`, without its `libbpf: ` prefix.
pub fn last_error(lines: &[String]) -> Option<String> {
    lines
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("libbpf: "))
        .map(|l| l.trim_end().to_string())
}

/// The verifier log in `lines` (between libbpf's marks), its last `n` lines.
pub fn verifier_tail(lines: &[String], n: usize) -> Vec<String> {
    let start = lines
        .iter()
        .rposition(|l| l.contains("-- BEGIN PROG LOAD LOG --"));
    let Some(start) = start else {
        // No verifier log: keep libbpf's own error lines.
        let own: Vec<String> = lines
            .iter()
            .filter(|l| l.starts_with("libbpf:"))
            .cloned()
            .collect();
        return own[own.len().saturating_sub(n)..].to_vec();
    };
    let end = lines[start..]
        .iter()
        .position(|l| l.contains("-- END PROG LOAD LOG --"))
        .map(|p| start + p)
        .unwrap_or(lines.len());
    let log = &lines[start + 1..end];
    log[log.len().saturating_sub(n)..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(msg: &str) {
        // libbpf prints through the callback; call it the same way.
        if let Some((_, cb)) = libbpf_rs::set_print(None) {
            libbpf_rs::set_print(Some((PrintLevel::Debug, cb)));
            cb(PrintLevel::Warn, msg.to_string());
        }
    }

    fn marker(_: PrintLevel, _: String) {}

    #[test]
    fn capture_restores_the_callback_and_nests() {
        let before = libbpf_rs::set_print(Some((PrintLevel::Info, marker)));
        let ((_, inner), outer) = with_capture(|| {
            say("libbpf: a\n");
            let r = with_capture(|| say("libbpf: b\n"));
            say("libbpf: c\n");
            r
        });
        // Other tests may make libbpf talk meanwhile: look at our lines only.
        let ours = |v: &[String]| -> Vec<String> {
            v.iter()
                .filter(|l| ["libbpf: a", "libbpf: b", "libbpf: c"].contains(&l.as_str()))
                .cloned()
                .collect()
        };
        assert_eq!(ours(&inner), ["libbpf: b"]);
        assert_eq!(ours(&outer), ["libbpf: a", "libbpf: b", "libbpf: c"]);
        let now = libbpf_rs::set_print(before).expect("a callback is set");
        assert_eq!(now.0, PrintLevel::Info, "the previous callback is back");
    }

    #[test]
    fn extracts_log_tail() {
        let lines: Vec<String> = [
            "libbpf: prog 'x': BPF program load failed: Permission denied",
            "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --",
            "0: (b7) r0 = 0",
            "1: (95) exit",
            "R0 !read_ok",
            "-- END PROG LOAD LOG --",
            "libbpf: prog 'x': failed to load: -13",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            verifier_tail(&lines, 2),
            vec!["1: (95) exit", "R0 !read_ok"]
        );
        assert_eq!(failed_prog(&lines).as_deref(), Some("x"));
        assert_eq!(
            last_error(&lines).as_deref(),
            Some("prog 'x': failed to load: -13")
        );
    }
}
