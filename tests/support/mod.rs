//! Test helpers: run the real binary in a scratch folder and compare what it printed.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_x07-topo")
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder tree (files, folders and symbolic links), skipping `skip` at its top level.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(from).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if skip.iter().any(|s| name == std::ffi::OsStr::new(s)) {
            continue;
        }
        let target = to.join(&name);
        // Links are copied as links (golden cases show what x07-topo does with them).
        if e.file_type().unwrap().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &target).unwrap();
        } else if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target, &[]);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file below `dir`, as sorted relative paths with `/`.
pub fn list_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.map(|e| e.unwrap()) {
            if e.file_type().unwrap().is_dir() {
                walk(base, &e.path(), out);
            } else {
                out.push(e.path().strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// What one run printed.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The form golden files keep: exit code, stdout, stderr.
    pub fn transcript(&self) -> String {
        format!("exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// A tiny builder for CLI tests: `Test::new().args(&["check"]).run()`.
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdin: Option<String>,
    /// Where the binary runs, relative to the test's folder (`None`: the folder itself).
    cwd: Option<String>,
    /// Extra environment variables of the run.
    env: Vec<(String, String)>,
}

impl Test {
    pub fn new() -> Self {
        Test { dir: tempfile::tempdir().unwrap(), args: Vec::new(), stdin: None, cwd: None, env: Vec::new() }
    }

    /// A test whose folder starts as a copy of `golden/<case>` (inputs only).
    pub fn from_case(case: &str) -> Self {
        let t = Test::new();
        copy_tree(&repo_root().join("golden").join(case), t.dir.path(), &["expected", "args", "formats", "README", "hold-lock", "written", "large"]);
        t
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(self, path: &str, contents: &str) -> Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    /// Sets an environment variable for the runs (the colour variables are cleared otherwise).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|s| s.to_string()));
        self
    }

    /// Runs the binary from `dir` (relative to the test's folder, created if missing).
    pub fn cwd(mut self, dir: &str) -> Self {
        std::fs::create_dir_all(self.dir.path().join(dir)).unwrap();
        self.cwd = Some(dir.to_string());
        self
    }

    pub fn run(&self) -> Output {
        let dir = match &self.cwd {
            Some(sub) => self.dir.path().join(sub),
            None => self.dir.path().to_path_buf(),
        };
        let out = Command::new(binary()).args(&self.args).current_dir(dir).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR").envs(self.env.iter().map(|(k, v)| (k, v))).output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs and asserts the exit code; returns the output for further checks.
    pub fn expect(&self, code: i32) -> Output {
        let out = self.run();
        assert_eq!(out.code, code, "exit code of {:?}\n{}", self.args, out.transcript());
        out
    }
}

/// A line diff for failure messages.
pub fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual).unified_diff().context_radius(3).header("expected", "actual").to_string()
}

/// The golden case folders, sorted.
pub fn golden_cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(repo_root().join("golden"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

/// The exit code a golden case expects: the first line of its `expected/json.out` (`exit: N`).
pub fn golden_exit(case: &str) -> i32 {
    let path = repo_root().join("golden").join(case).join("expected/json.out");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let first = text.lines().next().unwrap_or_default();
    first.strip_prefix("exit: ").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{}: first line is {first:?}, not `exit: N`", path.display()))
}

/// Where a golden case keeps its manifest, relative to the case folder.
pub const MANIFEST_PATH: &str = "arch/service/index.x07service.json";

/// The bytes of a golden case's manifest, if it has one.
pub fn golden_manifest(case: &str) -> Option<Vec<u8>> {
    std::fs::read(repo_root().join("golden").join(case).join(MANIFEST_PATH)).ok()
}

/// Parses a `--format json` report, with the transcript in the failure message.
pub fn json_report(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", out.transcript()))
}

impl Test {
    /// Runs the binary in this test's folder with `args` instead of the builder's, so one
    /// folder can see several runs (render, then render again, then `--check`, ...).
    pub fn run_args<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Output {
        let dir = match &self.cwd {
            Some(sub) => self.dir.path().join(sub),
            None => self.dir.path().to_path_buf(),
        };
        let out = Command::new(binary()).args(args).current_dir(dir).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR").envs(self.env.iter().map(|(k, v)| (k, v))).output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// `run_args`, asserting the exit code.
    pub fn expect_args<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(&self, args: &[S], code: i32) -> Output {
        let out = self.run_args(args);
        assert_eq!(out.code, code, "exit code of {args:?}\n{}", out.transcript());
        out
    }
}

/// A golden case's `args`, split on whitespace, with `--out X` removed.
pub fn golden_args_without_out(case: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("golden").join(case).join("args")).unwrap();
    let mut args: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if let Some(i) = args.iter().position(|a| a == "--out") {
        args.drain(i..(i + 2).min(args.len()));
    }
    args
}

/// The stdout part of a transcript (`exit: N\n--- stdout\n...--- stderr\n...`).
pub fn transcript_stdout(text: &str) -> &str {
    let start = text.find("--- stdout\n").map(|i| i + "--- stdout\n".len()).expect("transcript has a `--- stdout` line");
    let end = text[start..].find("--- stderr\n").map_or(text.len(), |i| start + i);
    &text[start..end]
}

/// Every entry below `dir` (not following links): folders, files with a hash of their bytes,
/// links with their target, and anything else by kind.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.map(|e| e.unwrap()) {
            let rel = e.path().strip_prefix(base).unwrap().to_string_lossy().into_owned();
            let ft = e.file_type().unwrap();
            let what = if ft.is_symlink() {
                format!("link -> {}", std::fs::read_link(e.path()).unwrap().display())
            } else if ft.is_dir() {
                walk(base, &e.path(), out);
                "folder".to_string()
            } else if ft.is_file() {
                format!("file {:x}", <sha2::Sha256 as sha2::Digest>::digest(std::fs::read(e.path()).unwrap()))
            } else {
                "special".to_string()
            };
            out.insert(rel, what);
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The documents a golden case renders (its args without `--out`, as `--format json`).
pub fn rendered_documents(case: &str) -> Vec<serde_json::Value> {
    let mut args = golden_args_without_out(case);
    args.extend(["--format".to_string(), "json".to_string()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = Test::from_case(case).args(&refs).expect(0);
    json_report(&out)["result"]["documents"].as_array().cloned().unwrap_or_default()
}

/// Every document of kind `kind` that the passing render golden cases make, with its case
/// (each case whose expected output holds such a document, re-rendered as JSON).
pub fn golden_documents_of_kind(kind: &str) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for case in golden_cases() {
        let dir = repo_root().join("golden").join(&case);
        let args = std::fs::read_to_string(dir.join("args")).unwrap_or_default();
        let expected = list_files(&dir.join("expected")).iter().map(|f| std::fs::read_to_string(dir.join("expected").join(f)).unwrap_or_default()).collect::<String>();
        if !args.starts_with("render") || !expected.contains(&format!("kind: {kind}")) || golden_exit(&case) != 0 {
            continue;
        }
        out.extend(rendered_documents(&case).into_iter().filter(|d| d["kind"] == kind).map(|d| (case.clone(), d)));
    }
    out
}
