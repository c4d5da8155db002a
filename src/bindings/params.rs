//! Declared provider params (SPEC §4.1): type, required, default, description; and the check
//! of a profile's `params` against them, every problem at its pointer.

use crate::decode::Decoder;
use crate::diagnostics::{codes, Code};
use crate::json::{Node, Pointer, Value};
use crate::suggest::did_you_mean;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A non-blank string.
    Text,
    /// A DNS-1123 subdomain: it becomes (part of) a Kubernetes object name.
    ObjectName,
    Integer { min: i64, max: i64 },
    OneOf(&'static [&'static str]),
    /// An object of strings, e.g. output → remote property.
    TextMap,
    /// An object whose values are strings, numbers or booleans (Kafka topic settings).
    Settings,
    /// A list of non-blank strings.
    TextList,
    /// A Go duration as Kubernetes controllers read it: `1h`, `30m`, `1h30m0s`.
    Duration,
    /// A DNS-1123 label (<= 63): a Service or host name part, spliced into a URL's host.
    DnsLabel,
    /// A SQL identifier (letters, digits, `_`, not starting with a digit, <= 63), spliced
    /// into a DSN's path; `reserved` are names the operator itself refuses.
    Identifier { reserved: &'static [&'static str] },
    /// Printable text (<= 255) percent-encoded where it is spliced into a URL (a RabbitMQ vhost).
    UrlSegment,
    /// A Kubernetes quantity of bytes (`1Gi`, `500M`).
    Quantity,
    /// An absolute file path (no `..`, no control characters).
    AbsolutePath,
    Bool,
    /// Any JSON object, passed through.
    Object,
}

impl ParamType {
    pub fn describe(self) -> String {
        match self {
            ParamType::Text => "a string".to_string(),
            ParamType::ObjectName => "a Kubernetes object name (lower-case letters, digits, `-`, `.`)".to_string(),
            ParamType::Integer { min, max } => format!("an integer from {min} to {max}"),
            ParamType::OneOf(words) => format!("one of {}", words.join(", ")),
            ParamType::TextMap => "an object of strings".to_string(),
            ParamType::Settings => "an object of strings, numbers or booleans".to_string(),
            ParamType::TextList => "an array of strings".to_string(),
            ParamType::Duration => "a duration such as \"1h\", \"30m\" or \"1h30m0s\"".to_string(),
            ParamType::DnsLabel => "a DNS label (lower-case letters, digits, `-`; at most 63 characters)".to_string(),
            ParamType::Identifier { reserved: [] } => IDENTIFIER.to_string(),
            ParamType::Identifier { reserved } => format!("{IDENTIFIER}, not {}", reserved.join(", ")),
            ParamType::UrlSegment => "printable text (at most 255 characters), percent-encoded in the URL".to_string(),
            ParamType::Quantity => "a Kubernetes quantity such as \"1Gi\"".to_string(),
            ParamType::AbsolutePath => "an absolute file path without `..`".to_string(),
            ParamType::Bool => "true or false".to_string(),
            ParamType::Object => "an object".to_string(),
        }
    }

