//! How `x07-topo schema profile` documents the built-in providers: the entry's `provider`
//! lists them, and for each one an `if provider = NAME then params is ...` clause gives its
//! declared params (type, required, default, description).

use super::providers::ALL;
use serde_json::{json, Value};

/// Adds the providers to the schema of a binding entry (`BindingConfig`).
pub fn document_providers(schema: &mut schemars::Schema) {
    let Some(map) = schema.as_object_mut() else { return };
    let mut entry = Value::Object(std::mem::take(map));
    document(&mut entry);
    if let Value::Object(done) = entry {
        *map = done;
    }
}

fn document(entry: &mut Value) {
    let listing: Vec<String> = ALL.iter().map(|p| format!("`{}`: {}", p.name, p.summary)).collect();
    if let Some(provider) = entry.pointer_mut("/properties/provider") {
        provider["description"] = Value::String(format!(
            "Kubernetes targets: a built-in provider (default `secret`). wasmCloud: a capability provider of the catalog. Hosted: a platform provider kind.\n{}",
            listing.join("\n")
        ));
        provider["examples"] = json!(ALL.iter().map(|p| p.name).collect::<Vec<_>>());
    }
    let clauses: Vec<Value> = ALL
        .iter()
        .map(|p| {
            let mut then = json!({ "properties": { "params": super::params::schema(p.params) } });
            if p.params.iter().any(|x| x.required) {
                then["required"] = json!(["params"]);
            }
            let mut cond = json!({ "properties": { "provider": { "const": p.name } } });
            if p.name != super::providers::DEFAULT {
                cond["required"] = json!(["provider"]);
            }
            json!({ "if": cond, "then": then, "description": format!("provider `{}`{}", p.name, served(p)) })
        })
        .collect();
    entry["allOf"] = Value::Array(clauses);
}

fn served(p: &super::providers::ProviderDef) -> String {
    if p.kinds.is_empty() {
        String::new()
    } else {
        format!(" ({} bindings)", p.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))
    }
}
