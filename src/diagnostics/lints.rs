//! Lint levels: which warning codes (and acceptable errors, `Code::acceptable`) a run allows
//! (counted, not printed) and which it denies (a failure). From `--allow CODE` and the
//! profiles' `lints` member.

use super::{Code, Diagnostic, Severity};

/// A profile's `lints` member: warning codes to allow and to deny.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lints {
    pub allow: Vec<&'static Code>,
    pub deny: Vec<&'static Code>,
}

/// A run's diagnostics sorted by lint level.
#[derive(Debug, Default)]
pub struct Leveled {
    /// What is printed (errors, and warnings not allowed).
    pub shown: Vec<Diagnostic>,
    /// Allowed warnings: counted, listed in JSON reports, not printed.
    pub suppressed: Vec<Diagnostic>,
    /// Denied codes that occurred (each once, in table order of first occurrence).
    pub denied: Vec<&'static Code>,
}

/// Levels `diags`. Precedence: `--allow` (the command line) wins over every profile; then a
/// code any profile of the run denies is denied; a code is allowed by profiles only when
/// every profile of the run allows it (a manifest warning in a two-profile run is hidden
/// only if both agree).
pub fn level(diags: Vec<Diagnostic>, cli_allow: &[&'static Code], profiles: &[&Lints]) -> Leveled {
    let mut out = Leveled::default();
    for d in diags {
        let code = d.code;
        // Errors are never hidden, but for the few a run may accept deliberately.
        let acceptable = code.acceptable();
        let warning = code.severity == Severity::Warning;
        let cli_allowed = cli_allow.contains(&code);
        let denied = !cli_allowed && profiles.iter().any(|l| l.deny.contains(&code));
        let allowed = cli_allowed || (!denied && !profiles.is_empty() && profiles.iter().all(|l| l.allow.contains(&code)));
        if warning && denied && !out.denied.contains(&code) {
            out.denied.push(code);
        }
        if acceptable && allowed {
            out.suppressed.push(d);
        } else {
            out.shown.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::codes;

    fn warn(code: &'static Code) -> Diagnostic {
        Diagnostic::about_file(code, "m.json", "w", "")
    }

    #[test]
    fn the_command_line_wins_over_a_profile_deny() {
        let deny = Lints { allow: vec![], deny: vec![&codes::ARCHETYPE_RULE] };
        let l = level(vec![warn(&codes::ARCHETYPE_RULE)], &[&codes::ARCHETYPE_RULE], &[&deny]);
        assert_eq!((l.shown.len(), l.suppressed.len(), l.denied.len()), (0, 1, 0));
    }

    #[test]
    fn a_profile_allow_hides_only_when_every_profile_allows() {
        let allow = Lints { allow: vec![&codes::ARCHETYPE_RULE], deny: vec![] };
        let none = Lints::default();
        assert_eq!(level(vec![warn(&codes::ARCHETYPE_RULE)], &[], &[&allow]).suppressed.len(), 1);
        assert_eq!(level(vec![warn(&codes::ARCHETYPE_RULE)], &[], &[&allow, &none]).shown.len(), 1);
    }

    #[test]
    fn deny_wins_over_another_profiles_allow_and_errors_are_never_hidden() {
        let allow = Lints { allow: vec![&codes::ARCHETYPE_RULE], deny: vec![] };
        let deny = Lints { allow: vec![], deny: vec![&codes::ARCHETYPE_RULE] };
        let l = level(vec![warn(&codes::ARCHETYPE_RULE), warn(&codes::ARCHETYPE_RULE)], &[], &[&allow, &deny]);
        assert_eq!((l.shown.len(), l.denied), (2, vec![&codes::ARCHETYPE_RULE]));
        let e = level(vec![warn(&codes::USAGE)], &[&codes::USAGE], &[]);
        assert_eq!(e.shown.len(), 1);
    }

    #[test]
    fn an_acceptable_error_is_hidden_only_when_allowed() {
        let shown = level(vec![warn(&codes::TRANSITION_DATA_LOSS)], &[], &[]);
        assert_eq!((shown.shown.len(), shown.suppressed.len()), (1, 0));
        let accepted = level(vec![warn(&codes::TRANSITION_DATA_LOSS)], &[&codes::TRANSITION_DATA_LOSS], &[]);
        assert_eq!((accepted.shown.len(), accepted.suppressed.len()), (0, 1));
        let by_profile = Lints { allow: vec![&codes::TRANSITION_REFUSED], deny: vec![] };
        assert_eq!(level(vec![warn(&codes::TRANSITION_REFUSED)], &[], &[&by_profile]).suppressed.len(), 1);
        // A deny of an error adds nothing: it is an error already.
        let deny = Lints { allow: vec![], deny: vec![&codes::TRANSITION_REFUSED] };
        assert!(level(vec![warn(&codes::TRANSITION_REFUSED)], &[], &[&deny]).denied.is_empty());
    }
}
