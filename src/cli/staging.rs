//! The staging folder `DIR/.x07-topo-staging` of a render (see `transaction`): made
//! exclusively (mode 0700) when the first file must be written, it holds each new file at
//! its own path under `tree/`, and the journal beside the tree. After the commit point,
//! [`apply`] moves the files into place: a folder that DIR lacks is moved whole, with one
//! rename, so a render from scratch renames its folders, not each of its files, and no
//! folder ever holds all the render's files at once.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::folder::{io_error, kind_of, split, Folder, Lookup, Missing, DIR_FLAGS};
use crate::diagnostics::Diagnostic;
use crate::outdir::journal::{self, Journal, Staged, TREE};
use crate::outdir::{trusted_inventory, Entry, Kind, Owner, Problem, Refusal, INVENTORY, STAGING};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode};
use rustix::io::Errno;
use std::collections::BTreeSet;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// Linux flushes a whole file system with one `syncfs`; elsewhere each file and folder is
/// fsynced.
const PER_FILE_FSYNC: bool = !cfg!(target_os = "linux");

/// A staging folder this run made, being filled.
pub struct Staging {
    fd: OwnedFd,
    tree: OwnedFd,
    /// The staged folder of the last file written (files come folder by folder).
    last: Option<(String, OwnedFd)>,
}

impl Staging {
    /// Makes the staging folder (exclusively: one left by another run is never reused) and
    /// its tree.
    pub fn create(folder: &Folder) -> Result<Staging, Diagnostic> {
        rfs::mkdirat(folder.fd(), STAGING, Mode::from_raw_mode(0o700)).map_err(|e| io_error(&folder.show(STAGING), "create the staging folder", e))?;
        let made = (|| {
            let fd = folder.open_dir(STAGING, false)?;
            // git ignores the folder's whole content (this file too), so a run killed before it
            // cleans up never leaves staged files or a journal for `git add -A` to commit.
            folder.create_file(&fd, STAGING, ".gitignore", b"*\n", PER_FILE_FSYNC)?;
            let tree_shown = folder.show(&format!("{STAGING}/{TREE}"));
            rfs::mkdirat(&fd, TREE, Mode::from_raw_mode(0o777)).map_err(|e| io_error(&tree_shown, "create the staging folder", e))?;
            let tree = open_below(fd.as_fd(), TREE, false).map_err(|e| io_error(&tree_shown, "open the staging folder", e))?;
            Ok(Staging { fd, tree, last: None })
        })();
        if made.is_err() {
            // Not made whole (a full disk): gone again, so DIR is as it was.
            let _ = discard(folder);
        }
        made
    }

    /// Writes `content` as the file that will become `path` (a plain path: `check_name`
    /// passed), making its staged folders.
    pub fn write(&mut self, folder: &Folder, path: &str, content: &[u8]) -> Result<(), Diagnostic> {
        let (parent, name) = split(path);
        let dir = self.folder_of(folder, parent)?;
        let dir_rel = if parent.is_empty() { format!("{STAGING}/{TREE}") } else { format!("{STAGING}/{TREE}/{parent}") };
        folder.create_file(dir, &dir_rel, name, content, PER_FILE_FSYNC)
    }

    /// Removes the staged file of `path`, if there is one (a path rendered twice).
    pub fn remove(&mut self, folder: &Folder, path: &str) -> Result<(), Diagnostic> {
        let (parent, name) = split(path);
        let dir = self.folder_of(folder, parent)?;
        match rfs::unlinkat(dir, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(io_error(&folder.show(&format!("{STAGING}/{TREE}/{path}")), "remove the staged file", e)),
        }
    }

    /// The staged folder `parent` (below the tree), made if missing.
    fn folder_of(&mut self, folder: &Folder, parent: &str) -> Result<&OwnedFd, Diagnostic> {
        if self.last.as_ref().is_none_or(|(p, _)| p != parent) {
            let fd = open_below(self.tree.as_fd(), parent, true).map_err(|e| io_error(&folder.show(&format!("{STAGING}/{TREE}/{parent}")), "create the staged folder", e))?;
            self.last = Some((parent.to_string(), fd));
        }
        Ok(&self.last.as_ref().expect("opened above").1)
    }

