//! The plan of a render into DIR, decided before DIR is touched: which files to write, which
//! to prune, which folders to create, and whether every path is one the folder can take
//! (plain, inside DIR, no link on the way, a file where a file goes, names the file system
//! accepts). The shell reads the folder without following links into a `Snapshot`.

use super::{is_reserved, is_safe_relative, read_inventory, Claim, Owner, INVENTORY, NAME_MAX};
use crate::diagnostics::{codes, Diagnostic};
use std::collections::{BTreeMap, BTreeSet};

/// What a path below DIR holds, read without following any link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Nothing there (the file, or a folder on the way, does not exist).
    Missing,
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A regular file that holds exactly what the render wants there (compared as it was
    /// read; its bytes are not kept).
    Unchanged,
    /// A regular file that differs from what the render wants there, its bytes not kept.
    Changed,
    /// Something other than a regular file at the path itself.
    Other(Kind),
    /// A component before the last (`at`, a prefix of the path) is not a plain folder.
    Blocked { at: String, kind: Kind },
}

impl Entry {
    /// Whether a regular file is there (its bytes kept or not).
    pub fn is_file(&self) -> bool {
        matches!(self, Entry::File(_) | Entry::Unchanged | Entry::Changed)
    }
}

/// The kind of a directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
    Link,
    /// A device, socket or FIFO.
    Special,
}

impl Kind {
    fn described(self) -> &'static str {
        match self {
            Kind::File => "a file",
            Kind::Folder => "a folder",
            Kind::Link => "a symbolic link",
            Kind::Special => "a special file (device, socket or FIFO)",
        }
    }
}

/// The folder's state as far as a render cares: an entry for every wanted path, every path
/// the old inventory owns, and the inventory itself.
pub type Snapshot = BTreeMap<String, Entry>;

/// Why a wanted path cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A symbolic link at `at` (the path itself or a folder on the way).
    Link,
    /// Something other than a regular file where a file goes.
    NotAFile(Kind),
    /// Something other than a folder where a folder goes.
    NotAFolder(Kind),
    /// A path component longer than `NAME_MAX` bytes.
    NameTooLong { component: String },
    /// Not a plain relative path inside DIR, or one of x07-topo's reserved names.
    NotPlain,
    /// The folder's inventory names another owner (`by`) than this render (`not`).
    Owned { by: Box<Owner>, not: Box<Owner> },
    /// A file x07-topo would write is there, differs, and the inventory does not own it.
    Unowned,
    /// The inventory (or a journal) cannot be trusted: `why`.
    Untrusted { why: String },
}

/// A wanted path (`path`) the folder cannot take, because of what is at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub path: String,
    pub at: String,
    pub problem: Problem,
}

/// Everything a render will do to DIR.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WritePlan {
    /// Wanted files whose content differs or that are missing, in path order with the
    /// inventory last (it is written last, so it never lists a file that is not there).
    pub writes: Vec<String>,
    /// Files the old inventory owns that are no longer wanted and are regular files now.
    pub prunes: Vec<String>,
    /// Wanted files that already hold their content.
    pub unchanged: usize,
}

impl WritePlan {
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.prunes.is_empty()
    }
}

/// What the old inventory lets a render do: the files it may prune (`owned`) and the files
/// it may replace (`listed`: the owned ones, or, taking a folder over, the other owner's).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub owned: Vec<String>,
    pub listed: BTreeSet<String>,
}

/// The files of the old inventory this render may replace and prune. An inventory of
/// another owner refuses the render, unless it takes the folder over; then it prunes none
/// of that owner's files, and replaces only those the render makes too. A missing inventory
/// owns nothing; an ownerless (older) one owns what it lists; a damaged one, or one that lists
/// a path x07-topo never writes, is refused (SPEC §7.2: not obeyed).
pub fn claim(inventory: Option<&Entry>, claim: &Claim) -> Result<Claimed, Refusal> {
    let Some(Entry::File(bytes)) = inventory else { return Ok(Claimed::default()) };
    let untrusted = |why: String| Refusal { path: INVENTORY.to_string(), at: INVENTORY.to_string(), problem: Problem::Untrusted { why } };
    let text = std::str::from_utf8(bytes).map_err(|_| untrusted("it is not UTF-8 text".to_string()))?;
    // Another owner is named first: that is the likelier mistake (a wrong pipeline variable).
    if let Some((Some(other), _)) = read_inventory(text) {
        if other != claim.owner && !claim.take_over {
            return Err(Refusal { path: INVENTORY.to_string(), at: INVENTORY.to_string(), problem: Problem::Owned { by: Box::new(other), not: Box::new(claim.owner.clone()) } });
        }
    }
    let (owner, files) = super::trusted_inventory(text).map_err(untrusted)?;
    let listed = files.iter().cloned().collect();
    match owner {
        Some(other) if other != claim.owner => Ok(Claimed { owned: Vec::new(), listed }),
        _ => Ok(Claimed { owned: files, listed }),
    }
}

