//! JSON tree → [`ProfileDocument`].

use super::*;
use crate::checks::names;
use crate::decode::Decoder;
use crate::diagnostics::codes;
use crate::json::{Node, Pointer};

/// Decodes what it can: an invalid member is reported and left out, so that resolution
/// still checks the rest (every cell, group and binding the profile names) in the same run.
/// `None` only when the identity of the profile (its schema version, id, target kind or
/// placement) is unusable. The resolver refuses a profile whose decoder reported an error.
pub fn decode(d: &mut Decoder<'_>) -> Option<ProfileDocument> {
    let root = d.doc.root()?;
    let at = Pointer::root();
    let mut f = d.fields(root, &at)?;
    d.editor_schema(&mut f);
    let schema_version = d.required(&mut f, "schema_version", |d, n, at| crate::manifest::decode_schema_version(d, n, at, SCHEMA_VERSION));
    let id = d.required(&mut f, "id", Decoder::text);
    let extends = d.optional(&mut f, "extends", Decoder::text);
    let target_kind = d.optional(&mut f, "target_kind", Decoder::vocab);
    let placement = d.optional(&mut f, "placement", crate::manifest::decode_placement);
    let environment = d.optional(&mut f, "environment", label_value).flatten();
    let namespace = d.optional(&mut f, "namespace", crate::target::decode_dns_label).flatten();
    let network_policies = d.optional(&mut f, "network_policies", Decoder::boolean).flatten();
    let target = d.optional(&mut f, "target", Decoder::text).flatten();
    let notes = d.optional(&mut f, "notes", Decoder::string).flatten();
    let images = d.optional(&mut f, "images", images).flatten();
    let regroup = d.optional(&mut f, "regroup", |d, n, at| d.partial_map(n, at, Decoder::text)).flatten();
    let groups = d.optional(&mut f, "groups", |d, n, at| d.partial_map(n, at, |d, n, at| overrides(d, n, at, true))).flatten();
    let cells = d.optional(&mut f, "cells", |d, n, at| d.partial_map(n, at, |d, n, at| overrides(d, n, at, false))).flatten();
    let bindings = d.optional(&mut f, "bindings", |d, n, at| d.partial_map(n, at, binding_config)).flatten();
    let wasmcloud = d.optional(&mut f, "wasmcloud", crate::target::decode_catalog_override).flatten();
    let lints = d.optional(&mut f, "lints", lints).flatten();
    d.finish(f);
    Some(ProfileDocument {
        schema_version: schema_version?,
        id: id?,
        extends: extends?,
        target_kind: target_kind?,
        placement: placement?,
        environment,
        namespace,
        network_policies,
        target,
        notes,
        images,
        regroup,
        groups,
        cells,
        bindings,
        wasmcloud,
        lints,
    })
}

/// `lints`: `allow` and `deny`, each a list of warning codes, no code in both. Every
/// problem is reported at its item, all in one run. The member merges through `extends`
/// like any object: a nearer file's `allow` or `deny` replaces the inherited list.
fn lints<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<LintsDocument> {
    let mut f = d.fields(n, at)?;
    let allow = d.optional(&mut f, "allow", |d, n, at| d.array(n, at, Decoder::string));
    let deny = d.optional(&mut f, "deny", |d, n, at| d.array(n, at, Decoder::string));
    d.finish(f);
    let mut ok = allow.is_some() && deny.is_some();
    let (allow, deny) = (allow.flatten(), deny.flatten());
    for (key, list) in [("allow", &allow), ("deny", &deny)] {
        for (i, code) in list.iter().flatten().enumerate() {
            ok &= lint_code(d, code, &at.key(key).index(i));
        }
    }
    for (i, code) in deny.iter().flatten().enumerate() {
        let Some(j) = allow.iter().flatten().position(|a| a == code) else { continue };
        ok = false;
        let (allowed_in, denied_in) = (d.file_name_at(&at.key("allow")).to_string(), d.file_name_at(&at.key("deny")).to_string());
        let hint = if allowed_in == denied_in {
            "keep it in one of `allow` and `deny`".to_string()
        } else {
            // Lists replace through `extends`: the nearer file restates the list it changes.
            let nearer = d.file_name_at(&Pointer::root()).to_string();
            let other = if allowed_in == nearer { "deny" } else { "allow" };
            format!("{denied_in} denies it and {allowed_in} allows it; an inherited list is replaced, not merged, so set `\"{other}\"` in {nearer} to the list without {code}")
        };
        d.report(&codes::LINT_CONFLICT, &at.key("deny").index(i), format!("{code} is both denied and allowed (at {})", at.key("allow").index(j)), hint);
    }
    ok.then_some(LintsDocument { allow, deny })
}

