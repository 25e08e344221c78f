//! One-time voting codes: 128 random bits, shown once, stored hashed.

use super::census::{census_key, csv_field};
use super::records::{self, CensusRecord, CodeRecord};
use super::{Node, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::objects::{Phase, ProcessId};

/// A code's raw bytes.
pub(crate) type CodeBytes = [u8; 16];

/// The display form: 32 lower-case hex digits in groups of four.
fn format_code(code: &CodeBytes) -> String {
    let hex = hex::encode(code);
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Reads a code as a voter types it: case, spaces and dashes do not matter.
pub(crate) fn parse_code(text: &str) -> Result<CodeBytes, ServiceError> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_lowercase();
    let mut out = [0u8; 16];
    hex::decode_to_slice(&digits, &mut out).map_err(|_| ServiceError::UnknownCode)?;
    Ok(out)
}

/// The [`Keyspace::Codes`] key: process id ‖ BLAKE3(code bytes).
pub(crate) fn code_key(process: &ProcessId, code: &CodeBytes) -> Vec<u8> {
    records::key(process, blake3::hash(code).as_bytes())
}

impl Node {
    /// Issues a one-time code to every census row that has none yet and
    /// returns them as CSV `voter_ref,district,code` (with that header) for
    /// the municipality's mailing. The codes are shown only here: the store
    /// keeps their BLAKE3 hashes. Allowed before close.
    pub fn issue_codes(&self, process: &ProcessId) -> Result<String, ServiceError> {
        let log = self.process_log(process)?;
        let _pl = lock(&log);
        self.record_in_phase(process, &[Phase::Proposals, Phase::Review, Phase::Voting])?;
        let rows =
            records::scan::<CensusRecord>(&*self.store, Keyspace::Census, process.as_bytes())?;
        let mut csv = String::from("voter_ref,district,code\n");
        let mut batch = WriteBatch::default();
        for (suffix, mut row) in rows {
            if row.code_issued {
                continue;
            }
            let voter_ref = String::from_utf8(suffix)
                .map_err(|_| ServiceError::Corrupt("census reference is not UTF-8".into()))?;
            let mut code = [0u8; 16];
            getrandom::fill(&mut code).map_err(|e| ServiceError::Randomness(e.to_string()))?;
            let entry = CodeRecord {
                voter_ref: voter_ref.clone(),
                district: row.district.clone(),
                used: false,
            };
            records::put(
                &mut batch,
                Keyspace::Codes,
                &code_key(process, &code),
                &entry,
            )?;
            row.code_issued = true;
            records::put(
                &mut batch,
                Keyspace::Census,
                &census_key(process, &voter_ref),
                &row,
            )?;
            csv.push_str(&format!(
                "{},{},{}\n",
                csv_field(&voter_ref),
                csv_field(&row.district),
                format_code(&code)
            ));
        }
        self.write(batch)?;
        Ok(csv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_whatever_the_spacing_and_case() {
        let code = [0xab; 16];
        let shown = format_code(&code);
        assert_eq!(shown.len(), 32 + 7);
        assert_eq!(parse_code(&shown).unwrap(), code);
        assert_eq!(
            parse_code(&format!(" {} ", shown.to_uppercase().replace('-', " "))).unwrap(),
            code
        );
        assert!(matches!(parse_code("abcd"), Err(ServiceError::UnknownCode)));
    }
}
