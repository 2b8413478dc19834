//! How one field of an OTLP message is read from and written to OTLP/JSON: a [`Codec`]
//! per encoding (hex ids, 64-bit integers as strings, base64 bytes, …), shared by every
//! message that has such a field.

use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use super::write;

/// One encoding of a field of type `T`.
pub trait Codec<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;

    /// Whether the value is the field's default, which OTLP/JSON leaves out (as pdata does).
    fn is_default(value: &T) -> bool;

    /// Writes the value, default or not.
    fn write_value(value: &T, out: &mut Vec<u8>);

    /// Writes a value that is not the default; whether it is to be kept. A message none of
    /// whose fields was written returns false after writing `{}`, which pdata would not
    /// write either: the caller takes its key and braces back.
    fn write(value: &T, out: &mut Vec<u8>) -> bool {
        Self::write_value(value, out);
        true
    }
}

/// `C`'s reader as a seed, for `MapAccess::next_value_seed` and `SeqAccess::next_element_seed`.
pub struct Read<C, T>(PhantomData<(C, T)>);

impl<C, T> Read<C, T> {
    pub fn new() -> Self {
        Read(PhantomData)
    }
}

impl<'de, C: Codec<T>, T> DeserializeSeed<'de> for Read<C, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        C::read(deserializer)
    }
}

/// A string.
pub struct Str;

impl Codec<String> for Str {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        String::deserialize(deserializer)
    }
    fn is_default(value: &String) -> bool {
        value.is_empty()
    }
    fn write_value(value: &String, out: &mut Vec<u8>) {
        write::string(out, value);
    }
}

/// A bool.
pub struct Bool;

impl Codec<bool> for Bool {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        bool::deserialize(deserializer)
    }
    fn is_default(value: &bool) -> bool {
        !value
    }
    fn write_value(value: &bool, out: &mut Vec<u8>) {
        out.extend_from_slice(if *value { b"true" } else { b"false" });
    }
}

/// A 32-bit integer (counts, flags, indices), a JSON number.
pub struct Int;

impl Codec<u32> for Int {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
        u32::deserialize(deserializer)
    }
    fn is_default(value: &u32) -> bool {
        *value == 0
    }
    fn write_value(value: &u32, out: &mut Vec<u8>) {
        write::u64(out, u64::from(*value));
    }
}

impl Codec<i32> for Int {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
        i32::deserialize(deserializer)
    }
    fn is_default(value: &i32) -> bool {
        *value == 0
    }
    fn write_value(value: &i32, out: &mut Vec<u8>) {
        write::i64(out, i64::from(*value));
    }
}

/// A protobuf enum: its number, or (as pdata reads it too) its name.
pub struct Enum<E>(PhantomData<E>);

/// The enums of OTLP, by name.
pub trait Named {
    fn number(name: &str) -> Option<i32>;
}

macro_rules! named {
    ($($enum:ty),*) => {
        $(impl Named for $enum {
            fn number(name: &str) -> Option<i32> {
                <$enum>::from_str_name(name).map(|e| e as i32)
            }
        })*
    };
}

named!(
    crate::otlp::trace::v1::span::SpanKind,
    crate::otlp::trace::v1::status::StatusCode,
    crate::otlp::logs::v1::SeverityNumber,
    crate::otlp::metrics::v1::AggregationTemporality
);

impl<E: Named> Codec<i32> for Enum<E> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
        struct EnumVisitor<E>(PhantomData<E>);
        impl<E: Named> Visitor<'_> for EnumVisitor<E> {
            type Value = i32;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum's number or name")
            }
            fn visit_i64<Er: de::Error>(self, v: i64) -> Result<i32, Er> {
                i32::try_from(v).map_err(|_| Er::custom(format!("enum number {v} out of range")))
            }
            fn visit_u64<Er: de::Error>(self, v: u64) -> Result<i32, Er> {
                i32::try_from(v).map_err(|_| Er::custom(format!("enum number {v} out of range")))
            }
            fn visit_str<Er: de::Error>(self, v: &str) -> Result<i32, Er> {
                E::number(v).ok_or_else(|| Er::custom(format!("unknown enum name {v:?}")))
            }
        }
        deserializer.deserialize_any(EnumVisitor::<E>(PhantomData))
    }
    fn is_default(value: &i32) -> bool {
        *value == 0
    }
    fn write_value(value: &i32, out: &mut Vec<u8>) {
        write::i64(out, i64::from(*value));
    }
}

/// A 64-bit integer: a decimal string in OTLP/JSON, a number also read.
pub struct Int64;

/// Reads a 64-bit integer from a JSON number or a decimal string.
struct Int64Visitor<T>(PhantomData<T>);

