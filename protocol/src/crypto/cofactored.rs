//! Cofactored Ed25519 verification, single and batched, with exactly the
//! same verdicts.
//!
//! Why: a recount checks one voter signature per ballot, hundreds of
//! thousands of them, and batch verification is two to three times faster
//! than one by one. But the usual batch equation (ed25519-dalek's) is
//! cofactorless with random weights, and disagrees with strict single
//! verification on signatures a key holder crafts with a small-order
//! component: such a signature passes or fails a batch by chance. A recount
//! must give the same verdict on every machine, every time.
//!
//! The fix (the approach of Zcash's ZIP 215) is to make the rule itself
//! cofactored: a signature `(R, s)` on `M` under `A` is valid when `s < ℓ`,
//! `R` and `A` are canonical encodings of curve points, `A` is not of small
//! order, and `[8](s·B − k·A − R)` is the identity, with
//! `k = SHA-512(R ‖ A ‖ M) mod ℓ`. Multiplying by the cofactor removes every
//! small-order component, so the batch equation
//! `[8](−(Σ zᵢsᵢ)·B + Σ zᵢ·Rᵢ + Σ (zᵢkᵢ)·Aᵢ) = 0` holds for a batch exactly
//! when each signature passes alone (up to a 2⁻¹²⁸ chance over the
//! weights). Every signature ed25519-dalek's `verify_strict` accepts is
//! accepted here; the rule differs only on crafted torsion signatures, which
//! it accepts consistently. Honest signing is unchanged.
//!
//! The weights `zᵢ` are 128-bit values derived with BLAKE3 from the whole
//! batch (every key, signature and message hash), so verification is
//! deterministic and needs no randomness source, and a signer cannot choose
//! signatures for weights it knows in advance (it would have to find a
//! BLAKE3 output that cancels a nonzero point).

mod pending;

pub(crate) use pending::PendingBatch;

use super::{BatchItem, PublicKey, Signature, SignatureError, Signed};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use sha2::{Digest, Sha512};

/// A signature decoded and hashed, ready for the verification equation.
struct Prepared {
    r: EdwardsPoint,
    a: EdwardsPoint,
    s: Scalar,
    k: Scalar,
}

/// Decodes a canonical point encoding (non-canonical encodings are refused,
/// so one point has one accepted encoding). Checked on the bytes, without
/// re-compressing: `y` must be below p = 2²⁵⁵ − 19, and the sign bit must be
/// clear when x = 0 (y = ±1).
fn canonical_point(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
    if !is_canonical_encoding(bytes) {
        return None;
    }
    CompressedEdwardsY(*bytes).decompress()
}

/// Whether `bytes` is the canonical encoding of a field element and sign
/// (see [`canonical_point`]); says nothing about being on the curve.
fn is_canonical_encoding(bytes: &[u8; 32]) -> bool {
    let sign = bytes[31] >> 7;
    let mut y = *bytes;
    y[31] &= 0x7f;
    let y_at_least_p = y[31] == 0x7f && y[1..31].iter().all(|&b| b == 0xff) && y[0] >= 0xed;
    if y_at_least_p {
        return false;
    }
    let is_one = y[0] == 1 && y[1..].iter().all(|&b| b == 0);
    let is_minus_one = y[0] == 0xec && y[1..31].iter().all(|&b| b == 0xff) && y[31] == 0x7f;
    !(sign == 1 && (is_one || is_minus_one))
}

fn prepare(signer: &PublicKey, message: &[u8], signature: &Signature) -> Option<Prepared> {
    // The key is already decompressed (PublicKey holds the curve point).
    if !is_canonical_encoding(signer.as_bytes()) || signer.as_dalek().is_weak() {
        return None;
    }
    prepare_checked_key(signer, &[message], signature)
}

/// [`prepare`] without the checks on the key, which every [`PublicKey`]
/// passed when it was built (`PublicKey::from_bytes` refuses weak keys and
/// non-canonical encodings; a key derived from a seed is neither), for a
/// message given in `parts` (hashed as their concatenation).
fn prepare_checked_key(
    signer: &PublicKey,
    parts: &[&[u8]],
    signature: &Signature,
) -> Option<Prepared> {
    let sig = &signature.0;
    let r_bytes: [u8; 32] = sig[..32].try_into().ok()?;
    let s_bytes: [u8; 32] = sig[32..].try_into().ok()?;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))?;
    let r = canonical_point(&r_bytes)?;
    let a = signer.as_dalek().to_edwards();
    let mut hasher = Sha512::new()
        .chain_update(r_bytes)
        .chain_update(signer.as_bytes());
    for part in parts {
        hasher.update(part);
    }
    let digest: [u8; 64] = hasher.finalize().into();
    let k = Scalar::from_bytes_mod_order_wide(&digest);
    Some(Prepared { r, a, s, k })
}

/// The single-signature equation on a prepared signature: `[8](s·B − k·A − R)`
/// is the identity.
fn holds(p: &Prepared) -> bool {
    let difference = EdwardsPoint::vartime_double_scalar_mul_basepoint(&(-p.k), &p.a, &p.s) - p.r;
    difference.mul_by_cofactor().is_identity()
}

