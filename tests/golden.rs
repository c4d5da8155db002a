//! Golden cases: each folder under `golden/` holds inputs, an `args` file (the command line,
//! run from the folder) and `expected/` outputs. The test runs each case with
//! `--format human` and `--format json` (and any format listed in an optional `formats`
//! file) and compares byte for byte. `UPDATE_GOLDEN=1`
//! rewrites the expected files instead (then review them with `git diff`).

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use support::{diff, golden_cases as cases, list_files, repo_root, Test};


fn args_of(case: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("golden").join(case).join("args")).unwrap_or_else(|_| panic!("golden/{case}/args is missing"));
    text.split_whitespace().map(String::from).collect()
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

#[test]
fn golden_cases() {
    let bless = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for case in cases() {
        let dir = repo_root().join("golden").join(&case);
        let expected = dir.join("expected");
        let args = args_of(&case);
        let out_dir = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).filter(|d| *d != "-").cloned();
        for format in formats_of(&case) {
            let format = format.as_str();
            let mut full: Vec<&str> = args.iter().map(String::as_str).collect();
            full.extend(["--format", format]);
            let test = Test::from_case(&case).args(&full);
            let out = test.run();
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
    }
    assert!(failures.is_empty(), "{} golden mismatches (UPDATE_GOLDEN=1 cargo test --test golden to bless):\n{}", failures.len(), failures.join("\n"));
}

/// Every diagnostic code is shown by at least one golden case.
#[test]
fn every_code_has_a_golden_case() {
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
    assert!(missing.is_empty(), "codes with no golden case: {missing:?}");
}
