//! Reading the inputs from disk.

use crate::diagnostics::{codes, Diagnostic};
use crate::document::Document;
use crate::inputs::{self, ManifestInput, ProfileSource};
use crate::manifest::{Manifest, TargetKind};
use crate::profile::{self, ChainBreak, Parent, Profile, TargetFile};
use std::path::{Path, PathBuf};

/// How a path is shown in diagnostics: as the user gave it, with `/` separators.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Which input a path was given for, so a failure can say what to do about that input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Manifest,
    Profile,
    /// `--workspace FILE` or `--images FILE`.
    Workspace,
}

/// The largest input file x07-topo reads (SPEC §7.2): a bigger one is refused before it is read.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The folder every path an input names must resolve inside (SPEC §7.2, docs/decisions.md
/// "Untrusted repositories"): the manifest's project folder (the one holding `arch/`), or a
/// workspace's folder. Compared by real path, so neither `..` nor a link leaves it.
#[derive(Debug, Clone)]
pub struct Repository {
    /// As the user would write it, for messages.
    shown: String,
    /// Its real path; `None` when it cannot be resolved (then nothing is inside it).
    real: Option<PathBuf>,
    /// Whether the manifest and profiles given by path are confined too (in a workspace the
    /// workspace file names them).
    pub confine_all: bool,
}

impl Repository {
    /// The folder of the manifest's `arch/`: `P` for `P/arch/service/index.x07service.json`.
    pub fn of_manifest(manifest: &Path) -> Repository {
        let project = manifest.parent().and_then(Path::parent).and_then(Path::parent).unwrap_or(Path::new(""));
        Repository::at(project)
    }

    pub fn at(folder: &Path) -> Repository {
        let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
        Repository { shown: display(folder), real: std::fs::canonicalize(folder).ok(), confine_all: false }
    }

    fn contains(&self, real: &Path) -> bool {
        self.real.as_ref().is_some_and(|r| real.starts_with(r))
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refused {
    Io(std::io::Error),
    /// Its real path leaves the repository (shown as the user would write it).
    Outside(String),
    /// A device, FIFO, socket: never opened.
    NotRegular,
    /// Over [`MAX_INPUT_BYTES`].
    TooLarge,
}

impl Refused {
    /// The diagnostic code and the reason, for a file named by an input (`extends`, `target`).
    pub fn reason(&self, shown: &str) -> (&'static crate::diagnostics::Code, String) {
        match self {
            Refused::Io(e) if e.kind() == std::io::ErrorKind::NotFound => (&codes::EXTENDS_NOT_FOUND, format!("there is no file {shown}")),
            Refused::Io(e) => (&codes::EXTENDS_NOT_FOUND, format!("cannot read {shown}: {}", io_reason(e))),
            Refused::Outside(repo) => (&codes::READ_OUTSIDE_REPOSITORY, format!("{shown} is outside the repository ({repo}); x07-topo reads only files inside it")),
            Refused::NotRegular => (&codes::INPUT_NOT_REGULAR, format!("{shown} is not a regular file (a device, FIFO or socket); x07-topo reads only regular files")),
            Refused::TooLarge => (&codes::INPUT_TOO_LARGE, format!("{shown} is larger than {} MB, the most x07-topo reads", MAX_INPUT_BYTES >> 20)),
        }
    }
}

/// Reads a regular file of at most [`MAX_INPUT_BYTES`], inside `repository` when one is
/// given (by its real path: links and `..` resolved). Devices and FIFOs are never opened.
pub fn read_bounded(path: &Path, repository: Option<&Repository>) -> Result<Vec<u8>, Refused> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let real = std::fs::canonicalize(path).map_err(Refused::Io)?;
    if let Some(repo) = repository {
        if !repo.contains(&real) {
            return Err(Refused::Outside(repo.shown.clone()));
        }
    }
    let meta = std::fs::metadata(&real).map_err(Refused::Io)?;
    if meta.is_dir() {
        return Err(Refused::Io(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
    }
    if !meta.is_file() {
        return Err(Refused::NotRegular);
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Refused::TooLarge);
    }
    // Non-blocking and without following a link, in case the path changed since it was resolved.
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
    let file = std::fs::OpenOptions::new().read(true).custom_flags(flags.bits() as i32).open(&real).map_err(Refused::Io)?;
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotRegular);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(Refused::Io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Refused::TooLarge);
    }
    Ok(bytes)
}

