//! Diagnostics: what went wrong, where, and what to do about it.
//!
//! Every diagnostic has a stable code from [`codes`]; class and severity belong to the
//! code, so the same problem is always reported the same way.

pub mod codes;
pub mod lints;
mod render;

pub use codes::{Class, Code, Severity};
pub use render::{render_human, HumanStyle};

use crate::document::Document;
use crate::json::Pointer;
pub use crate::source::Excerpt;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static Code,
    /// The file as the user named it; `""` when the problem is in no file (the command line).
    pub file: String,
    /// RFC 6901 pointer into `file`; `""` is the whole document.
    pub pointer: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    pub hint: String,
    /// A bounded window of the offending source line, for human output only.
    pub excerpt: Option<Box<Excerpt>>,
}

impl Diagnostic {
    /// A diagnostic about the value at `pointer` in `doc`.
    pub fn at(code: &'static Code, doc: &Document, pointer: &Pointer, message: impl Into<String>, hint: impl Into<String>) -> Self {
        let offset = doc.root().map_or(0, |root| root.locate(pointer.as_str(), false));
        Self::at_offset(code, doc, pointer, offset, message, hint)
    }

    /// A diagnostic about an object member's name (an unknown member), shown at its key.
    pub fn at_key(code: &'static Code, doc: &Document, pointer: &Pointer, message: impl Into<String>, hint: impl Into<String>) -> Self {
        let offset = doc.root().map_or(0, |root| root.locate(pointer.as_str(), true));
        Self::at_offset(code, doc, pointer, offset, message, hint)
    }

    /// A diagnostic at a byte offset of `doc` (syntax errors, duplicate keys).
    pub fn at_offset(
        code: &'static Code,
        doc: &Document,
        pointer: &Pointer,
        offset: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        let (line, column) = doc.source.line_col(offset);
        Diagnostic {
            code,
            file: doc.source.name.clone(),
            pointer: pointer.as_str().to_string(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
            hint: hint.into(),
            excerpt: Some(Box::new(doc.source.excerpt(offset))),
        }
    }

    /// A diagnostic about a whole file, or about no file (`file` empty): usage, I/O.
    pub fn about_file(code: &'static Code, file: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: file.into(),
            pointer: String::new(),
            line: None,
            column: None,
            message: message.into(),
            hint: hint.into(),
            excerpt: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.code.severity == Severity::Error
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Diagnostic", 9)?;
        st.serialize_field("code", self.code.id)?;
        st.serialize_field("class", self.code.class.as_str())?;
        st.serialize_field("severity", self.code.severity.as_str())?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("pointer", &self.pointer)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("hint", &self.hint)?;
        st.end()
    }
}

/// Puts diagnostics in the one order every run reports them in: by file, then position,
/// then code; exact repeats (the same problem found twice) are dropped.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code.id, &a.pointer, &a.message).cmp(&(&b.file, b.line, b.column, b.code.id, &b.pointer, &b.message))
    });
    diags.dedup_by(|a, b| a.code == b.code && a.file == b.file && a.pointer == b.pointer && a.message == b.message);
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// At most this many characters of an input value are echoed in a message.
pub const ECHO_CHARS: usize = 80;
/// At most this many names are listed in a message.
pub const LIST_NAMES: usize = 20;

/// An input value as a message echoes it: cut to [`ECHO_CHARS`] characters with `...`, so a
/// 10 MB value is not printed back (once per problem) in full.
pub fn echo(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(ECHO_CHARS) {
        None => text.into(),
        Some((cut, _)) => format!("{}...", &text[..cut]).into(),
    }
}

/// Names for a message, `, `-separated: the first [`LIST_NAMES`] (each echoed), then how
/// many more there are.
pub fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names = names.into_iter();
    let shown: Vec<std::borrow::Cow<'_, str>> = names.by_ref().take(LIST_NAMES).map(echo).collect();
    let more = names.count();
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_and_lists_are_bounded() {
        assert_eq!(echo("short"), "short");
        let long = "\u{e9}".repeat(ECHO_CHARS + 1);
        assert_eq!(echo(&long), format!("{}...", "\u{e9}".repeat(ECHO_CHARS)));
        assert_eq!(echo(&long[..2 * ECHO_CHARS]), long[..2 * ECHO_CHARS]);
        let names: Vec<String> = (0..25).map(|i| format!("n{i}")).collect();
        let text = list(names.iter().map(String::as_str));
        assert!(text.starts_with("n0, n1, ") && text.ends_with("n19 and 5 more"), "{text}");
        assert_eq!(list(["a", "b"]), "a, b");
    }
}
