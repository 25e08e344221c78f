//! Why the network could not start.

/// A failure to start the network layer.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A listen address is not a valid multiaddress.
    #[error("bad listen address {address:?}: {reason}")]
    Address {
        /// The address as given.
        address: String,
        /// Why it was refused.
        reason: String,
    },
    /// Listening on an address failed (port in use, unsupported transport).
    #[error("cannot listen on {address}: {reason}")]
    Listen {
        /// The address.
        address: String,
        /// The transport's error.
        reason: String,
    },
    /// The libp2p stack could not be assembled (invalid gossipsub or
    /// scoring parameters, mDNS socket failure).
    #[error("cannot build the network: {0}")]
    Build(String),
}