/// Reads an input the command line names (`--manifest`, `--profile FILE`, `--workspace`),
/// or, with `repository`, one a file names (`--images` inside the workspace): a regular
/// file within the size limit.
// A Diagnostic is the shell's error type; boxing it buys nothing on a file read.
#[allow(clippy::result_large_err)]
pub fn read(path: &Path, input: Input) -> Result<Vec<u8>, Diagnostic> {
    read_in(path, input, None)
}

#[allow(clippy::result_large_err)]
pub fn read_in(path: &Path, input: Input, repository: Option<&Repository>) -> Result<Vec<u8>, Diagnostic> {
    read_bounded(path, repository).map_err(|refused| {
        let shown = display(path);
        let e = match refused {
            Refused::Io(e) => e,
            other => {
                let (code, why) = other.reason(&shown);
                let hint = match other {
                    Refused::Outside(_) => "name a file inside the repository",
                    Refused::TooLarge => "no X07 input is this large; check how the file was made",
                    _ => "name a regular file",
                };
                return Diagnostic::about_file(code, shown, why, hint);
            }
        };
        let hint = match (e.kind(), input) {
            (std::io::ErrorKind::IsADirectory, Input::Manifest) => {
                let inside = path.join(super::args::DEFAULT_MANIFEST);
                if inside.is_file() {
                    format!("--manifest takes the manifest file, not a folder: use --manifest {}", display(&inside))
                } else {
                    format!("--manifest takes the manifest file, not a folder (by convention DIR/{})", super::args::DEFAULT_MANIFEST)
                }
            }
            (std::io::ErrorKind::IsADirectory, Input::Profile) => "--profile takes a profile file or an ID, not a folder".to_string(),
            (std::io::ErrorKind::NotFound, Input::Manifest) => {
                "check the path; the manifest defaults to arch/service/index.x07service.json (use --manifest)".to_string()
            }
            (std::io::ErrorKind::NotFound, Input::Profile) => {
                "check the profile file's path (relative to the current folder); a plain ID (no `/`, no `.json`) is looked up in arch/topology/ beside the manifest".to_string()
            }
            (std::io::ErrorKind::NotFound, Input::Workspace) => {
                format!("check the path; --workspace alone reads {} in the current folder", crate::workspace::DEFAULT_FILE)
            }
            (std::io::ErrorKind::PermissionDenied, _) => "check the file's permissions".to_string(),
            _ => format!("check that {shown} is a readable file"),
        };
        Diagnostic::about_file(&codes::FILE_UNREADABLE, shown.clone(), format!("cannot read {shown}: {}", io_reason(&e)), hint)
    })
}

/// The reason without the platform's error number, so reports match across machines.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

/// `arch/topology/` beside the manifest's `arch/`.
fn topology_dir(manifest: &Path) -> PathBuf {
    let arch = manifest.parent().and_then(Path::parent).unwrap_or(Path::new(""));
    arch.join("topology")
}

