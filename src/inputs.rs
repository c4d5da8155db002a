//! The checked inputs of every command: the manifest and the resolved profiles.
//! Pure functions over what the shell read.

use crate::decode::Decoder;
use crate::diagnostics::{self, Diagnostic};
use crate::document::Document;
use crate::manifest::{self, Manifest};
use crate::layered::Layered;
use crate::manifest::TargetKind;
use crate::profile::{self, ChainBreak, Profile, ProfileSpec, TargetFile};

/// The manifest document with what could be made of it.
pub struct ManifestInput {
    pub doc: Document,
    /// Present when the manifest decoded; it may still have had check errors.
    pub manifest: Option<Manifest>,
    pub diags: Vec<Diagnostic>,
}

/// Parses, decodes and checks a manifest.
pub fn read_manifest(name: &str, bytes: impl Into<Vec<u8>>) -> ManifestInput {
    let (doc, mut diags) = Document::parse(name, bytes);
    let mut d = Decoder::new(&doc);
    let manifest = manifest::decode(&mut d);
    if let Some(m) = &manifest {
        manifest::check(&mut d, m);
    }
    diags.append(&mut d.diags);
    // Decoded and checked: from here on the tree only locates diagnostics, which are rare.
    let mut doc = doc;
    doc.release_tree();
    ManifestInput { doc, manifest, diags }
}

/// A profile as the shell found it on disk.
pub enum ProfileSource {
    /// No file: the manifest entry with this id (`looked_for` is the file that was not there).
    Entry { id: String, looked_for: String },
    /// A profile file and the files of its `extends` chain, nearest first; `broken` when the
    /// chain could not be followed to its end.
    File {
        layers: Vec<Document>,
        broken: Option<ChainBreak>,
        expected_id: Option<String>,
        target_file: Option<TargetFile>,
        /// `--profile preset:NAME`: the target kind when neither the preset nor the manifest names one.
        default_kind: Option<TargetKind>,
    },
}

/// Resolves each profile against the manifest; returns those that resolved.
pub fn resolve_profiles(manifest: &Manifest, sources: &[ProfileSource], diags: &mut Vec<Diagnostic>) -> Vec<Profile> {
    let mut out = Vec::new();
    for source in sources {
        let resolved = match source {
            ProfileSource::Entry { id, looked_for } => profile::resolve(manifest, ProfileSpec::Entry { id, looked_for }, diags),
            ProfileSource::File { layers, broken, expected_id, target_file, default_kind } => {
                if layers.iter().any(|d| !d.is_json()) {
                    continue; // their parse errors are reported already
                }
                let layered = Layered::new(layers.clone());
                let spec = ProfileSpec::File {
                    layered: &layered,
                    broken: broken.as_ref(),
                    expected_id: expected_id.as_deref(),
                    target_file: target_file.as_ref(),
                    default_kind: *default_kind,
                };
                profile::resolve(manifest, spec, diags)
            }
        };
        out.extend(resolved);
    }
    out
}

/// Everything a run found, sorted for reporting.
pub fn finish(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diags);
    diags
}
