//! pbnode's origin line convention.

use crate::note::{OriginError, check_key_name, parse_process_log_origin, process_log_origin};

#[test]
fn origins_are_built_and_split() {
    let origin = process_log_origin("warszawa", "pb-2026.district-3").unwrap();
    assert_eq!(origin, "pbnode/warszawa/pb-2026.district-3");
    assert_eq!(
        parse_process_log_origin(&origin).unwrap(),
        ("warszawa", "pb-2026.district-3")
    );
    // The origin is a valid key name, so the log key can be named after it.
    assert_eq!(check_key_name(&origin), Ok(()));
}

#[test]
fn components_are_restricted() {
    let long = "a".repeat(65);
    for bad in [
        "",
        "Warszawa",
        "a/b",
        "a b",
        "a+b",
        "\u{142}\u{f3}d\u{17a}",
        long.as_str(),
    ] {
        assert_eq!(
            process_log_origin(bad, "p"),
            Err(OriginError::InvalidComponent(bad.to_owned()))
        );
        assert!(process_log_origin("j", bad).is_err());
    }
    assert!(process_log_origin(&"a".repeat(64), "p").is_ok());
}

#[test]
fn foreign_origins_are_not_pbnode() {
    for other in [
        "example.com/log42",
        "pbnode/a",
        "pbnode/a/b/c",
        "pbnodex/a/b",
    ] {
        assert_eq!(
            parse_process_log_origin(other),
            Err(OriginError::NotPbnode(other.to_owned()))
        );
    }
}
