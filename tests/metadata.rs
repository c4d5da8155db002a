//! Honest metadata: the declared `rust-version` is at least every locked dependency's
//! (dev-dependencies included, since `cargo test` must build on it too), read from
//! `cargo metadata --locked --offline`, so adding or updating a crate that needs a newer
//! compiler fails here instead of on a user's machine. Only the packages of the host
//! platform are read: a fresh machine's `cargo build` downloads no others (Windows-only
//! crates), and those are not built here anyway.

use serde_json::Value;

fn version(text: &str) -> Vec<u64> {
    text.split('.').map(|p| p.parse().unwrap_or_else(|_| panic!("rust-version {text:?} is not numeric"))).collect()
}

#[test]
fn declared_rust_version_covers_every_locked_dependency() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version_info = std::process::Command::new(rustc).arg("-vV").output().expect("rustc runs");
    let info = String::from_utf8_lossy(&version_info.stdout);
    let host = info.lines().find_map(|l| l.strip_prefix("host: ")).expect("rustc -vV names the host");
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline", "--filter-platform", host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo metadata failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let ours = version(env!("CARGO_PKG_RUST_VERSION"));
    let packages = metadata["packages"].as_array().expect("packages");
    let mut too_new = Vec::new();
    let mut highest = (Vec::new(), String::new());
    for p in packages.iter().filter(|p| p["name"] != env!("CARGO_PKG_NAME")) {
        let Some(needs) = p["rust_version"].as_str() else { continue };
        let v = version(needs);
        if v > ours {
            too_new.push(format!("{} {} needs Rust {needs}", p["name"].as_str().unwrap(), p["version"].as_str().unwrap()));
        }
        if v > highest.0 {
            highest = (v, format!("{} ({needs})", p["name"].as_str().unwrap()));
        }
    }
    assert!(too_new.is_empty(), "Cargo.toml declares rust-version {} but:\n{}", env!("CARGO_PKG_RUST_VERSION"), too_new.join("\n"));
    assert!(packages.len() > 50, "cargo metadata listed only {} packages", packages.len());
    eprintln!("rust-version {} covers every locked package; the highest need is {}", env!("CARGO_PKG_RUST_VERSION"), highest.1);
}
