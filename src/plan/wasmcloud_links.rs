//! wasmCloud links that work on a real host (SPEC §5): a binding's profile entry becomes the
//! keys its capability provider reads, by the provider's contract (`target::contract`): in
//! the provider's exact case, on the link side it reads them, required keys present, secrets
//! named so the target's secrets backend can serve them. On wasmCloud 2.x the same rules
//! apply to the host plugin's contract (the provider's `host`), for the WorkloadDeployment's
//! `hostInterfaces` entries. The emitter builds its links and entries with [`resolve`];
//! [`check`] reports what would not work when the Plan is made.

use super::{CellRole, Deployable, PlannedBinding, PlannedEvent};
use crate::diagnostics::{codes, Code, Diagnostic};
use crate::document::Document;
use crate::json::Pointer;
use crate::manifest::{BindingKind, Manifest, RuntimeClass};
use crate::profile::Profile;
use crate::target::{Keys, LinkSide, SecretUse, WasmcloudSettings, WasmcloudVariant};
use std::collections::BTreeMap;

/// The wasmCloud release whose host plugins the default catalog's `host` contracts were
/// read from.
pub const HOST_RELEASE: &str = "wasmCloud v2.7.0";

/// A secret in the target's secrets backend: `key` is the backend's secret, `field` one of its
/// fields (backends that read fields only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    /// The name the component or provider asks for.
    pub name: String,
    pub key: String,
    pub field: Option<String>,
}

/// How secret references address a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStyle {
    /// wadm with the `nats-kv` backend, which reads `key` (and `version`) and never `field`
    /// (wasmCloud `crates/secrets-nats-kv/src/api.rs`, `get`): one backend key per value,
    /// `<secret>-<field>`.
    PerValue,
    /// wadm with other backends: the secret and its field.
    Field,
    /// WorkloadDeployments: `secretFrom` names a Kubernetes Secret, and the runtime operator
    /// merges all its keys into the entry's config under their own names
    /// (`runtime-operator/internal/controller/runtime/utils.go`, `MaterializeConfigLayer`), so
    /// a value reaches the host as the Secret key it is stored under.
    Merged,
}

impl SecretStyle {
    pub fn of(settings: &WasmcloudSettings) -> SecretStyle {
        match settings.variant {
            WasmcloudVariant::Wadm if settings.secrets_backend == "nats-kv" => SecretStyle::PerValue,
            WasmcloudVariant::Wadm => SecretStyle::Field,
            WasmcloudVariant::WorkloadDeployment => SecretStyle::Merged,
        }
    }

    /// The reference named `name` to field `field` of secret `secret`.
    pub fn reference(self, name: String, secret: &str, field: &str) -> SecretRef {
        match self {
            SecretStyle::PerValue => SecretRef { name, key: format!("{secret}-{field}"), field: None },
            SecretStyle::Field | SecretStyle::Merged => SecretRef { name, key: secret.to_string(), field: Some(field.to_string()) },
        }
    }
}

/// The config and secrets of one side of a link.
#[derive(Debug, Default)]
pub struct Side {
    pub config: BTreeMap<String, String>,
    pub secrets: Vec<SecretRef>,
}

/// A binding's keys per link: `target` for the component→provider link (the provider is its
/// target), `source` for the provider→component link that delivers messages (event cells),
/// `component` for the component's own config (wasmCloud 2.x: `localResources.config`).
#[derive(Debug, Default)]
pub struct LinkKeys {
    pub target: Side,
    pub source: Side,
    pub component: Side,
}

/// Why a link would not work, found by [`resolve`]; `member` is the profile member
/// (`config` or `keys`, and the key as written) the problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static Code,
    pub member: Option<(&'static str, String)>,
    pub message: String,
    pub hint: String,
}

impl LinkKeys {
    fn sides(&mut self, link: LinkSide) -> Vec<&mut Side> {
        match link {
            LinkSide::Target => vec![&mut self.target],
            LinkSide::Source => vec![&mut self.source],
            LinkSide::Both => vec![&mut self.target, &mut self.source],
            LinkSide::Component => vec![&mut self.component],
        }
    }

    fn put(&mut self, link: LinkSide, key: &str, value: &str) {
        for side in self.sides(link) {
            side.config.insert(key.to_string(), value.to_string());
        }
    }

