//! What one deployable becomes on wasmCloud, before it is written as a wadm Application or
//! a WorkloadDeployment: its components, the providers they link to, configuration and
//! secret references.

use crate::checks::names::{object_name, sanitize_dns1123};
use crate::manifest::{BindingKind, IngressKind, RuntimeClass};
use crate::plan::{CellRole, Deployable, Plan, PlannedCell, Scaling};
use crate::target::{Catalog, LinkDirection, Provider, WasmcloudSettings};
use std::collections::BTreeMap;

/// wadm application names: `^[-\w]+$`; we keep DNS-1123 so they also name Kubernetes objects.
pub const MAX_APP_NAME: usize = 63;

pub struct App<'p> {
    /// `<service_id>-<deployable>`.
    pub name: String,
    pub deployable: &'p Deployable,
    /// Instances of each component (spreadscaler) or replicas of the workload.
    pub instances: u32,
    pub components: Vec<Component>,
}

pub struct Component {
    /// The cell key, sanitised.
    pub name: String,
    /// The X07 workload contract and the profile's plain env, read with `wasi:config/runtime`.
    pub config: BTreeMap<String, String>,
    /// Secret-kind bindings: read with `wasmcloud:secrets/store`.
    pub secrets: Vec<SecretRef>,
    /// wasmCloud 2.x: keys a host plugin reads from the component's own config
    /// (`localResources.config`), such as an event cell's subscriptions.
    pub host_config: BTreeMap<String, String>,
    /// What calls the component: the http server, a messaging handler, a schedule provider.
    pub incoming: Option<Link>,
    /// The bindings it calls through providers.
    pub outgoing: Vec<Link>,
}

pub use crate::plan::wasmcloud_links::SecretRef;
use crate::plan::wasmcloud_links::{component_secrets, resolve, SecretStyle};

/// A link between a component and a provider, over one WIT package.
pub struct Link {
    /// The catalog's provider name (the capability's name in the application).
    pub provider: String,
    pub image: String,
    pub direction: LinkDirection,
    pub namespace: String,
    pub package: String,
    pub interfaces: Vec<String>,
    /// The binding it materialises, if any.
    pub binding: Option<String>,
    /// A suffix that tells this link's config apart: the binding or the ingress kind.
    pub tag: String,
    /// Link name, when the default would be ambiguous.
    pub name: Option<String>,
    /// Named config for the provider's side of the link.
    pub config: BTreeMap<String, String>,
    pub secrets: Vec<SecretRef>,
}

impl Link {
    /// A link to the catalog's provider `name`, with its WIT coordinates, for no binding.
    fn to(name: &str, provider: &Provider, tag: String, config: BTreeMap<String, String>) -> Link {
        Link {
            provider: name.to_string(),
            image: provider.image.clone(),
            direction: provider.direction,
            namespace: provider.namespace.clone(),
            package: provider.package.clone(),
            interfaces: provider.interfaces.clone(),
            binding: None,
            tag,
            name: None,
            config,
            secrets: Vec::new(),
        }
    }
}

pub fn settings(plan: &Plan) -> WasmcloudSettings {
    plan.target
        .wasmcloud
        .clone()
        .unwrap_or_else(|| WasmcloudSettings {
            lattice: "default".to_string(),
            variant: crate::target::WasmcloudVariant::Wadm,
            secrets_backend: "nats-kv".to_string(),
            http_listen_host: "0.0.0.0".to_string(),
            namespace: None,
            host_group: None,
            http_domain: "localhost.direct".to_string(),
            catalog: Catalog::default(),
        })
}

/// The application of one deployable; `None` when it runs no wasm component.
pub fn app<'p>(plan: &'p Plan, settings: &WasmcloudSettings, d: &'p Deployable) -> Option<App<'p>> {
    let cells = d
        .cells
        .iter()
        .filter(|c| c.role != CellRole::Embedded && c.runtime_class == RuntimeClass::WasmComponent);
    let components: Vec<Component> = cells.map(|c| component(plan, settings, c)).collect();
    if components.is_empty() {
        return None;
    }
    let instances = match &d.scaling {
        Scaling::Fixed { replicas, .. } => *replicas,
        Scaling::Autoscaled(a) => a.min_replicas,
    }
    .max(1);
    let mut app = App {
        name: object_name(&[&plan.service_id, &d.key], MAX_APP_NAME),
        deployable: d,
        instances,
        components,
    };
    name_ambiguous_links(&mut app);
    Some(app)
}

