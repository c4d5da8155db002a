//! `render --check` and `diff --against DIR`: an output folder compared with a render, file
//! by file as the render makes them, writing nothing.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::folder::Folder;
use super::staging::pending_journal;
use super::wanted::Wanted;
use crate::diagnostics::Diagnostic;
use crate::outdir::{self, Claim, Entry, Journal, INVENTORY};
use crate::transition::committed::{self, ChangedFile, FolderTransitions};
use std::collections::BTreeMap;
use std::path::Path;

/// What `render --check` and `diff --against` find: how DIR differs from the render, and
/// what an interrupted render left pending.
pub struct Compared {
    pub drift: outdir::Drift,
    pub pending: Option<Journal>,
    /// What applying the render over the folder's objects would do (SPEC §3.2).
    pub transitions: FolderTransitions,
}

/// Compares DIR with the render's files as `files` hands them to the [`Comparison`] (all
/// but the inventory, which it adds), writing nothing; a missing DIR reads as empty. A path
/// a render would refuse is refused here too.
pub fn compare(dir: &Path, shown: &str, claim: &Claim, files: impl FnOnce(&mut Comparison<'_>) -> Result<(), Diagnostic>) -> Result<Compared, Vec<Diagnostic>> {
    let folder = Folder::open(dir, shown).map_err(|d| vec![d])?;
    let pending = match &folder {
        Some(f) => pending_journal(f).map_err(|d| vec![d])?,
        None => None,
    };
    let mut comparison = Comparison { wanted: Wanted::open(folder.as_ref(), claim).map_err(|d| vec![d])?, stale: BTreeMap::new() };
    files(&mut comparison).map_err(|d| vec![d])?;
    comparison.finish(shown, pending)
}

/// Where a render's files go for `--check`: each is compared with what its path in DIR holds
/// as it is read; a file is kept (with DIR's, for the diff) only when the two differ.
pub struct Comparison<'f> {
    wanted: Wanted<'f>,
    /// The content of every wanted file DIR does not hold as it is.
    stale: BTreeMap<String, String>,
}

impl Comparison<'_> {
    /// One file of the render, compared with DIR's as it is read.
    pub fn add(&mut self, path: String, content: String) -> Result<(), Diagnostic> {
        if self.wanted.add(path.clone(), content.as_bytes(), true)? {
            self.stale.insert(path, content);
        }
        Ok(())
    }

    /// After the last file: the inventory, the files a render would prune (those of a pending
    /// journal too), the paths checked as a render checks them, and the drift.
    fn finish(mut self, shown: &str, pending: Option<Journal>) -> Result<Compared, Vec<Diagnostic>> {
        let (inventory, differs) = self.wanted.inventory();
        if differs {
            self.stale.insert(INVENTORY.to_string(), inventory);
        }
        self.wanted.plan(shown, true, pending.as_ref().map_or(&[], |j| j.prunes.as_slice()))?;
        let Wanted { paths, snapshot, owned, .. } = self.wanted;
        let current: BTreeMap<String, outdir::Current> = snapshot
            .into_iter()
            .map(|(path, entry)| {
                let have = match entry {
                    Entry::File(bytes) => outdir::Current::Text(text_of(bytes)),
                    Entry::Unchanged => outdir::Current::Same,
                    _ => outdir::Current::Missing,
                };
                (path, have)
            })
            .collect();
        let drift = outdir::drift(&paths, &self.stale, &current, &owned);
        let committed = |path: &str| match current.get(path) {
            Some(outdir::Current::Text(text)) => Some(text.as_str()),
            _ => None,
        };
        let files = drift.changed.iter().map(|path| ChangedFile { path, committed: committed(path), rendered: paths.contains(path).then(|| self.stale.get(path).map(String::as_str)).flatten() });
        let transitions = committed::classify_folder(files);
        Ok(Compared { drift, pending, transitions })
    }
}

/// A file's bytes as text (moved, not copied, when they are UTF-8).
fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
