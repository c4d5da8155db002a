//! A focused validator of the OpenAPI v3 subset a CustomResourceDefinition's structural
//! schema uses (`openAPIV3Schema`), for objects x07-topo emits of a platform's own API.
//!
//! Checked: `type` (object, array, string, integer, number, boolean), `nullable`,
//! `properties`, `required`, `additionalProperties` (a schema or `false`), unknown members
//! of an object with `properties` (refused, as `kubectl apply`'s strict field validation
//! does), `x-kubernetes-preserve-unknown-fields`, `x-kubernetes-int-or-string`,
//! `x-kubernetes-embedded-resource`, `format: int-or-string`, `enum`, `items`, `minimum`/`maximum` (with the
//! OpenAPI 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum`), `multipleOf`,
//! `minLength`/`maxLength` (in characters), `minItems`/`maxItems`, `uniqueItems`,
//! `minProperties`/`maxProperties`, `pattern` (RE2 syntax, as the API server's Go regexp
//! reads it) and `allOf`/`anyOf`/`oneOf`/`not`. Not checked: `format` other than
//! `int-or-string`, CEL rules (`x-kubernetes-validations`) and the resource's own `metadata`;
//! they stay the API server's.
//!
//! Every input is untrusted: the work is bounded ([`MAX_STEPS`] schema-value visits, so
//! nested `anyOf` cannot blow up), a pattern is compiled with a size limit, and recursion
//! follows the claim's own depth (the profile's JSON reader bounds it).

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The most schema/value pairs one validation visits.
pub const MAX_STEPS: usize = 200_000;
/// The compiled size limit of one `pattern`.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// One way the value does not match the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where in the value (pointer tokens).
    pub at: Vec<String>,
    /// Where in the schema's file (an RFC 6901 pointer): the keyword that refuses it.
    pub schema_at: String,
    pub message: String,
}

/// Validates `value` against `schema`, whose pointer in its file is `schema_at`.
pub fn validate(schema: &Value, schema_at: &str, value: &Value) -> Vec<Violation> {
    validate_within(schema, schema_at, value, MAX_STEPS)
}

fn validate_within(schema: &Value, schema_at: &str, value: &Value, max_steps: usize) -> Vec<Violation> {
    let mut v = Validator { steps: 0, max_steps, patterns: BTreeMap::new(), out: Vec::new(), exhausted: false };
    let mut at = Vec::new();
    v.check(schema, schema_at, value, &mut at);
    if v.exhausted {
        v.out.push(Violation { at: Vec::new(), schema_at: schema_at.to_string(), message: format!("the schema takes more than {max_steps} steps to check; the rest was not checked") });
    }
    v.out
}

struct Validator {
    steps: usize,
    max_steps: usize,
    patterns: BTreeMap<String, Option<regex::Regex>>,
    out: Vec<Violation>,
    exhausted: bool,
}

fn key(schema_at: &str, k: &str) -> String {
    format!("{schema_at}/{}", k.replace('~', "~0").replace('/', "~1"))
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => false,
    }
}

fn flag(schema: &Map<String, Value>, k: &str) -> bool {
    schema.get(k).and_then(Value::as_bool).unwrap_or(false)
}

fn shown(v: &Value) -> String {
    let s = v.to_string();
    crate::diagnostics::echo(&s).into_owned()
}

impl Validator {
    fn fail(&mut self, at: &[String], schema_at: String, message: String) {
        self.out.push(Violation { at: at.to_vec(), schema_at, message });
    }

    /// Whether `value` matches `schema`, reporting nothing (for `anyOf`, `oneOf`, `not`).
    fn matches(&mut self, schema: &Value, schema_at: &str, value: &Value, at: &mut Vec<String>) -> bool {
        let kept = std::mem::take(&mut self.out);
        self.check(schema, schema_at, value, at);
        let ok = self.out.is_empty();
        self.out = kept;
        ok
    }