    /// The JSON Schema of a value of this type.
    pub fn schema(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            ParamType::Text => json!({"type": "string", "minLength": 1}),
            ParamType::ObjectName => json!({"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", "maxLength": 253}),
            ParamType::Integer { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
            ParamType::OneOf(words) => json!({"type": "string", "enum": words}),
            ParamType::TextMap => json!({"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}),
            ParamType::Settings => json!({"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}}),
            ParamType::TextList => json!({"type": "array", "items": {"type": "string", "minLength": 1}}),
            ParamType::Duration => json!({"type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"}),
            ParamType::DnsLabel => json!({"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63}),
            ParamType::Identifier { reserved } => {
                let mut s = json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 63});
                if !reserved.is_empty() {
                    s["not"] = json!({"enum": reserved});
                }
                s
            }
            ParamType::UrlSegment => json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^\\u0000-\\u001f\\u007f]+$"}),
            ParamType::Quantity => json!({"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$"}),
            ParamType::AbsolutePath => json!({"type": "string", "pattern": "^/", "maxLength": 4096}),
            ParamType::Bool => json!({"type": "boolean"}),
            ParamType::Object => json!({"type": "object"}),
        }
    }
}

const IDENTIFIER: &str = "an identifier (letters, digits, `_`, not starting with a digit; at most 63 characters)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    pub required: bool,
    pub default: Option<&'static str>,
    pub description: &'static str,
}

/// A checked param value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    Text(String),
    Integer(i64),
    TextMap(BTreeMap<String, String>),
    Settings(serde_json::Map<String, serde_json::Value>),
    TextList(Vec<String>),
    Bool(bool),
    Object(serde_json::Map<String, serde_json::Value>),
}

/// Checked params, defaults applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParamValues(pub BTreeMap<String, ParamValue>);

impl ParamValues {
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(ParamValue::Text(s)) => Some(s),
            _ => None,
        }
    }
    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(ParamValue::Integer(n)) => Some(*n),
            _ => None,
        }
    }
    pub fn text_map(&self, name: &str) -> BTreeMap<String, String> {
        match self.0.get(name) {
            Some(ParamValue::TextMap(m)) => m.clone(),
            _ => BTreeMap::new(),
        }
    }
    pub fn settings(&self, name: &str) -> Option<&serde_json::Map<String, serde_json::Value>> {
        match self.0.get(name) {
            Some(ParamValue::Settings(m)) => Some(m),
            _ => None,
        }
    }
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.0.get(name), Some(ParamValue::Bool(true)))
    }
    pub fn object(&self, name: &str) -> Option<&serde_json::Map<String, serde_json::Value>> {
        match self.0.get(name) {
            Some(ParamValue::Object(m)) => Some(m),
            _ => None,
        }
    }
    pub fn text_list(&self, name: &str) -> &[String] {
        match self.0.get(name) {
            Some(ParamValue::TextList(l)) => l,
            _ => &[],
        }
    }
}

/// Checks `params` (the node at `at`, absent when the entry has none) against the declared
/// params of `provider`; `entry_at` is where a missing `params` is reported.
pub fn check<'d>(d: &mut Decoder<'d>, provider: &str, declared: &[Param], node: Option<&'d Node>, at: &Pointer, entry_at: &Pointer) -> Option<ParamValues> {
    let names: Vec<&str> = declared.iter().map(|p| p.name).collect();
    let mut out = BTreeMap::new();
    let mut ok = true;
    let members = match node.map(|n| &n.value) {
        None => &[][..],
        Some(Value::Object(members)) => &members[..],
        Some(other) => {
            d.report(&codes::PROVIDER_PARAM_TYPE, at, format!("`params` must be an object, found {}", other.type_name()), "write the provider's params as an object");
            return None;
        }
    };
    for m in members {
        let here = at.key(&m.key);
        let Some(p) = declared.iter().find(|p| p.name == m.key) else {
            let allowed = if names.is_empty() { format!("provider `{provider}` takes no params") } else { format!("provider `{provider}` takes: {}", names.join(", ")) };
            d.report_key(&codes::UNKNOWN_PROVIDER_PARAM, &here, format!("provider `{provider}` has no param `{}`", m.key), format!("{}{allowed}", did_you_mean(&m.key, names.iter().copied())));
            ok = false;
            continue;
        };
        if let Some((code, why, hint)) = text(&m.value).and_then(|s| unsafe_splice(p, &s)) {
            d.report(code, &here, format!("param `{}` of provider `{provider}` {why}", p.name), hint);
            ok = false;
            continue;
        }
        match value(p, &m.value) {
            Some(v) => {
                out.insert(p.name.to_string(), v);
            }
            None => {
                d.report(
                    &codes::PROVIDER_PARAM_TYPE,
                    &here,
                    format!("param `{}` of provider `{provider}` must be {}, found {}", p.name, p.ty.describe(), shown(&m.value)),
                    format!("`{}`: {}", p.name, p.description),
                );
                ok = false;
            }
        }
    }
    for p in declared {
        if out.contains_key(p.name) || members.iter().any(|m| m.key == p.name) {
            continue;
        }
        if p.required {
            let (where_, pointer) = if node.is_some() { ("params", at) } else { ("the entry", entry_at) };
            d.report(
                &codes::MISSING_PROVIDER_PARAM,
                pointer,
                format!("provider `{provider}` needs param `{}`, which {where_} does not give", p.name),
                format!("add \"params\": {{\"{}\": ...}}: {}", p.name, p.description),
            );
            ok = false;
        } else if let Some(default) = p.default {
            out.insert(p.name.to_string(), ParamValue::Text(default.to_string()));
        }
    }
    ok.then_some(ParamValues(out))
}

