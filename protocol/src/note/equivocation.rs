//! Proof that a log signed two checkpoints that cannot both hold: the
//! evidence a node gossips so that aggregators refuse the log's tallies.

use super::checkpoint::SignedCheckpoint;
use super::error::EquivocationError;
use super::keys::VerifierKey;
use super::witness::ConsistencyVerifier;

/// Why the two checkpoints conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Same size, different roots: a tree has one root per size.
    SameSize,
    /// Different sizes: `proof` is a valid consistency proof from
    /// `implied_old_root` at the first (smaller) size to the second
    /// checkpoint's root, and `implied_old_root` differs from the first
    /// checkpoint's root. The second checkpoint thus fixes another root for
    /// the first size. (A proof that merely fails to verify shows nothing:
    /// whoever built it may have erred, so it is never evidence.)
    Fork {
        /// The root at the first size that the second checkpoint commits to.
        implied_old_root: [u8; 32],
        /// Consistency proof from (first size, implied root) to the second.
        proof: Vec<[u8; 32]>,
    },
}

/// Two checkpoints of one log, both signed by the log, that cannot both
/// hold. Built unchecked; [`Equivocation::verify`] decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equivocation {
    first: SignedCheckpoint,
    second: SignedCheckpoint,
    conflict: Conflict,
}

impl Equivocation {
    /// A claimed equivocation. For [`Conflict::Fork`], `first` is the
    /// smaller checkpoint.
    pub fn new(first: SignedCheckpoint, second: SignedCheckpoint, conflict: Conflict) -> Self {
        Self {
            first,
            second,
            conflict,
        }
    }

    /// The first checkpoint (the one cosigned before, for a witness).
    pub fn first(&self) -> &SignedCheckpoint {
        &self.first
    }

    /// The second checkpoint.
    pub fn second(&self) -> &SignedCheckpoint {
        &self.second
    }

    /// Why they conflict.
    pub fn conflict(&self) -> &Conflict {
        &self.conflict
    }

    /// Checks the proof: same origin, both validly signed by the log's
    /// key(s), and the conflict holds. `consistency` is used only for
    /// [`Conflict::Fork`].
    pub fn verify(
        &self,
        log_keys: &[VerifierKey],
        consistency: &dyn ConsistencyVerifier,
    ) -> Result<(), EquivocationError> {
        let (a, b) = (self.first.checkpoint(), self.second.checkpoint());
        if a.origin != b.origin {
            return Err(EquivocationError::DifferentOrigins);
        }
        for signed in [&self.first, &self.second] {
            signed
                .verify_log_signature(log_keys)
                .map_err(EquivocationError::Signature)?;
        }
        let conflicts = match &self.conflict {
            Conflict::SameSize => a.size == b.size && a.root != b.root,
            Conflict::Fork {
                implied_old_root,
                proof,
            } => {
                0 < a.size
                    && a.size < b.size
                    && *implied_old_root != a.root
                    && consistency.verify_consistency(
                        a.size,
                        b.size,
                        implied_old_root,
                        &b.root,
                        proof,
                    )
            }
        };
        if conflicts {
            Ok(())
        } else {
            Err(EquivocationError::NoConflict)
        }
    }
}
