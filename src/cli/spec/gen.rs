//! `gen`: object, skeleton, subskeleton, min_core_btf.
use crate::cli::grammar::{Node, Node::*, Value};

use super::common::*;

// -- gen ---------------------------------------------------------------------

const GEN_NAME: Node = Seq(&[Kw("name"), Val("name", "OBJECT_NAME", Value::Text)]);
const GEN_INPUTS: Node = Many("inputs", &Val("input", "INPUT_FILE", Value::Path));
const GEN_OBJECTS: Node = Many("inputs", &Val("input", "OBJECT", Value::Path));

pub(super) const GEN_COMMANDS: &[Command] = &[
    cmd(
        "object",
        "Link BPF objects statically into OUTPUT_FILE (libbpf's linker)",
        Seq(&[
            Val("output", "OUTPUT_FILE", Value::Path),
            Val("input", "INPUT_FILE", Value::Path),
            GEN_INPUTS,
        ]),
        CmdId::GenObject,
    ),
    cmd(
        "skeleton",
        "Print the C skeleton header of an object (--rust: libbpf-rs's Rust skeleton)",
        Seq(&[
            Opt(&Flag("--rust", None)),
            Val("object", "FILE", Value::Path),
            Opt(&GEN_NAME),
        ]),
        CmdId::GenSkeleton,
    ),
    cmd(
        "subskeleton",
        "Print the C subskeleton header of a library object",
        Seq(&[Val("object", "FILE", Value::Path), Opt(&GEN_NAME)]),
        CmdId::GenSubskeleton,
    ),
    cmd(
        "min_core_btf",
        "Write the minimal BTF of INPUT that the objects' CO-RE relocations need",
        Seq(&[
            Val("btf_input", "INPUT", Value::Path),
            Val("btf_output", "OUTPUT", Value::Path),
            Val("input", "OBJECT", Value::Path),
            GEN_OBJECTS,
        ]),
        CmdId::GenMinCoreBtf,
    ),
];
