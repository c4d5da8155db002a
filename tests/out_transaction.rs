//! `render --out DIR` is a transaction (SPEC §7.1, issue 10), through the binary: nothing is
//! written or read through a link below DIR; a failing run leaves DIR byte-identical (a hash
//! of the whole tree, links and folders included, before and after); a run killed at any
//! moment is completed by the next; a second concurrent render fails at once (exit 2).

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::{binary, golden_args_without_out, json_report, list_files, tree, Test};

const CASE: &str = "render-k8s-orders-split";
const INVENTORY: &str = "x07-topo.inventory.json";
const IMAGE: &str = "ghcr.io/acme/orders:1.4.2";

fn args(out: &str, extra: &[&str]) -> Vec<String> {
    let mut a = golden_args_without_out(CASE);
    a.extend(["--out".to_string(), out.to_string()]);
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn expected_files() -> PathBuf {
    support::repo_root().join("golden").join(CASE).join("expected/files")
}


fn assert_same_tree(before: &BTreeMap<String, String>, dir: &Path, what: &str) {
    let after = tree(dir);
    let changed: Vec<_> = before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).collect();
    assert!(changed.is_empty(), "{what}: DIR changed at {changed:?}");
}

/// A rendered folder with one file hand-edited, so that the next render has work to do.
fn rendered_and_edited() -> (Test, PathBuf) {
    let t = Test::from_case(CASE);
    t.expect_args(&args("out", &[]), 0);
    let out = t.path().join("out");
    let file = out.join("api/service-orders-api.yaml");
    std::fs::write(&file, "edited by hand\n").unwrap();
    (t, out)
}

fn code_of(out: &support::Output) -> Vec<String> {
    errors(out).iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// The error diagnostics of a JSON report (the fixture has warnings too).
fn errors(out: &support::Output) -> Vec<serde_json::Value> {
    json_report(out)["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").cloned().collect()
}

#[test]
fn a_symlinked_temp_name_beside_a_target_leads_nowhere() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "victim\n").unwrap();
    let (t, out) = rendered_and_edited();
    for planted in ["api/service-orders-api.x07-topo-tmp", "x07-topo.inventory.x07-topo-tmp", "api/.service-orders-api.yaml.tmp"] {
        symlink(&victim, out.join(planted)).unwrap();
    }
    std::fs::write(out.join(INVENTORY), std::fs::read_to_string(out.join(INVENTORY)).unwrap().replace('\n', "\n\n")).unwrap();
    let done = t.expect_args(&args("out", &[]), 0);
    assert!(done.stdout.contains("(2 changed)"), "the edited file and the inventory are rewritten:\n{}", done.transcript());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim\n", "a file outside DIR was written through a link");
    let target = std::fs::symlink_metadata(out.join("api/service-orders-api.yaml")).unwrap();
    assert!(target.file_type().is_file(), "the target must be a plain file, not a link");
    assert!(std::fs::symlink_metadata(out.join("api/service-orders-api.x07-topo-tmp")).unwrap().file_type().is_symlink(), "foreign entries are left alone");
    t.expect_args(&args("out", &["--check"]), 0);
}

#[test]
fn a_symlinked_inventory_is_refused_and_dir_stays_byte_identical() {
    let outside = tempfile::tempdir().unwrap();
    let (t, out) = rendered_and_edited();
    // A foreign inventory that claims a file it must not prune.
    let foreign = outside.path().join("inventory.json");
    let claimed = out.join("README.md");
    std::fs::write(&claimed, "mine\n").unwrap();
    let text = r#"{"schema_version": "x07.topo.inventory@0.1.0", "files": ["README.md"]}"#;
    std::fs::write(&foreign, text).unwrap();
    std::fs::remove_file(out.join(INVENTORY)).unwrap();
    symlink(&foreign, out.join(INVENTORY)).unwrap();
    let before = tree(&out);
    for extra in [&[][..], &["--check"][..]] {
        let human = t.expect_args(&args("out", extra), 2);
        assert!(human.stderr.contains("XT911") && human.stderr.contains("out/x07-topo.inventory.json"), "{}", human.transcript());
        assert!(human.stderr.contains("symbolic link") && !human.stderr.contains("writable"), "the hint says what is wrong:\n{}", human.transcript());
        let json = t.run_args(&args("out", &[extra, &["--format", "json"][..]].concat()));
        assert_eq!((json.code, code_of(&json)), (2, vec!["XT911".to_string()]), "{}", json.transcript());
        assert_eq!(errors(&json)[0]["file"], "out/x07-topo.inventory.json");
        assert_same_tree(&before, &out, "a refused symlinked inventory");
    }
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), text);
    assert_eq!(std::fs::read_to_string(&claimed).unwrap(), "mine\n");
}

