//! `x07-topo schema`: JSON Schemas derived from the Rust types, so they cannot drift.

use super::args::SchemaKind;
use super::resolve::Schema;
use super::output::{write_stdout, EXIT_OK};

/// Where the schemas live, by name: `$id` is `ID_BASE` + the format's schema version +
/// `.json`, and `schemas/` in the repository holds the same files under the same names.
pub const ID_BASE: &str = "https://schemas.x07.dev/x07-topo/";

/// The schema version a kind's documents declare.
pub fn schema_version(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Manifest => crate::manifest::SCHEMA_VERSION,
        SchemaKind::Profile => crate::profile::SCHEMA_VERSION,
        SchemaKind::Target => crate::target::SCHEMA_VERSION,
        SchemaKind::Hosted => crate::emit::hosted::SCHEMA_VERSION,
    }
}

pub fn schema_text(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Manifest => schemars::schema_for!(crate::manifest::Manifest),
        SchemaKind::Profile => schemars::schema_for!(crate::profile::ProfileDocument),
        SchemaKind::Target => schemars::schema_for!(crate::target::TargetDescription),
        SchemaKind::Hosted => schemars::schema_for!(crate::emit::hosted::HostedDeployment),
    };
    let mut value = schema.to_value();
    drop_null(&mut value);
    if kind != SchemaKind::Hosted {
        let never_null = if kind == SchemaKind::Manifest { MANIFEST_NEVER_NULL } else { &[] };
        null_means_absent(&mut value, never_null);
    }
    identify(&mut value, kind);
    let mut text = serde_json::to_string_pretty(&value).expect("schemas serialise");
    text.push('\n');
    text
}

pub fn run(args: &Schema) -> i32 {
    write_stdout(&schema_text(args.kind));
    EXIT_OK
}

/// Gives the schema its `$id` and, for the input formats, the top-level `$schema` member
/// editors write into a document to find this schema (the decoders accept and ignore it).
fn identify(schema: &mut serde_json::Value, kind: SchemaKind) {
    let Some(map) = schema.as_object_mut() else { return };
    map.insert("$id".to_string(), format!("{ID_BASE}{}.json", schema_version(kind)).into());
    if kind != SchemaKind::Hosted {
        if let Some(serde_json::Value::Object(props)) = map.get_mut("properties") {
            let member = serde_json::json!({
                "description": "The JSON Schema of this document, for editors (e.g. this schema's $id); x07-topo ignores it.",
                "type": "string",
            });
            props.insert("$schema".to_string(), member);
        }
    }
}

/// `null` where the decoders take it, and nowhere else: the `null` schemars adds for
/// `Option<T>` is taken out first (an output never writes null; an `Option` inside a list
/// or map is not a member), then [`null_means_absent`] allows it for optional members of inputs.
fn drop_null(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_string(), only);
                }
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
                if any.len() == 1 {
                    let Value::Object(only) = any.remove(0) else { unreachable!("schemas are objects") };
                    map.remove("anyOf");
                    map.extend(only);
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// The manifest's optional members that upstream models as a defaulted value, not an
/// `Option`: upstream's parser refuses `null` for them (SPEC §2.1), and so does the schema.
const MANIFEST_NEVER_NULL: &[&str] = &["topology_profiles", "resource_bindings", "binding_refs", "runtime", "command", "required"];

/// An input's optional member may be `null`, which means absent (SPEC §2.1: upstream's
/// serializer writes such nulls); a required one may not, nor one named in `never_null`.
fn null_means_absent(v: &mut serde_json::Value, never_null: &[&str]) {
    use serde_json::{json, Value};
    match v {
        Value::Object(map) => {
            let required: Vec<String> = match map.get("required") {
                Some(Value::Array(r)) => r.iter().filter_map(|k| k.as_str().map(str::to_string)).collect(),
                _ => Vec::new(),
            };
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (key, schema) in props.iter_mut() {
                    null_means_absent(schema, never_null);
                    if !required.contains(key) && !never_null.contains(&key.as_str()) {
                        *schema = json!({"anyOf": [schema.take(), {"type": "null"}]});
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if key != "properties" {
                    null_means_absent(child, never_null);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| null_means_absent(i, never_null)),
        _ => {}
    }
}
