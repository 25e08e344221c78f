//! Census import: voter references and their districts.

use super::records::{self, CensusRecord};
use super::{Node, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::objects::{Phase, ProcessId};
use serde::Serialize;
use std::collections::HashSet;

/// Why a census row was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum CensusRowProblem {
    /// The row does not have exactly two fields.
    WrongFieldCount(usize),
    /// A quoted field is not closed before the end of the file.
    UnterminatedQuote,
    /// Text follows a quoted field's closing quote (`"a"b`).
    TextAfterQuote,
    /// The voter reference is empty.
    EmptyRef,
    /// The voter reference holds a quote or control character (it would
    /// break the exported code file).
    BadCharacter,
    /// The district is not a district of the process.
    UnknownDistrict(String),
    /// The voter reference appears earlier in the file or is already in the census.
    Duplicate,
}

/// One refused row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CensusRowError {
    /// The row's line number in the file (1 = first line).
    pub row: usize,
    /// Why it was refused.
    pub problem: CensusRowProblem,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CensusImport {
    /// Rows added to the census.
    pub imported: usize,
    /// Rows refused, in file order.
    pub errors: Vec<CensusRowError>,
}

/// Accepted header lines (lower case); any other first line is data.
const HEADERS: &[&str] = &[
    "voter_ref,district",
    "voter_reference,district",
    "ref,district",
];

/// One CSV record: the line it starts on (1 = first) and its fields, or
/// why it could not be read.
#[derive(Debug, PartialEq, Eq)]
struct CsvRecord {
    line: usize,
    fields: Result<Vec<String>, CensusRowProblem>,
}

/// Splits `text` into CSV records by RFC 4180: fields separated by commas,
/// records by CRLF or LF; a field in double quotes may hold commas, line
/// breaks and doubled quotes (`""` for `"`). Leniencies that spreadsheets
/// need: spaces around a field (outside its quotes) are dropped, and the
/// last record may lack its line break.
fn csv_records(text: &str) -> Vec<CsvRecord> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut problem = None;
        loop {
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            let mut field = String::new();
            if chars.next_if_eq(&'"').is_some() {
                loop {
                    match chars.next() {
                        None => {
                            problem.get_or_insert(CensusRowProblem::UnterminatedQuote);
                            break;
                        }
                        Some('"') if chars.next_if_eq(&'"').is_none() => break,
                        Some(c) => {
                            line += usize::from(c == '\n');
                            field.push(c);
                        }
                    }
                }
                while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
                if chars.next_if(|c| !matches!(c, ',' | '\r' | '\n')).is_some() {
                    problem.get_or_insert(CensusRowProblem::TextAfterQuote);
                    while chars.next_if(|c| !matches!(c, ',' | '\r' | '\n')).is_some() {}
                }
            } else {
                while let Some(c) = chars.next_if(|c| !matches!(c, ',' | '\r' | '\n')) {
                    field.push(c);
                }
                field.truncate(field.trim_end().len());
            }
            fields.push(field);
            match chars.next() {
                Some(',') => continue,
                Some('\r') => {
                    chars.next_if_eq(&'\n');
                    line += 1;
                }
                Some(_) => line += 1,
                None => {}
            }
            break;
        }
        records.push(CsvRecord {
            line: start,
            fields: problem.map_or(Ok(fields), Err),
        });
    }
    records
}

/// A field for a CSV file this node writes: quoted (RFC 4180) when it holds
/// a comma, a quote or a line break, as it is when read back.
pub(crate) fn csv_field(value: &str) -> std::borrow::Cow<'_, str> {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\"")).into()
    } else {
        value.into()
    }
}

pub(crate) fn census_key(process: &ProcessId, voter_ref: &str) -> Vec<u8> {
    records::key(process, voter_ref.as_bytes())
}

