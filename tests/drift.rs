//! Drift of committed output through the binary: `render --check --out DIR` and
//! `diff --against DIR` share one engine; fresh output passes both, a hand-edited or missing
//! file fails both with a unified diff naming it, and neither touches the folder.
//! Also `diff` between profiles (`--artifacts`) and the usage errors of `diff` and `plan`.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use support::{json_report, list_files, Test};

/// Co-located `prod` with a profile file that gives images.
const CASE: &str = "render-k8s-orders-colocated";

fn rendered() -> Test {
    let t = Test::from_case(CASE);
    t.expect_args(&["render", "--profile", "prod", "--out", "out"], 0);
    t
}

fn check(t: &Test, code: i32) -> support::Output {
    t.expect_args(&["render", "--profile", "prod", "--out", "out", "--check"], code)
}

fn against(t: &Test, code: i32) -> support::Output {
    t.expect_args(&["diff", "--profile", "prod", "--against", "out"], code)
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

#[test]
fn fresh_output_passes_check_and_against_without_writing() {
    let t = rendered();
    let before = snapshot(t.path());
    for out in [check(&t, 0), against(&t, 0)] {
        // No diff, and one line that says so.
        assert!(out.stdout.starts_with("no drift: ") && out.stdout.lines().count() == 1, "no diff expected on fresh output:\n{}", out.transcript());
    }
    let json = json_report(&t.run_args(&["diff", "--profile", "prod", "--against", "out", "--format", "json"]));
    assert_eq!(json["command"], "diff");
    assert_eq!(json["result"]["changes"], serde_json::json!([]), "{json:#}");
    assert_eq!(snapshot(t.path()), before, "checking changed files");
}

#[test]
fn a_hand_edited_file_fails_both_with_a_diff_naming_it() {
    let t = rendered();
    let path = "frontdoor/service-orders-api.yaml";
    let file = t.path().join("out").join(path);
    let edited = std::fs::read_to_string(&file).unwrap().replace("type: ClusterIP", "type: NodePort");
    assert!(edited.contains("NodePort"), "the fixture changed shape; pick another edit");
    std::fs::write(&file, &edited).unwrap();
    let before = snapshot(t.path());
    let from_check = check(&t, 1);
    let from_diff = against(&t, 1);
    for out in [&from_check, &from_diff] {
        assert!(out.stdout.contains(&format!("--- a/{path}\n+++ b/{path}\n")), "diff should name {path}:\n{}", out.transcript());
        assert!(out.stdout.contains("-  type: NodePort\n") && out.stdout.contains("+  type: ClusterIP\n"), "{}", out.transcript());
        assert!(out.stderr.contains("out is stale: 1 file(s) differ"), "{}", out.transcript());
    }
    assert_eq!(from_check.stdout, from_diff.stdout, "render --check and diff --against must agree");
    let json = json_report(&t.run_args(&["diff", "--profile", "prod", "--against", "out", "--format", "json"]));
    assert_eq!(json["result"]["stale"], serde_json::json!([path]), "{json:#}");
    // The file, then its object's change, classified (a Service's type between ClusterIP and
    // NodePort is updated in place).
    let object = serde_json::json!({ "change": "changed", "subject": "object", "class": "in-place", "kind": "Service", "name": "orders-api", "field": "", "reason": "updated in place", "hint": null, "file": path });
    assert_eq!(json["result"]["changes"], serde_json::json!([{ "change": "changed", "subject": "file", "name": path }, object]), "{json:#}");
    assert_eq!(snapshot(t.path()), before, "nothing in the folder may change");
}

#[test]
fn a_missing_file_fails_both_and_is_not_restored() {
    let t = rendered();
    let path = "async/deployment-orders-async.yaml";
    std::fs::remove_file(t.path().join("out").join(path)).unwrap();
    let before = snapshot(t.path());
    for out in [check(&t, 1), against(&t, 1)] {
        assert!(out.stdout.contains(&format!("--- /dev/null\n+++ b/{path}\n")), "diff should name {path}:\n{}", out.transcript());
    }
    let json = json_report(&t.run_args(&["diff", "--profile", "prod", "--against", "out", "--format", "json"]));
    assert_eq!(json["result"]["changes"][0]["change"], "added", "{json:#}");
    assert_eq!(snapshot(t.path()), before, "nothing in the folder may change");
}

#[test]
fn against_a_missing_folder_fails_and_creates_nothing() {
    let t = Test::from_case(CASE);
    let before = list_files(t.path());
    let out = against(&t, 1);
    assert!(out.stdout.contains("+++ b/kustomization.yaml"), "{}", out.transcript());
    assert_eq!(list_files(t.path()), before);
}

#[test]
fn diff_artifacts_shows_the_rendered_files_of_both_profiles() {
    let t = Test::from_case("check-ok-orders-seed");
    let args = ["diff", "--profile", "prod", "--profile", "prod-split", "--image", "ghcr.io/acme/orders:1.4.2", "--artifacts"];
    let out = t.expect_args(&args, 0);
    assert!(out.stdout.contains("> cell api moved: frontdoor -> api"), "{}", out.transcript());
    assert!(out.stdout.contains("--- a/frontdoor/deployment-orders-frontdoor.yaml\n+++ /dev/null\n"), "{}", out.transcript());
    assert!(out.stdout.contains("--- /dev/null\n+++ b/api/deployment-orders-api.yaml\n"), "{}", out.transcript());
    let same = t.expect_args(&["diff", "--profile", "prod", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--artifacts"], 0);
    assert!(same.stdout.contains("no changes") && same.stdout.contains("artifacts: the rendered files are the same"), "{}", same.transcript());
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = json_report(&t.run_args(&json_args));
    assert_eq!(json["result"]["artifacts"]["compared"], true, "{json:#}");
    assert!(json["result"]["changes"].as_array().is_some_and(|c| !c.is_empty()));
}

#[test]
fn keyed_images_apply_to_the_profile_that_has_the_deployable() {
    let t = Test::from_case("check-ok-orders-seed");
    let args = ["diff", "--profile", "prod", "--profile", "prod-split", "--image", "ghcr.io/acme/orders:1", "--image", "api=ghcr.io/acme/api:2"];
    let out = t.expect_args(&args, 0);
    assert!(out.stdout.contains("+ ghcr.io/acme/api:2 (--image api=)"), "{}", out.transcript());
    let unknown = t.expect_args(&["diff", "--profile", "prod", "--profile", "prod-split", "--image", "nope=ghcr.io/acme/x:1"], 1);
    assert!(unknown.stderr.contains("XT310"), "{}", unknown.transcript());
}

#[test]
fn usage_errors_exit_2() {
    let t = Test::from_case("check-ok-orders-seed");
    let one = t.expect_args(&["diff", "--profile", "prod"], 2);
    assert!(one.stderr.contains("give --profile A --profile B"), "{}", one.transcript());
    let two = t.expect_args(&["diff", "--profile", "prod", "--profile", "dev", "--against", "out"], 2);
    assert!(two.stderr.contains("exactly one --profile"), "{}", two.transcript());
    for command in [&["check"][..], &["render", "--profile", "prod"], &["diff", "--profile", "prod", "--profile", "dev"]] {
        let mut args = command.to_vec();
        args.extend(["--format", "mermaid"]);
        let out = t.expect_args(&args, 2);
        // Each command's --format offers only its own formats (mermaid is `plan`'s).
        assert!(out.stderr.contains("invalid value 'mermaid' for '--format <FORMAT>'"), "{}", out.transcript());
        assert!(!out.stderr.contains("possible values: human, json, mermaid"), "{}", out.transcript());
        assert!(out.stdout.is_empty());
    }
    t.expect_args(&["plan", "--profile", "prod", "--format", "mermaid"], 0);
}
