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

fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(field)
}

pub(crate) fn census_key(process: &ProcessId, voter_ref: &str) -> Vec<u8> {
    records::key(process, voter_ref.as_bytes())
}

impl Node {
    /// Imports census rows `voter_ref,district` (an optional header line
    /// `voter_ref,district` first). Fields are split at commas and may be
    /// wrapped in double quotes; a field holding a comma is not supported
    /// (such a row is reported as a wrong field count). Good rows are added in one atomic write;
    /// each bad row is reported with its line number and reason. Allowed
    /// before close.
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
        for (n, line) in csv.lines().enumerate() {
            let row = n + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty()
                || (n == 0 && HEADERS.contains(&line.trim().to_lowercase().as_str()))
            {
                continue;
            }
            let fields: Vec<&str> = line.split(',').map(unquote).collect();
            let problem = match fields.as_slice() {
                [voter_ref, district] => {
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
