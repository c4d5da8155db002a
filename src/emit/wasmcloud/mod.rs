//! wasmCloud emitter (SPEC §5): Plan → one wadm Application (wasmCloud 1.x) or one
//! WorkloadDeployment (wasmCloud 2.x) per deployable, as the target's `variant` says.
//! What the catalog cannot express was reported when the Plan was made.

mod model;
mod wadm;
mod workload;

use super::Artifact;
use crate::plan::{Deployable, Plan};
use crate::target::WasmcloudVariant;
use std::collections::BTreeMap;

pub use model::settings;

/// The one wadm Application or WorkloadDeployment of a deployable (`None`: nothing runs),
/// without its text (`PerDeployable::artifacts` writes it).
pub fn artifact(plan: &Plan, settings: &crate::target::WasmcloudSettings, d: &Deployable) -> Option<Artifact> {
    let app = model::app(plan, settings, d)?;
    let (kind, value) = match settings.variant {
        WasmcloudVariant::Wadm => ("Application", wadm::application(plan, settings, &app)),
        WasmcloudVariant::WorkloadDeployment => ("WorkloadDeployment", workload::workload_deployment(plan, settings, &app)),
    };
    let folder = crate::emit::deployable_folder(&d.key);
    Some(Artifact {
        path: format!("{folder}/{}-{}.yaml", kind.to_ascii_lowercase(), app.name),
        deployable: d.key.clone(),
        kind: kind.to_string(),
        name: app.name.clone(),
        content: String::new(),
        value,
        in_stream: true,
    })
}

/// The labels of an application or workload: the same as on Kubernetes objects.
fn labels(plan: &Plan, app: &model::App<'_>) -> BTreeMap<String, String> {
    super::k8s::Names::new(plan, app.deployable).labels()
}
