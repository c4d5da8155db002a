//! One object that two bindings declare (two strimzi bindings consuming one topic) is emitted
//! once, owned by the binding first by name, so the output does not depend on the order the
//! manifest lists bindings and cells in; declared differently, it is XT320 (golden
//! `render-err-strimzi-topic-conflict`), never a silently dropped spec.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use support::Test;

const CASE: &str = "render-bindings-shared-topic-k8s";

fn files(dir: &Path) -> BTreeMap<String, String> {
    support::list_files(dir).into_iter().map(|f| (f.clone(), std::fs::read_to_string(dir.join(&f)).unwrap())).collect()
}

fn render(reverse: bool) -> BTreeMap<String, String> {
    let t = Test::from_case(CASE);
    if reverse {
        let path = t.path().join(support::MANIFEST_PATH);
        let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for list in ["resource_bindings", "cells"] {
            m[list].as_array_mut().unwrap().reverse();
        }
        std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    }
    let t = t.args(&["render", "--profile", "prod", "--out", "out"]);
    t.expect(0);
    files(&t.path().join("out"))
}

#[test]
fn a_topic_two_bindings_consume_is_one_kafka_topic_whatever_the_manifest_order() {
    let forward = render(false);
    let topics: Vec<&String> = forward.keys().filter(|f| f.starts_with("_bindings/kafkatopic-")).collect();
    assert_eq!(topics, ["_bindings/kafkatopic-orders.created.yaml"], "{:?}", forward.keys());
    let topic = &forward["_bindings/kafkatopic-orders.created.yaml"];
    assert!(topic.contains("x07.io/binding: msg.audit\n"), "the binding first by name owns the topic:\n{topic}");
    assert!(topic.contains("partitions: 12\n") && topic.contains("strimzi.io/cluster: events\n"), "{topic}");
    // Each binding keeps its own user, with Read on the shared topic and its own group.
    for (user, group) in [("payments", "payments-ledger"), ("payments-audit", "payments-audit")] {
        let u = &forward[&format!("_bindings/kafkauser-{user}.yaml")];
        assert!(u.contains("name: orders.created\n") && u.contains(&format!("name: {group}\n")), "{u}");
    }
    let reversed = render(true);
    let changed: Vec<&String> = forward.keys().chain(reversed.keys()).filter(|f| forward.get(*f) != reversed.get(*f)).collect();
    // Only the contract documents list bindings and cells in the manifest's order.
    let allowed = ["binding.requirements.json", "topology.preview.prod.json"];
    let unexpected: Vec<&&String> = changed.iter().filter(|f| !allowed.contains(&f.as_str())).collect();
    assert!(unexpected.is_empty(), "the Kubernetes objects depend on the manifest's order: {unexpected:?}");
}
