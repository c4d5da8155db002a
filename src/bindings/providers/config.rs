//! `config`: every output given as plain `config` (an OTLP endpoint, a public bucket name).
//! Nothing secret: credentials cannot be plain config.

use super::{BuildCx, Built, ProviderDef};

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "config",
    summary: "Every output is plain configuration from `config` (a ConfigMap on Kubernetes): an OTLP endpoint, a public bucket. Credentials cannot be given this way.",
    kinds: &[],
    params: &[],
    members: &["config"],
    build,
};

fn build(_: &BuildCx<'_>) -> Built {
    Built::default()
}
