//! The command line through the real binary (SPEC §1, §8): exit codes, the JSON report's
//! shape, stable order, plain output off a terminal, schemas, and how profiles are found.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use support::{binary, json_report, Output, Test, MANIFEST_PATH};

const REPORT_KEYS: &[&str] = &["schema_version", "command", "ok", "diagnostics", "result"];
const DIAGNOSTIC_KEYS: &[&str] = &["code", "class", "severity", "file", "pointer", "line", "column", "message", "hint"];

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().map(String::as_str).collect()
}

fn diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"].as_array().unwrap_or_else(|| panic!("`diagnostics` is not an array: {report}"))
}

fn codes(report: &Value) -> Vec<&str> {
    diagnostics(report).iter().map(|d| d["code"].as_str().expect("code is a string")).collect()
}

fn assert_no_ansi(what: &str, out: &Output) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(!text.contains('\x1b'), "{what}: {stream} has an ANSI escape off a terminal:\n{}", text.escape_debug());
    }
}

#[test]
fn help_exits_0_and_lists_the_commands() {
    let out = Test::new().args(&["--help"]).expect(0);
    assert!(out.stdout.contains("Usage:"), "{}", out.transcript());
    for command in ["check", "schema"] {
        assert!(out.stdout.contains(command), "--help does not list `{command}`:\n{}", out.stdout);
    }
    let sub = Test::new().args(&["check", "--help"]).expect(0);
    for flag in ["--manifest", "--profile", "--format", "--deny-warnings"] {
        assert!(sub.stdout.contains(flag), "check --help does not list {flag}:\n{}", sub.stdout);
    }
}

#[test]
fn unknown_subcommand_and_unknown_flag_are_usage_errors() {
    let out = Test::from_case("check-ok-orders-seed").args(&["frobnicate"]).expect(2);
    assert!(out.stderr.contains("frobnicate"), "the error names the subcommand:\n{}", out.transcript());
    assert!(out.stdout.is_empty(), "usage errors print nothing on stdout:\n{}", out.transcript());

    let out = Test::from_case("check-ok-orders-seed").args(&["check", "--no-such-flag"]).expect(2);
    assert!(out.stderr.contains("--no-such-flag"), "the error names the flag:\n{}", out.transcript());

    Test::new().expect(2); // no subcommand at all
    Test::from_case("check-ok-orders-seed").args(&["check", "--format", "yaml"]).expect(2);
    Test::new().args(&["schema", "nonsense"]).expect(2);
}

#[test]
fn missing_manifest_is_an_io_failure_with_xt901() {
    let out = Test::new().args(&["check", "--manifest", "missing.json", "--format", "json"]).expect(2);
    let report = json_report(&out);
    assert_eq!(report["ok"], false);
    assert_eq!(codes(&report), ["XT901"], "{}", out.stdout);
    let d = &diagnostics(&report)[0];
    assert_eq!(d["file"], "missing.json");
    assert_eq!(d["severity"], "error");
    assert_eq!((&d["line"], &d["column"]), (&Value::Null, &Value::Null), "a file that cannot be read has no position");

    // The default manifest path, missing, is the same failure (and human output says so).
    let out = Test::new().args(&["check"]).expect(2);
    assert!(out.stderr.contains("XT901") && out.stderr.contains(MANIFEST_PATH), "{}", out.transcript());
}

#[test]
fn deny_warnings_turns_a_warning_only_run_into_exit_1() {
    // `--profile prod` keeps the run about the manifest's warnings: other profiles of this
    // manifest (dev: everything in one deployable) may have lowering errors of their own.
    let case = "check-warn-canary-percent-unused";
    let out = Test::from_case(case).args(&["check", "--profile", "prod", "--format", "json"]).expect(0);
    let report = json_report(&out);
    assert_eq!(report["ok"], true);
    let severities: BTreeSet<&str> = diagnostics(&report).iter().map(|d| d["severity"].as_str().unwrap()).collect();
    assert_eq!(severities, BTreeSet::from(["warning"]), "the case must have warnings and no errors:\n{}", out.stdout);
    assert!(codes(&report).contains(&"XT125"), "{}", out.stdout);

    let denied = Test::from_case(case).args(&["check", "--profile", "prod", "--format", "json", "--deny-warnings"]).expect(1);
    let denied_report = json_report(&denied);
    assert_eq!(denied_report["ok"], false, "a run that fails is not ok");
    assert_eq!(denied_report["diagnostics"], report["diagnostics"], "--deny-warnings changes the exit code, not the diagnostics");

    Test::from_case(case).args(&["check", "--profile", "prod", "--deny-warnings"]).expect(1);
    Test::from_case(case).args(&["check", "--profile", "prod"]).expect(0);
    // A clean run stays clean with --deny-warnings.
    Test::from_case("check-ok-archetype-api-cell").args(&["check", "--deny-warnings"]).expect(0);
}

