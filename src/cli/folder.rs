//! The output folder, reached only through `*at` calls on a handle of DIR with `O_NOFOLLOW`,
//! so nothing below DIR is ever read, written or removed through a symbolic link (DIR itself
//! may be one: it is opened like any folder the user names). Every failure becomes a
//! diagnostic naming the file and the operation.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use crate::diagnostics::{codes, Diagnostic};
use crate::outdir::plan::shown;
use crate::outdir::{Entry, Kind};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

/// What [`Folder::walk`] does at a missing folder on the way.
pub enum Missing {
    /// Go on into it: it has been made (or moved there).
    GoOn,
    /// Stop there.
    Stop,
}

/// An open output folder and how the user named it (for messages).
pub struct Folder {
    fd: OwnedFd,
    pub shown: String,
}

/// A failed operation on the output folder: `XT910`, naming the file, the operation and what
/// the operating system said, with a hint that fits the error.
pub fn io_error(file: &str, operation: &str, e: Errno) -> Diagnostic {
    let hint = match e {
        Errno::NOSPC | Errno::DQUOT => "the file system is full (or over quota): free some space and render again",
        Errno::FBIG => "the file is larger than this process may write (see `ulimit -f`)",
        Errno::ROFS => "the file system is read-only: render into a writable folder",
        Errno::ACCESS | Errno::PERM => "x07-topo may not do this here: check the owner and mode of the file and its folder (and immutable attributes)",
        Errno::NAMETOOLONG => "a name in this path is longer than the file system accepts: choose a shorter --out path",
        Errno::XDEV => "this path is on another file system than the output folder (a mount inside it?): x07-topo renames files into place, which needs one file system",
        Errno::NOTDIR => "a part of this path is a file, not a folder",
        _ => "see the operating system's message; nothing was changed unless the message says the render was committed",
    };
    Diagnostic::about_file(&codes::OUT_IO, file, format!("cannot {operation} `{file}`: {}", std::io::Error::from(e)), hint)
}

/// What a directory entry is, from its status.
pub fn kind_of(st: &rfs::Stat) -> Kind {
    #[allow(clippy::unnecessary_cast)] // `st_mode` is u32 on Linux, u16 on macOS
    match FileType::from_raw_mode(st.st_mode as rfs::RawMode) {
        FileType::RegularFile => Kind::File,
        FileType::Directory => Kind::Folder,
        FileType::Symlink => Kind::Link,
        _ => Kind::Special,
    }
}

/// A folder opened for `*at` calls, never through a link.
pub const DIR_FLAGS: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::NOFOLLOW).union(OFlags::CLOEXEC);

