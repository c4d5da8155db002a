//! `render --out DIR` as a transaction (SPEC §7.1). Under the folder's lock:
//! 1. finish or discard what an interrupted run left (`DIR/.x07-topo-staging`);
//! 2. read the folder without following links and plan every write and prune
//!    (`outdir::plan`): a refusal stops the run before anything is written;
//! 3. stage: write the changed files into a fresh staging folder (created exclusively),
//!    flush, then write the journal: the commit point;
//! 4. apply: make the new folders and rename the staged files into place (the inventory
//!    last), prune (and remove folders left empty), remove the journal and the staging folder.
//!
//! A failure before the commit point removes what the run made, so DIR is as it was; after
//! it, the journal lets the next run complete the work and `--check` report it.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::folder::{io_error, remove_created, split, Folder, Lookup};
use super::lock::Lock;
use crate::diagnostics::Diagnostic;
use crate::outdir::journal::{self, Journal};
use crate::outdir::{self, Claim, Entry, Kind, Problem, Refusal, Snapshot, INVENTORY, STAGING};
use rustix::fs::{self as rfs, AtFlags, Mode};
use rustix::io::Errno;
use std::collections::{BTreeMap, BTreeSet};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

/// What a render did to DIR.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files DIR now holds for this render (the inventory included).
    pub files: usize,
    /// Files written or pruned.
    pub changed: usize,
    /// Whether an interrupted earlier run was completed first.
    pub resumed: bool,
}