#[test]
fn json_report_has_exactly_the_specified_keys() {
    let mut seen_diagnostics = 0;
    for (case, args, code) in [
        ("check-err-multiple-problems", &["check"][..], 1),
        ("check-warn-canary-percent-unused", &["check", "--profile", "prod"][..], 0),
        ("check-ok-profile-files", &["check", "--profile", "prod"][..], 0),
        ("profile-err-not-found", &["check", "--profile", "qa"][..], 1),
        ("check-err-json-syntax", &["check"][..], 1),
    ] {
        let mut full = args.to_vec();
        full.extend(["--format", "json"]);
        let out = Test::from_case(case).args(&full).expect(code);
        let report = json_report(&out);
        assert_eq!(keys(&report), REPORT_KEYS.iter().copied().collect(), "{case}: report keys");
        assert_eq!(report["schema_version"], "x07.topo.report@0.1.0", "{case}");
        assert_eq!(report["command"], "check", "{case}");
        assert_eq!(report["ok"], code == 0, "{case}");
        for d in diagnostics(&report) {
            assert_eq!(keys(d), DIAGNOSTIC_KEYS.iter().copied().collect(), "{case}: diagnostic keys of {d}");
            assert!(matches!(d["severity"].as_str(), Some("error" | "warning")), "{case}: {d}");
            assert!(
                matches!(d["class"].as_str(), Some("invalid_input" | "conflict" | "not_found" | "unsupported" | "invariant_violation")),
                "{case}: {d}"
            );
            let code = d["code"].as_str().unwrap();
            assert!(code.len() == 5 && code.starts_with("XT") && code[2..].bytes().all(|b| b.is_ascii_digit()), "{case}: code {code}");
            let pointer = d["pointer"].as_str().unwrap();
            assert!(pointer.is_empty() || pointer.starts_with('/'), "{case}: pointer {pointer:?}");
            // A problem in a file's content has a position; one about the command line
            // (file "") or a whole file (pointer "") may not.
            if d["line"].is_null() || d["column"].is_null() {
                assert!(pointer.is_empty() && d["line"].is_null() && d["column"].is_null(), "{case}: a diagnostic at {pointer:?} has no position: {d}");
            } else {
                assert!(d["line"].as_u64() >= Some(1) && d["column"].as_u64() >= Some(1), "{case}: {d}");
            }
            seen_diagnostics += 1;
        }
    }
    assert!(seen_diagnostics >= 6, "only {seen_diagnostics} diagnostics checked");
}

#[test]
fn diagnostics_come_out_in_the_same_order_every_run() {
    let case = "check-err-multiple-problems";
    let first = Test::from_case(case).args(&["check", "--format", "json"]).expect(1);
    let second = Test::from_case(case).args(&["check", "--format", "json"]).expect(1);
    assert_eq!(first.stdout, second.stdout, "two runs differ");
    let report = json_report(&first);
    let diags = diagnostics(&report);
    assert!(diags.len() >= 3, "the case should have several diagnostics:\n{}", first.stdout);
    // The order is by file, then position (SPEC §8: a stable order).
    let positions: Vec<(String, u64, u64)> =
        diags.iter().map(|d| (d["file"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap())).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted, "diagnostics are not in file/line/column order");

    let human_first = Test::from_case(case).args(&["check"]).expect(1);
    let human_second = Test::from_case(case).args(&["check"]).expect(1);
    assert_eq!(human_first.stderr, human_second.stderr);
    // Human output lists them in the same order as JSON.
    let human_codes: Vec<&str> = human_first
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error[").or_else(|| l.strip_prefix("warning["))?.split_once(']').map(|(c, _)| c))
        .collect();
    assert_eq!(human_codes, codes(&report), "human and JSON order differ:\n{}", human_first.stderr);
}

#[test]
fn human_output_has_no_ansi_escapes_off_a_terminal() {
    for (case, args, code) in [
        ("check-err-multiple-problems", &["check"][..], 1),
        ("check-warn-canary-percent-unused", &["check", "--profile", "prod"][..], 0),
        ("check-ok-orders-seed", &["check", "--profile", "prod", "--format", "human"][..], 0),
        ("check-ok-orders-seed", &["check", "--bogus"][..], 2),
        ("check-ok-orders-seed", &["--help"][..], 0),
    ] {
        let out = Test::from_case(case).args(args).expect(code);
        assert!(!(out.stdout.is_empty() && out.stderr.is_empty()), "{case} {args:?} printed nothing");
        assert_no_ansi(&format!("{case} {args:?}"), &out);
    }
}

/// The control for the test above: on a terminal the same run is coloured, so the absence
/// of escapes off a terminal is a decision, not an accident. Needs util-linux `script`.
#[test]
fn human_output_is_coloured_on_a_terminal() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed, so no terminal can be made");
        return;
    }
    let t = Test::from_case("check-err-multiple-problems");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("'{}' check", binary()), "/dev/null"])
        .current_dir(t.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("XT009"), "the run under a terminal printed:\n{text}");
    assert!(text.contains("\x1b["), "no colour on a terminal:\n{}", text.escape_debug());
}

