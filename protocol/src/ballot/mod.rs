//! Commit, then reveal: ballot commitments, their openings, the proof a voter
//! holds against a node that withholds or alters an opening, and ballot
//! validation against the process definition.
//!
//! While voting is open the log holds, per ballot, a [`BallotCommitment`]
//! signed by the voter key:
//!
//! ```text
//! C = BLAKE3-256("pbnode/v1/ballot-commit" || 0x00 || canonical(ballot) || nonce)
//! ```
//!
//! with a fresh 32-byte random `nonce`. The [`BallotOpening`] (ballot and
//! nonce) stays with the node and in the voter's receipt until close, when
//! the node logs every opening. Anyone then checks each opening against its
//! commitment ([`BallotOpening::opens`]).

mod commitment;
mod opening;
mod validation;
mod validation_error;
mod withheld;

pub use commitment::{BallotCommitment, COMMITMENT_TAG, Commitment, Nonce};
pub use opening::{BallotOpening, OpeningError};
pub use validation::{BallotContext, ProjectInfo};
pub use validation_error::BallotError;
pub use withheld::{OpeningVerdict, ProofError, WithheldOpeningProof};
