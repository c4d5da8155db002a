//! `mariadb` (mysql): a mariadb-operator `MariaDB` `instance` (Service `<instance>`, 3306).
//! Emits a `Database`, a `User` whose password is read from the Secret the profile names
//! (`passwordSecretKeyRef`), and a `Grant` of that user on that database only. The DSN is
//! composed from the user, password, host and port variables when the container starts.

use super::{BuildCx, Built, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::{env_prefix, BindingObject, Source};
use crate::manifest::BindingKind;
use serde_json::json;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "mariadb",
    summary: "A mariadb-operator `MariaDB` in the cells' namespace (Service `<instance>`, 3306): a `Database`, a `User` whose password the operator reads from `password_secret` (`passwordSecretKeyRef`), and a `Grant` (ALL PRIVILEGES) on that database only (k8s.mariadb.com/v1alpha1). HOST, PORT, DATABASE and USER are config, PASSWORD is the Secret's key, and the DSN is composed: mysql://$(USER):$(PASSWORD)@$(HOST):$(PORT)/<database>.",
    kinds: &[BindingKind::Mysql],
    params: &[
        Param { name: "instance", ty: ParamType::DnsLabel, required: true, default: None, description: "the MariaDB resource's name (its Service; the DSN's host)" },
        Param {
            name: "database",
            ty: ParamType::Identifier { reserved: RESERVED_DATABASES },
            required: true,
            default: None,
            description: "the database to create (a Database resource); the DSN's path",
        },
        Param { name: "user", ty: ParamType::DnsLabel, required: true, default: None, description: "the user to create (a User resource, and its MariaDB user name), granted ALL PRIVILEGES on `database` only" },
        Param { name: "password_secret", ty: ParamType::ObjectName, required: true, default: None, description: "the Secret holding the user's password (the platform's; the operator reads it)" },
        Param { name: "password_key", ty: ParamType::Text, required: false, default: Some("password"), description: "the key of the password in `password_secret`" },
    ],
    members: &[],
    build,
};

/// MariaDB's own schemas: a Grant of ALL PRIVILEGES on them would give away the server.
const RESERVED_DATABASES: &[&str] = &["mysql", "information_schema", "performance_schema", "sys"];

/// The MariaDB port of the instance's Service.
pub const MARIADB_PORT: u16 = 3306;

fn build(cx: &BuildCx<'_>) -> Built {
    let instance = cx.params.text("instance").unwrap_or_default();
    let database = cx.params.text("database").unwrap_or_default();
    let user = cx.params.text("user").unwrap_or_default();
    let secret = cx.params.text("password_secret").unwrap_or_default();
    let key = cx.params.text("password_key").unwrap_or("password");
    let reference = json!({ "name": instance });
    let name = cx.object_name();
    let mut b = Built { secret: Some(secret.to_string()), ..Built::default() };
    b.objects.push(BindingObject::new("k8s.mariadb.com/v1alpha1", "Database", &name, json!({ "mariaDbRef": reference, "name": database })));
    b.objects.push(BindingObject::new(
        "k8s.mariadb.com/v1alpha1",
        "User",
        &name,
        json!({ "mariaDbRef": reference, "name": user, "passwordSecretKeyRef": { "name": secret, "key": key } }),
    ));
    b.objects.push(BindingObject::new(
        "k8s.mariadb.com/v1alpha1",
        "Grant",
        &name,
        json!({ "mariaDbRef": reference, "privileges": ["ALL PRIVILEGES"], "database": database, "table": "*", "username": user }),
    ));
    let var = |o: &str| format!("$({}{o})", env_prefix(&cx.binding.name));
    let config = |v: &str| Source::Config { value: v.to_string() };
    b.outputs.push(("HOST".to_string(), config(&super::service_host(instance, cx.namespace))));
    b.outputs.push(("PORT".to_string(), config(&MARIADB_PORT.to_string())));
    b.outputs.push(("DATABASE".to_string(), config(database)));
    b.outputs.push(("USER".to_string(), config(user)));
    b.outputs.push(("PASSWORD".to_string(), Source::SecretKey { secret: secret.to_string(), key: key.to_string() }));
    let dsn = format!("mysql://{}:{}@{}:{}/{database}", var("USER"), var("PASSWORD"), var("HOST"), var("PORT"));
    b.outputs.push(("DSN".to_string(), Source::Composed { template: dsn }));
    b.outputs.retain(|(name, _)| !cx.from_config.contains(name));
    b
}