impl Folder {
    /// Opens DIR (following DIR itself if it is a link). `Ok(None)`: DIR does not exist.
    pub fn open(dir: &Path, shown: &str) -> Result<Option<Folder>, Diagnostic> {
        match rfs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
            Ok(fd) => Ok(Some(Folder { fd, shown: shown.to_string() })),
            Err(Errno::NOENT) => Ok(None),
            Err(Errno::NOTDIR) => Err(not_a_folder(dir, shown)),
            Err(e) => Err(io_error(shown, "open the folder", e)),
        }
    }

    /// Opens DIR, creating it and its missing parents; returns the folders it created
    /// (parents first), so that a failing run can remove them again.
    pub fn open_or_create(dir: &Path, shown: &str) -> Result<(Folder, Vec<PathBuf>), Diagnostic> {
        let mut missing = Vec::new();
        let mut here = Some(dir);
        while let Some(p) = here.filter(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_err()) {
            missing.push(p.to_path_buf());
            here = p.parent();
        }
        let mut created = Vec::new();
        for p in missing.into_iter().rev() {
            match rfs::mkdir(&p, Mode::from_raw_mode(0o777)) {
                Ok(()) => created.push(p),
                Err(Errno::EXIST) => {}
                Err(Errno::NOTDIR) => return Err(not_a_folder(dir, shown)),
                Err(e) => {
                    remove_created(&created);
                    return Err(io_error(&p.display().to_string(), "create the folder", e));
                }
            }
        }
        match Folder::open(dir, shown) {
            Ok(Some(f)) => Ok((f, created)),
            Ok(None) => Err(io_error(shown, "open the folder", Errno::NOENT)),
            Err(d) => {
                remove_created(&created);
                Err(d)
            }
        }
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    pub fn try_clone(&self) -> std::io::Result<Folder> {
        Ok(Folder { fd: self.fd.try_clone()?, shown: self.shown.clone() })
    }

    /// `DIR/path` as the user would write it.
    pub fn show(&self, path: &str) -> String {
        shown(&self.shown, path)
    }

    /// Opens the folder `rel` below DIR (`""` is DIR) without following links; with `create`,
    /// missing folders on the way are made.
    pub fn open_dir(&self, rel: &str, create: bool) -> Result<OwnedFd, Diagnostic> {
        let opened = self.walk(rel, |fd, done, part| {
            if !create {
                return Err(io_error(&self.show(done), "open the folder", Errno::NOENT));
            }
            match rfs::mkdirat(fd, part, Mode::from_raw_mode(0o777)) {
                Ok(()) | Err(Errno::EXIST) => Ok(Missing::GoOn),
                Err(e) => Err(io_error(&self.show(done), "create the folder", e)),
            }
        })?;
        Ok(opened.expect("a walk that never stops reaches its folder"))
    }

    /// Opens the folder `rel` below DIR (`""` is DIR) without following links. Where a folder
    /// on the way is missing, `missing(parent, path so far, name)` says whether to go on into
    /// it (it has been made) or to stop there: then the path so far is returned instead.
    pub fn walk(&self, rel: &str, mut missing: impl FnMut(&OwnedFd, &str, &str) -> Result<Missing, Diagnostic>) -> Result<Result<OwnedFd, String>, Diagnostic> {
        let mut fd = self.fd.try_clone().map_err(|e| io_error(&self.shown, "open the folder", errno(&e)))?;
        let mut done = String::new();
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            if !done.is_empty() {
                done.push('/');
            }
            done.push_str(part);
            let next = match rfs::openat(&fd, part, DIR_FLAGS, Mode::empty()) {
                Err(Errno::NOENT) => match missing(&fd, &done, part)? {
                    Missing::GoOn => rfs::openat(&fd, part, DIR_FLAGS, Mode::empty()),
                    Missing::Stop => return Ok(Err(done)),
                },
                other => other,
            };
            fd = next.map_err(|e| match e {
                Errno::LOOP | Errno::NOTDIR => self.refuse_on_the_way(&done, &fd, part),
                e => io_error(&self.show(&done), "open the folder", e),
            })?;
        }
        Ok(Ok(fd))
    }

    /// The diagnostic for a part of a path that is not a plain folder.
    fn refuse_on_the_way(&self, done: &str, parent: &OwnedFd, part: &str) -> Diagnostic {
        let kind = rfs::statat(parent, part, AtFlags::SYMLINK_NOFOLLOW).map(|st| kind_of(&st)).unwrap_or(Kind::Special);
        let problem = if kind == Kind::Link { crate::outdir::Problem::Link } else { crate::outdir::Problem::NotAFolder(kind) };
        crate::outdir::Refusal { path: done.to_string(), at: done.to_string(), problem }.diagnostic(&self.shown)
    }

    /// What `path` holds, read without following any link (a file with its bytes).
    pub fn entry(&self, path: &str) -> Result<Entry, Diagnostic> {
        Lookup::new(self).entry(path)
    }

    /// Writes a new file `name` in the folder `dir` (created exclusively, never through a
    /// link); `durable` fsyncs it.
    pub fn create_file(&self, dir: &OwnedFd, dir_rel: &str, name: &str, content: &[u8], durable: bool) -> Result<(), Diagnostic> {
        let show = self.show(&format!("{dir_rel}/{name}"));
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rfs::openat(dir, name, flags, Mode::from_raw_mode(0o666)).map_err(|e| io_error(&show, "create", e))?;
        let mut file = std::fs::File::from(fd);
        file.write_all(content).map_err(|e| io_error(&show, "write", errno(&e)))?;
        if durable {
            rfs::fsync(&file).map_err(|e| io_error(&show, "flush (fsync)", e))?;
        }
        Ok(())
    }

    /// Removes an empty folder below DIR, parents of `rel` up to (not including) DIR as long
    /// as they are empty too.
    pub fn remove_empty_dirs(&self, rel: &str) {
        let mut here = rel.to_string();
        while !here.is_empty() {
            let (parent, name) = split(&here);
            let Ok(fd) = self.open_dir(parent, false) else { return };
            if rfs::unlinkat(&fd, name, AtFlags::REMOVEDIR).is_err() {
                return; // not empty (or gone): stop
            }
            here = parent.to_string();
        }
    }
}

/// Reads what paths below DIR hold, without following any link. It keeps the folder of
/// the last path open, so that paths read in sorted order open each folder once.
pub struct Lookup<'f> {
    folder: &'f Folder,
    /// The parent folder of the last path: its handle, or what stood in the way.
    parent: Option<(String, Result<OwnedFd, Entry>)>,
}

impl<'f> Lookup<'f> {
    pub fn new(folder: &'f Folder) -> Self {
        Lookup { folder, parent: None }
    }

    /// What `path` holds, with a regular file's bytes.
    pub fn entry(&mut self, path: &str) -> Result<Entry, Diagnostic> {
        let (file, st) = match self.open(path)? {
            Ok(found) => found,
            Err(entry) => return Ok(entry),
        };
        let mut bytes = Vec::with_capacity(st.st_size as usize);
        std::fs::File::from(file).read_to_end(&mut bytes).map_err(|e| io_error(&self.folder.show(path), "read", errno(&e)))?;
        Ok(Entry::File(bytes))
    }