    fn put_secret(&mut self, link: LinkSide, r: SecretRef) {
        for side in self.sides(link) {
            side.secrets.push(r.clone());
        }
    }
}

/// The keys `contract` gets for binding `b` (and, for the cell consuming `b`'s events, the
/// topic and consumer group where it reads them), and what is wrong. `contract` is capability
/// provider `provider_name`'s (wadm links), or its host plugin's (WorkloadDeployment entries).
pub fn resolve(provider_name: &str, contract: &Keys<'_>, b: &PlannedBinding, style: SecretStyle, event: Option<&PlannedEvent>) -> (LinkKeys, Vec<Problem>) {
    let mut out = LinkKeys::default();
    let mut problems = Vec::new();
    let mut given: BTreeMap<String, (&'static str, &str)> = BTreeMap::new();
    // Who reads the keys, and where its contract lives, for messages.
    let (who, subject, more, link_config) = if contract.host {
        (format!("the wasmCloud 2.x host plugin serving `{provider_name}`'s interface"), "the host plugin".to_string(), "a host plugin that reads more declares it in the provider's `host.keys`", "its entry's config")
    } else {
        (format!("capability provider `{provider_name}`"), format!("`{provider_name}`"), "a provider that reads more declares it in the catalog's `keys`", "link config")
    };
    let reads = || {
        let mut r: Vec<String> = contract.keys.keys().filter(|k| !contract.set.contains_key(*k)).map(|k| match contract.profile_name(k) {
            alias if alias != *k => format!("{k} (or {alias})"),
            _ => k.clone(),
        }).collect();
        r.sort();
        r.join(", ")
    };
    let unread = |member: &'static str, key: &str, problems: &mut Vec<Problem>| {
        problems.push(Problem {
            code: &codes::WASMCLOUD_LINK_KEY_UNREAD,
            member: Some((member, key.to_string())),
            message: format!("binding `{}` gives `{key}`, which {who} does not read", b.name),
            hint: if contract.keys.is_empty() {
                format!("remove `{key}`: {subject} reads no {link_config} (declare what it reads in {})", if contract.host { "the provider's `host.keys`" } else { "the catalog's `keys`" })
            } else {
                format!("{}{subject} reads: {} (keys match in any case; {more})", crate::suggest::did_you_mean(key, contract.keys.keys().map(String::as_str)), reads())
            },
        });
    };
    let twice = |member: &'static str, key: &str, theirs: &str, given: &mut BTreeMap<String, (&'static str, &str)>, problems: &mut Vec<Problem>| -> bool {
        let Some((m, first)) = given.get(theirs) else { return false };
        let (message, hint) = if *m == "set" {
            (format!("binding `{}` gives `{key}`, but x07-topo sets `{theirs}: {first}` itself for {who}", b.name), format!("remove `{key}`"))
        } else {
            (format!("binding `{}` gives `{key}` and `{first}` ({m}), which are both `{theirs}` of {who}", b.name), format!("keep one of them: {} reads one `{theirs}`", if contract.host { "the host plugin" } else { "the provider" }))
        };
        problems.push(Problem { code: &codes::WASMCLOUD_KEY_GIVEN_TWICE, member: Some((member, key.to_string())), message, hint });
        true
    };

    for (key, value) in contract.set {
        out.put(contract.keys.get(key).map_or(LinkSide::Target, |s| s.link), key, value);
        given.insert(key.clone(), ("set", value.as_str()));
    }
    for (key, value) in &b.config {
        let Some((theirs, spec)) = contract.resolve(key) else {
            // A declared output of the kind the provider does not read stays in the
            // component's own X07 config (an s3 bucket name); anything else is refused.
            let own = crate::bindings::outputs::of(b.kind).iter().any(|o| !o.secret && o.name.eq_ignore_ascii_case(key));
            if !own {
                unread("config", key, &mut problems);
            }
            continue;
        };
        if twice("config", key, &theirs, &mut given, &mut problems) {
            continue;
        }
        given.insert(theirs.clone(), ("config", key));
        if spec.secret == SecretUse::Must {
            problems.push(Problem {
                code: &codes::WASMCLOUD_KEY_MUST_BE_SECRET,
                member: Some(("config", key.clone())),
                message: format!("binding `{}` gives `{key}` as plain config, but `{theirs}` of {who} holds credentials", b.name),
                hint: format!("move it to the entry's `keys` (`\"{key}\": \"<field>\"` with `secret`), and store the value in the secrets backend"),
            });
            continue;
        }
        out.put(spec.link, &theirs, value);
    }
    for (key, field) in &b.keys {
        let Some((theirs, spec)) = contract.resolve(key) else {
            unread("keys", key, &mut problems);
            continue;
        };
        if twice("keys", key, &theirs, &mut given, &mut problems) {
            continue;
        }
        given.insert(theirs.clone(), ("keys", key));
        if spec.secret == SecretUse::No {
            problems.push(Problem {
                code: &codes::WASMCLOUD_SECRET_NOT_READ,
                member: Some(("keys", key.clone())),
                message: format!("binding `{}` gives `{key}` as a secret, but {who} reads `{theirs}` only from {link_config}: it will use its default instead", b.name),
                hint: format!("give `{key}` under the entry's `config` until {} reads it from secrets", if contract.host { "the host plugin" } else { "the provider" }),
            });
        }
        if style == SecretStyle::Merged && *field != theirs {
            problems.push(Problem {
                code: &codes::WASMCLOUD_SECRET_KEY_NAME,
                member: Some(("keys", key.clone())),
                message: format!(
                    "binding `{}` takes `{key}` from key `{field}` of Secret `{}`, but the runtime operator merges a Secret's keys into the host interface's config under their own names: {who} would get `{field}`, and it reads `{theirs}`",
                    b.name, b.secret
                ),
                hint: format!("store the value under key `{theirs}` of Secret `{}`, and write `\"{key}\": \"{theirs}\"`", b.secret),
            });
            continue;
        }
        out.put_secret(spec.link, style.reference(theirs, &b.secret, field));
    }

    if let (Some(e), Some(h)) = (event, contract.handler) {
        let topic = match &h.queue_separator {
            Some(sep) => format!("{}{sep}{}", e.topic, e.consumer_group),
            None => e.topic.clone(),
        };
        let group = h.consumer_group_key.as_ref().map(|k| (k, e.consumer_group.as_str()));
        for (key, value) in std::iter::once((&h.topic_key, topic.as_str())).chain(group) {
            out.put(contract.keys.get(key).map_or(LinkSide::Source, |s| s.link), key, value);
            given.insert(key.clone(), ("event", ""));
        }
    }

    // A required key nothing gives: from the secrets backend by convention when there is no
    // profile entry (or the entry names a secret and no keys), else an error.
    let by_convention = b.keys.is_empty() && (b.config.is_empty() || b.secret_from_profile);
    for (key, spec) in contract.required() {
        if given.contains_key(key) {
            continue;
        }
        if by_convention && spec.secret != SecretUse::No {
            out.put_secret(spec.link, style.reference(key.clone(), &b.secret, key));
            continue;
        }
        let ours = contract.profile_name(key);
        let why = if spec.secret == SecretUse::No {
            let reader = if contract.host { who.clone() } else { format!("`{provider_name}`") };
            format!("{reader} reads `{key}` only from {}, so the secrets backend cannot give it", if contract.host { "config" } else { "link config" })
        } else {
            "the profile's entry gives config or keys, but not this one".to_string()
        };
        let name = &b.name;
        let stored = match style {
            SecretStyle::Merged => format!("key `{key}` of Secret `{}`", b.secret),
            _ => format!("`{}` from the secrets backend", style.reference(key.clone(), &b.secret, key).key),
        };
        let hint = match spec.secret {
            SecretUse::No => format!("set `bindings.{name}.config.{ours}` in the profile"),
            SecretUse::May => format!("set `bindings.{name}.config.{ours}`, or `bindings.{name}.keys.{ours}` (a field of the entry's `secret`), in the profile; or name only a `secret` (no `keys`) to read {stored}"),
            SecretUse::Must => format!("set `bindings.{name}.keys.{ours}` (a field of the entry's `secret`) in the profile; or name only a `secret` (no `keys`) to read {stored}"),
        };
        problems.push(Problem {
            code: &codes::WASMCLOUD_REQUIRED_KEY_MISSING,
            member: None,
            message: format!("binding `{name}`: {who} requires `{key}`, and nothing gives it: {why}"),
            hint,
        });
    }
    (out, problems)
}

