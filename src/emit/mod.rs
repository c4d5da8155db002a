//! Emitters: Plan → artifacts. One module per target kind, each reading only the Plan.

pub mod k8s;
pub mod yaml;

use crate::diagnostics::{codes, Diagnostic};
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
}

/// What `render` produced: artifacts in stream order, plus warnings.
pub struct Rendered {
    pub artifacts: Vec<Artifact>,
    pub diags: Vec<Diagnostic>,
}

pub fn render(plan: &Plan) -> Rendered {
    match plan.target_kind {
        TargetKind::K8s => k8s::render(plan),
        other => Rendered {
            artifacts: Vec::new(),
            diags: vec![Diagnostic::about_file(
                &codes::TARGET_NOT_RENDERED,
                "",
                format!("this x07-topo cannot render target kind `{other}` yet (profile `{}`)", plan.profile),
                "use a k8s profile; `check` and `plan` work for every target kind",
            )],
        },
    }
}

/// The `--out -` stream: every artifact, separated as its format needs.
pub fn stream(artifacts: &[Artifact]) -> String {
    let mut out = String::new();
    for (i, a) in artifacts.iter().enumerate() {
        if i > 0 || a.path.ends_with(".yaml") {
            out.push_str("---\n");
        }
        out.push_str(&a.content);
    }
    out
}
