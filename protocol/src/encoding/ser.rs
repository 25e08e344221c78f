//! The canonical serde `Serializer`.

use super::error::EncodeError;
use serde::ser::{self, Serialize};

/// Writes values in the canonical encoding (see the module documentation).
#[derive(Debug, Default)]
pub struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    /// An empty encoder.
    pub fn new() -> Self {
        Encoder { out: Vec::new() }
    }

    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    fn put_len(&mut self, len: usize) -> Result<(), EncodeError> {
        let len = u32::try_from(len).map_err(|_| EncodeError::TooLong(len))?;
        self.out.extend_from_slice(&len.to_be_bytes());
        Ok(())
    }

    fn put_variant(&mut self, index: u32) {
        self.out.extend_from_slice(&index.to_be_bytes());
    }
}

/// A sequence, tuple, struct or variant body being written.
#[derive(Debug)]
pub struct Compound<'a> {
    encoder: &'a mut Encoder,
    /// For counted sequences: the item count and where the items start, to
    /// refuse zero-sized items the decoder's allocation guard would reject.
    counted: Option<(usize, usize)>,
}

impl Compound<'_> {
    fn finish(self) -> Result<(), EncodeError> {
        if let Some((count, start)) = self.counted {
            let bytes = self.encoder.out.len() - start;
            if bytes < count {
                return Err(EncodeError::ZeroSizedItems { count, bytes });
            }
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Encoder {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = ser::Impossible<(), EncodeError>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), EncodeError> {
        self.out.push(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), EncodeError> {
        self.out.push(v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_i128(self, _v: i128) -> Result<(), EncodeError> {
        Err(EncodeError::Unsupported("i128"))
    }
    fn serialize_u128(self, _v: u128) -> Result<(), EncodeError> {
        Err(EncodeError::Unsupported("u128"))
    }
    fn serialize_f32(self, _v: f32) -> Result<(), EncodeError> {
        Err(EncodeError::Unsupported("f32"))
    }
    fn serialize_f64(self, _v: f64) -> Result<(), EncodeError> {
        Err(EncodeError::Unsupported("f64"))
    }
    fn serialize_char(self, _v: char) -> Result<(), EncodeError> {
        Err(EncodeError::Unsupported("char"))
    }
    fn serialize_str(self, v: &str) -> Result<(), EncodeError> {
        self.serialize_bytes(v.as_bytes())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), EncodeError> {
        self.put_len(v.len())?;
        self.out.extend_from_slice(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), EncodeError> {
        self.out.push(0);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EncodeError> {
        self.out.push(1);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), EncodeError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), EncodeError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
    ) -> Result<(), EncodeError> {
        self.put_variant(index);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.put_variant(index);
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>, EncodeError> {
        let count = len.ok_or(EncodeError::UnknownLength)?;
        self.put_len(count)?;
        let start = self.out.len();
        Ok(Compound {
            encoder: self,
            counted: Some((count, start)),
        })
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, EncodeError> {
        Ok(Compound {
            encoder: self,
            counted: None,
        })
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, EncodeError> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, EncodeError> {
        self.put_variant(index);
        self.serialize_tuple(len)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, EncodeError> {
        Err(EncodeError::Unsupported("map"))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, EncodeError> {
        self.serialize_tuple(len)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, EncodeError> {
        self.put_variant(index);
        self.serialize_tuple(len)
    }
}

// Every compound body is its items written one after the other: the format
// has no field names, so sequences, tuples and structs differ only in the
// serde trait and method names.

/// Implements a serde compound trait whose items are written in place.
macro_rules! items_in_place {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = EncodeError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
                value.serialize(&mut *self.encoder)
            }
            fn end(self) -> Result<(), EncodeError> {
                self.finish()
            }
        }
    };
}

items_in_place!(SerializeSeq, serialize_element);
items_in_place!(SerializeTuple, serialize_element);
items_in_place!(SerializeTupleStruct, serialize_field);
items_in_place!(SerializeTupleVariant, serialize_field);

/// Implements a serde struct trait: fields written in place, names dropped.
macro_rules! fields_in_place {
    ($trait:ident) => {
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = EncodeError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Result<(), EncodeError> {
                value.serialize(&mut *self.encoder)
            }
            fn skip_field(&mut self, key: &'static str) -> Result<(), EncodeError> {
                // A skipped field would make the decoder read the next field in its place.
                Err(EncodeError::Custom(format!(
                    "field `{key}` cannot be skipped"
                )))
            }
            fn end(self) -> Result<(), EncodeError> {
                self.finish()
            }
        }
    };
}

fields_in_place!(SerializeStruct);
fields_in_place!(SerializeStructVariant);
