//! Voter signatures gathered one at a time by a verifier walking a log, and
//! checked together under the cofactored rule.
//!
//! Why not [`super::verify_batch_cofactored`]: a recount meets a million
//! signatures in entries whose bytes it already holds, under keys it has
//! already decoded, with each message's BLAKE3 hash already computed (it is
//! the commitment's id). A [`super::BatchItem`] would copy each message into
//! a buffer of its own, hash it a second time for the weights, and check
//! again that the key is canonical and not of small order, which every
//! [`PublicKey`] is. Here the message is hashed from its parts, the weights
//! come from the hash the caller has, and the key checks are not repeated;
//! the equation, the weights and so the verdicts are exactly those of
//! `verify_batch_cofactored` on the same signatures.

use super::{
    Prepared, PublicKey, Scalar, Signature, batch_equation_holds, holds, prepare_checked_key,
    weights,
};
use crate::crypto::DOMAIN_PREFIX;

/// What the batch weights are derived from, per signature.
struct WeightInput {
    signer: [u8; 32],
    signature: [u8; 64],
    message_hash: [u8; 32],
}

/// Signatures waiting to be checked together (see the module docs).
#[derive(Default)]
pub(crate) struct PendingBatch {
    /// `None`: `R` or `s` does not decode (the signature is invalid).
    prepared: Vec<Option<Prepared>>,
    inputs: Vec<WeightInput>,
}

impl PendingBatch {
    /// Room for `capacity` signatures without growing.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        PendingBatch {
            prepared: Vec::with_capacity(capacity),
            inputs: Vec::with_capacity(capacity),
        }
    }

    /// Signatures waiting.
    pub(crate) fn len(&self) -> usize {
        self.prepared.len()
    }

    /// Whether no signature is waiting.
    pub(crate) fn is_empty(&self) -> bool {
        self.prepared.is_empty()
    }

    /// Adds `signer`'s `signature` on the object of type `type_tag` whose
    /// canonical encoding is `canonical` (the message is their domain-tagged
    /// bytes); `message_hash` is BLAKE3 of that message (the object's id).
    pub(crate) fn push(
        &mut self,
        signer: &PublicKey,
        type_tag: &str,
        canonical: &[u8],
        signature: &Signature,
        message_hash: [u8; 32],
    ) {
        let parts = [DOMAIN_PREFIX, type_tag.as_bytes(), &[0u8], canonical];
        self.prepared
            .push(prepare_checked_key(signer, &parts, signature));
        self.inputs.push(WeightInput {
            signer: *signer.as_bytes(),
            signature: signature.0,
            message_hash,
        });
    }

    /// Checks every waiting signature and empties the batch (keeping its
    /// room): `Ok(())` when all are valid, otherwise the positions (in the
    /// order they were added) of the invalid ones, found by checking each
    /// alone. The verdicts of `verify_cofactored` on each.
    pub(crate) fn check(&mut self) -> Result<(), Vec<usize>> {
        let outcome = self.verdict();
        self.prepared.clear();
        self.inputs.clear();
        outcome
    }

    fn verdict(&self) -> Result<(), Vec<usize>> {
        if self.prepared.iter().all(Option::is_some) {
            let weights: Vec<Scalar> = weights(
                self.inputs
                    .iter()
                    .map(|i| (&i.signer, &i.signature, i.message_hash)),
            );
            if batch_equation_holds(&self.prepared, &weights) {
                return Ok(());
            }
        }
        super::failing_positions(self.prepared.iter().map(|p| p.as_ref().is_some_and(holds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{BatchItem, SigningKey, domain_tagged, verify_batch_cofactored};

    const TAG: &str = "test";

    /// Signatures on `n.to_be_bytes()` under tag `test`, as batch items and
    /// with their canonical bytes.
    fn items(count: u8) -> Vec<(BatchItem, Vec<u8>)> {
        (0..count)
            .map(|n| {
                let key = SigningKey::from_seed(&[n; 32]);
                let canonical = u32::from(n).to_be_bytes().to_vec();
                let item = BatchItem {
                    message: domain_tagged(TAG, &canonical),
                    signer: key.public_key(),
                    signature: key.sign_tagged(TAG, &canonical),
                };
                (item, canonical)
            })
            .collect()
    }

    fn pending_verdict(items: &[(BatchItem, Vec<u8>)]) -> Result<(), Vec<usize>> {
        let mut batch = PendingBatch::with_capacity(2);
        for (item, canonical) in items {
            let hash = *blake3::hash(&item.message).as_bytes();
            batch.push(&item.signer, TAG, canonical, &item.signature, hash);
        }
        assert_eq!(batch.len(), items.len());
        let verdict = batch.check();
        assert!(batch.is_empty());
        verdict
    }

    fn batch_verdict(items: &[(BatchItem, Vec<u8>)]) -> Result<(), Vec<usize>> {
        let batch: Vec<BatchItem> = items.iter().map(|(item, _)| item.clone()).collect();
        verify_batch_cofactored(&batch)
    }

    #[test]
    fn verdicts_are_those_of_verify_batch_cofactored() {
        let mut cases = items(24);
        assert_eq!(pending_verdict(&cases), Ok(()));
        assert_eq!(pending_verdict(&[]), Ok(()));
        // R not a point, R flipped, s not reduced, s flipped, another
        // message, another signer.
        cases[1].0.signature.0[..32].copy_from_slice(&[0xff; 32]);
        cases[3].0.signature.0[5] ^= 1;
        cases[6].0.signature.0[63] |= 0xf0;
        cases[8].0.signature.0[40] ^= 0x10;
        cases[11].1.push(0);
        cases[11].0.message.push(0);
        cases[15].0.signer = cases[16].0.signer;
        let expected = Err(vec![1, 3, 6, 8, 11, 15]);
        assert_eq!(batch_verdict(&cases), expected);
        assert_eq!(pending_verdict(&cases), expected);
        // Only an undecodable R: the batch equation is never tried.
        let mut one = items(5);
        one[4].0.signature.0[..32].copy_from_slice(&[0xff; 32]);
        assert_eq!(pending_verdict(&one), Err(vec![4]));
    }

    #[test]
    fn the_weights_are_those_of_verify_batch_cofactored() {
        let cases = items(6);
        let from_items = weights(cases.iter().map(|(item, _)| {
            let hash = *blake3::hash(&item.message).as_bytes();
            (item.signer.as_bytes(), &item.signature.0, hash)
        }));
        let mut batch = PendingBatch::default();
        for (item, canonical) in &cases {
            let hash = *blake3::hash(&item.message).as_bytes();
            batch.push(&item.signer, TAG, canonical, &item.signature, hash);
        }
        let from_pending = weights(
            batch
                .inputs
                .iter()
                .map(|i| (&i.signer, &i.signature, i.message_hash)),
        );
        assert_eq!(from_items, from_pending);
        assert_eq!(from_items.len(), 6);
    }
}
