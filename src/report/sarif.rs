//! A SARIF 2.1.0 log of a run's diagnostics, for code scanning (`check --format sarif`).
//! The rules are the whole code table in table order, so `ruleIndex` is stable across runs
//! and versions that only add codes; allowed warnings are results with a suppression.

use crate::diagnostics::{codes, Diagnostic, Severity};
use serde_json::{json, Value};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The log: one run of x07-topo with `shown` results, then the `suppressed` ones.
pub fn log(version: &str, shown: &[Diagnostic], suppressed: &[Diagnostic]) -> Value {
    let rules: Vec<Value> = codes::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "shortDescription": { "text": c.summary },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": { "class": c.class.as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = shown.iter().map(|d| result(d, false)).chain(suppressed.iter().map(|d| result(d, true))).collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "x07-topo", "version": version, "rules": rules } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(d: &Diagnostic, suppressed: bool) -> Value {
    let index = codes::ALL.iter().position(|c| c.id == d.code.id).expect("every diagnostic's code is in the table");
    let text = if d.hint.is_empty() { d.message.clone() } else { format!("{}\nhint: {}", d.message, d.hint) };
    let mut r = json!({
        "ruleId": d.code.id,
        "ruleIndex": index,
        "level": level(d.code.severity),
        "message": { "text": text },
    });
    if !d.file.is_empty() {
        let mut physical = json!({ "artifactLocation": { "uri": uri(&d.file) } });
        if let (Some(line), Some(column)) = (d.line, d.column) {
            physical["region"] = json!({ "startLine": line, "startColumn": column });
        }
        let mut location = json!({ "physicalLocation": physical });
        if !d.pointer.is_empty() {
            // The JSON pointer is where the problem is in the document's own terms.
            location["logicalLocations"] = json!([{ "fullyQualifiedName": d.pointer, "kind": "member" }]);
        }
        r["locations"] = json!([location]);
    }
    if suppressed {
        r["suppressions"] = json!([{ "kind": "external", "justification": "allowed by --allow or the profile's lints" }]);
    }
    r
}

/// A relative path as a URI reference: unreserved characters and `/` as they are, the rest
/// percent-encoded (UTF-8).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("arch/service/index.x07service.json"), "arch/service/index.x07service.json");
        assert_eq!(uri("my dir/é#1.json"), "my%20dir/%C3%A9%231.json");
    }

    #[test]
    fn rule_index_points_at_the_rule_of_the_result() {
        let d = Diagnostic::about_file(&codes::ARCHETYPE_RULE, "m.json", "w", "h");
        let log = log("0", &[d], &[]);
        let run = &log["runs"][0];
        let index = run["results"][0]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "XT122");
        assert_eq!(run["results"][0]["message"]["text"], "w\nhint: h");
    }
}
