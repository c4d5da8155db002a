//! Rules (SPEC §4.1): the keys of a profile's or target's `bindings`, matched against each
//! declared binding. An exact name, a glob (`db.*`, `*`) or a kind (`kind:postgres`); the
//! most specific rule wins, and two matching rules of one rank are a conflict.

use crate::manifest::{BindingKind, ResourceBinding};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Exact(String),
    /// `*` matches any run of characters (also none).
    Glob(String),
    Kind(BindingKind),
}

pub const KIND_PREFIX: &str = "kind:";

impl Pattern {
    /// `Err` carries the kind word that is not a binding kind.
    pub fn parse(key: &str) -> Result<Pattern, String> {
        if let Some(word) = key.strip_prefix(KIND_PREFIX) {
            return crate::decode::Vocab::parse(word).map(Pattern::Kind).ok_or_else(|| word.to_string());
        }
        Ok(if key.contains('*') { Pattern::Glob(key.to_string()) } else { Pattern::Exact(key.to_string()) })
    }

    pub fn matches(&self, b: &ResourceBinding) -> bool {
        match self {
            Pattern::Exact(name) => *name == b.name,
            Pattern::Glob(glob) => glob_match(glob, &b.name),
            Pattern::Kind(kind) => *kind == b.kind,
        }
    }

    /// Within one file: exact (0), glob (1), kind (2); then, for globs, the longer literal
    /// prefix first.
    fn rank(&self) -> (u8, std::cmp::Reverse<usize>) {
        match self {
            Pattern::Exact(_) => (0, std::cmp::Reverse(0)),
            Pattern::Glob(g) => (1, std::cmp::Reverse(g.find('*').unwrap_or(g.len()))),
            Pattern::Kind(_) => (2, std::cmp::Reverse(0)),
        }
    }
}

/// Where a rule is written: the profile's rules outrank the target's, which outrank the
/// built-in default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Profile,
    Target,
}

/// The order of specificity: smaller is more specific. Equal ranks that both match conflict.
pub fn rank(tier: Tier, p: &Pattern) -> (Tier, u8, std::cmp::Reverse<usize>) {
    let (class, prefix) = p.rank();
    (tier, class, prefix)
}

/// Whether `name` matches `glob`, where `*` matches any run of characters.
pub fn glob_match(glob: &str, name: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields at least one part");
    let Some(mut tail) = name.strip_prefix(first) else { return false };
    let Some((last, middle)) = rest.split_last() else { return tail.is_empty() };
    for part in middle {
        match tail.find(part) {
            Some(i) => tail = &tail[i + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("db.*", "db.primary"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("*.primary", "db.primary"));
        assert!(glob_match("a*b*c", "a-b-c"));
        assert!(!glob_match("a*b*c", "a-c-b"));
        assert!(!glob_match("db.*", "msg.orders"));
        assert!(!glob_match("ab*ba", "aba"));
    }

    #[test]
    fn ranks() {
        let exact = rank(Tier::Profile, &Pattern::parse("db.primary").unwrap());
        let long = rank(Tier::Profile, &Pattern::parse("db.*").unwrap());
        let short = rank(Tier::Profile, &Pattern::parse("*").unwrap());
        let kind = rank(Tier::Profile, &Pattern::parse("kind:postgres").unwrap());
        let target = rank(Tier::Target, &Pattern::parse("db.primary").unwrap());
        assert!(exact < long && long < short && short < kind && kind < target);
        assert_eq!(rank(Tier::Profile, &Pattern::parse("*.primary").unwrap()), short);
        assert_eq!(Pattern::parse("kind:postgre"), Err("postgre".to_string()));
    }
}
