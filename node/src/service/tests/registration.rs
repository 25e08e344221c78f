//! Census import, one-time codes and voter registration.

use super::support::*;
use crate::service::{CensusRowError, CensusRowProblem, CheckpointPolicy};
use pbnode_protocol::encoding;
use pbnode_protocol::objects::{LogEntry, Phase};

#[test]
fn census_import_reports_each_bad_row_and_keeps_the_good_ones() {
    let (node, _clock) = node_on(memory(), CheckpointPolicy::default());
    node.create_process(def("budget")).unwrap();
    let id = node.open_process("budget").unwrap().id.unwrap();
    let csv = "voter_ref,district\na1,north\n,north\na2,west\na1,south\na3\n\n\"a4\",south\r\n";
    let report = node.import_census(&id, csv).unwrap();
    assert_eq!(report.imported, 2);
    let row = |row, problem| CensusRowError { row, problem };
    assert_eq!(
        report.errors,
        [
            row(3, CensusRowProblem::EmptyRef),
            row(4, CensusRowProblem::UnknownDistrict("west".into())),
            row(5, CensusRowProblem::Duplicate),
            row(6, CensusRowProblem::WrongFieldCount(1)),
        ]
    );
    // A second import sees the first: a4 is already in the census.
    let again = node.import_census(&id, "a4,north\na5,north").unwrap();
    assert_eq!(again.imported, 1);
    assert_eq!(again.errors, [row(1, CensusRowProblem::Duplicate)]);
    assert_eq!(node.census_size(&id).unwrap(), 3);
}

#[test]
fn census_import_reads_quoted_fields_with_commas_and_exports_them_quoted() {
    let (node, _clock) = node_on(memory(), CheckpointPolicy::default());
    node.create_process(def("budget")).unwrap();
    let id = node.open_process("budget").unwrap().id.unwrap();
    let csv = "voter_ref,district\r\n\"Smith, Anna\",north\r\n\"Nowak, Jan\",\"south\"\r\n\
               \"x\"\"y\",north\r\n\"open,south\r\n";
    let report = node.import_census(&id, csv).unwrap();
    assert_eq!(report.imported, 2);
    let row = |row, problem| CensusRowError { row, problem };
    assert_eq!(
        report.errors,
        [
            row(4, CensusRowProblem::BadCharacter),
            row(5, CensusRowProblem::UnterminatedQuote),
        ]
    );
    let exported = node.issue_codes(&id).unwrap();
    assert!(exported.contains("\n\"Smith, Anna\",north,"), "{exported}");
    assert!(exported.contains("\n\"Nowak, Jan\",south,"), "{exported}");
}

#[test]
fn a_code_registers_one_key_once_and_the_log_never_names_the_voter() {
    let (node, _clock) = node_on(memory(), CheckpointPolicy::default());
    node.create_process(def("budget")).unwrap();
    let id = node.open_process("budget").unwrap().id.unwrap();
    node.import_census(&id, "PESEL-86010112345,south\nPESEL-90020254321,north\n")
        .unwrap();
    let codes = parse_codes(&node.issue_codes(&id).unwrap());
    assert_eq!(codes.len(), 2);
    // Codes are issued once per census row: a second call issues none.
    assert_eq!(parse_codes(&node.issue_codes(&id).unwrap()).len(), 0);
    let (district, code) = &codes["PESEL-86010112345"];
    assert_eq!(district, "south");

    let key = voter_key(1);
    let credential = node.register_voter(&id, code, key.public_key()).unwrap();
    credential.verify(&node.public_key()).unwrap();
    assert_eq!(credential.value.district(), "south");
    assert_eq!(*credential.value.voter(), key.public_key());
    // Typed with other case and spacing, the same code is still used up.
    let retyped = code.to_uppercase().replace('-', " ");
    let err = node
        .register_voter(&id, &retyped, voter_key(2).public_key())
        .unwrap_err();
    assert_eq!(err.code(), "code_already_used");
    // One key registers once per process, whatever the code.
    let other_code = &codes["PESEL-90020254321"].1;
    let err = node
        .register_voter(&id, other_code, key.public_key())
        .unwrap_err();
    assert_eq!(err.code(), "key_already_registered");
    let err = node
        .register_voter(
            &id,
            "0000-0000-0000-0000-0000-0000-0000-0000",
            voter_key(3).public_key(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "unknown_code");
    assert_eq!(
        node.register_voter(&id, "not a code", voter_key(3).public_key())
            .unwrap_err()
            .code(),
        "unknown_code"
    );

    let log = node.log_entries(&id, 0, usize::MAX).unwrap();
    let issued: Vec<_> = log
        .iter()
        .filter_map(|b| match encoding::from_bytes(b).unwrap() {
            LogEntry::VoterRegistered(c) => Some(c),
            _ => None,
        })
        .collect();
    // The log holds the credential; the node's signature on it is the
    // voter's promise, and it verifies.
    assert_eq!(issued, std::slice::from_ref(&credential.value));
    credential.verify(&node.public_key()).unwrap();
    for entry in &log {
        assert!(
            !entry.windows(5).any(|w| w == b"PESEL"),
            "the log names no voter"
        );
    }
    // The unused code still works, and registration ends at close.
    node.register_voter(&id, other_code, voter_key(4).public_key())
        .unwrap();
    for phase in [Phase::Review, Phase::Voting, Phase::Closed] {
        node.advance_phase(&id, phase).unwrap();
    }
    node.import_census(&id, "late,north").unwrap_err();
    let err = node
        .register_voter(&id, code, voter_key(5).public_key())
        .unwrap_err();
    assert_eq!(err.code(), "wrong_phase");
}
