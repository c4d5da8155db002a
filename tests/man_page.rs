//! `x07-topo man`: the sections a man page reader looks for, and only pages that exist.

mod support;

use support::Test;

fn page(args: &[&str]) -> String {
    Test::new().args(args).expect(0).stdout
}

/// The text of one `.SH` section (up to the next one).
fn section<'a>(page: &'a str, title: &str) -> &'a str {
    let start = page.find(&format!(".SH {title}\n")).unwrap_or_else(|| panic!("no {title} section:\n{page}"));
    let rest = &page[start + 1..];
    &rest[..rest.find("\n.SH ").map_or(rest.len(), |i| i + 1)]
}

#[test]
fn man_page_has_exit_status_and_environment() {
    for args in [&["man"][..], &["man", "render"][..]] {
        let page = page(args);
        let exit = section(&page, "\"EXIT STATUS\"");
        for (code, says) in [("0", "Success"), ("1", "drift"), ("2", "Usage or I/O")] {
            assert!(exit.contains(&format!(".TP\n{code}\n")) && exit.contains(says), "{args:?}: exit status {code}:\n{exit}");
        }
        let env = section(&page, "ENVIRONMENT");
        for var in ["NO_COLOR", "CLICOLOR_FORCE", "X07_TOPO_THREADS"] {
            assert!(env.contains(&format!("\\fB{var}\\fR")), "{args:?}: {var} missing:\n{env}");
        }
    }
}

/// Every page the main page names exists (`x07-topo man NAME` prints it), and `help`, which
/// is clap's and has no page, is named nowhere.
#[test]
fn man_names_only_pages_that_exist() {
    let main = page(&["man"]);
    let subcommands = section(&main, "SUBCOMMANDS");
    let named: Vec<&str> = subcommands.lines().filter_map(|l| l.strip_prefix("x07\\-topo\\-")?.strip_suffix("(1)")).collect();
    assert!(named.len() >= 7, "{subcommands}");
    assert!(!named.contains(&"help"), "the main page names x07-topo-help(1): {named:?}");
    for name in &named {
        let sub = page(&["man", name]);
        assert!(sub.contains(&format!(".TH x07-topo-{name} 1")), "man {name}:\n{sub}");
        assert!(!sub.contains("x07\\-topo\\-help"), "man {name} names a help page");
    }
    let help = Test::new().args(&["man", "help"]).expect(2);
    assert!(help.stderr.contains("man pages exist for: check, plan, render, diff, schema, completions, man, explain\n"), "{}", help.stderr);
}
