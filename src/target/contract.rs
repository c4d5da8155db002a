//! What a capability provider reads from its links, for one release: each key in the
//! provider's exact case, the link side it reads it on, whether it is required and whether
//! it may or must come from the secrets backend. The default catalog's contracts cite the
//! provider source they were read from (docs/wasmcloud-providers.md is generated from them).
//! A provider's `host` member is the same kind of contract for wasmCloud 2.x, where the host's
//! own plugins serve the interface of a WorkloadDeployment's `hostInterfaces` entry.

use crate::decode::Decoder;
use crate::diagnostics::codes;
use crate::json::{Node, Pointer};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

crate::vocabulary! {
    /// Which link's config the provider reads a key from: `target` (the component→provider
    /// link, where the provider is the target: `receive_link_config_as_target`), `source`
    /// (the provider→component link, where it is the source: `receive_link_config_as_source`),
    /// or `both`. Host contracts (wasmCloud 2.x) also have `component`: the component's own
    /// `localResources.config` in the WorkloadDeployment, which a host plugin reads before
    /// its interface entry's config (per-component event subscriptions).
    pub enum LinkSide as "link side" {
        Target = "target",
        Source = "source",
        Both = "both",
        Component = "component",
    }
}

crate::vocabulary! {
    /// Whether the provider reads a key from the link's secrets: `no` (config only),
    /// `may` (secrets first, then config), `must` (it holds credentials: x07-topo passes it
    /// only as a secret).
    pub enum SecretUse as "secret use" {
        No = "no",
        May = "may",
        Must = "must",
    }
}

/// One key a provider reads. A key ending in `*` is a prefix (`alias_*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeySpec {
    pub link: LinkSide,
    /// Without it the provider does not work (it logs and creates no connection, or falls
    /// back to a localhost or cloud default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Absent means `no`.
    #[serde(default, skip_serializing_if = "SecretUse::is_no")]
    pub secret: SecretUse,
}

impl Default for SecretUse {
    /// An omitted `secret` is `no` (config only), as the decoder reads it.
    fn default() -> Self {
        SecretUse::No
    }
}

impl SecretUse {
    fn is_no(&self) -> bool {
        *self == SecretUse::No
    }
}

/// What a wasmCloud 2.x host plugin reads from a WorkloadDeployment's `hostInterfaces` entry.
/// The runtime operator merges the entry's `config`, its `configFrom` ConfigMaps and its
/// `secretFrom` Secrets into one map, so a Secret's keys reach the plugin under their own
/// names. `link` says which entry: `target` the binding's own entry (the component calls the
/// host), `source` the entry over which the host calls the component (an event handler, http).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostContract {
    /// Where it was read: repository, release tag and file of the host plugin.
    pub source: String,
    pub keys: BTreeMap<String, KeySpec>,
    /// Our setting name → the plugin's key, for names that differ other than in case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config_keys: BTreeMap<String, String>,
    /// Keys x07-topo always writes, with their value (a multiplexed plugin's `backend`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
    /// Messaging: how the host delivers messages to a component (event ingress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<super::wasmcloud::MessageHandler>,
}

/// No keys set by the catalog.
static NOTHING_SET: BTreeMap<String, String> = BTreeMap::new();

/// A provider's keys, and how one of ours (a profile key, in any case) maps to one of them.
pub struct Keys<'a> {
    pub keys: &'a BTreeMap<String, KeySpec>,
    /// Our name → the provider's key (`BOOTSTRAP_SERVERS` → `hosts`).
    pub aliases: &'a BTreeMap<String, String>,
    /// Keys with a value fixed by the catalog (`backend: redis`).
    pub set: &'a BTreeMap<String, String>,
    /// How messages reach a component, for event cells.
    pub handler: Option<&'a super::wasmcloud::MessageHandler>,
    /// `true` for a wasmCloud 2.x host plugin's contract (messages say so).
    pub host: bool,
}

