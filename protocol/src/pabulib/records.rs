//! Splits `.pb` text into rows of fields: `;` separators, `"` quoting with
//! `""` escapes, line breaks `\n`, `\r\n` or `\r`. Each row remembers the line
//! it starts on so errors can name it.

use super::error::{ParseError, ParseErrorKind};
use std::borrow::Cow;

/// One row: its 1-based starting line and its fields.
pub(super) struct Row<'a> {
    pub line: usize,
    pub fields: Vec<Cow<'a, str>>,
    /// Whether the first field was quoted (a quoted `"VOTES"` is data, not a section).
    pub first_quoted: bool,
}

impl Row<'_> {
    /// True for a row with nothing in it (pabutools skips these).
    pub fn is_blank(&self) -> bool {
        self.fields.len() == 1 && self.fields[0].is_empty()
    }
}

/// An iterator over the rows of a text.
pub(super) struct Rows<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Rows<'a> {
    pub fn new(text: &'a str) -> Self {
        Rows {
            text,
            pos: 0,
            line: 1,
        }
    }

    fn error(&self, line: usize, kind: ParseErrorKind) -> ParseError {
        ParseError { line, kind }
    }

    /// Whether the field at `self.pos` is quoted.
    fn starts_quoted(&self) -> bool {
        self.text[self.pos..]
            .trim_start_matches([' ', '\t'])
            .starts_with('"')
    }

    /// Reads one field starting at `self.pos`; leaves `self.pos` on the
    /// separator or line end that ends it.
    fn field(&mut self, row_line: usize) -> Result<Cow<'a, str>, ParseError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        // Skip leading spaces to see whether the field is quoted.
        let mut at = start;
        while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
            at += 1;
        }
        if at < bytes.len() && bytes[at] == b'"' {
            return self.quoted_field(at + 1, row_line);
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| matches!(b, b';' | b'\n' | b'\r'))
            .map_or(bytes.len(), |n| start + n);
        self.pos = end;
        Ok(Cow::Borrowed(self.text[start..end].trim()))
    }

    /// Reads a quoted field whose content starts at `content`; the value is
    /// kept verbatim (not trimmed), with `""` turned into `"`.
    fn quoted_field(
        &mut self,
        content: usize,
        row_line: usize,
    ) -> Result<Cow<'a, str>, ParseError> {
        let bytes = self.text.as_bytes();
        let mut owned: Option<String> = None;
        let mut chunk_start = content;
        let mut at = content;
        loop {
            match bytes.get(at) {
                None => return Err(self.error(row_line, ParseErrorKind::UnterminatedQuote)),
                Some(b'"') if bytes.get(at + 1) == Some(&b'"') => {
                    let buf = owned.get_or_insert_with(String::new);
                    buf.push_str(&self.text[chunk_start..=at]);
                    at += 2;
                    chunk_start = at;
                }
                Some(b'"') => break,
                Some(b'\n') => {
                    self.line += 1;
                    at += 1;
                }
                Some(b'\r') => {
                    if bytes.get(at + 1) != Some(&b'\n') {
                        self.line += 1;
                    }
                    at += 1;
                }
                Some(_) => at += 1,
            }
        }
        let value = match owned {
            Some(mut buf) => {
                buf.push_str(&self.text[chunk_start..at]);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(&self.text[content..at]),
        };
        at += 1;
        while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
            at += 1;
        }
        match bytes.get(at) {
            None | Some(b';' | b'\n' | b'\r') => {
                self.pos = at;
                Ok(value)
            }
            Some(_) => Err(self.error(self.line, ParseErrorKind::TextAfterQuote)),
        }
    }
}

impl<'a> Iterator for Rows<'a> {
    type Item = Result<Row<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let line = self.line;
        let mut fields = Vec::new();
        let first_quoted = self.starts_quoted();
        loop {
            match self.field(line) {
                Ok(f) => fields.push(f),
                Err(e) => {
                    // Stop iterating after an error.
                    self.pos = bytes.len();
                    return Some(Err(e));
                }
            }
            match bytes.get(self.pos) {
                Some(b';') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += if bytes.get(self.pos + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    break;
                }
                _ => break,
            }
        }
        self.line += 1;
        Some(Ok(Row {
            line,
            fields,
            first_quoted,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
        Rows::new(text)
            .map(|r| {
                let r = r.unwrap();
                (r.line, r.fields.into_iter().map(Cow::into_owned).collect())
            })
            .collect()
    }

    #[test]
    fn splits_quotes_and_line_ends() {
        let got = rows("a; b ;c\r\n\"x;y\";\"say \"\"hi\"\"\"\n\"two\nlines\";z\rlast");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into(), "c".into()]),
                (2, vec!["x;y".into(), "say \"hi\"".into()]),
                (3, vec!["two\nlines".into(), "z".into()]),
                (5, vec!["last".into()]),
            ]
        );
    }

    #[test]
    fn empty_fields_and_blank_lines() {
        let got = rows("a;;\n\n;b");
        assert_eq!(got[0].1, vec!["a", "", ""]);
        assert_eq!(got[1].1, vec![""]);
        assert_eq!(got[2], (3, vec!["".into(), "b".into()]));
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        let err = Rows::new("ok\n\"open;\nmore")
            .find_map(Result::err)
            .unwrap();
        assert_eq!(err.line, 2);
        assert_eq!(err.kind, ParseErrorKind::UnterminatedQuote);
    }

    #[test]
    fn text_after_closing_quote_is_an_error() {
        let err = Rows::new("\"a\"b;c").find_map(Result::err).unwrap();
        assert_eq!(err.kind, ParseErrorKind::TextAfterQuote);
    }
}
