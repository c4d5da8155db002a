//! Emission and plan views run on worker threads (`src/parallel.rs`); the bytes must be the
//! same as on one thread. A synthetic service large enough for many batches per worker is
//! rendered with `X07_TOPO_THREADS` 1, 2 and 3, and every output compared.

mod support;

use std::process::{Command, Stdio};
use support::{binary, list_files, repo_root};

/// 1,800 cells in 600 groups: co-located, 600 deployables (10 batches).
const CELLS: usize = 1800;

fn run(dir: &std::path::Path, threads: usize, args: &[&str]) -> (i32, Vec<u8>) {
    let out = Command::new(binary()).args(args).current_dir(dir).env("X07_TOPO_THREADS", threads.to_string()).stderr(Stdio::null()).output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout)
}

#[test]
fn every_output_is_the_same_on_one_two_and_three_threads() {
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new("python3").arg(repo_root().join("bench/synthetic.py")).arg(dir.path()).arg(CELLS.to_string()).stdout(Stdio::null()).status();
    assert!(ok.is_ok_and(|s| s.success()), "bench/synthetic.py failed");
    let image = "ghcr.io/acme/bench:1.0.0";
    let commands: Vec<Vec<&str>> = vec![
        vec!["render", "--profile", "prod", "--image", image, "--out", "-"],
        vec!["render", "--profile", "prod", "--image", image, "--out", "-", "--format", "json"],
        vec!["plan", "--profile", "prod", "--format", "json"],
        vec!["plan", "--profile", "staging"],
        vec!["diff", "--profile", "prod", "--profile", "staging", "--format", "json"],
    ];
    for args in &commands {
        let (code, one) = run(dir.path(), 1, args);
        assert_eq!(code, 0, "{args:?} failed on one thread");
        assert!(one.len() > 100_000, "{args:?} printed only {} bytes", one.len());
        for threads in [2, 3] {
            let (code, many) = run(dir.path(), threads, args);
            assert_eq!(code, 0, "{args:?} failed on {threads} threads");
            assert!(one == many, "{args:?}: {threads} threads printed other bytes than one thread");
        }
    }
    // The written folder, file by file.
    for threads in [1, 2] {
        let out = format!("out-{threads}");
        let (code, _) = run(dir.path(), threads, &["render", "--profile", "prod", "--image", image, "--out", &out]);
        assert_eq!(code, 0);
    }
    let (a, b) = (dir.path().join("out-1"), dir.path().join("out-2"));
    let files = list_files(&a);
    assert!(files.len() > 3 * 600, "only {} files written", files.len());
    assert_eq!(files, list_files(&b));
    for f in &files {
        assert!(std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(), "{f} differs between one and two threads");
    }
}
