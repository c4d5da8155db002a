//! Reading the inputs from disk.

use crate::diagnostics::{codes, Diagnostic};
use crate::document::Document;
use crate::inputs::{self, ManifestInput, ProfileSource};
use crate::profile::Profile;
use crate::manifest::Manifest;
use crate::profile::TargetFile;
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
}

pub fn read(path: &Path, input: Input) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(path).map_err(|e| {
        let shown = display(path);
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
/// the manifest declares). I/O failures are returned as diagnostics.
pub fn profiles(manifest_path: &Path, manifest: &Manifest, args: &[String], diags: &mut Vec<Diagnostic>) -> Vec<ProfileSource> {
    let wanted: Vec<String> = if args.is_empty() { manifest.profiles().iter().map(|p| p.id.clone()).collect() } else { args.to_vec() };
    let mut out = Vec::new();
    for arg in wanted {
        let (path, expected_id) = if crate::target::is_path(&arg) {
            (PathBuf::from(&arg), None)
        } else {
            let path = topology_dir(manifest_path).join(format!("{arg}.json"));
            if !path.exists() {
                out.push(ProfileSource::Entry { id: arg, looked_for: display(&path) });
                continue;
            }
            (path, Some(arg))
        };
        match read(&path, Input::Profile) {
            Err(d) => diags.push(d),
            Ok(bytes) => {
                let (doc, mut parse) = Document::parse(&display(&path), &bytes);
                diags.append(&mut parse);
                let target_file = target_reference(&doc).filter(|t| crate::target::is_path(t)).map(|reference| {
                    let file = path.parent().unwrap_or(Path::new("")).join(&reference);
                    let bytes = std::fs::read(&file).map_err(|e| io_reason(&e));
                    TargetFile { reference, name: display(&file), bytes }
                });
                out.push(ProfileSource::File { doc, expected_id, target_file });
            }
        }
    }
    out
}

/// The raw `target` member of a profile document, before decoding.
fn target_reference(doc: &Document) -> Option<String> {
    match &doc.root.as_ref()?.member("target")?.value.value {
        crate::json::Value::String(s) => Some(s.clone()),
        _ => None,
    }
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
}

/// Reads and checks the manifest and the profiles. `None` when the manifest could not be
/// read or decoded; every problem is in `diags`.
pub fn inputs(manifest_path: &Path, profile_args: &[String], diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let bytes = match read(manifest_path, Input::Manifest) {
        Ok(bytes) => bytes,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut input = inputs::read_manifest(&display(manifest_path), &bytes);
    diags.append(&mut input.diags);
    let manifest = input.manifest.as_ref()?;
    let sources = profiles(manifest_path, manifest, profile_args, diags);
    let profiles = inputs::resolve_profiles(manifest, &sources, diags);
    Some(Loaded { input, profiles })
}