#[test]
fn a_folder_where_a_file_goes_is_refused_naming_it_and_dir_stays_byte_identical() {
    let (t, out) = rendered_and_edited();
    std::fs::remove_file(out.join("kustomization.yaml")).unwrap();
    std::fs::create_dir_all(out.join("kustomization.yaml/inside")).unwrap();
    // And a file where a folder goes.
    std::fs::remove_dir_all(out.join("events")).unwrap();
    std::fs::write(out.join("events"), "a file\n").unwrap();
    let before = tree(&out);
    let json = t.run_args(&args("out", &["--format", "json"]));
    assert_eq!((json.code, code_of(&json)), (2, vec!["XT912".to_string(), "XT912".to_string()]), "{}", json.transcript());
    let files: Vec<_> = errors(&json).iter().map(|d| d["file"].as_str().unwrap().to_string()).collect();
    assert_eq!(files, ["out/events", "out/kustomization.yaml"]);
    assert_same_tree(&before, &out, "a folder where a file goes");
    let human = t.expect_args(&args("out", &[]), 2);
    assert!(human.stderr.contains("`out/kustomization.yaml` is a folder, but x07-topo writes a file there"), "{}", human.transcript());
    assert_same_tree(&before, &out, "a folder where a file goes (human)");
}

#[test]
fn a_300_character_group_name_is_cut_and_hashed_into_a_folder_name() {
    let long = "g".repeat(300);
    let profile = serde_json::json!({
        "schema_version": "x07.topology.profile@0.1.0", "id": "long", "target_kind": "k8s", "placement": "co-located",
        "regroup": {"api": long},
    });
    let t = Test::from_case(CASE).file("arch/topology/long.json", &serde_json::to_string_pretty(&profile).unwrap());
    t.expect_args(&["check", "--profile", "long"], 0);
    let render = ["render", "--profile", "long", "--image", IMAGE, "--out", "out"];
    t.expect_args(&render, 0);
    let out = t.path().join("out");
    let files = list_files(&out);
    assert!(files.iter().all(|f| f.split('/').all(|c| c.len() <= 255)), "{files:?}");
    let folder = files.iter().find(|f| f.starts_with("ggg")).unwrap_or_else(|| panic!("no folder for the long group: {files:?}"));
    assert_eq!(folder.split('/').next().unwrap().len(), 63, "{folder}");
    t.expect_args(&[&render[..], &["--check"]].concat(), 0);
}

/// Runs `sh -c script` in the test's folder with the binary as `$X`.
fn sh(t: &Test, script: &str) -> support::Output {
    let out = Command::new("sh").arg("-c").arg(script).env("X", binary()).current_dir(t.path()).output().unwrap();
    support::Output { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: String::from_utf8_lossy(&out.stderr).into() }
}