    /// The commit point: flushes the staged files, then writes the journal (renamed into
    /// place) and flushes it.
    pub fn commit(&self, folder: &Folder, journal: &Journal) -> Result<(), Diagnostic> {
        barrier(folder, &self.fd, "flush the staged files of")?;
        let tmp = format!("{}.tmp", journal::FILE);
        folder.create_file(&self.fd, STAGING, &tmp, journal.to_text().as_bytes(), PER_FILE_FSYNC)?;
        rfs::renameat(&self.fd, tmp.as_str(), &self.fd, journal::FILE).map_err(|e| io_error(&folder.show(&format!("{STAGING}/{}", journal::FILE)), "commit (rename) the journal", e))?;
        barrier(folder, &self.fd, "flush the journal of")
    }
}

/// The staging folder, if there is one (a link or file there is refused).
pub fn open(folder: &Folder) -> Result<Option<OwnedFd>, Diagnostic> {
    match folder.entry(STAGING)? {
        Entry::Missing => Ok(None),
        Entry::Other(Kind::Folder) => folder.open_dir(STAGING, false).map(Some),
        Entry::Other(Kind::Link) => Err(Refusal { path: STAGING.into(), at: STAGING.into(), problem: Problem::Link }.diagnostic(&folder.shown)),
        Entry::File(_) | Entry::Unchanged | Entry::Changed => Err(Refusal { path: STAGING.into(), at: STAGING.into(), problem: Problem::NotAFolder(Kind::File) }.diagnostic(&folder.shown)),
        Entry::Other(kind) | Entry::Blocked { kind, .. } => Err(Refusal { path: STAGING.into(), at: STAGING.into(), problem: Problem::NotAFolder(kind) }.diagnostic(&folder.shown)),
    }
}

/// An inventory's owner and files, as the journal check reads them.
type Listing = (Option<Owner>, BTreeSet<String>);

/// The journal of an interrupted, committed render, if any, once it is trusted: a journal
/// that does not parse, or that would do what the render it belongs to could not have
/// planned (`Journal::check`), is refused with XT917, never carried out.
pub fn pending_journal(folder: &Folder) -> Result<Option<Journal>, Diagnostic> {
    if open(folder)?.is_none() {
        return Ok(None);
    }
    let file = format!("{STAGING}/{}", journal::FILE);
    let untrusted = |why: String| Refusal { path: file.clone(), at: file.clone(), problem: Problem::Untrusted { why } }.diagnostic(&folder.shown);
    let journal = match folder.entry(&file)? {
        Entry::File(bytes) => std::str::from_utf8(&bytes).ok().and_then(Journal::parse).ok_or_else(|| untrusted("it is not a journal x07-topo wrote (damaged, or a path in it leaves the folder)".to_string()))?,
        _ => return Ok(None),
    };
    let inventory = |path: &str| -> Result<Option<Listing>, Diagnostic> {
        match folder.entry(path)? {
            Entry::File(bytes) => {
                let text = std::str::from_utf8(&bytes).map_err(|_| untrusted(format!("the inventory `{path}` is not UTF-8 text")))?;
                let (owner, files) = trusted_inventory(text).map_err(|why| untrusted(format!("the inventory `{path}`: {why}")))?;
                Ok(Some((owner, files.into_iter().collect())))
            }
            _ => Ok(None),
        }
    };
    let on_disk = inventory(INVENTORY)?;
    let staged = match journal.moves.iter().position(|m| m == INVENTORY) {
        Some(i) => inventory(&format!("{STAGING}/{}", journal.staged_path(i)))?,
        None => None,
    };
    let mut lookup = Lookup::new(folder);
    let mut is_file = |path: &str| lookup.compare(path, b"", false).is_ok_and(|e| e.is_file());
    let mut prunes_there = BTreeSet::new();
    for p in &journal.prunes {
        if is_file(p) {
            prunes_there.insert(p.clone());
        }
    }
    let mut staged_still = BTreeSet::new();
    let mut there = BTreeSet::new();
    for (i, m) in journal.moves.iter().enumerate() {
        if is_file(&format!("{STAGING}/{}", journal.staged_path(i))) {
            staged_still.insert(i);
        }
        if is_file(m) {
            there.insert(m.clone());
        }
    }
    journal
        .check(on_disk.as_ref().map(|(o, f)| (o, f)), staged.as_ref().map(|(o, f)| (o, f)), |p| prunes_there.contains(p), |i| staged_still.contains(&i), |m| there.contains(m))
        .map_err(untrusted)?;
    Ok(Some(journal))
}