/// Makes DIR hold exactly `wanted` (path → content, the inventory included) besides files
/// x07-topo does not own, as `claim`'s owner. `shown` is DIR as the user wrote it. The one
/// entry point for writing one output folder (a workspace prepares all its folders, then
/// commits them: [`prepare`], [`Prepared::commit`]).
pub fn write_folder(dir: &Path, shown: &str, wanted: &BTreeMap<String, String>, claim: &Claim) -> Result<Summary, Vec<Diagnostic>> {
    prepare(dir, shown, wanted, claim)?.commit()
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
/// interrupted run left, read, plan and stage. A failure leaves DIR as it was.
pub fn prepare(dir: &Path, shown: &str, wanted: &BTreeMap<String, String>, claim: &Claim) -> Result<Prepared, Vec<Diagnostic>> {
    let (folder, created) = Folder::open_or_create(dir, shown).map_err(|d| vec![d])?;
    let lock = match Lock::acquire(&folder) {
        Ok(lock) => lock,
        Err(d) => {
            remove_created(&created);
            return Err(vec![d]);
        }
    };
    let mut prepared = Prepared { folder, lock: Some(lock), journal: None, summary: Summary::default(), created };
    let (summary, journal) = staged(&prepared.folder, wanted, claim)?;
    prepared.summary = summary;
    prepared.journal = journal;
    Ok(prepared)
}

impl Prepared {
    /// Renames the staged files into place (the inventory last) and prunes. A failure here
    /// is after the commit point: the next render completes the journal.
    pub fn commit(mut self) -> Result<Summary, Vec<Diagnostic>> {
        if let Some(journal) = self.journal.take() {
            apply(&self.folder, &journal).map_err(|d| vec![d])?;
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
            if let Ok(Some(staging)) = open_staging(&self.folder) {
                let _ = discard(&self.folder, staging);
            }
        }
        drop(self.lock.take());
        remove_created(&self.created);
    }
}

/// The folder as `render --check` and `diff --against` compare it: what each relevant path
/// holds, the files the inventory owns, and what an interrupted render left pending.
pub struct FolderState {
    pub snapshot: Snapshot,
    pub owned: Vec<String>,
    pub pending: Option<Journal>,
}

/// Reads DIR without following links, writing nothing (a missing DIR reads as empty).
pub fn read_folder(dir: &Path, shown: &str, wanted: &BTreeMap<String, String>, claim: &Claim) -> Result<FolderState, Vec<Diagnostic>> {
    let Some(folder) = Folder::open(dir, shown).map_err(|d| vec![d])? else {
        let snapshot = wanted.keys().map(|p| (p.clone(), Entry::Missing)).collect();
        return Ok(FolderState { snapshot, owned: Vec::new(), pending: None });
    };
    let pending = pending_journal(&folder).map_err(|d| vec![d])?;
    let (snapshot, mut owned) = snapshot(&folder, wanted, claim, pending.as_ref(), true).map_err(|d| vec![d])?;
    if let Some(j) = &pending {
        owned.extend(j.prunes.iter().cloned());
        owned.sort();
        owned.dedup();
    }
    Ok(FolderState { snapshot, owned, pending })
}

/// Completes or discards an interrupted run, plans, and stages the plan (the journal
/// written); `None` when DIR already holds exactly `wanted`.
fn staged(folder: &Folder, wanted: &BTreeMap<String, String>, claim: &Claim) -> Result<(Summary, Option<Journal>), Vec<Diagnostic>> {
    let resumed = recover(folder).map_err(|d| vec![d])?;
    let (snapshot, owned) = snapshot(folder, wanted, claim, None, false).map_err(|d| vec![d])?;
    let plan = outdir::plan(wanted, &owned, &snapshot).map_err(|refusals| refusals.iter().map(|r| r.diagnostic(&folder.shown)).collect::<Vec<_>>())?;
    let summary = Summary { files: wanted.len(), changed: plan.writes.len() + plan.prunes.len(), resumed };
    if plan.is_empty() {
        return Ok((summary, None));
    }
    let journal = stage(folder, wanted, &plan).map_err(|d| vec![d])?;
    Ok((summary, Some(journal)))
}

/// Reads the inventory, then every wanted path and every path it (or a pending journal)
/// owns. Returns the snapshot and the files the render may prune (none of another owner's).
/// A wanted file is compared as it is read and its bytes kept only when `keep` and it
/// differs (`--check` shows a diff of it); a file that would be pruned is read only when
/// `keep`.
fn snapshot(folder: &Folder, wanted: &BTreeMap<String, String>, claim: &Claim, pending: Option<&Journal>, keep: bool) -> Result<(Snapshot, Vec<String>), Diagnostic> {
    let mut snapshot = Snapshot::new();
    let mut lookup = Lookup::new(folder);
    let inventory = lookup.entry(INVENTORY)?;
    let owned = outdir::plan::claim(Some(&inventory), claim).map_err(|r| r.diagnostic(&folder.shown))?;
    // The inventory is compared like any wanted file once its owner is known.
    let inventory = match (inventory, wanted.get(INVENTORY)) {
        (Entry::File(bytes), Some(want)) if bytes == want.as_bytes() => Entry::Unchanged,
        (Entry::File(_), Some(_)) if !keep => Entry::Changed,
        (entry, _) => entry,
    };
    snapshot.insert(INVENTORY.to_string(), inventory);
    for (path, content) in wanted {
        if !snapshot.contains_key(path) && outdir::plan::check_name(path).is_none() {
            snapshot.insert(path.clone(), lookup.compare(path, content.as_bytes(), keep)?);
        }
    }
    let prunes = pending.map(|j| j.prunes.as_slice()).unwrap_or_default();
    for path in owned.iter().chain(prunes) {
        if !snapshot.contains_key(path) && outdir::plan::check_name(path).is_none() {
            let entry = if keep { lookup.entry(path)? } else { lookup.compare(path, b"", false)? };
            snapshot.insert(path.clone(), entry);
        }
    }
    Ok((snapshot, owned))
}

/// The staging folder, if there is one (a link or file there is refused).
fn open_staging(folder: &Folder) -> Result<Option<OwnedFd>, Diagnostic> {
    match folder.entry(STAGING)? {
        Entry::Missing => Ok(None),
        Entry::Other(Kind::Folder) => folder.open_dir(STAGING, false).map(Some),
        Entry::Other(Kind::Link) => Err(Refusal { path: STAGING.into(), at: STAGING.into(), problem: Problem::Link }.diagnostic(&folder.shown)),
        Entry::File(_) | Entry::Unchanged | Entry::Changed => Err(Refusal { path: STAGING.into(), at: STAGING.into(), problem: Problem::NotAFolder(Kind::File) }.diagnostic(&folder.shown)),
        Entry::Other(kind) | Entry::Blocked { kind, .. } => Err(Refusal { path: STAGING.into(), at: STAGING.into(), problem: Problem::NotAFolder(kind) }.diagnostic(&folder.shown)),
    }
}

/// The journal of an interrupted, committed render, if any.
fn pending_journal(folder: &Folder) -> Result<Option<Journal>, Diagnostic> {
    if open_staging(folder)?.is_none() {
        return Ok(None);
    }
    Ok(match folder.entry(&format!("{STAGING}/{}", journal::FILE))? {
        Entry::File(bytes) => std::str::from_utf8(&bytes).ok().and_then(Journal::parse),
        _ => None,
    })
}

/// Completes a committed run (its journal is there) or throws away an uncommitted one.
/// Returns whether a committed run was completed.
fn recover(folder: &Folder) -> Result<bool, Diagnostic> {
    let Some(staging) = open_staging(folder)? else { return Ok(false) };
    match pending_journal(folder)? {
        Some(journal) => {
            apply(folder, &journal)?;
            Ok(true)
        }
        None => {
            discard(folder, staging)?;
            Ok(false)
        }
    }
}

/// Removes the staging folder and the files in it.
fn discard(folder: &Folder, staging: OwnedFd) -> Result<(), Diagnostic> {
    let dir = rfs::Dir::read_from(&staging).map_err(|e| io_error(&folder.show(STAGING), "list", e))?;
    for entry in dir {
        let entry = entry.map_err(|e| io_error(&folder.show(STAGING), "list", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "." || name == ".." {
            continue;
        }
        rfs::unlinkat(&staging, entry.file_name(), AtFlags::empty()).map_err(|e| io_error(&folder.show(&format!("{STAGING}/{name}")), "remove the staged file", e))?;
    }
    rfs::unlinkat(folder.fd(), STAGING, AtFlags::REMOVEDIR).map_err(|e| io_error(&folder.show(STAGING), "remove the staging folder", e))
}

/// Writes the planned files into a new staging folder and commits by writing the journal.
/// On failure, removes everything it made. (New folders are made after the commit point, by
/// `apply`, so that nothing outside the staging folder exists before it.)
fn stage(folder: &Folder, wanted: &BTreeMap<String, String>, plan: &outdir::WritePlan) -> Result<Journal, Diagnostic> {
    let show = folder.show(STAGING);
    rfs::mkdirat(folder.fd(), STAGING, Mode::from_raw_mode(0o700)).map_err(|e| io_error(&show, "create the staging folder", e))?;
    let staging = folder.open_dir(STAGING, false)?;
    let result = (|| {
        let journal = Journal::of(plan);
        for m in &journal.moves {
            folder.create_file(&staging, STAGING, &m.staged, wanted[&m.to].as_bytes(), PER_FILE_FSYNC)?;
        }
        barrier(folder, &staging, "flush the staged files of")?;
        let tmp = format!("{}.tmp", journal::FILE);
        folder.create_file(&staging, STAGING, &tmp, journal.to_text().as_bytes(), PER_FILE_FSYNC)?;
        rfs::renameat(&staging, tmp.as_str(), &staging, journal::FILE).map_err(|e| io_error(&folder.show(&format!("{STAGING}/{}", journal::FILE)), "commit (rename) the journal", e))?;
        barrier(folder, &staging, "flush the journal of")?;
        Ok(journal)
    })();
    if result.is_err() {
        let _ = discard(folder, staging);
    }
    result
}

/// Carries out a committed journal: renames what is still staged into place (in order, the
/// inventory last), prunes, then removes the journal and the staging folder. Idempotent, so
/// a run killed at any point is completed by the next.
fn apply(folder: &Folder, journal: &Journal) -> Result<(), Diagnostic> {
    let staging = folder.open_dir(STAGING, false).map_err(committed)?;
    let mut parents = BTreeSet::new();
    for m in &journal.moves {
        match rfs::statat(&staging, m.staged.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
            Err(Errno::NOENT) => continue, // moved by the interrupted run
            Err(e) => return Err(committed(io_error(&folder.show(&format!("{STAGING}/{}", m.staged)), "inspect the staged file", e))),
            Ok(_) => {}
        }
        let (parent, name) = split(&m.to);
        let parent_fd = folder.open_dir(parent, true).map_err(committed)?;
        if let Ok(st) = rfs::statat(&parent_fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            // Planned as a file; if something else is there now, leave it and stop.
            if super::folder::kind_of(&st) != Kind::File {
                let problem = Problem::NotAFile(super::folder::kind_of(&st));
                return Err(committed(Refusal { path: m.to.clone(), at: m.to.clone(), problem }.diagnostic(&folder.shown)));
            }
        }
        rfs::renameat(&staging, m.staged.as_str(), &parent_fd, name).map_err(|e| committed(io_error(&folder.show(&m.to), "rename into place", e)))?;
        parents.insert(parent.to_string());
    }
    if !PER_FILE_FSYNC {
        barrier(folder, &staging, "flush the renamed files of").map_err(committed)?;
    } else {
        for parent in &parents {
            let fd = folder.open_dir(parent, false).map_err(committed)?;
            rfs::fsync(&fd).map_err(|e| committed(io_error(&folder.show(parent), "flush (fsync) the folder", e)))?;
        }
    }
    for path in &journal.prunes {
        let (parent, name) = split(path);
        let Ok(parent_fd) = folder.open_dir(parent, false) else { continue }; // gone, or no longer a plain folder
        match rfs::statat(&parent_fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) if super::folder::kind_of(&st) == Kind::File => {
                rfs::unlinkat(&parent_fd, name, AtFlags::empty()).map_err(|e| committed(io_error(&folder.show(path), "prune (remove)", e)))?;
            }
            _ => {} // gone already, or not a file x07-topo wrote: left alone
        }
        // Also when the file was gone: a killed run may have pruned it but not its folder.
        folder.remove_empty_dirs(parent);
    }
    rfs::unlinkat(&staging, journal::FILE, AtFlags::empty()).map_err(|e| committed(io_error(&folder.show(&format!("{STAGING}/{}", journal::FILE)), "remove the journal", e)))?;
    drop(staging);
    rfs::unlinkat(folder.fd(), STAGING, AtFlags::REMOVEDIR).map_err(|e| committed(io_error(&folder.show(STAGING), "remove the staging folder", e)))?;
    Ok(())
}

/// A failure after the commit point: the hint says how to finish.
fn committed(mut d: Diagnostic) -> Diagnostic {
    d.hint = format!("{}; the render was committed but not finished: run it again to complete it (`render --check` lists what is pending)", d.hint);
    d
}

/// Linux flushes a whole file system with one `syncfs`; elsewhere each file and folder is
/// fsynced.
const PER_FILE_FSYNC: bool = !cfg!(target_os = "linux");

/// Makes everything written so far durable: `syncfs` on Linux, else an fsync of the staging
/// folder and DIR (the files were fsynced as they were written).
fn barrier(folder: &Folder, staging: &OwnedFd, what: &str) -> Result<(), Diagnostic> {
    let show = folder.show(STAGING);
    #[cfg(target_os = "linux")]
    {
        let _ = staging;
        rfs::syncfs(folder.fd()).map_err(|e| io_error(&show, &format!("{what} (syncfs)"), e))
    }
    #[cfg(not(target_os = "linux"))]
    {
        rfs::fsync(staging).map_err(|e| io_error(&show, &format!("{what} (fsync)"), e))?;
        rfs::fsync(folder.fd()).map_err(|e| io_error(&folder.shown, &format!("{what} (fsync)"), e))
    }
}
