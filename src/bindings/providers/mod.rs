//! The built-in Kubernetes providers (SPEC §4.1), one file each. A provider is data: its
//! name, the binding kinds it serves, its declared params, the entry members it reads, and
//! a pure function from a binding to the sources of its outputs and the objects it needs.
//! Adding a provider is one file here, one line in [`ALL`], and a golden case.

mod cloudnative_pg;
mod config;
mod crossplane;
mod external_secrets;
mod mariadb;
mod object_bucket;
mod opentelemetry;
mod rabbitmq;
mod redis;
mod secret;
mod strimzi;
mod volume;

use super::params::{Param, ParamValues};
use super::{BindingObject, BindingVolume, Source};
use crate::diagnostics::Code;
use crate::manifest::{BindingKind, ResourceBinding};
use crate::profile::BindingConfig;
use std::collections::BTreeSet;

pub struct ProviderDef {
    pub name: &'static str,
    pub summary: &'static str,
    /// The binding kinds it serves; empty: every kind.
    pub kinds: &'static [BindingKind],
    pub params: &'static [Param],
    /// The entry members besides `provider` and `params` that mean something to it.
    pub members: &'static [&'static str],
    pub build: fn(&BuildCx<'_>) -> Built,
}

impl std::fmt::Debug for ProviderDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "provider {}", self.name)
    }
}

impl ProviderDef {
    pub fn serves(&self, kind: BindingKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// Every built-in provider, in the order `x07-topo schema profile` lists them.
pub const ALL: &[&ProviderDef] = &[&secret::PROVIDER, &config::PROVIDER, &external_secrets::PROVIDER, &cloudnative_pg::PROVIDER, &strimzi::PROVIDER, &rabbitmq::PROVIDER, &mariadb::PROVIDER, &redis::PROVIDER, &object_bucket::PROVIDER, &opentelemetry::PROVIDER, &volume::PROVIDER, &crossplane::PROVIDER];

/// The provider of a binding no rule names one for.
pub const DEFAULT: &str = "secret";

/// The built-in default provider of a kind: `volume` for sqlite (a file needs somewhere
/// writable), else `secret`.
pub fn default_for(kind: BindingKind) -> &'static str {
    match kind {
        BindingKind::Sqlite => volume::PROVIDER.name,
        _ => DEFAULT,
    }
}

pub fn find(name: &str) -> Option<&'static ProviderDef> {
    ALL.iter().copied().find(|p| p.name == name)
}

/// An event cell that consumes through the binding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Consumer {
    pub topic: String,
    pub consumer_group: String,
    pub cell: String,
}

/// What a provider sees of one binding.
pub struct BuildCx<'a> {
    pub service_id: &'a str,
    pub binding: &'a ResourceBinding,
    pub entry: &'a BindingConfig,
    pub params: &'a ParamValues,
    /// The namespace of every emitted object, when one is set.
    pub namespace: Option<&'a str>,
    /// Sorted.
    pub consumers: &'a [Consumer],
    /// Outputs the entry's `config` already gives (a provider does not fetch them).
    pub from_config: &'a BTreeSet<String>,
}

impl BuildCx<'_> {
    /// `<service_id>-<binding>`, the default name of what a provider makes for a binding.
    pub fn object_name(&self) -> String {
        super::default_secret_name(self.service_id, &self.binding.name)
    }

    /// The declared outputs not given by `config`, with whether each is required.
    pub fn open_outputs(&self) -> impl Iterator<Item = &'static super::outputs::OutputDecl> + '_ {
        super::outputs::of(self.binding.kind).iter().filter(|o| !self.from_config.contains(o.name))
    }
}

/// A provider's answer.
#[derive(Debug, Default)]
pub struct Built {
    /// The Secret the cells read, if any.
    pub secret: Option<String>,
    /// Output name → where it comes from.
    pub outputs: Vec<(String, Source)>,
    pub objects: Vec<BindingObject>,
    /// How an autoscaler that reads what the binding names authenticates (KEDA).
    pub scaler_auth: Option<super::ScalerAuth>,
    /// A volume the cells mount (sqlite).
    pub volume: Option<BindingVolume>,
    /// Annotations on the pods of the cells that list the binding (an injected sidecar).
    pub pod_annotations: Vec<(String, String)>,
    pub problems: Vec<Problem>,
}

/// A problem with the entry, at `member` (pointer tokens below the entry).
#[derive(Debug)]
pub struct Problem {
    pub code: &'static Code,
    pub member: Vec<&'static str>,
    pub message: String,
    pub hint: String,
}

/// wasmCloud and hosted targets name their providers in their catalogs; their outputs are
/// read as the `secret` provider reads them (the Secret's keys, or the entry's `keys`).
pub const SECRET_FOR_OTHER_TARGETS: ProviderDef = secret::PROVIDER;

/// The port of an OpenTelemetry collector's OTLP receiver for `protocol`.
pub fn otlp_port(protocol: &str) -> u16 {
    opentelemetry::PORTS.iter().find(|(p, _)| *p == protocol).map_or(4317, |(_, n)| *n)
}

/// The in-cluster host name of Service `service`: `<service>.<namespace>.svc`, or the bare
/// name (resolved in the pod's own namespace) when no namespace is set.
pub fn service_host(service: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("{service}.{ns}.svc"),
        None => service.to_string(),
    }
}
