//! The GitOps integrations, run the way their tools run them: the Argo CD Config Management
//! Plugin (`integrations/argocd/plugin.yaml`) as the cmp-server runs `generate`, and the
//! pre-commit hooks (`.pre-commit-hooks.yaml`) as pre-commit runs an `entry`. Both read YAML
//! with PyYAML (python3), as tests/yaml11.rs does; CI installs it.

mod support;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::{copy_tree, repo_root};

fn pyyaml_available() -> bool {
    Command::new("python3").args(["-c", "import yaml"]).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Every YAML document of `text`, as JSON (PyYAML's safe loader).
fn yaml_documents(text: &str) -> Value {
    let mut child = Command::new("python3")
        .args(["-c", "import json, sys, yaml\nprint(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "not YAML: {}\n{text}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `false` (and a note) when PyYAML is missing outside CI.
fn can_run() -> bool {
    if pyyaml_available() {
        return true;
    }
    assert!(std::env::var_os("X07_TOPO_CI").is_none(), "PyYAML is required in CI");
    eprintln!("skipped: python3 with PyYAML is not available");
    false
}

/// The folder whose `x07-topo` the integrations run: `X07_TOPO_BIN_DIR` when set (.ci/run sets
/// it to the `bin` folder of a venv where the wheel was installed, so the hooks run through
/// that install, as pre-commit would run them), else the folder of the binary cargo built.
fn bin_dir() -> PathBuf {
    match std::env::var_os("X07_TOPO_BIN_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(dir.join("x07-topo").is_file(), "X07_TOPO_BIN_DIR={} holds no x07-topo", dir.display());
            dir
        }
        None => Path::new(support::binary()).parent().unwrap().to_path_buf(),
    }
}

/// A PATH with `bin_dir()` first, so `x07-topo` is found by name.
fn path_with_binary() -> std::ffi::OsString {
    let bin_dir = bin_dir();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&rest))).unwrap()
}

/// A scratch copy of the bundled example service (what the cmp-server clones).
fn scratch_example() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let service = dir.path().join("orders");
    copy_tree(&repo_root().join("examples/orders"), &service, &[]);
    (dir, service)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(argv: &[String], cwd: &Path, env: &[(&str, &str)]) -> Run {
    // The cmp-server and pre-commit give the command a small environment of their own.
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]).current_dir(cwd).env_clear().env("PATH", path_with_binary()).env("HOME", cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {argv:?}: {e}"));
    Run { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: String::from_utf8_lossy(&out.stderr).into() }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")).to_string()).collect()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Argo CD Config Management Plugin
// ---------------------------------------------------------------------------------------

fn plugin() -> Value {
    let text = std::fs::read_to_string(repo_root().join("integrations/argocd/plugin.yaml")).unwrap();
    let docs = yaml_documents(&text);
    assert_eq!(docs.as_array().map(Vec::len), Some(1), "plugin.yaml holds one document");
    let p = docs[0].clone();
    assert_eq!(p["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(p["kind"], "ConfigManagementPlugin");
    assert!(p["metadata"]["name"].is_string(), "the plugin has a name");
    p
}

/// `generate.command` followed by `generate.args`: what the cmp-server executes.
fn generate_argv(p: &Value) -> Vec<String> {
    let mut argv = strings(&p["spec"]["generate"]["command"]);
    assert!(!argv.is_empty(), "generate.command is empty");
    argv.extend(strings(&p["spec"]["generate"]["args"]));
    argv
}

#[test]
fn argocd_plugin_discovers_an_x07_service() {
    if !can_run() {
        return;
    }
    let p = plugin();
    let file = p["spec"]["discover"]["fileName"].as_str().expect("discover.fileName");
    let (_dir, service) = scratch_example();
    assert!(service.join(file).is_file(), "discover.fileName {file} matches nothing in the example service");
    let empty = tempfile::tempdir().unwrap();
    assert!(!empty.path().join(file).exists(), "discover must not match a folder without a manifest");
}

#[test]
fn argocd_plugin_generate_prints_the_service_objects() {
    if !can_run() {
        return;
    }
    let argv = generate_argv(&plugin());
    let (_dir, service) = scratch_example();
    let env = [
        ("ARGOCD_APP_NAME", "orders-prod"),
        ("ARGOCD_APP_NAMESPACE", "shop"),
        ("ARGOCD_ENV_X07_PROFILE", "prod"),
        ("ARGOCD_ENV_X07_IMAGE", "ghcr.io/acme/orders:1.4.2"),
    ];
    let out = run(&argv, &service, &env);
    assert_eq!(out.code, 0, "generate failed:\n{}", out.stderr);
    let docs = yaml_documents(&out.stdout);
    let docs = docs.as_array().unwrap();
    assert!(docs.len() >= 3, "too few documents:\n{}", out.stdout);
    for d in docs {
        assert!(d["apiVersion"].is_string() && d["kind"].is_string() && d["metadata"]["name"].is_string(), "not a Kubernetes object: {d}");
        assert_eq!(d["metadata"]["namespace"], "shop", "ARGOCD_APP_NAMESPACE is the namespace: {d}");
    }
    // Exactly what `x07-topo render` prints for the same inputs.
    let direct = run(
        &["x07-topo", "render", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--namespace", "shop"].map(String::from),
        &service,
        &[],
    );
    assert_eq!(out.stdout, direct.stdout);

    // Several images, per deployable; X07_NAMESPACE wins over the destination namespace.
    let env = [
        ("ARGOCD_APP_NAMESPACE", "shop"),
        ("ARGOCD_ENV_X07_NAMESPACE", "orders"),
        ("ARGOCD_ENV_X07_PROFILE", "prod-split"),
        ("ARGOCD_ENV_X07_IMAGE", "ghcr.io/acme/orders:1.4.2 events=ghcr.io/acme/orders-events:1.4.2"),
    ];
    let out = run(&argv, &service, &env);
    assert_eq!(out.code, 0, "generate failed:\n{}", out.stderr);
    assert!(out.stdout.contains("image: ghcr.io/acme/orders-events:1.4.2"), "{}", out.stdout);
    assert!(yaml_documents(&out.stdout).as_array().unwrap().iter().all(|d| d["metadata"]["namespace"] == "orders"));
}

#[test]
fn argocd_plugin_generate_fails_clearly() {
    if !can_run() {
        return;
    }
    let argv = generate_argv(&plugin());
    let (_dir, service) = scratch_example();
    let out = run(&argv, &service, &[]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("X07_PROFILE"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    // x07-topo's own errors reach Argo CD with its exit code.
    let out = run(&argv, &service, &[("ARGOCD_ENV_X07_PROFILE", "prod"), ("ARGOCD_APP_NAMESPACE", "Not_A_Namespace")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("XT960"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn argocd_plugin_reads_only_files_of_the_checkout() {
    if !can_run() {
        return;
    }
    let argv = generate_argv(&plugin());
    let (dir, service) = scratch_example();
    std::fs::write(dir.path().join("outside.json"), "{}").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", service.join("linked.json")).unwrap();
    let canary = "x07-canary-plugin-5e1d";
    let hostile: &[(&str, &str)] = &[
        ("ARGOCD_ENV_X07_MANIFEST", "/proc/self/environ"),
        ("ARGOCD_ENV_X07_MANIFEST", "../outside.json"),
        ("ARGOCD_ENV_X07_MANIFEST", "linked.json"),
        ("ARGOCD_ENV_X07_PROFILE", "/etc/passwd"),
        ("ARGOCD_ENV_X07_PROFILE", "arch/../../outside.json"),
        ("ARGOCD_ENV_X07_PROFILE", "linked.json"),
    ];
    for &(name, value) in hostile {
        let mut env = vec![("ARGOCD_ENV_X07_PROFILE", "prod"), ("ARGOCD_ENV_X07_IMAGE", "ghcr.io/acme/orders:1.4.2"), ("X07_CANARY", canary)];
        env.retain(|(k, _)| *k != name);
        env.push((name, value));
        let out = run(&argv, &service, &env);
        assert_eq!(out.code, 2, "{name}={value}: {}", out.stderr);
        assert!(out.stderr.contains("leaves the checkout") && out.stdout.is_empty(), "{name}={value}: {}", out.stderr);
        assert!(!out.stderr.contains(canary) && !out.stderr.contains("root:"), "{name}={value} quoted a file: {}", out.stderr);
    }
    // Paths inside still work.
    std::fs::create_dir_all(service.join("arch/topology")).unwrap();
    std::fs::write(service.join("arch/topology/prod.json"), r#"{"schema_version": "x07.topology.profile@0.1.0", "id": "prod"}"#).unwrap();
    let env = [("ARGOCD_ENV_X07_PROFILE", "arch/topology/prod.json"), ("ARGOCD_ENV_X07_MANIFEST", "arch/service/index.x07service.json"), ("ARGOCD_ENV_X07_IMAGE", "ghcr.io/acme/orders:1.4.2")];
    let out = run(&argv, &service, &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------
// pre-commit hooks
// ---------------------------------------------------------------------------------------

fn hooks() -> Vec<Value> {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let docs = yaml_documents(&text);
    let hooks = docs[0].as_array().cloned().expect(".pre-commit-hooks.yaml is a list of hooks");
    for h in &hooks {
        for key in ["id", "name", "entry", "language"] {
            assert!(h[key].is_string(), "hook {h} has no {key}");
        }
        assert_eq!(h["pass_filenames"], false, "x07-topo reads the whole service, not file names: {h}");
        // pre-commit installs the root pyproject.toml, which pulls the prebuilt wheel: no
        // hook compiles x07-topo (tests/packaging.rs checks that package's pin).
        assert_eq!(h["language"], "python", "{h}");
    }
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["x07-topo-check", "x07-topo-render-check", "x07-topo-workspace-check", "x07-topo-workspace-render-check"], "hook ids are what users' configs name: keep them");
    hooks
}

/// The hooks run the `x07-topo` of `bin_dir()`: the venv's when CI points there.
#[test]
fn pre_commit_hooks_run_the_binary_of_bin_dir() {
    if !can_run() {
        return;
    }
    let (_dir, service) = scratch_example();
    let out = run(&["sh", "-c", "command -v x07-topo"].map(String::from), &service, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(Path::new(out.stdout.trim()), bin_dir().join("x07-topo"));
}

/// What pre-commit runs for a hook: its `entry`, split, then the user's `args`.
fn hook_argv(hooks: &[Value], id: &str, args: &[&str]) -> Vec<String> {
    let hook = hooks.iter().find(|h| h["id"] == id).unwrap_or_else(|| panic!("no hook {id}"));
    hook["entry"].as_str().unwrap().split_whitespace().map(String::from).chain(args.iter().map(|s| s.to_string())).collect()
}

#[test]
fn pre_commit_check_hook_passes_good_and_fails_bad_services() {
    if !can_run() {
        return;
    }
    let hooks = hooks();
    let argv = hook_argv(&hooks, "x07-topo-check", &[]);
    let (_dir, service) = scratch_example();
    let out = run(&argv, &service, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let manifest = service.join("arch/service/index.x07service.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("\"cells\"", "\"celsl\"", 1)).unwrap();
    let out = run(&argv, &service, &[]);
    assert_eq!(out.code, 1, "a broken manifest must fail the hook:\n{}", out.stderr);
}

#[test]
fn pre_commit_render_check_hook_fails_on_stale_output() {
    if !can_run() {
        return;
    }
    let hooks = hooks();
    let user_args = ["--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--out", "deploy/prod"];
    let argv = hook_argv(&hooks, "x07-topo-render-check", &user_args);
    let (_dir, service) = scratch_example();
    // Nothing committed yet: stale.
    assert_eq!(run(&argv, &service, &[]).code, 1);
    let render: Vec<String> = ["x07-topo", "render"].iter().chain(user_args.iter()).map(|s| s.to_string()).collect();
    assert_eq!(run(&render, &service, &[]).code, 0);
    let out = run(&argv, &service, &[]);
    assert_eq!(out.code, 0, "fresh output must pass:\n{}{}", out.stdout, out.stderr);
    // Someone edits the rendered output by hand: the hook fails with a diff.
    let deployment = service.join("deploy/prod/frontdoor/deployment-orders-frontdoor.yaml");
    let text = std::fs::read_to_string(&deployment).unwrap_or_else(|e| panic!("{}: {e}", deployment.display()));
    std::fs::write(&deployment, text.replacen("x07-topo", "kubectl", 1)).unwrap();
    let out = run(&argv, &service, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("deployment-orders-frontdoor.yaml"), "{}", out.stdout);
}

#[test]
fn pre_commit_workspace_hooks_check_every_service_and_fail_on_stale_output() {
    if !can_run() {
        return;
    }
    let hooks = hooks();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("shop");
    copy_tree(&repo_root().join("golden/render-workspace-shop"), &repo, &["expected", "args", "README", "written"]);
    let check = hook_argv(&hooks, "x07-topo-workspace-check", &[]);
    assert_eq!(run(&check, &repo, &[]).code, 0);
    let render_check = hook_argv(&hooks, "x07-topo-workspace-render-check", &["--images", "images.json"]);
    assert_eq!(run(&render_check, &repo, &[]).code, 1, "nothing committed yet: stale");
    let render: Vec<String> = ["x07-topo", "render", "--workspace", "--images", "images.json"].iter().map(|s| s.to_string()).collect();
    assert_eq!(run(&render, &repo, &[]).code, 0);
    assert_eq!(run(&render_check, &repo, &[]).code, 0, "fresh output must pass");
    // A hand edit in one service of one profile fails the hook, naming the file.
    let file = repo.join("deploy/dev/orders/frontdoor/deployment-orders-frontdoor.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("x07-topo", "kubectl", 1)).unwrap();
    let out = run(&render_check, &repo, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("deployment-orders-frontdoor.yaml"), "{}", out.stdout);
    // A broken manifest of one service fails the check hook.
    let manifest = repo.join("services/payments/arch/service/index.x07service.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("\"cells\"", "\"celsl\"", 1)).unwrap();
    assert_eq!(run(&check, &repo, &[]).code, 1);
}
