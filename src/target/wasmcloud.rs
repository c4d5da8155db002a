//! wasmCloud settings of a target description: the lattice, the output variant, the secrets
//! backend, and the catalog of capability providers per binding kind and ingress kind.
//! Profiles may override parts of the catalog ([`CatalogOverride`]).

use crate::decode::Decoder;
use crate::diagnostics::codes;
use crate::json::{Node, Pointer};
use crate::manifest::{BindingKind, IngressKind};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

pub use super::contract::{HostContract, KeySpec, Keys, LinkSide, SecretUse};

crate::vocabulary! {
    /// What the wasmCloud emitter writes: wadm `core.oam.dev/v1beta1` Applications
    /// (wasmCloud 1.x, `wash app deploy`) or `runtime.wasmcloud.dev/v1alpha1`
    /// WorkloadDeployments (wasmCloud 2.x).
    pub enum WasmcloudVariant as "wasmCloud variant" {
        Wadm = "wadm",
        WorkloadDeployment = "workload-deployment",
    }
}

crate::vocabulary! {
    /// Which side of a link calls the other: `import` (the component calls the provider;
    /// the link goes from the component) or `export` (the provider calls the component).
    pub enum LinkDirection as "link direction" {
        Import = "import",
        Export = "export",
    }
}

/// wasmCloud settings. Every member but `lattice` is optional in the file; omitted
/// members take [`WasmcloudSettings::with_defaults`]'s values.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WasmcloudSettings {
    pub lattice: String,
    /// `wadm` (default) or `workload-deployment` (wasmCloud 2.x).
    pub variant: WasmcloudVariant,
    /// The secrets backend the secret policy of wadm applications names (`nats-kv`: wasmCloud's NATS KV backend).
    pub secrets_backend: String,
    /// The host part of http listen addresses (`<host>:<port>`).
    pub http_listen_host: String,
    /// WorkloadDeployment only: the Kubernetes namespace; none leaves it to `kubectl -n` or kustomize.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// WorkloadDeployment only: the `hostgroup` host selector, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_group: Option<String>,
    /// WorkloadDeployment only: http workloads are served at `<name>.<http_domain>`.
    pub http_domain: String,
    pub catalog: Catalog,
}

/// Capability providers by name, and which one serves each binding kind and ingress kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub providers: BTreeMap<String, Provider>,
    /// Binding kind → provider name.
    pub bindings: BTreeMap<BindingKind, String>,
    /// Ingress kind → provider name.
    pub ingress: BTreeMap<IngressKind, String>,
}

/// One capability provider and the WIT interfaces it links over.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// The provider's OCI image (wadm only; wasmCloud 2.x hosts provide interfaces themselves).
    pub image: String,
    pub namespace: String,
    pub package: String,
    pub interfaces: Vec<String>,
    pub direction: LinkDirection,
    /// Where the contract was read: the provider's source file at the release the image pins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The contract: every key the provider reads, in its exact case, with its link side,
    /// whether it is required, and whether it may or must be a secret.
    pub keys: BTreeMap<String, KeySpec>,
    /// Our setting name → the provider's key (`BOOTSTRAP_SERVERS` → `hosts`), for names that
    /// differ other than in case (a key of `keys` is matched case-insensitively anyway).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config_keys: BTreeMap<String, String>,
    /// Messaging providers: how the provider delivers messages to a component (event ingress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<MessageHandler>,
    /// wasmCloud 2.x (WorkloadDeployments): what the host plugin serving this interface
    /// reads from its `hostInterfaces` entry. Without it the entry gets no config (XT514).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<HostContract>,
}

impl Provider {
    /// The contract's keys with the catalog's renamings.
    pub fn contract(&self) -> Keys<'_> {
        Keys::provider(&self.keys, &self.config_keys, self.handler.as_ref())
    }

    /// The wasmCloud 2.x host plugin's contract, if the catalog declares one.
    pub fn host_contract(&self) -> Option<Keys<'_>> {
        self.host.as_ref().map(Keys::host)
    }

    /// The contract that applies on `variant`: the provider's (wadm) or the host plugin's.
    pub fn contract_for(&self, variant: WasmcloudVariant) -> Option<Keys<'_>> {
        match variant {
            WasmcloudVariant::Wadm => Some(self.contract()),
            WasmcloudVariant::WorkloadDeployment => self.host_contract(),
        }
    }

    /// The provider's name for one of our settings: its exact key when it reads one, else
    /// the setting unchanged.
    pub fn config_key(&self, ours: &str) -> String {
        self.contract().resolve(ours).map_or_else(|| ours.to_string(), |(k, _)| k)
    }
}

/// The link from a messaging provider to the component that handles its messages.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageHandler {
    pub interfaces: Vec<String>,
    /// The key of the topic (or subscription) to consume; the contract says on which link.
    pub topic_key: String,
    /// The key of the consumer group, when the provider reads it as a key of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_group_key: Option<String>,
    /// When the provider reads the group inside the topic key's value: `<topic><sep><group>`
    /// (messaging-nats: `subject|queue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_separator: Option<String>,
}