/// Finds and reads the profiles named on the command line (or, with none, every profile
/// the manifest declares), each with the chain of profiles it `extends`. I/O failures are
/// returned as diagnostics.
pub fn profiles(manifest_path: &Path, repository: &Repository, manifest: &Manifest, args: &[String], diags: &mut Vec<Diagnostic>) -> Vec<ProfileSource> {
    let wanted: Vec<String> = if args.is_empty() { manifest.profiles().iter().map(|p| p.id.clone()).collect() } else { args.to_vec() };
    let mut out = Vec::new();
    for arg in wanted {
        // An id the manifest declares is that entry, whatever it looks like (`dev.json`,
        // `preset:local`, `dev/eu`): its file is `arch/topology/ID.json` when the id can be
        // a file name, else the entry alone is used.
        if manifest.profile(&arg).is_some() {
            // An id outside the safe pattern (XT127, issue 22) names no file.
            let file = crate::workspace::is_safe_segment(&arg).then(|| topology_dir(manifest_path).join(format!("{arg}.json")));
            match file {
                Some(path) if std::fs::symlink_metadata(&path).is_ok() => match read_in(&path, Input::Profile, Some(repository)) {
                    Err(d) => diags.push(d),
                    Ok(bytes) => {
                        let (doc, mut parse) = Document::parse(&display(&path), bytes);
                        diags.append(&mut parse);
                        out.push(file_source(manifest_path, repository, doc, Place::File(path), Some(arg), None, diags));
                    }
                },
                Some(path) => out.push(ProfileSource::Entry { id: arg, looked_for: display(&path) }),
                None => out.push(ProfileSource::Entry { id: arg.clone(), looked_for: format!("(none: `{arg}` cannot be a file name)") }),
            }
            continue;
        }
        if let Some(name) = arg.strip_prefix(profile::PRESET_PREFIX) {
            match profile::preset(name) {
                None => diags.push(profile::unknown_preset_argument(name)),
                Some((file, text)) => {
                    let (doc, mut parse) = Document::parse(file, text.as_bytes());
                    diags.append(&mut parse);
                    // A preset used directly renders for Kubernetes unless the manifest's entry of its id says otherwise.
                    out.push(file_source(manifest_path, repository, doc, Place::Preset(name.to_string()), None, Some(TargetKind::K8s), diags));
                }
            }
            continue;
        }
        if args.is_empty() && !crate::workspace::is_safe_segment(&arg) {
            // A manifest's own id is never a path: an unsafe one (XT127) names no file.
            out.push(ProfileSource::Entry { looked_for: display(&topology_dir(manifest_path)), id: arg });
            continue;
        }
        let (path, expected_id) = if crate::target::is_path(&arg) {
            (PathBuf::from(&arg), None)
        } else {
            let path = topology_dir(manifest_path).join(format!("{arg}.json"));
            if std::fs::symlink_metadata(&path).is_err() {
                out.push(ProfileSource::Entry { id: arg, looked_for: display(&path) });
                continue;
            }
            (path, Some(arg))
        };
        // A path on the command line is the operator's; an id's file is the repository's.
        let inside = (expected_id.is_some() || repository.confine_all).then_some(repository);
        match read_in(&path, Input::Profile, inside) {
            Err(d) => diags.push(d),
            Ok(bytes) => {
                let (doc, mut parse) = Document::parse(&display(&path), bytes);
                diags.append(&mut parse);
                out.push(file_source(manifest_path, repository, doc, Place::File(path), expected_id, None, diags));
            }
        }
    }
    out
}

/// Where a profile layer was read from: what the relative paths in it are relative to, and
/// who it is when looking for a cycle.
enum Place {
    File(PathBuf),
    Preset(String),
}

impl Place {
    fn same_as(&self, other: &Place) -> bool {
        match (self, other) {
            // Only compared, never printed, so the absolute path cannot reach the output.
            (Place::File(a), Place::File(b)) => a == b || std::fs::canonicalize(a).ok().is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a)),
            (Place::Preset(a), Place::Preset(b)) => a == b,
            _ => false,
        }
    }
}

fn file_source(manifest_path: &Path, repository: &Repository, first: Document, place: Place, expected_id: Option<String>, default_kind: Option<TargetKind>, diags: &mut Vec<Diagnostic>) -> ProfileSource {
    let (layers, places, broken) = follow_extends(manifest_path, repository, first, place, diags);
    let target_file = target_file(repository, &layers, &places);
    ProfileSource::File { layers, broken, expected_id, target_file, default_kind }
}

