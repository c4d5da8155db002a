//! YAML text of one document, as Kubernetes' YAML 1.1 reader reads it back.

/// serde-saphyr quotes every string a YAML 1.1 reader would take for something else
/// (`on`, `no`, `y`, `1_000`, `0755`, ...); the tests round-trip every golden output to prove it.
/// Block scalars are off: a long value stays on its key's line (quoted when it must be), as
/// kubectl and helm write it, so `grep 'image:.*sha256'` in a pipeline finds it.
pub fn to_yaml(value: &serde_json::Value) -> String {
    let options = serde_saphyr::ser_options! { prefer_block_scalars: false };
    let mut text = serde_saphyr::to_string_with_options(value, options).expect("a JSON value always serialises to YAML");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_lookalikes_stay_strings() {
        let text = to_yaml(&serde_json::json!({"v": ["on", "no", "y", "off", "1_000", "0755", "~", "null", "1e3", "0x1F"]}));
        for word in ["on", "no", "y", "off", "1_000", "0755", "~", "null", "1e3", "0x1F"] {
            assert!(text.contains(&format!("\"{word}\"")), "{word} unquoted in:\n{text}");
        }
    }

    /// Each value is one line: no block scalar (`>`, `|`), no continuation line.
    #[test]
    fn long_scalars_are_never_folded() {
        let words = "k8s.namespace.name=orders,service.version=1.4.2 ".repeat(45);
        let digest = format!("ghcr.io/acme/orders@sha256:{}", "0123456789abcdef".repeat(4));
        let multiline = "line one\nline two\n";
        let value = serde_json::json!({"env": [{"name": "OTEL_RESOURCE_ATTRIBUTES", "value": words}], "image": digest, "script": multiline});
        let text = to_yaml(&value);
        assert!(words.len() > 2000);
        assert_eq!(text.lines().count(), 5, "one line per key:\n{text}");
        for line in text.lines() {
            assert!(!line.trim_end().ends_with(['>', '|', '-']) || line.trim_start() == "-", "block scalar indicator in {line:?}");
        }
        assert!(text.lines().any(|l| l.starts_with("image: ") && l.contains("sha256:")), "{text}");
        assert!(text.contains(words.trim_end()), "the long value is not on one line:\n{text}");
        assert!(text.contains(r#"script: "line one\nline two\n""#), "{text}");
    }
}
