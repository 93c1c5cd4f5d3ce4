//! The vocabulary of a diagnosis: the classes, the classifier's answer, and
//! what the classifiers read ([`Input`]). [`super::classify`] dispatches on
//! the message; [`super::memory`] and [`super::outside`] hold the classes of
//! memory accesses and of failures outside the walk; all three use these
//! types and none uses another's.

use serde::Serialize;

use super::msg::{call_name, log_insn_text};
use super::objinfo::ObjInfo;
use super::parse::{ParsedLog, RegState};
use super::provenance::{self, Step};

/// What went wrong, as a stable JSON key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// A pointer that may be NULL (map lookup, socket lookup, …) used unchecked.
    NullCheck,
    /// Access outside a stack frame, map value, packet, context or memory region.
    OutOfBounds,
    /// The verifier gave up: 1M instructions, 8193 pending jumps, an unbounded loop.
    TooComplex,
    /// An acquired reference (ring buffer reservation, socket, kptr) not released.
    UnreleasedReference,
    /// A register or stack slot read before being written.
    Uninitialized,
    /// A helper or kfunc the program type may not call.
    HelperNotAllowed,
    /// A GPL-only helper in a program whose license is not GPL-compatible.
    GplOnly,
    /// R0 at exit outside the range the program type allows.
    BadReturn,
    /// The frames of a call chain need more than 512 bytes of stack.
    StackTooLarge,
    /// A CO-RE relocation libbpf could not resolve (the 0xbad2310 poison call).
    CoreRelocation,
    /// A kfunc this kernel does not have.
    UnknownKfunc,
    /// A map the program uses was not created.
    MapNotCreated,
    /// The context pointer moved, or indexed by a variable, before a load.
    CtxPointer,
    /// A context field this program type may not read (or write, or read at that size).
    CtxField,
    /// A helper call or an exit while a bpf_spin_lock is held.
    CallUnderLock,
    /// A stack access whose offset is variable and may leave the frame.
    StackVariableOffset,
    /// A plain number (scalar) dereferenced as a pointer.
    ScalarDeref,
    /// A packet pointer with a variable offset used without its own check.
    PacketVariableOffset,
    /// A packet pointer used after a helper that may move the packet.
    PacketInvalidated,
    /// A helper's size argument unbounded or maybe negative.
    UnboundedSize,
    /// A helper argument of the wrong type (or a map of the wrong type).
    HelperArgument,
    /// libbpf could not create a map: the program never reached the verifier.
    LibbpfMap,
    /// libbpf stopped on BTF (kernel BTF, externs, the object's BTF).
    LibbpfBtf,
    /// Accepted with the loader's privileges, rejected with CAP_BPF alone.
    Privilege,
    /// A message bpfscope does not know.
    Other,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::NullCheck => "null_check",
            Class::OutOfBounds => "out_of_bounds",
            Class::TooComplex => "too_complex",
            Class::UnreleasedReference => "unreleased_reference",
            Class::Uninitialized => "uninitialized",
            Class::HelperNotAllowed => "helper_not_allowed",
            Class::GplOnly => "gpl_only",
            Class::BadReturn => "bad_return",
            Class::StackTooLarge => "stack_too_large",
            Class::CoreRelocation => "core_relocation",
            Class::UnknownKfunc => "unknown_kfunc",
            Class::MapNotCreated => "map_not_created",
            Class::CtxPointer => "ctx_pointer",
            Class::CtxField => "ctx_field",
            Class::CallUnderLock => "call_under_lock",
            Class::StackVariableOffset => "stack_variable_offset",
            Class::ScalarDeref => "scalar_deref",
            Class::PacketVariableOffset => "packet_variable_offset",
            Class::PacketInvalidated => "packet_invalidated",
            Class::UnboundedSize => "unbounded_size",
            Class::HelperArgument => "helper_argument",
            Class::LibbpfMap => "libbpf_map",
            Class::LibbpfBtf => "libbpf_btf",
            Class::Privilege => "privilege",
            Class::Other => "other",
        }
    }

    /// A short title for the summary (`Other` gets one naming the instruction).
    pub fn title(self) -> &'static str {
        match self {
            Class::NullCheck => "pointer used without a NULL check",
            Class::OutOfBounds => "access out of bounds",
            Class::TooComplex => "program too complex for the verifier",
            Class::UnreleasedReference => "reference not released",
            Class::Uninitialized => "read of uninitialised data",
            Class::HelperNotAllowed => "helper or kfunc not allowed here",
            Class::GplOnly => "GPL-only helper in a non-GPL program",
            Class::BadReturn => "wrong return value",
            Class::StackTooLarge => "stack over 512 bytes",
            Class::CoreRelocation => "CO-RE relocation failed",
            Class::UnknownKfunc => "unknown kfunc",
            Class::MapNotCreated => "map not created",
            Class::CtxPointer => "context pointer moved before a load",
            Class::CtxField => "context field not accessible",
            Class::CallUnderLock => "call or exit while holding a spin lock",
            Class::StackVariableOffset => "stack access at a variable offset",
            Class::ScalarDeref => "number dereferenced as a pointer",
            Class::PacketVariableOffset => "packet access at an unchecked variable offset",
            Class::PacketInvalidated => "packet pointer used after the packet may have moved",
            Class::UnboundedSize => "helper size not bounded",
            Class::HelperArgument => "wrong helper argument",
            Class::LibbpfMap => "libbpf could not create a map",
            Class::LibbpfBtf => "libbpf failed on BTF",
            Class::Privilege => "accepted only with more privilege",
            Class::Other => "rejected",
        }
    }
}

