//! README.md as a new user reads it: every command of its `sh` blocks runs as written (in a
//! scratch copy of the folder it is about, placeholder digests `sha256:...` replaced by a real-
//! looking one), every `x07-topo` command quoted inline runs, every JSON snippet is the file it
//! shows or a document x07-topo accepts, the YAML snippets parse and name the plugin as Argo CD
//! would, and the sample diagnostic is what x07-topo prints. A README edit that breaks any of
//! this fails here. Cheap: about 30 runs of the binary on two small examples.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::{binary, copy_tree, repo_root};

const DIGEST: &str = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

/// Commands the README shows that this test does not run, with the reason. A command that is
/// neither run nor listed here fails the test, so a new README command is never silently skipped.
const NOT_RUN: &[(&str, &str)] = &[
    ("cargo test", "the test suite itself"),
    ("cargo install --path .", "installs into the user's cargo folder; the build is what cargo test builds"),
    ("bash bench/workspace.sh [SERVICES] [CELLS]", "a benchmark of minutes (bench/ is run by hand)"),
    ("x07-topo render", "names the command, with no arguments to run it with"),
    ("pipx install x07-topo", "installs from PyPI (network; the wheel is tested by its release workflow)"),
    ("curl -fsSL https://github.com/<owner>/x07-topo/releases/latest/download/install.sh | sh", "installs a release (network; tested by the release workflow)"),
];

struct Block {
    lang: String,
    line: usize,
    text: String,
}

fn readme() -> String {
    std::fs::read_to_string(repo_root().join("README.md")).unwrap()
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some(Block { lang: lang.trim().to_string(), line: i + 1, text: String::new() }),
            (Some(_), Some(_)) => out.push(open.take().unwrap()),
            (Some(b), None) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md has an unclosed code block");
    out
}

/// The scratch folders commands run in: the two bundled examples and the golden workspace.
struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        copy_tree(&repo_root().join("examples"), &root.join("examples"), &[]);
        let ws = repo_root().join("golden/render-workspace-shop");
        for part in ["services", "images.json", "x07-topo.workspace.json"] {
            let (from, to) = (ws.join(part), root.join("workspace").join(part));
            if from.is_dir() {
                copy_tree(&from, &to, &[]);
            } else {
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(from, to).unwrap();
            }
        }
        Sandbox { _dir: dir, root }
    }
}

/// One command line as a shell would split it (the README uses no quoting beyond plain
/// words), with a trailing `# comment` removed and `< FILE` / `> FILE` taken apart.
struct Line {
    words: Vec<String>,
    stdin: Option<String>,
    stdout: Option<String>,
}

fn parse_line(raw: &str) -> Line {
    let mut words = Vec::new();
    let (mut stdin, mut stdout) = (None, None);
    let mut it = raw.split_whitespace().map(|w| w.replace("sha256:...", DIGEST));
    while let Some(w) = it.next() {
        match w.as_str() {
            "#" => break,
            "<" => stdin = it.next(),
            ">" => stdout = it.next(),
            _ if w.starts_with('#') => break,
            _ => words.push(w),
        }
    }
    Line { words, stdin, stdout }
}

/// Runs one README command in `cwd`; returns exit code and output.
fn run(words: &[String], cwd: &Path, stdin: Option<&str>, stdout: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(binary());
    command.args(&words[1..]).current_dir(cwd).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    if let Some(file) = stdin {
        command.stdin(Stdio::from(std::fs::File::open(cwd.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))));
    }
    let out = command.output().unwrap();
    if let Some(file) = stdout {
        std::fs::write(cwd.join(file), &out.stdout).unwrap();
    }
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn kubectl() -> bool {
    let ok = Command::new("kubectl").args(["version", "--client"]).output().is_ok_and(|o| o.status.success());
    assert!(ok || std::env::var_os("X07_TOPO_CI").is_none(), "kubectl is required in CI");
    ok
}