/// Whether one code of `lints.allow` or `lints.deny` is a warning of the code table,
/// written exactly; reports it if not.
fn lint_code(d: &mut Decoder<'_>, s: &str, at: &Pointer) -> bool {
    let warnings = codes::ALL.iter().filter(|c| c.acceptable()).map(|c| c.id);
    match codes::by_id(s) {
        None => {
            // Not the whole list: it grows with every warning added; the table has it.
            let hint = format!("{}name a warning code from docs/diagnostics.md (`x07-topo schema profile` enumerates them)", crate::suggest::did_you_mean(s, warnings));
            d.report(&codes::UNKNOWN_LINT, at, format!("`{s}` is not a diagnostic code"), hint);
            false
        }
        Some(c) if !c.acceptable() => {
            d.report(&codes::LINT_NOT_A_WARNING, at, format!("{} ({}) is an error, and errors cannot be allowed or denied", c.id, c.name), "name warning codes only; fix what the error reports instead");
            false
        }
        Some(_) => true,
    }
}

/// The decoded codes of a valid `lints` member.
pub(super) fn lints_of(doc: &LintsDocument) -> crate::diagnostics::lints::Lints {
    let codes_of = |list: &Option<Vec<String>>| list.iter().flatten().filter_map(|id| codes::by_id(id)).collect();
    crate::diagnostics::lints::Lints { allow: codes_of(&doc.allow), deny: codes_of(&doc.deny) }
}

/// A value that becomes a Kubernetes label value: at most 63 characters of letters,
/// digits, `-`, `_` and `.`, beginning and ending with a letter or digit.
fn label_value<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.text(n, at)?;
    let edges_ok = s.starts_with(|c: char| c.is_ascii_alphanumeric()) && s.ends_with(|c: char| c.is_ascii_alphanumeric());
    if s.len() > 63 || !edges_ok || !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        d.report(
            &codes::UNKNOWN_VALUE,
            at,
            format!("`{}` cannot be a Kubernetes label value", crate::diagnostics::echo(&s)),
            "use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
        );
        return None;
    }
    Some(s)
}

fn image<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.string(n, at)?;
    match crate::checks::image::check_image_reference(&s) {
        Ok(()) => Some(s),
        Err(why) => {
            d.report(&codes::INVALID_IMAGE, at, format!("image `{}`: {why}", crate::diagnostics::echo(&s)), "write an OCI reference such as \"ghcr.io/acme/orders:1.4.2\" or \"...@sha256:<64 hex>\"");
            None
        }
    }
}

fn images<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Images> {
    let mut f = d.fields(n, at)?;
    let default = d.optional(&mut f, "default", image).flatten();
    let groups = d.optional(&mut f, "groups", |d, n, at| d.partial_map(n, at, image)).flatten();
    d.finish(f);
    Some(Images { default, groups })
}