    fn check(&mut self, schema: &Value, schema_at: &str, value: &Value, at: &mut Vec<String>) {
        self.steps += 1;
        if self.steps > self.max_steps {
            self.exhausted = true;
            return;
        }
        let Some(s) = schema.as_object() else { return };
        if value.is_null() {
            if !flag(s, "nullable") {
                self.fail(at, key(schema_at, "nullable"), "is null, and the schema does not allow null here".to_string());
            }
            return;
        }
        if !self.check_type(s, schema_at, value, at) {
            return;
        }
        if let Some(Value::Array(allowed)) = s.get("enum") {
            if !allowed.contains(value) {
                let list: Vec<String> = allowed.iter().take(20).map(shown).collect();
                self.fail(at, key(schema_at, "enum"), format!("{} is not one of the allowed values: {}", shown(value), list.join(", ")));
            }
        }
        match value {
            Value::Object(members) => self.check_object(s, schema_at, members, at),
            Value::Array(items) => self.check_array(s, schema_at, items, at),
            Value::String(text) => self.check_string(s, schema_at, text, at),
            Value::Number(_) => self.check_number(s, schema_at, value, at),
            _ => {}
        }
        self.check_combinators(s, schema_at, value, at);
    }

    /// `type`, and Kubernetes' int-or-string; false when the rest cannot apply.
    fn check_type(&mut self, s: &Map<String, Value>, schema_at: &str, value: &Value, at: &[String]) -> bool {
        let extension = flag(s, "x-kubernetes-int-or-string");
        if extension || s.get("format").and_then(Value::as_str) == Some("int-or-string") {
            if !(is_integer(value) || value.is_string()) {
                self.fail(at, key(schema_at, if extension { "x-kubernetes-int-or-string" } else { "format" }), format!("must be an integer or a string, found {}", type_of(value)));
                return false;
            }
            return true;
        }
        let Some(want) = s.get("type").and_then(Value::as_str) else { return true };
        let ok = match want {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => is_integer(value),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            let article = if want == "object" || want == "array" || want == "integer" { "an" } else { "a" };
            self.fail(at, key(schema_at, "type"), format!("must be {article} {want}, found {}", type_of(value)));
        }
        ok
    }

    fn check_object(&mut self, s: &Map<String, Value>, schema_at: &str, members: &Map<String, Value>, at: &mut Vec<String>) {
        if let Some(Value::Array(required)) = s.get("required") {
            let missing: Vec<&str> = required.iter().filter_map(Value::as_str).filter(|r| !members.contains_key(*r)).collect();
            for r in missing {
                self.fail(at, key(schema_at, "required"), format!("lacks `{}`, which the schema requires", crate::diagnostics::echo(r)));
            }
        }
        let count = |k: &str| s.get(k).and_then(Value::as_u64);
        if let Some(min) = count("minProperties").filter(|m| (members.len() as u64) < *m) {
            self.fail(at, key(schema_at, "minProperties"), format!("has {} members, fewer than {min}", members.len()));
        }
        if let Some(max) = count("maxProperties").filter(|m| (members.len() as u64) > *m) {
            self.fail(at, key(schema_at, "maxProperties"), format!("has {} members, more than {max}", members.len()));
        }
        let properties = s.get("properties").and_then(Value::as_object);
        let additional = s.get("additionalProperties");
        let preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
        let embedded = flag(s, "x-kubernetes-embedded-resource");
        let props_at = key(schema_at, "properties");
        for (name, member) in members {
            // A resource's own `metadata` is the API server's (the schema may only restrict
            // `name`, which no CRD of ours does): present, never checked.
            if at.is_empty() && name == "metadata" {
                continue;
            }
            at.push(name.clone());
            if let Some(sub) = properties.and_then(|p| p.get(name)) {
                self.check(sub, &key(&props_at, name), member, at);
            } else if let Some(sub @ Value::Object(_)) = additional {
                self.check(sub, &key(schema_at, "additionalProperties"), member, at);
            } else if matches!(additional, Some(Value::Bool(true))) || preserve || ((embedded || at.len() == 1) && matches!(name.as_str(), "apiVersion" | "kind" | "metadata")) {
                // A resource's (or an embedded one's) type and object meta are implicit.
            } else if matches!(additional, Some(Value::Bool(false))) || properties.is_some() || s.get("type").and_then(Value::as_str) == Some("object") {
                let known: Vec<&str> = properties.into_iter().flat_map(|p| p.keys()).map(String::as_str).collect();
                let offer = if known.is_empty() { "the schema declares no members here".to_string() } else { format!("the schema declares {}", crate::diagnostics::list(known.iter().copied())) };
                let hint = crate::suggest::did_you_mean(name, known.iter().copied());
                let where_ = if properties.is_some() { props_at.clone() } else { schema_at.to_string() };
                at.pop();
                self.fail(at, where_, format!("has member `{}`, which the schema does not declare ({hint}{offer}); the API server would drop or refuse it", crate::diagnostics::echo(name)));
                continue;
            }
            at.pop();
        }
    }