fn component(plan: &Plan, settings: &WasmcloudSettings, c: &PlannedCell) -> Component {
    let catalog = &settings.catalog;
    let style = SecretStyle::of(settings);
    let mut secrets = Vec::new();
    let mut outgoing = Vec::new();
    let mut incoming = None;
    let mut host_config = BTreeMap::new();
    for b in c.binding_refs.iter().filter_map(|r| plan.binding(r)) {
        if b.kind == BindingKind::Secret {
            secrets.extend(component_secrets(b, style));
            continue;
        }
        let Some((name, provider)) = catalog.for_binding(b.kind, b.provider.as_deref()) else {
            continue;
        }; // otlp: reported
        let event = c.event.as_ref().filter(|e| e.binding_ref == b.name);
        // The provider's contract (wadm) or its host plugin's (WorkloadDeployments; none:
        // no config, XT514). Problems were reported when the Plan was made
        // (wasmcloud_links::check).
        let keys = provider.contract_for(settings.variant).map(|c| resolve(name, &c, b, style, event).0).unwrap_or_default();
        host_config.extend(keys.component.config);
        let link = |config, secrets| Link {
            binding: Some(b.name.clone()),
            secrets,
            ..Link::to(name, provider, sanitize_dns1123(&b.name), config)
        };
        if let (Some(_), Some(handler)) = (event, provider.handler.as_ref()) {
            // The provider calls the component over its handler interfaces, with the keys
            // it reads as the source of that link (none for messaging-kafka).
            incoming = Some(Link {
                interfaces: handler.interfaces.clone(),
                direction: LinkDirection::Export,
                tag: "event".to_string(),
                ..link(keys.source.config, keys.source.secrets)
            });
        }
        outgoing.push(link(keys.target.config, keys.target.secrets));
    }
    if c.event.is_none() {
        incoming = ingress(settings, c);
    }
    Component {
        name: sanitize_dns1123(&c.key),
        config: contract(plan, c),
        secrets,
        host_config,
        incoming,
        outgoing,
    }
}

/// The link that calls a component that is not an event consumer: http and mcp through the
/// http server (listen address), schedules and workflows through whatever the catalog names.
fn ingress(settings: &WasmcloudSettings, c: &PlannedCell) -> Option<Link> {
    let (name, provider) = settings.catalog.for_ingress(c.ingress)?;
    let mut config = BTreeMap::new();
    if let Some(port) = c
        .port
        .filter(|_| matches!(c.ingress, IngressKind::Http | IngressKind::Mcp))
    {
        config.insert(
            provider.config_key("address"),
            format!("{}:{port}", settings.http_listen_host),
        );
    }
    if let Some(s) = &c.schedule {
        config.insert(provider.config_key("cron"), s.cron.clone());
        if let Some(tz) = &s.timezone {
            config.insert(provider.config_key("timezone"), tz.clone());
        }
    }
    Some(Link::to(name, provider, c.ingress.as_str().to_string(), config))
}

