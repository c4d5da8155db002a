//! Untrusted repositories (SPEC §7.2, issue #22): every test puts a repository in `repo/` of
//! its folder, beside a sibling folder, runs the binary from `repo/` on hostile input and
//! hashes the whole parent folder's tree before and after: nothing outside the allowed place
//! (`--out DIR`, or the workspace's folder) changes, and a refused run changes nothing at all.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{copy_tree, json_report, repo_root, tree, Output, Test};

const SKIP: &[&str] = &["expected", "args", "formats", "README", "hold-lock", "written"];


/// The entries that differ between `before` and now, outside `allowed` (a prefix).
fn changed_outside(before: &BTreeMap<String, String>, parent: &Path, allowed: Option<&str>) -> Vec<String> {
    let after = tree(parent);
    let inside = |k: &str| allowed.is_some_and(|a| k == a || k.starts_with(&format!("{a}/")));
    before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k) && !inside(k)).cloned().collect::<std::collections::BTreeSet<_>>().into_iter().collect()
}

/// A test folder holding golden case `case` as `repo/` and a sibling folder with a file.
fn repository(case: &str) -> Test {
    let t = Test::new().file("sibling/keep.txt", "not x07-topo's\n").cwd("repo");
    copy_tree(&repo_root().join("golden").join(case), &t.path().join("repo"), SKIP);
    t
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn codes(out: &Output) -> Vec<String> {
    json_report(out)["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// Runs `args` (with `--format json`), expecting exit `code`, diagnostic `want` among the
/// report's, and the parent folder unchanged outside `allowed`; returns the output.
fn refused(t: &Test, args: &[&str], want: &str, allowed: Option<&str>) -> Output {
    refused_with(t, args, 1, want, allowed)
}

fn refused_with(t: &Test, args: &[&str], code: i32, want: &str, allowed: Option<&str>) -> Output {
    let before = tree(t.path());
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let out = t.run_args(&full);
    assert_eq!(out.code, code, "{args:?}\n{}", out.transcript());
    assert!(codes(&out).iter().any(|c| c == want), "{want} expected:\n{}", out.transcript());
    let changed = changed_outside(&before, t.path(), allowed);
    assert!(changed.is_empty(), "{args:?} changed {changed:?} outside {allowed:?}:\n{}", out.transcript());
    out
}

const SHOP: &str = "render-workspace-shop";

/// Sets `orders`' service_id (and its images entry) in the shop workspace of `t`, and the layout.
fn set_orders_id(t: &Test, id: &str, out: Option<&str>) {
    let repo = t.path().join("repo");
    edit_json(&repo.join("services/orders/arch/service/index.x07service.json"), |m| m["service_id"] = id.into());
    edit_json(&repo.join("images.json"), |m| {
        let orders = m.as_object_mut().unwrap().remove("orders").unwrap();
        m[id] = orders;
    });
    if let Some(layout) = out {
        edit_json(&repo.join("x07-topo.workspace.json"), |w| w["out"] = layout.into());
    }
}

fn shop_with_orders_id(id: &str, out: Option<&str>) -> Test {
    let t = repository(SHOP);
    set_orders_id(&t, id, out);
    t
}

#[test]
fn defect1_a_service_id_cannot_lead_workspace_output_out_of_its_place() {
    let render = ["render", "--workspace", "--images", "images.json"];
    // `..` through the default layout.
    let t = shop_with_orders_id("x/../../../../escaped", None);
    let out = refused(&t, &render, "XT026", None);
    assert!(out.stdout.contains("not a plain folder name"), "{}", out.stdout);
    // An absolute service_id with the service first in the layout.
    let t = repository(SHOP);
    let absolute = t.path().join("escaped-absolute");
    set_orders_id(&t, &absolute.to_string_lossy(), Some("{service}/{profile}"));
    refused(&t, &render, "XT026", None);
    assert!(!absolute.exists());
    // `payments/async` would land in the folder of the service `payments`.
    let t = shop_with_orders_id("payments/async", None);
    refused(&t, &render, "XT026", None);
    // The same checks guard `check` and `diff`, which write nothing but must agree.
    let t = shop_with_orders_id("../escaped", None);
    refused(&t, &["check", "--workspace"], "XT026", None);
}

#[test]
fn defect2_a_profile_id_is_one_plain_name() {
    let t = repository(SHOP);
    let repo = t.path().join("repo");
    edit_json(&repo.join("services/orders/arch/service/index.x07service.json"), |m| m["topology_profiles"][0]["id"] = "..".into());
    edit_json(&repo.join("x07-topo.workspace.json"), |w| {
        w["services"] = serde_json::json!(["services/orders"]);
        w["profiles"] = serde_json::json!([".."]);
        w["out"] = "{profile}/{service}".into();
    });
    edit_json(&repo.join("images.json"), |m| m.as_object_mut().unwrap().retain(|k, _| k == "orders"));
    refused(&t, &["render", "--workspace", "--images", "images.json"], "XT127", None);
    // Without a workspace too: the manifest itself is refused.
    let t = repository(SHOP).cwd("repo/services/orders");
    edit_json(&t.path().join("repo/services/orders/arch/service/index.x07service.json"), |m| m["topology_profiles"][1]["id"] = "/etc".into());
    refused(&t, &["check"], "XT127", None);
}

#[test]
fn defect4_a_backtracking_glob_is_answered_at_once() {
    let t = repository(SHOP);
    let repo = t.path().join("repo");
    std::fs::create_dir_all(repo.join("services").join("a".repeat(250))).unwrap();
    edit_json(&repo.join("x07-topo.workspace.json"), |w| w["services"] = serde_json::json!(["services/*", "services/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"]));
    let start = Instant::now();
    // A glob that matches nothing is error XT021 (issue 27; it was warning XT023).
    let out = refused(&t, &["check", "--workspace", "--deny-warnings"], "XT021", None);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    assert!(codes(&out).iter().filter(|c| *c == "XT021").count() == 1);
}

const CHAIN: &str = "render-k8s-extends-chain";

fn chain_with_extends(extends: &str) -> Test {
    let t = repository(CHAIN);
    edit_json(&t.path().join("repo/arch/topology/prod.json"), |p| p["extends"] = extends.into());
    t
}

#[test]
fn defect5_devices_fifos_and_huge_files_are_never_read() {
    let render = ["render", "--profile", "prod"];
    let start = Instant::now();
    refused(&chain_with_extends("/dev/zero"), &render, "XT013", None);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    // Inside the repository: a FIFO (never opened, so nothing blocks) and a 65 MB file.
    let t = chain_with_extends("pipe");
    let status = std::process::Command::new("mkfifo").arg(t.path().join("repo/arch/topology/pipe.json")).status().unwrap();
    assert!(status.success());
    let start = Instant::now();
    refused(&t, &render, "XT014", None);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    let t = chain_with_extends("big");
    std::fs::File::create(t.path().join("repo/arch/topology/big.json")).unwrap().set_len(65 << 20).unwrap();
    refused(&t, &render, "XT015", None);
    // --manifest names a device: refused, not read.
    let t = repository(CHAIN);
    refused(&t, &["check", "--manifest", "/dev/zero"], "XT014", None);
}

#[test]
fn defect6_no_file_outside_the_repository_is_read_or_quoted() {
    let canary = "x07-canary-7f3a9c";
    let render = ["render", "--profile", "prod"];
    let t = chain_with_extends("/proc/self/environ").env("X07_CANARY", canary);
    let out = refused(&t, &render, "XT013", None);
    let human = t.run_args(&render);
    for text in [&out.stdout, &out.stderr, &human.stdout, &human.stderr] {
        assert!(!text.contains(canary), "the environment was quoted:\n{text}");
    }
    // A target outside: never read, so never quoted.
    let t = repository(CHAIN);
    edit_json(&t.path().join("repo/arch/topology/prod.json"), |p| p["target"] = "../../../../../../../../etc/passwd".into());
    let out = refused(&t, &render, "XT013", None);
    assert!(!out.stdout.contains("root:") && !t.run_args(&render).stderr.contains("root:"), "{}", out.transcript());
    // A valid profile just outside the repository is not used.
    let t = chain_with_extends("../../../outside.json");
    std::fs::copy(t.path().join("repo/arch/topology/base.json"), t.path().join("outside.json")).unwrap();
    refused(&t, &render, "XT013", None);
    // A file inside that is not JSON from its first character is not quoted either.
    let t = chain_with_extends("./notes.env");
    std::fs::write(t.path().join("repo/arch/topology/notes.env"), format!("TOKEN={canary}\n")).unwrap();
    let out = refused(&t, &render, "XT003", None);
    let human = t.run_args(&render);
    assert!(!out.stdout.contains(canary) && !human.stderr.contains(canary), "{}\n{}", out.transcript(), human.transcript());
    // A link inside the repository that leads outside is outside.
    let t = chain_with_extends("./linked.json");
    std::fs::copy(t.path().join("repo/arch/topology/base.json"), t.path().join("sibling/base.json")).unwrap();
    std::os::unix::fs::symlink("../../../sibling/base.json", t.path().join("repo/arch/topology/linked.json")).unwrap();
    refused(&t, &render, "XT013", None);
    // --images of a workspace: inside the workspace's folder.
    let t = repository(SHOP);
    std::fs::copy(t.path().join("repo/images.json"), t.path().join("images.json")).unwrap();
    refused(&t, &["render", "--workspace", "--images", "../images.json"], "XT013", None);
}

#[test]
fn an_extends_chain_has_a_depth_limit() {
    let t = repository(CHAIN);
    let topology = t.path().join("repo/arch/topology");
    for i in 0..40 {
        let text = format!(r#"{{"schema_version": "x07.topology.profile@0.1.0", "id": "c{i}", "extends": "c{}"}}"#, i + 1);
        std::fs::write(topology.join(format!("c{i}.json")), text).unwrap();
    }
    edit_json(&topology.join("prod.json"), |p| p["extends"] = "c0".into());
    let out = refused(&t, &["render", "--profile", "prod"], "XT240", None);
    assert!(out.stdout.contains("more than 32 parents"), "{}", out.stdout);
}

#[test]
fn threads_that_are_not_a_number_are_a_usage_error() {
    let t = repository(CHAIN).env("X07_TOPO_THREADS", "abc");
    let before = tree(t.path());
    let out = t.run_args(&["check", "--profile", "prod"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert!(out.stderr.contains("X07_TOPO_THREADS") && out.stderr.contains("abc"), "{}", out.transcript());
    let json = t.run_args(&["check", "--profile", "prod", "--format", "json"]);
    assert_eq!((json.code, codes(&json)), (2, vec!["XT902".to_string()]), "{}", json.transcript());
    assert!(changed_outside(&before, t.path(), None).is_empty());
}

#[test]
fn a_linked_service_folder_is_found_by_glob_as_by_name_and_read_only_inside() {
    // Inside the workspace: a glob finds it, as naming it does.
    let t = repository(SHOP);
    let repo = t.path().join("repo");
    std::fs::rename(repo.join("services/orders"), repo.join("orders-real")).unwrap();
    std::os::unix::fs::symlink("../orders-real", repo.join("services/orders")).unwrap();
    let before = tree(t.path());
    let out = t.run_args(&["render", "--workspace", "--images", "images.json", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(repo.join("deploy/prod/orders/kustomization.yaml").is_file(), "{}", out.transcript());
    assert!(changed_outside(&before, t.path(), Some("repo/deploy")).is_empty());
    // Outside the workspace: refused, whether globbed or named.
    let t = repository(SHOP);
    let repo = t.path().join("repo");
    std::fs::rename(repo.join("services/orders"), t.path().join("sibling/orders")).unwrap();
    std::os::unix::fs::symlink("../../sibling/orders", repo.join("services/orders")).unwrap();
    refused(&t, &["check", "--workspace"], "XT013", None);
    edit_json(&repo.join("x07-topo.workspace.json"), |w| w["services"] = serde_json::json!(["services/orders", "services/payments"]));
    refused(&t, &["check", "--workspace"], "XT013", None);
}

#[test]
fn defect3_a_file_the_inventory_does_not_own_is_a_conflict_not_overwritten() {
    let t = repository(CHAIN);
    let repo = t.path().join("repo");
    std::fs::create_dir_all(repo.join("deploy/prod")).unwrap();
    std::fs::write(repo.join("deploy/prod/kustomization.yaml"), "resources: [frontdoor]\npatches:\n- path: mine.yaml\n").unwrap();
    std::fs::write(repo.join("deploy/prod/binding.requirements.json"), "{\"mine\": true}\n").unwrap();
    let render = ["render", "--profile", "prod", "--out", "deploy/prod"];
    let out = refused_with(&t, &render, 2, "XT916", None);
    for file in ["deploy/prod/kustomization.yaml", "deploy/prod/binding.requirements.json"] {
        assert!(out.stdout.contains(file), "{file} should be named:\n{}", out.stdout);
    }
    // `--check` and `diff --against` agree that the folder is not this render's to write.
    refused_with(&t, &["render", "--profile", "prod", "--check", "--out", "deploy/prod"], 2, "XT916", None);
    // A workspace's profile folder: a hand-written kustomization is not replaced either.
    let t = repository(SHOP);
    let repo = t.path().join("repo");
    std::fs::create_dir_all(repo.join("deploy/prod")).unwrap();
    std::fs::write(repo.join("deploy/prod/kustomization.yaml"), "resources: [orders]\npatches:\n- path: mine.yaml\n").unwrap();
    refused_with(&t, &["render", "--workspace", "--images", "images.json"], 2, "XT916", None);
    // Files that already hold exactly what the render writes are taken on, not refused.
    let t = repository(CHAIN);
    t.expect_args(&["render", "--profile", "prod", "--out", "a"], 0);
    let repo = t.path().join("repo");
    copy_tree(&repo.join("a"), &repo.join("b"), &["x07-topo.inventory.json"]);
    let before = tree(t.path());
    t.expect_args(&["render", "--profile", "prod", "--out", "b"], 0);
    assert!(changed_outside(&before, t.path(), Some("repo/b")).is_empty());
    assert!(repo.join("b/x07-topo.inventory.json").is_file());
}

/// A repository rendered into its own root (`--out .`), with a git folder and `files` planted.
fn rendered_into_root() -> (Test, std::path::PathBuf) {
    let t = repository(CHAIN);
    let repo = t.path().join("repo");
    for (file, text) in [(".git/HEAD", "ref: refs/heads/main\n"), (".git/config", "[core]\n\trepositoryformatversion = 0\n")] {
        std::fs::create_dir_all(repo.join(file).parent().unwrap()).unwrap();
        std::fs::write(repo.join(file), text).unwrap();
    }
    t.expect_args(&["render", "--profile", "prod", "--out", "."], 0);
    (t, repo)
}

#[test]
fn defect9_a_planted_journal_or_a_tampered_inventory_deletes_nothing() {
    let render = ["render", "--profile", "prod", "--out", "."];
    let journal = |prunes: &[&str], moves: &[&str]| serde_json::json!({"schema_version": "x07.topo.journal@0.2.0", "moves": moves, "prunes": prunes}).to_string();
    for (prunes, moves) in [
        (&[".git/HEAD", ".git/config", "arch/service/index.x07service.json"][..], &[][..]),
        (&["arch/service/index.x07service.json"][..], &[][..]),
        (&["notes.yaml"][..], &[][..]),
        (&[][..], &["arch/topology/prod.json"][..]),
    ] {
        let (t, repo) = rendered_into_root();
        std::fs::write(repo.join("notes.yaml"), "mine\n").unwrap();
        std::fs::create_dir_all(repo.join(".x07-topo-staging/tree/arch/topology")).unwrap();
        std::fs::write(repo.join(".x07-topo-staging/tree/arch/topology/prod.json"), "{}\n").unwrap();
        std::fs::write(repo.join(".x07-topo-staging/journal.json"), journal(prunes, moves)).unwrap();
        let out = refused_with(&t, &render, 2, "XT917", None);
        assert!(out.stdout.contains(".x07-topo-staging/journal.json"), "{}", out.stdout);
        refused_with(&t, &["render", "--profile", "prod", "--check", "--out", "."], 2, "XT917", None);
        // A damaged journal is refused too, not thrown away silently.
        std::fs::write(repo.join(".x07-topo-staging/journal.json"), "{\"schema_version\": \"x07.topo.journal@0.2.0\"").unwrap();
        refused_with(&t, &render, 2, "XT917", None);
    }
    // An inventory with extra entries: refused, whatever it lists.
    for extra in [".git/config", "arch/service/index.x07service.json", "README.md"] {
        let (t, repo) = rendered_into_root();
        edit_json(&repo.join("x07-topo.inventory.json"), |i| i["files"].as_array_mut().unwrap().push(extra.into()));
        let out = refused_with(&t, &render, 2, "XT917", None);
        assert!(out.stdout.contains(extra), "{}", out.stdout);
    }
    // A render's staging folder ignores itself in git.
    let (_t, repo) = rendered_into_root();
    assert!(!repo.join(".x07-topo-staging").exists(), "a finished render leaves no staging folder");
}

#[test]
fn defect8_two_bindings_cannot_give_one_container_the_same_variable() {
    let t = repository(CHAIN);
    let repo = t.path().join("repo");
    edit_json(&repo.join("arch/service/index.x07service.json"), |m| {
        m["resource_bindings"].as_array_mut().unwrap().push(serde_json::json!({"name": "db", "kind": "secret"}));
        for c in m["cells"].as_array_mut().unwrap() {
            if c["binding_refs"].as_array().is_some_and(|r| r.iter().any(|b| b == "db.primary")) {
                c["binding_refs"].as_array_mut().unwrap().push("db".into());
            }
        }
    });
    edit_json(&repo.join("arch/topology/prod.json"), |p| p["bindings"] = serde_json::json!({"db": {"secret": "legacy-db", "keys": {"PRIMARY_DSN": "dsn"}}}));
    let out = refused(&t, &["check", "--profile", "prod", "--deny-warnings"], "XT241", None);
    assert!(out.stdout.contains("X07_BINDING_DB_PRIMARY_DSN"), "{}", out.stdout);
    refused(&t, &["render", "--profile", "prod", "--out", "deploy"], "XT241", None);
}

#[test]
fn defect11_a_profile_env_entry_cannot_repeat_a_variable_the_compiler_sets() {
    for name in ["OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT", "X07_WORKLOAD_CELL_KEY"] {
        let t = repository(CHAIN);
        edit_json(&t.path().join("repo/arch/topology/prod.json"), |p| p["groups"]["frontdoor"]["env"] = serde_json::json!({ name: "mine" }));
        let out = refused(&t, &["render", "--profile", "prod", "--out", "deploy"], "XT238", None);
        assert!(out.stdout.contains(name), "{}", out.stdout);
    }
}

/// Two copies of a strimzi service (`payments`, `payments-b`: their own KafkaUsers) in a workspace.
fn two_services_one_topic() -> Test {
    let t = Test::new().file("sibling/keep.txt", "not x07-topo's\n").cwd("repo");
    let repo = t.path().join("repo");
    for (folder, id, suffix) in [("a", "payments", ""), ("b", "payments-b", "-b")] {
        let dir = repo.join("services").join(folder);
        copy_tree(&repo_root().join("golden/render-bindings-shared-topic-k8s"), &dir, SKIP);
        edit_json(&dir.join("arch/service/index.x07service.json"), |m| m["service_id"] = id.into());
        edit_json(&dir.join("arch/topology/prod.json"), |p| {
            for b in ["msg.orders", "msg.audit"] {
                let user = p["bindings"][b]["params"]["user"].as_str().unwrap().to_string();
                p["bindings"][b]["params"]["user"] = format!("{user}{suffix}").into();
            }
        });
    }
    let ws = serde_json::json!({"schema_version": "x07.topo.workspace@0.1.0", "services": ["services/*"], "profiles": ["prod"]});
    std::fs::write(repo.join("x07-topo.workspace.json"), ws.to_string()).unwrap();
    t
}

#[test]
fn defect10_two_workspace_services_cannot_both_emit_one_kafka_topic() {
    let t = two_services_one_topic();
    let out = refused(&t, &["check", "--workspace"], "XT027", None);
    assert!(out.stdout.contains("`payments`") && out.stdout.contains("`payments-b`") && out.stdout.contains("KafkaTopic"), "{}", out.stdout);
    refused(&t, &["render", "--workspace"], "XT027", None);
    // One profile says which service owns the topics: the other emits none, and it renders.
    edit_json(&t.path().join("repo/services/b/arch/topology/prod.json"), |p| {
        for b in ["msg.orders", "msg.audit"] {
            p["bindings"][b]["params"]["topics_owned_by"] = "payments".into();
        }
    });
    let before = tree(t.path());
    let out = t.run_args(&["render", "--workspace", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(changed_outside(&before, t.path(), Some("repo/deploy")).is_empty());
    let topics = |service: &str| support::list_files(&t.path().join("repo/deploy/prod").join(service)).into_iter().filter(|f| f.contains("kafkatopic")).count();
    assert!(topics("payments") > 0 && topics("payments-b") == 0, "a: {}, b: {}", topics("payments"), topics("payments-b"));
}

/// The CRD files a target names (`k8s.crds`, issue 25) are read like every file an input names:
/// inside the repository by real path, regular files only, and a hostile YAML file stops at the
/// reader's budget.
#[test]
fn crd_files_a_target_names_stay_inside_the_repository() {
    const CASE: &str = "render-bindings-crossplane-crd-k8s";
    let check = ["check", "--profile", "prod"];
    let name_crd = |t: &Test, path: &str| edit_json(&t.path().join("repo/arch/topology/targets/platform.json"), |v| v["k8s"]["crds"] = serde_json::json!([{ "path": path }]));
    let crd = "platform.example.org_postgresqlinstances.yaml";
    // A link inside the repository that leads to a CRD outside it: refused unread.
    let t = repository(CASE);
    std::fs::copy(t.path().join("repo/arch/topology/crds").join(crd), t.path().join("sibling").join(crd)).unwrap();
    std::os::unix::fs::symlink(format!("../../../../sibling/{crd}"), t.path().join("repo/arch/topology/crds/linked.yaml")).unwrap();
    name_crd(&t, "../crds/linked.yaml");
    refused(&t, &check, "XT013", None);
    // `..` out of the repository, and a device.
    name_crd(&t, &format!("../../../../sibling/{crd}"));
    refused(&t, &check, "XT013", None);
    name_crd(&t, "/dev/zero");
    refused(&t, &check, "XT013", None);
    // A FIFO inside is never opened, so nothing blocks.
    let t = repository(CASE);
    assert!(std::process::Command::new("mkfifo").arg(t.path().join("repo/arch/topology/crds/pipe.yaml")).status().unwrap().success());
    name_crd(&t, "../crds/pipe.yaml");
    let start = Instant::now();
    refused(&t, &check, "XT014", None);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    // An alias bomb (10^7 nodes once expanded) stops at the YAML budget at once.
    let t = repository(CASE);
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..8 {
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
    }
    std::fs::write(t.path().join("repo/arch/topology/crds/bomb.yaml"), bomb).unwrap();
    name_crd(&t, "../crds/bomb.yaml");
    let start = Instant::now();
    refused(&t, &check, "XT253", None);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    // A link that stays inside is followed, and the claim validated against the CRD it reaches.
    let t = repository(CASE);
    std::os::unix::fs::symlink(crd, t.path().join("repo/arch/topology/crds/current.yaml")).unwrap();
    name_crd(&t, "../crds/current.yaml");
    let out = t.run_args(&["explain", "--profile", "prod"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("claim     validated against arch/topology/targets/../crds/current.yaml"), "{}", out.transcript());
}
