//! `x07-topo schema`: JSON Schemas derived from the Rust types, so they cannot drift.

use super::args::SchemaKind;
use super::resolve::Schema;
use super::output::{write_stdout, EXIT_OK};

pub fn schema_text(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Manifest => schemars::schema_for!(crate::manifest::Manifest),
        SchemaKind::Profile => schemars::schema_for!(crate::profile::ProfileDocument),
        SchemaKind::Target => schemars::schema_for!(crate::target::TargetDescription),
        SchemaKind::Hosted => schemars::schema_for!(crate::emit::hosted::HostedDeployment),
    };
    let mut value = schema.to_value();
    drop_null(&mut value);
    let mut text = serde_json::to_string_pretty(&value).expect("schemas serialise");
    text.push('\n');
    text
}

pub fn run(args: &Schema) -> i32 {
    write_stdout(&schema_text(args.kind));
    EXIT_OK
}

/// Optional members may be absent but never `null` (the decoders reject null), so the
/// `null` schemars adds for `Option<T>` is taken out again.
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
