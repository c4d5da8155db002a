//! The GitHub Action (`action.yml`, logic in `action/run.sh`) run the way GitHub runs it: the
//! composite step's environment (every input as `INPUT_<NAME>`, its default unless the test
//! sets it, `RUNNER_OS`, `RUNNER_ARCH`, `RUNNER_TEMP`, `GITHUB_OUTPUT`, `GITHUB_PATH`) in a
//! scratch copy of the bundled example, with the install step pointed at a release archive
//! that `release/archive.sh` packs from the binary under test. Checks the SARIF, the
//! annotations and the documented exit codes (0 passed, 1 errors or stale output, 2 usage or
//! install failure). Reads action.yml with PyYAML and needs bash, tar and sha256sum, as
//! tests/gitops.rs does; CI has them.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::{binary, copy_tree, repo_root};

fn tools_available() -> bool {
    let ok = |cmd: &str, args: &[&str]| Command::new(cmd).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    ok("python3", &["-c", "import yaml"]) && ok("bash", &["-c", "command -v tar && command -v sha256sum"])
}

/// `false` (and a note) when a tool is missing outside CI.
fn can_run() -> bool {
    if cfg!(target_os = "linux") && tools_available() {
        return true;
    }
    assert!(std::env::var_os("X07_TOPO_CI").is_none(), "python3 with PyYAML, bash, tar and sha256sum are required in CI");
    eprintln!("skipped: needs Linux with python3 (PyYAML), bash, tar and sha256sum");
    false
}

/// action.yml as JSON (PyYAML's safe loader).
fn action() -> Value {
    let out = Command::new("python3")
        .args(["-c", "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))))"])
        .arg(repo_root().join("action.yml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "action.yml is not YAML: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The release archive of the binary under test, for the host (Linux x86_64 or aarch64),
/// packed once per test run into the target folder.
struct Release {
    dir: PathBuf,
    runner_arch: &'static str,
}

fn release() -> &'static Release {
    static RELEASE: std::sync::OnceLock<Release> = std::sync::OnceLock::new();
    RELEASE.get_or_init(|| {
        let (target, runner_arch) = match std::env::consts::ARCH {
            "x86_64" => ("x86_64-unknown-linux-gnu", "X64"),
            "aarch64" => ("aarch64-unknown-linux-gnu", "ARM64"),
            other => panic!("no release target for {other}"),
        };
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("action-release");
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new("bash").arg(repo_root().join("release/archive.sh")).args([binary(), target]).arg(&dir).output().unwrap();
        assert!(out.status.success(), "archive.sh failed: {}", String::from_utf8_lossy(&out.stderr));
        Release { dir, runner_arch }
    })
}

/// A copy of `release()` that a test may spoil.
fn release_copy() -> (tempfile::TempDir, Release) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&release().dir, dir.path(), &[]);
    let copy = Release { dir: dir.path().to_path_buf(), runner_arch: release().runner_arch };
    (dir, copy)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    path_lines: Vec<String>,
    /// RUNNER_TEMP, where the action installed x07-topo.
    _runner: tempfile::TempDir,
}

