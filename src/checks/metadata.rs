//! Kubernetes object metadata a profile may add (SPEC §4.2): label and annotation keys
//! (qualified names), label values and the size of an annotation map, checked the way the
//! API server's validation checks them; and which keys the compiler owns.

/// The API server's limit on the total size of one object's annotations (keys and values).
pub const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters: a qualified name's name
/// part and every non-empty label value.
fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A DNS-1123 subdomain: at most 253 characters, dot-separated lower-case labels.
fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(super::names::is_dns1123_label)
}

/// Why `key` is not a qualified name (`[prefix/]name`, the prefix a DNS-1123 subdomain),
/// or `None` when it is one.
pub fn qualified_name_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if name.contains('/') {
        return Some("it has more than one `/`".to_string());
    }
    if let Some(p) = prefix {
        if p.is_empty() || !is_dns1123_subdomain(p) {
            return Some(format!("its prefix `{}` is not a DNS-1123 subdomain (lower-case letters, digits, `-` and `.`, at most 253)", crate::diagnostics::echo(p)));
        }
    }
    if !is_name_part(name) {
        return Some(format!(
            "its name `{}` is not 1 to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
            crate::diagnostics::echo(name)
        ));
    }
    None
}

/// Whether a label value is one Kubernetes takes (empty, or a name part).
pub fn is_label_value(v: &str) -> bool {
    v.is_empty() || is_name_part(v)
}

/// Label keys the compiler sets on objects and pod templates (SPEC §4 "Labels"); selectors
/// and Services depend on them. Every `x07.io` key is the compiler's too.
const OWNED_LABELS: &[&str] = &["app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"];

/// Whether the compiler owns a label or annotation key: the `x07.io` prefix (and its
/// subdomains) for both, plus the `app.kubernetes.io` labels it writes.
pub fn is_compiler_owned(key: &str, label: bool) -> bool {
    let prefix = key.split_once('/').map_or("", |(p, _)| p);
    prefix == "x07.io" || prefix.ends_with(".x07.io") || (label && OWNED_LABELS.contains(&key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_as_kubernetes_checks_them() {
        for ok in ["team", "example.com/team", "a.b-c/x_y.z", "eks.amazonaws.com/role-arn", "A9"] {
            assert_eq!(qualified_name_problem(ok), None, "{ok}");
        }
        for bad in ["", "/x", "Example.com/x", "a/b/c", "-x", "x-", "a b", &"x".repeat(64), &format!("{}/x", "a".repeat(254)), "example.com/"] {
            assert!(qualified_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn label_values() {
        assert!(is_label_value(""));
        assert!(is_label_value("cost-centre_7.a"));
        assert!(!is_label_value("-a"));
        assert!(!is_label_value(&"v".repeat(64)));
        assert!(!is_label_value("a/b"));
    }

    #[test]
    fn owned_keys() {
        assert!(is_compiler_owned("x07.io/cell-key", true));
        assert!(is_compiler_owned("x07.io/anything", false));
        assert!(is_compiler_owned("team.x07.io/a", false));
        assert!(is_compiler_owned("app.kubernetes.io/component", true));
        assert!(!is_compiler_owned("app.kubernetes.io/component", false));
        assert!(!is_compiler_owned("app.kubernetes.io/version", true));
        assert!(!is_compiler_owned("notx07.io/a", true));
    }
}

/// An IPv4 or IPv6 CIDR (`address/prefix`, the prefix within the address's width), as a
/// NetworkPolicy `ipBlock.cidr` takes it.
pub fn is_cidr(s: &str) -> bool {
    let Some((addr, len)) = s.split_once('/') else { return false };
    let Ok(len) = len.parse::<u8>() else { return false };
    if len.to_string().len() != s.len() - addr.len() - 1 {
        return false; // a sign or leading zeros
    }
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => len <= 32,
        Ok(std::net::IpAddr::V6(_)) => len <= 128,
        Err(_) => false,
    }
}

#[cfg(test)]
mod cidr_tests {
    #[test]
    fn cidrs() {
        for ok in ["10.20.0.0/16", "0.0.0.0/0", "2001:db8::/32", "192.168.1.7/32"] {
            assert!(super::is_cidr(ok), "{ok}");
        }
        for bad in ["10.20.0.0", "10.20.0.0/33", "10.20.0/16", "x/8", "10.0.0.0/+8", "10.0.0.0/08", "::/129"] {
            assert!(!super::is_cidr(bad), "{bad}");
        }
    }
}
