//! No secret value in any output (SPEC §4.1: "No secret value is ever written"). Every file a
//! golden case expects (rendered folders, stdout, stderr, SARIF) is searched for credentials
//! written out: a URI with a literal password, a PEM private key, an AWS access key id, and, in
//! the documents that carry plain configuration (ConfigMap `data`, wadm named config
//! `properties`, env `value`), a member whose name says credential. Hand-made documents show
//! each rule can fail.

mod support;

use serde_json::Value;

/// Names that say credential, as the last `_`-separated words of a variable or key.
const SECRET_SUFFIXES: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "SECRET_KEY", "ACCESS_KEY", "API_KEY", "TOKEN", "PRIVATE_KEY", "CREDENTIALS"];

/// X07 contract variables whose names end like a credential but carry none.
const CONTRACT_NAMES: &[&str] = &["X07_JOB_CHECKPOINT_KEY"];

fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    !CONTRACT_NAMES.contains(&upper.as_str()) && SECRET_SUFFIXES.iter().any(|s| upper == *s || upper.ends_with(&format!("_{s}")))
}

/// Credentials in text: `scheme://user:password@` with a literal password (a `$(VAR)`
/// reference is fine), a PEM private key, an AWS access key id.
fn text_problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("://") {
        let rest = &text[i + 3..];
        let end = rest.find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'').unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                if !password.is_empty() && !password.starts_with("$(") {
                    out.push(format!("a URI with a literal password: {authority}"));
                }
            }
        }
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        out.push("a PEM private key".to_string());
    }
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("AKIA") {
        let id = &bytes[i + 4..bytes.len().min(i + 20)];
        if id.len() == 16 && id.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            out.push("an AWS access key id".to_string());
        }
    }
    out
}

