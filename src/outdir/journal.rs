//! The journal of a render: what is left to do once its new files are staged. Written into
//! the staging folder as its last step, it is the commit point: a run killed before it leaves
//! a staging folder that the next run throws away; a run killed after it is completed by the
//! next run (`render`), and reported as pending by `render --check` and `diff --against`.

use super::{is_reserved, is_safe_relative, WritePlan};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The journal's file name inside the staging folder.
pub const FILE: &str = "journal.json";
/// The folder inside the staging folder where each file is staged at its own path, so a
/// folder DIR lacks is moved into place whole.
pub const TREE: &str = "tree";
pub const SCHEMA: &str = "x07.topo.journal@0.2.0";
/// Journals of x07-topo before 0.2.0 staged each file under a number at the staging
/// folder's top. They are still read, so an upgrade between a killed run and its rerun
/// completes the run.
const SCHEMA_NUMBERED: &str = "x07.topo.journal@0.1.0";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// Paths of staged files to move into place, in order (the inventory last).
    pub moves: Vec<String>,
    /// Files to prune after every move.
    pub prunes: Vec<String>,
    /// Where the staged files are.
    pub staged: Staged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staged {
    /// Each at `tree/<path>` in the staging folder.
    Tree,
    /// Each move's file under its own name (a number) at the staging folder's top (0.1.0).
    Numbered(Vec<String>),
}

/// The journal as written (borrowing the paths: a render from scratch lists every file) and
/// as read (owning them).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OnDisk<'a> {
    schema_version: Cow<'a, str>,
    moves: Cow<'a, [String]>,
    prunes: Cow<'a, [String]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OnDiskNumbered {
    schema_version: String,
    moves: Vec<NumberedMove>,
    prunes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberedMove {
    staged: String,
    to: String,
}

impl Journal {
    /// The journal of `plan`, whose every write was staged at `tree/<path>`.
    pub fn of(plan: WritePlan) -> Self {
        Journal { moves: plan.writes, prunes: plan.prunes, staged: Staged::Tree }
    }

    /// Where the `i`-th move's file is staged, relative to the staging folder.
    pub fn staged_path(&self, i: usize) -> String {
        match &self.staged {
            Staged::Tree => format!("{TREE}/{}", self.moves[i]),
            Staged::Numbered(names) => names[i].clone(),
        }
    }

    pub fn to_text(&self) -> String {
        let on_disk = OnDisk { schema_version: SCHEMA.into(), moves: Cow::Borrowed(&self.moves), prunes: Cow::Borrowed(&self.prunes) };
        let mut text = serde_json::to_string(&on_disk).expect("the journal serialises");
        text.push('\n');
        text
    }

    /// Reads a journal from disk; `None` unless every path in it is plain and inside DIR,
    /// so a damaged or planted journal can never make a rerun write or prune elsewhere.
    pub fn parse(text: &str) -> Option<Journal> {
        let plain = |p: &String| is_safe_relative(p) && !is_reserved(p);
        let journal = match serde_json::from_str::<OnDisk>(text) {
            Ok(j) if j.schema_version == SCHEMA => Journal { moves: j.moves.into_owned(), prunes: j.prunes.into_owned(), staged: Staged::Tree },
            _ => {
                let j: OnDiskNumbered = serde_json::from_str(text).ok()?;
                let number = |s: &String| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                if j.schema_version != SCHEMA_NUMBERED || !j.moves.iter().all(|m| number(&m.staged)) {
                    return None;
                }
                let (names, moves) = j.moves.into_iter().map(|m| (m.staged, m.to)).unzip();
                Journal { moves, prunes: j.prunes, staged: Staged::Numbered(names) }
            }
        };
        (journal.moves.iter().all(plain) && journal.prunes.iter().all(plain)).then_some(journal)
    }
}

/// An inventory as the journal check sees it: its owner and the files it lists.
pub type Listed<'a> = (&'a Option<super::Owner>, &'a std::collections::BTreeSet<String>);