/// Removes the staging folder and everything in it.
pub fn discard(folder: &Folder) -> Result<(), Diagnostic> {
    remove_tree(folder.fd(), STAGING, &folder.show(STAGING))
}

/// Carries out a committed journal: moves what is still staged into place (in order; a
/// folder DIR lacks goes whole), prunes, moves the inventory, then removes the journal and
/// the staging folder. Idempotent, so a run killed at any point is completed by the next.
pub fn apply(folder: &Folder, journal: &Journal) -> Result<(), Diagnostic> {
    let staging = folder.open_dir(STAGING, false).map_err(committed)?;
    // Folders of DIR something moved into: each is flushed where there is no syncfs.
    let mut landed = BTreeSet::new();
    // The last folder moved whole (`path/`): moves below it are done. Moves are sorted by
    // path, so the paths below one folder come together, as do the files of one folder.
    let mut whole: Option<String> = None;
    let mut target: Option<(&str, OwnedFd)> = None;
    // The staged folder of the last file (`None`: gone, moved by the interrupted run).
    let mut source: Option<(String, Option<OwnedFd>)> = None;
    // The inventory moves after the prunes, so until it has moved, the inventory on disk
    // owns every file a rerun may still prune (`Journal::check`).
    let inventory_move = journal.moves.iter().position(|m| m == INVENTORY);
    for (i, to) in journal.moves.iter().enumerate() {
        if whole.as_deref().is_some_and(|w| to.starts_with(w)) || Some(i) == inventory_move {
            continue;
        }
        let (parent, name) = split(to);
        if target.as_ref().is_none_or(|(p, _)| *p != parent) {
            target = None;
            match reach(folder, &staging, journal, parent)? {
                Reached::Folder(fd) => target = Some((parent, fd)),
                Reached::MovedWhole(path) => {
                    if PER_FILE_FSYNC {
                        landed.insert(split(&path).0.to_string());
                    }
                    whole = Some(format!("{path}/"));
                    continue;
                }
            }
        }
        let parent_fd = &target.as_ref().expect("reached above").1;
        let staged = journal.staged_path(i);
        let (staged_parent, staged_name) = split(&staged);
        if source.as_ref().is_none_or(|(p, _)| p != staged_parent) {
            let fd = match open_below(staging.as_fd(), staged_parent, false) {
                Ok(fd) => Some(fd),
                Err(Errno::NOENT) => None,
                Err(e) => return Err(committed(io_error(&folder.show(&format!("{STAGING}/{staged_parent}")), "open the staged folder", e))),
            };
            source = Some((staged_parent.to_string(), fd));
        }
        let Some(source_fd) = source.as_ref().and_then(|(_, fd)| fd.as_ref()) else { continue };
        if let Ok(st) = rfs::statat(parent_fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            // Planned as a file; if something else is there now, leave it and stop (unless
            // the interrupted run moved this file already).
            let kind = kind_of(&st);
            if kind != Kind::File && rfs::statat(source_fd, staged_name, AtFlags::SYMLINK_NOFOLLOW).is_ok() {
                return Err(committed(Refusal { path: to.clone(), at: to.clone(), problem: Problem::NotAFile(kind) }.diagnostic(&folder.shown)));
            }
        }
        match rfs::renameat(source_fd, staged_name, parent_fd, name) {
            Ok(()) => {}
            Err(Errno::NOENT) => continue, // moved by the interrupted run
            Err(e) => return Err(committed(io_error(&folder.show(to), "rename into place", e))),
        }
        if PER_FILE_FSYNC {
            landed.insert(parent.to_string());
        }
    }
    drop((target, source));
    if !PER_FILE_FSYNC {
        barrier(folder, &staging, "flush the renamed files of").map_err(committed)?;
    } else {
        for parent in &landed {
            let fd = folder.open_dir(parent, false).map_err(committed)?;
            rfs::fsync(&fd).map_err(|e| committed(io_error(&folder.show(parent), "flush (fsync) the folder", e)))?;
        }
    }
    for path in &journal.prunes {
        let (parent, name) = split(path);
        let Ok(parent_fd) = folder.open_dir(parent, false) else { continue }; // gone, or no longer a plain folder
        match rfs::statat(&parent_fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) if kind_of(&st) == Kind::File => {
                rfs::unlinkat(&parent_fd, name, AtFlags::empty()).map_err(|e| committed(io_error(&folder.show(path), "prune (remove)", e)))?;
            }
            _ => {} // gone already, or not a file x07-topo wrote: left alone
        }
        // Also when the file was gone: a killed run may have pruned it but not its folder.
        folder.remove_empty_dirs(parent);
    }
    if let Some(i) = inventory_move {
        let staged = journal.staged_path(i);
        let (staged_parent, staged_name) = split(&staged);
        match open_below(staging.as_fd(), staged_parent, false) {
            Ok(source_fd) => match rfs::renameat(&source_fd, staged_name, folder.fd(), INVENTORY) {
                Ok(()) | Err(Errno::NOENT) => {}
                Err(e) => return Err(committed(io_error(&folder.show(INVENTORY), "rename into place", e))),
            },
            Err(Errno::NOENT) => {} // moved by the interrupted run
            Err(e) => return Err(committed(io_error(&folder.show(&format!("{STAGING}/{staged_parent}")), "open the staged folder", e))),
        }
        if PER_FILE_FSYNC {
            rfs::fsync(folder.fd()).map_err(|e| committed(io_error(&folder.shown, "flush (fsync) the folder", e)))?;
        } else {
            barrier(folder, &staging, "flush the inventory of").map_err(committed)?;
        }
    }
    // The journal first: a staging folder without one is thrown away by the next run.
    rfs::unlinkat(&staging, journal::FILE, AtFlags::empty()).map_err(|e| committed(io_error(&folder.show(&format!("{STAGING}/{}", journal::FILE)), "remove the journal", e)))?;
    drop(staging);
    discard(folder).map_err(committed)
}