/// A profile's `wasmcloud` member: replaces or adds catalog entries of its target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogOverride {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub providers: BTreeMap<String, Provider>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bindings: BTreeMap<BindingKind, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ingress: BTreeMap<IngressKind, String>,
}

impl Catalog {
    /// This catalog with the profile's entries replacing its own.
    pub fn overlay(&self, over: &CatalogOverride) -> Catalog {
        let mut out = self.clone();
        out.providers.extend(over.providers.clone());
        out.bindings.extend(over.bindings.clone());
        out.ingress.extend(over.ingress.clone());
        out
    }

    /// The provider a binding of `kind` uses: the one named by the profile's binding entry,
    /// else the catalog's for the kind.
    pub fn for_binding(
        &self,
        kind: BindingKind,
        chosen: Option<&str>,
    ) -> Option<(&str, &Provider)> {
        let name = chosen.or(self.bindings.get(&kind).map(String::as_str))?;
        self.providers
            .get_key_value(name)
            .map(|(n, p)| (n.as_str(), p))
    }

    pub fn for_ingress(&self, kind: IngressKind) -> Option<(&str, &Provider)> {
        let name = self.ingress.get(&kind)?;
        self.providers
            .get_key_value(name)
            .map(|(n, p)| (n.as_str(), p))
    }
}

pub fn decode_settings<'d>(
    d: &mut Decoder<'d>,
    n: &'d Node,
    at: &Pointer,
) -> Option<WasmcloudSettings> {
    let mut f = d.fields(n, at)?;
    let lattice = d.required(&mut f, "lattice", Decoder::text);
    let variant = d.optional(&mut f, "variant", Decoder::vocab);
    let secrets_backend = d.optional(&mut f, "secrets_backend", Decoder::text);
    let http_listen_host = d.optional(&mut f, "http_listen_host", Decoder::text);
    let namespace = d.optional(&mut f, "namespace", super::decode::dns_label);
    let host_group = d.optional(&mut f, "host_group", Decoder::text);
    let http_domain = d.optional(&mut f, "http_domain", Decoder::text);
    let catalog = d.optional(&mut f, "catalog", decode_catalog);
    d.finish(f);
    Some(WasmcloudSettings {
        lattice: lattice?,
        variant: variant?.unwrap_or(WasmcloudVariant::Wadm),
        secrets_backend: secrets_backend?.unwrap_or_else(|| "nats-kv".to_string()),
        http_listen_host: http_listen_host?.unwrap_or_else(|| "0.0.0.0".to_string()),
        namespace: namespace?,
        host_group: host_group?,
        http_domain: http_domain?.unwrap_or_else(|| "localhost.direct".to_string()),
        catalog: catalog?.unwrap_or_default(),
    })
}

fn decode_catalog<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Catalog> {
    let o = decode_override(d, n, at)?;
    let catalog = Catalog {
        providers: o.providers,
        bindings: o.bindings,
        ingress: o.ingress,
    };
    check_references(d, at, &catalog, &catalog);
    Some(catalog)
}

/// A profile's `wasmcloud` member, or a target's `catalog` (the same members).
pub fn decode_override<'d>(
    d: &mut Decoder<'d>,
    n: &'d Node,
    at: &Pointer,
) -> Option<CatalogOverride> {
    let mut f = d.fields(n, at)?;
    let providers = d.optional(&mut f, "providers", |d, n, at| {
        d.map(n, at, decode_provider)
    });
    let bindings = d.optional(&mut f, "bindings", |d, n, at| {
        d.kind_map::<BindingKind>(n, at)
    });
    let ingress = d.optional(&mut f, "ingress", |d, n, at| {
        d.kind_map::<IngressKind>(n, at)
    });
    d.finish(f);
    Some(CatalogOverride {
        providers: providers?.unwrap_or_default(),
        bindings: bindings?.unwrap_or_default(),
        ingress: ingress?.unwrap_or_default(),
    })
}

/// Every provider name in `names` (a catalog or a profile's override) must be a provider of `all`.
pub fn check_references(d: &mut Decoder<'_>, at: &Pointer, names: &Catalog, all: &Catalog) {
    let known: Vec<&str> = all.providers.keys().map(String::as_str).collect();
    let refs = names
        .bindings
        .iter()
        .map(|(k, v)| ("bindings", k.as_str(), v))
        .chain(
            names
                .ingress
                .iter()
                .map(|(k, v)| ("ingress", k.as_str(), v)),
        );
    for (section, kind, provider) in refs {
        if !all.providers.contains_key(provider) {
            d.report(
                &codes::WASMCLOUD_UNKNOWN_PROVIDER,
                &at.key(section).key(kind),
                format!("{section}.{kind} names provider `{provider}`, which the catalog does not define"),
                format!("{}define it under `providers`; the providers are: {}", crate::suggest::did_you_mean(provider, known.iter().copied()), known.join(", ")),
            );
        }
    }
}

