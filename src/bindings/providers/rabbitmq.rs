//! `rabbitmq` (amqp): a RabbitMQ Cluster Operator `RabbitmqCluster` (Service `<cluster>`,
//! port 5672) and the Messaging Topology Operator's objects: a `Queue` per topic the
//! service's event cells consume through the binding, in `vhost`; with `user`, a `User` and
//! a `Permission` on that vhost only, whose Secret `<user>-user-credentials` the operator
//! writes (`username`, `password`). Without `user`, the cluster's `<cluster>-default-user`
//! Secret, an administrator (a warning). The URL is composed from those variables.

use super::{BuildCx, Built, Problem, ProviderDef};
use crate::bindings::params::{percent_encode, Param, ParamType};
use crate::bindings::{env_prefix, BindingObject, Source};
use crate::diagnostics::codes;
use crate::manifest::BindingKind;
use serde_json::json;
use std::collections::BTreeSet;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "rabbitmq",
    summary: "A RabbitMQ Cluster Operator `RabbitmqCluster` in the cells' namespace (Service `<cluster>`, 5672): a messaging-topology `Queue` (rabbitmq.com/v1beta1) per topic the service's event cells consume through the binding, in `vhost`; with `user`, a `User` and a `Permission` on that vhost only, whose Secret `<user>-user-credentials` gives USERNAME and PASSWORD. Without `user` the cluster's `<cluster>-default-user` Secret (an administrator; a warning). URL composed: amqp://$(USERNAME):$(PASSWORD)@<cluster>.<namespace>.svc:5672/<vhost, percent-encoded>.",
    kinds: &[BindingKind::Amqp],
    params: &[
        Param { name: "cluster", ty: ParamType::DnsLabel, required: true, default: None, description: "the RabbitmqCluster's name (its Service; part of the URL's host)" },
        Param { name: "vhost", ty: ParamType::UrlSegment, required: false, default: Some("/"), description: "the virtual host of the queues and the permission; percent-encoded in the URL (`/` is `%2F`)" },
        Param { name: "user", ty: ParamType::DnsLabel, required: false, default: None, description: "a User to create for the service, with a Permission on `vhost` only; its Secret `<user>-user-credentials` gives the credentials" },
    ],
    members: &[],
    build,
};

/// The AMQP port of the cluster's Service.
pub const AMQP_PORT: u16 = 5672;

fn build(cx: &BuildCx<'_>) -> Built {
    let cluster = cx.params.text("cluster").unwrap_or_default();
    let vhost = cx.params.text("vhost").unwrap_or("/");
    let mut b = Built::default();
    let reference = json!({ "name": cluster });
    let topics: BTreeSet<&str> = cx.consumers.iter().map(|c| c.topic.as_str()).collect();
    for topic in topics {
        let name = crate::checks::names::object_name(&[cx.service_id, topic], crate::checks::names::MAX_OBJECT_NAME);
        let spec = json!({ "name": topic, "vhost": vhost, "durable": true, "rabbitmqClusterReference": reference });
        b.objects.push(BindingObject::new("rabbitmq.com/v1beta1", "Queue", &name, spec));
    }
    let secret = match cx.params.text("user") {
        Some(user) => {
            b.objects.push(BindingObject::new("rabbitmq.com/v1beta1", "User", user, json!({ "rabbitmqClusterReference": reference })));
            let permission = json!({
                "vhost": vhost,
                "userReference": { "name": user },
                "permissions": { "configure": ".*", "read": ".*", "write": ".*" },
                "rabbitmqClusterReference": reference,
            });
            b.objects.push(BindingObject::new("rabbitmq.com/v1beta1", "Permission", &cx.object_name(), permission));
            format!("{user}-user-credentials")
        }
        None => {
            b.problems.push(Problem {
                code: &codes::BROKER_ADMIN_CREDENTIALS,
                member: vec!["params"],
                message: format!("amqp binding `{}` reads `{cluster}-default-user`, the cluster's administrator, since `params.user` names no user of its own", cx.binding.name),
                hint: "give `params.user`: the service gets its own User with a Permission on its vhost only".to_string(),
            });
            format!("{cluster}-default-user")
        }
    };
    b.secret = Some(secret.clone());
    let var = |o: &str| format!("$({}{o})", env_prefix(&cx.binding.name));
    b.outputs.push(("USERNAME".to_string(), Source::SecretKey { secret: secret.clone(), key: "username".to_string() }));
    b.outputs.push(("PASSWORD".to_string(), Source::SecretKey { secret, key: "password".to_string() }));
    let host = super::service_host(cluster, cx.namespace);
    b.outputs.push(("URL".to_string(), Source::Composed { template: format!("amqp://{}:{}@{host}:{AMQP_PORT}/{}", var("USERNAME"), var("PASSWORD"), percent_encode(vhost)) }));
    b.outputs.retain(|(name, _)| !cx.from_config.contains(name));
    b
}
