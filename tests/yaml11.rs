//! Kubernetes reads YAML with YAML 1.1 rules (`on`, `no`, `y` are booleans there). Every
//! golden render is read back with PyYAML, a YAML 1.1 reader, and must equal the documents
//! x07-topo meant (the `documents` of its JSON report).

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use support::{repo_root, Test};

const READ_BACK: &str = "import json, sys, yaml\nprint(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))";

fn pyyaml_available() -> bool {
    Command::new("python3").args(["-c", "import yaml"]).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

#[test]
fn every_golden_render_reads_back_as_meant_under_yaml_1_1() {
    if !pyyaml_available() {
        // CI installs PyYAML and sets X07_TOPO_CI, so there this can never be skipped.
        assert!(std::env::var_os("X07_TOPO_CI").is_none(), "PyYAML is required in CI");
        eprintln!("skipped: python3 with PyYAML is not available");
        return;
    }
    let mut checked = 0;
    for entry in std::fs::read_dir(repo_root().join("golden")).unwrap() {
        let case = entry.unwrap().file_name().to_string_lossy().into_owned();
        let args_text = std::fs::read_to_string(repo_root().join("golden").join(&case).join("args")).unwrap();
        let mut args: Vec<&str> = args_text.split_whitespace().collect();
        if args.first() != Some(&"render") || !case.starts_with("render-k8s") {
            continue;
        }
        if let Some(i) = args.iter().position(|a| *a == "--out") {
            args.drain(i..i + 2);
        }
        let yaml = Test::from_case(&case).args(&args).expect(0).stdout;
        // kubectl and helm keep a scalar on its key's line; pipelines grep for it.
        let folded = yaml.lines().find(|l| [">", ">-", "|", "|-"].iter().any(|b| l.ends_with(&format!(": {b}")) || l.trim() == format!("- {b}")));
        assert!(folded.is_none(), "{case}: a block (folded) scalar: {folded:?}");
        let mut json_args = args.clone();
        json_args.extend(["--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&Test::from_case(&case).args(&json_args).expect(0).stdout).unwrap();
        let meant = &report["result"]["documents"];

        let mut py = Command::new("python3").args(["-c", READ_BACK]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        py.stdin.take().unwrap().write_all(yaml.as_bytes()).unwrap();
        let out = py.wait_with_output().unwrap();
        assert!(out.status.success(), "PyYAML could not read the output of {case}");
        let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(meant.as_array().is_some_and(|a| !a.is_empty()), "{case}: no documents");
        assert_eq!(&read, meant, "{case}: YAML 1.1 reads the output differently from what was meant");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} golden renders were checked");
}
