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
        let header = (if have.is_some() { old_name.as_str() } else { "/dev/null" }, if want.is_some() { new_name.as_str() } else { "/dev/null" });
        d.diffs.push(unified(have.unwrap_or(""), want.unwrap_or(""), header));
        d.changed.push(path.clone());
        d.changes.push(match (want.is_some(), have.is_some()) {
            (true, false) => "added",
            (false, _) => "removed",
            (true, true) => "changed",
        });
    }
    d
}

/// Above this many lines on both sides together, a file is diffed by [`one_hunk`]: Myers'
/// diff costs (lines × edits), so an inventory of 120,000 paths that all moved (a 30,000-cell
/// service changing placement) took minutes and gigabytes.
const MYERS_LINES: usize = 8_000;

/// The unified diff of one file, three lines of context.
fn unified(old: &str, new: &str, (from, to): (&str, &str)) -> String {
    if old.lines().count() + new.lines().count() > MYERS_LINES {
        return one_hunk(old, new, from, to);
    }
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(from, to).to_string()
}

/// A linear diff for large files: the common leading and trailing lines are context, and
/// everything between them is one replaced block (valid for `git apply`, deterministic, and
/// the same as Myers' output whenever the change is one contiguous block).
fn one_hunk(old: &str, new: &str, from: &str, to: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (start, a_end, b_end) = (prefix.saturating_sub(3), (a.len() - suffix + 3).min(a.len()), (b.len() - suffix + 3).min(b.len()));
    let range = |start: usize, count: usize| match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        n => format!("{},{n}", start + 1),
    };
    let mut out = format!("--- {from}\n+++ {to}\n@@ -{} +{} @@\n", range(start, a_end - start), range(start, b_end - start));
    let mut line = |mark: char, text: &str| {
        out.push(mark);
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    };
    a[start..prefix].iter().for_each(|l| line(' ', l));
    a[prefix..a.len() - suffix].iter().for_each(|l| line('-', l));
    b[prefix..b.len() - suffix].iter().for_each(|l| line('+', l));
    a[a.len() - suffix..a_end].iter().for_each(|l| line(' ', l));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_is_one_hunk_as_myers_would_make_it() {
        let numbered = |from: usize, to: usize| (from..to).map(|i| format!("line {i}\n")).collect::<String>();
        let old = format!("{}{}{}", numbered(0, 9_000), numbered(100_000, 103_000), numbered(9_000, 18_000));
        let new = format!("{}{}{}", numbered(0, 9_000), numbered(200_000, 201_000), numbered(9_000, 18_000));
        let myers = similar::TextDiff::from_lines(old.as_str(), new.as_str()).unified_diff().context_radius(3).header("a/x", "b/x").to_string();
        assert_eq!(one_hunk(&old, &new, "a/x", "b/x"), myers);
        assert!(old.lines().count() + new.lines().count() > MYERS_LINES);
        assert_eq!(unified(&old, &new, ("a/x", "b/x")), myers);
        // Added, removed, and no final newline.
        for (a, b) in [("", "x\ny\n"), ("x\ny\n", ""), ("x\ny", "x\nz"), ("p\nq\nx\n", "p\nq\nx\ny\n")] {
            let myers = similar::TextDiff::from_lines(a, b).unified_diff().context_radius(3).header("a/x", "b/x").to_string();
            assert_eq!(one_hunk(a, b, "a/x", "b/x"), myers, "{a:?} -> {b:?}");
        }
    }

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