impl<'a> Keys<'a> {
    /// A capability provider's (wasmCloud 1.x) contract.
    pub fn provider(keys: &'a BTreeMap<String, KeySpec>, aliases: &'a BTreeMap<String, String>, handler: Option<&'a super::wasmcloud::MessageHandler>) -> Keys<'a> {
        Keys { keys, aliases, set: &NOTHING_SET, handler, host: false }
    }

    /// A wasmCloud 2.x host plugin's contract.
    pub fn host(c: &'a HostContract) -> Keys<'a> {
        Keys { keys: &c.keys, aliases: &c.config_keys, set: &c.set, handler: c.handler.as_ref(), host: true }
    }
}

impl<'a> Keys<'a> {
    /// The provider's exact key for `ours`, matched case-insensitively against its keys, its
    /// prefixes (`alias_*`: the rest of `ours` is kept as written) and the catalog's aliases.
    pub fn resolve(&self, ours: &str) -> Option<(String, &'a KeySpec)> {
        if let Some((k, spec)) = self.keys.iter().find(|(k, _)| !k.ends_with('*') && k.eq_ignore_ascii_case(ours)) {
            return Some((k.clone(), spec));
        }
        if let Some((k, spec)) = self.aliases.iter().find(|(a, _)| a.eq_ignore_ascii_case(ours)).and_then(|(_, k)| self.keys.get_key_value(k)) {
            return Some((k.clone(), spec));
        }
        self.keys.iter().find_map(|(k, spec)| {
            let prefix = k.strip_suffix('*')?;
            let head = ours.get(..prefix.len())?;
            let rest = &ours[prefix.len()..];
            (head.eq_ignore_ascii_case(prefix) && !rest.is_empty()).then(|| (format!("{prefix}{rest}"), spec))
        })
    }

    /// The key a provider key is given as in a profile: its alias if it has one, else itself.
    pub fn profile_name(&self, key: &str) -> String {
        self.aliases.iter().find(|(_, k)| k.as_str() == key).map_or_else(|| key.to_string(), |(a, _)| a.clone())
    }

    /// The required keys, in key order.
    pub fn required(&self) -> impl Iterator<Item = (&'a String, &'a KeySpec)> {
        self.keys.iter().filter(|(_, s)| s.required)
    }
}

pub fn decode_keys<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<BTreeMap<String, KeySpec>> {
    d.map(n, at, decode_key)
}

fn decode_key<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<KeySpec> {
    let mut f = d.fields(n, at)?;
    let link = d.required(&mut f, "link", Decoder::vocab);
    let required = d.optional(&mut f, "required", Decoder::boolean);
    let secret = d.optional(&mut f, "secret", Decoder::vocab);
    d.finish(f);
    Some(KeySpec { link: link?, required: required?.unwrap_or(false), secret: secret?.unwrap_or(SecretUse::No) })
}

pub fn decode_host<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<HostContract> {
    let mut f = d.fields(n, at)?;
    let source = d.required(&mut f, "source", Decoder::text);
    let keys = d.required(&mut f, "keys", decode_keys);
    let config_keys = d.optional(&mut f, "config_keys", |d, n, at| d.map(n, at, Decoder::text));
    let set = d.optional(&mut f, "set", |d, n, at| d.map(n, at, Decoder::string));
    let handler = d.optional(&mut f, "handler", super::wasmcloud::decode_handler);
    d.finish(f);
    let (keys, config_keys, set, handler) = (keys?, config_keys?.unwrap_or_default(), set?.unwrap_or_default(), handler?);
    check_aliases(d, at, &keys, &config_keys);
    let handler_keys = handler.iter().flat_map(|h| std::iter::once(&h.topic_key).chain(h.consumer_group_key.as_ref()));
    for (member, key) in set.keys().map(|k| ("set", k)).chain(handler_keys.map(|k| ("handler", k))) {
        if !keys.contains_key(key) {
            d.report(
                &codes::UNKNOWN_VALUE,
                &at.key(member),
                format!("`{member}` names `{key}`, which is not one of the host plugin's `keys`"),
                "declare it in `keys` with the entry it is read from (`target`: the binding's, `source`: the handler's)",
            );
        }
    }
    Some(HostContract { source: source?, keys, config_keys, set, handler })
}

/// Every alias names a key the provider reads (else renaming would invent a key).
pub fn check_aliases(d: &mut Decoder<'_>, at: &Pointer, keys: &BTreeMap<String, KeySpec>, aliases: &BTreeMap<String, String>) {
    for (ours, theirs) in aliases {
        if !keys.contains_key(theirs) {
            let known: Vec<&str> = keys.keys().map(String::as_str).collect();
            d.report(
                &codes::UNKNOWN_VALUE,
                &at.key("config_keys").key(ours),
                format!("`config_keys.{ours}` renames to `{theirs}`, which is not one of the provider's `keys`"),
                format!("{}name one of: {}", crate::suggest::did_you_mean(theirs, known.iter().copied()), known.join(", ")),
            );
        }
    }
}

/// The Markdown table of a catalog's provider contracts, as `docs/wasmcloud-providers.md`
/// holds it for the default wasmCloud target.
pub fn markdown_table(providers: &BTreeMap<String, super::Provider>) -> String {
    let mut out = String::from(
        "# wasmCloud capability providers: what each release reads\n\n\
         Generated from the default catalog (`targets/wasmcloud-default.json`; the test\n\
         `providers_table_is_current` keeps it in step, `UPDATE_GOLDEN=1 cargo test` rewrites it).\n\
         Each key is the provider's own, in its exact case; a profile key matches it in any case (or\n\
         through the catalog's `config_keys`) and is renamed to it. Link side `target`: the\n\
         component→provider link (the provider reads it in `receive_link_config_as_target`);\n\
         `source`: the provider→component link (`receive_link_config_as_source`). Secret `may`:\n\
         read from the link's secrets first, then its config; `must`: x07-topo passes it only as a\n\
         secret; `no`: config only. With no profile entry, every required key the provider can read\n\
         from secrets is a secret reference to `<secret>-<KEY>` in the secrets backend (see\n\
         docs/decisions.md, wasmCloud).\n\n\
         | provider | image | key | link side | required | secret | source |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for (name, p) in providers {
        let source = p.source.as_deref().unwrap_or("(not cited)");
        for (key, spec) in &p.keys {
            let renamed: Vec<&str> = p.config_keys.iter().filter(|(_, k)| *k == key).map(|(a, _)| a.as_str()).collect();
            let key = if renamed.is_empty() { format!("`{key}`") } else { format!("`{key}` (profile: {})", renamed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")) };
            out.push_str(&format!(
                "| {name} | `{}` | {key} | {} | {} | {} | {source} |\n",
                p.image,
                spec.link,
                if spec.required { "yes" } else { "no" },
                spec.secret
            ));
        }
        if let Some(h) = &p.handler {
            let group = match (&h.consumer_group_key, &h.queue_separator) {
                (Some(k), _) => format!("the consumer group as `{k}`"),
                (None, Some(sep)) => format!("the queue group inside it as `<subject>{}<queue>`", sep.replace('|', "\\|")),
                (None, None) => "no consumer group".to_string(),
            };
            out.push_str(&format!(
                "| {name} | `{}` | event cells: the topic as `{}`, {group} | (as the key) | from the manifest | no | {source} |\n",
                p.image, h.topic_key
            ));
        }
    }
    out.push_str(&host_table(providers));
    out
}

/// The wasmCloud 2.x part of the table: what the host plugin serving each provider's
/// interface reads from a WorkloadDeployment.
fn host_table(providers: &BTreeMap<String, super::Provider>) -> String {
    let mut out = String::from(
        "\n## wasmCloud 2.x: what the host plugins read (WorkloadDeployments)\n\n\
         A WorkloadDeployment has no capability providers: the host's own plugins serve each\n\
         `hostInterfaces` entry, and the provider's `host` contract says what that plugin reads.\n\
         Entry `target`: the binding's own entry (named after the binding); `source`: the entry over\n\
         which the host calls the component (http, and one unnamed messaging handler entry);\n\
         `component`: the component's own `localResources.config`. The runtime operator merges an\n\
         entry's `config` and the keys of its `secretFrom` Secrets into one map, so secret `may` and\n\
         `must` keys are read from a Secret key of exactly that name (`must`: only from a Secret).\n\
         A provider with no `host` contract gets an entry with no config (warning XT514).\n\n\
         | provider | key | entry | required | secret | set to | source |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for (name, p) in providers {
        let Some(h) = &p.host else {
            out.push_str(&format!("| {name} | (no host contract) | | | | | |\n"));
            continue;
        };
        for (key, spec) in &h.keys {
            let renamed: Vec<String> = h.config_keys.iter().filter(|(_, k)| *k == key).map(|(a, _)| format!("`{a}`")).collect();
            let shown = if renamed.is_empty() { format!("`{key}`") } else { format!("`{key}` (profile: {})", renamed.join(", ")) };
            let set = h.set.get(key).map_or(String::new(), |v| format!("`{v}`"));
            let event = h.handler.as_ref().filter(|hd| hd.topic_key == *key || hd.consumer_group_key.as_ref() == Some(key)).map_or("", |_| " (event cells: from the manifest)");
            out.push_str(&format!(
                "| {name} | {shown}{event} | {} | {} | {} | {set} | {} |\n",
                spec.link,
                if spec.required { "yes" } else { "no" },
                spec.secret,
                h.source
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> KeySpec {
        KeySpec { link: LinkSide::Target, required: false, secret: SecretUse::No }
    }

    #[test]
    fn resolves_case_insensitively_to_the_exact_key_through_aliases_and_prefixes() {
        let keys = BTreeMap::from([("hosts".to_string(), spec()), ("POSTGRES_HOST".to_string(), spec()), ("alias_*".to_string(), spec())]);
        let aliases = BTreeMap::from([("BOOTSTRAP_SERVERS".to_string(), "hosts".to_string())]);
        let k = Keys::provider(&keys, &aliases, None);
        assert_eq!(k.resolve("HOSTS").map(|r| r.0), Some("hosts".to_string()));
        assert_eq!(k.resolve("bootstrap_servers").map(|r| r.0), Some("hosts".to_string()));
        assert_eq!(k.resolve("postgres_host").map(|r| r.0), Some("POSTGRES_HOST".to_string()));
        assert_eq!(k.resolve("ALIAS_media").map(|r| r.0), Some("alias_media".to_string()));
        assert_eq!(k.resolve("alias_"), None);
        assert_eq!(k.resolve("brokers"), None);
        assert_eq!(k.profile_name("hosts"), "BOOTSTRAP_SERVERS");
    }

    /// docs/wasmcloud-providers.md is the default catalog's contracts, generated.
    #[test]
    fn providers_table_is_current() {
        let (file, text) = crate::target::builtin("wasmcloud-default").unwrap();
        let (doc, diags) = crate::document::Document::parse(file, text.as_bytes());
        assert!(diags.is_empty());
        let mut d = crate::decode::Decoder::new(&doc);
        let target = crate::target::decode(&mut d).unwrap();
        assert!(d.diags.is_empty(), "{:?}", d.diags);
        let table = markdown_table(&target.wasmcloud.unwrap().catalog.providers);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/wasmcloud-providers.md");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &table).unwrap();
        }
        assert_eq!(std::fs::read_to_string(path).unwrap_or_default(), table, "docs/wasmcloud-providers.md is stale: UPDATE_GOLDEN=1 cargo test");
    }
}