/// Runs the action's step in `workspace` with `inputs` over action.yml's defaults.
fn run_action(release: &Release, workspace: &Path, inputs: &[(&str, &str)]) -> Run {
    let action = action();
    let step = &action["runs"]["steps"][0];
    let runner = tempfile::tempdir().unwrap();
    let output_file = runner.path().join("github_output");
    let path_file = runner.path().join("github_path");
    std::fs::write(&output_file, "").unwrap();
    std::fs::write(&path_file, "").unwrap();
    // The step's `env`: INPUT_X is `${{ inputs.x }}`, the input's value or its default.
    let declared = action["inputs"].as_object().unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("action/run.sh")).current_dir(workspace).env_clear();
    cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default()).env("HOME", runner.path());
    for (name, value) in step["env"].as_object().unwrap() {
        let expr = value.as_str().unwrap();
        let Some(input) = expr.strip_prefix("${{ inputs.").and_then(|s| s.strip_suffix(" }}")) else { continue };
        let given = inputs.iter().find(|(k, _)| *k == input).map(|(_, v)| v.to_string());
        let default = declared[input]["default"].as_str().unwrap_or_default().to_string();
        cmd.env(name, given.unwrap_or(default));
    }
    for (k, _) in inputs {
        assert!(declared.contains_key(*k), "the test sets input {k}, which action.yml does not declare");
    }
    cmd.env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", release.runner_arch)
        .env("RUNNER_TEMP", runner.path())
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_PATH", &path_file)
        .env("GITHUB_WORKSPACE", workspace)
        .env("X07_TOPO_BASE_URL", &release.dir);
    let out = cmd.output().unwrap();
    let outputs = std::fs::read_to_string(&output_file)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let path_lines = std::fs::read_to_string(&path_file).unwrap().lines().map(String::from).collect();
    Run { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: String::from_utf8_lossy(&out.stderr).into(), outputs, path_lines, _runner: runner }
}

