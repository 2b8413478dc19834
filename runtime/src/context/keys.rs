//! Indexing into attribute maps and values with `[key]`s (`ctxutil.GetMapValue`,
//! `SetMapValue`, `SetIndexableValue`): reading a missing key gives nil; writing creates
//! the key, intermediate maps, and slices padded with Empty values for an int key on an
//! Empty value; an existing slice is never grown.

use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};

use crate::error::{Error, Result};
use crate::value::Value;

/// One `[key]` of a path, evaluated.
#[derive(Clone, Debug, PartialEq)]
pub enum PathKey {
    String(String),
    Int(i64),
}

impl PathKey {
    /// A key computed at run time (a path, a converter, arithmetic): a string or an int.
    pub fn from_value(value: Value) -> Result<PathKey> {
        match value {
            Value::String(s) => Ok(PathKey::String(s)),
            Value::Int(i) => Ok(PathKey::Int(i)),
            other => Err(Error::new(format!(
                "unable to resolve a string index in map: could not resolve key for map/slice, expecting 'string' or 'int64' but got '{}'",
                other.go_type()
            ))),
        }
    }
}

/// `Split(x, ",")[1]`, `ParseJSON(b)["a"]`: unlike a path, a missing key is an error.
pub fn index_result(mut value: Value, keys: &[PathKey]) -> Result<Value> {
    for key in keys {
        value = match (value, key) {
            (Value::Map(mut map), PathKey::String(k)) => map.swap_remove(k).ok_or_else(|| Error::new("key not found in map"))?,
            (Value::Slice(mut items), PathKey::Int(i)) => {
                let len = items.len();
                match usize::try_from(*i).ok().filter(|&i| i < len) {
                    Some(i) => items.swap_remove(i),
                    None => return Err(Error::new(format!("index {i} out of bounds"))),
                }
            }
            (other, PathKey::String(_)) => {
                return Err(Error::new(format!("type, {}, does not support string indexing", other.go_type())));
            }
            (other, PathKey::Int(_)) => {
                return Err(Error::new(format!("type, {}, does not support int indexing", other.go_type())));
            }
        };
    }
    Ok(value)
}

const MAP_KEY_ERROR: &str = "unable to resolve a string index in map: invalid key type";

/// The value at `keys` in an attribute list; `keys` is not empty.
pub fn get_in_attributes(attributes: &[KeyValue], keys: &[PathKey]) -> Result<Value> {
    let PathKey::String(first) = &keys[0] else { return Err(Error::new(MAP_KEY_ERROR)) };
    match attributes.iter().find(|kv| kv.key == *first) {
        None => Ok(Value::Nil),
        Some(kv) => match &kv.value {
            None => get_in_value(&AnyValue::default(), &keys[1..]),
            Some(value) => get_in_value(value, &keys[1..]),
        },
    }
}

/// The value at `keys` below `value` (nil where a map key is missing).
pub fn get_in_value(value: &AnyValue, keys: &[PathKey]) -> Result<Value> {
    let mut current = value;
    for key in keys {
        match (&current.value, key) {
            (Some(any_value::Value::KvlistValue(list)), PathKey::String(k)) => match list.values.iter().find(|kv| kv.key == *k) {
                None => return Ok(Value::Nil),
                Some(kv) => match &kv.value {
                    Some(v) => current = v,
                    None => return Ok(Value::Nil),
                },
            },
            (Some(any_value::Value::KvlistValue(_)), PathKey::Int(_)) => {
                return Err(Error::new("unable to resolve a string index in map: invalid key type"));
            }
            (Some(any_value::Value::ArrayValue(array)), PathKey::Int(i)) => {
                current = slice_element(&array.values, *i)?;
            }
            (Some(any_value::Value::ArrayValue(_)), PathKey::String(_)) => {
                return Err(Error::new("unable to resolve an integer index in slice: invalid key type"));
            }
            (other, _) => return Err(not_indexable(other)),
        }
    }
    Ok(Value::from_any_value(current))
}

fn slice_element(values: &[AnyValue], index: i64) -> Result<&AnyValue> {
    usize::try_from(index).ok().and_then(|i| values.get(i)).ok_or_else(|| Error::new(format!("index {index} out of bounds")))
}

