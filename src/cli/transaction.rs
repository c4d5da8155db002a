//! `render --out DIR` as a transaction (SPEC §7.1). Under the folder's lock:
//! 1. finish or discard what an interrupted run left (`DIR/.x07-topo-staging`);
//! 2. read the inventory: whose folder it is, and which files this render may prune;
//! 3. stage: each file, as the render makes it, is compared with what DIR holds and, when it
//!    differs, written at its own path into a fresh staging folder (`staging`, created
//!    exclusively), so the render holds one file at a time, never its whole output;
//! 4. plan every write and prune and check every path (`outdir::plan`): a refusal throws the
//!    staging folder away, so DIR is as it was; else flush and write the journal: the commit
//!    point;
//! 5. apply (`staging::apply`): move the staged files into place, a folder DIR lacks whole
//!    and the rest file by file, prune (and remove folders left empty), move the inventory
//!    (last, so until then the one on disk owns every pending prune), remove the journal
//!    and the staging folder. A journal found on disk is obeyed only if `Journal::check`
//!    trusts it.
//!
//! A failure before the commit point removes what the run made, so DIR is as it was; after
//! it, the journal lets the next run complete the work and `--check` report it.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::folder::{remove_created, Folder};
use super::lock::Lock;
use super::staging::{self, Staging};
use super::wanted::Wanted;
use crate::diagnostics::Diagnostic;
use crate::outdir::plan::check_name;
use crate::outdir::{Claim, Journal, INVENTORY};
use std::path::{Path, PathBuf};

/// What a render did to DIR.
#[derive(Debug, Default)]
pub struct Summary {
    /// The files DIR now holds for this render, sorted (the inventory included).
    pub files: Vec<String>,
    /// Files written or pruned.
    pub changed: usize,
    /// Whether an interrupted earlier run was completed first.
    pub resumed: bool,
}

/// An output folder locked with its changes staged and its journal written: nothing it
/// owns has changed yet. [`Prepared::commit`] carries the journal out; dropping it instead
/// throws the staged files away, so the folder is as it was.
pub struct Prepared {
    folder: Folder,
    lock: Option<Lock>,
    journal: Option<Journal>,
    summary: Summary,
    /// Folders made to reach DIR, removed again if the run does not commit.
    created: Vec<PathBuf>,
}

/// Everything up to the commit point of one folder: lock, complete or discard what an
/// interrupted run left, then `files` hands the folder's files to the [`Sink`] (all but the
/// inventory, which the sink writes), which stages them; then plan and journal. A failure
/// leaves DIR as it was. `shown` is DIR as the user wrote it. (The one way to write an output
/// folder; a workspace prepares all its folders, then commits them.)
pub fn prepare(dir: &Path, shown: &str, claim: &Claim, files: impl FnOnce(&mut Sink<'_>) -> Result<(), Vec<Diagnostic>>) -> Result<Prepared, Vec<Diagnostic>> {
    let (folder, created) = Folder::open_or_create(dir, shown).map_err(|d| vec![d])?;
    let lock = match Lock::acquire(&folder) {
        Ok(lock) => lock,
        Err(d) => {
            remove_created(&created);
            return Err(vec![d]);
        }
    };
    // From here a failure drops `prepared`: unlocked, and the folders it made removed.
    let mut prepared = Prepared { folder, lock: Some(lock), journal: None, summary: Summary::default(), created };
    let resumed = recover(&prepared.folder).map_err(|d| vec![d])?;
    let mut sink = Sink::open(&prepared.folder, claim).map_err(|d| vec![d])?;
    let staged = files(&mut sink).and_then(|()| sink.finish());
    let (summary, journal) = match staged {
        Ok(done) => done,
        Err(errors) => {
            if sink.staging.take().is_some() {
                let _ = staging::discard(&prepared.folder);
            }
            return Err(errors);
        }
    };
    prepared.summary = Summary { resumed, ..summary };
    prepared.journal = journal;
    Ok(prepared)
}

/// Where a render's files go as they are made: each is compared with what its path in DIR
/// holds and, when it differs (or is missing), written into the staging folder at once;
/// only paths and what each holds are kept.
pub struct Sink<'f> {
    folder: &'f Folder,
    wanted: Wanted<'f>,
    /// The staging folder, made when the first file must be written.
    staging: Option<Staging>,
}

