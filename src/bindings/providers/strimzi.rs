//! `strimzi` (kafka): a Strimzi Kafka cluster in the cells' namespace. BOOTSTRAP_SERVERS is
//! the cluster's bootstrap Service (plain config); a `kafka.strimzi.io/v1 KafkaTopic` for every
//! topic the service consumes (or names in `topics`); with `user`, a `KafkaUser`
//! (SCRAM-SHA-512, simple ACLs) whose Secret gives USERNAME and PASSWORD, and the
//! [`ScalerAuth`] a KEDA kafka trigger needs to read consumer lag through the same listener.

use super::{BuildCx, Built, Problem, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::scaler_auth::{ScalerAuth, SecretParam};
use crate::bindings::{BindingObject, Source};
use crate::diagnostics::codes;
use crate::manifest::BindingKind;
use serde_json::json;
use std::collections::BTreeSet;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "strimzi",
    summary: "A Strimzi Kafka cluster in the cells' namespace: BOOTSTRAP_SERVERS is `<cluster>-kafka-bootstrap[.<namespace>]:9092`; a KafkaTopic (kafka.strimzi.io/v1) per topic the service's event cells consume through the binding or list in `topics`; with `user`, a KafkaUser (SCRAM-SHA-512; Read/Describe on the consumed topics, Read on their consumer groups, Write/Describe on `topics`) whose Secret gives USERNAME/PASSWORD; a KEDA kafka trigger on the binding then authenticates the same way (a TriggerAuthentication: `password` from that Secret, `username` from the consumer's USERNAME variable, `sasl: scram_sha512` in the trigger).",
    kinds: &[BindingKind::Kafka],
    params: &[
        Param { name: "cluster", ty: ParamType::DnsLabel, required: true, default: None, description: "the Strimzi Kafka cluster's name (its `strimzi.io/cluster` label; part of the bootstrap host name)" },
        Param { name: "user", ty: ParamType::ObjectName, required: false, default: None, description: "a KafkaUser to create for the service; its Secret gives USERNAME and PASSWORD" },
        Param {
            name: "partitions",
            ty: ParamType::Integer { min: 1, max: 100_000 },
            required: false,
            default: None,
            description: "partitions of each topic (the cluster's default when absent); an autoscaling maximum above it is a warning",
        },
        Param { name: "replicas", ty: ParamType::Integer { min: 1, max: 32_767 }, required: false, default: None, description: "replicas of each topic (the cluster's default when absent)" },
        Param { name: "topic_config", ty: ParamType::Settings, required: false, default: None, description: "Kafka topic settings of each topic, e.g. {\"retention.ms\": 604800000}" },
        Param {
            name: "topics_owned_by",
            ty: ParamType::Text,
            required: false,
            default: None,
            description: "the service_id of the workspace service that owns the topics: unless it is this service, no KafkaTopic is emitted here (the user still gets its ACLs)",
        },
        Param {
            name: "topics",
            ty: ParamType::TextList,
            required: false,
            default: None,
            description: "topics the service produces to: each gets a KafkaTopic, and the user Write/Describe on it",
        },
    ],
    members: &["config"],
    build,
};

/// The listener port of Strimzi's plain internal listener, as its examples configure it.
const BOOTSTRAP_PORT: u16 = 9092;