/// A full disk: DIR on a 512 KiB tmpfs (filled up) when this test may mount one (root), else a file size
/// limit (`ulimit -f`, EFBIG). Either way the run fails with XT910 and DIR is unchanged.
#[test]
fn a_full_disk_leaves_dir_byte_identical() {
    let t = Test::from_case(CASE);
    let mnt = t.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"]).arg(&mnt).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    struct Unmount(PathBuf, bool);
    impl Drop for Unmount {
        fn drop(&mut self) {
            if self.1 {
                let _ = Command::new("umount").arg(&self.0).status();
            }
        }
    }
    let _guard = Unmount(mnt.clone(), mounted);
    let quoted: Vec<String> = args("small/out", &["--format", "json", "--take-over"]).iter().map(|a| format!("'{a}'")).collect();
    t.expect_args(&args("small/out", &[]), 0);
    // Make every file change (another service id: taken over), then fill the disk.
    let manifest = t.path().join("arch/service/index.x07service.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("\"service_id\": \"orders\""), "the fixture changed; pick another edit");
    std::fs::write(&manifest, text.replace("\"service_id\": \"orders\"", "\"service_id\": \"orders-renamed\"")).unwrap();
    if mounted {
        let _ = std::fs::write(mnt.join("filler"), vec![b'x'; 1024 * 1024]);
    }
    let before = tree(&mnt.join("out"));
    let limit = if mounted { "" } else { "trap '' XFSZ; ulimit -f 1; " };
    let run = sh(&t, &format!("{limit}exec \"$X\" {}", quoted.join(" ")));
    eprintln!("full disk simulated with {}", if mounted { "a 512 KiB tmpfs (filled up) (ENOSPC)" } else { "ulimit -f (EFBIG)" });
    assert_eq!(run.code, 2, "{}", run.transcript());
    let errors = errors(&run);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["code"], "XT910", "{errors:#?}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("small/out/.x07-topo-staging/"), "the message names the file: {message}");
    assert_same_tree(&before, &mnt.join("out"), "a full disk");
}

#[test]
fn a_second_render_fails_at_once_while_the_lock_is_held_and_a_stale_lock_is_taken_over() {
    let (t, out) = rendered_and_edited();
    // A lock file left by a killed run (nobody holds it) is taken over and removed.
    std::fs::write(out.join(".x07-topo.lock"), "pid 999999\n").unwrap();
    std::fs::create_dir(out.join(".x07-topo-staging")).unwrap();
    std::fs::write(out.join(".x07-topo-staging/0"), "a staged file of a killed run\n").unwrap();
    t.expect_args(&args("out", &[]), 0);
    assert!(!out.join(".x07-topo.lock").exists() && !out.join(".x07-topo-staging").exists(), "{:?}", list_files(&out));
    // A held lock: this test holds it as a live render would.
    std::fs::write(out.join("api/service-orders-api.yaml"), "edited again\n").unwrap();
    let lock = std::fs::File::create(out.join(".x07-topo.lock")).unwrap();
    std::io::Write::write_all(&mut &lock, format!("pid {}\n", std::process::id()).as_bytes()).unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let before = tree(&out);
    let started = std::time::Instant::now();
    let refused = t.expect_args(&args("out", &[]), 2);
    assert!(started.elapsed() < Duration::from_secs(20), "the second render must not wait");
    assert!(refused.stderr.contains("XT913") && refused.stderr.contains("out/.x07-topo.lock"), "{}", refused.transcript());
    assert!(refused.stderr.contains(&format!("(process {})", std::process::id())), "names the holder:\n{}", refused.transcript());
    assert_same_tree(&before, &out, "a locked folder");
    drop(lock);
    t.expect_args(&args("out", &[]), 0);
    t.expect_args(&args("out", &["--check"]), 0);
}

#[test]
fn a_committed_journal_is_reported_by_check_and_completed_by_the_next_render() {
    let t = Test::from_case(CASE);
    t.expect_args(&args("out", &[]), 0);
    let out = t.path().join("out");
    // What a run killed after its commit point leaves: a journal with a prune still to do
    // (the new inventory no longer lists the file) and a staged file still to move.
    std::fs::write(out.join("api/old.yaml"), "owned by the last render\n").unwrap();
    // The inventory moves after the prunes, so until then the one on disk still owns the file.
    let inventory_text = std::fs::read_to_string(out.join(INVENTORY)).unwrap();
    let mut inventory: serde_json::Value = serde_json::from_str(&inventory_text).unwrap();
    inventory["files"].as_array_mut().unwrap().insert(0, "api/old.yaml".into());
    std::fs::write(out.join(INVENTORY), serde_json::to_string_pretty(&inventory).unwrap()).unwrap();
    let kustomization = std::fs::read_to_string(out.join("kustomization.yaml")).unwrap();
    std::fs::write(out.join("kustomization.yaml"), "old\n").unwrap();
    std::fs::create_dir(out.join(".x07-topo-staging")).unwrap();
    std::fs::write(out.join(".x07-topo-staging/0"), &kustomization).unwrap();
    let journal = r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[{"staged":"0","to":"kustomization.yaml"}],"prunes":["api/old.yaml"]}"#;
    std::fs::write(out.join(".x07-topo-staging/journal.json"), journal).unwrap();
    let before = tree(&out);
    let check = t.run_args(&args("out", &["--check", "--format", "json"]));
    assert_eq!(check.code, 1, "{}", check.transcript());
    let report = json_report(&check);
    assert_eq!(report["result"]["stale"], serde_json::json!(["api/old.yaml", "kustomization.yaml", INVENTORY]), "{report:#}");
    assert_eq!(report["result"]["pending"]["prunes"], serde_json::json!(["api/old.yaml"]));
    let human = t.expect_args(&args("out", &["--check"]), 1);
    assert!(human.stderr.contains("out holds an interrupted render (1 file(s) to move, 1 to prune)"), "{}", human.transcript());
    assert_same_tree(&before, &out, "--check");
    let done = t.expect_args(&args("out", &[]), 0);
    assert!(done.stdout.contains("after completing an interrupted render"), "{}", done.transcript());
    assert!(!out.join("api/old.yaml").exists() && !out.join(".x07-topo-staging").exists());
    assert_same_tree(&tree(&expected_files()), &out, "after completing the journal");
}