impl<'f> Sink<'f> {
    fn open(folder: &'f Folder, claim: &Claim) -> Result<Sink<'f>, Diagnostic> {
        Ok(Sink { folder, wanted: Wanted::open(Some(folder), claim)?, staging: None })
    }

    /// One file of the render: compared with DIR's, and staged when it differs. A path DIR
    /// cannot take is not staged: the plan refuses it before the commit point.
    pub fn add(&mut self, path: String, content: &[u8]) -> Result<(), Diagnostic> {
        let folder = self.folder;
        // The same path twice (no emitter makes one): the later file wins, as in a map.
        if self.wanted.paths.contains(&path) {
            if let Some(staging) = &mut self.staging {
                staging.remove(folder, &path)?;
            }
        }
        if self.wanted.add(path.clone(), content, false)? && check_name(&path).is_none() {
            self.staging()?.write(folder, &path, content)?;
        }
        Ok(())
    }

    /// The staging folder, made the first time it is needed.
    fn staging(&mut self) -> Result<&mut Staging, Diagnostic> {
        if self.staging.is_none() {
            self.staging = Some(Staging::create(self.folder)?);
        }
        Ok(self.staging.as_mut().expect("made above"))
    }

    /// After the last file: the inventory, the plan (every path checked) and the journal,
    /// written at the commit point. `None`: DIR holds exactly this render.
    fn finish(&mut self) -> Result<(Summary, Option<Journal>), Vec<Diagnostic>> {
        let (inventory, differs) = self.wanted.inventory();
        let folder = self.folder;
        if differs {
            self.staging().and_then(|s| s.write(folder, INVENTORY, inventory.as_bytes())).map_err(|d| vec![d])?;
        }
        let plan = self.wanted.plan(&self.folder.shown, false, &[])?;
        let files = std::mem::take(&mut self.wanted.paths).into_iter().collect();
        let summary = Summary { files, changed: plan.writes.len() + plan.prunes.len(), resumed: false };
        if plan.is_empty() {
            return Ok((summary, None));
        }
        // Every write is a path that was missing or differed, which `add` staged.
        let journal = Journal::of(plan);
        // With only prunes nothing was staged, but the journal still lives in the staging folder.
        self.staging().and_then(|s| s.commit(folder, &journal)).map_err(|d| vec![d])?;
        Ok((summary, Some(journal)))
    }
}

impl Prepared {
    /// Moves the staged files into place (the inventory last) and prunes. A failure here
    /// is after the commit point: the next render completes the journal.
    pub fn commit(mut self) -> Result<Summary, Vec<Diagnostic>> {
        if let Some(journal) = self.journal.take() {
            staging::apply(&self.folder, &journal).map_err(|d| vec![d])?;
        }
        self.created.clear();
        Ok(std::mem::take(&mut self.summary))
    }
}

impl Drop for Prepared {
    /// Not committed: the staged files and the journal go, then the lock, then the folders
    /// this run made.
    fn drop(&mut self) {
        if self.journal.take().is_some() {
            let _ = staging::discard(&self.folder);
        }
        drop(self.lock.take());
        remove_created(&self.created);
    }
}

/// Completes a committed run (its journal is there) or throws away an uncommitted one.
/// Returns whether a committed run was completed.
fn recover(folder: &Folder) -> Result<bool, Diagnostic> {
    if staging::open(folder)?.is_none() {
        return Ok(false);
    }
    match staging::pending_journal(folder)? {
        Some(journal) => {
            staging::apply(folder, &journal)?;
            Ok(true)
        }
        None => {
            staging::discard(folder)?;
            Ok(false)
        }
    }
}