/// How a move's folder in DIR was reached.
enum Reached {
    /// It is there (made if it was missing and nothing was staged to go there whole).
    Folder(OwnedFd),
    /// The folder `path` (it or one of its parents) was missing and its staged folder was
    /// moved into place whole, or was moved by the interrupted run already.
    MovedWhole(String),
}

/// Opens the folder `parent` of DIR for a move, without following links. The first missing
/// folder on the way is the staged one moved into place, with everything below it.
fn reach(folder: &Folder, staging: &OwnedFd, journal: &Journal, parent: &str) -> Result<Reached, Diagnostic> {
    if !matches!(journal.staged, Staged::Tree) {
        return folder.open_dir(parent, true).map(Reached::Folder).map_err(committed);
    }
    let opened = folder.walk(parent, |fd, done, part| match move_whole(staging.as_fd(), &format!("{TREE}/{done}"), fd.as_fd(), part) {
        // Gone from the staging folder: the interrupted run moved it.
        Ok(()) | Err(Errno::NOENT) => Ok(Missing::Stop),
        Err(Errno::EXIST | Errno::NOTEMPTY) => Ok(Missing::GoOn), // made meanwhile
        // No rename without replacing here: make the folder, move file by file.
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => match rfs::mkdirat(fd, part, Mode::from_raw_mode(0o777)) {
            Ok(()) | Err(Errno::EXIST) => Ok(Missing::GoOn),
            Err(e) => Err(io_error(&folder.show(done), "create the folder", e)),
        },
        Err(e) => Err(io_error(&folder.show(done), "move the staged folder into place", e)),
    });
    Ok(match opened.map_err(committed)? {
        Ok(fd) => Reached::Folder(fd),
        Err(moved) => Reached::MovedWhole(moved),
    })
}

/// Renames the folder `from` (below `staging`) to `name` in `to`, unless something is there.
fn move_whole(staging: BorrowedFd<'_>, from: &str, to: BorrowedFd<'_>, name: &str) -> Result<(), Errno> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        rfs::renameat_with(staging, from, to, name, rfs::RenameFlags::NOREPLACE)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = (staging, from, to, name);
        Err(Errno::NOSYS)
    }
}