/// Secret-kind bindings, named like the X07 variables (`X07_BINDING_<NAME>_<KEY>`), or the
/// whole secret as `X07_BINDING_<NAME>` when the profile lists no keys.
pub fn component_secrets(b: &PlannedBinding, style: SecretStyle) -> Vec<SecretRef> {
    if b.keys.is_empty() {
        return vec![SecretRef { name: b.env_prefix.trim_end_matches('_').to_string(), key: b.secret.clone(), field: None }];
    }
    b.keys.iter().map(|(suffix, key)| style.reference(format!("{}{}", b.env_prefix, suffix.to_ascii_uppercase()), &b.secret, key)).collect()
}

/// On wasmCloud 2.x a component's `secretFrom` Secret reaches it as environment, each key
/// under its own name (`runtime-operator/.../utils.go`, `MaterializeConfigLayer`), so a
/// `keys` entry works only when its Secret key is the contract variable itself. With no
/// `keys`, the Secret must hold keys of those names (documented, not checkable here).
fn component_secret_names(b: &PlannedBinding) -> Vec<Problem> {
    b.keys
        .iter()
        .filter_map(|(suffix, key)| {
            let wanted = format!("{}{}", b.env_prefix, suffix.to_ascii_uppercase());
            (*key != wanted).then(|| Problem {
                code: &codes::WASMCLOUD_COMPONENT_SECRET_NAME,
                member: Some(("keys", suffix.clone())),
                message: format!(
                    "binding `{}` takes `{suffix}` from key `{key}` of Secret `{}`, but on wasmCloud 2.x the runtime operator hands a component's Secret keys over under their own names: the component would get `{key}`, and it reads `{wanted}`",
                    b.name, b.secret
                ),
                hint: format!("store the value under key `{wanted}` of Secret `{}`, and write `\"{suffix}\": \"{wanted}\"`", b.secret),
            })
        })
        .collect()
}

