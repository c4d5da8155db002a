//! `render --workspace` (SPEC §7.1) over the golden workspace `render-workspace-shop`: one
//! process renders every service × profile, the same bytes with one or two workers, `--check`
//! gives one exit code for all, kustomize builds each profile folder, services never share a
//! Secret, and `--namespace shop` puts every namespaced object in `shop`.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use support::{list_files, Test};

const CASE: &str = "render-workspace-shop";

fn render(t: &Test, extra: &[&str]) -> support::Output {
    let mut args = vec!["render", "--workspace", "--images", "images.json"];
    args.extend(extra);
    t.run_args(&args)
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

#[test]
fn one_and_two_workers_write_the_same_bytes() {
    let (one, two) = (Test::from_case(CASE), Test::from_case(CASE));
    assert_eq!(render(&one, &["--jobs", "1"]).code, 0);
    let out = render(&two, &["--jobs", "2"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let (a, b) = (tree(&one.path().join("deploy")), tree(&two.path().join("deploy")));
    assert!(a.len() >= 30, "only {} files", a.len());
    assert!(a == b, "--jobs 1 and --jobs 2 differ");
}

#[test]
fn check_gives_one_exit_code_for_the_whole_workspace() {
    let t = Test::from_case(CASE);
    assert_eq!(render(&t, &["--check"]).code, 1, "nothing written yet: stale");
    assert_eq!(render(&t, &[]).code, 0);
    let out = render(&t, &["--check", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let report = support::json_report(&out);
    assert_eq!(report["result"]["folders"].as_array().map(Vec::len), Some(8), "6 service folders and 2 profile folders");
    // One stale file in one service of one profile fails the whole run, and is named.
    let file = t.path().join("deploy/prod/orders/frontdoor/deployment-orders-frontdoor.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}# edited by hand\n")).unwrap();
    let out = render(&t, &["--check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let report = support::json_report(&out);
    let stale: Vec<&Value> = report["result"]["folders"].as_array().unwrap().iter().filter(|f| !f["stale"].as_array().unwrap().is_empty()).collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0]["out"], "deploy/prod/orders");
}

/// Every YAML document under `dir`, read with PyYAML; `None` without python3/PyYAML outside CI.
fn documents(dir: &Path) -> Option<Vec<(String, Value)>> {
    let ok = std::process::Command::new("python3").args(["-c", "import yaml"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("X07_TOPO_CI").is_none(), "PyYAML is required in CI");
        eprintln!("skipped: python3 with PyYAML is not available");
        return None;
    }
    let mut out = Vec::new();
    for f in list_files(dir).into_iter().filter(|f| f.ends_with(".yaml") && !f.ends_with("kustomization.yaml")) {
        let read = std::process::Command::new("python3")
            .args(["-c", "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))))", &dir.join(&f).to_string_lossy()])
            .output()
            .unwrap();
        assert!(read.status.success(), "{f}: {}", String::from_utf8_lossy(&read.stderr));
        out.push((f, serde_json::from_slice(&read.stdout).unwrap()));
    }
    Some(out)
}

/// Every Secret name a document refers to.
fn secret_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if (k == "secretRef" || k == "secretKeyRef") && x["name"].is_string() {
                    out.push(x["name"].as_str().unwrap().to_string());
                }
                secret_names(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| secret_names(x, out)),
        _ => {}
    }
}

#[test]
fn services_never_share_a_secret_and_namespace_shop_holds_everything() {
    let t = Test::from_case(CASE);
    let out = render(&t, &["--namespace", "shop"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let Some(docs) = documents(&t.path().join("deploy")) else { return };
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut kubernetes = 0;
    for (file, d) in &docs {
        let service = file.split('/').nth(1).unwrap().to_string();
        let mut secrets = Vec::new();
        secret_names(d, &mut secrets);
        for s in secrets {
            assert!(s.starts_with(&format!("{service}-")), "{file}: Secret {s} is not {service}'s");
            if let Some(other) = owner.insert(s.clone(), service.clone()) {
                assert_eq!(other, service, "Secret {s} is read by {other} and {service}");
            }
        }
        if d["apiVersion"].as_str().is_some_and(|a| a != "core.oam.dev/v1beta1") {
            kubernetes += 1;
            assert_eq!(d["metadata"]["namespace"], "shop", "{file}");
        }
    }
    assert!(kubernetes >= 10 && !owner.is_empty(), "{kubernetes} Kubernetes objects, {} Secrets", owner.len());
}

#[test]
fn kustomize_builds_each_profile_folder() {
    if !std::process::Command::new("kubectl").args(["version", "--client"]).output().is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("X07_TOPO_CI").is_none(), "kubectl is required in CI");
        eprintln!("skipped: kubectl is not on PATH");
        return;
    }
    let t = Test::from_case(CASE);
    assert_eq!(render(&t, &[]).code, 0);
    for profile in ["dev", "prod"] {
        let dir = t.path().join("deploy").join(profile);
        let built = std::process::Command::new("kubectl").arg("kustomize").arg(&dir).output().unwrap();
        let text = String::from_utf8_lossy(&built.stdout);
        assert!(built.status.success(), "kubectl kustomize deploy/{profile}: {}", String::from_utf8_lossy(&built.stderr));
        assert!(text.contains("name: orders-frontdoor"), "deploy/{profile} lacks a service:\n{text}");
        // The wadm service's folder is not listed: `kubectl apply -k` cannot apply a wadm Application.
        assert!(!text.contains("apiVersion: core.oam.dev/"), "deploy/{profile} builds a wadm Application:\n{text}");
        assert!(!text.contains("namespace: default"), "deploy/{profile} puts something in default");
    }
}

#[test]
fn check_workspace_checks_every_service_in_one_report() {
    let t = Test::from_case(CASE);
    let out = t.run_args(&["check", "--workspace", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let report = support::json_report(&out);
    let services = report["result"]["services"].as_array().unwrap();
    let ids: Vec<&str> = services.iter().map(|s| s["service_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["catalog", "orders", "payments"]);
    for s in services {
        let profiles: Vec<&str> = s["profiles"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(profiles, ["dev", "prod"], "{}", s["service_id"]);
        assert!(s["profiles"][1]["deployables"].as_array().is_some_and(|d| !d.is_empty()), "{s}");
    }
    // check writes nothing.
    assert!(!t.path().join("deploy").exists());
}

#[test]
fn check_workspace_reports_every_service_error_and_keeps_checking_the_others() {
    let t = Test::from_case(CASE);
    // A bad value in one service's profile: that service fails, the others are still lowered.
    let prod = t.path().join("services/catalog/arch/topology/prod.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&prod).unwrap()).unwrap();
    doc["placement"] = Value::String("sideways".into());
    std::fs::write(&prod, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = t.run_args(&["check", "--workspace", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let report = support::json_report(&out);
    let errors: Vec<&Value> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert!(!errors.is_empty() && errors.iter().all(|d| d["file"].as_str().unwrap().starts_with("services/catalog/")), "{errors:?}");
    let orders = report["result"]["services"].as_array().unwrap().iter().find(|s| s["service_id"] == "orders").unwrap();
    assert!(orders["profiles"][1]["deployables"].as_array().is_some_and(|d| !d.is_empty()), "orders still lowered: {orders}");
}

#[test]
fn check_workspace_finds_what_only_a_workspace_gets_wrong() {
    for (case, code) in [("workspace-err-duplicate-service", "XT024"), ("workspace-err-out-collision", "XT025"), ("workspace-err-folders", "XT961")] {
        let t = Test::from_case(case);
        let out = t.run_args(&["check", "--workspace", "--format", "json"]);
        assert_eq!(out.code, 1, "{case}: {}", out.transcript());
        let report = support::json_report(&out);
        assert!(report["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == code), "{case}: no {code}: {}", out.stdout);
    }
}

#[test]
fn diff_workspace_without_profiles_is_render_check() {
    let t = Test::from_case(CASE);
    let diff = |t: &Test| t.run_args(&["diff", "--workspace", "--images", "images.json", "--format", "json"]);
    let stale = diff(&t);
    assert_eq!(stale.code, 1, "nothing committed yet: {}", stale.transcript());
    assert_eq!(support::json_report(&stale)["ok"], false);
    assert_eq!(render(&t, &[]).code, 0);
    let clean = diff(&t);
    assert_eq!(clean.code, 0, "{}", clean.transcript());
    let check = render(&t, &["--check", "--format", "json"]);
    let (a, b) = (support::json_report(&clean), support::json_report(&check));
    assert_eq!(a["result"], b["result"], "diff --workspace and render --workspace --check report the same folders");
    assert_eq!(a["command"], "diff");
}

#[test]
fn diff_workspace_compares_two_profiles_of_every_service() {
    let t = Test::from_case(CASE);
    let out = t.run_args(&["diff", "--workspace", "--profile", "dev", "--profile", "prod", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let report = support::json_report(&out);
    let services = report["result"]["services"].as_array().unwrap();
    assert_eq!(services.len(), 3);
    for s in services {
        assert_eq!((s["from"].as_str(), s["to"].as_str()), (Some("dev"), Some("prod")), "{s}");
        let changes = s["changes"].as_array().unwrap();
        assert!(changes.iter().any(|c| c["field"] == "environment"), "{}: {changes:?}", s["service"]);
        // catalog's dev and prod resolve every binding by the same rule to the same
        // provider and values; that the rules sit in two files is no change.
        if s["service"] == "catalog" {
            assert!(!changes.iter().any(|c| c["field"] == "resolution"), "spurious resolution changes: {changes:?}");
        }
    }
    let human = t.run_args(&["diff", "--workspace", "--profile", "dev", "--profile", "prod"]);
    assert!(human.stdout.contains("== orders (services/orders)"), "{}", human.transcript());
}

/// Every path below `dir` (folders end with `/`) with its bytes: what "as it was" compares.
fn whole_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.map(|e| e.unwrap()) {
            let rel = e.path().strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &e.path(), out);
            } else {
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_workspace_render_that_fails_in_one_folder_changes_no_folder() {
    let t = Test::from_case(CASE);
    assert_eq!(render(&t, &[]).code, 0);
    // New images change every service folder; then the last service folder of prod cannot be
    // written (a folder where its descriptor goes), which the run finds only when it gets there.
    let images = r#"{"orders": "ghcr.io/acme/orders:9.9.9", "payments": {"frontdoor": "ghcr.io/acme/payments:9.9.9", "async": "ghcr.io/acme/payments-worker:9.9.9"}}"#;
    std::fs::write(t.path().join("images.json"), images).unwrap();
    let blocked = t.path().join("deploy/prod/payments/hosted.deployment.json");
    std::fs::remove_file(&blocked).unwrap();
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("keep"), "a folder where a file goes\n").unwrap();
    let before = whole_tree(&t.path().join("deploy"));
    let out = render(&t, &["--format", "json"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    let report = support::json_report(&out);
    let errors: Vec<&Value> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.iter().any(|d| d["message"].as_str().unwrap().contains("deploy/prod/payments/hosted.deployment.json")), "{errors:?}");
    assert!(whole_tree(&t.path().join("deploy")) == before, "a folder of the workspace changed although the run failed");

    // From scratch: the folders the run made are gone again.
    let fresh = Test::from_case(CASE);
    std::fs::create_dir_all(fresh.path().join("deploy/prod")).unwrap();
    std::fs::write(fresh.path().join("deploy/prod/payments"), "a file where a service folder goes\n").unwrap();
    let before = whole_tree(&fresh.path().join("deploy"));
    let out = render(&fresh, &[]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert!(whole_tree(&fresh.path().join("deploy")) == before, "left behind: {:?}", whole_tree(&fresh.path().join("deploy")).keys().collect::<Vec<_>>());
}
