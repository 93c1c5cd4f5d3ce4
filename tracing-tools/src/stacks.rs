//! Stack samples of profile and offcputime: the BPF key both share, the
//! symbolized record a report carries, and its two text forms — bcc's
//! multi-line blocks and the folded lines flame graphs are drawn from.
//! Reading the stack map and symbolizing are bpfscope's (src/loader).

use serde::Serialize;

use crate::bytes::{cstr_at, i32_at, u32_at};

/// `struct stack_key`: pid@0 user_stack_id@4 kern_stack_id@8 name[16]@12.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StackKey {
    pub pid: u32,
    /// Negative: not collected (-1) or the kernel's error (-EFAULT, -EEXIST).
    pub user_stack_id: i32,
    pub kern_stack_id: i32,
    pub comm: String,
}

impl StackKey {
    pub fn decode(b: &[u8]) -> Option<StackKey> {
        Some(StackKey {
            pid: u32_at(b, 0)?,
            user_stack_id: i32_at(b, 4)?,
            kern_stack_id: i32_at(b, 8)?,
            comm: cstr_at(b, 12, 16)?,
        })
    }
}

/// One stack with its count, symbolized: frames innermost first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackSample {
    pub pid: u32,
    pub comm: String,
    /// Samples (profile) or microseconds off CPU (offcputime).
    pub count: u64,
    /// None: this side was not collected (-U/-K); Some(empty) never happens
    /// for a collected side: a failed walk is one "[Missed … Stack]" frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Vec<String>>,
}

/// Why a stack id is negative, as bcc prints it.
pub fn missed(kernel: bool) -> String {
    if kernel {
        "[Missed Kernel Stack]".into()
    } else {
        "[Missed User Stack]".into()
    }
}

/// bcc's block: kernel frames, `--` between kernel and user frames, user
/// frames, `-                comm (pid)`, then the count, then a blank line.
pub fn text_block(s: &StackSample) -> String {
    let mut out = String::new();
    if let Some(k) = &s.kernel {
        for f in k {
            out.push_str(&format!("    {f}\n"));
        }
    }
    if let Some(u) = &s.user {
        if s.kernel.as_ref().is_some_and(|k| !k.is_empty()) && !u.is_empty() {
            out.push_str("    --\n");
        }
        for f in u {
            out.push_str(&format!("    {f}\n"));
        }
    }
    out.push_str(&format!("    {:<16} {} ({})\n", "-", s.comm, s.pid));
    out.push_str(&format!("        {}\n\n", s.count));
    out
}

/// One folded line: `comm;user outermost…innermost;kernel outermost_[k]…
/// innermost_[k] count` (bcc's -f). `;` and spaces inside names would
/// split frames, so they become `_`.
pub fn folded_line(s: &StackSample) -> String {
    let clean = |f: &str| f.replace([';', ' ', '\n'], "_");
    let mut frames = vec![clean(&s.comm)];
    if let Some(u) = &s.user {
        frames.extend(u.iter().rev().map(|f| clean(f)));
    }
    if let Some(k) = &s.kernel {
        frames.extend(k.iter().rev().map(|f| format!("{}_[k]", clean(f))));
    }
    format!("{} {}", frames.join(";"), s.count)
}

/// Samples in report order: largest count last, as bcc prints them (the
/// hottest stack ends the output, right above the prompt).
pub fn sort_for_text(samples: &mut [StackSample]) {
    samples.sort_by(|a, b| {
        a.count
            .cmp(&b.count)
            .then(a.pid.cmp(&b.pid))
            .then(a.kernel.cmp(&b.kernel))
            .then(a.user.cmp(&b.user))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StackSample {
        StackSample {
            pid: 42,
            comm: "spin".into(),
            count: 7,
            kernel: Some(vec!["irq_exit".into(), "sysvec_apic_timer".into()]),
            user: Some(vec!["busy_loop".into(), "main".into()]),
        }
    }

    #[test]
    fn folded_and_text() {
        assert_eq!(
            folded_line(&sample()),
            "spin;main;busy_loop;sysvec_apic_timer_[k];irq_exit_[k] 7"
        );
        let t = text_block(&sample());
        assert!(t.starts_with("    irq_exit\n    sysvec_apic_timer\n    --\n    busy_loop\n"));
        assert!(t.ends_with("    -                spin (42)\n        7\n\n"));
    }

    #[test]
    fn key() {
        let mut b = vec![0u8; 28];
        b[..4].copy_from_slice(&9u32.to_ne_bytes());
        b[4..8].copy_from_slice(&(-14i32).to_ne_bytes());
        b[8..12].copy_from_slice(&3i32.to_ne_bytes());
        b[12..14].copy_from_slice(b"sh");
        let k = StackKey::decode(&b).unwrap();
        assert_eq!((k.pid, k.user_stack_id, k.kern_stack_id), (9, -14, 3));
        assert_eq!(k.comm, "sh");
    }
}
