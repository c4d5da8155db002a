//! Who owns an output folder (SPEC §7.1, issue 12): the inventory names the service,
//! profile and target kind that rendered it; a render of another owner refuses (exit 2,
//! naming the owner) and leaves the folder as it was, unless `--take-over`, which still never
//! prunes the other owner's files.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use support::{golden_args_without_out, json_report, list_files, Test, MANIFEST_PATH};

const CASE: &str = "render-k8s-orders-split";
const IMAGE: &str = "ghcr.io/acme/orders:1.4.2";

/// Every file below `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

/// A test folder with the orders service (A) in `.` and a copy renamed `payments` (B) in `b/`.
fn two_services() -> Test {
    let t = Test::from_case(CASE);
    let text = std::fs::read_to_string(t.path().join(MANIFEST_PATH)).unwrap();
    assert!(text.contains("\"service_id\": \"orders\""), "the fixture changed");
    let b = t.path().join("b").join(MANIFEST_PATH);
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    std::fs::write(b, text.replace("\"service_id\": \"orders\"", "\"service_id\": \"payments\"")).unwrap();
    t
}

fn a_args(extra: &[&str]) -> Vec<String> {
    let mut a = golden_args_without_out(CASE);
    a.extend(["--out", "deploy/prod"].iter().map(|s| s.to_string()));
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn b_args(extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["render", "--manifest", &format!("b/{MANIFEST_PATH}"), "--profile", "prod-split", "--image", IMAGE, "--out", "deploy/prod"].iter().map(|s| s.to_string()).collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn inventory(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("x07-topo.inventory.json")).unwrap()).unwrap()
}

#[test]
fn the_inventory_names_its_owner() {
    let t = two_services();
    t.expect_args(&a_args(&[]), 0);
    let owner = &inventory(&t.path().join("deploy/prod"))["owner"];
    assert_eq!(owner, &serde_json::json!({"service_id": "orders", "profile": "prod-split", "target_kind": "k8s"}));
}

#[test]
fn rendering_service_b_into_service_a_folder_refuses_and_leaves_a_untouched() {
    let t = two_services();
    t.expect_args(&a_args(&[]), 0);
    let dir = t.path().join("deploy/prod");
    let before = contents(&dir);
    for extra in [&[][..], &["--check"][..]] {
        let human = t.expect_args(&b_args(extra), 2);
        assert!(human.stderr.contains("error[XT915]"), "{}", human.transcript());
        assert!(
            human.stderr.contains("`deploy/prod` belongs to service `orders`, profile `prod-split` (k8s)") && human.stderr.contains("this render is service `payments`"),
            "the message names the owner and the render:\n{}",
            human.transcript()
        );
        assert!(human.stderr.contains("--take-over"), "the hint names the way out:\n{}", human.transcript());
        let json = t.run_args(&[b_args(extra), vec!["--format".into(), "json".into()]].concat());
        let report = json_report(&json);
        let errors: Vec<_> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
        assert_eq!((json.code, errors.len(), &errors[0]["code"]), (2, 1, &serde_json::json!("XT915")), "{report:#}");
        assert_eq!(errors[0]["file"], "deploy/prod/x07-topo.inventory.json");
        assert_eq!(contents(&dir), before, "A's folder changed");
    }
    // Another profile of the same service is another owner too.
    let other_profile = t.run_args(&["render", "--profile", "prod", "--image", IMAGE, "--out", "deploy/prod"]);
    assert_eq!(other_profile.code, 2, "{}", other_profile.transcript());
    assert!(other_profile.stderr.contains("this render is service `orders`, profile `prod` (k8s)"), "{}", other_profile.transcript());
    assert_eq!(contents(&dir), before, "A's folder changed");
}

#[test]
fn take_over_makes_the_folder_b_s_and_prunes_none_of_a_s_files() {
    let t = two_services();
    t.expect_args(&a_args(&[]), 0);
    let dir = t.path().join("deploy/prod");
    let a_files = contents(&dir);
    let done = t.expect_args(&b_args(&["--take-over"]), 0);
    assert!(done.stdout.contains("wrote"), "{}", done.transcript());
    assert_eq!(inventory(&dir)["owner"]["service_id"], "payments");
    // A's object files all survive (B's names differ: payments-*); only the shared
    // kustomization, inventory and contract documents were replaced.
    let now = contents(&dir);
    for (f, bytes) in &a_files {
        let shared = ["kustomization.yaml", "x07-topo.inventory.json", "binding.requirements.json"].contains(&f.as_str()) || f.starts_with("topology.preview");
        if !shared {
            assert_eq!(now.get(f), Some(bytes), "{f} of service orders was pruned or changed by the take-over");
        }
    }
    let b_owned: Vec<String> = inventory(&dir)["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
    assert!(b_owned.iter().all(|f| !f.contains("orders-")), "B's inventory must not claim A's files: {b_owned:?}");
    // Now B owns it: B renders without the flag, A is refused.
    t.expect_args(&b_args(&["--check"]), 0);
    t.expect_args(&a_args(&[]), 2);
}

#[test]
fn an_inventory_of_an_earlier_version_without_owner_is_adopted() {
    let t = two_services();
    t.expect_args(&a_args(&[]), 0);
    let dir = t.path().join("deploy/prod");
    let mut inv = inventory(&dir);
    inv.as_object_mut().unwrap().remove("owner");
    std::fs::write(dir.join("x07-topo.inventory.json"), serde_json::to_string_pretty(&inv).unwrap() + "\n").unwrap();
    // Stale (the inventory will gain its owner), not refused.
    t.expect_args(&a_args(&["--check"]), 1);
    t.expect_args(&a_args(&[]), 0);
    assert_eq!(inventory(&dir)["owner"]["service_id"], "orders");
}

#[test]
fn take_over_needs_an_output_folder() {
    let t = two_services();
    let out = t.run_args(&["render", "--profile", "prod-split", "--image", IMAGE, "--take-over"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
}