    fn check_array(&mut self, s: &Map<String, Value>, schema_at: &str, items: &[Value], at: &mut Vec<String>) {
        let count = |k: &str| s.get(k).and_then(Value::as_u64);
        if let Some(min) = count("minItems").filter(|m| (items.len() as u64) < *m) {
            self.fail(at, key(schema_at, "minItems"), format!("has {} items, fewer than {min}", items.len()));
        }
        if let Some(max) = count("maxItems").filter(|m| (items.len() as u64) > *m) {
            self.fail(at, key(schema_at, "maxItems"), format!("has {} items, more than {max}", items.len()));
        }
        if flag(s, "uniqueItems") {
            let mut seen: Vec<String> = items.iter().map(Value::to_string).collect();
            seen.sort_unstable();
            if seen.windows(2).any(|w| w[0] == w[1]) {
                self.fail(at, key(schema_at, "uniqueItems"), "has the same item twice".to_string());
            }
        }
        if let Some(sub) = s.get("items").filter(|i| i.is_object()) {
            let items_at = key(schema_at, "items");
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                self.check(sub, &items_at, item, at);
                at.pop();
            }
        }
    }

    fn check_string(&mut self, s: &Map<String, Value>, schema_at: &str, text: &str, at: &[String]) {
        let chars = text.chars().count() as u64;
        if let Some(min) = s.get("minLength").and_then(Value::as_u64).filter(|m| chars < *m) {
            self.fail(at, key(schema_at, "minLength"), format!("is {chars} characters long, shorter than {min}"));
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64).filter(|m| chars > *m) {
            self.fail(at, key(schema_at, "maxLength"), format!("is {chars} characters long, longer than {max}"));
        }
        if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
            let pattern_at = key(schema_at, "pattern");
            let compiled = self.patterns.entry(pattern_at.clone()).or_insert_with(|| regex::RegexBuilder::new(pattern).size_limit(PATTERN_SIZE_LIMIT).build().ok());
            match compiled {
                Some(re) if re.is_match(text) => {}
                Some(_) => {
                    let message = format!("\"{}\" does not match the pattern {}", crate::diagnostics::echo(text), crate::diagnostics::echo(pattern));
                    self.fail(at, pattern_at, message);
                }
                None => {
                    let message = format!("the schema's pattern {} is not a regular expression x07-topo can check (RE2 syntax, at most 1 MiB compiled)", crate::diagnostics::echo(pattern));
                    self.fail(at, pattern_at, message);
                }
            }
        }
    }

    fn check_number(&mut self, s: &Map<String, Value>, schema_at: &str, value: &Value, at: &[String]) {
        let Some(n) = value.as_f64() else { return };
        if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
            let exclusive = flag(s, "exclusiveMinimum");
            if n < min || (exclusive && n == min) {
                self.fail(at, key(schema_at, "minimum"), format!("{} is below the {}minimum {}", shown(value), if exclusive { "exclusive " } else { "" }, shown(&s["minimum"])));
            }
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
            let exclusive = flag(s, "exclusiveMaximum");
            if n > max || (exclusive && n == max) {
                self.fail(at, key(schema_at, "maximum"), format!("{} is above the {}maximum {}", shown(value), if exclusive { "exclusive " } else { "" }, shown(&s["maximum"])));
            }
        }
        if let Some(m) = s.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0) {
            let q = n / m;
            if (q - q.round()).abs() > 1e-9 {
                self.fail(at, key(schema_at, "multipleOf"), format!("{} is not a multiple of {}", shown(value), shown(&s["multipleOf"])));
            }
        }
    }

    fn check_combinators(&mut self, s: &Map<String, Value>, schema_at: &str, value: &Value, at: &mut Vec<String>) {
        if let Some(Value::Array(all)) = s.get("allOf") {
            for (i, sub) in all.iter().enumerate() {
                self.check(sub, &key(&key(schema_at, "allOf"), &i.to_string()), value, at);
            }
        }
        if let Some(Value::Array(any)) = s.get("anyOf") {
            let at_any = key(schema_at, "anyOf");
            if !any.is_empty() && !any.iter().enumerate().any(|(i, sub)| self.matches(sub, &key(&at_any, &i.to_string()), value, at)) {
                self.fail(at, at_any, "matches none of the schema's anyOf alternatives".to_string());
            }
        }
        if let Some(Value::Array(one)) = s.get("oneOf") {
            let at_one = key(schema_at, "oneOf");
            let hits = one.iter().enumerate().filter(|(i, sub)| self.matches(sub, &key(&at_one, &i.to_string()), value, at)).count();
            if !one.is_empty() && hits != 1 {
                self.fail(at, at_one, format!("matches {hits} of the schema's oneOf alternatives, not exactly one"));
            }
        }
        if let Some(sub @ Value::Object(_)) = s.get("not") {
            if self.matches(sub, &key(schema_at, "not"), value, at) {
                self.fail(at, key(schema_at, "not"), "matches the schema's `not`".to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, value: Value) -> Vec<(String, String)> {
        validate(&schema, "/s", &value).into_iter().map(|v| (v.at.join("/"), v.schema_at)).collect()
    }

    #[test]
    fn types_members_and_unknown_fields() {
        let schema = json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "minimum": 1}, "b": {"type": "string", "enum": ["x", "y"]}}});
        assert_eq!(check(schema.clone(), json!({"a": 2, "b": "x"})), []);
        assert_eq!(check(schema.clone(), json!({"a": 0})), [("a".to_string(), "/s/properties/a/minimum".to_string())]);
        assert_eq!(check(schema.clone(), json!({"a": "2"})), [("a".to_string(), "/s/properties/a/type".to_string())]);
        assert_eq!(check(schema.clone(), json!({"b": "z"})), [("".to_string(), "/s/required".to_string()), ("b".to_string(), "/s/properties/b/enum".to_string())]);
        assert_eq!(check(schema.clone(), json!({"a": 1, "c": true})), [("".to_string(), "/s/properties".to_string())]);
        assert_eq!(check(schema, json!({"a": 1.0})), [], "a whole number is an integer");
    }

    #[test]
    fn a_resource_s_type_and_metadata_are_implicit() {
        let schema = json!({"type": "object", "required": ["metadata"], "properties": {"spec": {"type": "object", "properties": {"inner": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": false}}}}});
        let object = json!({"apiVersion": "a/v1", "kind": "K", "metadata": {"name": "n", "anything": 1}, "spec": {"inner": {"apiVersion": "b/v1", "kind": "J", "metadata": {}}}});
        assert_eq!(check(schema.clone(), object), []);
        assert_eq!(check(schema, json!({"kind": "K", "spec": {"inner": {"other": 1}}})), [("".to_string(), "/s/required".to_string()), ("spec/inner".to_string(), "/s/properties/spec/properties/inner".to_string())]);
    }

    #[test]
    fn preserve_unknown_fields_and_additional_properties() {
        assert_eq!(check(json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}), json!({"any": {"thing": 1}})), []);
        let map = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert_eq!(check(map.clone(), json!({"k": "v"})), []);
        assert_eq!(check(map, json!({"k": 1})), [("k".to_string(), "/s/additionalProperties/type".to_string())]);
        assert_eq!(check(json!({"type": "object"}), json!({"k": 1})), [("".to_string(), "/s".to_string())], "an object schema without members prunes every member");
    }

    #[test]
    fn int_or_string_strings_arrays_and_patterns() {
        let ios = json!({"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]});
        assert_eq!(check(ios.clone(), json!(8080)), []);
        assert_eq!(check(ios.clone(), json!("http")), []);
        assert_eq!(check(ios, json!(true)).len(), 1);
        let format = json!({"type": "string", "format": "int-or-string"});
        assert_eq!(check(format.clone(), json!(80)), [], "Kubernetes' own OpenAPI spells it as a format");
        assert_eq!(check(format, json!([80])).len(), 1);
        let s = json!({"type": "string", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"});
        assert_eq!(check(s.clone(), json!("abc")), []);
        assert_eq!(check(s.clone(), json!("a")), [("".to_string(), "/s/minLength".to_string())]);
        assert_eq!(check(s.clone(), json!("abcde")), [("".to_string(), "/s/maxLength".to_string())]);
        assert_eq!(check(s, json!("AB")), [("".to_string(), "/s/pattern".to_string())]);
        assert_eq!(check(json!({"type": "string", "pattern": "(unclosed"}), json!("x")), [("".to_string(), "/s/pattern".to_string())]);
        let a = json!({"type": "array", "maxItems": 2, "uniqueItems": true, "items": {"type": "string"}});
        assert_eq!(check(a.clone(), json!(["a", "b"])), []);
        assert_eq!(check(a.clone(), json!(["a", 1])), [("1".to_string(), "/s/items/type".to_string())]);
        assert_eq!(check(a, json!(["a", "a", "b"])).len(), 2);
    }

    #[test]
    fn nullable_numbers_and_combinators() {
        assert_eq!(check(json!({"type": "string", "nullable": true}), Value::Null), []);
        assert_eq!(check(json!({"type": "string"}), Value::Null), [("".to_string(), "/s/nullable".to_string())]);
        let n = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "multipleOf": 0.25});
        assert_eq!(check(n.clone(), json!(0.5)), []);
        assert_eq!(check(n.clone(), json!(0)), [("".to_string(), "/s/minimum".to_string())]);
        assert_eq!(check(n, json!(0.3)), [("".to_string(), "/s/multipleOf".to_string())]);
        let one = json!({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]});
        assert_eq!(check(one.clone(), json!({"a": 1})), []);
        assert_eq!(check(one, json!({"a": 1, "b": 2})), [("".to_string(), "/s/oneOf".to_string())]);
        assert_eq!(check(json!({"not": {"required": ["a"]}}), json!({"a": 1})), [("".to_string(), "/s/not".to_string())]);
    }

    #[test]
    fn nested_alternatives_stop_at_the_step_limit() {
        // Twelve levels of two-way anyOf whose first branch always fails: 2^12 paths.
        let mut schema = json!({"type": "string"});
        let mut value = json!("leaf");
        for _ in 0..12 {
            schema = json!({"anyOf": [{"type": "object", "required": ["never"], "properties": {"x": schema.clone()}}, {"properties": {"x": schema}}]});
            value = json!({"x": value});
        }
        assert!(validate_within(&schema, "/s", &value, 100_000).is_empty(), "within the limit it passes");
        let out = validate_within(&schema, "/s", &value, 1_000);
        assert!(out.iter().any(|v| v.message.contains("1000 steps")), "{out:?}");
    }
}
