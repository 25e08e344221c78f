//! Why a federation operation failed.

use crate::log::LogError;
use crate::service::ServiceError;
use crate::store::StoreError;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::WireError;

use super::transport::TransportError;

/// A peer and what went wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerFault {
    /// The peer.
    pub peer: PublicKey,
    /// What happened.
    pub reason: String,
}

/// Why a federation operation failed.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The node's domain layer failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The storage engine failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A replica log failed.
    #[error(transparent)]
    Log(#[from] LogError),
    /// The manifest is missing, forged or does not list this node.
    #[error("manifest: {0}")]
    Manifest(String),
    /// A log origin names no member of the federation, or is malformed.
    #[error("unknown log {0}")]
    UnknownLog(String),
    /// A checkpoint or note does not verify.
    #[error("bad checkpoint: {0}")]
    BadCheckpoint(String),
    /// A peer served data that does not verify: it should be scored down.
    #[error("peer {} misbehaved: {}", .0.peer, .0.reason)]
    PeerMisbehaved(Box<PeerFault>),
    /// A peer could not be reached or answered with an error.
    #[error("peer {} failed: {}", .0.peer, .0.reason)]
    PeerFailed(Box<PeerFault>),
    /// The log signed two checkpoints that cannot both hold (the proof is
    /// stored; see `Federation::equivocations`).
    #[error("log {0} equivocated")]
    Equivocation(String),
    /// The operation is switched off by configuration.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// A background task failed.
    #[error("task failed: {0}")]
    Task(String),
}

impl FederationError {
    /// A peer-side fault from a transport error.
    pub(crate) fn transport(peer: PublicKey, e: TransportError) -> Self {
        Self::failed(peer, e.to_string())
    }

    /// A peer that could not serve.
    pub(crate) fn failed(peer: PublicKey, reason: String) -> Self {
        FederationError::PeerFailed(Box::new(PeerFault { peer, reason }))
    }

    /// A peer that served something false.
    pub(crate) fn misbehaved(peer: PublicKey, reason: String) -> Self {
        FederationError::PeerMisbehaved(Box::new(PeerFault { peer, reason }))
    }

    /// A peer-side fault from an error answer.
    pub(crate) fn wire(peer: PublicKey, e: WireError) -> Self {
        Self::failed(peer, e.to_string())
    }

    /// The answer to give a peer for this error.
    pub(crate) fn to_wire(&self) -> WireError {
        match self {
            FederationError::UnknownLog(o) => WireError::NotFound(o.clone()),
            FederationError::Service(ServiceError::InvalidInput(m)) => {
                WireError::BadRequest(m.clone())
            }
            FederationError::Service(ServiceError::ProcessNotFound(m)) => {
                WireError::NotFound(m.clone())
            }
            FederationError::Log(LogError::Merkle(m)) => WireError::BadRequest(m.to_string()),
            other => WireError::Internal(other.to_string()),
        }
    }
}
