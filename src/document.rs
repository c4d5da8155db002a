//! An input document: its source text and its parsed JSON tree, or the reason there is none.

use crate::diagnostics::{codes, Diagnostic};
use crate::json::{self, Node, Pointer};
use crate::source::SourceFile;
use std::sync::{Arc, OnceLock};

/// Cheap to clone (both parts are shared): a profile's layers, its merged tree and the
/// resolved profile all hold the same document, which may be a million keys large.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: Arc<SourceFile>,
    tree: Tree,
}

/// The JSON tree of a document. A tree is several times the size of its text, so once a
/// manifest is decoded it is let go ([`Document::release_tree`]) and read again from the
/// text only if a later diagnostic needs a position in it.
#[derive(Debug, Clone)]
enum Tree {
    /// The bytes are not a JSON document (the diagnostics say why).
    None,
    Held(Arc<Node>),
    /// Released: parsed again from `source` (which parsed before) on first use, then kept.
    Released(Arc<OnceLock<Arc<Node>>>),
}

impl Document {
    /// A document whose tree is not its source's (a profile merged from its layers).
    pub fn merged(source: Arc<SourceFile>, root: Option<Arc<Node>>) -> Document {
        Document { source, tree: root.map_or(Tree::None, Tree::Held) }
    }

    /// The JSON tree, `None` when the bytes are not a JSON document.
    pub fn root(&self) -> Option<&Node> {
        self.shared_root().map(|r| &**r)
    }

    /// The JSON tree, shared.
    pub fn shared_root(&self) -> Option<&Arc<Node>> {
        match &self.tree {
            Tree::None => None,
            Tree::Held(root) => Some(root),
            Tree::Released(again) => Some(again.get_or_init(|| {
                // The text parsed when the document was made, so it parses again the same.
                let parsed = json::parse(&self.source.text).expect("a released tree's text parsed before");
                Arc::new(parsed.root)
            })),
        }
    }

    /// Whether the bytes are a JSON document (without reading a released tree again).
    pub fn is_json(&self) -> bool {
        !matches!(self.tree, Tree::None)
    }

    /// Lets the tree go (when no other clone holds it); [`Document::root`] reads it again
    /// from the text when asked. Only for a document whose tree was parsed from its text.
    pub fn release_tree(&mut self) {
        if matches!(self.tree, Tree::Held(_)) {
            self.tree = Tree::Released(Arc::new(OnceLock::new()));
        }
    }

    /// Reads `bytes` as a JSON document named `name`. Pure: the shell does the reading.
    /// Returns the document and every problem found at this level (encoding, syntax,
    /// nesting, duplicate keys). Bytes given by value become the document's text without
    /// a copy (a manifest can be a hundred megabytes).
    pub fn parse(name: &str, bytes: impl Into<Vec<u8>>) -> (Document, Vec<Diagnostic>) {
        let mut bytes = bytes.into();
        // Upstream's readers (serde_json) refuse a byte-order mark, so a file with one is not
        // a manifest upstream can read: refused here too, and nothing more is read of it.
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        if bom {
            bytes.drain(..3);
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let (bytes, at) = (e.as_bytes(), e.utf8_error().valid_up_to());
                let doc = Document { source: Arc::new(SourceFile::new(name, String::from_utf8_lossy(bytes))), tree: Tree::None };
                let mut diag = Diagnostic::at_offset(
                    &codes::NOT_UTF8,
                    &doc,
                    &Pointer::root(),
                    at,
                    format!("byte 0x{:02X} at offset {at} is not valid UTF-8", bytes[at]),
                    "save the file as UTF-8 (JSON text must be UTF-8)",
                );
                if !looks_like_json(&doc.source.text) {
                    diag.excerpt = None;
                }
                return (doc, vec![diag]);
            }
        };
        let mut doc = Document { source: Arc::new(SourceFile::new(name, text)), tree: Tree::None };
        if bom {
            let diag = Diagnostic::at_offset(
                &codes::BYTE_ORDER_MARK,
                &doc,
                &Pointer::root(),
                0,
                "the file starts with a UTF-8 byte-order mark (EF BB BF)",
                "save the file as UTF-8 without a byte-order mark: upstream's `x07 service validate` and x07-wasm refuse it",
            );
            return (doc, vec![diag]);
        }
        let text = doc.source.text.as_str();
        if text.trim().is_empty() {
            let diag = Diagnostic::at_offset(
                &codes::EMPTY_DOCUMENT,
                &doc,
                &Pointer::root(),
                0,
                "the file is empty",
                "write a JSON object with a `schema_version` member",
            );
            return (doc, vec![diag]);
        }
        match json::parse(text) {
            Err(e) => {
                let (code, hint) = match e.kind {
                    json::SyntaxErrorKind::Syntax => (&codes::JSON_SYNTAX, "fix the JSON syntax at this position"),
                    json::SyntaxErrorKind::TooDeep => (&codes::NESTING_TOO_DEEP, "no X07 input nests this deep; check how the file was generated"),
                };
                let mut diag = Diagnostic::at_offset(code, &doc, &Pointer::root(), e.offset, e.message, hint);
                if !looks_like_json(text) {
                    // Not JSON from its first character: it may be any file (an environment,
                    // a password file), so no line of it is quoted (SPEC §7.2).
                    diag.excerpt = None;
                }
                (doc, vec![diag])
            }
            Ok(parsed) => {
                let diags = parsed
                    .duplicates
                    .iter()
                    .map(|d| {
                        let (line, _) = doc.source.line_col(d.first.start);
                        Diagnostic::at_offset(
                            &codes::DUPLICATE_KEY,
                            &doc,
                            &d.pointer,
                            d.again.start,
                            format!("duplicate key `{}` (first on line {line})", crate::diagnostics::echo(d.pointer.as_str().rsplit('/').next().unwrap_or_default())),
                            "remove one of the two members: JSON readers disagree on which one wins",
                        )
                    })
                    .collect();
                doc.tree = Tree::Held(Arc::new(parsed.root));
                (doc, diags)
            }
        }
    }
}

/// Whether a text starts as a JSON document does (`{` or `[` after white space): only then
/// does a diagnostic about it quote its lines.
fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}
