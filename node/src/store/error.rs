//! Storage errors.

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The engine reported an I/O or corruption error.
    #[error("storage engine error: {0}")]
    Engine(String),
    /// The store was written by a newer pbnode with a format this one does not know.
    #[error(
        "store format version {found} is newer than this pbnode supports ({supported}); upgrade pbnode"
    )]
    FormatTooNew {
        /// The version found in the store.
        found: u32,
        /// The newest version this build understands.
        supported: u32,
    },
    /// A stored value does not decode: the store is damaged or was edited by hand.
    #[error("corrupt stored value in {space}: {detail}")]
    Corrupt {
        /// The keyspace holding the value.
        space: &'static str,
        /// What is wrong with it.
        detail: String,
    },
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Engine(e.to_string())
    }
}
