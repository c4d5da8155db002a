//! `crossplane` (any kind): a claim, or a namespaced composite resource, of the platform
//! team's own API (`api_version`, `kind`, `spec` passed through), named `<service>-<binding>`.
//! Its connection Secret gives the outputs through the entry's `keys`: a v1 claim is asked
//! to write it with `spec.writeConnectionSecretToRef.name: <service>-<binding>`; a v2
//! namespaced XR has no such member (its composition writes the Secret), so the profile names
//! the Secret with `secret` and nothing is asked. When the target names the CRD of the
//! kind (`k8s.crds`), the claim is validated against it when the profile is resolved
//! (`bindings::choose`, `crate::crd`).

use super::{BuildCx, Built, Problem, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::BindingObject;
use crate::diagnostics::codes;
use serde_json::json;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "crossplane",
    summary: "A claim or namespaced composite resource of the platform's own API (any kind): `api_version`, `kind` and `spec` passed through, named `<service_id>-<binding>`. Without `secret` the claim gets `spec.writeConnectionSecretToRef.name: <service_id>-<binding>` and the outputs come from that Secret; with `secret` (a v2 XR, whose composition writes the Secret) from the Secret it names. `keys` maps outputs to the Secret's keys (without `keys`, every key). When the target's `k8s.crds` names the CRD of the kind, the claim is validated against its version's openAPIV3Schema (XT254..XT256); otherwise it is passed through unvalidated.",
    kinds: &[],
    params: &[
        Param { name: "api_version", ty: ParamType::Text, required: true, default: None, description: "the platform API's group/version, e.g. platform.example.org/v1alpha1" },
        Param { name: "kind", ty: ParamType::Text, required: true, default: None, description: "the claim's (or namespaced XR's) kind, e.g. PostgreSQLInstance" },
        Param { name: "spec", ty: ParamType::Object, required: true, default: None, description: "the resource's spec, passed through (without writeConnectionSecretToRef, which x07-topo sets)" },
    ],
    members: &["secret", "keys", "config"],
    build,
};

/// `group/version` with a DNS subdomain group (a platform API always has a group).
fn is_api_version(s: &str) -> bool {
    let Some((group, version)) = s.split_once('/') else { return false };
    group.contains('.') && crate::bindings::params::is_object_name(group) && crate::bindings::params::is_dns_label(version)
}

/// A Kubernetes kind: an upper-case letter, then letters and digits.
fn is_kind(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 63 && chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

fn build(cx: &BuildCx<'_>) -> Built {
    let api_version = cx.params.text("api_version").unwrap_or_default();
    let kind = cx.params.text("kind").unwrap_or_default();
    let mut b = Built::default();
    let bad = |member: &'static str, what: &str, value: &str| Problem {
        code: &codes::PROVIDER_PARAM_TYPE,
        member: vec!["params", member],
        message: format!("param `{member}` of provider `crossplane` must be {what}, but \"{}\" is not", value.escape_debug()),
        hint: "name the platform API's claim kind and group/version as its CRD does (`kubectl api-resources`)".to_string(),
    };
    if !is_api_version(api_version) {
        b.problems.push(bad("api_version", "a group/version such as platform.example.org/v1alpha1", api_version));
    }
    if !is_kind(kind) {
        b.problems.push(bad("kind", "a kind such as PostgreSQLInstance", kind));
    }
    let mut spec = cx.params.object("spec").cloned().unwrap_or_default();
    if spec.contains_key("writeConnectionSecretToRef") {
        b.problems.push(Problem {
            code: &codes::PROVIDER_MEMBER_UNUSED,
            member: vec!["params", "spec", "writeConnectionSecretToRef"],
            message: format!("binding `{}`: x07-topo sets `writeConnectionSecretToRef` itself (to `{}`)", cx.binding.name, cx.object_name()),
            hint: "remove it; to read a Secret the composition writes, name it with the entry's `secret`".to_string(),
        });
    }
    if !b.problems.is_empty() {
        return b;
    }
    let secret = match &cx.entry.secret {
        Some(named) => named.clone(),
        None => {
            spec.insert("writeConnectionSecretToRef".to_string(), json!({ "name": cx.object_name() }));
            cx.object_name()
        }
    };
    b.objects.push(BindingObject::new(api_version, kind, &cx.object_name(), serde_json::Value::Object(spec)));
    b.secret = Some(secret.clone());
    super::secret::outputs_from_secret(cx, &secret, &mut b);
    b
}
