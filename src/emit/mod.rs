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
    let mut artifacts: Vec<Artifact> = target_artifacts(plan).collect();
    artifacts.extend(contracts::render(plan));
    Rendered { artifacts, diags: diagnostics(plan) }
}

/// Like [`render`], for writing files: each artifact's `value` is dropped as it is made
/// (the text is what gets written), so memory holds the output once.
pub fn render_files(plan: &Plan) -> Rendered {
    let text_only = |mut a: Artifact| {
        a.value = serde_json::Value::Null;
        a
    };
    let mut artifacts: Vec<Artifact> = target_artifacts(plan).map(text_only).collect();
    artifacts.extend(contracts::render(plan).into_iter().map(text_only));
    Rendered { artifacts, diags: diagnostics(plan) }
}

/// What emitting `plan` reports (warnings, and errors that stop `render`), found without
/// keeping the output: `--out -` checks them before it writes the first document.
pub fn diagnostics(plan: &Plan) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if plan.target_kind == TargetKind::Hosted {
        diags.extend(hosted::descriptor(plan).1);
    }
    diags.extend(contracts::diagnostics(plan));
    diags
}

/// The target's artifacts in stream order, made one deployable at a time as the iterator
/// is advanced: a caller that writes each as it comes holds one deployable's output.
pub fn target_artifacts(plan: &Plan) -> Box<dyn Iterator<Item = Artifact> + '_> {
    if plan.target_kind == TargetKind::Hosted {
        return Box::new(std::iter::once(hosted::artifact(plan)));
    }
    let emitter = PerDeployable::new(plan);
    let bindings = if plan.target_kind == TargetKind::K8s { k8s::binding_artifacts(plan) } else { Vec::new() };
    Box::new(bindings.into_iter().chain(plan.deployables.iter().flat_map(move |d| emitter.artifacts(d))))
}

/// The target's emitter, one deployable at a time (hosted output is one document for the
/// whole service, so it has none per deployable).
pub struct PerDeployable<'p> {
    plan: &'p Plan,
    wasmcloud: Option<crate::target::WasmcloudSettings>,
}

impl<'p> PerDeployable<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        let wasmcloud = (plan.target_kind == TargetKind::Wasmcloud).then(|| wasmcloud::settings(plan));
        PerDeployable { plan, wasmcloud }
    }

    /// The artifacts of deployable `d`, in stream order.
    pub fn artifacts(&self, d: &crate::plan::Deployable) -> Vec<Artifact> {
        if !d.runs_anything() {
            return Vec::new();
        }
        match (self.plan.target_kind, &self.wasmcloud) {
            (TargetKind::K8s, _) => k8s::artifacts(self.plan, d),
            (TargetKind::Wasmcloud, Some(settings)) => wasmcloud::artifact(self.plan, settings, d).into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// The artifacts that belong to no deployable: binding resources (k8s), the hosted
/// descriptor, the contract documents.
pub fn service_artifacts(plan: &Plan) -> Vec<Artifact> {
    let mut artifacts = Vec::new();
    if plan.target_kind == TargetKind::K8s {
        artifacts.extend(k8s::binding_artifacts(plan));
    }
    if plan.target_kind == TargetKind::Hosted {
        artifacts.push(hosted::artifact(plan));
    }
    artifacts.extend(contracts::render(plan));
    artifacts
}

/// Writes the `--out -` stream: every artifact that belongs to it, separated as its format
/// needs, as it is made.
pub fn write_stream(plan: &Plan, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for (i, a) in target_artifacts(plan).filter(|a| a.in_stream).enumerate() {
        if i > 0 || a.path.ends_with(".yaml") {
            out.write_all(b"---\n")?;
        }
        out.write_all(a.content.as_bytes())?;
    }
    Ok(())
}

/// A JSON document's text: pretty, members in the type's order, LF, with a final newline.
pub fn json_text<T: serde::Serialize>(document: &T) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("emitted documents serialise to JSON");
    text.push('\n');
    text
}
