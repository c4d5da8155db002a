//! A JSON reader that keeps what serde_json throws away: where every value and key is
//! (for line/column diagnostics), every duplicate key (JSON allows them, we do not),
//! and a bounded nesting depth (so hostile input cannot exhaust the stack).

mod parse;
mod pointer;

pub use parse::{parse, Duplicate, Parsed, SyntaxError, SyntaxErrorKind, MAX_DEPTH};
pub use pointer::{escape_token, Pointer};

/// Byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's text exactly as written; the decoder decides what it must be.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Value {
    /// How a type error names what it found.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

impl Node {
    /// The member of an object with this key (the first, if the key is duplicated).
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    /// Byte offset of the value at `pointer` (of its key instead, with `at_key`, when the
    /// pointer ends at an object member); falls back to the deepest existing ancestor.
    pub fn locate(&self, pointer: &str, at_key: bool) -> usize {
        let mut node = self;
        let mut offset = self.span.start;
        let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
        for (i, token) in tokens.iter().enumerate() {
            let last = i + 1 == tokens.len();
            let token = pointer::unescape_token(token);
            match &node.value {
                Value::Object(members) => match members.iter().find(|m| m.key == token) {
                    Some(m) => {
                        offset = if last && !at_key { m.value.span.start } else { m.key_span.start };
                        node = &m.value;
                    }
                    None => return offset,
                },
                Value::Array(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(item) => {
                        offset = item.span.start;
                        node = item;
                    }
                    None => return offset,
                },
                _ => return offset,
            }
        }
        offset
    }

    /// A plain serde_json value of this node (duplicate keys: the first wins).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(text) => serde_json::from_str(text).unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    map.entry(m.key.clone()).or_insert_with(|| m.value.to_json());
                }
                serde_json::Value::Object(map)
            }
        }
    }
}
