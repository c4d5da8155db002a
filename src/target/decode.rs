//! JSON tree → [`TargetDescription`].

use super::*;
use crate::decode::Decoder;
use crate::diagnostics::codes;
use crate::json::{Node, Pointer};

pub fn decode(d: &mut Decoder<'_>) -> Option<TargetDescription> {
    let root = d.doc.root()?;
    let at = Pointer::root();
    let mut f = d.fields(root, &at)?;
    d.editor_schema(&mut f);
    let schema_version = d.required(&mut f, "schema_version", |d, n, at| crate::manifest::decode_schema_version(d, n, at, SCHEMA_VERSION));
    let name = d.required(&mut f, "name", Decoder::text);
    let target_kind: Option<TargetKind> = d.required(&mut f, "target_kind", Decoder::vocab);
    let notes = d.optional(&mut f, "notes", Decoder::string);
    let k8s = d.optional(&mut f, "k8s", k8s);
    let wasmcloud = d.optional(&mut f, "wasmcloud", wasmcloud);
    let hosted = d.optional(&mut f, "hosted", hosted);
    let bindings = d.optional(&mut f, "bindings", |d, n, at| d.map(n, at, crate::profile::decode_binding_config));
    d.finish(f);
    let kind = target_kind?;
    // Only the section of the description's own kind means anything.
    for (section, present, own) in [
        ("k8s", matches!(k8s, Some(Some(_))), TargetKind::K8s),
        ("wasmcloud", matches!(wasmcloud, Some(Some(_))), TargetKind::Wasmcloud),
        ("hosted", matches!(hosted, Some(Some(_))), TargetKind::Hosted),
    ] {
        if present && own != kind {
            d.report(
                &codes::TARGET_KIND_MISMATCH,
                &at.key(section),
                format!("a `{kind}` target description has a `{section}` section"),
                format!("move these settings to a {section} target description, or remove the section"),
            );
        }
    }
    let mut k8s = k8s?;
    if kind == TargetKind::K8s && k8s.is_none() {
        k8s = Some(K8sSettings::default());
    }
    let mut hosted = hosted?;
    if kind == TargetKind::Hosted && hosted.is_none() {
        hosted = Some(HostedSettings::default());
    }
    Some(TargetDescription {
        schema_version: schema_version?,
        name: name?,
        target_kind: kind,
        notes: notes?,
        k8s,
        wasmcloud: wasmcloud?,
        hosted,
        bindings: bindings?.unwrap_or_default(),
    })
}

fn k8s<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<K8sSettings> {
    let defaults = K8sSettings::default();
    let mut f = d.fields(n, at)?;
    let namespace = d.optional(&mut f, "namespace", dns_label);
    let keda = d.optional(&mut f, "keda", Decoder::boolean);
    let argo_rollouts = d.optional(&mut f, "argo_rollouts", Decoder::boolean);
    let wasm_runtime_class = d.optional(&mut f, "wasm_runtime_class", Decoder::text);
    let default_port = d.optional(&mut f, "default_port", |d, n, at| d.u32_in(n, at, 1, 65535).map(|p| p as u16));
    let default_resources = d.optional(&mut f, "default_resources", resources);
    let ingress = d.optional(&mut f, "ingress", ingress);
    let gateway = d.optional(&mut f, "gateway", gateway);
    let network_policies = d.optional(&mut f, "network_policies", Decoder::boolean);
    let ingress_namespace = d.optional(&mut f, "ingress_namespace", dns_label);
    let api_server_cidrs = d.optional(&mut f, "api_server_cidrs", |d, n, at| d.array(n, at, crate::profile::decode_cidr));
    let crds = d.optional(&mut f, "crds", |d, n, at| {
        let list = d.array(n, at, crd_ref)?;
        if list.len() > MAX_CRDS {
            d.report(&codes::CRD_UNUSABLE, at, format!("the target names {} CRD files, more than the {MAX_CRDS} x07-topo reads", list.len()), "name only the CRDs of the kinds the service's crossplane bindings use");
            return None;
        }
        Some(list)
    });
    d.finish(f);
    Some(K8sSettings {
        namespace: namespace?,
        keda: keda?.unwrap_or(defaults.keda),
        argo_rollouts: argo_rollouts?.unwrap_or(defaults.argo_rollouts),
        wasm_runtime_class: wasm_runtime_class?,
        default_port: default_port?.unwrap_or(defaults.default_port),
        default_resources: default_resources?.unwrap_or_default(),
        ingress: ingress?,
        gateway: gateway?,
        network_policies: network_policies?.unwrap_or(defaults.network_policies),
        ingress_namespace: ingress_namespace?,
        api_server_cidrs: api_server_cidrs?.unwrap_or_default(),
        crds: crds?.unwrap_or_default(),
    })
}