/// Plain configuration members named like credentials, anywhere in a document.
fn document_problems(doc: &Value, at: &str, out: &mut Vec<String>) {
    match doc {
        Value::Object(map) => {
            let plain: Option<&Value> = if map.get("kind").and_then(Value::as_str) == Some("ConfigMap") {
                map.get("data")
            } else if map.contains_key("name") && map.get("properties").is_some_and(Value::is_object) && !map.contains_key("type") {
                // wadm named config: {name, properties}
                map.get("properties")
            } else {
                None
            };
            for key in plain.and_then(Value::as_object).into_iter().flat_map(|m| m.keys()) {
                if looks_secret(key) {
                    out.push(format!("{at}: plain configuration `{key}` is a credential"));
                }
            }
            if let (Some(Value::String(name)), Some(Value::String(_))) = (map.get("name"), map.get("value")) {
                if looks_secret(name) {
                    out.push(format!("{at}: env {name} is a credential with a literal value"));
                }
            }
            for (k, v) in map {
                document_problems(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                document_problems(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// A YAML line `KEY: value` (our emitter writes block style) whose key is a credential with a
/// literal value: in ConfigMap `data` or wadm named config, the only places keys are variables.
fn yaml_problems(name: &str, text: &str, out: &mut Vec<String>) {
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start().trim_start_matches("- ");
        let Some((key, value)) = line.split_once(": ") else { continue };
        let value = value.trim();
        if looks_secret(key) && !value.is_empty() && !value.starts_with('{') && !value.starts_with('[') {
            out.push(format!("{name}:{}: `{key}` is a credential with a literal value", i + 1));
        }
    }
}

/// The stdout of a golden `.out` transcript (`exit: N`, `--- stdout`, ..., `--- stderr`, ...).
fn stdout_of(text: &str) -> &str {
    let body = text.split_once("--- stdout\n").map_or("", |(_, rest)| rest);
    body.split_once("--- stderr").map_or(body, |(stdout, _)| stdout)
}

fn file_problems(name: &str, text: &str) -> Vec<String> {
    let mut out: Vec<String> = text_problems(text).into_iter().map(|p| format!("{name}: {p}")).collect();
    let body = if name.ends_with(".out") { stdout_of(text) } else { text };
    if let Ok(doc) = serde_json::from_str::<Value>(body) {
        document_problems(&doc, name, &mut out);
    } else if name.ends_with(".yaml") || body.starts_with("apiVersion:") || body.contains("\n---\n") {
        yaml_problems(name, body, &mut out);
    }
    out
}

#[test]
fn no_golden_output_holds_a_secret_value() {
    let root = support::repo_root().join("golden");
    let mut problems = Vec::new();
    let mut files = 0;
    let mut documents_with_bindings = 0;
    for case in support::golden_cases() {
        let expected = root.join(&case).join("expected");
        for rel in support::list_files(&expected) {
            let text = std::fs::read_to_string(expected.join(&rel)).unwrap_or_default();
            files += 1;
            if text.contains("X07_BINDING_") {
                documents_with_bindings += 1;
            }
            problems.extend(file_problems(&format!("{case}/expected/{rel}"), &text));
        }
    }
    assert!(files > 500, "only {files} golden files found");
    assert!(documents_with_bindings > 50, "only {documents_with_bindings} golden files carry bindings");
    assert!(problems.is_empty(), "secret values in golden outputs:\n{}", problems.join("\n"));
}

#[test]
fn each_rule_can_fail() {
    let uri = file_problems("a.txt", "DSN: postgresql://app:hunter2@db:5432/app");
    assert_eq!(uri.len(), 1, "{uri:?}");
    assert!(file_problems("a.txt", "postgresql://$(X07_BINDING_DB_USER):$(X07_BINDING_DB_PASSWORD)@db/app").is_empty());
    assert!(file_problems("a.txt", "http://otel-collector.observability:4317 user@example.com").is_empty());
    assert_eq!(file_problems("a.txt", "-----BEGIN RSA PRIVATE KEY-----").len(), 1);
    assert_eq!(file_problems("a.txt", "key: AKIAIOSFODNN7EXAMPLE").len(), 1);

    let config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  DB_PRIMARY_PASSWORD: x\n  DB_PRIMARY_HOST: db\n";
    let p = file_problems("x.yaml", config_map);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("DB_PRIMARY_PASSWORD"));

    let wadm = "spec:\n  components:\n  - name: c\n    properties:\n      config:\n      - name: c-db\n        properties:\n          POSTGRES_PASSWORD: x\n";
    assert_eq!(file_problems("w.yaml", wadm).len(), 1);

    let env = r#"{"env": [{"name": "X07_BINDING_STRIPE_API_KEY", "value": "sk_live"}, {"name": "X07_JOB_CHECKPOINT_KEY", "value": "k"}]}"#;
    let p = file_problems("e.json", env);
    assert_eq!(p.len(), 1, "{p:?}");

    assert!(looks_secret("SECRET_KEY") && looks_secret("x07_binding_s3_secret_key") && !looks_secret("SECRET_NAME") && !looks_secret("KEYS"));
}

/// Values a golden case's profiles and targets give under a credential-like name in a binding
/// rule's `config` or `params` (`"PASSWORD": "hunter2-..."`). `keys`, `secret` and the
/// external-secrets `properties` hold names of Secrets, keys and remote properties, not values;
/// so do the params that name the Secret holding a password (`password_secret` of mariadb and
/// redis, whose names are the provider contract).
fn secret_looking_values(v: &Value, in_values: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter().filter(|(k, _)| *k != "keys" && *k != "properties") {
                const SECRET_NAME_PARAMS: &[&str] = &["password_secret"];
                if let (true, Value::String(s)) = (in_values && looks_secret(k) && !SECRET_NAME_PARAMS.contains(&k.as_str()), child) {
                    out.push(s.clone());
                }
                secret_looking_values(child, in_values || k == "config" || k == "params", out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| secret_looking_values(i, in_values, out)),
        _ => {}
    }
}

#[test]
fn no_secret_looking_input_value_reaches_any_output() {
    let root = support::repo_root().join("golden");
    let mut problems = Vec::new();
    let mut values = 0;
    for case in support::golden_cases() {
        let dir = root.join(&case);
        let mut secrets = Vec::new();
        for rel in support::list_files(&dir.join("arch")) {
            let text = std::fs::read_to_string(dir.join("arch").join(&rel)).unwrap_or_default();
            if let Ok(doc) = serde_json::from_str::<Value>(&text) {
                secret_looking_values(&doc, false, &mut secrets);
            }
        }
        values += secrets.len();
        let expected = dir.join("expected");
        for rel in support::list_files(&expected) {
            let text = std::fs::read_to_string(expected.join(&rel)).unwrap_or_default();
            // Transcripts: stdout only (stderr quotes the offending input line back to its author).
            let output = if rel.ends_with(".out") { stdout_of(&text) } else { text.as_str() };
            for s in secrets.iter().filter(|s| output.contains(s.as_str())) {
                problems.push(format!("{case}/expected/{rel} contains the input's secret-looking value {s:?}"));
            }
        }
    }
    assert!(values > 0, "no golden input gives a secret-looking value: the test would check nothing");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
