//! Signed-note format and verification rules on our own keys.

use super::support::{log_signer, log_vkey, witness_signer};
use crate::note::{MAX_SIGNATURES, NoteError, NoteSignature, SignatureType, SignedNote, SignerKey};

#[test]
fn text_may_hold_empty_lines_the_last_blank_line_separates() {
    let text = "first\n\nthird\n\n";
    let note = SignedNote::sign(text, &log_signer()).unwrap();
    let parsed = SignedNote::parse(&note.to_text()).unwrap();
    assert_eq!(parsed.text(), text);
    assert!(parsed.verify(&[log_vkey()]).is_ok());
}

#[test]
fn signing_refuses_invalid_texts() {
    for bad in ["", "no newline", "tab\there\n", "cr\r\n"] {
        assert_eq!(
            SignedNote::sign(bad, &log_signer()),
            Err(NoteError::InvalidText),
            "{bad:?}"
        );
    }
}

#[test]
fn signing_with_a_cosigner_key_is_refused() {
    assert!(matches!(
        SignedNote::sign("hi\n", &witness_signer(0)),
        Err(NoteError::WrongKeyType {
            expected: 0x01,
            actual: 0x04,
            ..
        })
    ));
}

#[test]
fn signature_lines_need_em_dash_space_name_space_base64() {
    let note = SignedNote::sign("hi\n", &log_signer()).unwrap();
    let line = note.signatures()[0].to_line();
    let good = line.trim_end_matches('\n');
    assert!(NoteSignature::parse_line(good).is_ok());
    let bad = [
        good.replacen('\u{2014}', "-", 1),
        good.replacen("\u{2014} ", "\u{2014}", 1),
        good.replacen(' ', "  ", 1),
        format!("{good} "),
        format!("{good}="),
        good.trim_end_matches('=').to_owned(),
        "\u{2014} name AAAA".to_owned(), // 3 bytes: shorter than key id + 1
    ];
    for b in &bad {
        assert!(
            matches!(
                NoteSignature::parse_line(b),
                Err(NoteError::MalformedSignatureLine(_))
            ),
            "{b:?}"
        );
    }
}

#[test]
fn sixteen_signatures_are_accepted_and_the_limit_is_enforced_on_add() {
    let text = "hi\n";
    let mut note = SignedNote::sign(text, &log_signer()).unwrap();
    for i in 1..16u8 {
        let other = SignerKey::from_seed(&format!("k{i}"), SignatureType::Ed25519, &[i; 32]);
        let line = crate::note::signed_note::sign_text(text, &other.unwrap()).unwrap();
        note.add_signature(line).unwrap();
    }
    let parsed = SignedNote::parse(&note.to_text()).unwrap();
    assert_eq!(parsed.signatures().len(), 16);
    assert_eq!(parsed.verify(&[log_vkey()]).unwrap().unverified.len(), 15);

    let mut full = SignedNote::sign(text, &log_signer()).unwrap();
    for i in 1..MAX_SIGNATURES {
        full.add_signature(NoteSignature {
            name: format!("n{i}"),
            key_id: 0,
            signature: vec![0],
        })
        .unwrap();
    }
    let one_more = NoteSignature {
        name: "last".into(),
        key_id: 0,
        signature: vec![0],
    };
    assert_eq!(
        full.add_signature(one_more),
        Err(NoteError::TooManySignatures(MAX_SIGNATURES))
    );
}

#[test]
fn adding_a_signature_from_the_same_key_replaces_it() {
    let mut note = SignedNote::sign("hi\n", &log_signer()).unwrap();
    let original = note.signatures()[0].clone();
    let mut bogus = original.clone();
    bogus.signature = vec![1; 64];
    note.add_signature(bogus).unwrap();
    assert_eq!(note.signatures().len(), 1);
    assert!(note.verify(&[log_vkey()]).is_err());
    note.add_signature(original).unwrap();
    assert!(note.verify(&[log_vkey()]).is_ok());
}

#[test]
fn a_vkey_claiming_another_keys_id_is_refused_and_duplicates_are_harmless() {
    // A vkey with the log key's name and id but another public key: the id
    // check refuses it, so it cannot shadow the real key.
    let real = log_vkey();
    let other = SignerKey::from_seed(real.name(), SignatureType::Ed25519, &[99; 32])
        .unwrap()
        .verifier_key();
    let forged = format!(
        "{}+{:08x}+{}",
        real.name(),
        real.key_id(),
        other.to_string().rsplit('+').next().unwrap()
    );
    // The id check refuses the forged vkey outright.
    assert!(crate::note::VerifierKey::parse(&forged).is_err());
    // The same key listed twice is not ambiguous.
    let note = SignedNote::sign("hi\n", &log_signer()).unwrap();
    assert!(note.verify(&[real.clone(), real]).is_ok());
}

#[test]
fn from_parts_checks_the_invariants() {
    assert_eq!(
        SignedNote::from_parts("hi\n", vec![]),
        Err(NoteError::MissingSignatures)
    );
    let empty_sig = NoteSignature {
        name: "a".into(),
        key_id: 1,
        signature: vec![],
    };
    assert!(SignedNote::from_parts("hi\n", vec![empty_sig]).is_err());
}
