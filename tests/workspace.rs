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
        assert!(text.contains("name: orders-frontdoor") && text.contains("kind: Application"), "deploy/{profile} lacks a service:\n{text}");
        assert!(!text.contains("namespace: default"), "deploy/{profile} puts something in default");
    }
}
