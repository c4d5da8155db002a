//! `render --out DIR` as GitOps output (SPEC §7): the written files, idempotent re-renders,
//! `--check` drift detection, foreign files, pruning through the inventory (and never outside
//! DIR), the `--out -` stream, and `kubectl kustomize` on the written folder. Everything runs
//! the real binary in temporary folders.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};
use support::{golden_args_without_out, list_files, repo_root, Output, Test};

const CASE: &str = "render-k8s-orders-split";
const STREAM_CASE: &str = "render-k8s-orders-stream";
const INVENTORY: &str = "x07-topo.inventory.json";
/// An image for the orders manifest, for profiles other than the golden one.
const IMAGE: &str = "ghcr.io/acme/orders:1.4.2";

/// The split case's args with `--out <out>` and any extra args.
fn args(out: &str, extra: &[&str]) -> Vec<String> {
    let mut a = golden_args_without_out(CASE);
    a.extend(["--out".to_string(), out.to_string()]);
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

/// `render --profile <profile> --image IMAGE --out <out>` of the orders manifest.
fn profile_args(profile: &str, out: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["render", "--profile", profile, "--image", IMAGE, "--out", out].iter().map(|s| s.to_string()).collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn expected_dir() -> std::path::PathBuf {
    repo_root().join("golden").join(CASE).join("expected/files")
}

/// Every file below `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    list_files(dir)
        .into_iter()
        .map(|f| {
            let p = dir.join(&f);
            (f, (std::fs::read(&p).unwrap(), std::fs::metadata(&p).unwrap().modified().unwrap()))
        })
        .collect()
}

/// Sets every file below `dir` to an old modification time, so a rewrite would show.
fn age_files(dir: &Path) -> SystemTime {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for f in list_files(dir) {
        std::fs::File::options().write(true).open(dir.join(f)).unwrap().set_modified(old).unwrap();
    }
    old
}

fn inventory_files(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(INVENTORY)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect()
}

fn assert_same_files(written: &Path, expected: &Path) {
    let (w, e) = (list_files(written), list_files(expected));
    assert_eq!(w, e, "written files differ from {}:\n{}", expected.display(), support::diff(&e.join("\n"), &w.join("\n")));
    for f in e {
        let (want, got) = (std::fs::read_to_string(expected.join(&f)).unwrap(), std::fs::read_to_string(written.join(&f)).unwrap());
        assert!(want == got, "{f} differs from the golden file:\n{}", support::diff(&want, &got));
    }
}

/// A fresh test folder with the split case rendered into `out`.
fn rendered() -> Test {
    let t = Test::from_case(CASE);
    t.expect_args(&args("out", &[]), 0);
    t
}

#[test]
fn render_out_writes_the_golden_files() {
    let t = rendered();
    assert_same_files(&t.path().join("out"), &expected_dir());
    assert!(!list_files(&t.path().join("out")).iter().any(|f| f.contains("tmp")), "temporary files left behind");
}

#[test]
fn a_second_render_changes_nothing_and_keeps_mtimes() {
    let t = rendered();
    let out = t.path().join("out");
    let old = age_files(&out);
    let before = snapshot(&out);
    let second = t.expect_args(&args("out", &[]), 0);
    let n = list_files(&out).len();
    assert!(second.stdout.contains(&format!("wrote {n} files to out (0 changed)")), "second render should report 0 changed:\n{}", second.transcript());
    let after = snapshot(&out);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (f, (bytes, mtime)) in &after {
        assert_eq!(bytes, &before[f].0, "{f} changed content on a re-render");
        assert_eq!(*mtime, old, "{f} was rewritten (mtime changed) although its content is the same");
    }
}

#[test]
fn check_on_fresh_output_exits_0_and_writes_nothing() {
    let t = rendered();
    let out = t.path().join("out");
    age_files(&out);
    let before = snapshot(&out);
    let root_before = list_files(t.path());
    let check = t.expect_args(&args("out", &["--check"]), 0);
    assert!(!check.stdout.contains("--- a/"), "no diff expected on fresh output:\n{}", check.transcript());
    assert_eq!(snapshot(&out), before, "--check changed the output folder");
    assert_eq!(list_files(t.path()), root_before, "--check created files");
}

#[test]
fn check_of_a_missing_folder_exits_1_and_creates_nothing() {
    let t = Test::from_case(CASE);
    let before = list_files(t.path());
    let check = t.expect_args(&args("out", &["--check"]), 1);
    assert!(check.stdout.contains("+++ b/kustomization.yaml"), "every wanted file should show as missing:\n{}", check.transcript());
    assert!(!t.path().join("out").exists(), "--check created the output folder");
    assert_eq!(list_files(t.path()), before);
}

#[test]
fn check_after_a_hand_edit_exits_1_with_a_diff_and_keeps_the_edit() {
    let t = rendered();
    let path = "api/service-orders-api.yaml";
    let file = t.path().join("out").join(path);
    let edited = std::fs::read_to_string(&file).unwrap().replace("type: ClusterIP", "type: NodePort");
    assert!(edited.contains("NodePort"), "the fixture file changed shape; pick another edit");
    std::fs::write(&file, &edited).unwrap();
    let check = t.expect_args(&args("out", &["--check"]), 1);
    assert!(check.stdout.contains(&format!("--- a/{path}\n")), "diff should name a/{path}:\n{}", check.transcript());
    assert!(check.stdout.contains(&format!("+++ b/{path}\n")), "diff should name b/{path}:\n{}", check.transcript());
    assert!(check.stdout.contains("-  type: NodePort\n") && check.stdout.contains("+  type: ClusterIP\n"), "diff should show the edit:\n{}", check.transcript());
    assert!(check.stdout.contains("@@ "), "a unified diff has hunks:\n{}", check.transcript());
    // Only the edited file is reported.
    assert_eq!(check.stdout.matches("--- a/").count() + check.stdout.matches("--- /dev/null").count(), 1, "only one file differs:\n{}", check.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited, "--check must leave the edited file alone");
    // JSON names it too.
    let json = support::json_report(&t.run_args(&args("out", &["--check", "--format", "json"])));
    assert_eq!(json["result"]["stale"], serde_json::json!([path]), "{json:#}");
}

#[test]
fn check_after_a_deletion_exits_1_naming_the_file() {
    let t = rendered();
    let path = "events/deployment-orders-events.yaml";
    std::fs::remove_file(t.path().join("out").join(path)).unwrap();
    let check = t.expect_args(&args("out", &["--check"]), 1);
    assert!(check.stdout.contains(&format!("+++ b/{path}\n")), "diff should name b/{path}:\n{}", check.transcript());
    assert!(check.stdout.contains("--- /dev/null\n"), "a missing file diffs against /dev/null:\n{}", check.transcript());
    assert!(!t.path().join("out").join(path).exists(), "--check must not restore the file");
    // A render restores it.
    t.expect_args(&args("out", &[]), 0);
    assert_same_files(&t.path().join("out"), &expected_dir());
}

#[test]
fn foreign_files_survive_a_re_render_and_check_ignores_them() {
    let t = rendered();
    let out = t.path().join("out");
    let foreign = [("README.md", "# committed by hand\n"), ("async/extra.yaml", "kind: ConfigMap\n"), ("api/extra.yaml", "kind: Secret\n")];
    for (f, text) in foreign {
        std::fs::create_dir_all(out.join(f).parent().unwrap()).unwrap();
        std::fs::write(out.join(f), text).unwrap();
    }
    let old = age_files(&out);
    t.expect_args(&args("out", &["--check"]), 0);
    // A change that makes x07-topo rewrite files, with the foreign ones beside them.
    std::fs::remove_file(out.join("api/service-orders-api.yaml")).unwrap();
    std::fs::write(out.join("kustomization.yaml"), "stale\n").unwrap();
    t.expect_args(&args("out", &[]), 0);
    for (f, text) in foreign {
        assert_eq!(std::fs::read_to_string(out.join(f)).ok().as_deref(), Some(text), "foreign file {f} was changed or removed");
        assert_eq!(std::fs::metadata(out.join(f)).unwrap().modified().unwrap(), old, "foreign file {f} was rewritten");
    }
    assert!(!inventory_files(&out).iter().any(|f| foreign.iter().any(|(g, _)| g == f)), "the inventory must not claim foreign files");
    let check = t.expect_args(&args("out", &["--check"]), 0);
    assert!(!check.stdout.contains("README.md") && !check.stdout.contains("extra.yaml"), "--check should ignore foreign files:\n{}", check.transcript());
}

/// The orders manifest without its `events` cell, so its deployable (and folder) goes.
fn without_events_cell(t: &Test) {
    let path = t.path().join(support::MANIFEST_PATH);
    let mut manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest["cells"].as_array_mut().unwrap().retain(|c| c["cell_key"] != "events");
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
}

#[test]
fn a_render_that_drops_files_prunes_exactly_the_old_inventory() {
    let t = Test::from_case(CASE);
    let out = t.path().join("out");
    t.expect_args(&args("out", &[]), 0);
    let old_files = inventory_files(&out);
    std::fs::write(out.join("README.md"), "mine\n").unwrap();
    std::fs::write(out.join("api/notes.txt"), "mine too\n").unwrap();
    std::fs::write(out.join("events/notes.txt"), "mine in a folder x07-topo empties\n").unwrap();
    let original = std::fs::read_to_string(t.path().join(support::MANIFEST_PATH)).unwrap();
    without_events_cell(&t);

    // Stale before the re-render: the pruned files show as diffs to /dev/null.
    let check = t.expect_args(&args("out", &["--check"]), 1);
    assert!(check.stdout.contains("--- a/events/deployment-orders-events.yaml\n+++ /dev/null\n"), "files to prune should show in --check:\n{}", check.stdout);

    t.expect_args(&args("out", &[]), 0);
    let new_files = inventory_files(&out);
    let pruned: Vec<&String> = old_files.iter().filter(|f| !new_files.contains(f)).collect();
    assert!(pruned.iter().any(|f| f.starts_with("events/")), "the `events` deployable should go: {pruned:?}");
    for f in &pruned {
        assert!(!out.join(f).exists(), "{f} was owned by the old inventory and is no longer wanted, but was not pruned");
    }
    let mut expected: Vec<String> = new_files.clone();
    expected.extend([INVENTORY.to_string(), "README.md".to_string(), "api/notes.txt".to_string(), "events/notes.txt".to_string()]);
    expected.sort();
    assert_eq!(list_files(&out), expected, "after the re-render DIR holds exactly the new inventory, the inventory and the foreign files");
    assert_eq!(std::fs::read_to_string(out.join("README.md")).unwrap(), "mine\n");
    assert_eq!(std::fs::read_to_string(out.join("api/notes.txt")).unwrap(), "mine too\n");
    t.expect_args(&args("out", &["--check"]), 0);

    // Without the foreign file, the emptied folder goes too; and back again.
    std::fs::remove_file(out.join("events/notes.txt")).unwrap();
    std::fs::write(t.path().join(support::MANIFEST_PATH), &original).unwrap();
    t.expect_args(&args("out", &[]), 0);
    without_events_cell(&t);
    t.expect_args(&args("out", &[]), 0);
    assert!(!out.join("events").exists(), "the emptied `events` folder should be removed");
    std::fs::write(t.path().join(support::MANIFEST_PATH), &original).unwrap();
    t.expect_args(&args("out", &[]), 0);
    assert_eq!(std::fs::read_to_string(out.join("README.md")).unwrap(), "mine\n");
    for foreign in ["README.md", "api/notes.txt"] {
        std::fs::remove_file(out.join(foreign)).unwrap();
    }
    assert_same_files(&out, &expected_dir());
}

/// A sentinel outside DIR, its path, and the inventory entries that point at it.
fn plant_escaping_inventory(t: &Test, outside: &Path) -> Vec<std::path::PathBuf> {
    let out = t.path().join("out");
    let escape = t.path().join("escape.txt");
    let absolute = outside.join("absolute.txt");
    let nested = t.path().join("nested-escape.txt");
    for p in [&escape, &absolute, &nested] {
        std::fs::write(p, "do not delete\n").unwrap();
    }
    let inventory = serde_json::json!({
        "schema_version": "x07.topo.inventory@0.1.0",
        "files": ["../escape.txt", absolute.to_string_lossy(), "api/../../nested-escape.txt", "./../escape.txt", "..\\escape.txt"],
    });
    std::fs::write(out.join(INVENTORY), serde_json::to_string_pretty(&inventory).unwrap()).unwrap();
    vec![escape, absolute, nested]
}

#[test]
fn an_inventory_pointing_outside_dir_deletes_nothing_outside() {
    let outside = tempfile::tempdir().unwrap();
    let t = rendered();
    let sentinels = plant_escaping_inventory(&t, outside.path());
    // An inventory naming paths x07-topo never writes is refused (XT917), not half obeyed:
    // `--check`, a render and a render of another profile all stop, and delete nothing.
    for run in [args("out", &["--check", "--format", "json"]), args("out", &["--format", "json"]), profile_args("prod", "out", &["--format", "json"])] {
        let out = t.run_args(&run);
        assert_eq!(out.code, 2, "{}", out.transcript());
        let codes: Vec<String> = support::json_report(&out)["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").map(|d| d["code"].as_str().unwrap().to_string()).collect();
        assert_eq!(codes, vec!["XT917".to_string()], "{}", out.transcript());
        for s in &sentinels {
            assert!(s.exists(), "{} outside DIR was deleted because an inventory listed it", s.display());
        }
    }
}

#[cfg(unix)]
#[test]
fn an_inventory_entry_through_a_symlink_deletes_nothing_outside() {
    let outside = tempfile::tempdir().unwrap();
    let t = rendered();
    let out = t.path().join("out");
    let victim = outside.path().join("victim.yaml");
    std::fs::write(&victim, "do not delete\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), out.join("linked")).unwrap();
    let mut inventory = inventory_files(&out);
    inventory.push("linked/victim.yaml".to_string());
    let text = serde_json::json!({"schema_version": "x07.topo.inventory@0.1.0", "files": inventory});
    std::fs::write(out.join(INVENTORY), serde_json::to_string_pretty(&text).unwrap()).unwrap();
    t.expect_args(&args("out", &[]), 0);
    assert!(victim.exists(), "{} (outside DIR, reached through the symlink out/linked) was deleted", victim.display());
}

#[test]
fn out_dash_writes_the_stream_the_golden_case_expects() {
    let golden = std::fs::read_to_string(repo_root().join("golden").join(STREAM_CASE).join("expected/human.out")).unwrap();
    let want = support::transcript_stdout(&golden);
    let mut stream_args = golden_args_without_out(STREAM_CASE);
    stream_args.extend(["--out".to_string(), "-".to_string()]);
    let t = Test::from_case(STREAM_CASE);
    let got = t.expect_args(&stream_args, 0);
    assert!(got.stdout == want, "`--out -` differs from golden/{STREAM_CASE}:\n{}", support::diff(want, &got.stdout));
    // Without `--out` the stream is the default.
    let default = t.expect_args(&golden_args_without_out(STREAM_CASE), 0);
    assert_eq!(default.stdout, got.stdout, "`--out -` is the default");

    // The stream is the concatenation of the files `--out DIR` writes, in kustomization order.
    let mut dir_args = golden_args_without_out(STREAM_CASE);
    dir_args.extend(["--out".to_string(), "out".to_string()]);
    t.expect_args(&dir_args, 0);
    let out = t.path().join("out");
    let kustomization = std::fs::read_to_string(out.join("kustomization.yaml")).unwrap();
    let concatenated: String = kustomization
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(|f| format!("---\n{}", std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("kustomization lists {f}: {e}"))))
        .collect();
    assert!(concatenated == got.stdout, "the stream is not the concatenation of the written files:\n{}", support::diff(&concatenated, &got.stdout));
}

fn kubectl_available() -> bool {
    std::process::Command::new("kubectl").args(["version", "--client"]).output().is_ok_and(|o| o.status.success())
}

#[test]
fn kubectl_kustomize_accepts_the_written_folder() {
    if !kubectl_available() {
        assert!(std::env::var_os("X07_TOPO_CI").is_none(), "kubectl is required in CI (X07_TOPO_CI is set)");
        eprintln!("skipped: kubectl is not on PATH");
        return;
    }
    for (case, profile_args) in [(CASE, args("out", &[])), (CASE, profile_args("prod", "out", &[]))] {
        let t = Test::from_case(case);
        t.expect_args(&profile_args, 0);
        let out = t.path().join("out");
        let built = std::process::Command::new("kubectl").arg("kustomize").arg(&out).output().unwrap();
        let result = Output { code: built.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&built.stdout).into(), stderr: String::from_utf8_lossy(&built.stderr).into() };
        assert_eq!(result.code, 0, "kubectl kustomize {profile_args:?} failed:\n{}", result.transcript());
        // Every object x07-topo wrote comes out of kustomize.
        let objects = result.stdout.matches("\nkind: ").count() + usize::from(result.stdout.starts_with("kind: "));
        let yaml_files = list_files(&out).iter().filter(|f| f.ends_with(".yaml") && *f != "kustomization.yaml").count();
        assert!(objects >= yaml_files, "kustomize produced {objects} objects for {yaml_files} files:\n{}", result.stdout);
    }
}