#[test]
fn schema_manifest_prints_the_manifest_schema() {
    let out = Test::new().args(&["schema", "manifest"]).expect(0);
    assert!(out.stdout.contains(r#""title": "x07.service.manifest@0.1.0""#), "{}", out.stdout);
    let schema: Value = serde_json::from_str(&out.stdout).expect("schema manifest prints JSON");
    assert_eq!(schema["title"], "x07.service.manifest@0.1.0");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let required: BTreeSet<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(required, BTreeSet::from(["schema_version", "service_id", "display_name", "domain_pack", "cells"]));
    assert_eq!(schema["additionalProperties"], false, "unknown keys are errors (SPEC §2.1)");

    let profile: Value = serde_json::from_str(&Test::new().args(&["schema", "profile"]).expect(0).stdout).unwrap();
    assert_eq!(profile["title"], "x07.topology.profile@0.1.0");
    let target: Value = serde_json::from_str(&Test::new().args(&["schema", "target"]).expect(0).stdout).unwrap();
    assert_eq!(target["type"], "object");
}

#[test]
fn unknown_profile_id_is_xt201() {
    let out = Test::from_case("check-ok-orders-seed").args(&["check", "--profile", "qa", "--format", "json"]).expect(1);
    let report = json_report(&out);
    let errors: Vec<&Value> = diagnostics(&report).iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{}", out.stdout);
    assert_eq!(errors[0]["code"], "XT201", "{}", out.stdout);
    assert_eq!(errors[0]["class"], "not_found");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("qa"), "the message names the id: {message}");
    Test::from_case("check-ok-orders-seed").args(&["check", "--profile", "qa"]).expect(1);
    // An id the manifest declares is found (without a file: the manifest's entry).
    let out = Test::from_case("check-ok-orders-seed").args(&["check", "--profile", "prod", "--format", "json"]).expect(0);
    assert_eq!(profiles_of(&json_report(&out)), [("prod".to_string(), Value::Null)], "{}", out.stdout);
}

fn profiles_of(report: &Value) -> Vec<(String, Value)> {
    report["result"]["profiles"]
        .as_array()
        .unwrap_or_else(|| panic!("no result.profiles: {report}"))
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_string(), p["file"].clone()))
        .collect()
}

#[test]
fn profile_by_path_is_loaded_from_that_file() {
    let case = "check-ok-profile-files";
    let profile = std::fs::read_to_string(support::repo_root().join("golden").join(case).join("arch/topology/prod.json")).unwrap();
    let t = Test::from_case(case).file("arch/topology/x.json", &profile);
    let out = t.args(&["check", "--profile", "arch/topology/x.json", "--format", "json"]).expect(0);
    let report = json_report(&out);
    assert_eq!(profiles_of(&report), [("prod".to_string(), Value::from("arch/topology/x.json"))], "{}", out.stdout);
    assert_eq!(report["result"]["profiles"][0]["target"], "k8s-default");

    // The file is really read: a broken one is reported at its path.
    let broken = Test::from_case(case).file("arch/topology/x.json", "{\"schema_version\": 1");
    let out = broken.args(&["check", "--profile", "arch/topology/x.json", "--format", "json"]).expect(1);
    let report = json_report(&out);
    let errors: Vec<(&str, &str)> =
        diagnostics(&report).iter().filter(|d| d["severity"] == "error").map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap())).collect();
    assert_eq!(errors, [("XT003", "arch/topology/x.json")], "{}", out.stdout);
}

#[test]
fn profile_id_is_found_beside_the_manifest_from_a_subdirectory() {
    let manifest = format!("../{MANIFEST_PATH}");
    let t = Test::from_case("check-ok-profile-files").cwd("sub");
    let out = t.args(&["check", "--manifest", &manifest, "--profile", "prod", "--format", "json"]).expect(0);
    let report = json_report(&out);
    assert_eq!(report["result"]["manifest"], manifest.as_str());
    assert_eq!(profiles_of(&report), [("prod".to_string(), Value::from("../arch/topology/prod.json"))], "{}", out.stdout);

    // From the subdirectory, a broken profile file beside the manifest is read, not skipped.
    let broken = Test::from_case("check-ok-profile-files").file("arch/topology/prod.json", "{").cwd("sub");
    let out = broken.args(&["check", "--manifest", &manifest, "--profile", "prod", "--format", "json"]).expect(1);
    let report = json_report(&out);
    let errors: Vec<(&str, &str)> =
        diagnostics(&report).iter().filter(|d| d["severity"] == "error").map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap())).collect();
    assert_eq!(errors, [("XT003", "../arch/topology/prod.json")], "{}", out.stdout);
}

