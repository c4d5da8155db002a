//! Emitters: Plan → artifacts. One module per target kind, each reading only the Plan.

pub mod contracts;
pub mod hosted;
pub mod k8s;
pub mod wasmcloud;
pub mod yaml;

use crate::diagnostics::Diagnostic;
use crate::manifest::TargetKind;
use crate::plan::Plan;

/// One output file: a Kubernetes object, a manifest, a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path under `--out DIR`, with `/`; made only of sanitised names, so never escapes DIR.
    pub path: String,
    pub deployable: String,
    pub kind: String,
    pub name: String,
    /// The document's text (YAML or JSON), ending in a newline.
    pub content: String,
    /// The document as data: what `content` must read back as.
    pub value: serde_json::Value,
    /// Whether the document belongs to the `--out -` stream; the X07 contract documents
    /// are only written to `--out DIR`.
    pub in_stream: bool,
}

/// The folder of a deployable's files under `--out DIR`: its key as a DNS label, cut and
/// hashed like object names when longer than 63 characters, so that no group or cell name
/// can make a path component longer than a file system accepts (NAME_MAX is 255 bytes).
pub fn deployable_folder(key: &str) -> String {
    crate::checks::names::object_name(&[key], crate::checks::names::MAX_OBJECT_NAME)
}

/// What `render` produced: artifacts in stream order, plus warnings.
pub struct Rendered {
    pub artifacts: Vec<Artifact>,
    pub diags: Vec<Diagnostic>,
}

/// The target's artifacts, then the X07 contract documents (every target kind).
pub fn render(plan: &Plan) -> Rendered {
    let mut rendered = render_target(plan);
    let (contracts, mut diags) = contracts::render(plan);
    rendered.artifacts.extend(contracts);
    rendered.diags.append(&mut diags);
    rendered
}

fn render_target(plan: &Plan) -> Rendered {
    match plan.target_kind {
        TargetKind::K8s => k8s::render(plan),
        TargetKind::Hosted => hosted::render(plan),
        TargetKind::Wasmcloud => wasmcloud::render(plan),
    }
}

/// The `--out -` stream: every artifact that belongs to it, separated as its format needs.
pub fn stream(artifacts: &[Artifact]) -> String {
    let mut out = String::new();
    for (i, a) in artifacts.iter().filter(|a| a.in_stream).enumerate() {
        if i > 0 || a.path.ends_with(".yaml") {
            out.push_str("---\n");
        }
        out.push_str(&a.content);
    }
    out
}

/// A JSON document's text: pretty, members in the type's order, LF, with a final newline.
pub fn json_text<T: serde::Serialize>(document: &T) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("emitted documents serialise to JSON");
    text.push('\n');
    text
}
