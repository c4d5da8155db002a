//! Choosing each binding's rule and provider when a profile is resolved: rules parsed and
//! ranked, providers looked up, params checked, every problem at its pointer in the profile
//! or target file.

use super::params::{self, ParamValues};
use super::providers::{self, ProviderDef};
use super::rules::{rank, Pattern, Tier, KIND_PREFIX};
use super::{outputs, ResolvedBy, DEFAULT_RULE};
use crate::decode::Decoder;
use crate::diagnostics::{codes, Diagnostic};
use crate::document::Document;
use crate::json::Pointer;
use crate::manifest::{BindingKind, Manifest, ResourceBinding, TargetKind};
use crate::profile::{BindingConfig, Profile, ProfileOrigin};
use crate::suggest::did_you_mean;
use std::collections::BTreeMap;

/// The rule that resolves one binding, and what it says.
#[derive(Debug, Clone)]
pub struct Choice {
    pub resolved_by: ResolvedBy,
    /// `None` for the built-in default.
    pub tier: Option<Tier>,
    /// The entry's pointer in its file (`/bindings/<key>`).
    pub pointer: Pointer,
    pub entry: BindingConfig,
    /// Kubernetes: the built-in provider and its checked params.
    pub provider: Option<&'static ProviderDef>,
    pub params: ParamValues,
    /// `crossplane`: what its claim was validated against, or why it was not (for `explain`).
    pub claim_schema: Option<String>,
}

struct Rule<'a> {
    tier: Tier,
    key: &'a str,
    pattern: Pattern,
    entry: &'a BindingConfig,
    doc: &'a Document,
    at: Pointer,
    /// `None` when its provider or params are invalid (reported).
    checked: Option<(Option<&'static ProviderDef>, ParamValues)>,
}

