//! Federation: replicas of peer logs, witnessing, equivocation proofs and
//! regional aggregation, over a [`Transport`] (libp2p in production, see
//! [`crate::net`]).

pub mod transport;

pub use transport::{Inbound, PeerAddress, Transport, TransportError, Verdict};