/// An instruction other than the failing one that the explanation points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub insn: usize,
    /// What it is: `reference acquired here`, `checked 11115 times`, …
    pub what: String,
}

/// The classifier's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub class: Class,
    /// Which region / reference / helper, when the class has kinds
    /// (`packet`, `map_value`, `ring buffer`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub cause: String,
    pub hint: String,
    /// A title other than the class's (the neutral one of `Other`).
    #[serde(skip)]
    pub title: Option<String>,
    /// The failing instruction when the message itself does not come at it
    /// (stack size: the call that goes over the limit).
    #[serde(skip)]
    pub insn_override: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnosis {
    pub(super) fn new(class: Class, cause: String, hint: String) -> Self {
        Diagnosis {
            class,
            detail: None,
            cause,
            hint,
            title: None,
            insn_override: None,
            related: Vec::new(),
        }
    }
    pub(super) fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    pub(super) fn related(mut self, insn: usize, what: impl Into<String>) -> Self {
        self.related.push(Related {
            insn,
            what: what.into(),
        });
        self
    }
}

/// What the classifier reads: the message, the log, the object, the state
/// before the failing instruction and the failing path.
pub struct Input<'p, 'a> {
    /// The error's lines, joined with newlines.
    pub msg: &'p str,
    pub parsed: &'p ParsedLog<'a>,
    pub info: &'p ObjInfo,
    pub state: &'p RegState,
    /// The failing path as indexes into the log's instruction lines.
    pub path: &'p [usize],
    /// The message came from libbpf, not from the verifier.
    pub from_libbpf: bool,
}

impl Input<'_, '_> {
    pub fn has(&self, s: &str) -> bool {
        self.msg.contains(s)
    }
    pub fn failing(&self) -> Option<usize> {
        self.parsed.error.as_ref().and_then(|e| e.insn)
    }
    /// The log's text of the failing instruction.
    pub fn failing_text(&self) -> Option<&str> {
        self.failing().and_then(|i| log_insn_text(self.parsed, i))
    }
    /// The helper the failing instruction calls.
    pub fn failing_call(&self) -> Option<&str> {
        self.failing_text().and_then(call_name)
    }
    /// The source line of an instruction: line info, else the log's
    /// comment; only a line the log itself names (a cause prints no number
    /// the log does not have).
    pub fn line_of(&self, insn: usize) -> Option<u32> {
        if let Some(l) = self.info.line_for(insn) {
            let shown = self.parsed.sources.iter().any(|(_, s)| s.line == l.line);
            return shown.then_some(l.line);
        }
        let at = self.parsed.insns.iter().rposition(|i| i.idx == insn)?;
        self.parsed
            .source_before(at)
            .map(|s| s.line)
            .filter(|l| *l > 0)
    }
    /// The source text of an instruction's line (line info, else the log's comment).
    pub fn source_text(&self, insn: usize) -> Option<String> {
        if let Some(l) = self.info.line_for(insn) {
            return Some(l.text.clone());
        }
        let at = self.parsed.insns.iter().rposition(|i| i.idx == insn)?;
        self.parsed.source_before(at).map(|s| s.text.to_string())
    }
    /// The C text of argument `k` (1-based) of the failing call, casts
    /// stripped, when the source line shows the call.
    pub fn call_arg(&self, k: usize) -> Option<String> {
        let call = self.failing_call()?;
        let text = self.source_text(self.failing()?)?;
        let args = super::msg::call_args(&text, call)?;
        let a = args.get(k.checked_sub(1)?)?;
        Some(super::msg::strip_casts(a).to_string())
    }
    /// `insn 7 (line 12)` or `insn 7`.
    pub fn at(&self, insn: usize) -> String {
        match self.line_of(insn) {
            Some(l) => format!("insn {insn} (line {l})"),
            None => format!("insn {insn}"),
        }
    }
    /// Where `reg` got its value, tracing back from the failing instruction.
    pub fn trace(&self, reg: &str) -> Vec<Step> {
        provenance::trace(
            self.parsed,
            self.path,
            self.path.len().saturating_sub(1),
            reg,
        )
    }
    /// The last lock taken on the failing path before position `end`
    /// (bpf_spin_lock, bpf_res_spin_lock and their irqsave forms): its
    /// position in the path.
    pub fn last_lock_before(&self, end: usize) -> Option<usize> {
        self.path[..end.min(self.path.len())]
            .iter()
            .rposition(|&l| {
                call_name(self.parsed.insns[l].text)
                    .is_some_and(|n| n.contains("spin_lock") && !n.contains("unlock"))
            })
    }
}
