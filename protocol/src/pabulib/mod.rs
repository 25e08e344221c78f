//! The Pabulib `.pb` exchange format (<https://pabulib.org/format>): a parser
//! and a writer for the [`Election`](crate::election::Election) model.
//!
//! A file has three sections, `META`, `PROJECTS` and `VOTES`, each a
//! `;`-separated table whose first row names the columns. Fields may be
//! quoted with `"` (a `""` inside a quoted field is one `"`, and `;` or a line
//! break inside quotes is part of the field). A UTF-8 byte order mark and
//! CRLF line endings are accepted. Unquoted fields are trimmed, as pabutools
//! does. Columns other than the ones the rules need are kept verbatim, in
//! order, so that writing a parsed election loses nothing: for every file,
//! `parse(write(parse(f)))` equals `parse(f)`.
//!
//! Costs and the budget are exact rationals: `75000.0`, `75000,0` and `75000`
//! are the same amount; no float is ever involved.

mod error;
mod number;
mod parse;
mod records;
mod write;

pub use error::{ParseError, ParseErrorKind, WriteError};
pub use number::{format_money, parse_money};
pub use parse::{parse, parse_bytes};
pub use write::write;

#[cfg(test)]
mod tests;
