//! Object and variable names derived from manifest names (SPEC §4, "Names").

use sha2::{Digest, Sha256};

/// DNS-1123 label characters: ASCII lower-case letters and digits kept, every run of other
/// characters one `-`, no `-` at either end. May return an empty string.
pub fn sanitize_dns1123(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// A DNS-1123 label as Kubernetes takes it for a namespace: 1 to 63 lower-case letters,
/// digits and `-`, a letter or digit at both ends.
pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty() && s.len() <= 63 && sanitize_dns1123(s) == s
}

/// A Kubernetes object name from `parts` joined with `-`, at most `max` characters: a name
/// too long is cut and suffixed with 8 hex characters of the SHA-256 of the full name, so
/// two long names that share a prefix stay apart. DNS-1035 (a letter first) is kept when
/// the first part starts with a letter.
pub fn object_name(parts: &[&str], max: usize) -> String {
    let full = sanitize_dns1123(&parts.join("-"));
    if full.len() <= max {
        return full;
    }
    let digest = Sha256::digest(full.as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let keep = &full[..max - hash.len() - 1];
    format!("{}-{hash}", keep.trim_end_matches('-'))
}

/// The environment-variable form of a binding name: `db.primary` → `DB_PRIMARY`.
pub fn env_token(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Kubernetes limits on names.
pub const MAX_OBJECT_NAME: usize = 63;
pub const MAX_CRONJOB_NAME: usize = 52;
pub const MAX_PORT_NAME: usize = 15;

/// Kubernetes' C_IDENTIFIER rule for env names in `env` (and what is safe in `envFrom`).
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Secret or ConfigMap data key: `[-._a-zA-Z0-9]+`, at most 253 characters.
pub fn is_config_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 253 && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitises_to_dns_labels() {
        assert_eq!(sanitize_dns1123("Orders_API..v2"), "orders-api-v2");
        assert_eq!(sanitize_dns1123("__"), "");
        assert_eq!(object_name(&["orders", "frontdoor"], 63), "orders-frontdoor");
    }

    #[test]
    fn long_names_are_cut_with_a_hash() {
        let long = "a".repeat(80);
        let n = object_name(&["svc", &long], 52);
        assert_eq!(n.len(), 52);
        assert_ne!(n, object_name(&["svc", &format!("{long}b")], 52));
        assert!(n.starts_with("svc-aaaa"));
    }

    #[test]
    fn env_tokens() {
        assert_eq!(env_token("db.primary"), "DB_PRIMARY");
        assert_eq!(env_token("obs--otlp."), "OBS_OTLP");
        assert!(is_env_name("X07_BINDING_DB_PRIMARY_DSN"));
        assert!(!is_env_name("1X"));
        assert!(is_config_key("bootstrap.servers"));
        assert!(!is_config_key("a b"));
    }
}
