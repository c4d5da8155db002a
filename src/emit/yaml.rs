//! YAML text of one document, as Kubernetes' YAML 1.1 reader reads it back.

/// serde-saphyr quotes every string a YAML 1.1 reader would take for something else
/// (`on`, `no`, `y`, `1_000`, `0755`, ...); the tests round-trip every golden output to prove it.
pub fn to_yaml(value: &serde_json::Value) -> String {
    let mut text = serde_saphyr::to_string(value).expect("a JSON value always serialises to YAML");
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
}
