//! Friction of a first real week (issue 27): the manifest from standard input, the CI scripts
//! under a shared CARGO_TARGET_DIR.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use support::{binary, copy_tree, repo_root, Test, MANIFEST_PATH};

/// Runs the binary in `dir` with `stdin` piped in.
fn run_with_stdin(dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(binary()).args(args).current_dir(dir).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// `--manifest -` reads the manifest from standard input (profile ids from ./arch/topology/),
/// and renders the same bytes as the file does.
#[test]
fn manifest_from_stdin() {
    let t = Test::new();
    copy_tree(&repo_root().join("examples/orders"), t.path(), &["deploy"]);
    let manifest = std::fs::read(t.path().join(MANIFEST_PATH)).unwrap();
    let (code, stdout, stderr) = run_with_stdin(t.path(), &["check", "--manifest", "-", "--deny-warnings"], &manifest);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("<stdin>: service `orders`"), "{stdout}");
    let render = ["render", "--profile", "prod", "--image", "ghcr.io/acme/orders:1.4.2"];
    let from_file = t.expect_args(&render, 0).stdout;
    let (code, from_stdin, stderr) = run_with_stdin(t.path(), &[&render[..], &["--manifest", "-"]].concat(), &manifest);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(from_stdin, from_file);
    // A broken manifest on stdin is named `<stdin>` in diagnostics.
    let (code, _, stderr) = run_with_stdin(t.path(), &["check", "--manifest", "-"], b"{\"schema_version\": 1}");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--> <stdin>:1:"), "{stderr}");
}

/// `.ci/validate_inputs.py` and `.ci/validate_outputs.py` find the binary where
/// CARGO_TARGET_DIR puts it (a shared cache), not only in target/.
#[test]
fn ci_scripts_honour_cargo_target_dir() {
    let built = std::path::Path::new(binary());
    let target_dir = built.parent().and_then(|p| p.parent()).unwrap();
    let probe = "import sys; sys.path.insert(0, '.ci'); import validate_inputs; print(validate_inputs.built_binary())";
    let out = Command::new("python3").args(["-c", probe]).current_dir(repo_root()).env("CARGO_TARGET_DIR", target_dir).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), built.to_string_lossy());
    let out = Command::new("python3").args(["-c", probe]).current_dir(repo_root()).env_remove("CARGO_TARGET_DIR").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), repo_root().join("target/debug/x07-topo").to_string_lossy());
    let outputs = std::fs::read_to_string(repo_root().join(".ci/validate_outputs.py")).unwrap();
    assert!(!outputs.contains("\"target/debug") && outputs.contains("validate_inputs.built_binary()"), "validate_outputs.py hard-codes target/debug");
}
