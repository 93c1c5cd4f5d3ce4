//! libbpf's output, captured: while a load runs, every libbpf message is
//! kept (and echoed to stderr with -d), so a failed load can show the
//! verifier log — the lines between libbpf's BEGIN/END PROG LOAD LOG marks —
//! or libbpf's last complaint. The one libbpf print callback of bpfscope:
//! libbpf takes a plain function, so the lines go through one global
//! buffer, and the callback that was set before is put back afterwards.

use std::os::raw::{c_char, c_int};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static ECHO: AtomicBool = AtomicBool::new(false);
/// Captures in progress (one inside another shares the buffer).
static DEPTH: AtomicUsize = AtomicUsize::new(0);

extern "C" {
    // The va_list type is the one libbpf-sys's callback hands us.
    fn vsnprintf(
        buf: *mut c_char,
        size: libc::size_t,
        fmt: *const c_char,
        ap: *mut libbpf_sys::__va_list_tag,
    ) -> c_int;
}

/// libbpf's print callback. It formats the message itself and converts it
/// lossily: libbpf quotes names out of the ELF file, which need not be
/// UTF-8 (libbpf-rs's own callback panics on those, across the FFI).
unsafe extern "C" fn print_cb(
    _level: libbpf_sys::libbpf_print_level,
    fmt: *const c_char,
    ap: *mut libbpf_sys::__va_list_tag,
) -> c_int {
    let mut buf = [0u8; 4096];
    // SAFETY: buf is writable for its length; fmt/ap come straight from
    // libbpf's call. Longer messages are cut, which is fine for a log.
    let n = unsafe { vsnprintf(buf.as_mut_ptr().cast(), buf.len(), fmt, ap) };
    if n > 0 {
        let len = (n as usize).min(buf.len() - 1);
        capture(String::from_utf8_lossy(&buf[..len]).into_owned());
    }
    n
}

fn capture(msg: String) {
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
    // SAFETY: print_cb has libbpf's callback signature and stays valid for
    // the program's life; the previous callback is put back afterwards.
    let previous = unsafe { libbpf_sys::libbpf_set_print(Some(print_cb)) };
    let out = f();
    // SAFETY: as above; `previous` is what libbpf had (or NULL).
    unsafe { libbpf_sys::libbpf_set_print(previous) };
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

    unsafe extern "C" fn marker(
        _: libbpf_sys::libbpf_print_level,
        _: *const c_char,
        _: *mut libbpf_sys::__va_list_tag,
    ) -> c_int {
        0
    }

    #[test]
    fn capture_restores_the_callback_and_nests() {
        // SAFETY: marker has libbpf's callback signature.
        let before = unsafe { libbpf_sys::libbpf_set_print(Some(marker)) };
        let ((_, inner), outer) = with_capture(|| {
            capture("libbpf: a\n".into());
            let r = with_capture(|| capture("libbpf: b\n".into()));
            capture("libbpf: c\n".into());
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
        // SAFETY: putting back what was there before the test.
        let now = unsafe { libbpf_sys::libbpf_set_print(before) };
        assert!(
            now.is_some_and(|f| f as usize == marker as *const () as usize),
            "the previous callback is back"
        );
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
