//! KEDA must reach the broker the way the cells do: a kafka trigger whose consumer
//! authenticates (its binding gives the container SASL credentials) needs the same
//! credentials, or on a cluster whose listener requires them KEDA reads no lag and the
//! deployable never scales. KEDA's kafka scaler reads `username`, `password`, `ca`, `cert`
//! and `key` only from a TriggerAuthentication, `sasl` and `tls` from the trigger or the
//! TriggerAuthentication but never both. Every golden Kubernetes render is checked; hand-made
//! documents show each rule can fail.

mod support;

use serde_json::{json, Value};
use support::Test;

fn k8s_cases() -> Vec<String> {
    support::golden_cases().into_iter().filter(|c| c.starts_with("render-k8s") || (c.starts_with("render-") && c.ends_with("-k8s"))).collect()
}

/// `X07_BINDING_<TOKEN>_`, as the compiler spells a binding's prefix.
fn prefix(binding: &str) -> String {
    let mut token = String::new();
    for c in binding.chars() {
        if c.is_ascii_alphanumeric() {
            token.push(c.to_ascii_uppercase());
        } else if !token.ends_with('_') {
            token.push('_');
        }
    }
    format!("X07_BINDING_{}_", token.trim_matches('_'))
}

fn find<'a>(docs: &'a [Value], kind: &str, ns: &Value, name: &str) -> Option<&'a Value> {
    docs.iter().find(|d| d["kind"] == json!(kind) && d["metadata"]["namespace"] == *ns && d["metadata"]["name"] == json!(name))
}

fn env_of<'a>(container: &'a Value, name: &str) -> Option<&'a Value> {
    container["env"].as_array()?.iter().find(|e| e["name"] == json!(name))
}

/// The scaler's value for `sasl` and for `tls`, given once in trigger or TriggerAuthentication.
fn once(trigger: &Value, auth: Option<&Value>, param: &str, id: &str, p: &mut Vec<String>) -> Option<String> {
    let in_trigger = trigger["metadata"][param].as_str().map(str::to_string);
    let in_auth = auth.is_some_and(|a| a["spec"].as_object().into_iter().flatten().any(|(_, refs)| refs.as_array().into_iter().flatten().any(|r| r["parameter"] == json!(param))));
    if in_trigger.is_some() && in_auth {
        p.push(format!("{id}: `{param}` in both the trigger and its TriggerAuthentication (KEDA refuses that)"));
    }
    in_trigger
}

/// Every problem with the kafka triggers' authentication in one render.
fn check(docs: &[Value]) -> Vec<String> {
    let mut p = Vec::new();
    for so in docs.iter().filter(|d| d["kind"] == json!("ScaledObject")) {
        let ns = &so["metadata"]["namespace"];
        let target = &so["spec"]["scaleTargetRef"];
        let target_kind = target["kind"].as_str().unwrap_or("Deployment");
        let Some(workload) = find(docs, target_kind, ns, target["name"].as_str().unwrap_or("")) else { continue };
        let containers = workload["spec"]["template"]["spec"]["containers"].as_array().cloned().unwrap_or_default();
        for (i, trigger) in so["spec"]["triggers"].as_array().into_iter().flatten().enumerate().filter(|(_, t)| t["type"] == json!("kafka")) {
            let id = format!("ScaledObject {}/{} trigger {i}", ns.as_str().unwrap_or(""), so["metadata"]["name"].as_str().unwrap_or(""));
            let m = &trigger["metadata"];
            // The consumer: the container that subscribes to the trigger's topic and group.
            let Some(consumer) = containers.iter().find(|c| {
                env_of(c, "X07_EVENT_TOPIC").map(|e| &e["value"]) == Some(&m["topic"]) && env_of(c, "X07_EVENT_CONSUMER_GROUP").map(|e| &e["value"]) == Some(&m["consumerGroup"])
            }) else {
                p.push(format!("{id}: no container consumes topic {} as group {}", m["topic"], m["consumerGroup"]));
                continue;
            };
            let binding = env_of(consumer, "X07_EVENT_BINDING_REF").and_then(|e| e["value"].as_str()).unwrap_or("");
            let pre = prefix(binding);
            let password = env_of(consumer, &format!("{pre}PASSWORD"));
            let mechanism = env_of(consumer, &format!("{pre}SASL_MECHANISM"));
            let auth_name = trigger["authenticationRef"]["name"].as_str();
            let auth = auth_name.and_then(|n| find(docs, "TriggerAuthentication", ns, n));
            if auth_name.is_some() && auth.is_none() {
                p.push(format!("{id}: authenticationRef {auth_name:?} is not an emitted TriggerAuthentication in its namespace"));
            }
            let sasl = once(trigger, auth, "sasl", &id, &mut p);
            once(trigger, auth, "tls", &id, &mut p);
            let Some(password) = password else {
                if sasl.is_some() {
                    p.push(format!("{id}: sasl {sasl:?}, but binding `{binding}` gives its consumer no password"));
                }
                continue;
            };
            // The consumer authenticates, so the scaler must too, with the same credentials.
            let Some(auth) = auth else {
                p.push(format!("{id}: binding `{binding}` authenticates its consumer, but the trigger has no authenticationRef"));
                continue;
            };
            let refs = |kind: &str| auth["spec"][kind].as_array().cloned().unwrap_or_default();
            let secret_refs = refs("secretTargetRef");
            let env_refs = refs("env");
            let wanted_secret = &password["valueFrom"]["secretKeyRef"];
            match secret_refs.iter().find(|r| r["parameter"] == json!("password")) {
                Some(r) if r["name"] == wanted_secret["name"] && r["key"] == wanted_secret["key"] => {}
                other => p.push(format!("{id}: password from {other:?}, but the consumer reads Secret {} key {}", wanted_secret["name"], wanted_secret["key"])),
            }
            match env_refs.iter().find(|r| r["parameter"] == json!("username")) {
                Some(r) => {
                    let container = containers.iter().find(|c| c["name"] == r["containerName"]);
                    let var = r["name"].as_str().unwrap_or("");
                    if container.is_none_or(|c| env_of(c, var).is_none()) || var != format!("{pre}USERNAME") {
                        p.push(format!("{id}: username from variable {var:?} of container {}, which does not hold {pre}USERNAME", r["containerName"]));
                    }
                }
                None if secret_refs.iter().any(|r| r["parameter"] == json!("username")) => {}
                None => p.push(format!("{id}: the TriggerAuthentication gives no username")),
            }
            let wanted_sasl = match mechanism.and_then(|e| e["valueFrom"]["configMapKeyRef"]["key"].as_str()).and_then(|key| config_value(docs, ns, consumer, key)) {
                Some(m) => m.to_ascii_lowercase().replace("scram-sha-", "scram_sha"),
                None => "plaintext".to_string(),
            };
            if sasl.as_deref() != Some(&wanted_sasl) {
                p.push(format!("{id}: trigger sasl {sasl:?}, but the consumer authenticates with {wanted_sasl:?}"));
            }
        }
    }
    p
}

