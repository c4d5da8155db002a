//! Typed decoding of a parsed JSON tree that reports every problem, not just the first.
//!
//! serde stops at the first error; people fixing a manifest want all of them at once, each
//! at its JSON pointer. Each format's `decode` module walks the tree with these helpers.

use crate::diagnostics::{codes, Code, Diagnostic};
use crate::document::Document;
use crate::json::{Node, Object, Pointer, Value};
use crate::layered::Layered;
use crate::suggest::did_you_mean;
use std::collections::{BTreeMap, BTreeSet};

/// A closed vocabulary of strings (an enum in the input formats).
pub trait Vocab: Sized + Copy + 'static {
    /// What the field is called in messages, e.g. `cell_kind`.
    const WHAT: &'static str;
    const NAMES: &'static [&'static str];
    fn parse(text: &str) -> Option<Self>;
}

pub struct Decoder<'d> {
    /// The tree being decoded (for a [`Layered`] document, the merged tree).
    pub doc: &'d Document,
    /// Set when `doc` is merged from layers: diagnostics then point into the layer that set
    /// the value.
    layers: Option<&'d Layered>,
    pub diags: Vec<Diagnostic>,
    /// Values that were invalid and stand in as a placeholder, so that checks of the rest
    /// of the document still run; rules that read them are skipped.
    tainted: BTreeSet<Pointer>,
}

/// The members of one object, tracking which ones the format knows.
pub struct Fields<'d> {
    at: Pointer,
    members: &'d Object,
    known: Vec<&'static str>,
}

/// The last token of a pointer, for messages ("`retry_limit`").
pub fn field_label(at: &Pointer) -> String {
    let last = at.as_str().rsplit('/').next().unwrap_or_default();
    if last.is_empty() {
        "the document".to_string()
    } else if last.bytes().all(|b| b.is_ascii_digit()) {
        format!("item {last}")
    } else {
        format!("`{}`", last.replace("~1", "/").replace("~0", "~"))
    }
}

impl<'d> Decoder<'d> {
    pub fn new(doc: &'d Document) -> Self {
        Decoder { doc, layers: None, diags: Vec::new(), tainted: BTreeSet::new() }
    }

    /// Decodes the merged tree of `layered`; each diagnostic names the file that set its value.
    pub fn layered(layered: &'d Layered) -> Self {
        Decoder { doc: &layered.merged, layers: Some(layered), diags: Vec::new(), tainted: BTreeSet::new() }
    }