impl Journal {
    /// Whether a journal read from disk may be carried out (SPEC §7.2): it may only finish
    /// what a render of this folder started. Every path is one x07-topo writes; a prune whose
    /// file is still there must be owned by the inventory on disk (`on_disk`), of the same
    /// owner as the staged one; a move whose file is still staged must go to a path the new
    /// inventory lists (the staged one, else the one on disk) and may replace only a file
    /// the inventory on disk lists. `Err` says why not. (`staged`: the staged inventory;
    /// `prune_there`, `move_staged`, `move_there`: what the shell finds for each path.)
    pub fn check(
        &self,
        on_disk: Option<Listed<'_>>,
        staged: Option<Listed<'_>>,
        mut prune_there: impl FnMut(&str) -> bool,
        mut move_staged: impl FnMut(usize) -> bool,
        mut move_there: impl FnMut(&str) -> bool,
    ) -> Result<(), String> {
        if let Some(bad) = self.moves.iter().chain(&self.prunes).find(|p| !super::is_output_path(p)) {
            return Err(format!("it names `{}`, a path x07-topo never writes", crate::diagnostics::echo(bad)));
        }
        let lists = |inventory: Option<Listed<'_>>, path: &str| inventory.is_some_and(|(_, files)| files.contains(path));
        let same_owner = match (on_disk, staged) {
            (Some((Some(a), _)), Some((Some(b), _))) => a == b,
            _ => true,
        };
        for path in &self.prunes {
            if prune_there(path) && !(same_owner && lists(on_disk, path)) {
                return Err(format!("it prunes `{}`, which the folder's inventory does not own", crate::diagnostics::echo(path)));
            }
        }
        let new = staged.or(on_disk);
        for (i, path) in self.moves.iter().enumerate() {
            if path == super::INVENTORY || !move_staged(i) {
                continue;
            }
            if !lists(new, path) {
                return Err(format!("it moves `{}`, which no inventory of this folder lists", crate::diagnostics::echo(path)));
            }
            if move_there(path) && !lists(on_disk, path) {
                return Err(format!("it replaces `{}`, which the folder's inventory does not own", crate::diagnostics::echo(path)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_paths_outside_dir() {
        let plan = WritePlan { writes: vec!["a/x.yaml".into(), "x07-topo.inventory.json".into()], prunes: vec!["old.yaml".into()], ..Default::default() };
        let j = Journal::of(plan);
        assert_eq!(j.staged_path(0), "tree/a/x.yaml");
        assert_eq!(Journal::parse(&j.to_text()), Some(j.clone()));
        for bad in [
            r#"{"schema_version":"x07.topo.journal@0.2.0","moves":[],"prunes":["../x"]}"#,
            r#"{"schema_version":"x07.topo.journal@0.2.0","moves":["a/../../b"],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@0.2.0","moves":["/etc/passwd"],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@0.2.0","moves":[],"prunes":[".x07-topo.lock"]}"#,
            r#"{"schema_version":"x07.topo.journal@0.2.0","moves":[".x07-topo-staging/tree/a"],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[{"staged":"../0","to":"a"}],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[{"staged":"0","to":"/etc/passwd"}],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@0.1.0","moves":["a"],"prunes":[]}"#,
            r#"{"schema_version":"x07.topo.journal@9","moves":[],"prunes":[]}"#,
            "{",
        ] {
            assert_eq!(Journal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_journal_of_numbered_staged_files_is_still_read() {
        let text = r#"{"schema_version":"x07.topo.journal@0.1.0","moves":[{"staged":"7","to":"a/x.yaml"}],"prunes":["old.yaml"]}"#;
        let j = Journal::parse(text).expect("a 0.1.0 journal parses");
        assert_eq!((j.moves.as_slice(), j.prunes.as_slice(), j.staged_path(0)), (&["a/x.yaml".to_string()][..], &["old.yaml".to_string()][..], "7".to_string()));
    }

    #[test]
    fn a_journal_only_finishes_what_a_render_of_this_folder_started() {
        use std::collections::BTreeSet;
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
        let owner = None;
        let (old, new) = (set(&["a.yaml", "old.yaml"]), set(&["a.yaml", "b.yaml"]));
        let j = Journal { moves: vec!["a.yaml".into(), "b.yaml".into(), "x07-topo.inventory.json".into()], prunes: vec!["old.yaml".into()], staged: Staged::Tree };
        assert_eq!(j.check(Some((&owner, &old)), Some((&owner, &new)), |_| true, |_| true, |p| p == "a.yaml"), Ok(()));
        // A planted journal: .git, the manifest, a file no inventory owns.
        let planted = Journal { moves: vec![], prunes: vec![".git/config".into()], staged: Staged::Tree };
        assert!(planted.check(Some((&owner, &old)), None, |_| true, |_| true, |_| true).is_err());
        let planted = Journal { moves: vec![], prunes: vec!["notes.yaml".into()], staged: Staged::Tree };
        assert!(planted.check(Some((&owner, &old)), None, |_| true, |_| true, |_| true).is_err());
        assert!(planted.check(None, None, |_| true, |_| true, |_| true).is_err());
        // ...unless it is gone already (a killed run pruned it).
        assert_eq!(planted.check(None, None, |_| false, |_| true, |_| true), Ok(()));
        // A staged file over one the inventory does not own.
        let over = Journal { moves: vec!["hand.yaml".into()], prunes: vec![], staged: Staged::Tree };
        assert!(over.check(Some((&owner, &old)), Some((&owner, &set(&["hand.yaml"]))), |_| true, |_| true, |_| true).is_err());
        assert_eq!(over.check(Some((&owner, &old)), Some((&owner, &set(&["hand.yaml"]))), |_| true, |_| true, |_| false), Ok(()));
    }
}