/// The value of `key` in the ConfigMap the consumer's binding variables come from.
fn config_value(docs: &[Value], ns: &Value, consumer: &Value, key: &str) -> Option<String> {
    let cm = consumer["env"].as_array()?.iter().find_map(|e| (e["valueFrom"]["configMapKeyRef"]["key"] == json!(key)).then(|| e["valueFrom"]["configMapKeyRef"]["name"].as_str()).flatten())?;
    find(docs, "ConfigMap", ns, cm)?["data"][key].as_str().map(str::to_string)
}

#[test]
fn every_golden_kafka_trigger_authenticates_like_its_consumer() {
    let mut problems = Vec::new();
    let mut authenticated = 0;
    for case in k8s_cases() {
        let docs = support::rendered_documents(&case);
        authenticated += docs.iter().filter(|d| d["kind"] == json!("TriggerAuthentication")).count();
        problems.extend(check(&docs).into_iter().map(|p| format!("{case}: {p}")));
    }
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
    assert!(authenticated >= 5, "only {authenticated} golden TriggerAuthentication(s): the check checked too little");
}

/// The showcase's strimzi binding `msg.orders` (cluster `events`, KafkaUser `payments`).
#[test]
fn strimzi_scram_user_gives_the_trigger_a_trigger_authentication() {
    let docs = support::rendered_documents("render-bindings-showcase-k8s");
    let so = docs.iter().find(|d| d["kind"] == json!("ScaledObject")).expect("a ScaledObject");
    let trigger = &so["spec"]["triggers"][0];
    assert_eq!(trigger["type"], json!("kafka"));
    assert_eq!(trigger["metadata"]["sasl"], json!("scram_sha512"));
    assert!(trigger["metadata"].get("tls").is_none(), "the plain listener (9092) has no TLS: {trigger}");
    let auth_name = trigger["authenticationRef"]["name"].as_str().expect("authenticationRef.name");
    let auth = find(&docs, "TriggerAuthentication", &json!("payments"), auth_name).expect("the referenced TriggerAuthentication");
    assert_eq!(auth["apiVersion"], json!("keda.sh/v1alpha1"));
    assert_eq!(auth["spec"]["secretTargetRef"], json!([{ "parameter": "password", "name": "payments", "key": "password" }]));
    assert_eq!(auth["spec"]["env"], json!([{ "parameter": "username", "name": "X07_BINDING_MSG_ORDERS_USERNAME", "containerName": "ledger" }]));
    assert_eq!(auth["metadata"]["labels"]["x07.io/binding"], json!("msg.orders"));
    // KEDA reads the Secret; nothing secret is written into either object.
    let text = format!("{so}{auth}");
    assert!(!text.contains("sasl.jaas.config") && !text.to_ascii_lowercase().contains("scram-sha-512 required"));
}

// ---------------------------------------------------------------------------------------
// The checker can fail
// ---------------------------------------------------------------------------------------