fn decode_provider<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Provider> {
    let mut f = d.fields(n, at)?;
    let image = d.required(&mut f, "image", |d, n, at| {
        let s = d.string(n, at)?;
        match crate::checks::image::check_image_reference(&s) {
            Ok(()) => Some(s),
            Err(why) => {
                d.report(
                    &codes::INVALID_IMAGE,
                    at,
                    format!("provider image `{s}`: {why}"),
                    "write an OCI reference such as \"ghcr.io/wasmcloud/http-server:0.27.0\"",
                );
                None
            }
        }
    });
    let namespace = d.required(&mut f, "namespace", wit_name);
    let package = d.required(&mut f, "package", wit_name);
    let interfaces = d.required(&mut f, "interfaces", wit_names);
    let direction = d.required(&mut f, "direction", Decoder::vocab);
    let source = d.optional(&mut f, "source", Decoder::text);
    let keys = d.required(&mut f, "keys", super::contract::decode_keys);
    let config_keys = d.optional(&mut f, "config_keys", |d, n, at| {
        d.map(n, at, Decoder::text)
    });
    let handler = d.optional(&mut f, "handler", decode_handler);
    let host = d.optional(&mut f, "host", super::contract::decode_host);
    d.finish(f);
    let (keys, config_keys) = (keys?, config_keys?.unwrap_or_default());
    super::contract::check_aliases(d, at, &keys, &config_keys);
    for (key, _) in keys.iter().filter(|(_, s)| s.link == LinkSide::Component) {
        d.report(
            &codes::UNKNOWN_VALUE,
            &at.key("keys").key(key).key("link"),
            format!("`{key}`: a capability provider reads link config, never the component's own (`component` is for `host` contracts)"),
            "write `target`, `source` or `both`",
        );
    }
    let handler = handler?;
    if let Some(h) = &handler {
        for key in std::iter::once(&h.topic_key).chain(h.consumer_group_key.as_ref()) {
            if !keys.contains_key(key) {
                d.report(
                    &codes::UNKNOWN_VALUE,
                    &at.key("handler"),
                    format!("the handler's key `{key}` is not one of the provider's `keys`"),
                    "declare it in `keys` with the link side the provider reads it on",
                );
            }
        }
    }
    Some(Provider {
        image: image?,
        namespace: namespace?,
        package: package?,
        interfaces: interfaces?,
        direction: direction?,
        source: source?,
        keys,
        config_keys,
        handler,
        host: host?,
    })
}

pub(super) fn decode_handler<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<MessageHandler> {
    let mut f = d.fields(n, at)?;
    let interfaces = d.required(&mut f, "interfaces", wit_names);
    let topic_key = d.required(&mut f, "topic_key", Decoder::text);
    let consumer_group_key = d.optional(&mut f, "consumer_group_key", Decoder::text);
    let queue_separator = d.optional(&mut f, "queue_separator", Decoder::string);
    d.finish(f);
    let (consumer_group_key, queue_separator) = (consumer_group_key?, queue_separator?);
    if consumer_group_key.is_some() == queue_separator.is_some() {
        d.report(
            &codes::MISSING_FIELD,
            at,
            "a handler says how the provider reads a consumer group: `consumer_group_key` or `queue_separator`, exactly one",
            "kafka-like providers: \"consumer_group_key\": \"consumer_group\"; NATS: \"queue_separator\": \"|\" (subscriptions `subject|queue`)",
        );
        return None;
    }
    Some(MessageHandler {
        interfaces: interfaces?,
        topic_key: topic_key?,
        consumer_group_key,
        queue_separator,
    })
}

/// A WIT namespace, package or interface name: lower-case words joined by `-`.
fn wit_name<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.text(n, at)?;
    let ok = s.split('-').all(|w| {
        !w.is_empty()
            && w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    if !ok {
        d.report(
            &codes::UNKNOWN_VALUE,
            at,
            format!("`{s}` is not a WIT name"),
            "use lower-case words joined by `-`, e.g. \"incoming-handler\"",
        );
        return None;
    }
    Some(s)
}

fn wit_names<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Vec<String>> {
    let names = d.array(n, at, wit_name)?;
    if names.is_empty() {
        d.report(
            &codes::OUT_OF_RANGE,
            at,
            "a link needs at least one interface",
            "list the WIT interfaces, e.g. [\"store\", \"atomics\"]",
        );
        return None;
    }
    Some(names)
}

/// Applies a profile's `wasmcloud` member (at `at` in the profile) to its target: only a
/// wasmcloud target has a catalog, and every provider name must resolve afterwards.
pub fn apply_override(
    d: &mut Decoder<'_>,
    at: &Pointer,
    target: &mut super::TargetDescription,
    over: &CatalogOverride,
) {
    let Some(settings) = target
        .wasmcloud
        .as_mut()
        .filter(|_| target.target_kind == crate::manifest::TargetKind::Wasmcloud)
    else {
        d.report(
            &codes::TARGET_KIND_MISMATCH,
            at,
            format!(
                "a `{}` profile has a `wasmcloud` catalog override",
                target.target_kind
            ),
            "remove the member, or use it in a wasmcloud profile",
        );
        return;
    };
    settings.catalog = settings.catalog.overlay(over);
    let names = Catalog {
        providers: BTreeMap::new(),
        bindings: over.bindings.clone(),
        ingress: over.ingress.clone(),
    };
    check_references(d, at, &names, &settings.catalog);
}
