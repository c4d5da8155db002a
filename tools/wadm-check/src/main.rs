//! `wadm-check FILE...`: validates each wadm manifest with `wadm_types::validation::validate_manifest_bytes`
//! (what `wash app validate` runs). Prints every failure; exits 1 when any file has an error
//! or cannot be parsed, 2 on usage errors.

use wadm_types::validation::{validate_manifest_bytes, ValidationOutput};

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: wadm-check FILE...");
        std::process::exit(2);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wadm-check: cannot start a runtime: {e}");
            std::process::exit(2);
        }
    };
    let (mut errors, mut warnings, mut bad_files) = (0usize, 0usize, 0usize);
    for file in &files {
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                println!("{file}: cannot read: {e}");
                bad_files += 1;
                continue;
            }
        };
        match runtime.block_on(validate_manifest_bytes(&bytes)) {
            Ok((_, failures)) => {
                for f in &failures {
                    println!("{file}: {f}");
                }
                let e = failures.errors().len();
                errors += e;
                warnings += failures.warnings().len();
                if e > 0 {
                    bad_files += 1;
                }
            }
            Err(e) => {
                println!("{file}: not a wadm manifest: {e:#}");
                bad_files += 1;
            }
        }
    }
    println!("wadm-types 0.8.3 validate_manifest_bytes: {} files, {errors} errors, {warnings} warnings, {bad_files} files failed", files.len());
    std::process::exit(if bad_files > 0 { 1 } else { 0 });
}
