//! The ways to install x07-topo name one version, Cargo.toml's: the wheel takes it from
//! Cargo.toml (maturin, `dynamic`), the root pyproject.toml that pre-commit installs pins
//! the wheel of that version, and release/install.sh and the Action install it by default.
//! (.ci/release_check.sh builds and installs the wheel and checks the version it reports.)

mod support;

use support::repo_root;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The lines of one `[section]` of a TOML file (enough for these flat files).
fn section<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let header = format!("[{name}]");
    text.lines().skip_while(|l| l.trim() != header).skip(1).take_while(|l| !l.trim_start().starts_with('[')).map(str::trim).collect()
}

#[test]
fn the_wheel_takes_its_version_from_cargo_toml() {
    let text = read("wheel/pyproject.toml");
    let project = section(&text, "project");
    assert!(project.contains(&"name = \"x07-topo\""), "{project:?}");
    assert!(project.contains(&"dynamic = [\"version\"]"), "the wheel's version must come from Cargo.toml: {project:?}");
    assert!(!project.iter().any(|l| l.starts_with("version")), "a static version in wheel/pyproject.toml would drift from Cargo.toml");
    let maturin = section(&text, "tool.maturin");
    assert!(maturin.contains(&"bindings = \"bin\""), "{maturin:?}");
    assert!(maturin.contains(&"manifest-path = \"../Cargo.toml\""), "{maturin:?}");
    assert!(section(&text, "build-system").contains(&"build-backend = \"maturin\""));
}

#[test]
fn the_pre_commit_package_pins_the_wheel_of_this_version() {
    let text = read("pyproject.toml");
    let project = section(&text, "project");
    assert!(project.contains(&format!("version = \"{VERSION}\"").as_str()), "pyproject.toml's version must be Cargo.toml's {VERSION}: {project:?}");
    assert!(project.contains(&format!("dependencies = [\"x07-topo=={VERSION}\"]").as_str()), "pyproject.toml must pin x07-topo=={VERSION}: {project:?}");
}

#[test]
fn the_install_script_and_the_action_install_this_version() {
    assert!(read("release/install.sh").contains(&format!("version=${{X07_TOPO_VERSION:-{VERSION}}}")), "release/install.sh's default version is not {VERSION}");
    let action = read("action.yml");
    let version_input = action.split("\n  version:\n").nth(1).expect("action.yml has a version input");
    let default = version_input.lines().find_map(|l| l.trim().strip_prefix("default: ")).expect("the version input has a default");
    assert_eq!(default, format!("\"{VERSION}\""), "action.yml's default version is not {VERSION}");
}