fn build(cx: &BuildCx<'_>) -> Built {
    let cluster = cx.params.text("cluster").unwrap_or_default();
    let mut b = Built::default();
    let namespace = cx.namespace.map(|ns| format!(".{ns}")).unwrap_or_default();
    b.outputs.push(("BOOTSTRAP_SERVERS".to_string(), Source::Config { value: format!("{cluster}-kafka-bootstrap{namespace}:{BOOTSTRAP_PORT}") }));

    let consumed: BTreeSet<&str> = cx.consumers.iter().map(|c| c.topic.as_str()).collect();
    let produced: BTreeSet<&str> = cx.params.text_list("topics").iter().map(String::as_str).collect();
    if consumed.is_empty() && produced.is_empty() {
        b.problems.push(Problem {
            code: &codes::STRIMZI_NO_TOPIC,
            member: vec!["provider"],
            message: format!("binding `{}` uses strimzi, but no event cell consumes a topic through it and `topics` names none", cx.binding.name),
            hint: "list the topics the service produces to in `params.topics`, or give an event cell `runtime.event.binding_ref` on this binding".to_string(),
        });
    }
    let labels = [("strimzi.io/cluster".to_string(), cluster.to_string())];
    // Another service of the workspace owns the topics: it emits them (SPEC §7.2: one owner).
    let owned_here = cx.params.text("topics_owned_by").is_none_or(|owner| owner == cx.service_id);
    for topic in consumed.union(&produced).filter(|_| owned_here) {
        let name = topic_object_name(topic);
        let mut spec = serde_json::Map::new();
        if name != *topic {
            spec.insert("topicName".to_string(), json!(topic));
        }
        if let Some(n) = cx.params.integer("partitions") {
            spec.insert("partitions".to_string(), json!(n));
        }
        if let Some(n) = cx.params.integer("replicas") {
            spec.insert("replicas".to_string(), json!(n));
        }
        if let Some(c) = cx.params.settings("topic_config") {
            spec.insert("config".to_string(), json!(c));
        }
        b.objects.push(BindingObject::new("kafka.strimzi.io/v1", "KafkaTopic", &name, spec.into()).labelled(&labels));
    }
    if let Some(user) = cx.params.text("user") {
        let mut acls = Vec::new();
        for topic in &consumed {
            acls.push(json!({ "resource": { "type": "topic", "name": topic, "patternType": "literal" }, "operations": ["Read", "Describe"] }));
        }
        let groups: BTreeSet<&str> = cx.consumers.iter().map(|c| c.consumer_group.as_str()).collect();
        for group in groups {
            acls.push(json!({ "resource": { "type": "group", "name": group, "patternType": "literal" }, "operations": ["Read"] }));
        }
        for topic in &produced {
            acls.push(json!({ "resource": { "type": "topic", "name": topic, "patternType": "literal" }, "operations": ["Write", "Describe"] }));
        }
        let spec = json!({
            "authentication": { "type": "scram-sha-512" },
            "authorization": { "type": "simple", "acls": acls },
        });
        b.objects.push(BindingObject::new("kafka.strimzi.io/v1", "KafkaUser", user, spec).labelled(&labels));
        b.secret = Some(user.to_string());
        b.outputs.push(("USERNAME".to_string(), Source::Config { value: user.to_string() }));
        b.outputs.push(("PASSWORD".to_string(), Source::SecretKey { secret: user.to_string(), key: "password".to_string() }));
        b.outputs.push(("SASL_MECHANISM".to_string(), Source::Config { value: "SCRAM-SHA-512".to_string() }));
        // KEDA's kafka scaler reads consumer lag through the same listener, so it needs the
        // same credentials: the password from the KafkaUser's Secret, the user name (in no
        // Secret key: the User Operator's Secret holds `password` and `sasl.jaas.config`) from
        // the variable the cells read it from.
        b.scaler_auth = Some(ScalerAuth {
            metadata: vec![("sasl", "scram_sha512".to_string())],
            secrets: vec![SecretParam { parameter: "password", secret: user.to_string(), key: "password".to_string() }],
            outputs: vec![("username", "USERNAME")],
        });
    }
    b.outputs.retain(|(name, _)| !cx.from_config.contains(name));
    b
}

/// A KafkaTopic's name: the topic, when it is a valid object name; else lower-cased with
/// other characters as `-` (the topic's real name then goes in `spec.topicName`).
fn topic_object_name(topic: &str) -> String {
    if crate::bindings::params::is_object_name(topic) {
        return topic.to_string();
    }
    let lowered: String = topic.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c.to_ascii_lowercase() } else { '-' }).collect();
    let cleaned: Vec<String> = lowered.split('.').map(crate::checks::names::sanitize_dns1123).filter(|l| !l.is_empty()).collect();
    crate::checks::names::object_name(&[&cleaned.join(".").replace('.', "-")], crate::checks::names::MAX_OBJECT_NAME)
}

#[cfg(test)]
mod tests {
    #[test]
    fn topic_names() {
        assert_eq!(super::topic_object_name("orders.created"), "orders.created");
        assert_eq!(super::topic_object_name("Orders_Created"), "orders-created");
    }
}
