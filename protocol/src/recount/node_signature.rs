//! The node's signatures on per-voter entries (credentials), checked by the
//! strict rule with exactly the verdicts of [`PublicKey::verify_tagged`]
//! (ed25519-dalek `verify_strict`), at a lower cost.
//!
//! Why: a log has one node-signed credential per voter, so the recount
//! checks as many node signatures as voter signatures. Node signatures
//! follow the strict rule (protocol README, "Signatures"), which no batch
//! equation reproduces exactly, so each is checked alone; what can go is
//! the work around the equation:
//!
//! * `verify_strict` decompresses `R` only to refuse a small-order `R`, then
//!   compares `R`'s bytes with the encoding of `E = s·B − k·A`. When the
//!   bytes are equal, `R` and `E` are the same point, so checking that `E`
//!   is not of small order gives the same verdict without the square root
//!   of a decompression;
//! * `s·B − k·A` comes from tables of multiples of `B` and `−A` built once
//!   per log (additions only, no doublings);
//! * the encodings of many `E` are computed together ([`first_invalid`]:
//!   one field inversion for all, not one each);
//! * the message is hashed from the entry's own bytes (the canonical
//!   encoding of the signed value), not re-encoded into a new buffer.

use crate::crypto::{DOMAIN_PREFIX, PublicKey, Signature};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use sha2::{Digest, Sha512};

/// One node key, ready to check many signatures.
pub(crate) struct NodeKey {
    key: PublicKey,
    minus_a: FixedBase,
    b: FixedBase,
}

/// Bits per digit of the fixed-base tables.
const WINDOW: usize = 6;
/// Digits of a scalar below 2²⁵⁶, with room for the last carry.
const DIGITS: usize = 256 / WINDOW + 1;
/// Multiples per table row: 1·P … 2^(WINDOW−1)·P.
const ROW: usize = 1 << (WINDOW - 1);

/// Variable-time fixed-base multiplication: `rows[j][m − 1] = m·2^(WINDOW·j)·P`,
/// so `x·P` is one table addition per signed digit of `x`, and no doubling
/// (computing `s·B − k·A` from scratch takes ~253 doublings). Variable time
/// is fine: everything a verifier handles is public.
struct FixedBase {
    rows: Vec<[EdwardsPoint; ROW]>,
}

impl FixedBase {
    fn new(point: EdwardsPoint) -> Self {
        let mut rows = Vec::with_capacity(DIGITS);
        let mut base = point;
        for _ in 0..DIGITS {
            let mut row = [base; ROW];
            for m in 1..ROW {
                row[m] = row[m - 1] + base;
            }
            rows.push(row);
            for _ in 0..WINDOW {
                base = base + base;
            }
        }
        FixedBase { rows }
    }

    fn mul(&self, scalar: &Scalar) -> EdwardsPoint {
        let mut acc = EdwardsPoint::identity();
        for (row, digit) in self.rows.iter().zip(signed_digits(scalar)) {
            // Digit 0 adds nothing.
            let Some(multiple) = (digit.unsigned_abs() as usize)
                .checked_sub(1)
                .and_then(|m| row.get(m))
            else {
                continue;
            };
            if digit > 0 {
                acc += multiple;
            } else {
                acc -= multiple;
            }
        }
        acc
    }
}

/// The scalar in radix 2^WINDOW with digits in [−2^(WINDOW−1), 2^(WINDOW−1)]:
/// `Σ dⱼ·2^(WINDOW·j)` equals it.
fn signed_digits(scalar: &Scalar) -> [i32; DIGITS] {
    let bytes = scalar.as_bytes();
    let bit = |i: usize| -> i32 {
        bytes
            .get(i / 8)
            .map_or(0, |b| i32::from((b >> (i % 8)) & 1))
    };
    let mut digits = [0i32; DIGITS];
    let mut carry = 0;
    for (j, digit) in digits.iter_mut().enumerate() {
        let mut value = carry;
        for i in 0..WINDOW {
            value += bit(j * WINDOW + i) << i;
        }
        let half = 1 << (WINDOW - 1);
        carry = i32::from(value > half);
        *digit = value - (carry << WINDOW);
    }
    digits
}