/// `type Str does not support string indexing`.
fn not_indexable(value: &Option<any_value::Value>) -> Error {
    Error::new(format!("type {} does not support string indexing", value_type_name(value)))
}

/// The `pcommon.ValueType` name of an OTLP value.
pub fn value_type_name(value: &Option<any_value::Value>) -> &'static str {
    match value {
        None => "Empty",
        Some(any_value::Value::StringValue(_)) => "Str",
        Some(any_value::Value::BoolValue(_)) => "Bool",
        Some(any_value::Value::IntValue(_)) => "Int",
        Some(any_value::Value::DoubleValue(_)) => "Double",
        Some(any_value::Value::ArrayValue(_)) => "Slice",
        Some(any_value::Value::KvlistValue(_)) => "Map",
        Some(any_value::Value::BytesValue(_)) => "Bytes",
        #[allow(unreachable_patterns)]
        Some(_) => "Empty",
    }
}

/// Writes `value` at `keys` in an attribute list; `keys` is not empty.
pub fn set_in_attributes(attributes: &mut Vec<KeyValue>, keys: &[PathKey], value: &Value) -> Result<()> {
    let PathKey::String(first) = &keys[0] else { return Err(Error::new(MAP_KEY_ERROR)) };
    let slot = entry(attributes, first);
    set_in_value(slot, &keys[1..], value)
}

/// The value of key `key` in a list, created Empty (at the end) when missing.
fn entry<'a>(attributes: &'a mut Vec<KeyValue>, key: &str) -> &'a mut AnyValue {
    let index = match attributes.iter().position(|kv| kv.key == key) {
        Some(i) => i,
        None => {
            attributes.push(KeyValue { key: key.to_string(), value: Some(AnyValue::default()), ..Default::default() });
            attributes.len() - 1
        }
    };
    attributes[index].value.get_or_insert_with(AnyValue::default)
}

/// Writes `value` at `keys` below `target`.
pub fn set_in_value(target: &mut AnyValue, keys: &[PathKey], value: &Value) -> Result<()> {
    check_storable(value)?;
    let mut current = target;
    for key in keys {
        current = match (&mut current.value, key) {
            (Some(any_value::Value::KvlistValue(list)), PathKey::String(k)) => entry(&mut list.values, k),
            (Some(any_value::Value::KvlistValue(_)), PathKey::Int(_)) => {
                return Err(Error::new("map must be indexed by a string"));
            }
            (Some(any_value::Value::ArrayValue(array)), PathKey::Int(i)) => {
                let len = array.values.len();
                match usize::try_from(*i).ok().filter(|&i| i < len) {
                    Some(i) => &mut array.values[i],
                    None => return Err(Error::new(format!("index {i} out of bounds"))),
                }
            }
            (Some(any_value::Value::ArrayValue(_)), PathKey::String(_)) => {
                return Err(Error::new("slice must be indexed by an int"));
            }
            (slot @ None, PathKey::String(k)) => {
                *slot = Some(any_value::Value::KvlistValue(KeyValueList::default()));
                let Some(any_value::Value::KvlistValue(list)) = slot else { unreachable!("just set to a map") };
                entry(&mut list.values, k)
            }
            (slot @ None, PathKey::Int(i)) => {
                let Ok(len) = usize::try_from(*i) else { return Err(Error::new(format!("index {i} out of bounds"))) };
                if len > MAX_PADDING {
                    return Err(Error::new(format!("index {i} out of bounds")));
                }
                *slot = Some(any_value::Value::ArrayValue(ArrayValue { values: vec![AnyValue::default(); len + 1] }));
                let Some(any_value::Value::ArrayValue(array)) = slot else { unreachable!("just set to a slice") };
                &mut array.values[len]
            }
            (other, _) => return Err(not_indexable(other)),
        };
    }
    *current = value.to_any_value();
    Ok(())
}

/// An attribute value can hold what an OTLP `AnyValue` holds; times, durations, ids and
/// pdata structures cannot (`ctxutil.SetValue`).
pub fn check_storable(value: &Value) -> Result<()> {
    if value.is_attribute_value() {
        Ok(())
    } else {
        Err(Error::new(format!("unsupported type {} for set operation; current value type is Empty", value.go_type())))
    }
}

/// The largest index a write may pad an Empty value's new slice to: a typo in a rule must
/// not allocate gigabytes.
const MAX_PADDING: usize = 1 << 20;