/// One entry of `groups` (`group`) or `cells`.
fn overrides<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer, group: bool) -> Option<Overrides> {
    let mut f = d.fields(n, at)?;
    let replicas = d.optional(&mut f, "replicas", |d, n, at| d.u32_in(n, at, 0, i32::MAX as u32)).flatten();
    let autoscaling = d.optional(&mut f, "autoscaling", crate::manifest::decode_autoscaling).flatten();
    let resources = d.optional(&mut f, "resources", crate::target::decode_resources).flatten();
    let port = d.optional(&mut f, "port", |d, n, at| d.u32_in(n, at, 1, 65535).map(|p| p as u16)).flatten();
    let env = d.optional(&mut f, "env", |d, n, at| d.partial_map(n, at, env_value)).flatten().map(std::sync::Arc::new);
    let labels = d.optional(&mut f, "labels", |d, n, at| metadata_map(d, n, at, true)).flatten();
    let annotations = d.optional(&mut f, "annotations", |d, n, at| metadata_map(d, n, at, false)).flatten();
    let service_account = d.optional(&mut f, "service_account", service_account).flatten();
    d.finish(f);
    if !group {
        // A pod (and its ServiceAccount) belongs to the deployable, which co-located cells share.
        for (member, given) in [("labels", labels.is_some()), ("annotations", annotations.is_some()), ("service_account", service_account.is_some())] {
            if given {
                let cell = entry_key(at);
                d.report_key(
                    &codes::IDENTITY_ON_CELL,
                    &at.key(member),
                    format!("`{member}` is set for cell `{}`, but pods and their ServiceAccount belong to a deployable", crate::diagnostics::echo(&cell)),
                    "move it to `groups.<deployable>` (the cell's topology group when co-located, its cell key when split-by-cell, `main` when single)",
                );
            }
        }
        return Some(Overrides { replicas, autoscaling, resources, port, env, labels: None, annotations: None, service_account: None });
    }
    Some(Overrides { replicas, autoscaling, resources, port, env, labels, annotations, service_account })
}

fn service_account<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<ServiceAccountOverrides> {
    let mut f = d.fields(n, at)?;
    let annotations = d.optional(&mut f, "annotations", |d, n, at| metadata_map(d, n, at, false)).flatten();
    d.finish(f);
    Some(ServiceAccountOverrides { annotations })
}

/// Pod labels (`label`) or annotations: keys are qualified names the compiler does not own,
/// label values are label values, and annotations fit the API server's size limit. Every
/// problem is reported at its entry, all in one run; any problem drops the whole map.
fn metadata_map<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer, label: bool) -> Option<BTreeMap<String, String>> {
    use crate::checks::metadata;
    let map = d.map(n, at, Decoder::string)?;
    let what = if label { "label" } else { "annotation" };
    let mut ok = true;
    let mut size = 0usize;
    for (key, value) in &map {
        let entry = at.key(key);
        size += key.len() + value.len();
        if let Some(why) = metadata::qualified_name_problem(key) {
            ok = false;
            d.report_key(
                &codes::INVALID_METADATA_KEY,
                &entry,
                format!("{what} key `{}` is not a Kubernetes qualified name: {why}", crate::diagnostics::echo(key)),
                "write `name` or `prefix/name`: the prefix a DNS-1123 subdomain (e.g. `example.com`), the name 1 to 63 letters, digits, `-`, `_` and `.`",
            );
        } else if metadata::is_compiler_owned(key, label) {
            ok = false;
            d.report_key(
                &codes::RESERVED_METADATA_KEY,
                &entry,
                format!("{what} `{key}` is the compiler's own: selectors, Services and reports depend on it"),
                format!("remove it or use a key of your own prefix (e.g. `example.com/{}`); x07-topo owns every `x07.io` key and `app.kubernetes.io/name`, `component`, `part-of` and `managed-by`", key.rsplit('/').next().unwrap_or(key)),
            );
        }
        if label && !metadata::is_label_value(value) {
            ok = false;
            d.report(
                &codes::INVALID_LABEL_VALUE,
                &entry,
                format!("label `{}` has the value `{}`, which Kubernetes rejects", crate::diagnostics::echo(key), crate::diagnostics::echo(value)),
                "use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (or an empty value)",
            );
        }
    }
    if !label && size > metadata::MAX_ANNOTATIONS_BYTES {
        ok = false;
        d.report(
            &codes::ANNOTATIONS_TOO_LARGE,
            at,
            format!("these annotations take {size} bytes, more than the {} Kubernetes allows on one object", metadata::MAX_ANNOTATIONS_BYTES),
            "keep large data out of annotations (a ConfigMap holds it)",
        );
    }
    ok.then_some(map)
}

