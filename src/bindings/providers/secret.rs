//! `secret` (the default): an existing Secret, `<service_id>-<binding>` unless the entry's
//! `secret` names one. Without `keys`, every key of the Secret under the binding's prefix
//! (`envFrom`); with `keys`, exactly those keys.

use super::{BuildCx, Built, ProviderDef};
use crate::bindings::{outputs, Source};

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "secret",
    summary: "An existing Secret the platform team creates: `<service_id>-<binding>` unless `secret` names one. Without `keys` every key of the Secret becomes `X07_BINDING_<NAME>_<KEY>`; with `keys` exactly those keys.",
    kinds: &[],
    params: &[],
    members: &["secret", "keys", "config"],
    build,
};

fn build(cx: &BuildCx<'_>) -> Built {
    let secret = cx.entry.secret.clone().unwrap_or_else(|| cx.object_name());
    let mut b = Built { secret: Some(secret.clone()), ..Built::default() };
    outputs_from_secret(cx, &secret, &mut b);
    b
}

/// The outputs read from one Secret: with the entry's `keys` exactly those keys, else every
/// output (and, for a kind with no declared outputs, every key) from the Secret's keys.
/// Shared with the providers whose objects write a Secret (crossplane).
pub(super) fn outputs_from_secret(cx: &BuildCx<'_>, secret: &str, b: &mut Built) {
    match &cx.entry.keys {
        Some(keys) => {
            for (suffix, key) in keys {
                let name = outputs::named(cx.binding.kind, suffix).map_or(suffix.as_str(), |o| o.name);
                b.outputs.push((name.to_string(), Source::SecretKey { secret: secret.to_string(), key: key.clone() }));
            }
        }
        None => {
            for o in cx.open_outputs() {
                b.outputs.push((o.name.to_string(), Source::SecretPrefix { secret: secret.to_string() }));
            }
            if outputs::of(cx.binding.kind).is_empty() {
                b.outputs.push(("*".to_string(), Source::SecretPrefix { secret: secret.to_string() }));
            }
        }
    }
}