/// A path's own problem, before looking at the folder: not plain, reserved, or a component
/// longer than the file system accepts.
pub fn check_name(path: &str) -> Option<Problem> {
    if !is_safe_relative(path) || is_reserved(path) {
        return Some(Problem::NotPlain);
    }
    path.split('/').find(|c| c.len() > NAME_MAX).map(|c| Problem::NameTooLong { component: c.to_string() })
}

/// Decides the whole render: the `wanted` paths (the inventory included), the files the old
/// inventory `owned`, and what the folder holds, each wanted file already compared with
/// what the render wants there (`Unchanged`, or `Changed`/`File` when it differs). Every
/// refusal is reported at once.
/// A file DIR holds at a wanted path that differs is replaced only when the old inventory
/// lists it (`listed`); else it is a conflict naming it (SPEC §7: never touches other
/// files). One that already holds what the render wants is left as it is, and owned from now.
pub fn plan(wanted: &BTreeSet<String>, owned: &[String], listed: &BTreeSet<String>, snapshot: &Snapshot) -> Result<WritePlan, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut p = WritePlan::default();
    // An inventory that is itself refused (a link, a folder) says nothing of ownership: it
    // is reported alone.
    let inventory_refused = matches!(snapshot.get(INVENTORY), Some(Entry::Other(_) | Entry::Blocked { .. }));
    for path in wanted {
        if let Some(problem) = check_name(path) {
            refusals.push(Refusal { path: path.clone(), at: path.clone(), problem });
            continue;
        }
        match snapshot.get(path).cloned().unwrap_or(Entry::Missing) {
            Entry::Unchanged => p.unchanged += 1,
            Entry::File(_) | Entry::Changed if path != INVENTORY && !listed.contains(path) && !inventory_refused => {
                refusals.push(Refusal { path: path.clone(), at: path.clone(), problem: Problem::Unowned });
            }
            Entry::File(_) | Entry::Changed => p.writes.push(path.clone()),
            Entry::Missing => p.writes.push(path.clone()),
            Entry::Other(kind) => {
                let problem = if kind == Kind::Link { Problem::Link } else { Problem::NotAFile(kind) };
                refusals.push(Refusal { path: path.clone(), at: path.clone(), problem });
            }
            Entry::Blocked { at, kind } => {
                let problem = if kind == Kind::Link { Problem::Link } else { Problem::NotAFolder(kind) };
                refusals.push(Refusal { path: path.clone(), at, problem });
            }
        }
    }
    if !refusals.is_empty() {
        // One refusal per offending entry (a file where a folder goes blocks every path below it).
        let mut seen = BTreeSet::new();
        refusals.retain(|r| seen.insert(r.at.clone()));
        return Err(refusals);
    }
    // The inventory goes last.
    p.writes.sort_by_key(|w| (w == INVENTORY, w.clone()));
    p.prunes = owned.iter().filter(|f| !wanted.contains(*f) && snapshot.get(*f).is_some_and(Entry::is_file)).cloned().collect();
    p.prunes.sort();
    p.prunes.dedup();
    Ok(p)
}

impl Refusal {
    /// The diagnostic of this refusal; `dir` is DIR as the user wrote it.
    pub fn diagnostic(&self, dir: &str) -> Diagnostic {
        let (at, path) = (shown(dir, &self.at), shown(dir, &self.path));
        let through = if self.at == self.path { String::new() } else { format!(", and x07-topo would write `{path}` inside it") };
        match &self.problem {
            Problem::Link => Diagnostic::about_file(
                &codes::OUT_SYMLINK,
                &at,
                format!("`{at}` is a symbolic link{through}; x07-topo never reads, writes or prunes through a link below the output folder"),
                "replace the link with a plain file or folder (or remove it) and render again; only the output folder itself may be a link",
            ),
            Problem::NotAFile(kind) => Diagnostic::about_file(
                &codes::OUT_PATH_UNUSABLE,
                &at,
                format!("`{at}` is {}, but x07-topo writes a file there", kind.described()),
                "move it out of the output folder (x07-topo never removes what it does not own) and render again",
            ),
            Problem::NotAFolder(kind) => Diagnostic::about_file(
                &codes::OUT_PATH_UNUSABLE,
                &at,
                format!("`{at}` is {}{through}, so it must be a folder", kind.described()),
                "move it out of the output folder (x07-topo never removes what it does not own) and render again",
            ),
            Problem::NameTooLong { component } => Diagnostic::about_file(
                &codes::OUT_PATH_UNUSABLE,
                &at,
                format!("`{path}` has a name of {} bytes; file systems accept at most {NAME_MAX}", component.len()),
                "this is a bug in x07-topo (names are cut to fit); please report it with the manifest",
            ),
            Problem::Owned { by, not } => Diagnostic::about_file(
                &codes::OUT_FOREIGN_OWNER,
                &at,
                format!("`{}` belongs to {}, according to `{at}`; this render is {}", dir, by.describe(), not.describe()),
                "render into the folder of this service and profile (is a pipeline variable wrong?), or pass --take-over to make the folder this render's: the other owner's files are then left in place, never pruned",
            ),
            Problem::Unowned => Diagnostic::about_file(
                &codes::OUT_UNOWNED_FILE,
                &at,
                format!("`{at}` is already there and x07-topo's inventory does not own it, so x07-topo will not replace it"),
                "move the file out of the output folder (or render into another folder) and render again; x07-topo replaces and prunes only files its inventory lists",
            ),
            Problem::Untrusted { why } => Diagnostic::about_file(
                &codes::OUT_UNTRUSTED_RECORD,
                &at,
                format!("`{at}` is refused: {why}"),
                "x07-topo obeys only the inventory and journal it wrote; if this one was committed or edited, remove it (and the folder's .x07-topo-staging) and render again",
            ),
            Problem::NotPlain => Diagnostic::about_file(
                &codes::OUT_PATH_UNUSABLE,
                &at,
                format!("`{path}` is not a plain relative path inside the output folder"),
                "this is a bug in x07-topo (emitters make paths of sanitised names); please report it with the manifest",
            ),
        }
    }
}

