//! `cloudnative-pg` (postgres): the CloudNativePG Cluster's `<cluster>-app` Secret, which the
//! operator writes (`uri`, `host`, `port`, `dbname`, `username`, `password`). With `database`
//! also a `postgresql.cnpg.io/v1 Database` owned by `owner`, and a DSN for that database
//! composed from the Secret's parts when the container starts.

use super::{BuildCx, Built, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::{BindingObject, Source};
use crate::manifest::BindingKind;
use serde_json::json;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "cloudnative-pg",
    summary: "A CloudNativePG Cluster in the cells' namespace: outputs come from its `<cluster>-app` Secret (uri → DSN, host, port, dbname, username, password). With `database`, also a `Database` (postgresql.cnpg.io/v1) `<service_id>-<binding>` in that cluster.",
    kinds: &[BindingKind::Postgres],
    params: &[
        Param { name: "cluster", ty: ParamType::ObjectName, required: true, default: None, description: "the CloudNativePG Cluster's name" },
        Param {
            name: "database",
            ty: ParamType::Identifier { reserved: RESERVED_DATABASES },
            required: false,
            default: None,
            description: "a database to create in the cluster (a Database resource); the DSN then names it",
        },
        Param {
            name: "owner",
            ty: ParamType::Text,
            required: false,
            default: Some("app"),
            description: "the role that owns `database` (CloudNativePG bootstraps `app`, whose credentials the cells read)",
        },
    ],
    members: &["config"],
    build,
};

/// The databases CloudNativePG's Database CRD refuses (its CEL rules on `spec.name`).
const RESERVED_DATABASES: &[&str] = &["postgres", "template0", "template1"];

/// Output → key of the `<cluster>-app` Secret.
const APP_SECRET_KEYS: &[(&str, &str)] = &[("DSN", "uri"), ("HOST", "host"), ("PORT", "port"), ("DATABASE", "dbname"), ("USER", "username"), ("PASSWORD", "password")];

fn build(cx: &BuildCx<'_>) -> Built {
    let cluster = cx.params.text("cluster").unwrap_or_default();
    let secret = format!("{cluster}-app");
    let mut b = Built { secret: Some(secret.clone()), ..Built::default() };
    let database = cx.params.text("database");
    for (output, key) in APP_SECRET_KEYS.iter().filter(|(o, _)| !cx.from_config.contains(*o)) {
        let source = match (database, *output) {
            (Some(db), "DATABASE") => Source::Config { value: db.to_string() },
            (Some(db), "DSN") => {
                let var = |o: &str| format!("$({}{o})", crate::bindings::env_prefix(&cx.binding.name));
                Source::Composed { template: format!("postgresql://{}:{}@{}:{}/{db}", var("USER"), var("PASSWORD"), var("HOST"), var("PORT")) }
            }
            _ => Source::SecretKey { secret: secret.clone(), key: key.to_string() },
        };
        b.outputs.push((output.to_string(), source));
    }
    if let Some(db) = database {
        let spec = json!({ "name": db, "owner": cx.params.text("owner"), "cluster": { "name": cluster } });
        b.objects.push(BindingObject::new("postgresql.cnpg.io/v1", "Database", &cx.object_name(), spec));
    }
    b
}