/// Every command of every `sh` block, in order, each block in the folder it `cd`s into (or,
/// for `--workspace` commands, the golden workspace; else examples/orders). `cd golden/CASE`
/// copies that case's inputs into the sandbox.
#[test]
fn every_sh_command_runs_as_written() {
    let sandbox = Sandbox::new();
    let mut ran = 0;
    let mut problems = Vec::new();
    for block in blocks(&readme()).iter().filter(|b| b.lang == "sh") {
        let mut cwd = sandbox.root.join("examples/orders");
        for (offset, raw) in block.text.lines().enumerate() {
            let at = format!("README.md:{}", block.line + 1 + offset);
            for part in raw.split("&&").map(str::trim).filter(|p| !p.is_empty() && !p.starts_with('#')) {
                let line = parse_line(part);
                let shown = line.words.join(" ");
                if line.words.is_empty() {
                    continue;
                }
                if line.words[0] == "cd" {
                    cwd = sandbox.root.join(&line.words[1]);
                    // A golden case's inputs, copied when a command goes there.
                    if line.words[1].starts_with("golden/") && !cwd.exists() {
                        copy_tree(&repo_root().join(&line.words[1]), &cwd, &["expected", "args", "formats", "README", "hold-lock", "written"]);
                    }
                    assert!(cwd.is_dir(), "{at}: cd {}: no such folder in the sandbox", line.words[1]);
                    continue;
                }
                let mut words = line.words.clone();
                if words.starts_with(&["cargo".into(), "run".into(), "-q".into(), "--".into()]) {
                    words.splice(0..4, ["x07-topo".to_string()]);
                }
                if NOT_RUN.iter().any(|(c, _)| *c == shown) {
                    continue;
                }
                if words[0] == "kubectl" {
                    if kubectl() {
                        let out = Command::new("kubectl").args(&words[1..]).current_dir(&cwd).output().unwrap();
                        if !out.status.success() {
                            problems.push(format!("{at}: `{shown}` failed: {}", String::from_utf8_lossy(&out.stderr)));
                        }
                        ran += 1;
                    }
                    continue;
                }
                if words[0] != "x07-topo" {
                    problems.push(format!("{at}: `{shown}` is neither an x07-topo command nor listed in NOT_RUN"));
                    continue;
                }
                let dir = if words.iter().any(|w| w == "--workspace") { sandbox.root.join("workspace") } else { cwd.clone() };
                let (code, stdout, stderr) = run(&words, &dir, line.stdin.as_deref(), line.stdout.as_deref());
                ran += 1;
                // `--check` and `--against` exit 1 exactly when they found drift, with a diff.
                let drift = code == 1 && words.iter().any(|w| w == "--check" || w == "--against") && stdout.contains("+++ b/");
                if code != 0 && !drift {
                    problems.push(format!("{at}: `{shown}` exited {code}:\n{stdout}{stderr}"));
                }
                if words.iter().any(|w| w == "--deny-warnings") && stderr.contains("warning[") {
                    problems.push(format!("{at}: `{shown}` printed warnings under --deny-warnings:\n{stderr}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(ran >= 25, "only {ran} README commands ran");
}

/// Every `x07-topo ...` quoted inline runs (alternatives `a|b` each, `[OPTIONAL]` left out),
/// unless listed in NOT_RUN.
#[test]
fn every_inline_command_runs() {
    let sandbox = Sandbox::new();
    let text = readme();
    let mut problems = Vec::new();
    let mut ran = 0;
    for span in text.split('`').skip(1).step_by(2).filter(|s| s.starts_with("x07-topo ")) {
        if NOT_RUN.iter().any(|(c, _)| c == &span) {
            continue;
        }
        let line = parse_line(span);
        let words: Vec<String> = line.words.iter().filter(|w| !(w.starts_with('[') && w.ends_with(']'))).cloned().collect();
        let Some(alternatives) = words.iter().position(|w| w.contains('|')) else {
            let (code, out, err) = run(&words, &sandbox.root.join("examples/orders"), None, line.stdout.as_deref());
            ran += 1;
            if code != 0 {
                problems.push(format!("`{span}` exited {code}: {out}{err}"));
            }
            continue;
        };
        for alt in words[alternatives].split('|') {
            let mut each = words.clone();
            each[alternatives] = alt.to_string();
            let (code, out, err) = run(&each, &sandbox.root.join("examples/orders"), None, None);
            ran += 1;
            if code != 0 || out.is_empty() {
                problems.push(format!("`{}` exited {code}: {err}", each.join(" ")));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(ran >= 6, "only {ran} inline commands ran");
}

/// JSON snippets: a snippet that is a whole document is either a bundled file, byte for byte,
/// or a workspace file x07-topo accepts. The sample diagnostic is output x07-topo prints (a
/// golden case's `human.out` holds it, and the golden test runs that case).
#[test]
fn every_snippet_is_real() {
    let text = readme();
    let blocks = blocks(&text);
    let mut checked = 0;
    for block in &blocks {
        let at = format!("README.md:{}", block.line);
        match block.lang.as_str() {
            "json" => {
                let value: serde_json::Value = serde_json::from_str(&block.text).unwrap_or_else(|e| panic!("{at}: not JSON: {e}"));
                match value["schema_version"].as_str() {
                    Some("x07.topology.profile@0.1.0") => {
                        let file = repo_root().join("examples/payments/arch/topology/prod.json");
                        assert_eq!(block.text, std::fs::read_to_string(&file).unwrap(), "{at}: the profile shown is not examples/payments/arch/topology/prod.json");
                    }
                    Some("x07.topo.workspace@0.1.0") => {
                        let sandbox = Sandbox::new();
                        let ws = sandbox.root.join("workspace");
                        std::fs::write(ws.join("x07-topo.workspace.json"), &block.text).unwrap();
                        let (code, out, err) = run(&["x07-topo".into(), "check".into(), "--workspace".into()], &ws, None, None);
                        assert_eq!(code, 0, "{at}: check --workspace with the README's workspace file: {out}{err}");
                    }
                    other => panic!("{at}: a JSON snippet of unknown kind {other:?}: teach tests/readme.rs what it is"),
                }
            }
            "yaml" => {
                let Some(value) = yaml(&block.text) else { continue };
                let value = value.unwrap_or_else(|e| panic!("{at}: not YAML: {e}"));
                let plugin = yaml(&std::fs::read_to_string(repo_root().join("integrations/argocd/plugin.yaml")).unwrap()).unwrap().unwrap();
                let name = format!("{}-{}", plugin["metadata"]["name"].as_str().unwrap(), plugin["spec"]["version"].as_str().unwrap());
                let shown = block.text.as_str();
                assert!(value.is_array() || value.is_object(), "{at}: {value}");
                if shown.contains("plugin:") {
                    assert_eq!(value["spec"]["source"]["plugin"]["name"].as_str(), Some(name.as_str()), "{at}: the Application names another plugin than integrations/argocd/plugin.yaml");
                } else if shown.contains("argocd-cmp-server") {
                    assert!(shown.contains("/home/argocd/cmp-server/config/plugin.yaml"), "{at}: the sidecar does not mount the plugin where the cmp-server reads it");
                } else if shown.contains("/x07-topo@") {
                    // A workflow using the action: every `with` input is one action.yml declares.
                    let action = yaml(&std::fs::read_to_string(repo_root().join("action.yml")).unwrap()).unwrap().unwrap();
                    let steps = value["steps"].as_array().unwrap_or_else(|| panic!("{at}: no steps"));
                    let with = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.contains("/x07-topo@"))).map(|s| &s["with"]).unwrap();
                    for input in with.as_object().unwrap().keys() {
                        assert!(action["inputs"].get(input).is_some(), "{at}: input `{input}` is not in action.yml");
                    }
                } else {
                    panic!("{at}: a YAML snippet of unknown kind: teach tests/readme.rs what it is");
                }
            }
            "" => {
                let found = support::golden_cases().into_iter().any(|case| {
                    std::fs::read_to_string(repo_root().join("golden").join(case).join("expected/human.out")).unwrap_or_default().contains(&block.text)
                });
                assert!(found, "{at}: the sample output is not what any golden case prints:\n{}", block.text);
            }
            "dockerfile" => {
                // Not built here (it downloads a release); the version it pins is this one.
                let cargo = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
                let version = cargo.lines().find_map(|l| l.strip_prefix("version = \"")).and_then(|v| v.strip_suffix('"')).unwrap();
                assert!(block.text.contains(&format!("ARG X07_TOPO_VERSION={version}\n")), "{at}: the Dockerfile does not pin version {version}");
            }
            "sh" => continue,
            other => panic!("{at}: a ```{other} block: teach tests/readme.rs what it is"),
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} snippets checked");
}

/// YAML read with PyYAML (as tests/gitops.rs reads it), as JSON; `None` without python3 and
/// PyYAML outside CI (CI installs them).
fn yaml(text: &str) -> Option<Result<serde_json::Value, String>> {
    use std::io::Write;
    let child = Command::new("python3")
        .args(["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        assert!(std::env::var_os("X07_TOPO_CI").is_none(), "python3 is required in CI");
        return None;
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("No module named 'yaml'") {
        assert!(std::env::var_os("X07_TOPO_CI").is_none(), "PyYAML is required in CI");
        return None;
    }
    Some(if out.status.success() { serde_json::from_slice(&out.stdout).map_err(|e| e.to_string()) } else { Err(err.into_owned()) })
}
