//! The checked inputs of every command: the manifest and the resolved profiles.
//! Pure functions over what the shell read.

use crate::decode::Decoder;
use crate::diagnostics::{self, Diagnostic};
use crate::document::Document;
use crate::manifest::{self, Manifest};
use crate::profile::{self, Profile, ProfileSpec, TargetFile};

/// The manifest document with what could be made of it.
pub struct ManifestInput {
    pub doc: Document,
    /// Present when the manifest decoded; it may still have had check errors.
    pub manifest: Option<Manifest>,
    pub diags: Vec<Diagnostic>,
}

/// Parses, decodes and checks a manifest.
pub fn read_manifest(name: &str, bytes: &[u8]) -> ManifestInput {
    let (doc, mut diags) = Document::parse(name, bytes);
    let mut d = Decoder::new(&doc);
    let manifest = manifest::decode(&mut d);
    if let Some(m) = &manifest {
        manifest::check(&mut d, m);
    }
    diags.append(&mut d.diags);
    ManifestInput { doc, manifest, diags }
}

/// A profile as the shell found it on disk.
pub enum ProfileSource {
    /// No file: the manifest entry with this id (`looked_for` is the file that was not there).
    Entry { id: String, looked_for: String },
    File { doc: Document, expected_id: Option<String>, target_file: Option<TargetFile> },
}

/// Resolves each profile against the manifest; returns those that resolved.
pub fn resolve_profiles(manifest: &Manifest, sources: &[ProfileSource], diags: &mut Vec<Diagnostic>) -> Vec<Profile> {
    let mut out = Vec::new();
    for source in sources {
        let spec = match source {
            ProfileSource::Entry { id, looked_for } => ProfileSpec::Entry { id, looked_for },
            ProfileSource::File { doc, expected_id, target_file } => {
                if doc.root.is_none() {
                    continue; // its parse errors are reported already
                }
                ProfileSpec::File { doc, expected_id: expected_id.as_deref(), target_file: target_file.as_ref() }
            }
        };
        if let Some(p) = profile::resolve(manifest, spec, diags) {
            out.push(p);
        }
    }
    out
}

/// Everything a run found, sorted for reporting.
pub fn finish(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diags);
    diags
}