/// The most CRD files one target names (each is read and parsed on every run).
pub const MAX_CRDS: usize = 64;

fn crd_ref<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<CrdRef> {
    let mut f = d.fields(n, at)?;
    let path = d.required(&mut f, "path", Decoder::text);
    d.finish(f);
    Some(CrdRef { path: path?, loaded: None })
}

/// A namespace or other DNS-1123 label, as Kubernetes requires it.
pub fn dns_label<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.text(n, at)?;
    if !crate::checks::names::is_dns1123_label(&s) {
        d.report(
            &codes::UNKNOWN_VALUE,
            at,
            format!("`{}` is not a DNS-1123 label", crate::diagnostics::echo(&s)),
            "use at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit",
        );
        return None;
    }
    Some(s)
}

/// Requests and limits; each must be a Kubernetes quantity.
pub fn resources<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Resources> {
    let mut f = d.fields(n, at)?;
    let cpu = d.optional(&mut f, "cpu", quantity);
    let memory = d.optional(&mut f, "memory", quantity);
    let cpu_limit = d.optional(&mut f, "cpu_limit", quantity);
    let memory_limit = d.optional(&mut f, "memory_limit", quantity);
    d.finish(f);
    Some(Resources { cpu: cpu?, memory: memory?, cpu_limit: cpu_limit?, memory_limit: memory_limit? })
}

fn quantity<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.string(n, at)?;
    match crate::checks::quantity::parse_quantity(&s) {
        Ok(_) => Some(s),
        Err(why) => {
            d.report(&codes::INVALID_QUANTITY, at, why, "write a quantity such as \"250m\" or \"0.5\" (cpu) or \"256Mi\" (memory)");
            None
        }
    }
}

fn ingress<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<IngressSettings> {
    let mut f = d.fields(n, at)?;
    let class_name = d.required(&mut f, "class_name", Decoder::text);
    let host = d.required(&mut f, "host", Decoder::text);
    let tls_secret = d.optional(&mut f, "tls_secret", dns_label);
    d.finish(f);
    Some(IngressSettings { class_name: class_name?, host: host?, tls_secret: tls_secret? })
}

fn gateway<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<GatewaySettings> {
    let mut f = d.fields(n, at)?;
    let name = d.required(&mut f, "name", Decoder::text);
    let namespace = d.optional(&mut f, "namespace", dns_label);
    let hostnames = d.optional(&mut f, "hostnames", |d, n, at| d.array(n, at, Decoder::text));
    d.finish(f);
    Some(GatewaySettings { name: name?, namespace: namespace?, hostnames: hostnames?.unwrap_or_default() })
}

fn wasmcloud<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<WasmcloudSettings> {
    super::wasmcloud::decode_settings(d, n, at)
}

fn hosted<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<HostedSettings> {
    let defaults = HostedSettings::default();
    let mut f = d.fields(n, at)?;
    let platform = d.optional(&mut f, "platform", Decoder::text);
    let managed_providers = d.optional(&mut f, "managed_providers", Decoder::kind_map::<BindingKind>);
    let external_provider = d.optional(&mut f, "external_provider", Decoder::text);
    let secrets_provider = d.optional(&mut f, "secrets_provider", Decoder::text);
    d.finish(f);
    Some(HostedSettings {
        platform: platform?.unwrap_or(defaults.platform),
        managed_providers: managed_providers?.unwrap_or(defaults.managed_providers),
        external_provider: external_provider?.unwrap_or(defaults.external_provider),
        secrets_provider: secrets_provider?.unwrap_or(defaults.secrets_provider),
    })
}