fn sarif(workspace: &Path) -> Value {
    let text = std::fs::read_to_string(workspace.join("x07-topo.sarif")).expect("the SARIF log is written");
    let log: Value = serde_json::from_str(&text).expect("the SARIF log is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "x07-topo");
    log
}

fn scratch(from: &str, skip: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_tree(&repo_root().join(from), &repo, skip);
    (dir, repo)
}

fn render(repo: &Path, args: &[&str]) {
    let out = Command::new(binary()).args(args).current_dir(repo).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn action_step_passes_every_input_as_github_sets_it() {
    if !can_run() {
        return;
    }
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let env = action["runs"]["steps"][0]["env"].as_object().unwrap();
    for name in action["inputs"].as_object().unwrap().keys() {
        if name == "upload_sarif" {
            continue; // used by the upload step itself
        }
        let var = format!("INPUT_{}", name.to_uppercase());
        assert_eq!(env.get(&var).and_then(Value::as_str), Some(format!("${{{{ inputs.{name} }}}}").as_str()), "{var}");
        let script = std::fs::read_to_string(repo_root().join("action/run.sh")).unwrap();
        assert!(script.contains(&format!("input {}", name.to_uppercase())) || script.contains(&format!("words {}", name.to_uppercase())) || script.contains(&format!("truthy {}", name.to_uppercase())), "action/run.sh never reads {var}");
    }
    // The SARIF upload runs also when the check step failed, whenever a log was written.
    let upload = &action["runs"]["steps"][1];
    assert!(upload["uses"].as_str().unwrap().starts_with("github/codeql-action/upload-sarif@"));
    assert!(upload["if"].as_str().unwrap().contains("always()"));
    assert_eq!(upload["with"]["sarif_file"], "${{ steps.run.outputs.sarif_file }}");
}

#[test]
fn action_on_the_example_writes_sarif_and_fails_only_on_stale_output() {
    if !can_run() {
        return;
    }
    let release = release();
    let (_dir, repo) = scratch("examples/orders", &[]);
    let inputs = [("profiles", "prod"), ("image", "ghcr.io/acme/orders:1.4.2")];

    // Nothing committed yet: check passes, render --check finds every file missing: exit 1,
    // one annotation per file, and the SARIF (no results) is still written and named.
    let run = run_action(release, &repo, &inputs);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(sarif(&repo)["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(run.outputs.get("sarif_file").map(PathBuf::from), Some(repo.join("x07-topo.sarif").canonicalize().unwrap()));
    assert_eq!(run.outputs.get("exit_code").map(String::as_str), Some("1"));
    assert!(run.stdout.contains("::error file=deploy/prod/kustomization.yaml,"), "{}", run.stdout);
    assert!(run.stdout.contains("installed "), "{}", run.stdout);
    assert_eq!(run.path_lines.len(), 1, "the install folder is added to GITHUB_PATH");
    assert!(Path::new(&run.path_lines[0]).join("x07-topo").is_file());

    // Rendered and committed: exit 0.
    render(&repo, &["render", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2", "--out", "deploy/prod"]);
    let run = run_action(release, &repo, &inputs);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.outputs.get("exit_code").map(String::as_str), Some("0"));
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);

    // A hand edit: exit 1, the annotation names that file.
    let file = repo.join("deploy/prod/frontdoor/deployment-orders-frontdoor.yaml");
    std::fs::write(&file, std::fs::read_to_string(&file).unwrap().replacen("x07-topo", "kubectl", 1)).unwrap();
    let run = run_action(release, &repo, &inputs);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("::error file=deploy/prod/frontdoor/deployment-orders-frontdoor.yaml,"), "{}", run.stdout);
    assert!(!run.stdout.contains("::error file=deploy/prod/kustomization.yaml"), "only the edited file is stale: {}", run.stdout);

    // A broken manifest: exit 1, and the SARIF carries the error for code scanning.
    let manifest = repo.join("arch/service/index.x07service.json");
    std::fs::write(&manifest, std::fs::read_to_string(&manifest).unwrap().replacen("\"cells\"", "\"celsl\"", 1)).unwrap();
    let run = run_action(release, &repo, &[("render_check", "false")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let results = sarif(&repo)["runs"][0]["results"].as_array().cloned().unwrap();
    assert!(!results.is_empty() && results.iter().all(|r| r["ruleId"].as_str().is_some_and(|id| id.starts_with("XT"))), "{results:?}");
    assert!(run.stdout.contains("::error file=arch/service/index.x07service.json"), "check --format github annotates: {}", run.stdout);
}

#[test]
fn action_install_is_checksum_verified_and_usage_errors_exit_2() {
    if !can_run() {
        return;
    }
    let (_copy, release) = release_copy();
    let release = &release;
    let (_dir, repo) = scratch("examples/orders", &[]);

    // A pinned checksum that does not match: nothing installed, nothing checked, exit 2.
    let run = run_action(release, &repo, &[("sha256", &"0".repeat(64))]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("checksum mismatch"), "{}", run.stderr);
    assert!(!repo.join("x07-topo.sarif").exists());
    assert!(run.path_lines.is_empty());

    // The right pinned checksum installs.
    let sums = std::fs::read_dir(&release.dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "sha256")).unwrap();
    let sum = std::fs::read_to_string(sums).unwrap().split_whitespace().next().unwrap().to_string();
    let run = run_action(release, &repo, &[("sha256", &sum), ("render_check", "false")]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);

    // A tampered archive fails its .sha256 file even without a pinned checksum.
    let archive = std::fs::read_dir(&release.dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.to_string_lossy().ends_with(".tar.gz")).unwrap();
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    let run = run_action(release, &repo, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("checksum mismatch"), "{}", run.stderr);

    // Usage: manifest and workspace together; profiles with a workspace.
    let run = run_action(release, &repo, &[("manifest", "a.json"), ("workspace", "x07-topo.workspace.json")]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("::error title=x07-topo action::give manifest (one service) or workspace, not both"), "{}", run.stdout);
    let run = run_action(release, &repo, &[("workspace", "x07-topo.workspace.json"), ("profiles", "prod")]);
    assert_eq!(run.code, 2);
}

#[test]
fn action_on_a_workspace_checks_every_service() {
    if !can_run() {
        return;
    }
    let release = release();
    let (_dir, repo) = scratch("golden/render-workspace-shop", &["expected", "args", "README", "written"]);
    let inputs = [("workspace", "x07-topo.workspace.json"), ("images_file", "images.json")];
    let run = run_action(release, &repo, &inputs);
    assert_eq!(run.code, 1, "nothing committed yet: {}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("::error file=deploy/dev/catalog/"), "{}", run.stdout);
    sarif(&repo);
    render(&repo, &["render", "--workspace", "--images", "images.json"]);
    let run = run_action(release, &repo, &inputs);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}
