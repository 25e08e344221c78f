//! Errors of the Pabulib parser and writer.

/// Why a `.pb` file could not be parsed: the line where the problem starts and what it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct ParseError {
    /// The 1-based line number of the offending row (for a quoted field that
    /// spans lines, the line where the row starts).
    pub line: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong in a `.pb` file; each variant names the field concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// The bytes are not valid UTF-8.
    #[error("the file is not valid UTF-8")]
    InvalidUtf8,
    /// A quoted field is not closed before the end of the file.
    #[error("a quoted field is not closed")]
    UnterminatedQuote,
    /// Something other than `;` or a line end follows a closing quote.
    #[error("unexpected character after the closing quote of a field")]
    TextAfterQuote,
    /// A data row appears before any `META`, `PROJECTS` or `VOTES` line.
    #[error("row outside of any section (expected META, PROJECTS or VOTES first)")]
    RowOutsideSection,
    /// A section header appears twice or out of the META, PROJECTS, VOTES order.
    #[error("section {section} is out of order or repeated (expected META, PROJECTS, VOTES)")]
    SectionOutOfOrder {
        /// The section name as found.
        section: String,
    },
    /// A section is missing (the line is the end of the file).
    #[error("missing section {section}")]
    MissingSection {
        /// The missing section.
        section: &'static str,
    },
    /// A section has no column header row.
    #[error("section {section} has no column header row")]
    MissingHeader {
        /// The section.
        section: &'static str,
    },
    /// A required column is absent from a section's header.
    #[error("section {section} has no `{column}` column")]
    MissingColumn {
        /// The section.
        section: &'static str,
        /// The missing column.
        column: &'static str,
    },
    /// A column name appears twice in a header.
    #[error("column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The repeated column.
        column: String,
    },
    /// A row has a different number of fields than its header.
    #[error("expected {expected} fields as in the header, found {found}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A required META key is absent (the line is the META header).
    #[error("META has no `{key}` entry")]
    MissingMeta {
        /// The missing key.
        key: &'static str,
    },
    /// The `vote_type` is not one the format defines.
    #[error(
        "field `vote_type`: unknown vote type {value:?} (expected approval, choose-1, cumulative, scoring or ordinal)"
    )]
    UnknownVoteType {
        /// The value found.
        value: String,
    },
    /// A number field does not hold an exact non-negative number.
    #[error("field `{field}`: {value:?} is not a valid {expected}")]
    InvalidNumber {
        /// The field.
        field: String,
        /// The value found.
        value: String,
        /// What was expected, e.g. "non-negative amount" or "integer".
        expected: &'static str,
    },
    /// Two projects share an id.
    #[error("field `project_id`: project {id:?} is defined twice")]
    DuplicateProject {
        /// The repeated id.
        id: String,
    },
    /// A project id is empty.
    #[error("field `project_id` is empty")]
    EmptyProjectId,
    /// A ballot names a project that the PROJECTS section does not define.
    #[error("field `vote`: unknown project {id:?}")]
    UnknownProject {
        /// The unknown id.
        id: String,
    },
    /// A ballot names the same project twice.
    #[error("field `vote`: project {id:?} appears twice in the ballot")]
    RepeatedChoice {
        /// The repeated id.
        id: String,
    },
    /// A ballot's `points` list is not as long as its `vote` list.
    #[error("field `points`: {points} values for {choices} projects in `vote`")]
    PointsMismatch {
        /// Entries in `vote`.
        choices: usize,
        /// Entries in `points`.
        points: usize,
    },
}

/// Why an election cannot be written as a `.pb` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// A project id contains `,`, which the `vote` column uses as its separator.
    #[error("project id {id:?} contains ',' and cannot appear in a `vote` field")]
    CommaInProjectId {
        /// The offending id.
        id: String,
    },
    /// A ballot refers to a project index that does not exist.
    #[error(
        "voter {voter:?} refers to project index {index}, but there are only {projects} projects"
    )]
    BadProjectIndex {
        /// The voter id.
        voter: String,
        /// The index.
        index: u32,
        /// The number of projects.
        projects: usize,
    },
    /// A row's extra fields do not match the extra column names.
    #[error("{row} has {found} extra fields for {expected} extra columns")]
    ExtraMismatch {
        /// Which row ("project X" or "voter X").
        row: String,
        /// Extra column names.
        expected: usize,
        /// Extra fields in the row.
        found: usize,
    },
}