impl<T: TryFrom<u64> + TryFrom<i64> + std::str::FromStr> Visitor<'_> for Int64Visitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a 64-bit integer or a string holding one")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(|_| E::custom(format!("not a 64-bit integer: {v:?}")))
    }
}

impl Codec<u64> for Int64 {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_any(Int64Visitor(PhantomData))
    }
    fn is_default(value: &u64) -> bool {
        *value == 0
    }
    fn write_value(value: &u64, out: &mut Vec<u8>) {
        out.push(b'"');
        write::u64(out, *value);
        out.push(b'"');
    }
}

impl Codec<i64> for Int64 {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(Int64Visitor(PhantomData))
    }
    fn is_default(value: &i64) -> bool {
        *value == 0
    }
    fn write_value(value: &i64, out: &mut Vec<u8>) {
        out.push(b'"');
        write::i64(out, *value);
        out.push(b'"');
    }
}

/// A double: a JSON number, or a string as the collector's pdata reads one
/// (`strconv.ParseFloat`): the mapping's `"NaN"`, `"Infinity"` and `"-Infinity"`, which the
/// writer writes for non-finite values, or a decimal. (Reading only numbers here refused
/// the agent's own output back; found by fuzzing.)
pub struct Double;

/// A double, or `null` (for an optional one).
struct DoubleVisitor;

impl Visitor<'_> for DoubleVisitor {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, or NaN, Infinity or -Infinity")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<f64>, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<f64>, E> {
        match v {
            "NaN" => Ok(Some(f64::NAN)),
            "Infinity" => Ok(Some(f64::INFINITY)),
            "-Infinity" => Ok(Some(f64::NEG_INFINITY)),
            _ => v.parse().map(Some).map_err(|_| E::custom(format!("not a number: {v:?}"))),
        }
    }
}

impl Codec<f64> for Double {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(DoubleVisitor)?.ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &DoubleVisitor))
    }
    fn is_default(value: &f64) -> bool {
        *value == 0.0
    }
    fn write_value(value: &f64, out: &mut Vec<u8>) {
        write::f64(out, *value);
    }
}

/// An optional double (a histogram's `sum`, `min`, `max`): written whenever present.
impl Codec<Option<f64>> for Double {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
        deserializer.deserialize_any(DoubleVisitor)
    }
    fn is_default(value: &Option<f64>) -> bool {
        value.is_none()
    }
    fn write_value(value: &Option<f64>, out: &mut Vec<u8>) {
        if let Some(value) = value {
            write::f64(out, *value);
        }
    }
}

/// Trace, span and profile ids: lowercase hex; an all-zero id is an empty one, left out.
pub struct Hex;

impl Codec<Vec<u8>> for Hex {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        struct HexVisitor;
        impl Visitor<'_> for HexVisitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a hex string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
                decode_hex(v).ok_or_else(|| E::custom(format!("not a hex id: {v:?}")))
            }
        }
        deserializer.deserialize_str(HexVisitor)
    }
    fn is_default(value: &Vec<u8>) -> bool {
        value.iter().all(|b| *b == 0)
    }
    fn write_value(value: &Vec<u8>, out: &mut Vec<u8>) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        out.push(b'"');
        for byte in value {
            out.extend_from_slice(&[DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 0xf)]]);
        }
        out.push(b'"');
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes.chunks_exact(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

/// Bytes: standard base64.
pub struct Base64;

impl Codec<Vec<u8>> for Base64 {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        struct Base64Visitor;
        impl Visitor<'_> for Base64Visitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
                STANDARD.decode(v).map_err(|e| E::custom(format!("not base64: {e}")))
            }
        }
        deserializer.deserialize_str(Base64Visitor)
    }
    fn is_default(value: &Vec<u8>) -> bool {
        value.is_empty()
    }
    fn write_value(value: &Vec<u8>, out: &mut Vec<u8>) {
        out.push(b'"');
        out.extend_from_slice(STANDARD.encode(value).as_bytes());
        out.push(b'"');
    }
}

/// A repeated field of `C`: an array, left out when empty.
pub struct List<C>(PhantomData<C>);

impl<T, C: Codec<T>> Codec<Vec<T>> for List<C> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        struct ListVisitor<C, T>(PhantomData<(C, T)>);
        impl<'de, T, C: Codec<T>> Visitor<'de> for ListVisitor<C, T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element_seed(Read::<C, T>::new())? {
                    items.push(item);
                }
                Ok(items)
            }
        }
        deserializer.deserialize_seq(ListVisitor::<C, T>(PhantomData))
    }
    fn is_default(value: &Vec<T>) -> bool {
        value.is_empty()
    }
    fn write_value(value: &Vec<T>, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, item) in value.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            C::write_value(item, out);
        }
        out.push(b']');
    }
}
