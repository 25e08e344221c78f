//! Atomic write batches.

use super::Keyspace;

/// One write of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Set `key` to `value`.
    Put {
        /// The keyspace.
        space: Keyspace,
        /// The key within the keyspace.
        key: Vec<u8>,
        /// The new value.
        value: Vec<u8>,
    },
    /// Remove `key`.
    Delete {
        /// The keyspace.
        space: Keyspace,
        /// The key within the keyspace.
        key: Vec<u8>,
    },
}

/// Writes applied together, atomically, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<WriteOp>,
}

impl WriteBatch {
    /// Adds a put.
    pub fn put(&mut self, space: Keyspace, key: &[u8], value: &[u8]) {
        self.ops.push(WriteOp::Put {
            space,
            key: key.to_vec(),
            value: value.to_vec(),
        });
    }

    /// Adds a delete.
    pub fn delete(&mut self, space: Keyspace, key: &[u8]) {
        self.ops.push(WriteOp::Delete {
            space,
            key: key.to_vec(),
        });
    }

    /// Appends every write of `other` after this batch's writes.
    pub fn extend(&mut self, other: WriteBatch) {
        self.ops.extend(other.ops);
    }

    /// Number of writes.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True when the batch holds no write.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The writes, in order.
    pub fn ops(&self) -> &[WriteOp] {
        &self.ops
    }

    /// Consumes the batch into its writes.
    pub fn into_ops(self) -> Vec<WriteOp> {
        self.ops
    }
}