impl Node {
    /// Imports census rows `voter_ref,district` (an optional header line
    /// `voter_ref,district` first), read as RFC 4180 CSV: a field in double
    /// quotes may hold commas (`"Smith, Anna",north`). A voter reference
    /// may not hold a quote or control character. Good rows are added in
    /// one atomic write; each bad row is reported with the line it starts
    /// on and the reason. Allowed before close.
    pub fn import_census(
        &self,
        process: &ProcessId,
        csv: &str,
    ) -> Result<CensusImport, ServiceError> {
        let log = self.process_log(process)?;
        let _pl = lock(&log);
        let record =
            self.record_in_phase(process, &[Phase::Proposals, Phase::Review, Phase::Voting])?;
        let mut report = CensusImport::default();
        let mut seen = HashSet::new();
        let mut batch = WriteBatch::default();
        for (n, csv_record) in csv_records(csv).into_iter().enumerate() {
            let row = csv_record.line;
            let fields = match csv_record.fields {
                Ok(fields) => fields,
                Err(problem) => {
                    report.errors.push(CensusRowError { row, problem });
                    continue;
                }
            };
            let blank = matches!(fields.as_slice(), [only] if only.is_empty());
            if blank || (n == 0 && HEADERS.contains(&fields.join(",").to_lowercase().as_str())) {
                continue;
            }
            let problem = match fields.as_slice() {
                [voter_ref, district] => {
                    let (voter_ref, district) = (voter_ref.as_str(), district.as_str());
                    if voter_ref.is_empty() {
                        Some(CensusRowProblem::EmptyRef)
                    } else if voter_ref.chars().any(|c| c == '"' || c.is_control()) {
                        Some(CensusRowProblem::BadCharacter)
                    } else if record.def.district(district).is_none() {
                        Some(CensusRowProblem::UnknownDistrict(district.to_string()))
                    } else if !seen.insert(voter_ref.to_string())
                        || self
                            .store
                            .get(Keyspace::Census, &census_key(process, voter_ref))?
                            .is_some()
                    {
                        Some(CensusRowProblem::Duplicate)
                    } else {
                        let entry = CensusRecord {
                            district: district.to_string(),
                            code_issued: false,
                        };
                        records::put(
                            &mut batch,
                            Keyspace::Census,
                            &census_key(process, voter_ref),
                            &entry,
                        )?;
                        report.imported += 1;
                        None
                    }
                }
                other => Some(CensusRowProblem::WrongFieldCount(other.len())),
            };
            if let Some(problem) = problem {
                report.errors.push(CensusRowError { row, problem });
            }
        }
        self.write(batch)?;
        Ok(report)
    }

    /// How many census rows the process has.
    pub fn census_size(&self, process: &ProcessId) -> Result<usize, ServiceError> {
        Ok(self
            .store
            .scan_prefix(Keyspace::Census, process.as_bytes(), usize::MAX)?
            .len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(usize, Result<Vec<String>, CensusRowProblem>)> {
        csv_records(text)
            .into_iter()
            .map(|r| (r.line, r.fields))
            .collect()
    }

    fn ok(line: usize, values: &[&str]) -> (usize, Result<Vec<String>, CensusRowProblem>) {
        (line, Ok(values.iter().map(|v| v.to_string()).collect()))
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text =
            "\"Smith, Anna\",north\r\n\"say \"\"hi\"\"\",south\n\"two\nlines\",west\nlast,east";
        assert_eq!(
            fields(text),
            [
                ok(1, &["Smith, Anna", "north"]),
                ok(2, &["say \"hi\"", "south"]),
                ok(3, &["two\nlines", "west"]),
                ok(5, &["last", "east"]),
            ]
        );
    }

    #[test]
    fn spaces_around_fields_are_dropped_and_empty_fields_kept() {
        assert_eq!(
            fields(" a1 , \"north\" \n,\n\n"),
            [ok(1, &["a1", "north"]), ok(2, &["", ""]), ok(3, &[""])]
        );
    }

    #[test]
    fn broken_quoting_is_reported_on_the_record_and_the_next_record_still_reads() {
        assert_eq!(
            fields("\"a\"b,north\nc,south\n\"open,west\nd,east"),
            [
                (1, Err(CensusRowProblem::TextAfterQuote)),
                ok(2, &["c", "south"]),
                (3, Err(CensusRowProblem::UnterminatedQuote)),
            ]
        );
    }

    #[test]
    fn written_fields_read_back_unchanged() {
        for value in ["plain", "Smith, Anna", "say \"hi\"", "two\r\nlines", ""] {
            let line = format!("{},x\n", csv_field(value));
            assert_eq!(fields(&line), [ok(1, &[value, "x"])], "{value:?}");
        }
    }
}
