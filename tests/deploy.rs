//! deploy/: the Kubernetes manifests validate against Kubernetes' schemas
//! (kubernetes-validate, offline), the ServiceMonitor points at the
//! Service's port, the Dockerfile passes hadolint, and the dashboard and
//! alerting rules use only metrics that `serve` exports (names checked
//! against the exporter's source of names, `src/metrics`).
use std::path::{Path, PathBuf};
use std::process::Command;

fn deploy(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy").join(p)
}

fn have(bin: &str) -> bool {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {bin}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "{bin} is missing under CI (make deps installs it)"
        );
        eprintln!("NOTE: {bin} is not installed: check not run (make deps installs it)");
    }
    ok
}

fn ok(cmd: &mut Command, what: &str) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{what} failed: {text}");
    text
}

#[test]
fn manifests_validate_offline() {
    if !have("kubernetes-validate") {
        return;
    }
    let out = ok(
        Command::new("kubernetes-validate")
            .arg("--strict")
            .arg(deploy("kubernetes/daemonset.yaml")),
        "kubernetes-validate",
    );
    for kind in ["daemonset/bpfscope", "service/bpfscope", "networkpolicy/"] {
        assert!(
            out.contains(&format!("passed for resource {kind}")),
            "{out}"
        );
    }
}

#[test]
fn servicemonitor_selects_the_service_port() {
    // A CRD: kubernetes-validate has no schema for it. Check what matters:
    // it selects the Service's labels and names the Service's port.
    let script = r#"
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
svc = [d for d in docs if d and d["kind"] == "Service"][0]
sm = yaml.safe_load(open(sys.argv[2]))
assert sm["apiVersion"] == "monitoring.coreos.com/v1" and sm["kind"] == "ServiceMonitor"
assert sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
ports = {p["name"] for p in svc["spec"]["ports"]}
for e in sm["spec"]["endpoints"]:
    assert e["port"] in ports, e
assert svc["metadata"]["namespace"] in sm["spec"]["namespaceSelector"]["matchNames"]
ds = [d for d in docs if d and d["kind"] == "DaemonSet"][0]
assert ds["spec"]["template"]["spec"]["hostPID"] is True
for c in ds["spec"]["template"]["spec"]["containers"]:
    caps = c["securityContext"]["capabilities"]
    assert caps["drop"] == ["ALL"] and set(caps["add"]) == {"SYS_ADMIN", "BPF", "PERFMON", "SYS_RESOURCE"}
    assert "0.0.0.0:9464" in c["args"]
print("ok")
"#;
    if Command::new("python3")
        .args(["-c", "import yaml"])
        .status()
        .map_or(true, |s| !s.success())
    {
        assert!(std::env::var("CI").is_err(), "PyYAML is missing under CI");
        eprintln!("NOTE: PyYAML missing: ServiceMonitor check not run");
        return;
    }
    ok(
        Command::new("python3")
            .args(["-c", script])
            .arg(deploy("kubernetes/daemonset.yaml"))
            .arg(deploy("kubernetes/servicemonitor.yaml")),
        "ServiceMonitor check",
    );
}

#[test]
fn dockerfile_lints() {
    if !have("hadolint") {
        return;
    }
    ok(
        Command::new("hadolint").arg(deploy("Dockerfile")),
        "hadolint",
    );
}

/// Metric names (`bpfscope_…`) used by a file.
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = text[i..].find("bpfscope_") {
        let s = i + p;
        let mut e = s;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
        // Skip words that merely start the same way (bpfscope_pods, a job).
        if s == 0 || !(b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'-' || b[s - 1] == b'/') {
            out.push(text[s..e].to_string());
        }
        i = e;
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn dashboard_and_rules_use_exported_metrics() {
    let dash = std::fs::read_to_string(deploy("grafana/bpfscope-dashboard.json")).unwrap();
    let _: serde_json::Value = serde_json::from_str(&dash).expect("dashboard is JSON");
    let rules = std::fs::read_to_string(deploy("prometheus/alerts.yml")).unwrap();
    // What the exporter can write: its own sources (families are written
    // from string literals there), with the suffixes encoders add.
    let src = [
        "src/metrics/expose.rs",
        "src/metrics/tools.rs",
        "src/serve/mod.rs",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap())
    .collect::<String>();
    let exported = names(&src);
    let known = |n: &str| {
        let base = ["_total", "_info", "_bucket", "_count", "_sum"]
            .iter()
            .find_map(|s| n.strip_suffix(s))
            .unwrap_or(n);
        exported.iter().any(|e| e == n || e == base)
            // Histograms of the tools: bpfscope_<tool>_<unit>.
            || ["bpfscope_biolatency_seconds", "bpfscope_runqlat_seconds"].contains(&base)
    };
    for (what, text) in [("dashboard", &dash), ("alerts", &rules)] {
        let used = names(text);
        assert!(!used.is_empty());
        for n in used {
            assert!(known(&n), "{what} uses {n}, which serve does not export");
        }
    }
}