/// A plain environment variable: its name (the last pointer token) must be one Kubernetes takes.
fn env_value<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let value = d.string(n, at)?;
    let name = at.as_str().rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
    if !names::is_env_name(&name) {
        d.report_key(&codes::INVALID_ENV_NAME, at, format!("`{}` is not a valid environment variable name", crate::diagnostics::echo(&name)), "use letters, digits and `_`, not starting with a digit");
        return None;
    }
    if crate::bindings::is_compiler_owned(&name) {
        d.report_key(
            &codes::RESERVED_ENV_NAME,
            at,
            format!("`{name}` is a variable x07-topo sets itself (the X07 workload contract, OpenTelemetry's service identity, or a binding output), so the container would have it twice"),
            "remove it: a plain value here would shadow the compiler's (a binding's Secret, say); configure bindings under `bindings`",
        );
        return None;
    }
    Some(value)
}

/// One binding rule's entry (profiles and target descriptions).
pub fn binding_config<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<BindingConfig> {
    let mut f = d.fields(n, at)?;
    let secret = d.optional(&mut f, "secret", dns_subdomain).flatten();
    let keys = d.optional(&mut f, "keys", |d, n, at| d.partial_map(n, at, secret_key)).flatten();
    let config = d.optional(&mut f, "config", |d, n, at| d.partial_map(n, at, config_value)).flatten();
    let provider = d.optional(&mut f, "provider", Decoder::text).flatten();
    // Checked against the provider's declared params once the target kind is known.
    let params = d
        .optional(&mut f, "params", |d, n, at| match n.to_json() {
            serde_json::Value::Object(map) => Some(map),
            _ => {
                d.report(&codes::PROVIDER_PARAM_TYPE, at, "`params` must be an object", "write the provider's params as an object, e.g. {\"cluster\": \"pg-main\"}");
                None
            }
        })
        .flatten();
    let egress = d.optional(&mut f, "egress", |d, n, at| d.array(n, at, cidr)).flatten();
    d.finish(f);
    Some(BindingConfig { secret, keys, config, provider, params, egress })
}

/// The last token of `at`, the key of a map entry.
fn entry_key(at: &Pointer) -> String {
    at.as_str().rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~")
}

/// `keys`: variable suffix → the Secret's data key.
fn secret_key<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let key = d.text(n, at)?;
    let suffix = entry_key(at);
    let mut ok = true;
    if !names::is_env_name(&suffix) {
        d.report_key(&codes::INVALID_ENV_NAME, at, format!("`{}` cannot end an environment variable name", crate::diagnostics::echo(&suffix)), "use letters, digits and `_`");
        ok = false;
    }
    if !names::is_config_key(&key) {
        d.report(&codes::INVALID_ENV_NAME, at, format!("`{}` is not a valid Secret key", crate::diagnostics::echo(&key)), "Secret keys use letters, digits, `-`, `_` and `.`");
        ok = false;
    }
    ok.then_some(key)
}

/// `config`: the key becomes a variable suffix and a ConfigMap key.
fn config_value<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let value = d.string(n, at)?;
    let key = entry_key(at);
    if !names::is_env_name(&key) {
        d.report_key(&codes::INVALID_ENV_NAME, at, format!("config key `{key}` cannot be part of an environment variable name"), "use letters, digits and `_`");
        return None;
    }
    Some(value)
}

/// A Secret name: a DNS-1123 subdomain.
fn dns_subdomain<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.text(n, at)?;
    let labels_ok = s.split('.').all(|l| !l.is_empty() && names::sanitize_dns1123(l) == l);
    if s.len() > 253 || !labels_ok {
        d.report(&codes::UNKNOWN_VALUE, at, format!("`{}` is not a valid Secret name", crate::diagnostics::echo(&s)), "use lower-case letters, digits, `-` and `.` (a DNS-1123 subdomain)");
        return None;
    }
    Some(s)
}

/// An IPv4 or IPv6 CIDR as a NetworkPolicy `ipBlock` takes it (`10.20.0.0/16`, `2001:db8::/32`).
pub fn cidr<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.text(n, at)?;
    if crate::checks::metadata::is_cidr(&s) {
        return Some(s);
    }
    d.report(
        &codes::INVALID_EGRESS,
        at,
        format!("`{}` is not a CIDR", crate::diagnostics::echo(&s)),
        "write an address and a prefix length, e.g. \"10.20.0.0/16\" or \"2001:db8::/32\"",
    );
    None
}
