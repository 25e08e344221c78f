//! Every keyspace the node stores, named in one place.
//!
//! A keyspace is a one-byte prefix inside the single sled tree `pbnode`
//! (see the module docs of `store` for why one tree). The byte values are part
//! of the on-disk format: never renumber one; add new ones at the end and
//! bump [`crate::store::migrate::CURRENT_FORMAT`] if old data must change.

/// A named keyspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keyspace {
    /// Store metadata: the format version and node-wide settings.
    Meta,
    /// Process definitions and their current state, by process id.
    Processes,
    /// Log leaves (canonical entry bytes), by process id ‖ leaf index (u64 BE).
    LogLeaves,
    /// Perfect-subtree hashes of each log from level 1 up (a level-0 hash
    /// is recomputed from its leaf; format 1 stored those too), by process
    /// id ‖ level (u8) ‖ index (u64 BE).
    LogNodes,
    /// Signed checkpoints, by process id ‖ tree size (u64 BE).
    Checkpoints,
    /// Proposals, by process id ‖ proposal id.
    Proposals,
    /// Census rows, by process id ‖ voter reference.
    Census,
    /// One-time voting codes (hashed), by process id ‖ code hash.
    Codes,
    /// Registered voter credentials, by process id ‖ voter key.
    Credentials,
    /// Ballot openings held back until close, by process id ‖ voter key.
    Openings,
    /// Receipts, by process id ‖ commitment.
    Receipts,
    /// Comments on proposals (not logged), by process id ‖ proposal id ‖
    /// sequence number (u64 BE).
    Comments,
    /// Federation replicas of peer logs: the verified state of each, by
    /// log origin (UTF-8).
    Replicas,
    /// What this node cosigned as a witness: the latest cosigned checkpoint
    /// per log, by log origin (UTF-8).
    Witnessed,
    /// Equivocation proofs, by offender node key (32 bytes) ‖ proof hash.
    Equivocations,
    /// Where signed objects (process definitions, tallies, aggregates) of
    /// replicated logs sit, by object id: log id ‖ leaf index (u64 BE).
    Objects,
    /// Federation settings: the latest signed manifest.
    Federation,
}

impl Keyspace {
    /// Every keyspace.
    pub const ALL: [Keyspace; 17] = [
        Keyspace::Meta,
        Keyspace::Processes,
        Keyspace::LogLeaves,
        Keyspace::LogNodes,
        Keyspace::Checkpoints,
        Keyspace::Proposals,
        Keyspace::Census,
        Keyspace::Codes,
        Keyspace::Credentials,
        Keyspace::Openings,
        Keyspace::Receipts,
        Keyspace::Comments,
        Keyspace::Replicas,
        Keyspace::Witnessed,
        Keyspace::Equivocations,
        Keyspace::Objects,
        Keyspace::Federation,
    ];

    /// The prefix byte on disk.
    pub fn prefix(self) -> u8 {
        match self {
            Keyspace::Meta => 0x00,
            Keyspace::Processes => 0x01,
            Keyspace::LogLeaves => 0x02,
            Keyspace::LogNodes => 0x03,
            Keyspace::Checkpoints => 0x04,
            Keyspace::Proposals => 0x05,
            Keyspace::Census => 0x06,
            Keyspace::Codes => 0x07,
            Keyspace::Credentials => 0x08,
            Keyspace::Openings => 0x09,
            Keyspace::Receipts => 0x0a,
            Keyspace::Comments => 0x0b,
            Keyspace::Replicas => 0x0c,
            Keyspace::Witnessed => 0x0d,
            Keyspace::Equivocations => 0x0e,
            Keyspace::Objects => 0x0f,
            Keyspace::Federation => 0x10,
        }
    }

    /// A human-readable name, for errors and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Keyspace::Meta => "meta",
            Keyspace::Processes => "processes",
            Keyspace::LogLeaves => "log_leaves",
            Keyspace::LogNodes => "log_nodes",
            Keyspace::Checkpoints => "checkpoints",
            Keyspace::Proposals => "proposals",
            Keyspace::Census => "census",
            Keyspace::Codes => "codes",
            Keyspace::Credentials => "credentials",
            Keyspace::Openings => "openings",
            Keyspace::Receipts => "receipts",
            Keyspace::Comments => "comments",
            Keyspace::Replicas => "replicas",
            Keyspace::Witnessed => "witnessed",
            Keyspace::Equivocations => "equivocations",
            Keyspace::Objects => "objects",
            Keyspace::Federation => "federation",
        }
    }
}