fn shown(v: &Node) -> String {
    match &v.value {
        Value::String(s) => format!("\"{}\"", s.escape_debug()),
        Value::Number(n) => n.as_str().to_owned(),
        other => other.type_name().to_string(),
    }
}

fn text(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) if !s.trim().is_empty() => Some(s.as_str().to_owned()),
        _ => None,
    }
}

fn value(p: &Param, n: &Node) -> Option<ParamValue> {
    match p.ty {
        ParamType::Text => text(n).map(ParamValue::Text),
        ParamType::ObjectName => text(n).filter(|s| is_object_name(s)).map(ParamValue::Text),
        ParamType::OneOf(words) => text(n).filter(|s| words.contains(&s.as_str())).map(ParamValue::Text),
        ParamType::Integer { min, max } => match &n.value {
            Value::Number(t) => t.parse::<i64>().ok().filter(|v| (min..=max).contains(v)).map(ParamValue::Integer),
            _ => None,
        },
        ParamType::TextMap => match &n.value {
            Value::Object(ms) => ms.iter().map(|m| Some((m.key.as_str().to_owned(), text(&m.value)?))).collect::<Option<_>>().map(ParamValue::TextMap),
            _ => None,
        },
        ParamType::Settings => match &n.value {
            Value::Object(ms) if ms.iter().all(|m| matches!(m.value.value, Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
                let serde_json::Value::Object(map) = n.to_json() else { return None };
                Some(ParamValue::Settings(map))
            }
            _ => None,
        },
        ParamType::Duration => text(n).filter(|s| is_duration(s)).map(ParamValue::Text),
        ParamType::DnsLabel => text(n).filter(|s| is_dns_label(s)).map(ParamValue::Text),
        ParamType::Identifier { reserved } => text(n).filter(|s| is_identifier(s) && !reserved.contains(&s.as_str())).map(ParamValue::Text),
        ParamType::UrlSegment => text(n).filter(|s| is_vhost(s)).map(ParamValue::Text),
        ParamType::Quantity => text(n).filter(|s| crate::checks::quantity::parse_quantity(s).is_ok()).map(ParamValue::Text),
        ParamType::AbsolutePath => text(n).filter(|s| is_absolute_path(s)).map(ParamValue::Text),
        ParamType::Bool => match &n.value {
            Value::Bool(b) => Some(ParamValue::Bool(*b)),
            _ => None,
        },
        ParamType::Object => match n.to_json() {
            serde_json::Value::Object(map) => Some(ParamValue::Object(map)),
            _ => None,
        },
        ParamType::TextList => match &n.value {
            Value::Array(items) => items.iter().map(text).collect::<Option<_>>().map(ParamValue::TextList),
            _ => None,
        },
    }
}

/// A Go duration: one or more `<number><unit>`.
pub fn is_duration(s: &str) -> bool {
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number.starts_with('.') || number.ends_with('.') || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[digits..];
        let Some(unit) = ["ns", "us", "µs", "ms", "s", "m", "h"].iter().find(|u| rest.starts_with(**u)) else { return false };
        rest = &rest[unit.len()..];
    }
    true
}

/// A DNS-1123 label: one host-name part, never a dot, colon or slash.
pub fn is_dns_label(s: &str) -> bool {
    s.len() <= 63 && !s.is_empty() && crate::checks::names::sanitize_dns1123(s) == s
}

/// An unquoted SQL identifier, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1; MariaDB allows 64).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 63 && chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A RabbitMQ virtual host name: printable, at most 255 bytes (percent-encoded when spliced).
pub fn is_vhost(s: &str) -> bool {
    !s.is_empty() && s.len() <= 255 && !s.chars().any(char::is_control)
}

