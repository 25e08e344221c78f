//! tlog-checkpoint text: strict parsing, formatting, signing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::support::{ORIGIN, log_signer, log_vkey, witness_signer};
use crate::note::{Checkpoint, CheckpointError, NoteError, SignedCheckpoint};

const ROOT_B64: &str = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

fn spec_example() -> Checkpoint {
    let root: [u8; 32] = STANDARD.decode(ROOT_B64).unwrap().try_into().unwrap();
    Checkpoint::new("example.com/behind-the-sofa", 20852163, root)
}

#[test]
fn the_spec_example_body_formats_and_parses() {
    let text = format!("example.com/behind-the-sofa\n20852163\n{ROOT_B64}\n");
    assert_eq!(spec_example().to_text().unwrap(), text);
    assert_eq!(Checkpoint::parse(&text).unwrap(), spec_example());
}

#[test]
fn the_spec_example_signed_checkpoint_parses() {
    let text = format!(
        "example.com/behind-the-sofa\n20852163\n{ROOT_B64}\n\n\
         \u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\
         \u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
    );
    let signed = SignedCheckpoint::parse(&text).unwrap();
    assert_eq!(signed.checkpoint(), &spec_example());
    assert_eq!(signed.signatures().len(), 2);
    // The cosignature line carries timestamp 1679315147 (the spec's example).
    let cosig = crate::note::Cosignature::from_note_signature(&signed.signatures()[1]).unwrap();
    assert_eq!(cosig.timestamp, 1679315147);
    assert_eq!(signed.to_text(), text);
}

#[test]
fn extensions_round_trip() {
    let mut checkpoint = spec_example();
    checkpoint.extensions = vec!["ext one".into(), "\u{2014} two".into()];
    let text = checkpoint.to_text().unwrap();
    assert!(text.ends_with("\next one\n\u{2014} two\n"));
    assert_eq!(Checkpoint::parse(&text).unwrap(), checkpoint);
}

#[test]
fn size_zero_and_u64_max_are_valid_sizes() {
    for size in [0, 1, u64::MAX] {
        let checkpoint = Checkpoint::new("o", size, [0; 32]);
        assert_eq!(
            Checkpoint::parse(&checkpoint.to_text().unwrap()).unwrap(),
            checkpoint
        );
    }
}

#[test]
fn parsing_is_strict() {
    let root = STANDARD.encode([0u8; 32]);
    let bad_sizes = [
        "",
        "00",
        "01",
        "+1",
        "-1",
        " 1",
        "1 ",
        "18446744073709551616",
        "1e3",
        "0x10",
    ];
    for size in bad_sizes {
        let text = format!("o\n{size}\n{root}\n");
        assert!(
            matches!(
                Checkpoint::parse(&text),
                Err(CheckpointError::InvalidSize(_))
            ),
            "{size:?}"
        );
    }
    let short_root = STANDARD.encode([0u8; 31]);
    let long_root = STANDARD.encode([0u8; 33]);
    let unpadded = root.trim_end_matches('=').to_owned();
    // Non-zero trailing bits in the last character: same bytes, other spelling.
    let non_canonical = format!("{}B=", &root[..root.len() - 2]);
    for bad_root in [
        short_root,
        long_root,
        unpadded,
        non_canonical,
        "not base64".into(),
    ] {
        let text = format!("o\n1\n{bad_root}\n");
        assert!(
            matches!(
                Checkpoint::parse(&text),
                Err(CheckpointError::InvalidRoot(_))
            ),
            "{bad_root:?}"
        );
    }
    let cases = [
        (format!("o\n1\n{root}"), CheckpointError::TooFewLines),
        ("o\n1\n".to_owned(), CheckpointError::TooFewLines),
        (format!("\n1\n{root}\n"), CheckpointError::InvalidOrigin),
        (
            format!("o\n1\n{root}\n\n"),
            CheckpointError::InvalidExtension(String::new()),
        ),
        (
            format!("o\x01\n1\n{root}\n"),
            CheckpointError::InvalidOrigin,
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(Checkpoint::parse(&text), Err(expected), "{text:?}");
    }
}

#[test]
fn formatting_refuses_lines_that_would_not_parse_back() {
    let mut checkpoint = Checkpoint::new("", 1, [0; 32]);
    assert_eq!(checkpoint.to_text(), Err(CheckpointError::InvalidOrigin));
    checkpoint.origin = "a\nb".into();
    assert_eq!(checkpoint.to_text(), Err(CheckpointError::InvalidOrigin));
    checkpoint.origin = "o".into();
    checkpoint.extensions = vec![String::new()];
    assert!(matches!(
        checkpoint.to_text(),
        Err(CheckpointError::InvalidExtension(_))
    ));
}

#[test]
fn signed_checkpoint_verifies_with_the_log_key_only() {
    let signed =
        SignedCheckpoint::sign(Checkpoint::new(ORIGIN, 3, [5; 32]), &log_signer()).unwrap();
    let parsed = SignedCheckpoint::parse(&signed.to_text()).unwrap();
    assert_eq!(parsed, signed);
    assert_eq!(
        parsed
            .verify_log_signature(&[log_vkey()])
            .unwrap()
            .verified
            .len(),
        1
    );
    let witness = witness_signer(0).verifier_key();
    assert_eq!(
        parsed.verify_log_signature(&[witness]),
        Err(NoteError::NoKnownSignature)
    );
}

#[test]
fn a_note_whose_text_is_not_a_checkpoint_is_refused() {
    let note = crate::note::SignedNote::sign("just\ntwo lines\n", &log_signer()).unwrap();
    assert_eq!(
        SignedCheckpoint::from_note(note),
        Err(CheckpointError::TooFewLines)
    );
}

#[test]
fn a_witness_key_given_as_log_key_is_ignored() {
    // Same key material and name as the log, but type 0x04: its
    // cosignature must not pass as the log's signature.
    let signer = crate::note::SignerKey::from_seed(
        ORIGIN,
        crate::note::SignatureType::CosignatureV1,
        &[7; 32],
    )
    .unwrap();
    let mut signed =
        SignedCheckpoint::sign(Checkpoint::new(ORIGIN, 1, [1; 32]), &log_signer()).unwrap();
    let cosig = crate::note::Cosignature::sign(&signer, signed.checkpoint(), 5).unwrap();
    signed.add_signature(cosig.to_note_signature()).unwrap();
    let only_cosig =
        crate::note::SignedNote::from_parts(signed.body(), vec![signed.signatures()[1].clone()])
            .unwrap();
    let only_cosig = SignedCheckpoint::from_note(only_cosig).unwrap();
    assert!(only_cosig.note().verify(&[signer.verifier_key()]).is_ok());
    assert_eq!(
        only_cosig.verify_log_signature(&[signer.verifier_key()]),
        Err(NoteError::NoKnownSignature)
    );
}
