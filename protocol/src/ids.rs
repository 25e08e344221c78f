//! Content ids and other 32-byte values.
//!
//! An object's id is the BLAKE3-256 hash of its domain-tagged canonical bytes
//! (see [`crate::crypto::Signable::id`]). [`Id<T>`] carries the object type in
//! its Rust type, so a proposal id can never be passed where a process id is
//! expected, while on the wire it is just the 32 hash bytes: raw in the
//! canonical encoding, lower-case hex in JSON.

use crate::encoding::fixed;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

/// Why a hex string does not parse as a fixed-size value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseHexError {
    /// Not exactly this many hex digits.
    #[error("expected {0} hex digits")]
    NotHex(usize),
    /// Valid hex, but not a valid public key.
    #[error("not a usable public key: {0}")]
    Key(#[from] crate::crypto::KeyError),
}

/// Defines a 32-byte (or `N`-byte) value type with hex Display/FromStr and
/// the fixed-bytes serde form.
macro_rules! fixed_bytes_type {
    ($(#[$meta:meta])* $name:ident, $len:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ids::ParseHexError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $crate::encoding::fixed::parse_hex(text)
                    .map($name)
                    .map_err(|_| $crate::ids::ParseHexError::NotHex(2 * $len))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::encoding::fixed::serialize(&self.0, s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::encoding::fixed::deserialize(d).map($name)
            }
        }
    };
}
pub(crate) use fixed_bytes_type;

fixed_bytes_type!(
    /// A 32-byte BLAKE3 hash with no object type attached (Merkle roots, for example).
    Digest,
    32
);

/// The id of an object of type `T`: BLAKE3-256 of its domain-tagged canonical bytes.
pub struct Id<T: ?Sized> {
    bytes: [u8; 32],
    of: PhantomData<fn() -> T>,
}

impl<T: ?Sized> Id<T> {
    /// Wraps 32 hash bytes (no check: any 32 bytes can be an id).
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Id {
            bytes,
            of: PhantomData,
        }
    }

    /// The 32 hash bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The id as an untyped digest.
    pub fn digest(&self) -> Digest {
        Digest(self.bytes)
    }
}

// Manual impls: derives would wrongly require `T: Clone`, `T: Eq`, ...
impl<T: ?Sized> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for Id<T> {}
impl<T: ?Sized> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl<T: ?Sized> Eq for Id<T> {}
impl<T: ?Sized> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T: ?Sized> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bytes.cmp(&other.bytes)
    }
}
impl<T: ?Sized> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}
impl<T: ?Sized> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.bytes))
    }
}
impl<T: ?Sized> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}
impl<T: ?Sized> FromStr for Id<T> {
    type Err = ParseHexError;
    fn from_str(text: &str) -> Result<Self, ParseHexError> {
        fixed::parse_hex(text)
            .map(Id::from_bytes)
            .map_err(|_| ParseHexError::NotHex(64))
    }
}
impl<T: ?Sized> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fixed::serialize(&self.bytes, s)
    }
}
impl<'de, T: ?Sized> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fixed::deserialize(d).map(Id::from_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_raw_bytes_canonically_and_hex_in_json() {
        let id: Id<u8> = Id::from_bytes([0xab; 32]);
        assert_eq!(crate::encoding::to_bytes(&id).unwrap(), [0xab; 32]);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{}\"", "ab".repeat(32)));
        assert_eq!(serde_json::from_str::<Id<u8>>(&json).unwrap(), id);
        assert_eq!(id.to_string().parse::<Id<u8>>().unwrap(), id);
        assert!("abcd".parse::<Id<u8>>().is_err());
        assert!(crate::encoding::from_bytes::<Id<u8>>(&[0; 31]).is_err());
    }
}
