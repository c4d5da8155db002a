//! x07-topo: the topology compiler for X07 services.
//!
//! The kernel (everything but [`cli`]) is pure: it takes bytes and returns values and
//! diagnostics. Only [`cli`] reads files, writes files and prints. See ARCHITECTURE.md.

// `render --out DIR` is a transaction built on the openat family, flock and file descriptors
// (rustix's `fs` and std's `os::fd`, Unix only; src/cli/folder.rs, lock.rs, staging.rs). On
// another platform say so once, before the errors of the missing calls.
#[cfg(not(unix))]
compile_error!(
    "x07-topo supports Unix only (Linux and macOS): `render --out DIR` writes its folder with openat/renameat/flock, \
     which this platform lacks. On Windows, use WSL, a container, or the Linux release archive."
);

pub mod bindings;
pub mod checks;
pub mod cli;
pub mod crd;
pub mod decode;
pub mod diagnostics;
pub mod document;
pub mod emit;
pub mod escape;
pub mod inputs;
pub mod json;
pub mod layered;
pub mod manifest;
pub mod network;
pub mod outdir;
pub mod parallel;
pub mod plan;
pub mod plan_view;
pub mod profile;
pub mod report;
pub mod source;
pub mod suggest;
pub mod target;
pub mod transition;
pub mod workspace;
pub mod yaml;