/// The README's first command: the bundled example renders for Kubernetes with no profile
/// file, warning-free, so `--deny-warnings` (what CI uses) passes on our own example.
#[test]
fn readme_example_renders_with_built_in_defaults_and_no_warnings() {
    let readme = std::fs::read_to_string(support::repo_root().join("README.md")).unwrap();
    let command = "cd examples/orders && cargo run -q -- render --profile prod --image ghcr.io/acme/orders:1.4.2";
    assert!(readme.contains(command), "the README's first command changed: update this test");
    let t = Test::new();
    support::copy_tree(&support::repo_root().join("examples/orders"), t.path(), &[]);
    let out = t.args(&["render", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--deny-warnings"]).expect(0);
    assert_eq!(out.stderr, "", "the README example warns");
    let kinds: Vec<&str> = out.stdout.lines().filter_map(|l| l.strip_prefix("kind: ")).collect();
    // Deployables in key order (async, frontdoor), kinds in install order within each.
    assert_eq!(kinds, ["ServiceAccount", "Deployment", "CronJob", "HorizontalPodAutoscaler", "ServiceAccount", "Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"]);
    // Every other command of the README tour on the example is warning-free too.
    for args in [&["check", "--deny-warnings"][..], &["plan", "--profile", "dev", "--deny-warnings"], &["plan", "--profile", "prod-split", "--deny-warnings"]] {
        let mut t = Test::new();
        support::copy_tree(&support::repo_root().join("examples/orders"), t.path(), &[]);
        t = t.args(args);
        assert_eq!(t.expect(0).stderr, "", "{args:?} warns");
    }
}

/// A wasmCloud 2.x WorkloadDeployment is a namespaced Kubernetes object: the target's
/// namespace applies, `--namespace` overrides it, and with none at all it names none.
#[test]
fn workload_deployments_follow_the_namespace_rule() {
    let case = "render-wasmcloud-workload-deployment";
    let target = "arch/topology/targets/acme-wasmcloud-v2.json";
    let workloads = |t: Test, extra: &[&str]| -> Vec<Value> {
        let mut args = vec!["render", "--profile", "edge-v2", "--format", "json"];
        args.extend(extra);
        let out = t.args(&args).expect(0);
        let docs = support::json_report(&out)["result"]["documents"].as_array().cloned().unwrap_or_default();
        let w: Vec<Value> = docs.into_iter().filter(|d| d["kind"] == "WorkloadDeployment").collect();
        assert!(!w.is_empty(), "no WorkloadDeployment rendered");
        w
    };
    for w in workloads(Test::from_case(case), &[]) {
        assert_eq!(w["metadata"]["namespace"], "bazaar", "the target's namespace: {}", w["metadata"]);
    }
    for w in workloads(Test::from_case(case), &["--namespace", "edge"]) {
        assert_eq!(w["metadata"]["namespace"], "edge", "--namespace: {}", w["metadata"]);
    }
    let t = Test::from_case(case);
    let path = t.path().join(target);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"namespace\": \"bazaar\","), "{target} changed: update this test");
    std::fs::write(&path, text.replace("\"namespace\": \"bazaar\",", "")).unwrap();
    for w in workloads(t, &[]) {
        assert!(w["metadata"].get("namespace").is_none(), "no namespace given: {}", w["metadata"]);
    }
}

/// Input that would drive a terminal (ESC sequences, bidirectional controls) never reaches
/// it raw in human output, in messages or excerpts; the JSON report keeps the exact value.
#[test]
fn human_output_escapes_terminal_controls_and_json_stays_exact() {
    let hazard = |c: char| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
    for case in ["check-err-terminal-escapes", "check-err-terminal-raw-esc"] {
        let human = Test::from_case(case).args(&["check"]).expect(1);
        let raw: Vec<char> = human.stderr.chars().chain(human.stdout.chars()).filter(|c| hazard(*c)).collect();
        assert!(raw.is_empty(), "{case}: raw {raw:?} in human output:\n{}", human.stderr);
        assert!(human.stderr.contains("\\u{1b}"), "{case}: the ESC is not shown escaped:\n{}", human.stderr);
    }
    let json = json_report(&Test::from_case("check-err-terminal-escapes").args(&["check", "--format", "json"]).expect(1));
    let messages: Vec<&str> = diagnostics(&json).iter().filter_map(|d| d["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("db\u{1b}[2J\u{1b}[31m.primary")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("api-cell\u{202e}\u{2066}lleh")), "{messages:?}");
}
