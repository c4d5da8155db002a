//! Whether to colour: `--color`, then the usual environment conventions (no-color.org,
//! bixense.com/clicolors), then whether the stream is a terminal. The decision is a pure
//! function of its inputs so it can be tested without touching the real environment.

use super::args::ColorWhen;

/// Decides colour for one stream. `env` looks a variable up (the shell passes the real
/// environment); precedence: `--color always|never`, a non-empty `NO_COLOR` (off),
/// `CLICOLOR_FORCE` non-empty and not `0` (on, even off a terminal), `CLICOLOR=0` (off),
/// `TERM=dumb` (off), else colour exactly when the stream is a terminal.
pub fn decide(when: ColorWhen, env: &dyn Fn(&str) -> Option<String>, is_terminal: bool) -> bool {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if set("NO_COLOR").is_some() => false,
        ColorWhen::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        ColorWhen::Auto if set("CLICOLOR").as_deref() == Some("0") || set("TERM").as_deref() == Some("dumb") => false,
        ColorWhen::Auto => is_terminal,
    }
}

/// `--color WHEN` as given on the raw command line, before clap has parsed it (clap's own
/// errors must already be coloured right). The last one wins, as clap would take it; a
/// value clap will reject counts as `auto` (clap then reports it).
pub fn requested(args: &[String]) -> ColorWhen {
    let mut when = ColorWhen::Auto;
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--color") {
            Some("") => iter.next().map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        when = match value {
            Some("always") => ColorWhen::Always,
            Some("never") => ColorWhen::Never,
            Some(_) => ColorWhen::Auto,
            None => when,
        };
    }
    when
}

/// The real environment, for [`decide`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn auto_follows_the_terminal_without_variables() {
        assert!(decide(ColorWhen::Auto, &with(&[]), true));
        assert!(!decide(ColorWhen::Auto, &with(&[]), false));
    }

    #[test]
    fn a_non_empty_no_color_turns_it_off_an_empty_one_does_not() {
        assert!(!decide(ColorWhen::Auto, &with(&[("NO_COLOR", "1")]), true));
        assert!(decide(ColorWhen::Auto, &with(&[("NO_COLOR", "")]), true));
        // NO_COLOR wins over CLICOLOR_FORCE (as anstream decides).
        assert!(!decide(ColorWhen::Auto, &with(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]), true));
    }

    #[test]
    fn clicolor_force_colours_off_a_terminal_unless_empty_or_zero() {
        assert!(decide(ColorWhen::Auto, &with(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!decide(ColorWhen::Auto, &with(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!decide(ColorWhen::Auto, &with(&[("CLICOLOR_FORCE", "")]), false));
    }

    #[test]
    fn clicolor_zero_and_dumb_terminals_are_plain() {
        assert!(!decide(ColorWhen::Auto, &with(&[("CLICOLOR", "0")]), true));
        assert!(!decide(ColorWhen::Auto, &with(&[("TERM", "dumb")]), true));
    }

    #[test]
    fn the_flag_wins_over_everything() {
        assert!(decide(ColorWhen::Always, &with(&[("NO_COLOR", "1")]), false));
        assert!(!decide(ColorWhen::Never, &with(&[("CLICOLOR_FORCE", "1")]), true));
    }

    #[test]
    fn requested_reads_both_spellings_and_the_last_wins() {
        let args = |a: &[&str]| std::iter::once("x07-topo").chain(a.iter().copied()).map(String::from).collect::<Vec<_>>();
        assert_eq!(requested(&args(&["check", "--color", "always"])), ColorWhen::Always);
        assert_eq!(requested(&args(&["--color=never", "check"])), ColorWhen::Never);
        assert_eq!(requested(&args(&["--color=never", "check", "--color", "always"])), ColorWhen::Always);
        assert_eq!(requested(&args(&["check", "--", "--color", "always"])), ColorWhen::Auto);
        assert_eq!(requested(&args(&["check"])), ColorWhen::Auto);
    }
}
