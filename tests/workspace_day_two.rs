//! Workspace commands in a first real week (issue 27): diffs that name the workspace's
//! folders, a line when nothing drifted, `--profile` and `--service` to act on some pairs,
//! hints written for the workspace command line, `--take-over`, and profile kustomizations
//! that `kubectl apply -k` can apply.

mod support;

use support::{json_report, Test};

const CASE: &str = "render-workspace-shop";

fn render(t: &Test, extra: &[&str]) -> support::Output {
    let mut args = vec!["render", "--workspace", "--images", "images.json"];
    args.extend(extra);
    t.run_args(&args)
}

/// Stale files are named by their path in the workspace (`a/deploy/prod/orders/...`), so a CI
/// log says which folder, and `git apply` takes the diff from the workspace's folder.
#[test]
fn workspace_check_diffs_are_workspace_relative_and_apply() {
    let t = Test::from_case(CASE);
    assert_eq!(render(&t, &[]).code, 0);
    let out = render(&t, &["--check"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(out.stdout, "no drift: 8 folder(s) hold exactly what would be rendered\n");
    let diff = t.expect_args(&["diff", "--workspace", "--images", "images.json"], 0);
    assert_eq!(diff.stdout, out.stdout);
    let path = "deploy/prod/orders/frontdoor/deployment-orders-frontdoor.yaml";
    let fresh = std::fs::read_to_string(t.path().join(path)).unwrap();
    std::fs::write(t.path().join(path), fresh.replacen("metadata:\n", "metadata:\n  # edited by hand\n", 1)).unwrap();
    let out = render(&t, &["--check"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stdout.contains(&format!("--- a/{path}\n+++ b/{path}\n")), "{}", out.stdout);
    // The diff applies from the workspace's folder and makes it fresh again.
    let git = std::process::Command::new("git").args(["apply", "-"]).current_dir(t.path()).stdin(std::process::Stdio::piped()).spawn();
    if let Ok(mut child) = git {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(out.stdout.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "git apply refused:\n{}", out.stdout);
        assert_eq!(std::fs::read_to_string(t.path().join(path)).unwrap(), fresh);
    }
}

/// One service's `render --check` and `diff --against` say so when nothing drifted.
#[test]
fn single_folder_check_says_no_drift() {
    let t = Test::from_case("render-k8s-orders-colocated");
    t.expect_args(&["render", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--out", "deploy/prod"], 0);
    let check = t.expect_args(&["render", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--out", "deploy/prod", "--check"], 0);
    assert_eq!(check.stdout, "no drift: deploy/prod holds exactly what would be rendered\n");
    let against = t.expect_args(&["diff", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--against", "deploy/prod"], 0);
    assert_eq!(against.stdout, check.stdout);
}

/// `--profile` and `--service` choose some pairs; nothing else is written.
#[test]
fn workspace_profile_and_service_choose_pairs() {
    let t = Test::from_case(CASE);
    let out = render(&t, &["--profile", "dev", "--service", "orders", "--service", "payments", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let report = json_report(&out);
    let outs: Vec<&str> = report["result"]["outputs"].as_array().unwrap().iter().map(|o| o["out"].as_str().unwrap()).collect();
    assert_eq!(outs, ["deploy/dev/orders", "deploy/dev/payments"]);
    assert!(!t.path().join("deploy/prod").exists() && !t.path().join("deploy/dev/catalog").exists());
    let check = t.expect_args(&["check", "--workspace", "--profile", "prod", "--service", "catalog"], 0);
    assert!(check.stdout.contains("profile prod") && !check.stdout.contains("profile dev") && check.stdout.contains("1 service(s)"), "{}", check.stdout);
}

/// Hints name the flag `--workspace` takes (`--image SERVICE:DEPLOYABLE=REF`); a service whose
/// manifest fails gets no misleading XT962 for its image.
#[test]
fn workspace_hints_and_no_misleading_unknown_service() {
    let t = Test::from_case(CASE);
    let out = t.expect_args(&["render", "--workspace", "--format", "json"], 1);
    let report = json_report(&out);
    let missing: Vec<&str> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "XT307").map(|d| d["hint"].as_str().unwrap()).collect();
    assert!(!missing.is_empty());
    for hint in &missing {
        assert!(hint.contains("--image orders:") || hint.contains("--image payments:") || hint.contains("--image catalog:"), "{hint}");
        assert!(!hint.contains("--image frontdoor=") && !hint.contains("--image async="), "{hint}");
    }
    std::fs::write(t.path().join("services/orders/arch/service/index.x07service.json"), "{ broken").unwrap();
    let out = t.expect_args(&["render", "--workspace", "--images", "images.json", "--format", "json"], 1);
    let report = json_report(&out);
    let codes: Vec<&str> = report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"XT003") && !codes.contains(&"XT962"), "{codes:?}");
}

/// `render --workspace --take-over` is accepted and takes folders another owner rendered.
#[test]
fn workspace_take_over() {
    let t = Test::from_case(CASE);
    // Another service renders into orders' dev folder first.
    t.expect_args(&["render", "--manifest", "services/payments/arch/service/index.x07service.json", "--profile", "dev", "--image", "ghcr.io/acme/payments:2.0.1", "--out", "deploy/dev/orders"], 0);
    let refused = render(&t, &[]);
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    assert!(refused.stderr.contains("XT915"), "{}", refused.stderr);
    let out = render(&t, &["--take-over"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    render(&t, &["--check"]);
}

/// A profile folder's kustomization lists only folders `kubectl apply -k` can apply: no wadm
/// service (a wadm Application is not a Kubernetes object), no hosted one.
#[test]
fn profile_kustomization_lists_only_kubernetes_services() {
    let t = Test::from_case(CASE);
    assert_eq!(render(&t, &[]).code, 0);
    for profile in ["dev", "prod"] {
        let k = std::fs::read_to_string(t.path().join(format!("deploy/{profile}/kustomization.yaml"))).unwrap();
        assert!(!k.contains("- catalog\n"), "{profile}: lists the wadm service:\n{k}");
        assert!(t.path().join(format!("deploy/{profile}/catalog/kustomization.yaml")).exists() || t.path().join(format!("deploy/{profile}/catalog")).exists());
        for line in k.lines().filter_map(|l| l.strip_prefix("- ")) {
            let folder = t.path().join(format!("deploy/{profile}/{line}"));
            for file in support::list_files(&folder).iter().filter(|f| f.ends_with(".yaml") && !f.ends_with("kustomization.yaml")) {
                let text = std::fs::read_to_string(folder.join(file)).unwrap();
                assert!(!text.contains("apiVersion: core.oam.dev/"), "{profile}/{line}/{file} is a wadm Application");
            }
        }
    }
}
