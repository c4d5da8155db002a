//! Source text of one input document, and the line/column arithmetic diagnostics need.
//!
//! Every query costs O(log n) plus a bounded scan, however long the line: a minified file
//! with a hundred thousand problems on one line must not cost a hundred thousand line scans.

/// One input file as the shell read it. `name` is what diagnostics print: the path the
/// user gave (never made absolute, so reports are the same on every machine).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
    /// Characters before every `MARK`th byte; only for a text with a line too long to
    /// count columns in directly (empty otherwise).
    char_marks: Box<[usize]>,
}

/// Bytes between two entries of `char_marks`.
const MARK: usize = 1024;
/// Columns up to this many bytes into a line are counted directly.
const LONG_LINE: usize = 4 * MARK;

/// How much of a line a diagnostic shows: at most this many characters around the column.
pub const EXCERPT_WIDTH: usize = 100;

/// A bounded window of one source line around a column, as a diagnostic shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// At most [`EXCERPT_WIDTH`] characters of the line, with `...` where it was cut.
    pub text: String,
    /// How many characters of `text` come before the caret.
    pub caret: usize,
}

/// Characters in a run of UTF-8 bytes (any run: counts the bytes that start a character).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        line_starts.shrink_to_fit();
        let longest = line_starts.windows(2).map(|w| w[1] - w[0]).chain([text.len() - line_starts[line_starts.len() - 1]]).max();
        let mut char_marks = Vec::new();
        if longest.is_some_and(|n| n > LONG_LINE) {
            char_marks.push(0);
            for chunk in text.as_bytes().chunks(MARK) {
                char_marks.push(char_marks[char_marks.len() - 1] + chars_in(chunk));
            }
        }
        SourceFile { name: name.into(), text, line_starts, char_marks: char_marks.into_boxed_slice() }
    }

    /// Characters in `text[..offset]` (only called when `char_marks` is built).
    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / MARK;
        self.char_marks[k] + chars_in(&self.text.as_bytes()[k * MARK..offset])
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// 1-based line and column of a byte offset; the column counts characters, not bytes.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let column = if offset - start <= LONG_LINE {
            chars_in(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line as u32 + 1, column as u32 + 1)
    }

    /// The byte range of the line holding `offset`, without its line ending.
    fn line_range(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let mut end = self.line_starts.get(line + 1).map_or(self.text.len(), |&next| next - 1);
        while end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end)
    }

    /// The part of the line holding `offset` that a diagnostic shows: the whole line when
    /// it has at most [`EXCERPT_WIDTH`] characters, else that many around the offset (the
    /// caret in the middle unless the line ends first), with `...` where it was cut.
    pub fn excerpt(&self, offset: usize) -> Excerpt {
        let offset = offset.min(self.text.len());
        let (start, end) = self.line_range(offset);
        let text = &self.text;
        let offset = floor_boundary(text, offset.min(end));
        // Up to WIDTH characters on each side are enough to place the window.
        let before: Vec<usize> = text[start..offset].char_indices().rev().take(EXCERPT_WIDTH + 1).map(|(i, _)| start + i).collect();
        let after: Vec<usize> = text[offset..end].char_indices().take(EXCERPT_WIDTH + 1).map(|(i, _)| offset + i).collect();
        let more_before = before.len() > EXCERPT_WIDTH;
        let more_after = after.len() > EXCERPT_WIDTH;
        let caret = before.len().min(EXCERPT_WIDTH);
        if !more_before && !more_after && before.len() + after.len() <= EXCERPT_WIDTH {
            return Excerpt { text: text[start..end].to_string(), caret };
        }
        // As if the whole line were `chars` with the caret at `caret`: start the window half
        // a width before the caret, but no later than a width before the line's end.
        let mut back = caret.min(EXCERPT_WIDTH / 2);
        if !more_after {
            back = back.max(EXCERPT_WIDTH.saturating_sub(after.len()));
        }
        let from = if back == 0 { offset } else { before[back - 1] };
        let cut_before = more_before || back < before.len();
        let shown_after = EXCERPT_WIDTH - back;
        let cut_after = after.len() > shown_after;
        let to = after.get(shown_after).copied().unwrap_or(end);
        let mut window = String::with_capacity(to - from + 6);
        if cut_before {
            window.push_str("...");
        }
        window.push_str(&text[from..to]);
        if cut_after {
            window.push_str("...");
        }
        Excerpt { text: window, caret: back + if cut_before { 3 } else { 0 } }
    }
}

/// The largest character boundary at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("f", "ab\n\u{e9}x\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(5), (2, 2)); // after the two-byte é
        assert_eq!(f.excerpt(5), Excerpt { text: "\u{e9}x".to_string(), caret: 1 });
        assert_eq!(f.excerpt(99), Excerpt { text: String::new(), caret: 0 });
    }

    #[test]
    fn columns_far_into_a_long_line_use_the_marks() {
        let line = "\u{e9}a".repeat(50_000);
        let f = SourceFile::new("f", format!("x\n{line}\ny"));
        for chars in [0usize, 1, 4_000, 4_097, 60_001, 99_999] {
            let offset = 2 + line.char_indices().nth(chars).map_or(line.len(), |(i, _)| i);
            assert_eq!(f.line_col(offset), (2, chars as u32 + 1), "character {chars}");
        }
        assert_eq!(f.line_col(f.text.len()), (3, 2));
    }

    /// The window as the whole line would give it (the reference the bounded scan must match).
    fn reference(line: &str, caret: usize) -> Excerpt {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() <= EXCERPT_WIDTH {
            return Excerpt { text: line.to_string(), caret };
        }
        let start = caret.saturating_sub(EXCERPT_WIDTH / 2).min(chars.len() - EXCERPT_WIDTH);
        let end = (start + EXCERPT_WIDTH).min(chars.len());
        let mut text = String::new();
        if start > 0 {
            text.push_str("...");
        }
        text.extend(&chars[start..end]);
        if end < chars.len() {
            text.push_str("...");
        }
        Excerpt { text, caret: caret - start + if start > 0 { 3 } else { 0 } }
    }

    #[test]
    fn excerpts_are_bounded_windows_around_the_column() {
        for len in [0usize, 1, 99, 100, 101, 150, 199, 200, 201, 1_000] {
            let line: String = (0..len).map(|i| if i % 7 == 0 { '\u{e9}' } else { char::from(b'a' + (i % 26) as u8) }).collect();
            let f = SourceFile::new("f", format!("{{\n{line}\r\n}}"));
            for caret in (0..=len).filter(|c| c % 3 == 0 || *c + 2 >= len || *c < 3) {
                let offset = 2 + line.char_indices().nth(caret).map_or(line.len(), |(i, _)| i);
                assert_eq!(f.excerpt(offset), reference(&line, caret), "line of {len}, caret {caret}");
            }
        }
        let f = SourceFile::new("f", "a".repeat(10_000_000));
        let e = f.excerpt(5_000_000);
        assert_eq!((e.text.len(), e.caret), (106, 53));
    }
}