/// The X07 workload contract (SPEC §4's variables that do not depend on Kubernetes), the
/// non-secret config of the cell's bindings as `X07_BINDING_<NAME>_<KEY>`, and the profile's env.
fn contract(plan: &Plan, c: &PlannedCell) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), v);
    };
    put("X07_ENTRY_SYMBOL", c.entry_symbol.clone());
    put("X07_WORKLOAD_CELL_KEY", c.key.clone());
    put("X07_WORKLOAD_CELL_KIND", c.kind.as_str().to_string());
    put("X07_WORKLOAD_INGRESS_KIND", c.ingress.as_str().to_string());
    put(
        "X07_WORKLOAD_RUNTIME_CLASS",
        c.runtime_class.as_str().to_string(),
    );
    put(
        "X07_WORKLOAD_SCALE_CLASS",
        c.scale_class.as_str().to_string(),
    );
    put("X07_WORKLOAD_TOPOLOGY_GROUP", c.topology_group.clone());
    if let Some(e) = &c.event {
        put("X07_EVENT_BINDING_REF", e.binding_ref.clone());
        put("X07_EVENT_TOPIC", e.topic.clone());
        put("X07_EVENT_CONSUMER_GROUP", e.consumer_group.clone());
    }
    if let Some(s) = &c.schedule {
        put("X07_SCHEDULE_CRON", s.cron.clone());
        if let Some(tz) = &s.timezone {
            put("X07_SCHEDULE_TIMEZONE", tz.clone());
        }
    }
    put("OTEL_SERVICE_NAME", plan.service_id.clone());
    put(
        "OTEL_RESOURCE_ATTRIBUTES",
        format!(
            "service.name={},service.namespace={},deployment.environment={},x07.cell_key={},x07.topology_group={}",
            plan.service_id, plan.domain_pack, plan.environment, c.key, c.topology_group
        ),
    );
    for b in c.binding_refs.iter().filter_map(|r| plan.binding(r)) {
        for (k, v) in &b.config {
            put(&format!("{}{}", b.env_prefix, k.to_ascii_uppercase()), v.clone());
        }
    }
    for (k, v) in c.env.iter() {
        put(k, v.clone());
    }
    m
}

/// Links are keyed by (source, namespace, package, name): two links of one source over the
/// same package need names. A component's outgoing links are then named after their
/// binding; a provider's links to several components after the component.
fn name_ambiguous_links(app: &mut App<'_>) {
    for c in &mut app.components {
        let mut count: BTreeMap<(String, String), usize> = BTreeMap::new();
        for l in c
            .outgoing
            .iter()
            .filter(|l| l.direction == LinkDirection::Import)
        {
            *count
                .entry((l.namespace.clone(), l.package.clone()))
                .or_default() += 1;
        }
        for l in c
            .outgoing
            .iter_mut()
            .filter(|l| l.direction == LinkDirection::Import)
        {
            if count[&(l.namespace.clone(), l.package.clone())] > 1 {
                l.name = Some(l.tag.clone());
            }
        }
    }
    let mut from_provider: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for l in app
        .components
        .iter()
        .flat_map(|c| c.links())
        .filter(|l| l.direction == LinkDirection::Export)
    {
        *from_provider
            .entry((l.provider.clone(), l.namespace.clone(), l.package.clone()))
            .or_default() += 1;
    }
    for c in &mut app.components {
        let name = c.name.clone();
        for l in c
            .links_mut()
            .filter(|l| l.direction == LinkDirection::Export)
        {
            if from_provider[&(l.provider.clone(), l.namespace.clone(), l.package.clone())] > 1 {
                l.name = Some(name.clone());
            }
        }
    }
}

impl Component {
    pub fn links(&self) -> impl Iterator<Item = &Link> {
        self.incoming.iter().chain(self.outgoing.iter())
    }

    fn links_mut(&mut self) -> impl Iterator<Item = &mut Link> {
        self.incoming.iter_mut().chain(self.outgoing.iter_mut())
    }
}

impl App<'_> {
    /// Every provider the application links to, by catalog name, with its image.
    pub fn providers(&self) -> BTreeMap<&str, &str> {
        self.components
            .iter()
            .flat_map(|c| c.links())
            .map(|l| (l.provider.as_str(), l.image.as_str()))
            .collect()
    }

    /// Whether any component or link refers to a secret.
    pub fn uses_secrets(&self) -> bool {
        self.components
            .iter()
            .any(|c| !c.secrets.is_empty() || c.links().any(|l| !l.secrets.is_empty()))
    }

    /// A config name unique in the lattice: `<app>-<component>-<tag>`.
    pub fn config_name(&self, component: &str, tag: &str) -> String {
        object_name(&[&self.name, component, tag], 253)
    }
}
