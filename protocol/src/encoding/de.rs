//! The canonical serde `Deserializer`.

use super::error::DecodeError;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

/// Reads values in the canonical encoding from a byte slice (see the module
/// documentation). Lengths are checked against the remaining input before
/// anything is allocated.
#[derive(Debug)]
pub struct Decoder<'de> {
    input: &'de [u8],
    offset: usize,
}

impl<'de> Decoder<'de> {
    /// A decoder over `input`.
    pub fn new(input: &'de [u8]) -> Self {
        Decoder { input, offset: 0 }
    }

    /// Succeeds only when every input byte was consumed.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            left => Err(DecodeError::TrailingBytes(left)),
        }
    }

    fn remaining(&self) -> usize {
        self.input.len() - self.offset
    }

    fn take(&mut self, n: usize) -> Result<&'de [u8], DecodeError> {
        let end = self
            .offset
            .checked_add(n)
            .filter(|end| *end <= self.input.len())
            .ok_or(DecodeError::UnexpectedEnd {
                offset: self.offset,
                needed: n - self.remaining().min(n),
            })?;
        let bytes = &self.input[self.offset..end];
        self.offset = end;
        Ok(bytes)
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn take_byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take_array::<1>()?[0])
    }

    fn take_u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.take_array()?))
    }

    /// A length or count, refused when larger than the bytes left: every
    /// byte-string byte and every sequence item takes at least one byte.
    fn take_len(&mut self) -> Result<usize, DecodeError> {
        let length = self.take_u32()?;
        let remaining = self.remaining();
        match usize::try_from(length) {
            Ok(len) if len <= remaining => Ok(len),
            _ => Err(DecodeError::LengthTooLarge { length, remaining }),
        }
    }

    fn take_bytes(&mut self) -> Result<&'de [u8], DecodeError> {
        let len = self.take_len()?;
        self.take(len)
    }
}

macro_rules! decode_int {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            visitor.$visit(<$ty>::from_be_bytes(self.take_array()?))
        }
    };
}

macro_rules! refuse {
    ($method:ident, $what:literal) => {
        fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DecodeError> {
            Err(DecodeError::Unsupported($what))
        }
    };
}

impl<'de> de::Deserializer<'de> for &mut Decoder<'de> {
    type Error = DecodeError;

    fn is_human_readable(&self) -> bool {
        false
    }

    refuse!(deserialize_any, "self-describing value (deserialize_any)");
    refuse!(deserialize_ignored_any, "ignored value");
    refuse!(deserialize_f32, "f32");
    refuse!(deserialize_f64, "f64");
    refuse!(deserialize_char, "char");
    refuse!(deserialize_i128, "i128");
    refuse!(deserialize_u128, "u128");
    refuse!(deserialize_map, "map");
    refuse!(deserialize_identifier, "identifier");

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.take_byte()? {
            0 => visitor.visit_bool(false),
            1 => visitor.visit_bool(true),
            other => Err(DecodeError::InvalidBool(other)),
        }
    }

    decode_int!(deserialize_i8, visit_i8, i8);
    decode_int!(deserialize_i16, visit_i16, i16);
    decode_int!(deserialize_i32, visit_i32, i32);
    decode_int!(deserialize_i64, visit_i64, i64);
    decode_int!(deserialize_u8, visit_u8, u8);
    decode_int!(deserialize_u16, visit_u16, u16);
    decode_int!(deserialize_u32, visit_u32, u32);
    decode_int!(deserialize_u64, visit_u64, u64);

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let bytes = self.take_bytes()?;
        let text = std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8)?;
        visitor.visit_borrowed_str(text)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_borrowed_bytes(self.take_bytes()?)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_bytes(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.take_byte()? {
            0 => visitor.visit_none(),
            1 => visitor.visit_some(self),
            other => Err(DecodeError::InvalidOptionTag(other)),
        }
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let count = self.take_len()?;
        visitor.visit_seq(Items {
            decoder: self,
            left: count,
        })
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_seq(Items {
            decoder: self,
            left: len,
        })
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_tuple(len, visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_tuple(fields.len(), visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_enum(self)
    }
}

/// The items of a sequence, tuple or struct, `left` of them still to read.
struct Items<'a, 'de> {
    decoder: &'a mut Decoder<'de>,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.decoder).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> de::EnumAccess<'de> for &mut Decoder<'de> {
    type Error = DecodeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), DecodeError> {
        let index = self.take_u32()?;
        let value = seed.deserialize(index.into_deserializer())?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Decoder<'de> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_tuple(self, fields.len(), visitor)
    }
}
