//! A document merged from layers: a profile and the chain of profiles it `extends` (SPEC §2.3).
//!
//! The merge works on the JSON trees: a member of a nearer layer overrides the same member of
//! a farther one, objects merge member by member (at every depth), and anything else (arrays,
//! strings, numbers) replaces whole. Every value keeps the layer it came from, so a diagnostic
//! about a merged value points into the file that set it, at its line and column.

use crate::document::Document;
use crate::json::{Member, Node, Object, Pointer, Value};

#[derive(Debug, Clone)]
pub struct Layered {
    /// Nearest first: `layers[0]` is the file that was asked for, the last one extends nothing.
    pub layers: Vec<Document>,
    /// The merged tree, named after `layers[0]`. Its spans point into different files, so
    /// diagnostics locate values through [`Layered::file_of`], never through this document.
    pub merged: Document,
}

impl Layered {
    /// Merges `layers` (nearest first; each one has a JSON tree).
    pub fn new(layers: Vec<Document>) -> Layered {
        // One layer (the usual case) is its own merged tree, shared rather than copied.
        let root = layers.iter().rev().filter_map(|d| d.shared_root().cloned()).reduce(|farther, nearer| std::sync::Arc::new(merge(&nearer, &farther)));
        let merged = Document::merged(layers[0].source.clone(), root);
        Layered { layers, merged }
    }

    /// The file that set the value at `at` in the merged tree (for a value that does not
    /// exist, the file that set its nearest existing parent).
    pub fn file_of(&self, at: &Pointer) -> &Document {
        let mut candidates: Vec<(usize, &Node)> = self.layers.iter().enumerate().filter_map(|(i, d)| d.root().map(|r| (i, r))).collect();
        for token in at.tokens() {
            // Below a value that is not an object only its own layer counts; objects of the
            // layers right behind it merge into it.
            let merging: Vec<(usize, &Node)> = candidates.iter().copied().take_while(|(_, n)| matches!(n.value, Value::Object(_))).collect();
            let Some(&(nearest, _)) = merging.first() else { break };
            let below: Vec<(usize, &Node)> = merging.iter().filter_map(|(i, n)| n.member(&token).map(|m| (*i, &m.value))).collect();
            if below.is_empty() {
                return &self.layers[nearest];
            }
            candidates = below;
        }
        candidates.first().map_or(&self.layers[0], |(i, _)| &self.layers[*i])
    }
}

/// `nearer` over `farther`: objects merge member by member, anything else replaces.
fn merge(nearer: &Node, farther: &Node) -> Node {
    match (&nearer.value, &farther.value) {
        (Value::Object(near), Value::Object(far)) => {
            let mut members: Vec<Member> = Vec::with_capacity(far.len() + near.len());
            for f in far.iter() {
                members.push(match near.get(&f.key) {
                    Some(n) => Member { key: n.key.clone(), key_span: n.key_span, value: merge(&n.value, &f.value) },
                    None => f.clone(),
                });
            }
            members.extend(near.iter().filter(|n| far.get(&n.key).is_none()).cloned());
            // Repeated keys were reported when each file was parsed.
            let (object, _repeats) = Object::new(members);
            Node { span: nearer.span, value: Value::Object(object) }
        }
        _ => nearer.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, text: &str) -> Document {
        Document::parse(name, text.as_bytes()).0
    }

    fn chain() -> Layered {
        Layered::new(vec![
            doc("child.json", r#"{"id": "prod", "groups": {"web": {"replicas": 3}}, "list": [1], "scalar": {"a": 1}}"#),
            doc("base.json", r#"{"id": "base", "groups": {"web": {"port": 80}, "api": {}}, "list": [1, 2, {"x": 1}], "scalar": 5}"#),
            doc("preset.json", r#"{"env": "prod", "groups": {"web": {"port": 8080, "env": {"A": "1"}}}, "scalar": {"b": 2}}"#),
        ])
    }

    #[test]
    fn nearer_members_win_objects_merge_and_lists_replace() {
        let merged = chain().merged.root().unwrap().to_json();
        assert_eq!(
            merged,
            serde_json::json!({
                "id": "prod", "env": "prod", "list": [1], "scalar": {"a": 1},
                "groups": {"web": {"replicas": 3, "port": 80, "env": {"A": "1"}}, "api": {}},
            })
        );
    }

    #[test]
    fn each_value_names_the_file_that_set_it() {
        let l = chain();
        let file = |p: &str| {
            let mut at = Pointer::root();
            for t in p.split('/').filter(|t| !t.is_empty()) {
                at = at.key(t);
            }
            l.file_of(&at).source.name.clone()
        };
        assert_eq!(file("id"), "child.json");
        assert_eq!(file("env"), "preset.json");
        assert_eq!(file("groups/web/replicas"), "child.json");
        assert_eq!(file("groups/web/port"), "base.json");
        assert_eq!(file("groups/web/env/A"), "preset.json");
        assert_eq!(file("groups/api"), "base.json");
        // A list replaces whole: nothing below the nearest one comes from farther layers.
        assert_eq!(file("list/2/x"), "child.json");
        // base's scalar cut the preset's object off; the child's object replaced the scalar.
        assert_eq!(file("scalar/b"), "child.json");
        assert_eq!(file("missing/deep"), "child.json");
        assert_eq!(file(""), "child.json");
    }
}