/// An absolute path with no `..` or `.` part and no control characters.
pub fn is_absolute_path(s: &str) -> bool {
    s.starts_with('/') && s.len() <= 4096 && !s.chars().any(char::is_control) && s.split('/').all(|p| p != ".." && p != ".")
}

/// Percent-encodes every byte but RFC 3986's unreserved characters, so a value spliced
/// into a URL path stays one path segment (`/` → `%2F`) and `$(` never reaches the kubelet.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a string param spliced into a URL, a host or an identifier cannot be used as given,
/// with the code and a hint; `None` when it is what it must be (or not such a param).
fn unsafe_splice(p: &Param, s: &str) -> Option<(&'static Code, String, String)> {
    let (what, ok) = match p.ty {
        ParamType::DnsLabel => ("a host name", is_dns_label(s)),
        ParamType::Identifier { reserved } => {
            if reserved.contains(&s) {
                return Some((
                    &codes::RESERVED_PARAM,
                    format!("names `{s}`, which the operator refuses (it reserves {})", reserved.join(", ")),
                    format!("`{}`: choose another name; {}", p.name, p.description),
                ));
            }
            ("a DSN or database identifier", is_identifier(s))
        }
        _ => return None,
    };
    if ok {
        return None;
    }
    let bad = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'));
    let effect = match bad {
        Some('?') => " (`?` would start a query string: sslmode, host, ...)".to_string(),
        Some('@') => " (`@` would start a host)".to_string(),
        Some('/') => " (`/` would start a path)".to_string(),
        Some('.' | ':') => " (`.` and `:` would name another host or port)".to_string(),
        Some(c) => format!(" (`{}` is not allowed)", c.escape_debug()),
        None => String::new(),
    };
    Some((
        &codes::UNSAFE_PARAM,
        format!("is spliced into {what} and must be {}, but \"{}\" is not{effect}", p.ty.describe(), s.escape_debug()),
        format!("`{}`: {}; a param can never add a query string, a host or a path", p.name, p.description),
    ))
}

/// A DNS-1123 subdomain.
pub fn is_object_name(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(|l| !l.is_empty() && l.len() <= 63 && crate::checks::names::sanitize_dns1123(l) == l)
}

/// The JSON Schema of a provider's `params` object.
pub fn schema(declared: &[Param]) -> serde_json::Value {
    let mut properties = serde_json::Map::new();
    for p in declared {
        let mut s = p.ty.schema();
        s["description"] = p.description.into();
        if let Some(default) = p.default {
            s["default"] = default.into();
        }
        properties.insert(p.name.to_string(), s);
    }
    let required: Vec<&str> = declared.iter().filter(|p| p.required).map(|p| p.name).collect();
    serde_json::json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for ok in ["1h", "30m", "1h30m0s", "0s", "1.5h", "100ms"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["", "1", "h", "1d", "1h30", ".5h", "1..5h"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod splice_tests {
    use super::*;

    #[test]
    fn spliced_params_are_what_they_are() {
        assert!(is_identifier("payments") && is_identifier("_ledger_2"));
        for bad in ["payments?sslmode=disable&host=evil.example.com", "2fa", "a-b", "a/b", "a@b", "", &"x".repeat(64)] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert!(is_dns_label("events") && !is_dns_label("events.evil.example.com") && !is_dns_label("a:1") && !is_dns_label("A"));
        let p = Param { name: "database", ty: ParamType::Identifier { reserved: &["postgres"] }, required: false, default: None, description: "" };
        assert_eq!(unsafe_splice(&p, "postgres").map(|(c, _, _)| c.id), Some("XT251"));
        assert_eq!(unsafe_splice(&p, "payments?host=x").map(|(c, _, _)| c.id), Some("XT250"));
        assert!(unsafe_splice(&p, "payments").is_none());
    }

    #[test]
    fn vhosts_are_percent_encoded() {
        assert_eq!(percent_encode("/"), "%2F");
        assert_eq!(percent_encode("orders"), "orders");
        assert_eq!(percent_encode("a/b?c#d@e $(X)"), "a%2Fb%3Fc%23d%40e%20%24%28X%29");
        assert_eq!(percent_encode("é"), "%C3%A9");
    }
}