    /// The document that holds the value at `at`, for line and column.
    fn doc_at(&self, at: &Pointer) -> &'d Document {
        self.layers.map_or(self.doc, |l| l.file_of(at))
    }

    /// The name of the file that holds the value at `at` (a layer, for a merged profile).
    pub fn file_name_at(&self, at: &Pointer) -> &'d str {
        &self.doc_at(at).source.name
    }

    /// Whether the value at `at` is a placeholder for an invalid one.
    pub fn is_tainted(&self, at: &Pointer) -> bool {
        self.tainted.contains(at)
    }

    pub fn report(&mut self, code: &'static Code, at: &Pointer, message: impl Into<String>, hint: impl Into<String>) {
        self.diags.push(Diagnostic::at(code, self.doc_at(at), at, message, hint));
    }

    /// Like [`Decoder::report`], shown at the member's key: for problems with a name.
    pub fn report_key(&mut self, code: &'static Code, at: &Pointer, message: impl Into<String>, hint: impl Into<String>) {
        self.diags.push(Diagnostic::at_key(code, self.doc_at(at), at, message, hint));
    }

    fn wrong_type(&mut self, node: &Node, at: &Pointer, expected: &str) {
        self.report(
            &codes::WRONG_TYPE,
            at,
            format!("{} must be {expected}, found {}", field_label(at), node.value.type_name()),
            format!("write {expected} here"),
        );
    }

    pub fn fields(&mut self, node: &'d Node, at: &Pointer) -> Option<Fields<'d>> {
        match &node.value {
            Value::Object(members) => Some(Fields { at: at.clone(), members, known: Vec::new() }),
            _ => {
                self.wrong_type(node, at, "an object");
                None
            }
        }
    }

    /// A member that must be present. `None` when it is missing or invalid (reported).
    pub fn required<T>(
        &mut self,
        fields: &mut Fields<'d>,
        key: &'static str,
        decode: impl FnOnce(&mut Self, &'d Node, &Pointer) -> Option<T>,
    ) -> Option<T> {
        match self.optional(fields, key, decode) {
            Some(Some(value)) => Some(value),
            Some(None) if fields.members.iter().any(|m| m.key == key) => {
                // Present, and `null`: absent for an optional member, never for a required one.
                let at = fields.at.key(key);
                self.report(&codes::MISSING_FIELD, &at, format!("`{key}` is null, but it is required"), format!("give `\"{key}\"` a value: only optional members may be null (null means absent)"));
                None
            }
            Some(None) => {
                let at = fields.at.clone();
                let what = if at.as_str().is_empty() { "the document".to_string() } else { format!("the object at {at}") };
                self.report(&codes::MISSING_FIELD, &at, format!("{what} has no `{key}`"), format!("add `\"{key}\"`: it is required"));
                None
            }
            None => None,
        }
    }

    /// A member that may be absent: `Some(None)` when absent (or `null`, which upstream's
    /// serializer writes for an absent member), `None` when present but invalid.
    pub fn optional<T>(
        &mut self,
        fields: &mut Fields<'d>,
        key: &'static str,
        decode: impl FnOnce(&mut Self, &'d Node, &Pointer) -> Option<T>,
    ) -> Option<Option<T>> {
        fields.known.push(key);
        match fields.members.get(key) {
            None => Some(None),
            Some(m) if matches!(m.value.value, Value::Null) => Some(None),
            Some(m) => decode(self, &m.value, &fields.at.key(key)).map(Some),
        }
    }

    /// A member that may be absent (then its default applies) but not `null`: upstream's
    /// model gives it a default instead of an `Option`, so its parser refuses `null` there
    /// (`invalid type: null, expected ...`). `Some(None)` when absent, `None` when `null` or invalid.
    pub fn defaulted<T>(
        &mut self,
        fields: &mut Fields<'d>,
        key: &'static str,
        expected: &str,
        decode: impl FnOnce(&mut Self, &'d Node, &Pointer) -> Option<T>,
    ) -> Option<Option<T>> {
        if let Some(m) = fields.members.get(key) {
            if matches!(m.value.value, Value::Null) {
                fields.known.push(key);
                let at = fields.at.key(key);
                self.report(
                    &codes::WRONG_TYPE,
                    &at,
                    format!("{} must be {expected}, found null", field_label(&at)),
                    format!("write {expected} here, or leave `{key}` out for its default: upstream's parser refuses null for this member"),
                );
                return None;
            }
        }
        self.optional(fields, key, decode)
    }

    /// The top-level `$schema` member editors use to find a document's JSON Schema: allowed
    /// (a string, else XT006), and otherwise ignored: which schema an editor loads is its business.
    pub fn editor_schema(&mut self, fields: &mut Fields<'d>) {
        let _ = self.optional(fields, "$schema", Decoder::string);
    }

    /// Reports every member the format did not ask for (a repeated one once, at its first
    /// occurrence: the repeat is a duplicate key).
    pub fn finish(&mut self, fields: Fields<'d>) {
        let mut known = fields.known.clone();
        known.sort_unstable();
        let mut reported = BTreeSet::new();
        for m in fields.members.iter() {
            if known.binary_search(&m.key.as_str()).is_err() && reported.insert(m.key.as_str()) {
                let at = fields.at.key(&m.key);
                let hint = format!(
                    "{}remove it; the members allowed here are: {}",
                    did_you_mean(&m.key, known.iter().copied()),
                    known.join(", ")
                );
                let message = format!("unknown member `{}`", crate::diagnostics::echo(&m.key));
                // The member's key span is in the file that set the member.
                self.diags.push(Diagnostic::at_offset(&codes::UNKNOWN_FIELD, self.doc_at(&at), &at, m.key_span.start, message, hint));
            }
        }
    }

    pub fn string(&mut self, node: &'d Node, at: &Pointer) -> Option<String> {
        match &node.value {
            Value::String(s) => Some(s.as_str().to_owned()),
            _ => {
                self.wrong_type(node, at, "a string");
                None
            }
        }
    }

    /// A string that must say something (not empty, not only white space).
    pub fn text(&mut self, node: &'d Node, at: &Pointer) -> Option<String> {
        let s = self.string(node, at)?;
        if s.trim().is_empty() {
            self.report(&codes::BLANK_STRING, at, format!("{} is blank", field_label(at)), "give it a value, or remove the member if it is optional");
            return None;
        }
        Some(s)
    }

    pub fn boolean(&mut self, node: &'d Node, at: &Pointer) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, at, "true or false");
                None
            }
        }
    }

    /// An integer in `min..=max`.
    pub fn integer(&mut self, node: &'d Node, at: &Pointer, min: i64, max: i64) -> Option<i64> {
        let Value::Number(text) = &node.value else {
            self.wrong_type(node, at, "an integer");
            return None;
        };
        if text.contains(['.', 'e', 'E']) {
            self.report(&codes::WRONG_TYPE, at, format!("{} must be an integer, found `{text}`", field_label(at)), "write a whole number without a fraction or exponent");
            return None;
        }
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.report(
                    &codes::OUT_OF_RANGE,
                    at,
                    format!("{} is {text}, outside {min}..={max}", field_label(at)),
                    format!("use a whole number from {min} to {max}"),
                );
                None
            }
        }
    }

    pub fn u32_in(&mut self, node: &'d Node, at: &Pointer, min: u32, max: u32) -> Option<u32> {
        self.integer(node, at, min.into(), max.into()).map(|n| n as u32)
    }

    pub fn vocab<V: Vocab>(&mut self, node: &'d Node, at: &Pointer) -> Option<V> {
        let s = self.string(node, at)?;
        let parsed = V::parse(&s);
        if parsed.is_none() {
            self.report(
                &codes::UNKNOWN_VALUE,
                at,
                format!("`{}` is not a {}; expected one of: {}", crate::diagnostics::echo(&s), V::WHAT, V::NAMES.join(", ")),
                format!("{}use one of the listed values", did_you_mean(&s, V::NAMES.iter().copied())),
            );
        }
        parsed
    }

    /// Like [`Decoder::vocab`], but an unknown value (reported) yields the vocabulary's first
    /// value as a placeholder, marked tainted, so the rest of the object is still checked.
    pub fn vocab_or_placeholder<V: Vocab>(&mut self, node: &'d Node, at: &Pointer) -> Option<V> {
        if !matches!(node.value, Value::String(_)) {
            return self.vocab(node, at);
        }
        self.vocab(node, at).or_else(|| {
            self.tainted.insert(at.clone());
            V::parse(V::NAMES[0])
        })
    }

    /// Every item decoded; `None` if any item is invalid (all are still reported).
    pub fn array<T>(
        &mut self,
        node: &'d Node,
        at: &Pointer,
        mut item: impl FnMut(&mut Self, &'d Node, &Pointer) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Value::Array(items) = &node.value else {
            self.wrong_type(node, at, "an array");
            return None;
        };
        let decoded: Vec<Option<T>> = items.iter().enumerate().map(|(i, n)| item(self, n, &at.index(i))).collect();
        decoded.into_iter().collect()
    }

    /// An object whose keys are words of a vocabulary (binding kinds, ingress kinds) and whose
    /// values are names.
    pub fn kind_map<K: Vocab + Ord>(&mut self, node: &'d Node, at: &Pointer) -> Option<BTreeMap<K, String>> {
        let by_name = self.map(node, at, Decoder::text)?;
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (name, value) in by_name {
            match K::parse(&name) {
                Some(kind) => {
                    out.insert(kind, value);
                }
                None => {
                    ok = false;
                    self.report_key(
                        &codes::UNKNOWN_VALUE,
                        &at.key(&name),
                        format!("`{}` is not a {}", crate::diagnostics::echo(&name), K::WHAT),
                        format!("{}use one of {}", did_you_mean(&name, K::NAMES.iter().copied()), K::NAMES.join(", ")),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    /// An object used as a map from names to values (keys must not be blank). `None` when
    /// any entry is invalid (reported).
    pub fn map<T>(
        &mut self,
        node: &'d Node,
        at: &Pointer,
        value: impl FnMut(&mut Self, &'d Node, &Pointer) -> Option<T>,
    ) -> Option<BTreeMap<String, T>> {
        let (out, ok) = self.map_entries(node, at, value)?;
        ok.then_some(out)
    }

    /// Like [`Decoder::map`], but keeps the entries that decoded when others did not: for a
    /// document whose later checks should still see them (its caller refuses the document
    /// when the decoder reported an error). `None` only when it is not an object.
    pub fn partial_map<T>(
        &mut self,
        node: &'d Node,
        at: &Pointer,
        value: impl FnMut(&mut Self, &'d Node, &Pointer) -> Option<T>,
    ) -> Option<BTreeMap<String, T>> {
        self.map_entries(node, at, value).map(|(out, _)| out)
    }

    /// The entries that decoded, and whether all did.
    fn map_entries<T>(
        &mut self,
        node: &'d Node,
        at: &Pointer,
        mut value: impl FnMut(&mut Self, &'d Node, &Pointer) -> Option<T>,
    ) -> Option<(BTreeMap<String, T>, bool)> {
        let Value::Object(members) = &node.value else {
            self.wrong_type(node, at, "an object");
            return None;
        };
        let mut ok = true;
        let mut out = BTreeMap::new();
        for m in members {
            let here = at.key(&m.key);
            if m.key.trim().is_empty() {
                self.report(&codes::BLANK_STRING, &here, "a blank name is used as a key", "name the entry");
                ok = false;
                continue;
            }
            match value(self, &m.value, &here) {
                Some(v) => {
                    out.entry(m.key.as_str().to_owned()).or_insert(v);
                }
                None => ok = false,
            }
        }
        Some((out, ok))
    }
}

/// Declares a closed string vocabulary: the enum, its text forms, [`Vocab`], serde and
/// JSON Schema support, all from one list so they cannot disagree.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $vis:vis enum $name:ident as $what:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl $crate::decode::Vocab for $name {
            const WHAT: &'static str = $what;
            const NAMES: &'static [&'static str] = &[$($text),+];
            fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": [$($text),+] })
            }
        }
    };
}
