//! `render --out DIR` as a transaction (SPEC §7.1). Under the folder's lock:
//! 1. finish or discard what an interrupted run left (`DIR/.x07-topo-staging`);
//! 2. read the inventory: whose folder it is, and which files this render may prune;
//! 3. stage: each file, as the render makes it, is compared with what DIR holds and, when it
//!    differs, written into a fresh staging folder (created exclusively), so the render holds
//!    one file at a time, never its whole output;
//! 4. plan every write and prune and check every path (`outdir::plan`): a refusal throws the
//!    staging folder away, so DIR is as it was; else flush and write the journal: the commit
//!    point;
//! 5. apply: make the new folders and rename the staged files into place (the inventory
//!    last), prune (and remove folders left empty), remove the journal and the staging folder.
//!
//! A failure before the commit point removes what the run made, so DIR is as it was; after
//! it, the journal lets the next run complete the work and `--check` report it.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::folder::{io_error, remove_created, split, Folder};
use super::wanted::Wanted;
use super::lock::Lock;
use crate::diagnostics::Diagnostic;
use crate::outdir::journal::{self, Journal};
use crate::outdir::{Claim, Entry, Kind, Problem, Refusal, INVENTORY, STAGING};
use rustix::fs::{self as rfs, AtFlags, Mode};
use rustix::io::Errno;
use std::collections::{BTreeMap, BTreeSet};
use std::os::fd::OwnedFd;
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
            if let Some(staging) = sink.staging.take() {
                let _ = discard(&prepared.folder, staging);
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
    staging: Option<OwnedFd>,
    /// Path → its staged file's name.
    staged: BTreeMap<String, String>,
    /// The number of the next staged file.
    next: usize,
}

impl<'f> Sink<'f> {
    fn open(folder: &'f Folder, claim: &Claim) -> Result<Sink<'f>, Diagnostic> {
        Ok(Sink { folder, wanted: Wanted::open(Some(folder), claim)?, staging: None, staged: BTreeMap::new(), next: 0 })
    }

    /// One file of the render: compared with DIR's, and staged when it differs.
    pub fn add(&mut self, path: String, content: &[u8]) -> Result<(), Diagnostic> {
        // The same path twice (no emitter makes one): the later file wins, as in a map.
        if let Some(name) = self.staged.remove(&path) {
            let staging = self.staging.as_ref().expect("a file was staged, so the staging folder exists");
            rfs::unlinkat(staging, name.as_str(), AtFlags::empty()).map_err(|e| io_error(&self.folder.show(&format!("{STAGING}/{name}")), "remove the staged file", e))?;
        }
        if self.wanted.add(path.clone(), content, false)? {
            self.stage(path, content)?;
        }
        Ok(())
    }

    /// Writes `content` into the staging folder as the file that will become `path`.
    fn stage(&mut self, path: String, content: &[u8]) -> Result<(), Diagnostic> {
        let name = journal::staged_name(self.next);
        let staging = made(self.folder, &mut self.staging)?;
        self.folder.create_file(staging, STAGING, &name, content, PER_FILE_FSYNC)?;
        self.next += 1;
        self.staged.insert(path, name);
        Ok(())
    }

    /// After the last file: the inventory, the plan (every path checked) and the journal,
    /// written at the commit point. `None`: DIR holds exactly this render.
    fn finish(&mut self) -> Result<(Summary, Option<Journal>), Vec<Diagnostic>> {
        let (inventory, differs) = self.wanted.inventory();
        if differs {
            self.stage(INVENTORY.to_string(), inventory.as_bytes()).map_err(|d| vec![d])?;
        }
        let plan = self.wanted.plan(&self.folder.shown, false, &[])?;
        let files = std::mem::take(&mut self.wanted.paths).into_iter().collect();
        let summary = Summary { files, changed: plan.writes.len() + plan.prunes.len(), resumed: false };
        if plan.is_empty() {
            return Ok((summary, None));
        }
        // Every write is a path that was missing or differed, which `add` staged.
        let journal = Journal::of(plan, |to| self.staged[to].clone());
        self.commit_point(&journal).map_err(|d| vec![d])?;
        Ok((summary, Some(journal)))
    }

    /// Flushes the staged files, then writes the journal (renamed into place) and flushes it.
    fn commit_point(&mut self, journal: &Journal) -> Result<(), Diagnostic> {
        // With only prunes nothing was staged, but the journal still lives in the staging folder.
        let folder = self.folder;
        let staging = made(folder, &mut self.staging)?;
        barrier(folder, staging, "flush the staged files of")?;
        let tmp = format!("{}.tmp", journal::FILE);
        folder.create_file(staging, STAGING, &tmp, journal.to_text().as_bytes(), PER_FILE_FSYNC)?;
        rfs::renameat(staging, tmp.as_str(), staging, journal::FILE).map_err(|e| io_error(&folder.show(&format!("{STAGING}/{}", journal::FILE)), "commit (rename) the journal", e))?;
        barrier(folder, staging, "flush the journal of")
    }
}

/// The staging folder, created (exclusively) the first time it is needed.
fn made<'s>(folder: &Folder, staging: &'s mut Option<OwnedFd>) -> Result<&'s OwnedFd, Diagnostic> {
    if staging.is_none() {
        rfs::mkdirat(folder.fd(), STAGING, Mode::from_raw_mode(0o700)).map_err(|e| io_error(&folder.show(STAGING), "create the staging folder", e))?;
        *staging = Some(folder.open_dir(STAGING, false)?);
    }
    Ok(staging.as_ref().expect("made above"))
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
pub(super) fn pending_journal(folder: &Folder) -> Result<Option<Journal>, Diagnostic> {
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

/// Carries out a committed journal: renames what is still staged into place (in order, the
/// inventory last), prunes, then removes the journal and the staging folder. Idempotent, so
/// a run killed at any point is completed by the next.
fn apply(folder: &Folder, journal: &Journal) -> Result<(), Diagnostic> {
    let staging = folder.open_dir(STAGING, false).map_err(committed)?;
    let mut parents = BTreeSet::new();
    // Moves are sorted by path, so the files of one folder come together: it is opened once.
    let mut open: Option<(&str, OwnedFd)> = None;
    for m in &journal.moves {
        let (parent, name) = split(&m.to);
        if open.as_ref().is_none_or(|(p, _)| *p != parent) {
            open = Some((parent, folder.open_dir(parent, true).map_err(committed)?));
        }
        let parent_fd = &open.as_ref().expect("opened above").1;
        if let Ok(st) = rfs::statat(parent_fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            // Planned as a file; if something else is there now, leave it and stop (unless
            // the interrupted run moved this file already).
            let kind = super::folder::kind_of(&st);
            if kind != Kind::File && rfs::statat(&staging, m.staged.as_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok() {
                return Err(committed(Refusal { path: m.to.clone(), at: m.to.clone(), problem: Problem::NotAFile(kind) }.diagnostic(&folder.shown)));
            }
        }
        match rfs::renameat(&staging, m.staged.as_str(), parent_fd, name) {
            Ok(()) => {}
            Err(Errno::NOENT) => continue, // moved by the interrupted run
            Err(e) => return Err(committed(io_error(&folder.show(&m.to), "rename into place", e))),
        }
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
