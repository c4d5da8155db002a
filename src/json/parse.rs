//! Recursive-descent JSON parser (RFC 8259) over UTF-8 text.

use super::{CompactString, Member, Node, Object, Pointer, Span, Value};

/// Deeper documents are refused: no X07 input needs more than a dozen levels, and the
/// limit keeps recursion far from the stack's end.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    Syntax,
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub offset: usize,
    pub message: String,
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Pointer of the member (its second occurrence is the offending one).
    pub pointer: Pointer,
    pub first: Span,
    pub again: Span,
}

#[derive(Debug, Clone)]
pub struct Parsed {
    pub root: Node,
    pub duplicates: Vec<Duplicate>,
}

pub fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0, path: Vec::new(), duplicates: Vec::new() };
    p.skip_ws();
    let root = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected content after the end of the document"));
    }
    Ok(Parsed { root, duplicates: p.duplicates })
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// Where the parser is: a pointer is only built for a duplicate, so values under a long
    /// key do not each copy it.
    path: Vec<Step>,
    duplicates: Vec<Duplicate>,
}

enum Step {
    Key(CompactString),
    Index(usize),
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError { kind: SyntaxErrorKind::Syntax, offset: self.pos, message: message.into() }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn found(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "the end of the file".to_string(),
            Some(c) if c.is_control() => format!("{c:?}"),
            Some(c) => format!("`{c}`"),
        }
    }

    fn pointer(&self) -> Pointer {
        self.path.iter().fold(Pointer::root(), |at, step| match step {
            Step::Key(key) => at.key(key),
            Step::Index(i) => at.index(*i),
        })
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            _ => return Err(self.error(format!("expected a JSON value, found {}", self.found()))),
        };
        Ok(Node { span: Span { start, end: self.pos }, value })
    }

    fn enter(&self, depth: usize) -> Result<(), SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::TooDeep,
                offset: self.pos,
                message: format!("the document nests deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Object::default()));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error(format!("expected a member name in double quotes, found {}", self.found())));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span { start: key_start, end: self.pos };
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error(format!("expected `:` after the member name, found {}", self.found())));
            }
            self.pos += 1;
            self.skip_ws();
            self.path.push(Step::Key(key));
            let value = self.value(depth)?;
            let Some(Step::Key(key)) = self.path.pop() else { unreachable!("the step pushed above") };
            members.push(Member { key, key_span, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    let (object, repeats) = Object::new(members);
                    if !repeats.is_empty() {
                        let at = self.pointer();
                        for (first, again) in repeats {
                            let (first, again) = (&object[first], &object[again]);
                            self.duplicates.push(Duplicate { pointer: at.key(&again.key), first: first.key_span, again: again.key_span });
                        }
                    }
                    return Ok(Value::Object(object));
                }
                _ => return Err(self.error(format!("expected `,` or `}}` after a member, found {}", self.found()))),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            self.path.push(Step::Index(items.len()));
            items.push(self.value(depth)?);
            self.path.pop();
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(format!("expected `,` or `]` after an element, found {}", self.found()))),
            }
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(format!("expected a JSON value, found {}", self.found())))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<CompactString, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("numbers may not have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error(format!("expected a digit, found {}", self.found()))),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error(format!("expected a digit after `.`, found {}", self.found())));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error(format!("expected a digit in the exponent, found {}", self.found())));
            }
        }
        Ok(CompactString::from(&self.text[start..self.pos]))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits {
            Some(h) => {
                self.pos += 4;
                Ok(u32::from_str_radix(h, 16).expect("four hex digits"))
            }
            None => Err(self.error("expected four hex digits after `\\u`")),
        }
    }

    fn string(&mut self) -> Result<CompactString, SyntaxError> {
        self.pos += 1; // opening quote
        let mut out = CompactString::default();
        loop {
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            out.push(self.unicode_escape()?);
                            continue;
                        }
                        _ => return Err(self.error(format!("invalid escape `\\{}`", self.found().trim_matches('`')))),
                    };
                    self.pos += 1;
                    out.push(escaped);
                }
                Some(_) => return Err(self.error("control characters must be escaped inside strings")),
                None => return Err(self.error("the string is not closed: expected `\"`")),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.text[self.pos..].starts_with("\\u") {
                return Err(self.error("a high surrogate `\\u` escape must be followed by a low surrogate"));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("a high surrogate `\\u` escape must be followed by a low surrogate"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("a `\\u` escape names a lone surrogate"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> SyntaxError {
        parse(text).expect_err(text)
    }

    #[test]
    fn parses_values_with_spans() {
        let p = parse(r#" {"a": [1, -2.5e3, "x\u00e9\ud83d\ude00", true, null]} "#).unwrap();
        let a = &p.root.member("a").unwrap().value;
        let Value::Array(items) = &a.value else { panic!() };
        assert_eq!(items[1].value, Value::Number("-2.5e3".into()));
        assert_eq!(items[2].value, Value::String("x\u{e9}\u{1F600}".into()));
        assert_eq!(p.root.span.start, 1);
    }

    #[test]
    fn reports_duplicates_without_failing() {
        let p = parse(r#"{"a":1,"b":{"c":1,"c":2}}"#).unwrap();
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(p.duplicates[0].pointer.as_str(), "/b/c");
    }

    #[test]
    fn every_duplicate_of_a_large_object_is_reported_against_its_first() {
        // Large enough for the key index; keys repeat out of order, one of them three times.
        let mut keys: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        keys.extend(["k7", "k3", "k7", "k39"].map(String::from));
        let members: Vec<String> = keys.iter().enumerate().map(|(i, k)| format!("\"{k}\":{i}")).collect();
        let text = format!("{{\"outer\":[{{}},{{{}}}]}}", members.join(","));
        let p = parse(&text).unwrap();
        let found: Vec<(&str, usize, usize)> = p.duplicates.iter().map(|d| (d.pointer.as_str(), d.first.start, d.again.start)).collect();
        let at = |key: &str, nth: usize| text.match_indices(&format!("\"{key}\":")).nth(nth).unwrap().0;
        assert_eq!(
            found,
            vec![
                ("/outer/1/k7", at("k7", 0), at("k7", 1)),
                ("/outer/1/k3", at("k3", 0), at("k3", 1)),
                ("/outer/1/k7", at("k7", 0), at("k7", 2)),
                ("/outer/1/k39", at("k39", 0), at("k39", 1)),
            ]
        );
        let object = &p.root.member("outer").unwrap().value;
        let Value::Array(items) = &object.value else { panic!() };
        assert_eq!(items[1].member("k7").unwrap().value.value, Value::Number("7".into()), "the first of a duplicated key wins");
        assert_eq!(items[1].member("k25").unwrap().value.value, Value::Number("25".into()));
        assert!(items[1].member("k40").is_none() && items[1].member("").is_none());
        assert_eq!(p.root.locate("/outer/1/k39", true), at("k39", 0));
    }

    #[test]
    fn a_small_object_reports_duplicates_too_and_pointers_escape_keys() {
        let p = parse(r#"[{"a/b":1,"x":[{"~":1,"~":2}],"a/b":3}]"#).unwrap();
        let pointers: Vec<&str> = p.duplicates.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, vec!["/0/x/0/~0", "/0/a~1b"]);
    }

    #[test]
    fn rejects_bad_syntax_at_the_right_offset() {
        assert_eq!(err(r#"{"a" 1}"#).offset, 5);
        assert_eq!(err("[1,]").offset, 3);
        assert_eq!(err("01").offset, 1);
        assert_eq!(err("\"a\nb\"").offset, 2);
        assert_eq!(err(r#""\ud800""#).kind, SyntaxErrorKind::Syntax);
        assert_eq!(err("{} x").offset, 3);
        assert_eq!(err("").offset, 0);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(200_000) + &"]".repeat(200_000);
        assert_eq!(err(&text).kind, SyntaxErrorKind::TooDeep);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn locate_finds_keys_and_items() {
        let p = parse("{\n  \"a\": [10, 20]\n}").unwrap();
        assert_eq!(p.root.locate("/a", true), 4);
        assert_eq!(p.root.locate("/a", false), 9);
        assert_eq!(p.root.locate("/a/1", false), 14);
        assert_eq!(p.root.locate("/a/9", false), 4); // falls back to the member holding the array
        assert_eq!(p.root.locate("", false), 0);
    }
}
