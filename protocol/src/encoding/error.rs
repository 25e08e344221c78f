//! Errors of the canonical encoder and decoder.

use std::fmt::Display;

/// Why a value could not be encoded canonically.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The value uses a serde type that has no canonical encoding (float, char, map, ...).
    #[error("type not allowed in canonical encoding: {0}")]
    Unsupported(&'static str),
    /// A string, byte string or sequence is longer than `u32::MAX`.
    #[error("length {0} does not fit in u32")]
    TooLong(usize),
    /// A sequence's items encode to fewer bytes than their count, which the
    /// decoder's allocation guard would reject (zero-sized items).
    #[error("sequence of {count} items encodes to only {bytes} bytes")]
    ZeroSizedItems {
        /// Number of items.
        count: usize,
        /// Bytes the items took.
        bytes: usize,
    },
    /// A sequence was serialized without its length known up front.
    #[error("sequence length must be known before its items")]
    UnknownLength,
    /// A custom error raised by a type's `Serialize` implementation.
    #[error("{0}")]
    Custom(String),
}

/// Why bytes are not the canonical encoding of the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended before the value was complete.
    #[error("unexpected end of input: needed {needed} more bytes at offset {offset}")]
    UnexpectedEnd {
        /// Offset at which more bytes were needed.
        offset: usize,
        /// How many bytes were needed.
        needed: usize,
    },
    /// Bytes were left after the value.
    #[error("{0} trailing bytes after the value")]
    TrailingBytes(usize),
    /// A boolean byte other than 0x00 or 0x01.
    #[error("invalid bool byte 0x{0:02x}")]
    InvalidBool(u8),
    /// An option tag other than 0x00 or 0x01.
    #[error("invalid option tag 0x{0:02x}")]
    InvalidOptionTag(u8),
    /// A string that is not valid UTF-8.
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    /// A length or count larger than the bytes that remain (allocation guard).
    #[error("length {length} exceeds the {remaining} bytes remaining")]
    LengthTooLarge {
        /// The declared length or count.
        length: u32,
        /// Bytes left in the input.
        remaining: usize,
    },
    /// The target type needs a self-describing format or a refused serde type.
    #[error("type not allowed in canonical encoding: {0}")]
    Unsupported(&'static str),
    /// A type's `Deserialize` implementation rejected the value (for example
    /// an unknown enum variant or an invalid public key).
    #[error("{0}")]
    Custom(String),
}

impl serde::ser::Error for EncodeError {
    fn custom<T: Display>(msg: T) -> Self {
        EncodeError::Custom(msg.to_string())
    }
}

impl serde::de::Error for DecodeError {
    fn custom<T: Display>(msg: T) -> Self {
        DecodeError::Custom(msg.to_string())
    }
}