    /// What `path` holds, a regular file compared with `wanted` as it is read:
    /// `Entry::Unchanged` when it holds exactly `wanted`; otherwise its bytes when `keep`
    /// (`Entry::File`, for a diff), else `Entry::Changed`. A file of another size is not
    /// read unless its bytes are kept.
    pub fn compare(&mut self, path: &str, wanted: &[u8], keep: bool) -> Result<Entry, Diagnostic> {
        let (file, st) = match self.open(path)? {
            Ok(found) => found,
            Err(entry) => return Ok(entry),
        };
        let read_error = |e: std::io::Error| io_error(&self.folder.show(path), "read", errno(&e));
        let mut file = std::fs::File::from(file);
        if st.st_size as u64 == wanted.len() as u64 {
            let mut buf = vec![0u8; wanted.len().clamp(1, 64 * 1024)];
            let mut at = 0;
            loop {
                let n = match file.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(read_error(e)),
                };
                if n == 0 && at == wanted.len() {
                    return Ok(Entry::Unchanged);
                }
                if n == 0 || at + n > wanted.len() || buf[..n] != wanted[at..at + n] {
                    break;
                }
                at += n;
            }
            if !keep {
                return Ok(Entry::Changed);
            }
            std::io::Seek::rewind(&mut file).map_err(read_error)?;
        } else if !keep {
            return Ok(Entry::Changed);
        }
        let mut bytes = Vec::with_capacity(st.st_size as usize);
        file.read_to_end(&mut bytes).map_err(read_error)?;
        Ok(Entry::File(bytes))
    }

    /// `path` opened as a regular file, or what it holds instead.
    fn open(&mut self, path: &str) -> Result<Result<(OwnedFd, rfs::Stat), Entry>, Diagnostic> {
        let (parent, last) = split(path);
        if self.parent.as_ref().is_none_or(|(p, _)| p != parent) {
            self.parent = Some((parent.to_string(), self.walk(parent)?));
        }
        let fd = match &self.parent {
            Some((_, Ok(fd))) => fd,
            Some((_, Err(entry))) => return Ok(Err(entry.clone())),
            None => unreachable!("the parent was looked up above"),
        };
        // O_NONBLOCK: opening a FIFO must not wait for a writer.
        let file = match rfs::openat(fd, last, OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty()) {
            Ok(file) => file,
            Err(Errno::NOENT) => return Ok(Err(Entry::Missing)),
            Err(Errno::LOOP) => return Ok(Err(Entry::Other(Kind::Link))),
            Err(Errno::NXIO) => return Ok(Err(Entry::Other(Kind::Special))),
            Err(e) => return Err(io_error(&self.folder.show(path), "open", e)),
        };
        let st = rfs::fstat(&file).map_err(|e| io_error(&self.folder.show(path), "inspect", e))?;
        Ok(match kind_of(&st) {
            Kind::File => Ok((file, st)),
            kind => Err(Entry::Other(kind)),
        })
    }

    /// The folder `rel` below DIR, or why no path below it exists (`Missing`, `Blocked`).
    fn walk(&self, rel: &str) -> Result<Result<OwnedFd, Entry>, Diagnostic> {
        let folder = self.folder;
        let mut fd = folder.fd.try_clone().map_err(|e| io_error(&folder.shown, "open the folder", errno(&e)))?;
        let mut at = String::new();
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            if !at.is_empty() {
                at.push('/');
            }
            at.push_str(part);
            match rfs::openat(&fd, part, DIR_FLAGS, Mode::empty()) {
                Ok(next) => fd = next,
                Err(Errno::NOENT) => return Ok(Err(Entry::Missing)),
                Err(Errno::LOOP | Errno::NOTDIR) => {
                    let kind = rfs::statat(&fd, part, AtFlags::SYMLINK_NOFOLLOW).map(|st| kind_of(&st)).unwrap_or(Kind::Special);
                    return Ok(Err(Entry::Blocked { at, kind }));
                }
                Err(e) => return Err(io_error(&folder.show(&at), "open the folder", e)),
            }
        }
        Ok(Ok(fd))
    }
}

/// `a/b/c` → (`a/b`, `c`); `c` → (``, `c`).
pub fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

pub fn errno(e: &std::io::Error) -> Errno {
    Errno::from_io_error(e).unwrap_or(Errno::IO)
}

/// Removes folders a failed run created (deepest first), if they are still empty.
pub fn remove_created(created: &[PathBuf]) {
    for p in created.iter().rev() {
        let _ = rfs::rmdir(p);
    }
}

fn not_a_folder(dir: &Path, shown: &str) -> Diagnostic {
    let what = if dir.is_file() { "a file" } else { "not a folder (a part of the path is a file)" };
    Diagnostic::about_file(
        &codes::OUT_NOT_A_FOLDER,
        shown,
        format!("`{shown}` is {what}, so x07-topo cannot write or compare the output folder there"),
        "name a folder (`render` creates it when it is missing), or move the file away",
    )
}