/// Whether `signature` is a valid signature of `message` by `signer` under
/// the cofactored rule (see the module docs).
pub fn verify_cofactored(signer: &PublicKey, message: &[u8], signature: &Signature) -> bool {
    prepare(signer, message, signature).is_some_and(|p| holds(&p))
}

/// Checks a ballot commitment's voter signature by the rule of record for
/// voter signatures (cofactored, see the module docs): the signer must be
/// the voter key the commitment names.
pub fn verify_voter_signature(
    signed: &Signed<crate::ballot::BallotCommitment>,
) -> Result<(), SignatureError> {
    if signed.signer != signed.value.voter {
        return Err(SignatureError::WrongSigner {
            expected: signed.value.voter.to_string(),
            found: signed.signer.to_string(),
        });
    }
    let item = BatchItem::from_signed(signed)?;
    if verify_cofactored(&item.signer, &item.message, &item.signature) {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

/// The batch weights: 128-bit scalars from BLAKE3 over the whole batch,
/// from each item's signer key, signature and BLAKE3 hash of its message.
fn weights<'a>(
    items: impl IntoIterator<Item = (&'a [u8; 32], &'a [u8; 64], [u8; 32])>,
) -> Vec<Scalar> {
    let mut transcript = blake3::Hasher::new_derive_key("pbnode/v1 cofactored batch weights");
    let mut count = 0;
    for (signer, signature, message_hash) in items {
        transcript.update(signer);
        transcript.update(signature);
        transcript.update(&message_hash);
        count += 1;
    }
    let mut reader = transcript.finalize_xof();
    (0..count)
        .map(|_| {
            let mut bytes = [0u8; 32];
            reader.fill(&mut bytes[..16]);
            Scalar::from_bytes_mod_order(bytes)
        })
        .collect()
}

/// Checks a batch under the cofactored rule: `Ok(())` when every signature
/// is valid, otherwise the positions of the invalid ones (found by checking
/// each alone). Same verdicts as [`verify_cofactored`] on each item.
pub fn verify_batch_cofactored(items: &[BatchItem]) -> Result<(), Vec<usize>> {
    let prepared: Vec<Option<Prepared>> = items
        .iter()
        .map(|item| prepare(&item.signer, &item.message, &item.signature))
        .collect();
    let weights = weights(items.iter().map(|item| {
        let hash = *blake3::hash(&item.message).as_bytes();
        (item.signer.as_bytes(), &item.signature.0, hash)
    }));
    if prepared.iter().all(Option::is_some) && batch_equation_holds(&prepared, &weights) {
        return Ok(());
    }
    failing_positions(
        items
            .iter()
            .map(|item| verify_cofactored(&item.signer, &item.message, &item.signature)),
    )
}

/// `Ok(())` when every verdict holds, otherwise the positions of those that
/// do not: what a batch check answers once its equation has failed.
fn failing_positions(verdicts: impl Iterator<Item = bool>) -> Result<(), Vec<usize>> {
    let failed: Vec<usize> = verdicts
        .enumerate()
        .filter(|&(_, holds)| !holds)
        .map(|(i, _)| i)
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed)
    }
}

