//! Parser and writer tests on hand-made files and on every real Pabulib file
//! in `tests/data/pabulib/`.

use super::*;
use crate::election::{Election, Money, VoteType};
use num_bigint::BigInt;

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/pabulib")
}

fn real_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    files
}

const SMALL: &str = "\u{feff}META\r\nkey;value\r\ndescription;\"A; quoted \"\"test\"\"\"\r\nbudget;1000.50\r\nvote_type;cumulative\r\nunit;Town\r\nPROJECTS\r\nproject_id;name;cost;votes\r\n10;\"Park; north\";500.25;2\r\n9;Library;250,25;1\r\nVOTES\r\nvoter_id;age;vote;points\r\nv1;30;10,9;3,2\r\nv2;;10;5\r\n";

#[test]
fn parses_quotes_bom_crlf_and_extra_columns() {
    let e = parse(SMALL).unwrap();
    assert_eq!(e.vote_type, VoteType::Cumulative);
    assert_eq!(e.budget, Money::new(BigInt::from(2001), BigInt::from(2)));
    assert_eq!(
        e.meta[0],
        ("description".into(), "A; quoted \"test\"".into())
    );
    assert_eq!(e.meta_value("unit"), Some("Town"));
    assert_eq!(e.project_columns, vec!["name", "votes"]);
    assert_eq!(e.projects[0].id, "10");
    assert_eq!(e.projects[0].extra, vec!["Park; north", "2"]);
    assert_eq!(
        e.projects[1].cost,
        Money::new(BigInt::from(1001), BigInt::from(4))
    );
    assert_eq!(e.vote_columns, vec!["age"]);
    assert_eq!(e.voters[0].choices, vec![0, 1]);
    assert_eq!(e.voters[0].points, vec![3, 2]);
    assert_eq!(e.voters[1].extra, vec![""]);
}

#[test]
fn small_file_round_trips() {
    let e = parse(SMALL).unwrap();
    let text = write(&e).unwrap();
    assert_eq!(parse(&text).unwrap(), e);
    assert!(text.contains("10;500.25;\"Park; north\";2\n"), "{text}");
}

fn error_of(text: &str) -> ParseError {
    parse(text).unwrap_err()
}

#[test]
fn errors_name_line_and_field() {
    let base = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\n2;x\nVOTES\nvoter_id;vote\n";
    let e = error_of(base);
    assert_eq!(e.line, 8);
    assert!(matches!(&e.kind, ParseErrorKind::InvalidNumber { field, .. } if field == "cost"));
    assert!(e.to_string().starts_with("line 8: field `cost`"), "{e}");

    let good = base.replace("2;x", "2;60");
    assert_eq!(parse(&good).unwrap().projects.len(), 2);
    let e = error_of(&format!("{good}a;1,3\n"));
    assert_eq!(
        (e.line, e.kind),
        (11, ParseErrorKind::UnknownProject { id: "3".into() })
    );
    let e = error_of(&format!("{good}a;1,2,1\n"));
    assert_eq!(
        (e.line, e.kind),
        (11, ParseErrorKind::RepeatedChoice { id: "1".into() })
    );
    let e = error_of(&format!("{good}a;1;extra\n"));
    assert_eq!(
        (e.line, e.kind),
        (
            11,
            ParseErrorKind::FieldCount {
                expected: 2,
                found: 3
            }
        )
    );
    let e = error_of(&good.replace("vote_type;approval", "vote_type;plurality"));
    assert_eq!(e.line, 4);
    assert!(matches!(e.kind, ParseErrorKind::UnknownVoteType { .. }));
    let e = error_of(&good.replace("budget;100\n", ""));
    assert_eq!(
        (e.line, e.kind),
        (2, ParseErrorKind::MissingMeta { key: "budget" })
    );
    let e = error_of(&good.replace("project_id;cost", "project_id;price"));
    assert_eq!(
        e.kind,
        ParseErrorKind::MissingColumn {
            section: "PROJECTS",
            column: "cost"
        }
    );
    let e = error_of(&good.replace("2;60", "1;60"));
    assert_eq!(
        (e.line, e.kind),
        (8, ParseErrorKind::DuplicateProject { id: "1".into() })
    );
    let e = error_of(&good.replace("VOTES\nvoter_id;vote\n", ""));
    assert_eq!(e.kind, ParseErrorKind::MissingSection { section: "VOTES" });
    let e = error_of(&good.replace("META\n", ""));
    assert_eq!((e.line, e.kind), (1, ParseErrorKind::RowOutsideSection));
    let e = error_of(&good.replace("1;50", "\"1;50"));
    assert_eq!((e.line, e.kind), (7, ParseErrorKind::UnterminatedQuote));
    let e = parse_bytes(b"META\nkey;value\nname;\xff\n").unwrap_err();
    assert_eq!((e.line, e.kind), (3, ParseErrorKind::InvalidUtf8));
}

#[test]
fn points_must_match_votes() {
    let text = "META\nkey;value\nbudget;100\nvote_type;scoring\nPROJECTS\nproject_id;cost\n1;50\n2;50\nVOTES\nvoter_id;vote;points\na;1,2;3\n";
    let e = error_of(text);
    assert_eq!(
        (e.line, e.kind),
        (
            11,
            ParseErrorKind::PointsMismatch {
                choices: 2,
                points: 1
            }
        )
    );
    let e = error_of(&text.replace("a;1,2;3", "a;1,2;3,x"));
    assert!(matches!(&e.kind, ParseErrorKind::InvalidNumber { field, .. } if field == "points"));
    let e = error_of(&text.replace(";points", ""));
    assert_eq!(
        e.kind,
        ParseErrorKind::MissingColumn {
            section: "VOTES",
            column: "points"
        }
    );
}

#[test]
fn writer_quotes_what_would_otherwise_change() {
    let mut e = parse(SMALL).unwrap();
    e.projects[0].extra[0] = " padded ".into();
    e.voters[0].id = "VOTES".into();
    e.voters[1].extra[0] = "line\nbreak".into();
    let back = parse(&write(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

#[test]
fn writer_refuses_comma_in_project_id() {
    let mut e = parse(SMALL).unwrap();
    e.projects[0].id = "a,b".into();
    assert!(matches!(
        write(&e),
        Err(WriteError::CommaInProjectId { .. })
    ));
}

#[test]
fn every_real_file_round_trips() {
    let files = real_files();
    assert_eq!(files.len(), 20, "the reference set has 20 files");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let first: Election =
            parse_bytes(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!first.voters.is_empty() && !first.projects.is_empty());
        let text = write(&first).unwrap();
        let second = parse(&text).unwrap_or_else(|e| panic!("{} rewritten: {e}", path.display()));
        assert!(
            first == second,
            "{}: parse → write → parse changed the election",
            path.display()
        );
    }
}

#[test]
fn real_files_match_their_headers() {
    // Counts pabutools reports (expected.json): voters = ballot lines, projects = rows.
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data_dir().join("expected.json")).unwrap())
            .unwrap();
    for (name, info) in expected["files"].as_object().unwrap() {
        let e = parse_bytes(&std::fs::read(data_dir().join(name)).unwrap()).unwrap();
        assert_eq!(
            e.voters.len() as u64,
            info["num_voters"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            e.projects.len() as u64,
            info["num_projects"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            e.vote_type.as_str(),
            info["vote_type"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            Some(e.budget.clone()),
            parse_money(info["budget"].as_str().unwrap()),
            "{name}"
        );
    }
}
