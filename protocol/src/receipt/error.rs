//! Every reason a receipt does not verify, named precisely.

use crate::ballot::{BallotError, OpeningError, ProofError};
use crate::crypto::SignatureError;
use crate::encoding::EncodeError;
use crate::merkle::MerkleError;
use crate::note::{CosignatureError, NoteError, OriginError};
use crate::objects::ProcessId;

/// Why a receipt (or a later checkpoint, or the evidence that it was
/// counted) does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// The receipt's checkpoint is not signed by the node's log key.
    #[error("checkpoint not signed by the node key: {0}")]
    CheckpointSignature(NoteError),
    /// Fewer valid witness cosignatures than the policy requires.
    #[error("{valid} valid witness cosignatures, {required} of {witnesses} required")]
    TooFewCosignatures {
        /// Distinct policy witnesses with a valid cosignature.
        valid: usize,
        /// The threshold k.
        required: usize,
        /// The number of witnesses n.
        witnesses: usize,
    },
    /// A cosignature line of a policy witness is invalid, or the policy is.
    #[error("witness cosignature: {0}")]
    Cosignature(CosignatureError),
    /// The checkpoint's origin is not a pbnode process-log origin.
    #[error("checkpoint origin: {0}")]
    Origin(#[from] OriginError),
    /// The checkpoint is the log of another process.
    #[error("checkpoint origin `{origin}` is not the log of process {process}")]
    OriginNotThisProcess {
        /// The checkpoint's origin line.
        origin: String,
        /// The receipt's process.
        process: ProcessId,
    },
    /// The voter's signature on the commitment does not verify.
    #[error("voter signature on the commitment: {0}")]
    VoterSignature(SignatureError),
    /// The commitment is for another process than the receipt's.
    #[error("commitment is for process {found}, the receipt for {expected}")]
    CommitmentForOtherProcess {
        /// The receipt's process.
        expected: ProcessId,
        /// The commitment's process.
        found: ProcessId,
    },
    /// The opening does not open the commitment (the reason says which way:
    /// process, voter key, or hash).
    #[error("the opening does not open the commitment: {0}")]
    OpeningMismatch(OpeningError),
    /// The leaf index is not inside the checkpoint's tree.
    #[error("leaf index {index} is beyond the checkpoint size {size}")]
    LeafBeyondCheckpoint {
        /// The receipt's leaf index.
        index: u64,
        /// The checkpoint's tree size.
        size: u64,
    },
    /// The inclusion proof has the wrong number of hashes for this index and size.
    #[error("inclusion proof has {got} hashes, {expected} expected")]
    InclusionProofLength {
        /// Hashes the tree shape requires.
        expected: usize,
        /// Hashes in the proof.
        got: usize,
    },
    /// The root recomputed from the leaf and the proof is not the checkpoint's.
    #[error("inclusion proof does not lead to the checkpoint root")]
    InclusionRootMismatch,
    /// Another inclusion-proof failure.
    #[error("inclusion proof: {0}")]
    Inclusion(MerkleError),
    /// The receipt's process is not the process definition supplied.
    #[error("receipt is for process {receipt}, the definition supplied is {supplied}")]
    ProcessMismatch {
        /// The receipt's process.
        receipt: ProcessId,
        /// The id of the definition supplied.
        supplied: ProcessId,
    },
    /// The ballot is not valid for its process.
    #[error("invalid ballot: {0}")]
    InvalidBallot(#[from] BallotError),
    /// The later checkpoint is not signed by the node's log key.
    #[error("later checkpoint not signed by the node key: {0}")]
    LaterCheckpointSignature(NoteError),
    /// The later checkpoint is of another log.
    #[error("later checkpoint is of log `{later}`, the receipt's of `{receipt}`")]
    LaterOriginMismatch {
        /// The receipt's origin.
        receipt: String,
        /// The later checkpoint's origin.
        later: String,
    },
    /// The later checkpoint is smaller than the receipt's: the log shrank.
    #[error("later checkpoint has {later} entries, fewer than the receipt's {receipt}")]
    LaterCheckpointSmaller {
        /// The receipt checkpoint's size.
        receipt: u64,
        /// The later checkpoint's size.
        later: u64,
    },
    /// The consistency proof from the receipt's checkpoint to the later one fails.
    #[error("consistency proof: {0}")]
    Consistency(MerkleError),
    /// The published opening entry is for another commitment.
    #[error("the opening entry is for another commitment")]
    OpenedOtherCommitment,
    /// The inclusion proof of the published opening entry fails.
    #[error("inclusion proof of the opening entry: {0}")]
    OpenedInclusion(MerkleError),
    /// The opening entry's index is not inside the final checkpoint.
    #[error("opening entry index {index} is beyond the final checkpoint size {size}")]
    OpenedBeyondCheckpoint {
        /// The opening entry's index.
        index: u64,
        /// The final checkpoint's size.
        size: u64,
    },
    /// The voter's signed commitment and opening do not form a proof.
    #[error("withheld-opening proof: {0}")]
    Proof(#[from] ProofError),
    /// Something could not be encoded canonically.
    #[error("encoding: {0}")]
    Encoding(#[from] EncodeError),
}

impl ReceiptError {
    /// Maps an inclusion-proof failure to its precise receipt error.
    pub(crate) fn inclusion(error: MerkleError) -> Self {
        match error {
            MerkleError::WrongProofLength { expected, got } => {
                ReceiptError::InclusionProofLength { expected, got }
            }
            MerkleError::RootMismatch => ReceiptError::InclusionRootMismatch,
            other => ReceiptError::Inclusion(other),
        }
    }

    /// Maps a witness-policy failure to its precise receipt error.
    pub(crate) fn cosignature(error: CosignatureError) -> Self {
        match error {
            CosignatureError::ThresholdNotMet {
                valid,
                required,
                witnesses,
            } => ReceiptError::TooFewCosignatures {
                valid,
                required,
                witnesses,
            },
            other => ReceiptError::Cosignature(other),
        }
    }
}