fn batch_equation_holds(prepared: &[Option<Prepared>], weights: &[Scalar]) -> bool {
    let mut base_scalar = Scalar::ZERO;
    let mut scalars = Vec::with_capacity(2 * prepared.len() + 1);
    let mut points = Vec::with_capacity(2 * prepared.len() + 1);
    for (p, z) in prepared.iter().zip(weights) {
        let Some(p) = p else { return false };
        base_scalar -= z * p.s;
        scalars.push(*z);
        points.push(p.r);
        scalars.push(z * p.k);
        points.push(p.a);
    }
    scalars.push(base_scalar);
    points.push(curve25519_dalek::constants::ED25519_BASEPOINT_POINT);
    EdwardsPoint::vartime_multiscalar_mul(scalars, points)
        .mul_by_cofactor()
        .is_identity()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{SigningKey, domain_tagged};
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};

    fn item(key: &SigningKey, n: u32) -> BatchItem {
        let message = domain_tagged("test", &n.to_be_bytes());
        let signature = key.sign_tagged("test", &n.to_be_bytes());
        BatchItem {
            message,
            signer: key.public_key(),
            signature,
        }
    }

    fn keys(n: u8) -> Vec<SigningKey> {
        (0..n).map(|i| SigningKey::from_seed(&[i; 32])).collect()
    }

    fn strict(item: &BatchItem) -> bool {
        let sig = ed25519_dalek::Signature::from_bytes(&item.signature.0);
        item.signer
            .as_dalek()
            .verify_strict(&item.message, &sig)
            .is_ok()
    }

    /// A signature whose R carries an order-8 component: valid under the
    /// cofactored rule, refused by strict cofactorless verification.
    fn torsion_signature(secret: u8, message: &[u8]) -> BatchItem {
        let a = Scalar::from_bytes_mod_order([secret; 32]);
        let public = (a * ED25519_BASEPOINT_POINT).compress();
        let r = Scalar::from_bytes_mod_order([secret.wrapping_add(1); 32]);
        let big_r = (r * ED25519_BASEPOINT_POINT + EIGHT_TORSION[1]).compress();
        let digest: [u8; 64] = Sha512::new()
            .chain_update(big_r.as_bytes())
            .chain_update(public.as_bytes())
            .chain_update(message)
            .finalize()
            .into();
        let k = Scalar::from_bytes_mod_order_wide(&digest);
        let s = r + k * a;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(big_r.as_bytes());
        sig[32..].copy_from_slice(s.as_bytes());
        BatchItem {
            message: message.to_vec(),
            signer: PublicKey::from_bytes(public.as_bytes()).unwrap(),
            signature: Signature(sig),
        }
    }

    #[test]
    fn honest_signatures_pass_alone_and_in_batches_as_under_strict_rules() {
        let items: Vec<_> = keys(40)
            .iter()
            .enumerate()
            .map(|(i, k)| item(k, i as u32))
            .collect();
        for it in &items {
            assert!(strict(it));
            assert!(verify_cofactored(&it.signer, &it.message, &it.signature));
        }
        assert_eq!(verify_batch_cofactored(&items), Ok(()));
        assert_eq!(verify_batch_cofactored(&[]), Ok(()));
    }

    #[test]
    fn every_damaged_signature_is_refused_alone_and_named_in_a_batch() {
        let mut items: Vec<_> = keys(12)
            .iter()
            .enumerate()
            .map(|(i, k)| item(k, i as u32))
            .collect();
        // A flipped bit in R, in s, in the message, and the wrong signer.
        items[2].signature.0[3] ^= 1;
        items[5].signature.0[40] ^= 0x10;
        items[7].message.push(0);
        items[9].signer = items[10].signer;
        for (i, it) in items.iter().enumerate() {
            let expected = ![2, 5, 7, 9].contains(&i);
            assert_eq!(
                verify_cofactored(&it.signer, &it.message, &it.signature),
                expected,
                "item {i}"
            );
            assert_eq!(strict(it), expected, "item {i}");
        }
        assert_eq!(verify_batch_cofactored(&items), Err(vec![2, 5, 7, 9]));
    }

    #[test]
    fn a_torsion_signature_gets_the_same_verdict_alone_and_in_every_batch() {
        let mut items: Vec<_> = keys(20)
            .iter()
            .enumerate()
            .map(|(i, k)| item(k, i as u32))
            .collect();
        for n in 0..8u8 {
            let crafted = torsion_signature(n + 50, &[n; 10]);
            assert!(!strict(&crafted), "strict rules refuse it");
            assert!(verify_cofactored(
                &crafted.signer,
                &crafted.message,
                &crafted.signature
            ));
            items.push(crafted);
            // Whatever the weights, the verdict is the same: accepted.
            assert_eq!(verify_batch_cofactored(&items), Ok(()));
        }
    }

    #[test]
    fn canonical_encodings_are_exactly_those_that_recompress_to_themselves() {
        let mut candidates: Vec<[u8; 32]> = Vec::new();
        for low in [0x00u8, 0x01, 0x02, 0xec, 0xed, 0xee, 0xff] {
            for high in [0x00u8, 0x7f, 0x80, 0xff] {
                let mut b = [0xffu8; 32];
                b[0] = low;
                b[31] = high;
                candidates.push(b);
                let mut z = [0u8; 32];
                z[0] = low;
                z[31] = high;
                candidates.push(z);
            }
        }
        for t in EIGHT_TORSION {
            candidates.push(t.compress().to_bytes());
        }
        for i in 0..50u8 {
            candidates.push(
                SigningKey::from_seed(&[i; 32])
                    .public_key()
                    .as_bytes()
                    .to_owned(),
            );
        }
        for bytes in candidates {
            let reference = CompressedEdwardsY(bytes)
                .decompress()
                .filter(|p| p.compress().as_bytes() == &bytes);
            assert_eq!(canonical_point(&bytes), reference, "{bytes:02x?}");
        }
    }

    #[test]
    fn small_order_keys_and_non_canonical_scalars_are_refused() {
        let honest = item(&SigningKey::from_seed(&[9; 32]), 1);
        // s + ℓ encodes the same scalar non-canonically.
        let mut big_s = honest.clone();
        // ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
        let l: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (byte, l_byte) in big_s.signature.0[32..].iter_mut().zip(l) {
            let sum = *byte as u16 + l_byte as u16 + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
        assert!(!verify_cofactored(
            &big_s.signer,
            &big_s.message,
            &big_s.signature
        ));
        // A small-order key with a signature (R, s) = (identity, 0) would
        // satisfy the equation for every message: refused.
        let weak = EIGHT_TORSION[2].compress();
        if let Ok(key) = PublicKey::from_bytes(weak.as_bytes()) {
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(EdwardsPoint::default().compress().as_bytes());
            assert!(!verify_cofactored(&key, b"anything", &Signature(sig)));
        }
        assert_eq!(verify_batch_cofactored(&[honest, big_s]), Err(vec![1]));
    }
}