/// wadm names the secret config of a reference `SECRET_<app>-<name>`, its name lower-cased
/// with every character but ASCII letters and digits replaced by `_`
/// (`crates/wadm/src/scaler/convert.rs`, `compute_secret_id`).
pub fn wadm_secret_id(name: &str) -> String {
    name.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// The diagnostics of the links (wadm) or host interfaces (WorkloadDeployments) of a
/// wasmCloud target's deployables: every problem [`resolve`] finds, a provider with no host
/// contract on wasmCloud 2.x, and two secret references of one wadm application that wadm
/// would store under one name.
pub fn check(manifest: &Manifest, doc: &Document, profile: &Profile, deployables: &[Deployable], bindings: &[PlannedBinding]) -> Vec<Diagnostic> {
    let Some(settings) = profile.target.wasmcloud.as_ref().filter(|_| profile.target_kind == crate::manifest::TargetKind::Wasmcloud) else {
        return Vec::new();
    };
    let style = SecretStyle::of(settings);
    let by_name: BTreeMap<&str, &PlannedBinding> = bindings.iter().map(|b| (b.name.as_str(), b)).collect();
    let mut diags = Vec::new();
    let mut seen: std::collections::BTreeSet<(String, &'static str, String)> = std::collections::BTreeSet::new();
    for d in deployables {
        // wadm's secret id → the reference and the binding that made it.
        let mut ids: BTreeMap<String, (SecretRef, &str)> = BTreeMap::new();
        let cells = d.cells.iter().filter(|c| c.role != CellRole::Embedded && c.runtime_class == RuntimeClass::WasmComponent);
        for c in cells {
            for b in c.binding_refs.iter().filter_map(|r| by_name.get(r.as_str()).copied()) {
                let refs = if b.kind == BindingKind::Secret {
                    if settings.variant == WasmcloudVariant::WorkloadDeployment {
                        for p in component_secret_names(b) {
                            if seen.insert((b.name.clone(), p.code.id, p.message.clone())) {
                                diags.push(diagnostic(manifest, doc, profile, &b.name, p));
                            }
                        }
                    }
                    component_secrets(b, style)
                } else {
                    let Some((name, provider)) = settings.catalog.for_binding(b.kind, b.provider.as_deref()) else { continue };
                    let event = c.event.as_ref().filter(|e| e.binding_ref == b.name);
                    let Some(contract) = provider.contract_for(settings.variant) else {
                        let p = Problem {
                            code: &codes::WASMCLOUD_NO_HOST_CONTRACT,
                            member: None,
                            message: format!(
                                "binding `{}`: capability provider `{name}` declares no wasmCloud 2.x host contract, so its `{}:{}` host interface gets none of the profile's config or secrets",
                                b.name, provider.namespace, provider.package
                            ),
                            hint: format!("the host needs a plugin that serves `{}:{}` for `{name}` ({HOST_RELEASE}'s own host has none for Kafka or S3): declare what it reads under `providers.{name}.host` of the target's catalog (or the profile's `wasmcloud`), or choose a provider with a `host` contract with the binding's `provider`", provider.namespace, provider.package),
                        };
                        if seen.insert((b.name.clone(), p.code.id, p.message.clone())) {
                            diags.push(diagnostic(manifest, doc, profile, &b.name, p));
                        }
                        continue;
                    };
                    let (keys, problems) = resolve(name, &contract, b, style, event);
                    for p in problems {
                        if seen.insert((b.name.clone(), p.code.id, p.message.clone())) {
                            diags.push(diagnostic(manifest, doc, profile, &b.name, p));
                        }
                    }
                    keys.target.secrets.into_iter().chain(keys.source.secrets).collect()
                };
                // Secret names are per application in wadm only.
                for r in refs.into_iter().filter(|_| settings.variant == WasmcloudVariant::Wadm) {
                    let id = wadm_secret_id(&r.name);
                    match ids.get(&id) {
                        Some((first, other)) if (&first.key, &first.field) != (&r.key, &r.field) => {
                            let p = Problem {
                                code: &codes::WASMCLOUD_SECRET_NAME_CONFLICT,
                                member: None,
                                message: format!(
                                    "application `{}-{}`: binding `{}` asks for secret `{}` from `{}`, and binding `{other}` for `{}` from `{}`; wadm stores both as `SECRET_<app>-{id}`, so one overwrites the other",
                                    manifest.service_id, d.key, b.name, r.name, describe(&r), first.name, describe(first)
                                ),
                                hint: format!("wadm gives one application one value per secret name: put the cells using `{other}` and `{}` in different deployables (the profile's `regroup` or placement), or give both the same secret", b.name),
                            };
                            if seen.insert((b.name.clone(), p.code.id, p.message.clone())) {
                                diags.push(diagnostic(manifest, doc, profile, &b.name, p));
                            }
                        }
                        Some(_) => {}
                        None => {
                            ids.insert(id, (r, b.name.as_str()));
                        }
                    }
                }
            }
        }
    }
    diags
}

fn describe(r: &SecretRef) -> String {
    match &r.field {
        Some(f) => format!("{} (field {f})", r.key),
        None => r.key.clone(),
    }
}

/// A problem at the profile member it is about, else at the binding's profile entry, else at
/// the binding in the manifest (no profile entry).
fn diagnostic(manifest: &Manifest, doc: &Document, profile: &Profile, binding: &str, p: Problem) -> Diagnostic {
    let message = format!("profile `{}`: {}", profile.id, p.message);
    if let Some(choice) = profile.resolution.get(binding).filter(|c| c.tier.is_some()) {
        let at = match &p.member {
            Some((member, key)) => choice.pointer.key(member).key(key),
            None => choice.pointer.clone(),
        };
        let in_profile = choice.tier == Some(crate::bindings::rules::Tier::Profile);
        let d = match (in_profile, profile.document_at(&at)) {
            (true, Some(pdoc)) if p.member.is_some() => Diagnostic::at_key(p.code, pdoc, &at, message, p.hint),
            (true, Some(pdoc)) => Diagnostic::at(p.code, pdoc, &at, message, p.hint),
            _ => Diagnostic::at_key(p.code, &profile.target_document, &at, message, p.hint),
        };
        return d;
    }
    let at = Pointer::root().key("resource_bindings").index(manifest.binding_position(binding).unwrap_or(0));
    Diagnostic::at(p.code, doc, &at, message, p.hint)
}