impl NodeKey {
    /// Prepares `key` (a [`PublicKey`] is never of small order: refused when
    /// built).
    pub(crate) fn new(key: PublicKey) -> Self {
        NodeKey {
            key,
            minus_a: FixedBase::new(-key.as_dalek().to_edwards()),
            b: FixedBase::new(curve25519_dalek::constants::ED25519_BASEPOINT_POINT),
        }
    }

    /// The key.
    pub(crate) fn key(&self) -> &PublicKey {
        &self.key
    }

    /// Whether `signature` is this key's signature on the object of type
    /// `type_tag` whose canonical encoding is `canonical`: the verdict of
    /// `self.key().verify_tagged(type_tag, canonical, signature).is_ok()`.
    #[cfg(test)]
    pub(crate) fn verifies(&self, type_tag: &str, canonical: &[u8], signature: &Signature) -> bool {
        self.prepare(type_tag, canonical, signature)
            .is_some_and(|pending| first_invalid(&[pending]).is_none())
    }

    /// The first half of [`NodeKey::verifies`]: `None` when `s` is not
    /// reduced (refused), otherwise the point `R` must encode, to be
    /// compared by [`first_invalid`] (with others: one field inversion for
    /// all).
    pub(crate) fn prepare(
        &self,
        type_tag: &str,
        canonical: &[u8],
        signature: &Signature,
    ) -> Option<PendingSignature> {
        let (r_bytes, s_bytes) = signature.0.split_at(32);
        let r: [u8; 32] = r_bytes.try_into().ok()?;
        let s_bytes: [u8; 32] = s_bytes.try_into().ok()?;
        // s must be reduced (verify_strict's scalar check).
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))?;
        let digest: [u8; 64] = Sha512::new()
            .chain_update(r)
            .chain_update(self.key.as_bytes())
            .chain_update(DOMAIN_PREFIX)
            .chain_update(type_tag.as_bytes())
            .chain_update([0u8])
            .chain_update(canonical)
            .finalize()
            .into();
        let k = Scalar::from_bytes_mod_order_wide(&digest);
        // E = s·B − k·A, the R an honest signer committed to.
        let expected = self.b.mul(&s) + self.minus_a.mul(&k);
        Some(PendingSignature { r, expected })
    }
}

/// A node signature whose `R` is still to be compared with the point it
/// must encode.
pub(crate) struct PendingSignature {
    r: [u8; 32],
    expected: EdwardsPoint,
}

