//! Vectors from outside this project (data transcribed, not code):
//! - Go `golang.org/x/mod/sumdb/note` tests and examples (PeterNeumann,
//!   EnochRoot keys and signatures),
//! - the C2SP `signed-note` spec example (example.com/foo),
//! - transparency-dev/formats (witness key pairs, a cosignature timestamp),
//! - the C2SP `tlog-witness` example request body.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::note::{
    AddCheckpoint, Cosignature, NoteError, NoteSignature, SignatureType, SignedNote, SignerKey,
    VerifierKey,
};

const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                       then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn peter() -> VerifierKey {
    VerifierKey::parse(PETER_VKEY).unwrap()
}

fn enoch() -> VerifierKey {
    VerifierKey::parse(ENOCH_VKEY).unwrap()
}

#[test]
fn go_vkey_and_skey_parse_and_match() {
    let vkey = peter();
    assert_eq!(vkey.name(), "PeterNeumann");
    assert_eq!(vkey.key_id(), 0xc74f20a3);
    assert_eq!(vkey.sig_type(), SignatureType::Ed25519);
    assert_eq!(vkey.to_string(), PETER_VKEY);
    let skey = SignerKey::parse(PETER_SKEY).unwrap();
    assert_eq!(skey.verifier_key(), vkey);
    assert_eq!(skey.to_skey_string(), PETER_SKEY);
}

#[test]
fn go_sign_produces_the_exact_note() {
    let skey = SignerKey::parse(PETER_SKEY).unwrap();
    let note = SignedNote::sign(GO_TEXT, &skey).unwrap();
    assert_eq!(note.to_text(), format!("{GO_TEXT}\n{PETER_SIG}"));
}

#[test]
fn go_mangled_vkeys_are_rejected() {
    // As Go's TestNewVerifier: every proper substring and every single-byte
    // increment of the vkey must be refused.
    let bytes = PETER_VKEY.as_bytes();
    for i in 0..=bytes.len() {
        for j in i + 1..=bytes.len() {
            if i == 0 && j == bytes.len() {
                continue;
            }
            let sub = std::str::from_utf8(&bytes[i..j]).unwrap();
            assert!(VerifierKey::parse(sub).is_err(), "accepted {sub:?}");
        }
    }
    for i in 0..bytes.len() {
        let mut mangled = bytes.to_vec();
        mangled[i] += 1;
        let mangled = String::from_utf8(mangled).unwrap();
        assert!(
            VerifierKey::parse(&mangled).is_err(),
            "accepted {mangled:?}"
        );
    }
    // Wrong key length and unknown algorithm, each with a matching key id.
    let long = "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==";
    assert_eq!(
        VerifierKey::parse(long),
        Err(NoteError::MalformedVerifierKey)
    );
    let alg = "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    assert_eq!(
        VerifierKey::parse(alg),
        Err(NoteError::UnsupportedSignatureType(0x65))
    );
}

#[test]
fn go_mangled_skeys_are_rejected() {
    let bytes = PETER_SKEY.as_bytes();
    for i in 0..=bytes.len() {
        for j in i + 1..=bytes.len() {
            if i == 0 && j == bytes.len() {
                continue;
            }
            let sub = std::str::from_utf8(&bytes[i..j]).unwrap();
            assert!(SignerKey::parse(sub).is_err(), "accepted {sub:?}");
        }
    }
    for i in 0..bytes.len() {
        let mut mangled = bytes.to_vec();
        mangled[i] += 1;
        let mangled = String::from_utf8(mangled).unwrap();
        assert!(SignerKey::parse(&mangled).is_err(), "accepted {mangled:?}");
    }
}

#[test]
fn go_open_one_known_one_unknown() {
    let note = SignedNote::parse(&format!("{GO_TEXT}\n{PETER_SIG}{ENOCH_SIG}")).unwrap();
    let verified = note.verify(&[peter()]).unwrap();
    assert_eq!(verified.text, GO_TEXT);
    assert_eq!(verified.verified.len(), 1);
    assert_eq!(verified.verified[0].key, peter());
    assert_eq!(verified.unverified.len(), 1);
    assert_eq!(verified.unverified[0].name, "EnochRoot");
    assert_eq!(verified.unverified[0].key_id, 0xaf0cfe78);

    let both = note.verify(&[peter(), enoch()]).unwrap();
    assert_eq!(both.verified.len(), 2);
    assert!(both.unverified.is_empty());

    assert_eq!(note.verify(&[]), Err(NoteError::NoKnownSignature));
}