/// The folder `rel` below `base` (`""` is `base`), never through a link; with `create`,
/// missing folders on the way are made.
fn open_below(base: BorrowedFd<'_>, rel: &str, create: bool) -> Result<OwnedFd, Errno> {
    let mut fd: Option<OwnedFd> = None;
    for part in rel.split('/').filter(|p| !p.is_empty()) {
        let here = fd.as_ref().map_or(base, |f| f.as_fd());
        let next = match rfs::openat(here, part, DIR_FLAGS, Mode::empty()) {
            Err(Errno::NOENT) if create => {
                match rfs::mkdirat(here, part, Mode::from_raw_mode(0o777)) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => return Err(e),
                }
                rfs::openat(here, part, DIR_FLAGS, Mode::empty())?
            }
            other => other?,
        };
        fd = Some(next);
    }
    fd.map_or_else(|| rfs::openat(base, ".", DIR_FLAGS, Mode::empty()), Ok)
}

/// Removes the folder `name` in `parent` and everything below it (gone already: done),
/// never following a link: a link is removed, not what it points to.
fn remove_tree(parent: BorrowedFd<'_>, name: &str, shown: &str) -> Result<(), Diagnostic> {
    let fd = match rfs::openat(parent, name, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Ok(()),
        Err(e) => return Err(io_error(shown, "open the staged folder", e)),
    };
    // Listed first, removed after: a folder is not changed while it is read.
    let mut files = Vec::new();
    let mut folders = Vec::new();
    let dir = rfs::Dir::read_from(&fd).map_err(|e| io_error(shown, "list", e))?;
    for entry in dir {
        let entry = entry.map_err(|e| io_error(shown, "list", e))?;
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        if entry_name == "." || entry_name == ".." {
            continue;
        }
        let is_folder = match entry.file_type() {
            FileType::Directory => true,
            FileType::Unknown => rfs::statat(&fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|st| kind_of(&st) == Kind::Folder),
            _ => false,
        };
        let list = if is_folder { &mut folders } else { &mut files };
        list.push(entry.file_name().to_owned());
    }
    for file in &files {
        rfs::unlinkat(&fd, file.as_c_str(), AtFlags::empty()).map_err(|e| io_error(&format!("{shown}/{}", file.to_string_lossy()), "remove the staged file", e))?;
    }
    for sub in &folders {
        let sub = sub.to_string_lossy();
        remove_tree(fd.as_fd(), &sub, &format!("{shown}/{sub}"))?;
    }
    drop(fd);
    rfs::unlinkat(parent, name, AtFlags::REMOVEDIR).map_err(|e| io_error(shown, "remove the staged folder", e))
}

/// A failure after the commit point: the hint says how to finish.
fn committed(mut d: Diagnostic) -> Diagnostic {
    d.hint = format!("{}; the render was committed but not finished: run it again to complete it (`render --check` lists what is pending)", d.hint);
    d
}

/// Makes everything written so far durable: `syncfs` on Linux, else an fsync of every
/// staged folder, the staging folder and DIR (the files were fsynced as they were written).
fn barrier(folder: &Folder, staging: &OwnedFd, what: &str) -> Result<(), Diagnostic> {
    let show = folder.show(STAGING);
    #[cfg(target_os = "linux")]
    {
        let _ = staging;
        rfs::syncfs(folder.fd()).map_err(|e| io_error(&show, &format!("{what} (syncfs)"), e))
    }
    #[cfg(not(target_os = "linux"))]
    {
        fsync_folders(staging.as_fd()).map_err(|e| io_error(&show, &format!("{what} (fsync)"), e))?;
        rfs::fsync(folder.fd()).map_err(|e| io_error(&folder.shown, &format!("{what} (fsync)"), e))
    }
}

/// Fsyncs `dir` and every folder below it.
#[cfg(not(target_os = "linux"))]
fn fsync_folders(dir: BorrowedFd<'_>) -> Result<(), Errno> {
    let fd = rfs::openat(dir, ".", DIR_FLAGS, Mode::empty())?;
    for entry in rfs::Dir::read_from(&fd)? {
        let entry = entry?;
        let name = entry.file_name();
        if entry.file_type() == FileType::Directory && name.to_bytes() != b"." && name.to_bytes() != b".." {
            fsync_folders(open_below(fd.as_fd(), &name.to_string_lossy(), false)?.as_fd())?;
        }
    }
    rfs::fsync(&fd)
}