/// The position of the first signature in `pending` that is invalid: its
/// `R` bytes are not the encoding of the expected point, or that point is
/// of small order (as `R` then is: verify_strict refuses it).
pub(crate) fn first_invalid(pending: &[PendingSignature]) -> Option<usize> {
    let points: Vec<EdwardsPoint> = pending.iter().map(|p| p.expected).collect();
    EdwardsPoint::compress_batch_alloc(&points)
        .iter()
        .zip(pending)
        .position(|(encoded, p)| encoded.as_bytes() != &p.r || p.expected.is_small_order())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SigningKey;
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};

    const TAG: &str = "voter-credential";

    fn strict(key: &PublicKey, message: &[u8], signature: &Signature) -> bool {
        key.verify_tagged(TAG, message, signature).is_ok()
    }

    /// A signature by secret scalar `a` whose R is `r·B + torsion`, with
    /// `s = r + k·a`: valid up to the torsion component.
    fn crafted(a: Scalar, r: Scalar, torsion: EdwardsPoint, message: &[u8]) -> Signature {
        let public = (a * ED25519_BASEPOINT_POINT).compress();
        let big_r = (r * ED25519_BASEPOINT_POINT + torsion).compress();
        let digest: [u8; 64] = Sha512::new()
            .chain_update(big_r.as_bytes())
            .chain_update(public.as_bytes())
            .chain_update(crate::crypto::domain_tagged(TAG, message))
            .finalize()
            .into();
        let k = Scalar::from_bytes_mod_order_wide(&digest);
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(big_r.as_bytes());
        sig[32..].copy_from_slice((r + k * a).as_bytes());
        Signature(sig)
    }

    #[test]
    fn verdicts_are_those_of_verify_strict_on_honest_damaged_and_crafted_signatures() {
        let signer = SigningKey::from_seed(&[7; 32]);
        let node = NodeKey::new(signer.public_key());
        let mut cases: Vec<(Vec<u8>, Signature, bool)> = Vec::new();
        for n in 0..20u8 {
            let message = vec![n; 5 + n as usize];
            let signature = signer.sign_tagged(TAG, &message);
            cases.push((message.clone(), signature, true));
            let mut bad_r = signature;
            bad_r.0[n as usize % 32] ^= 1 << (n % 8);
            cases.push((message.clone(), bad_r, false));
            let mut bad_s = signature;
            bad_s.0[32 + n as usize % 31] ^= 0x04;
            cases.push((message.clone(), bad_s, false));
            let mut other = message.clone();
            other.push(n);
            cases.push((other, signature, false));
        }
        // A non-reduced s (s + ℓ) on an otherwise valid signature.
        let l: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut big_s = signer.sign_tagged(TAG, b"x");
        let mut carry = 0u16;
        for (byte, l_byte) in big_s.0[32..].iter_mut().zip(l) {
            let sum = *byte as u16 + l_byte as u16 + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
        cases.push((b"x".to_vec(), big_s, false));
        for (i, (message, signature, expected)) in cases.iter().enumerate() {
            assert_eq!(
                strict(node.key(), message, signature),
                *expected,
                "case {i}"
            );
            assert_eq!(
                node.verifies(TAG, message, signature),
                *expected,
                "case {i}"
            );
        }
    }

    #[test]
    fn fixed_base_multiplication_matches_plain_multiplication() {
        let point = SigningKey::from_seed(&[3; 32])
            .public_key()
            .as_dalek()
            .to_edwards();
        let table = FixedBase::new(point);
        let minus_one = -Scalar::ONE;
        let mut scalars = vec![Scalar::ZERO, Scalar::ONE, minus_one, Scalar::from(32u64)];
        // Digit patterns at the edges of the signed range (±2^(WINDOW−1)).
        for byte in [0x20u8, 0x1f, 0x21, 0xff, 0x80, 0x7f] {
            let mut bytes = [byte; 32];
            bytes[31] &= 0x0f;
            scalars.push(Scalar::from_bytes_mod_order(bytes));
        }
        for n in 0..20u8 {
            scalars.push(Scalar::from_bytes_mod_order_wide(&[n.wrapping_mul(37); 64]));
        }
        for (i, scalar) in scalars.iter().enumerate() {
            assert_eq!(table.mul(scalar), scalar * point, "scalar {i}");
        }
    }

    #[test]
    fn torsion_and_small_order_r_are_refused_as_verify_strict_refuses_them() {
        let a = Scalar::from_bytes_mod_order([42; 32]);
        let public = PublicKey::from_bytes((a * ED25519_BASEPOINT_POINT).compress().as_bytes())
            .expect("a valid key");
        let node = NodeKey::new(public);
        for (t, torsion) in EIGHT_TORSION.iter().enumerate() {
            let signature = crafted(a, Scalar::from(1000u64 + t as u64), *torsion, b"m");
            let verdict = strict(&public, b"m", &signature);
            // Only the identity component leaves an honest signature.
            assert_eq!(verdict, t == 0, "torsion {t}");
            assert_eq!(node.verifies(TAG, b"m", &signature), verdict, "torsion {t}");
            // R itself of small order (r = 0): refused by both.
            let small = crafted(a, Scalar::ZERO, *torsion, b"m");
            assert!(!strict(&public, b"m", &small), "small R {t}");
            assert!(!node.verifies(TAG, b"m", &small), "small R {t}");
        }
    }
}