#[test]
fn go_open_rejects_an_invalid_known_signature() {
    let corrupt = format!("{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    let note = SignedNote::parse(&format!("{GO_TEXT}\n{corrupt}")).unwrap();
    assert_eq!(
        note.verify(&[peter()]),
        Err(NoteError::InvalidSignature {
            name: "PeterNeumann".into(),
            key_id: 0xc74f20a3
        })
    );
}

#[test]
fn go_open_ignores_bad_unknown_lines_and_counts_duplicates_once() {
    let corrupt_enoch = format!("{}ABCD{}", &ENOCH_SIG[..60], &ENOCH_SIG[60..]);
    let text = format!("{GO_TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}{corrupt_enoch}");
    let verified = SignedNote::parse(&text)
        .unwrap()
        .verify(&[peter()])
        .unwrap();
    assert_eq!(verified.verified.len(), 1);
    assert_eq!(verified.unverified.len(), 3);
}

#[test]
fn go_open_rejects_too_many_signatures() {
    let text = format!("{GO_TEXT}\n{}", PETER_SIG.repeat(101));
    assert_eq!(
        SignedNote::parse(&text),
        Err(NoteError::TooManySignatures(100))
    );
    let hundred = format!("{GO_TEXT}\n{}", PETER_SIG.repeat(100));
    assert!(
        SignedNote::parse(&hundred)
            .unwrap()
            .verify(&[peter()])
            .is_ok()
    );
}

#[test]
fn go_malformed_notes_are_rejected() {
    let bad_name = "\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";
    let cases = [
        GO_TEXT.to_owned(),
        format!("{GO_TEXT}\n"),
        format!("{GO_TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\x01{GO_TEXT}\n{PETER_SIG}"),
        format!("{GO_TEXT}\n{bad_name}"),
        format!("{GO_TEXT}\n{PETER_SIG}Unexpected line.\n"),
    ];
    for case in &cases {
        assert!(SignedNote::parse(case).is_err(), "accepted {case:?}");
    }
    let mut invalid_utf8 = b"\xff".to_vec();
    invalid_utf8.extend_from_slice(format!("{GO_TEXT}\n{PETER_SIG}").as_bytes());
    assert_eq!(
        SignedNote::parse_bytes(&invalid_utf8),
        Err(NoteError::NotUtf8)
    );
}

#[test]
fn go_mismatched_name_or_id_is_unknown_not_invalid() {
    // Signed-note: signatures from keys sharing only the name or only the id
    // with a known key are ignored.
    let misnamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego");
    let note = SignedNote::parse(&format!("{GO_TEXT}\n{misnamed}{PETER_SIG}")).unwrap();
    let verified = note.verify(&[peter()]).unwrap();
    assert_eq!(verified.unverified[0].name, "CarmenSandiego");
    let wrong_id = PETER_SIG.replace("x08g", "xxxx");
    let note = SignedNote::parse(&format!("{GO_TEXT}\n{wrong_id}")).unwrap();
    assert_eq!(note.verify(&[peter()]), Err(NoteError::NoKnownSignature));
}

#[test]
fn c2sp_signed_note_example_verifies() {
    let vkey =
        VerifierKey::parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
            .unwrap();
    let text = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    let note = SignedNote::parse(text).unwrap();
    let verified = note.verify(&[vkey]).unwrap();
    assert_eq!(verified.text, "This is an example message.\n");
    assert_eq!(note.to_text(), text);
}

#[test]
fn formats_witness_key_pairs_derive_their_vkeys() {
    // transparency-dev/formats witness tests: skey/vkey pairs (type 0x01).
    let pairs = [
        (
            "PRIVATE+KEY+Wit1+55ee4561+AeadRiG7XM4XiieCHzD8lxysXMwcViy5nYsoXURWGrlE",
            "Wit1+55ee4561+AVhZSmQj9+SoL+p/nN0Hh76xXmF7QcHfytUrI1XfSClk",
        ),
        (
            "PRIVATE+KEY+Wit2+85ecc407+AfPTvxw5eUcqSgivo2vaiC7JPOMUZ/9baHPSDrWqgdGm",
            "Wit2+85ecc407+AWVbwFJte9wMQIPSnEnj4KibeO6vSIOEDUTDp3o63c2x",
        ),
        (
            "PRIVATE+KEY+Log+2271c621+AdEIq9FLRQni54Wg68T96VJO+iayOaulswav2DUMKgvQ",
            "Log+2271c621+AemuH5ooBpEPcr+W8onrjA1NfuzBVHdezakU81Ekarvs",
        ),
    ];
    for (skey, vkey) in pairs {
        let signer = SignerKey::parse(skey).unwrap();
        assert_eq!(signer.verifier_key().to_string(), vkey);
    }
}

#[test]
fn formats_native_cosignature_vkey_parses() {
    // A real witness's cosignature/v1 vkey (type 0x04) from
    // transparency-dev/formats TestCoSigV1NewVerifier.
    let vkey =
        VerifierKey::parse("remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
            .unwrap();
    assert_eq!(vkey.sig_type(), SignatureType::CosignatureV1);
    assert_eq!(
        VerifierKey::parse("rekor.sigstore.dev+12345678+AwEB"),
        Err(NoteError::MalformedVerifierKey)
    );
}

#[test]
fn formats_cosignature_timestamp_is_read() {
    // transparency-dev/formats TestCoSigV1Timestamp: 1727964367.
    let payload = STANDARD
        .decode("ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==")
        .unwrap();
    let line = NoteSignature {
        name: "w".into(),
        key_id: u32::from_be_bytes(payload[..4].try_into().unwrap()),
        signature: payload[4..].to_vec(),
    };
    assert_eq!(
        Cosignature::from_note_signature(&line).unwrap().timestamp,
        1727964367
    );
    // Their "wrong type" example is a plain 64-byte Ed25519 signature.
    let plain = STANDARD
        .decode("eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=")
        .unwrap();
    let line = NoteSignature {
        name: "w".into(),
        key_id: 0,
        signature: plain[4..].to_vec(),
    };
    assert!(Cosignature::from_note_signature(&line).is_err());
}

#[test]
fn c2sp_witness_example_request_parses() {
    let body = "old 20852014\n\
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n\
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n\
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n\
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\
\n\
example.com/behind-the-sofa\n\
20852163\n\
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\
\n\
\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\
\u{2014} example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
    let request = AddCheckpoint::parse(body).unwrap();
    assert_eq!(request.old_size, 20852014);
    assert_eq!(request.proof.len(), 4);
    assert_eq!(request.checkpoint.checkpoint().size, 20852163);
    assert_eq!(
        request.checkpoint.checkpoint().origin,
        "example.com/behind-the-sofa"
    );
    assert_eq!(request.checkpoint.signatures().len(), 2);
    assert_eq!(request.to_text(), body);
}