/// `dir/path` as the user would write it.
pub fn shown(dir: &str, path: &str) -> String {
    if path.is_empty() {
        dir.to_string()
    } else {
        format!("{}/{path}", dir.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn writes_changed_and_missing_files_inventory_last_and_prunes_only_owned_files() {
        let w = wanted(&[INVENTORY, "a/x.yaml", "b/y.yaml", "c.yaml", "d.yaml", "kustomization.yaml"]);
        let snap: Snapshot = [
            (INVENTORY.to_string(), Entry::File(b"old".to_vec())),
            ("a/x.yaml".to_string(), Entry::Unchanged),
            ("b/y.yaml".to_string(), Entry::Missing),
            ("kustomization.yaml".to_string(), Entry::File(b"stale".to_vec())),
            ("old/z.yaml".to_string(), Entry::File(b"z".to_vec())),
            ("c.yaml".to_string(), Entry::Unchanged),
            ("d.yaml".to_string(), Entry::Changed),
            ("old/w.yaml".to_string(), Entry::Changed),
            ("old/link.yaml".to_string(), Entry::Other(Kind::Link)),
            ("gone.yaml".to_string(), Entry::Missing),
        ]
        .into();
        let owned = ["a/x.yaml", "old/z.yaml", "old/w.yaml", "old/link.yaml", "gone.yaml"].map(String::from);
        let listed = ["a/x.yaml", "kustomization.yaml", "d.yaml"].map(String::from).into_iter().collect();
        let p = plan(&w, &owned, &listed, &snap).unwrap();
        assert_eq!(p.writes, vec!["b/y.yaml", "d.yaml", "kustomization.yaml", INVENTORY]);
        assert_eq!(p.prunes, vec!["old/w.yaml", "old/z.yaml"], "links and missing files are not pruned");
        assert_eq!(p.unchanged, 2);
    }

    #[test]
    fn every_unusable_path_is_refused_at_once() {
        let long = "g".repeat(NAME_MAX + 1);
        let w = wanted(&[INVENTORY, "a/x.yaml", "b/y.yaml", "c/d/z.yaml", &format!("{long}/w.yaml"), ".x07-topo.lock"]);
        let snap: Snapshot = [
            (INVENTORY.to_string(), Entry::Other(Kind::Link)),
            ("a/x.yaml".to_string(), Entry::Other(Kind::Folder)),
            ("b/y.yaml".to_string(), Entry::Blocked { at: "b".to_string(), kind: Kind::File }),
            ("c/d/z.yaml".to_string(), Entry::Blocked { at: "c".to_string(), kind: Kind::Link }),
        ]
        .into();
        let refusals = plan(&w, &[], &BTreeSet::new(), &snap).unwrap_err();
        let got: Vec<(&str, &Problem)> = refusals.iter().map(|r| (r.at.as_str(), &r.problem)).collect();
        assert_eq!(
            got,
            vec![
                (".x07-topo.lock", &Problem::NotPlain),
                ("a/x.yaml", &Problem::NotAFile(Kind::Folder)),
                ("b", &Problem::NotAFolder(Kind::File)),
                ("c", &Problem::Link),
                (format!("{long}/w.yaml").as_str(), &Problem::NameTooLong { component: long.clone() }),
                (INVENTORY, &Problem::Link),
            ]
        );
        let d = refusals[3].diagnostic("out/");
        assert_eq!((d.code.id, d.file.as_str()), ("XT911", "out/c"));
        assert!(d.message.contains("`out/c/d/z.yaml`"), "{}", d.message);
    }
}
