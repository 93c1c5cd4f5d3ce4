//! Records of `prog verify`: one per program (veristat's columns and the
//! report of a rejection), and the side-by-side of `--compare`.

use serde::Serialize;

use super::load::Verdict;
use super::privilege::{Outcome, KEPT};
use super::report::{analyze, Privilege, Report};

/// One verified program.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyRecord {
    pub file: String,
    pub name: String,
    pub section: String,
    #[serde(rename = "type")]
    pub prog_type: String,
    /// `success` or `failure`, as veristat says.
    pub verdict: &'static str,
    /// errno of the rejected load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errno: Option<i32>,
    /// `bpf_prog_info.verified_insns` (accepted programs).
    pub verified_insns: Option<u32>,
    pub processed_insns: Option<u64>,
    pub total_states: Option<u64>,
    pub peak_states: Option<u64>,
    pub max_states_per_insn: Option<u64>,
    /// Sum of the subprograms' stack depths (veristat), and each of them.
    pub stack_depth: Option<u32>,
    pub stack_depths: Vec<u32>,
    pub verification_time_usec: Option<u64>,
    pub log_level: u32,
    /// Bytes of verifier log, and whether only its end was kept.
    pub log_bytes: usize,
    pub log_truncated: bool,
    /// The analysis of a rejection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    /// The verdict with CAP_BPF alone (`--as-unprivileged`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privilege: Option<Privilege>,
}

impl VerifyRecord {
    pub fn new(file: &str, v: &Verdict) -> Self {
        let mut report = analyze(&v.log, &v.info);
        report.log_truncated = v.log_truncated;
        let st = report.stats.clone();
        VerifyRecord {
            file: file.to_string(),
            name: v.name.clone(),
            section: v.section.clone(),
            prog_type: v.prog_type.clone(),
            verdict: if v.accepted { "success" } else { "failure" },
            errno: (!v.accepted).then_some(v.errno),
            verified_insns: v.verified_insns,
            processed_insns: st.processed_insns,
            total_states: st.total_states,
            peak_states: st.peak_states,
            max_states_per_insn: st.max_states_per_insn,
            stack_depth: st.stack_depth(),
            stack_depths: st.stack_depths.clone(),
            verification_time_usec: st.verification_time_usec,
            log_level: v.log_level,
            log_bytes: v.log.len(),
            log_truncated: v.log_truncated,
            report: (!v.accepted).then_some(report),
            privilege: None,
        }
    }

    /// Adds the verdict of the verification with CAP_BPF alone.
    pub fn with_privilege(mut self, v: &Verdict, o: &Outcome) -> Self {
        self.privilege = Some(privilege_of(v, o));
        self
    }

    pub fn accepted(&self) -> bool {
        self.verdict == "success"
    }
}

/// The records of an object's verdicts; with `unprivileged`, each program
/// is verified again with CAP_BPF alone (in a child process).
pub fn records(
    file: &str,
    path: &std::path::Path,
    verdicts: &[Verdict],
    unprivileged: bool,
) -> Vec<VerifyRecord> {
    verdicts
        .iter()
        .map(|v| {
            let r = VerifyRecord::new(file, v);
            if unprivileged {
                let o = super::privilege::verify_with_cap_bpf(path, &v.name);
                r.with_privilege(v, &o)
            } else {
                r
            }
        })
        .collect()
}

/// The second verdict, analysed against what the object says.
pub fn privilege_of(v: &Verdict, o: &Outcome) -> Privilege {
    let mut p = Privilege {
        capabilities: KEPT.to_string(),
        accepted: false,
        errno: None,
        message: None,
        needs_more: false,
        why: None,
        class: None,
        cause: None,
        insn: None,
        source: None,
    };
    match o {
        Outcome::Accepted => p.accepted = true,
        Outcome::Rejected { errno, log, libbpf } => {
            let mut info = v.info.clone();
            info.libbpf_messages = libbpf.clone();
            let r = analyze(log, &info);
            p.errno = Some(*errno);
            p.needs_more = v.accepted;
            p.message = Some(r.message.clone());
            p.class = Some(r.class);
            p.cause = Some(r.cause.clone());
            p.insn = r.insn;
            p.source = r.source.clone();
            p.why = p.needs_more.then(|| why_stricter(&r.message).to_string());
        }
        Outcome::Refused(why) if why.contains("Operation not permitted") => {
            p.needs_more = v.accepted;
            p.errno = Some(libc::EPERM);
            p.message = Some("the kernel refused the load (EPERM) before verifying".into());
            p.why = p.needs_more.then(|| format!("the kernel would not load the program at all with {KEPT} alone: tracing program types need CAP_PERFMON, and some maps and attach types CAP_SYS_ADMIN"));
        }
        Outcome::Refused(why) => p.message = Some(why.clone()),
    }
    p
}

/// What the dropped capabilities allow that the message shows missing
/// (the verifier's allow_uninit_stack, allow_ptr_leaks, bypass_spec_v1).
fn why_stricter(message: &str) -> &'static str {
    if message.contains("read from stack") {
        "with CAP_PERFMON the verifier lets a program read stack bytes it never wrote (padding between fields included); with CAP_BPF alone every byte read must be written first"
    } else if message.contains("pointer") || message.contains("leaks addr") {
        "with CAP_PERFMON the verifier allows pointer arithmetic and values that could leak kernel addresses; with CAP_BPF alone it does not"
    } else {
        "without CAP_PERFMON the verifier applies stricter checks (no pointer leaks, no uninitialised stack, Spectre mitigations)"
    }
}

/// Differences B − A of the numeric columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub processed_insns: Option<i64>,
    pub total_states: Option<i64>,
    pub peak_states: Option<i64>,
    pub stack_depth: Option<i64>,
    pub verification_time_usec: Option<i64>,
}

/// One program in both objects (or only one of them).
#[derive(Debug, Clone, Serialize)]
pub struct CompareRecord {
    pub name: String,
    pub a: Option<VerifyRecord>,
    pub b: Option<VerifyRecord>,
    pub verdict_changed: bool,
    pub diff: Diff,
}

fn d<T: Into<i64> + Copy>(a: Option<T>, b: Option<T>) -> Option<i64> {
    Some(b?.into() - a?.into())
}

fn d64(a: Option<u64>, b: Option<u64>) -> Option<i64> {
    Some(b? as i64 - a? as i64)
}

impl CompareRecord {
    pub fn new(name: String, a: Option<VerifyRecord>, b: Option<VerifyRecord>) -> Self {
        let get =
            |r: &Option<VerifyRecord>, f: fn(&VerifyRecord) -> Option<u64>| r.as_ref().and_then(f);
        let diff = Diff {
            processed_insns: d64(
                get(&a, |r| r.processed_insns),
                get(&b, |r| r.processed_insns),
            ),
            total_states: d64(get(&a, |r| r.total_states), get(&b, |r| r.total_states)),
            peak_states: d64(get(&a, |r| r.peak_states), get(&b, |r| r.peak_states)),
            stack_depth: d(
                a.as_ref().and_then(|r| r.stack_depth),
                b.as_ref().and_then(|r| r.stack_depth),
            ),
            verification_time_usec: d64(
                get(&a, |r| r.verification_time_usec),
                get(&b, |r| r.verification_time_usec),
            ),
        };
        let verdict_changed = match (&a, &b) {
            (Some(x), Some(y)) => x.verdict != y.verdict,
            _ => true,
        };
        CompareRecord {
            name,
            a,
            b,
            verdict_changed,
            diff,
        }
    }
}

/// `--compare` as one JSON value.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub programs: Vec<CompareRecord>,
}
