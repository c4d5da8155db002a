//! The output folder's lock: `DIR/.x07-topo.lock`, held with `flock` for the whole run and
//! removed when the run ends. The kernel drops a flock when its process dies, so a lock file
//! left by a killed run is simply taken over; a second live run fails at once (exit 2).

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::folder::{errno, io_error, kind_of, Folder};
use crate::diagnostics::{codes, Diagnostic};
use crate::outdir::{Kind, Problem, Refusal, LOCK};
use rustix::fs::{self as rfs, AtFlags, FlockOperation, Mode, OFlags};
use rustix::io::Errno;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;

pub struct Lock {
    file: OwnedFd,
    folder: Folder,
}

impl Lock {
    pub fn acquire(folder: &Folder) -> Result<Lock, Diagnostic> {
        let shown = folder.show(LOCK);
        let folder = folder.try_clone().map_err(|e| io_error(&shown, "open the folder of", errno(&e)))?;
        loop {
            let flags = OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            let file = rfs::openat(folder.fd(), LOCK, flags, Mode::from_raw_mode(0o666)).map_err(|e| match e {
                Errno::LOOP => Refusal { path: LOCK.to_string(), at: LOCK.to_string(), problem: Problem::Link }.diagnostic(&folder.shown),
                e => io_error(&shown, "open the lock file", e),
            })?;
            let st = rfs::fstat(&file).map_err(|e| io_error(&shown, "inspect the lock file", e))?;
            if kind_of(&st) != Kind::File {
                return Err(Refusal { path: LOCK.to_string(), at: LOCK.to_string(), problem: Problem::NotAFile(kind_of(&st)) }.diagnostic(&folder.shown));
            }
            match rfs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => {}
                Err(Errno::WOULDBLOCK) => return Err(held(&shown, file)),
                Err(e) => return Err(io_error(&shown, "lock", e)),
            }
            // The previous holder may have removed the file between our open and our lock:
            // then we hold a lock on a file nobody else can see, and must try again.
            match rfs::statat(folder.fd(), LOCK, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(now) if now.st_ino == st.st_ino && now.st_dev == st.st_dev => {}
                _ => continue,
            }
            // The pid only makes XT913 name the holder; a full disk must not stop the run here
            // (the staging step reports it, naming the file).
            let _ = rfs::ftruncate(&file, 0);
            let mut f = std::fs::File::from(file);
            let _ = f.write_all(format!("pid {}\n", std::process::id()).as_bytes());
            return Ok(Lock { file: f.into(), folder });
        }
    }
}

impl Drop for Lock {
    /// Removes the lock file while still holding the lock, then releases it (on close).
    fn drop(&mut self) {
        let _ = rfs::unlinkat(self.folder.fd(), LOCK, AtFlags::empty());
        let _ = rfs::flock(&self.file, FlockOperation::Unlock);
    }
}

/// XT913, naming the lock file and, when it says so, the process holding it.
fn held(shown: &str, file: OwnedFd) -> Diagnostic {
    let mut text = String::new();
    let _ = std::fs::File::from(file).take(64).read_to_string(&mut text);
    let pid = text.strip_prefix("pid ").map(str::trim).filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let by = pid.map(|p| format!(" (process {p})")).unwrap_or_default();
    Diagnostic::about_file(
        &codes::OUT_LOCKED,
        shown,
        format!("another x07-topo run{by} is writing this output folder: it holds `{shown}`"),
        "wait for that run to finish and render again; a lock left by a killed run is taken over automatically",
    )
}
