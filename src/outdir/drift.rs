//! How a committed output folder differs from what would be rendered (`render --check`,
//! `diff --against DIR`).

use std::collections::{BTreeMap, BTreeSet};

/// What a path of the committed folder holds, as far as drift cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Current {
    /// Exactly what would be rendered there (compared as it was read, not kept).
    Same,
    /// No file.
    Missing,
    /// A file with other content.
    Text(String),
}

/// How a committed folder differs from what would be rendered.
#[derive(Debug, Default)]
pub struct Drift {
    /// Unified diffs, one per differing file, in path order.
    pub diffs: Vec<String>,
    pub changed: Vec<String>,
    /// How each changed file differs, in the same order: `added` (render would write it),
    /// `removed` (render would prune it) or `changed`.
    pub changes: Vec<&'static str>,
}

/// Compares the `wanted` paths with the folder's `current` files (a path not in `current` is
/// missing); `stale` holds the wanted content of every file that is not the same. Files the
/// old inventory owns that are no longer wanted count as drift too (they would be pruned).
pub fn drift(wanted: &BTreeSet<String>, stale: &BTreeMap<String, String>, current: &BTreeMap<String, Current>, owned: &[String]) -> Drift {
    let mut d = Drift::default();
    let mut paths: Vec<&String> = wanted.iter().chain(owned.iter().filter(|p| !wanted.contains(*p))).collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let have = match current.get(path) {
            Some(Current::Same) => continue,
            Some(Current::Text(text)) => Some(text.as_str()),
            Some(Current::Missing) | None => None,
        };
        let want = wanted.contains(path).then(|| stale.get(path).map_or("", String::as_str));
        if want == have || (want.is_none() && have.is_none()) {
            continue;
        }
        let (old_name, new_name) = (format!("a/{path}"), format!("b/{path}"));
        let text = similar::TextDiff::from_lines(have.unwrap_or(""), want.unwrap_or(""))
            .unified_diff()
            .context_radius(3)
            .header(if have.is_some() { &old_name } else { "/dev/null" }, if want.is_some() { &new_name } else { "/dev/null" })
            .to_string();
        d.diffs.push(text);
        d.changed.push(path.clone());
        d.changes.push(match (want.is_some(), have.is_some()) {
            (true, false) => "added",
            (false, _) => "removed",
            (true, true) => "changed",
        });
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_reports_changed_missing_and_stale_files() {
        let wanted: BTreeSet<String> = ["a.yaml".to_string(), "b.yaml".to_string()].into();
        let stale: BTreeMap<_, _> = [("a.yaml".to_string(), "x: 1\n".to_string()), ("b.yaml".to_string(), "y\n".to_string())].into();
        let current: BTreeMap<_, _> =
            [("a.yaml".to_string(), Current::Text("x: 2\n".to_string())), ("b.yaml".to_string(), Current::Missing), ("old.yaml".to_string(), Current::Text("z\n".to_string()))].into();
        let d = drift(&wanted, &stale, &current, &["old.yaml".to_string(), "b.yaml".to_string()]);
        assert_eq!(d.changed, vec!["a.yaml", "b.yaml", "old.yaml"]);
        assert_eq!(d.changes, vec!["changed", "added", "removed"]);
        assert!(d.diffs[0].contains("-x: 2") && d.diffs[0].contains("+x: 1"));
        assert!(d.diffs[1].starts_with("--- /dev/null"));
        assert!(d.diffs[2].contains("+++ /dev/null"));
        assert!(drift(&wanted, &BTreeMap::new(), &[("a.yaml".to_string(), Current::Same), ("b.yaml".to_string(), Current::Same)].into(), &[]).changed.is_empty());
        assert_eq!(drift(&wanted, &stale, &[("a.yaml".to_string(), Current::Same)].into(), &[]).changed, vec!["b.yaml"], "a path not read is missing");
    }
}
