//! `redis` (redis): an OT-Container-Kit redis-operator instance, the platform's (nothing is
//! emitted). `mode` picks the kind and so the Service the operator exposes for it:
//! `Redis` `<instance>`, `RedisReplication` `<instance>-master`, `RedisCluster`
//! `<instance>-leader` (6379), `RedisSentinel` `<instance>-sentinel` (26379). The password
//! is read from the Secret the instance itself uses (`spec.kubernetesConfig.redisSecret`),
//! and the URL composed from it when the container starts. In sentinel mode a client asks the
//! sentinels where the master is and then connects to that pod of the monitored
//! `RedisReplication` (`replication`, the RedisSentinel's `redisSentinelConfig.redisReplicationName`),
//! so the param is required there: without it no network policy could let the data through.

use super::{BuildCx, Built, Problem, ProviderDef};
use crate::diagnostics::codes;
use crate::bindings::params::{Param, ParamType};
use crate::bindings::{env_prefix, Source};
use crate::manifest::BindingKind;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "redis",
    summary: "An OT-Container-Kit redis-operator instance in the cells' namespace (the platform's: nothing is emitted). `mode` picks the Service: standalone `<instance>`, replication `<instance>-master`, cluster `<instance>-leader` (6379), sentinel `<instance>-sentinel` (26379, URL redis+sentinel://…/<master_group>; `replication` names the RedisReplication the sentinels monitor, whose pods the cells then reach on 6379). With `password_secret` (the Secret the instance's `kubernetesConfig.redisSecret` names) PASSWORD is its key and the URL composed: redis://:$(PASSWORD)@<service>.<namespace>.svc:6379.",
    kinds: &[BindingKind::Redis],
    params: &[
        Param { name: "instance", ty: ParamType::DnsLabel, required: true, default: None, description: "the Redis, RedisReplication, RedisCluster or RedisSentinel resource's name (part of the URL's host)" },
        Param {
            name: "mode",
            ty: ParamType::OneOf(&["standalone", "replication", "cluster", "sentinel"]),
            required: false,
            default: Some("standalone"),
            description: "the instance's kind: Redis (standalone), RedisReplication, RedisCluster or RedisSentinel; it picks the Service",
        },
        Param { name: "password_secret", ty: ParamType::ObjectName, required: false, default: None, description: "the Secret the instance's `spec.kubernetesConfig.redisSecret` names; without it the URL carries no password" },
        Param { name: "password_key", ty: ParamType::Text, required: false, default: Some("password"), description: "the key of the password in `password_secret`" },
        Param { name: "master_group", ty: ParamType::UrlSegment, required: false, default: None, description: "sentinel mode: the monitored master group (the RedisSentinel's `redisSentinelConfig.masterGroupName`, whose default is myMaster)" },
        Param {
            name: "replication",
            ty: ParamType::DnsLabel,
            required: false,
            default: None,
            description: "sentinel mode (required there): the RedisReplication the sentinels monitor (the RedisSentinel's `redisSentinelConfig.redisReplicationName`), whose master and replica pods the cells then connect to on 6379",
        },
    ],
    members: &[],
    build,
};

/// (mode, Service suffix, port): the Service the operator exposes for each kind.
pub const SERVICES: &[(&str, &str, u16)] = &[("standalone", "", 6379), ("replication", "-master", 6379), ("cluster", "-leader", 6379), ("sentinel", "-sentinel", 26379)];

/// The default master group of a RedisSentinel (its CRD's default).
const DEFAULT_MASTER_GROUP: &str = "myMaster";

fn build(cx: &BuildCx<'_>) -> Built {
    let instance = cx.params.text("instance").unwrap_or_default();
    let mode = cx.params.text("mode").unwrap_or("standalone");
    let (_, suffix, port) = SERVICES.iter().copied().find(|(m, _, _)| *m == mode).unwrap_or(SERVICES[0]);
    let host = super::service_host(&format!("{instance}{suffix}"), cx.namespace);
    let mut b = Built::default();
    match (mode, cx.params.text("replication")) {
        ("sentinel", None) => b.problems.push(Problem {
            code: &codes::MISSING_PROVIDER_PARAM,
            member: vec!["params", "mode"],
            message: format!("binding `{}`: in sentinel mode provider `redis` needs param `replication`, the RedisReplication the sentinels of `{instance}` monitor", cx.binding.name),
            hint: "add \"replication\": the RedisSentinel's `spec.redisSentinelConfig.redisReplicationName`; the cells connect to its pods once the sentinels name the master".to_string(),
        }),
        (_, Some(_)) if mode != "sentinel" => b.problems.push(Problem {
            code: &codes::PROVIDER_MEMBER_UNUSED,
            member: vec!["params", "replication"],
            message: format!("binding `{}`: param `replication` means something only in sentinel mode, and the mode is {mode}", cx.binding.name),
            hint: "remove `replication`, or set \"mode\": \"sentinel\"".to_string(),
        }),
        _ => {}
    }
    let (scheme, path) = if mode == "sentinel" {
        // The master group is case-sensitive and percent-encoded like any path segment.
        let group = cx.params.text("master_group").unwrap_or(DEFAULT_MASTER_GROUP);
        ("redis+sentinel", format!("/{}", crate::bindings::params::percent_encode(group)))
    } else {
        ("redis", String::new())
    };
    match cx.params.text("password_secret") {
        Some(secret) => {
            b.secret = Some(secret.to_string());
            let key = cx.params.text("password_key").unwrap_or("password");
            b.outputs.push(("PASSWORD".to_string(), Source::SecretKey { secret: secret.to_string(), key: key.to_string() }));
            let var = format!("$({}PASSWORD)", env_prefix(&cx.binding.name));
            b.outputs.push(("URL".to_string(), Source::Composed { template: format!("{scheme}://:{var}@{host}:{port}{path}") }));
        }
        None => b.outputs.push(("URL".to_string(), Source::Config { value: format!("{scheme}://{host}:{port}{path}") })),
    }
    b.outputs.retain(|(name, _)| !cx.from_config.contains(name));
    b
}
