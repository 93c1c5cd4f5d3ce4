//! A tool root of a test's own (`BPFSCOPE_TOOL_ROOT` under /sys/fs/bpf),
//! shared by the tool test files.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use super::{BpffsDir, BPFSCOPE};

/// A tool root of our own.
pub struct Root {
    pub dir: BpffsDir,
}

impl Root {
    pub fn new() -> Self {
        Root {
            dir: BpffsDir::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.dir.path
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BPFSCOPE)
            .args(args)
            .env("BPFSCOPE_TOOL_ROOT", self.path())
            .output()
            .expect("run bpfscope")
    }

    /// Runs, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "bpfscope {args:?} failed ({:?}): {}{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["-j"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: bad JSON ({e}): {out}"))
    }

    /// `-j` output of an interval report: NDJSON, one value per line.
    pub fn ndjson(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["-j"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        out.lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{args:?}: bad NDJSON line ({e}): {l}"))
            })
            .collect()
    }

    /// Runs, asserts exit 255 and an `Error:` line; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(
            o.status.code(),
            Some(255),
            "bpfscope {args:?} should fail: {err}"
        );
        assert!(err.starts_with("Error: "), "{err}");
        err
    }

    pub fn entries(&self, rel: &str) -> Vec<String> {
        let mut v: Vec<String> = match std::fs::read_dir(self.path().join(rel)) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        v.sort();
        v
    }
}
