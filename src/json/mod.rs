//! A JSON reader that keeps what serde_json throws away: where every value and key is
//! (for line/column diagnostics), every duplicate key (JSON allows them, we do not),
//! and a bounded nesting depth (so hostile input cannot exhaust the stack).

mod parse;
mod pointer;

pub use parse::{parse, Duplicate, Parsed, SyntaxError, SyntaxErrorKind, MAX_DEPTH};
pub use pointer::{escape_token, Pointer};

/// Keys, strings and numbers: most are short (a manifest's keys repeat a few dozen names),
/// and a string of up to 24 bytes is held inline, without an allocation of its own.
pub use compact_str::CompactString;

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
    Number(CompactString),
    String(CompactString),
    Array(Vec<Node>),
    Object(Object),
}

/// An object's members in document order, with an index by key for large objects, so that
/// finding a member costs O(log n) however many members a (hostile) object has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object {
    members: Box<[Member]>,
    /// Member positions sorted by key (stable, so the first of a duplicated key comes first);
    /// empty when the object is small enough to search in order.
    by_key: Box<[u32]>,
}

/// Objects up to this size are searched member by member (faster than an index).
const INDEX_FROM: usize = 16;

impl Object {
    /// Builds the object and returns, for every member whose key an earlier member already
    /// has, the pair (position of the first, position of the repeat), in document order.
    pub fn new(members: Vec<Member>) -> (Object, Vec<(usize, usize)>) {
        let mut repeats = Vec::new();
        if members.len() <= INDEX_FROM {
            for (i, m) in members.iter().enumerate() {
                if let Some(first) = members[..i].iter().position(|e| e.key == m.key) {
                    repeats.push((first, i));
                }
            }
            return (Object { members: members.into_boxed_slice(), by_key: Box::default() }, repeats);
        }
        let mut by_key: Vec<u32> = (0..members.len() as u32).collect();
        by_key.sort_by(|&a, &b| members[a as usize].key.cmp(&members[b as usize].key));
        let mut run_start = 0;
        for i in 1..by_key.len() {
            if members[by_key[i] as usize].key == members[by_key[run_start] as usize].key {
                repeats.push((by_key[run_start] as usize, by_key[i] as usize));
            } else {
                run_start = i;
            }
        }
        repeats.sort_unstable_by_key(|&(_, again)| again);
        (Object { members: members.into_boxed_slice(), by_key: by_key.into_boxed_slice() }, repeats)
    }

    /// The member with this key (the first, if the key is duplicated).
    pub fn get(&self, key: &str) -> Option<&Member> {
        if self.by_key.is_empty() {
            return self.members.iter().find(|m| m.key == key);
        }
        let i = self.by_key.partition_point(|&i| self.members[i as usize].key.as_str() < key);
        let m = &self.members[*self.by_key.get(i)? as usize];
        (m.key == key).then_some(m)
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = &'a Member;
    type IntoIter = std::slice::Iter<'a, Member>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.iter()
    }
}

impl std::ops::Deref for Object {
    type Target = [Member];
    fn deref(&self) -> &[Member] {
        &self.members
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: CompactString,
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
            Value::Object(members) => members.get(key),
            _ => None,
        }
    }

    /// The value at `pointer`, if there is one.
    pub fn get(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer.split('/').skip(1) {
            let token = pointer::unescape_token(token);
            node = match &node.value {
                Value::Object(members) => &members.iter().find(|m| m.key == token)?.value,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
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
                Value::Object(members) => match members.get(&token) {
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
            Value::String(s) => serde_json::Value::String(s.as_str().to_owned()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members.iter() {
                    map.entry(m.key.as_str().to_owned()).or_insert_with(|| m.value.to_json());
                }
                serde_json::Value::Object(map)
            }
        }
    }
}