/// The choice for every declared binding that resolves; problems go to `diags`.
pub fn choose(manifest: &Manifest, profile: &Profile, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Choice> {
    let mut rules = Vec::new();
    collect(manifest, profile, Tier::Profile, &profile.bindings, &mut rules, diags);
    collect(manifest, profile, Tier::Target, &profile.target.bindings, &mut rules, diags);

    let mut out = BTreeMap::new();
    for b in manifest.bindings() {
        let matching: Vec<&Rule<'_>> = rules.iter().filter(|r| r.pattern.matches(b)).collect();
        let best = matching.iter().map(|r| rank(r.tier, &r.pattern)).min();
        let winners: Vec<&&Rule<'_>> = matching.iter().filter(|r| Some(rank(r.tier, &r.pattern)) == best).collect();
        if winners.len() > 1 {
            for r in &winners {
                let others: Vec<String> = winners.iter().filter(|o| o.key != r.key).map(|o| format!("`{}`", o.key)).collect();
                diags.push(Diagnostic::at_key(
                    &codes::BINDING_RULE_CONFLICT,
                    r.doc,
                    &r.at,
                    format!("rules `{}` and {} are equally specific and both match binding `{}`", r.key, others.join(", "), b.name),
                    format!("add an exact rule \"{}\" (it outranks globs and kinds), or narrow one of the globs", b.name),
                ));
            }
            continue;
        }
        match winners.first() {
            Some(r) => {
                if let Some(choice) = chosen(manifest, profile, b, r, diags) {
                    out.insert(b.name.clone(), choice);
                }
            }
            None => {
                out.insert(b.name.clone(), default_choice(profile, b));
            }
        }
    }
    for r in rules.iter().filter(|r| r.tier == Tier::Profile && !matches!(r.pattern, Pattern::Exact(_))) {
        if !manifest.bindings().iter().any(|b| r.pattern.matches(b)) {
            diags.push(Diagnostic::at_key(
                &codes::BINDING_RULE_UNMATCHED,
                r.doc,
                &r.at,
                format!("rule `{}` matches no binding of the manifest", r.key),
                format!("the bindings are: {}; remove the rule or fix its pattern", names(manifest)),
            ));
        }
    }
    out
}

fn names(manifest: &Manifest) -> String {
    manifest.bindings().iter().map(|b| b.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn collect<'a>(
    manifest: &Manifest,
    profile: &'a Profile,
    tier: Tier,
    entries: &'a BTreeMap<String, BindingConfig>,
    rules: &mut Vec<Rule<'a>>,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, entry) in entries {
        let at = Pointer::root().key("bindings").key(key);
        // A profile's rule is in the file of the `extends` chain that set it.
        let doc = match tier {
            Tier::Profile => match profile.document_at(&at) {
                Some(doc) => doc,
                None => continue,
            },
            Tier::Target => &profile.target_document,
        };
        let pattern = match Pattern::parse(key) {
            Ok(p) => p,
            Err(word) => {
                let kinds = <BindingKind as crate::decode::Vocab>::NAMES;
                diags.push(Diagnostic::at_key(
                    &codes::UNKNOWN_VALUE,
                    doc,
                    &at,
                    format!("`{key}` names no binding kind: `{word}` is not one"),
                    format!("{}the kinds are: {}", did_you_mean(word.as_str(), kinds.iter().copied()), kinds.iter().map(|k| format!("{KIND_PREFIX}{k}")).collect::<Vec<_>>().join(", ")),
                ));
                continue;
            }
        };
        if let (Tier::Profile, Pattern::Exact(name)) = (tier, &pattern) {
            if manifest.binding(name).is_none() {
                let known: Vec<&str> = manifest.bindings().iter().map(|b| b.name.as_str()).collect();
                diags.push(Diagnostic::at_key(
                    &codes::PROFILE_UNKNOWN_BINDING,
                    doc,
                    &at,
                    format!("bindings configures `{key}`, which the manifest's resource_bindings does not declare"),
                    format!("{}declare it in the manifest, or remove this entry (globs like `db.*` and kinds like `kind:postgres` also work)", did_you_mean(key, known.iter().copied())),
                ));
                continue;
            }
        }
        // A profile's entry is read from the merged tree: its members (params too) may come
        // from different files of the chain, and each problem points into the file that set it.
        let mut d = match (&profile.origin, tier) {
            (ProfileOrigin::File(layered), Tier::Profile) => Decoder::layered(layered),
            _ => Decoder::new(doc),
        };
        let checked = check_entry(&mut d, profile.target_kind, entry, &at);
        diags.append(&mut d.diags);
        rules.push(Rule { tier, key, pattern, entry, doc, at, checked });
    }
}

/// The provider and params of one entry, whatever it matches.
fn check_entry(d: &mut Decoder<'_>, target_kind: TargetKind, entry: &BindingConfig, at: &Pointer) -> Option<(Option<&'static ProviderDef>, ParamValues)> {
    let node = d.doc.root().and_then(|r| r.get(at.as_str()));
    let params_node = node.and_then(|n| n.member("params")).map(|m| &m.value);
    if target_kind != TargetKind::K8s {
        if params_node.is_some() {
            d.report_key(
                &codes::PROVIDER_MEMBER_UNUSED,
                &at.key("params"),
                format!("`params` configure Kubernetes providers; a {target_kind} target has none"),
                format!("remove `params`; {target_kind} providers are named with `provider` alone"),
            );
            return None;
        }
        return Some((None, ParamValues::default()));
    }
    let name = entry.provider.as_deref().unwrap_or(providers::DEFAULT);
    let Some(def) = providers::find(name) else {
        let known: Vec<&str> = providers::ALL.iter().map(|p| p.name).collect();
        d.report(
            &codes::UNKNOWN_PROVIDER,
            &at.key("provider"),
            format!("there is no Kubernetes provider `{name}`"),
            format!("{}the providers are: {} (`x07-topo schema profile` documents each)", did_you_mean(name, known.iter().copied()), known.join(", ")),
        );
        return None;
    };
    let mut ok = true;
    for (member, present) in [("secret", entry.secret.is_some()), ("keys", entry.keys.is_some()), ("config", entry.config.is_some())] {
        if present && !def.members.contains(&member) {
            d.report_key(
                &codes::PROVIDER_MEMBER_UNUSED,
                &at.key(member),
                format!("provider `{name}` does not read `{member}`"),
                format!(
                    "remove `{member}`; `{name}` reads {}{}",
                    if def.members.is_empty() { "only its params".to_string() } else { def.members.join(", ") },
                    MEMBER_INSTEAD.iter().find(|(p, m, _)| *p == name && *m == member).map_or(String::new(), |(_, _, instead)| format!("; {instead}"))
                ),
            );
            ok = false;
        }
    }
    let params = params::check(d, name, def.params, params_node, &at.key("params"), at);
    Some((Some(def), params?)).filter(|_| ok)
}

/// What a provider reads in place of a binding entry member it does not read: (provider,
/// member, what to write instead), for XT237's hint.
const MEMBER_INSTEAD: &[(&str, &str, &str)] = &[(
    "external-secrets",
    "keys",
    "to say which keys to fetch, use `params.properties` (output → property of the external secret, e.g. {\"API_KEY\": \"api_key\"})",
)];

fn chosen(manifest: &Manifest, profile: &Profile, b: &ResourceBinding, r: &Rule<'_>, diags: &mut Vec<Diagnostic>) -> Option<Choice> {
    let (def, params) = r.checked.clone()?;
    if let Some(def) = def {
        if !def.serves(b.kind) {
            let serving: Vec<&str> = providers::ALL.iter().filter(|p| p.serves(b.kind)).map(|p| p.name).collect();
            let at = if r.entry.provider.is_some() { r.at.key("provider") } else { r.at.clone() };
            diags.push(Diagnostic::at(
                &codes::PROVIDER_KIND_MISMATCH,
                r.doc,
                &at,
                format!("provider `{}` serves {} bindings, but rule `{}` gives it binding `{}`, a {} binding", def.name, kinds(def), r.key, b.name, b.kind),
                format!("for {} bindings use one of: {}; or add an exact rule for `{}`", b.kind, serving.join(", "), b.name),
            ));
            return None;
        }
    }
    let mut ok = true;
    for key in r.entry.config.iter().flat_map(|c| c.keys()) {
        let declared_secret = outputs::named(b.kind, key).is_some_and(|o| o.secret);
        if declared_secret || outputs::looks_secret(key) {
            diags.push(Diagnostic::at_key(
                &codes::SECRET_AS_CONFIG,
                r.doc,
                &r.at.key("config").key(key),
                format!("`{key}` of binding `{}` is a credential, and `config` is written in plain text", b.name),
                "put it in the binding's Secret (or external store) and read it with `keys` or a provider; never write a secret value into a profile".to_string(),
            ));
            ok = false;
        }
    }
    let claim_schema = match def {
        Some(def) if def.name == "crossplane" => {
            let (note, valid) = claim(manifest, profile, b, r, &params, diags);
            ok &= valid;
            Some(note)
        }
        _ => None,
    };
    let line = r.doc.root().map(|root| r.doc.source.line_col(root.locate(r.at.as_str(), true)).0);
    let resolved_by = ResolvedBy {
        rule: r.key.to_string(),
        file: Some(r.doc.source.name.clone()),
        pointer: Some(r.at.as_str().to_string()),
        line,
        provider: provider_name(profile, b, r.entry, def),
    };
    ok.then(|| Choice { resolved_by, tier: Some(r.tier), pointer: r.at.clone(), entry: r.entry.clone(), provider: def, params, claim_schema })
}

/// A `crossplane` claim checked against the CRD the target names for its group and kind
/// (`k8s.crds`): what it was checked against (or why not), and whether it passed. Problems
/// are reported at the entry member they come from, in the file that set it.
fn claim(manifest: &Manifest, profile: &Profile, b: &ResourceBinding, r: &Rule<'_>, params: &ParamValues, diags: &mut Vec<Diagnostic>) -> (String, bool) {
    let (Some(api_version), Some(kind)) = (params.text("api_version"), params.text("kind")) else { return (String::new(), true) };
    let crds = profile.target.k8s.iter().flat_map(|k| &k.crds).filter_map(|c| c.loaded.as_deref());
    let Some(crd) = crate::crd::find(crds, api_version, kind) else {
        let group = api_version.split_once('/').map_or(api_version, |(g, _)| g);
        return (format!("not validated: the target names no CRD of {kind}.{group} (k8s.crds)"), true);
    };
    let empty = serde_json::Map::new();
    let name = super::default_secret_name(&manifest.service_id, &b.name);
    let spec = params.object("spec").unwrap_or(&empty);
    let claim = crate::crd::Claim { api_version, kind, spec, name: &name, connection_secret: r.entry.secret.is_none().then_some(name.as_str()) };
    match crate::crd::check_claim(crd, &claim) {
        Ok(note) => (note, true),
        Err(problems) => {
            let mut d = match (&profile.origin, r.tier) {
                (ProfileOrigin::File(layered), Tier::Profile) => Decoder::layered(layered),
                _ => Decoder::new(r.doc),
            };
            for p in problems {
                let code = match p.issue {
                    crate::crd::ClaimIssue::Invalid => &codes::CLAIM_INVALID,
                    crate::crd::ClaimIssue::NotServed => &codes::CLAIM_NOT_SERVED,
                    crate::crd::ClaimIssue::NoConnectionSecret => &codes::CLAIM_NO_CONNECTION_SECRET,
                };
                let at = p.member.iter().fold(r.at.clone(), |at, m| at.key(m));
                d.report(code, &at, format!("profile `{}`: binding `{}`: {}", profile.id, b.name, p.message), p.hint);
            }
            diags.append(&mut d.diags);
            (format!("invalid against {}", crd.file), false)
        }
    }
}

fn kinds(def: &ProviderDef) -> String {
    def.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
}

fn default_choice(profile: &Profile, b: &ResourceBinding) -> Choice {
    let entry = BindingConfig::default();
    let def = (profile.target_kind == TargetKind::K8s).then(|| providers::find(providers::default_for(b.kind))).flatten();
    Choice {
        resolved_by: ResolvedBy { rule: DEFAULT_RULE.to_string(), file: None, pointer: None, line: None, provider: provider_name(profile, b, &entry, def) },
        tier: None,
        pointer: Pointer::root(),
        entry,
        provider: def,
        params: ParamValues::default(),
        claim_schema: None,
    }
}

/// The provider as the target names it: a built-in provider (k8s), the catalog's capability
/// provider (wasmCloud), the platform's provider kind (hosted).
fn provider_name(profile: &Profile, b: &ResourceBinding, entry: &BindingConfig, def: Option<&ProviderDef>) -> String {
    if let Some(def) = def {
        return def.name.to_string();
    }
    match profile.target_kind {
        TargetKind::K8s => providers::DEFAULT.to_string(),
        TargetKind::Wasmcloud => {
            let catalog = profile.target.wasmcloud.as_ref().map(|w| &w.catalog);
            match (b.kind, catalog.and_then(|c| c.for_binding(b.kind, entry.provider.as_deref()))) {
                (_, Some((name, _))) => name.to_string(),
                (BindingKind::Secret, None) => "wadm-secrets".to_string(),
                (BindingKind::Otlp, None) => "host-otlp".to_string(),
                _ => entry.provider.clone().unwrap_or_else(|| super::NO_PROVIDER.to_string()),
            }
        }
        TargetKind::Hosted => {
            let settings = profile.target.hosted.clone().unwrap_or_default();
            let external = entry.secret.is_some() || entry.keys.is_some() || (entry.provider.is_none() && entry.config.as_ref().is_some_and(|c| !c.is_empty()));
            match (&entry.provider, external) {
                (Some(p), _) => p.clone(),
                (None, true) => settings.external_provider.clone(),
                (None, false) => settings.managed_providers.get(&b.kind).cloned().unwrap_or_else(|| super::NO_PROVIDER.to_string()),
            }
        }
    }
}
