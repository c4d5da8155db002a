//! The journal of a render: what is left to do once its new files are staged. Written into
//! the staging folder as its last step, it is the commit point: a run killed before it leaves
//! a staging folder that the next run throws away; a run killed after it is completed by the
//! next run (`render`), and reported as pending by `render --check` and `diff --against`.

use super::{is_reserved, is_safe_relative, WritePlan};
use serde::{Deserialize, Serialize};

/// The journal's file name inside the staging folder.
pub const FILE: &str = "journal.json";
pub const SCHEMA: &str = "x07.topo.journal@0.1.0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    pub schema_version: String,
    /// Staged files to rename into place, in order (the inventory last).
    pub moves: Vec<Move>,
    /// Files to prune after every move.
    pub prunes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move {
    /// The staged file's name in the staging folder.
    pub staged: String,
    /// Its path in DIR.
    pub to: String,
}

/// The staging folder's name for the `i`-th write: a number, so it can never be a path.
pub fn staged_name(i: usize) -> String {
    i.to_string()
}

impl Journal {
    /// The journal of `plan`, whose every write was staged under the name `staged` gives it.
    pub fn of(plan: WritePlan, staged: impl Fn(&str) -> String) -> Self {
        let moves = plan.writes.into_iter().map(|to| Move { staged: staged(&to), to }).collect();
        Journal { schema_version: SCHEMA.to_string(), moves, prunes: plan.prunes }
    }

    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string(self).expect("the journal serialises");
        text.push('\n');
        text
    }

    /// Reads a journal from disk; `None` unless every path in it is plain and inside DIR,
    /// so a damaged or planted journal can never make a rerun write or prune elsewhere.
    pub fn parse(text: &str) -> Option<Journal> {
        let j: Journal = serde_json::from_str(text).ok()?;
        let plain = |p: &String| is_safe_relative(p) && !is_reserved(p);
        let staged_ok = |s: &String| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (j.schema_version == SCHEMA && j.moves.iter().all(|m| staged_ok(&m.staged) && plain(&m.to)) && j.prunes.iter().all(plain)).then_some(j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_paths_outside_dir() {
        let plan = WritePlan { writes: vec!["a/x.yaml".into(), "x07-topo.inventory.json".into()], prunes: vec!["old.yaml".into()], ..Default::default() };
        let j = Journal::of(plan, |to| staged_name(to.len()));
        assert_eq!(j.moves[1], Move { staged: "23".into(), to: "x07-topo.inventory.json".into() });
        assert_eq!(Journal::parse(&j.to_text()), Some(j.clone()));
        for bad in [
            r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[],"prunes":["../x"]}"#,
            r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[{"staged":"../0","to":"a"}],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[{"staged":"0","to":"/etc/passwd"}],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[],"prunes":[".x07-topo.lock"]}"#,
            r#"{"schema_version":"x07.topo.journal@9","moves":[],"prunes":[]}"#,
            "{",
        ] {
            assert_eq!(Journal::parse(bad), None, "{bad}");
        }
    }
}