/// What a run killed after its commit point leaves, in the staging layout of 0.2.0: every
/// file of `api/` staged under `tree/api/` (DIR lacks the folder, so it moves whole) and
/// `kustomization.yaml` staged to replace an old one. `api_in_place` lists the files of
/// `api/` an interrupted apply had already moved, file by file, into a folder made meanwhile.
fn committed_tree_journal(api_in_place: &[&str]) -> (Test, PathBuf) {
    let t = Test::from_case(CASE);
    t.expect_args(&args("out", &[]), 0);
    let out = t.path().join("out");
    let staged = out.join(".x07-topo-staging/tree");
    std::fs::create_dir_all(&staged).unwrap();
    std::fs::rename(out.join("api"), staged.join("api")).unwrap();
    let mut api: Vec<String> = std::fs::read_dir(staged.join("api")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    api.sort();
    assert!(api.len() >= 2, "the case has several files in api/: {api:?}");
    if !api_in_place.is_empty() {
        std::fs::create_dir(out.join("api")).unwrap();
        for name in api_in_place {
            std::fs::rename(staged.join("api").join(name), out.join("api").join(name)).unwrap();
        }
    }
    std::fs::rename(out.join("kustomization.yaml"), staged.join("kustomization.yaml")).unwrap();
    std::fs::write(out.join("kustomization.yaml"), "old\n").unwrap();
    let mut moves: Vec<String> = api.iter().map(|name| format!("api/{name}")).collect();
    moves.push("kustomization.yaml".to_string());
    let journal = serde_json::json!({"schema_version": "x07.topo.journal@0.2.0", "moves": moves, "prunes": []});
    std::fs::write(out.join(".x07-topo-staging/journal.json"), journal.to_string()).unwrap();
    (t, out)
}

/// The next render completes the interrupted one: DIR holds exactly the render, and no
/// staging folder is left.
fn assert_rerun_completes_the_journal(t: &Test, out: &Path) {
    let done = t.expect_args(&args("out", &[]), 0);
    assert!(done.stdout.contains("after completing an interrupted render"), "{}", done.transcript());
    assert!(!out.join(".x07-topo-staging").exists(), "{:?}", list_files(out));
    assert_same_tree(&tree(&expected_files()), out, "after completing the journal");
}

#[test]
fn a_committed_journal_moves_a_folder_dir_lacks_whole_and_is_reported_by_check() {
    let (t, out) = committed_tree_journal(&[]);
    let before = tree(&out);
    let check = t.run_args(&args("out", &["--check", "--format", "json"]));
    assert_eq!(check.code, 1, "{}", check.transcript());
    let report = json_report(&check);
    let moves = report["result"]["pending"]["moves"].as_array().unwrap();
    assert!(moves.iter().all(|m| m.as_str().unwrap().starts_with("api/") || m == "kustomization.yaml") && moves.len() >= 3, "{report:#}");
    assert_same_tree(&before, &out, "--check");
    assert_rerun_completes_the_journal(&t, &out);
    t.expect_args(&args("out", &["--check"]), 0);
}

#[test]
fn a_committed_journal_whose_folder_was_partly_moved_moves_the_rest_file_by_file() {
    let t_files = std::fs::read_dir(expected_files().join("api")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect::<Vec<_>>();
    let first = t_files.iter().min().unwrap().clone();
    let (t, out) = committed_tree_journal(&[first.as_str()]);
    assert_rerun_completes_the_journal(&t, &out);
}

#[test]
fn a_committed_journal_whose_folder_was_moved_whole_already_finishes_the_rest() {
    let (t, out) = committed_tree_journal(&[]);
    // The interrupted apply moved `api/` whole, then was killed.
    std::fs::rename(out.join(".x07-topo-staging/tree/api"), out.join("api")).unwrap();
    assert_rerun_completes_the_journal(&t, &out);
}

#[test]
fn dir_itself_may_be_a_symlink_to_a_folder() {
    let t = Test::from_case(CASE);
    std::fs::create_dir(t.path().join("real")).unwrap();
    symlink("real", t.path().join("out")).unwrap();
    t.expect_args(&args("out", &[]), 0);
    assert_same_tree(&tree(&expected_files()), &t.path().join("real"), "through the link");
    t.expect_args(&args("out", &["--check"]), 0);
}

#[test]
fn out_naming_a_file_is_refused() {
    let t = Test::from_case(CASE).file("out", "a file\n");
    for extra in [&[][..], &["--check"][..]] {
        let json = t.run_args(&args("out", &[extra, &["--format", "json"][..]].concat()));
        assert_eq!((json.code, code_of(&json)), (2, vec!["XT914".to_string()]), "{}", json.transcript());
    }
    assert_eq!(std::fs::read_to_string(t.path().join("out")).unwrap(), "a file\n");
}

// ---- kill -9 and concurrency on a large render -------------------------------------------

/// A synthetic service of `cells` cells (bench/synthetic.py) in two variants of one owner:
/// `prod/` co-located and `split/` split by cell (the same service id and profile `prod`).
fn synthetic(cells: usize) -> Test {
    let t = Test::new();
    for (variant, placement) in [("prod", "co-located"), ("split", "split-by-cell")] {
        let ok = Command::new("python3")
            .arg(support::repo_root().join("bench/synthetic.py"))
            .arg(t.path().join(variant))
            .arg(cells.to_string())
            .arg(placement)
            .stdout(Stdio::null())
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "bench/synthetic.py failed");
    }
    t
}

fn synthetic_args(variant: &str, out: &str) -> Vec<String> {
    let manifest = format!("{variant}/arch/service/index.x07service.json");
    ["render", "--manifest", &manifest, "--profile", "prod", "--image", "ghcr.io/acme/bench:1.0.0", "--out", out].iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_render_killed_at_any_moment_is_completed_by_the_next() {
    let t = synthetic(300);
    // The trees each profile should give, rendered once without interruption.
    for profile in ["prod", "split"] {
        t.expect_args(&synthetic_args(profile, &format!("want-{profile}")), 0);
    }
    let want = |p: &str| tree(&t.path().join(format!("want-{p}")));
    t.expect_args(&synthetic_args("prod", "out"), 0);
    // How long a profile switch takes here, so the kills spread over the whole run.
    let started = std::time::Instant::now();
    t.expect_args(&synthetic_args("split", "out"), 0);
    t.expect_args(&synthetic_args("prod", "out"), 0);
    let run = started.elapsed() / 2;
    let (mut killed, mut staged, mut runs) = (0, 0, 0);
    // Switch profile each time, so every run both writes and prunes; kill at moments spread
    // over a run, until enough kills landed (timings vary on a busy machine).
    let percents = [10u32, 30, 50, 60, 70, 75, 80, 85, 90, 95, 98];
    while (killed < 5 || staged < 1) && runs < 30 {
        let percent = percents[runs % percents.len()];
        let profile = if runs % 2 == 0 { "split" } else { "prod" };
        runs += 1;
        let mut child = Command::new(binary()).args(synthetic_args(profile, "out")).current_dir(t.path()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(run * percent / 100);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
        staged += usize::from(t.path().join("out/.x07-topo-staging").exists());
        t.expect_args(&synthetic_args(profile, "out"), 0);
        assert_same_tree(&want(profile), &t.path().join("out"), &format!("after a kill at {percent}% of a run and a rerun of {profile}"));
    }
    assert!(killed >= 5, "only {killed} of {runs} runs were still running when killed");
    assert!(staged >= 1, "no kill of {runs} landed while files were staged or being renamed; the test did not reach the write phase");
}

#[test]
fn concurrent_renders_one_wins_the_other_exits_2_and_every_file_is_whole() {
    // Large enough that one render is still running when the other starts; rounds go on
    // (at least 4, at most 40) until the two have overlapped, since on a loaded machine a
    // round can still run them one after the other.
    let t = synthetic(1000);
    for profile in ["prod", "split"] {
        t.expect_args(&synthetic_args(profile, &format!("want-{profile}")), 0);
    }
    let mut refused = 0;
    for round in 0..40 {
        if round >= 4 && refused >= 1 {
            break;
        }
        let spawn = |p: &str| Command::new(binary()).args(synthetic_args(p, "out")).current_dir(t.path()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let (a, b) = (spawn("prod"), spawn("split"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let codes = (a.status.code(), b.status.code());
        for o in [&a, &b] {
            let code = o.status.code();
            assert!(code == Some(0) || code == Some(2), "{codes:?}: {}", String::from_utf8_lossy(&o.stderr));
            if code == Some(2) {
                refused += 1;
                assert!(String::from_utf8_lossy(&o.stderr).contains("XT913"), "{}", String::from_utf8_lossy(&o.stderr));
            }
        }
        assert_ne!(codes, (Some(2), Some(2)), "one of them must win");
        // The folder is exactly one of the two renders: every file whole.
        let got = tree(&t.path().join("out"));
        let winner = if got == tree(&t.path().join("want-prod")) { "prod" } else { "split" };
        assert_same_tree(&tree(&t.path().join(format!("want-{winner}"))), &t.path().join("out"), "after two concurrent renders");
    }
    assert!(refused >= 1, "the two renders never overlapped; nothing was tested");
}

/// A file the render must prune but cannot (immutable, `chattr +i`): the run fails after its
/// commit point naming the file and the operation, `--check` lists the prune as pending, and
/// once the file can be removed the next render completes with nothing stale. Needs a file
/// system with the immutable flag and the right to set it (root on ext4, as CI runs).
#[test]
fn a_prune_that_fails_stays_pending_until_a_rerun_completes_it() {
    let t = Test::from_case(CASE);
    t.expect_args(&args("out", &[]), 0);
    let out = t.path().join("out");
    // A file the last render owned and this one no longer renders.
    std::fs::write(out.join("api/old.yaml"), "owned by the last render\n").unwrap();
    let inventory = std::fs::read_to_string(out.join(INVENTORY)).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&inventory).unwrap();
    doc["files"].as_array_mut().unwrap().push("api/old.yaml".into());
    std::fs::write(out.join(INVENTORY), serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    let immutable = sh(&t, "chattr +i out/api/old.yaml");
    if immutable.code != 0 {
        eprintln!("skipped: this file system or user cannot set the immutable flag: {}", immutable.stderr.trim());
        return;
    }
    let failed = t.run_args(&args("out", &["--format", "json"]));
    let _ = sh(&t, "chattr -i out/api/old.yaml");
    assert_eq!(failed.code, 2, "{}", failed.transcript());
    let errors = errors(&failed);
    assert_eq!(code_of(&failed), ["XT910"], "{errors:?}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("out/api/old.yaml") && message.contains("prune"), "{message}");
    assert!(errors[0]["hint"].as_str().unwrap().contains("run it again"), "{errors:?}");
    // Every wanted file is in place; only the prune is pending, and --check says so.
    let check = t.run_args(&args("out", &["--check", "--format", "json"]));
    assert_eq!(check.code, 1, "{}", check.transcript());
    let report = json_report(&check);
    assert_eq!(report["result"]["pending"]["prunes"], serde_json::json!(["api/old.yaml"]), "{report:#}");
    let done = t.expect_args(&args("out", &[]), 0);
    assert!(done.stdout.contains("after completing an interrupted render"), "{}", done.transcript());
    assert!(!out.join("api/old.yaml").exists());
    assert_same_tree(&tree(&expected_files()), &out, "after the rerun");
}