/// Reads the profiles `first` extends, then those they extend, until one extends nothing.
/// Stops at a parent that is missing, unreadable, outside the repository or already in the
/// chain, and after [`profile::MAX_EXTENDS`] parents.
fn follow_extends(manifest_path: &Path, repository: &Repository, first: Document, place: Place, diags: &mut Vec<Diagnostic>) -> (Vec<Document>, Vec<Place>, Option<ChainBreak>) {
    let mut layers = vec![first];
    let mut places = vec![place];
    let broken = loop {
        let Some((reference, parent)) = layers.last().and_then(profile::parent_of) else { break None };
        if layers.len() > profile::MAX_EXTENDS {
            break Some(ChainBreak::TooDeep { reference });
        }
        let here = places.last().expect("one place per layer");
        let (place, name, bytes) = match parent {
            Parent::Preset(name) => match profile::preset(&name) {
                Some((file, text)) => (Place::Preset(name), file.to_string(), text.as_bytes().to_vec()),
                None => break Some(ChainBreak::UnknownPreset { reference, name }),
            },
            Parent::Path(_) if matches!(here, Place::Preset(_)) => {
                break Some(ChainBreak::Missing { reference, why: "a built-in preset extends only presets".to_string() })
            }
            Parent::Path(_) | Parent::Id(_) => {
                let path = match (&parent, here) {
                    (Parent::Path(p), Place::File(f)) => f.parent().unwrap_or(Path::new("")).join(p),
                    _ => topology_dir(manifest_path).join(format!("{reference}.json")),
                };
                match read_bounded(&path, Some(repository)) {
                    Ok(bytes) => (Place::File(path.clone()), display(&path), bytes),
                    Err(refused) => {
                        let (code, why) = refused.reason(&display(&path));
                        break Some(if std::ptr::eq(code, &codes::EXTENDS_NOT_FOUND) { ChainBreak::Missing { reference, why } } else { ChainBreak::Refused { reference, code, why } });
                    }
                }
            }
        };
        if let Some(i) = places.iter().position(|p| p.same_as(&place)) {
            let chain = layers[i..].iter().map(|d| d.source.name.clone()).collect();
            break Some(ChainBreak::Cycle { reference, chain });
        }
        let (doc, mut parse) = Document::parse(&name, bytes);
        diags.append(&mut parse);
        layers.push(doc);
        places.push(place);
    };
    (layers, places, broken)
}

/// The target description file of a profile chain: the `target` of the nearest layer that
/// sets one, when it is a path (relative to that layer's file).
fn target_file(repository: &Repository, layers: &[Document], places: &[Place]) -> Option<TargetFile> {
    let (doc, place) = layers.iter().zip(places).find(|(d, _)| d.root().is_some_and(|r| r.member("target").is_some()))?;
    let reference = match &doc.root()?.member("target")?.value.value {
        crate::json::Value::String(s) if crate::target::is_path(s) => s.as_str().to_owned(),
        _ => return None,
    };
    let Place::File(path) = place else { return None };
    let file = path.parent().unwrap_or(Path::new("")).join(&reference);
    let name = display(&file);
    let bytes = read_bounded(&file, Some(repository)).map_err(|refused| unread(refused, &name, &codes::UNKNOWN_TARGET));
    let crds = bytes.as_ref().map(|b| crd_files(repository, &file, &name, b)).unwrap_or_default();
    Some(TargetFile { reference, name, bytes, crds })
}

fn unread(refused: Refused, name: &str, io_code: &'static crate::diagnostics::Code) -> profile::Unread {
    match refused {
        Refused::Io(e) => profile::Unread { code: io_code, why: io_reason(&e) },
        other => {
            let (code, why) = other.reason(name);
            profile::Unread { code, why }
        }
    }
}

