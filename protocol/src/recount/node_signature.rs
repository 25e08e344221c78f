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
//! * `−A` is computed once per log, and the message is hashed from the
//!   entry's own bytes (the canonical encoding of the signed value), not
//!   re-encoded into a new buffer.

use crate::crypto::{DOMAIN_PREFIX, PublicKey, Signature};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use sha2::{Digest, Sha512};

/// One node key, ready to check many signatures.
pub(crate) struct NodeKey {
    key: PublicKey,
    minus_a: EdwardsPoint,
}

impl NodeKey {
    /// Prepares `key` (a [`PublicKey`] is never of small order: refused when
    /// built).
    pub(crate) fn new(key: PublicKey) -> Self {
        NodeKey {
            key,
            minus_a: -key.as_dalek().to_edwards(),
        }
    }

    /// The key.
    pub(crate) fn key(&self) -> &PublicKey {
        &self.key
    }

    /// Whether `signature` is this key's signature on the object of type
    /// `type_tag` whose canonical encoding is `canonical`: the verdict of
    /// `self.key().verify_tagged(type_tag, canonical, signature).is_ok()`.
    pub(crate) fn verifies(&self, type_tag: &str, canonical: &[u8], signature: &Signature) -> bool {
        let (r_bytes, s_bytes) = signature.0.split_at(32);
        let Ok(s_bytes) = <[u8; 32]>::try_from(s_bytes) else {
            return false;
        };
        // s must be reduced (verify_strict's scalar check).
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes)) else {
            return false;
        };
        let digest: [u8; 64] = Sha512::new()
            .chain_update(r_bytes)
            .chain_update(self.key.as_bytes())
            .chain_update(DOMAIN_PREFIX)
            .chain_update(type_tag.as_bytes())
            .chain_update([0u8])
            .chain_update(canonical)
            .finalize()
            .into();
        let k = Scalar::from_bytes_mod_order_wide(&digest);
        // E = s·B − k·A, the R an honest signer committed to.
        let expected = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &self.minus_a, &s);
        expected.compress().as_bytes() == r_bytes && !expected.is_small_order()
    }
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
