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

/// The target's artifacts, then the X07 contract documents (every target kind), as
/// [`each_file`] makes them, held: for comparing two renders, and for a workspace, which
/// prepares every folder before it writes any.
pub fn render_files(plan: &Plan) -> Rendered {
    let mut artifacts = Vec::new();
    let _ = each_file(plan, |mut a| {
        // Held until the folder is compared: no spare capacity (a grown String has up to half).
        a.content.shrink_to_fit();
        artifacts.push(a);
        Ok::<(), std::convert::Infallible>(())
    });
    Rendered { artifacts, diags: diagnostics(plan) }
}

/// Every file of `--out DIR` (but the folder's kustomization and inventory) in stream order,
/// each handed to `consume` as soon as it is made (the deployables' made on worker threads,
/// handed on in order), without its data (`value`): what is written is its text. The first
/// error of `consume` stops emission.
pub fn each_file<E>(plan: &Plan, mut consume: impl FnMut(Artifact) -> Result<(), E>) -> Result<(), E> {
    let text_only = |mut a: Artifact| {
        a.value = serde_json::Value::Null;
        a
    };
    leading_artifacts(plan).into_iter().map(text_only).try_for_each(&mut consume)?;
    let emitter = PerDeployable::new(plan);
    crate::parallel::map_in_order(&plan.deployables, |d| emitter.artifacts(d).into_iter().map(text_only).collect::<Vec<_>>(), |made| made.into_iter().try_for_each(&mut consume))?;
    contracts::render(plan).into_iter().map(text_only).try_for_each(&mut consume)
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

/// The target's artifacts that come before the deployables' in the stream: the binding
/// resources (k8s), or the one hosted descriptor.
pub fn leading_artifacts(plan: &Plan) -> Vec<Artifact> {
    match plan.target_kind {
        TargetKind::Hosted => vec![hosted::artifact(plan)],
        TargetKind::K8s => k8s::binding_artifacts(plan),
        TargetKind::Wasmcloud => Vec::new(),
    }
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
        let mut artifacts = self.objects(d);
        for a in &mut artifacts {
            a.content = yaml::to_yaml(&a.value);
        }
        artifacts
    }

    /// [`PerDeployable::artifacts`] without their text (`content` is empty): what a view of
    /// the objects needs, at a fraction of the cost (writing YAML is most of emission).
    pub fn objects(&self, d: &crate::plan::Deployable) -> Vec<Artifact> {
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
/// descriptor, the contract documents (these without their text: for a view of the plan).
pub fn service_artifacts(plan: &Plan) -> Vec<Artifact> {
    let mut artifacts = leading_artifacts(plan);
    artifacts.extend(contracts::objects(plan));
    artifacts
}

/// Writes the `--out -` stream: every artifact that belongs to it, each YAML document
/// after a `---` line, as it is made (the deployables' on worker threads, in order).
pub fn write_stream(plan: &Plan, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let separated = |a: &Artifact, text: &mut String| {
        if a.path.ends_with(".yaml") {
            text.push_str("---\n");
        }
        text.push_str(&a.content);
    };
    let mut head = String::new();
    leading_artifacts(plan).iter().filter(|a| a.in_stream).for_each(|a| separated(a, &mut head));
    out.write_all(head.as_bytes())?;
    let emitter = PerDeployable::new(plan);
    // Every deployable's document is YAML, so each is separated whatever came before it.
    let text_of = |d: &crate::plan::Deployable| {
        let mut text = String::new();
        emitter.artifacts(d).iter().filter(|a| a.in_stream).for_each(|a| separated(a, &mut text));
        text
    };
    crate::parallel::map_in_order(&plan.deployables, text_of, |text| out.write_all(text.as_bytes()))
}

/// A JSON document's text: pretty, members in the type's order, LF, with a final newline.
pub fn json_text<T: serde::Serialize>(document: &T) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("emitted documents serialise to JSON");
    text.push('\n');
    text
}
