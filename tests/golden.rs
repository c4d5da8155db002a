//! Golden cases: each folder under `golden/` holds inputs, an `args` file (the command line,
//! run from the folder) and `expected/` outputs. Each case is its own test (named after its
//! folder, so `cargo test --test golden -- render-k8s` runs a few), run with `--format human`
//! and `--format json` (and any format listed in an optional `formats` file) and compared
//! byte for byte. `UPDATE_GOLDEN=1` rewrites the expected files instead (then review them
//! with `git diff`). A case with a `hold-lock` file runs while the harness holds the output
//! folder's lock, as a concurrent render would.

mod support;

use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeSet;
use std::path::Path;
use support::{diff, golden_cases as cases, list_files, repo_root, Test};

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = cases().into_iter().map(|case| Trial::test(case.clone(), move || run_case(&case))).collect();
    trials.push(Trial::test("every_code_has_a_golden_case", every_code_has_a_golden_case));
    libtest_mimic::run(&args, trials).exit();
}

fn blessing() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

fn args_of(case: &str) -> Result<Vec<String>, Failed> {
    let text = std::fs::read_to_string(repo_root().join("golden").join(case).join("args")).map_err(|_| format!("golden/{case}/args is missing"))?;
    Ok(text.split_whitespace().map(String::from).collect())
}

/// `human` and `json`, plus the extra formats listed in the case's optional `formats` file
/// (e.g. `mermaid`), each compared as `expected/<format>.out`.
fn formats_of(case: &str) -> Vec<String> {
    let extra = std::fs::read_to_string(repo_root().join("golden").join(case).join("formats")).unwrap_or_default();
    ["human", "json"].iter().map(|f| f.to_string()).chain(extra.split_whitespace().map(String::from)).collect()
}

/// Compares (or, when blessing, writes) one expected file; returns a failure description.
fn compare(path: &Path, actual: &[u8], bless: bool) -> Option<String> {
    if bless {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read(path).unwrap_or_default();
    (expected != actual).then(|| {
        format!("{} differs:\n{}", path.display(), diff(&String::from_utf8_lossy(&expected), &String::from_utf8_lossy(actual)))
    })
}

/// Creates `<out>/.x07-topo.lock` and holds an exclusive flock on it, as a running render does.
fn hold_lock(out: &Path) -> (std::fs::File, std::path::PathBuf) {
    std::fs::create_dir_all(out).unwrap();
    let path = out.join(".x07-topo.lock");
    let file = std::fs::File::create(&path).unwrap();
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive).unwrap();
    (file, path)
}

/// One golden case: every format, and the files an `--out DIR` run writes.
fn run_case(case: &str) -> Result<(), Failed> {
    let bless = blessing();
    let mut failures = Vec::new();
    let dir = repo_root().join("golden").join(case);
    let expected = dir.join("expected");
    let args = args_of(case)?;
    // `--out DIR`, or (workspaces) the folder an optional `written` file names.
    let out_dir = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .filter(|d| *d != "-")
        .cloned()
        .or_else(|| std::fs::read_to_string(dir.join("written")).ok().map(|s| s.trim().to_string()));
    for format in formats_of(case) {
        let format = format.as_str();
        let mut full: Vec<&str> = args.iter().map(String::as_str).collect();
        full.extend(["--format", format]);
        let test = Test::from_case(case).args(&full);
        // Files too large to commit: each path the optional `large` file lists becomes a
        // sparse file one byte over the 64 MB input limit.
        for path in std::fs::read_to_string(dir.join("large")).unwrap_or_default().lines().filter(|l| !l.trim().is_empty()) {
            std::fs::File::create(test.path().join(path.trim())).unwrap().set_len((64 << 20) + 1).unwrap();
        }
        let lock = dir.join("hold-lock").exists().then(|| hold_lock(&test.path().join(out_dir.as_deref().unwrap_or("out"))));
        let out = test.run();
        if let Some((lock, path)) = lock {
            drop(lock);
            std::fs::remove_file(path).unwrap();
        }
        failures.extend(compare(&expected.join(format!("{format}.out")), out.transcript().as_bytes(), bless));
        // Files a command writes are compared once, from the human run.
        if let (Some(out_dir), "human") = (&out_dir, format) {
            let written = test.path().join(out_dir);
            let files_dir = expected.join("files");
            if bless {
                let _ = std::fs::remove_dir_all(&files_dir);
            }
            let actual_files = list_files(&written);
            if !bless && actual_files != list_files(&files_dir) {
                failures.push(format!("golden/{case}: written files differ:\n{}", diff(&list_files(&files_dir).join("\n"), &actual_files.join("\n"))));
            }
            for f in actual_files {
                failures.extend(compare(&files_dir.join(&f), &std::fs::read(written.join(&f)).unwrap(), bless));
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} mismatches (UPDATE_GOLDEN=1 cargo test --test golden to bless):\n{}", failures.len(), failures.join("\n")).into())
    }
}

/// Every diagnostic code is shown by at least one golden case.
fn every_code_has_a_golden_case() -> Result<(), Failed> {
    let mut seen = BTreeSet::new();
    for case in cases() {
        let json = std::fs::read_to_string(repo_root().join("golden").join(&case).join("expected/json.out")).unwrap_or_default();
        for code in x07_topo::diagnostics::codes::ALL {
            if json.contains(&format!("\"code\": \"{}\"", code.id)) {
                seen.insert(code.id);
            }
        }
    }
    // A retired code is never reported again, so it has no case.
    let live = x07_topo::diagnostics::codes::ALL.iter().filter(|c| !c.summary.starts_with("(retired)"));
    let missing: Vec<&str> = live.map(|c| c.id).filter(|id| !seen.contains(id)).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("codes with no golden case: {missing:?}").into())
    }
}
