//! Shell completions as the shells run them: the generated script is loaded into the shell
//! and its completion function asked what it offers for a command line.

mod support;

use std::process::Command;
use support::Test;

fn script(shell: &str) -> String {
    let out = Test::new().args(&["completions", shell]).expect(0);
    out.stdout
}

/// What bash's completion function offers for `words` (the last one is being completed).
fn bash_offers(script: &str, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "{script}\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE=\"${{COMP_WORDS[*]}}\"\nCOMP_POINT=${{#COMP_LINE}}\n_x07__topo x07-topo '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash").args(["--norc", "--noprofile", "-c", &program]).output().expect("bash runs");
    assert!(out.status.success(), "bash failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_subcommand_flags() {
    let script = script("bash");
    assert!(script.contains("complete -F _x07__topo"), "not a bash completion script:\n{script}");
    // Subcommands, then each subcommand's own flags and flag values.
    assert!(bash_offers(&script, &["x07-topo", "re"]).contains(&"render".to_string()));
    assert_eq!(bash_offers(&script, &["x07-topo", "render", "--pr"]), ["--profile"]);
    let check = bash_offers(&script, &["x07-topo", "check", "--"]);
    for flag in ["--manifest", "--profile", "--workspace", "--deny-warnings"] {
        assert!(check.contains(&flag.to_string()), "check -- offers {check:?}");
    }
    assert_eq!(bash_offers(&script, &["x07-topo", "diff", "--again"]), ["--against"]);
    let formats = bash_offers(&script, &["x07-topo", "plan", "--format", ""]);
    assert!(formats.contains(&"mermaid".to_string()), "plan --format offers {formats:?}");
    assert_eq!(bash_offers(&script, &["x07-topo", "schema", "man"]), ["manifest"]);
}

/// zsh and fish load the script and complete a subcommand flag, where the shell is installed
/// (`.ci/run` installs both when apt-get can; elsewhere this test says it skipped them).
#[test]
fn zsh_and_fish_load_their_scripts() {
    let have = |shell: &str| Command::new(shell).arg("--version").output().is_ok_and(|o| o.status.success());
    if have("zsh") {
        let script = script("zsh");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("_x07-topo"), &script).unwrap();
        // Loads the function from fpath and checks that it defines the render arguments.
        let program = format!("fpath=({} $fpath); autoload -Uz compinit; compinit -u -D; autoload -Uz +X _x07-topo; whence -w _x07-topo; functions _x07-topo | grep -c -- '--profile'", dir.path().display());
        let out = Command::new("zsh").args(["-f", "-c", &program]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let count: usize = text.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
        assert!(out.status.success() && text.contains("_x07-topo: function") && count >= 4, "zsh: {text}{}", String::from_utf8_lossy(&out.stderr));
    } else {
        eprintln!("zsh is not installed: its completion script was not loaded");
    }
    if have("fish") {
        let script = script("fish");
        let program = format!("{script}\ncomplete --do-complete 'x07-topo render --pr'");
        let out = Command::new("fish").args(["--no-config", "-c", &program]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.lines().any(|l| l.starts_with("--profile")), "fish offers: {text}{}", String::from_utf8_lossy(&out.stderr));
    } else {
        eprintln!("fish is not installed: its completion script was not loaded");
    }
}