fn fixture() -> Vec<Value> {
    let ns = "shop";
    let env = json!([
        { "name": "X07_EVENT_BINDING_REF", "value": "msg.orders" },
        { "name": "X07_EVENT_TOPIC", "value": "orders" },
        { "name": "X07_EVENT_CONSUMER_GROUP", "value": "g" },
        { "name": "X07_BINDING_MSG_ORDERS_USERNAME", "valueFrom": { "configMapKeyRef": { "name": "cm", "key": "MSG_ORDERS_USERNAME" } } },
        { "name": "X07_BINDING_MSG_ORDERS_PASSWORD", "valueFrom": { "secretKeyRef": { "name": "u", "key": "password" } } },
        { "name": "X07_BINDING_MSG_ORDERS_SASL_MECHANISM", "valueFrom": { "configMapKeyRef": { "name": "cm", "key": "MSG_ORDERS_SASL_MECHANISM" } } },
    ]);
    vec![
        json!({ "kind": "ConfigMap", "metadata": { "name": "cm", "namespace": ns }, "data": { "MSG_ORDERS_USERNAME": "u", "MSG_ORDERS_SASL_MECHANISM": "SCRAM-SHA-512" } }),
        json!({ "kind": "Deployment", "metadata": { "name": "d", "namespace": ns }, "spec": { "template": { "spec": { "containers": [{ "name": "c", "env": env }] } } } }),
        json!({ "kind": "TriggerAuthentication", "metadata": { "name": "a", "namespace": ns }, "spec": {
            "secretTargetRef": [{ "parameter": "password", "name": "u", "key": "password" }],
            "env": [{ "parameter": "username", "name": "X07_BINDING_MSG_ORDERS_USERNAME", "containerName": "c" }],
        } }),
        json!({ "kind": "ScaledObject", "metadata": { "name": "d", "namespace": ns }, "spec": {
            "scaleTargetRef": { "name": "d" },
            "triggers": [{ "type": "kafka", "metadata": { "topic": "orders", "consumerGroup": "g", "sasl": "scram_sha512" }, "authenticationRef": { "name": "a" } }],
        } }),
    ]
}

fn assert_reports(docs: &[Value], needle: &str) {
    let problems = check(docs);
    assert!(problems.iter().any(|p| p.contains(needle)), "expected a problem containing {needle:?}, got {problems:#?}");
}

#[test]
fn checker_accepts_the_fixture() {
    assert_eq!(check(&fixture()), Vec::<String>::new());
}

#[test]
fn checker_reports_each_broken_rule() {
    let mut docs = fixture();
    docs[3]["spec"]["triggers"][0].as_object_mut().unwrap().remove("authenticationRef");
    assert_reports(&docs, "the trigger has no authenticationRef");

    let mut docs = fixture();
    docs[3]["spec"]["triggers"][0]["authenticationRef"]["name"] = json!("nope");
    assert_reports(&docs, "is not an emitted TriggerAuthentication");

    let mut docs = fixture();
    docs[2]["spec"]["secretTargetRef"][0]["key"] = json!("sasl.jaas.config");
    assert_reports(&docs, "but the consumer reads Secret");

    let mut docs = fixture();
    docs[2]["spec"]["env"][0]["containerName"] = json!("other");
    assert_reports(&docs, "which does not hold X07_BINDING_MSG_ORDERS_USERNAME");

    let mut docs = fixture();
    docs[2]["spec"].as_object_mut().unwrap().remove("env");
    assert_reports(&docs, "gives no username");

    let mut docs = fixture();
    docs[3]["spec"]["triggers"][0]["metadata"]["sasl"] = json!("scram_sha256");
    assert_reports(&docs, "authenticates with \"scram_sha512\"");

    let mut docs = fixture();
    docs[2]["spec"]["secretTargetRef"].as_array_mut().unwrap().push(json!({ "parameter": "sasl", "name": "u", "key": "sasl" }));
    assert_reports(&docs, "`sasl` in both the trigger and its TriggerAuthentication");
}

/// `explain` names the TriggerAuthentication among the binding's objects, at the path
/// `render --out` writes it to.
#[test]
fn explain_lists_the_trigger_authentication_render_writes() {
    let t = Test::from_case("render-bindings-showcase-k8s").args(&["explain", "--profile", "prod", "msg.orders", "--format", "json"]);
    let report = support::json_report(&t.expect(0));
    let objects = report["result"]["bindings"][0]["objects"].as_array().cloned().unwrap_or_default();
    let auth = objects.iter().find(|o| o["kind"] == json!("TriggerAuthentication")).unwrap_or_else(|| panic!("no TriggerAuthentication in {objects:?}"));
    let path = auth["path"].as_str().unwrap_or("");
    let rendered = support::repo_root().join("golden/render-bindings-showcase-k8s/expected/files").join(path);
    let text = std::fs::read_to_string(&rendered).unwrap_or_else(|e| panic!("{}: {e}", rendered.display()));
    assert!(text.contains(&format!("  name: {}\n", auth["name"].as_str().unwrap_or("?"))), "{text}");
}