/// The CRD files a target file names (`/k8s/crds/<i>/path`, relative to it), read inside the
/// repository like every file an input names. The kernel decodes the target and reports.
fn crd_files(repository: &Repository, target: &Path, target_name: &str, bytes: &[u8]) -> Vec<profile::CrdFile> {
    let (doc, _) = Document::parse(target_name, bytes);
    let Some(crate::json::Value::Array(list)) = doc.root().and_then(|r| r.get("/k8s/crds")).map(|n| &n.value) else { return Vec::new() };
    let folder = target.parent().unwrap_or(Path::new(""));
    list.iter()
        .enumerate()
        .take(crate::target::MAX_CRDS)
        .filter_map(|(index, entry)| match &entry.member("path")?.value.value {
            crate::json::Value::String(s) => Some((index, s.as_str().to_owned())),
            _ => None,
        })
        .map(|(index, reference)| {
            let file = folder.join(&reference);
            let name = display(&file);
            let bytes = read_bounded(&file, Some(repository)).map_err(|refused| unread(refused, &name, &codes::CRD_UNUSABLE));
            profile::CrdFile { index, reference, name, bytes }
        })
        .collect()
}

/// The manifest and the resolved profiles of a run.
pub struct Loaded {
    pub input: ManifestInput,
    pub profiles: Vec<Profile>,
}

impl Loaded {
    pub fn manifest(&self) -> &Manifest {
        self.input.manifest.as_ref().expect("Loaded holds a decoded manifest")
    }

    /// The `lints` of the run's profiles, for `output::print`.
    pub fn lints(&self) -> Vec<crate::diagnostics::lints::Lints> {
        self.profiles.iter().map(|p| p.lints.clone()).collect()
    }
}

/// Reads and checks the manifest and the profiles. `None` when the manifest could not be
/// read or decoded; every problem is in `diags`.
pub fn inputs(manifest_path: &Path, profile_args: &[String], diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    // `--manifest -` reads standard input; profile ids are then looked up as for the
    // default manifest path, in ./arch/topology/, and reads are confined as for it.
    let lookup = if manifest_path == Path::new(STDIN) { Path::new(super::args::DEFAULT_MANIFEST) } else { manifest_path };
    inputs_in(manifest_path, &Repository::of_manifest(lookup), profile_args, diags)
}

/// [`inputs`] with the paths files name confined to `repository` (a workspace's folder).
pub fn inputs_in(manifest_path: &Path, repository: &Repository, profile_args: &[String], diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let from_stdin = manifest_path == Path::new(STDIN);
    let read = if from_stdin { read_stdin() } else { read_in(manifest_path, Input::Manifest, repository.confine_all.then_some(repository)) };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let shown = if from_stdin { STDIN_NAME.to_string() } else { display(manifest_path) };
    let manifest_path = if from_stdin { Path::new(super::args::DEFAULT_MANIFEST) } else { manifest_path };
    let mut input = inputs::read_manifest(&shown, bytes);
    diags.append(&mut input.diags);
    let manifest = input.manifest.as_ref()?;
    let sources = profiles(manifest_path, repository, manifest, profile_args, diags);
    let profiles = inputs::resolve_profiles(manifest, &sources, diags);
    Some(Loaded { input, profiles })
}

/// `--manifest -`: the manifest comes from standard input.
pub const STDIN: &str = "-";
/// How diagnostics name a manifest read from standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// Standard input, read once per process (`diff --artifacts` loads the manifest once per profile).
#[allow(clippy::result_large_err)]
fn read_stdin() -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    static BYTES: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    let read = BYTES.get_or_init(|| {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes).map_err(|e| io_reason(&e))
    });
    read.clone().map_err(|why| {
        Diagnostic::about_file(&codes::FILE_UNREADABLE, STDIN_NAME, format!("cannot read the manifest from standard input: {why}"), "pipe the manifest in, or name its file with --manifest PATH")
    })
}
