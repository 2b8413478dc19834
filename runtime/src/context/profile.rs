//! The profile context's fields (development in the reference, tracking the fast-moving
//! pprofile model). Profiles keep their strings and attributes in the payload's shared
//! dictionary: `profile.attributes` is the map its `attribute_indices` point to, with
//! keys from the string table; writing it adds what is missing to the dictionary.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::profiles::v1development::{KeyValueAndUnit, Profile, ProfilesDictionary};

use super::keys::{self, PathKey};
use super::{time_value, unix_nanos};
use crate::coerce::hex_lower;
use crate::error::{Error, Result};
use crate::fields::Field::{self, *};
use crate::value::{Pdata, Value};

/// The attributes of `profile` as an attribute list.
fn attributes(profile: &Profile, dictionary: &ProfilesDictionary) -> Vec<KeyValue> {
    profile
        .attribute_indices
        .iter()
        .filter_map(|&i| dictionary.attribute_table.get(usize::try_from(i).ok()?))
        .map(|entry| KeyValue {
            key: string_at(dictionary, entry.key_strindex).to_string(),
            value: entry.value.clone(),
            ..Default::default()
        })
        .collect()
}

fn string_at(dictionary: &ProfilesDictionary, index: i32) -> &str {
    usize::try_from(index).ok().and_then(|i| dictionary.string_table.get(i)).map_or("", String::as_str)
}

/// Points `profile` at `list`, adding the strings and attribute entries the dictionary
/// lacks (existing identical entries are reused).
fn store_attributes(profile: &mut Profile, dictionary: &mut ProfilesDictionary, list: &[KeyValue]) -> Result<()> {
    let mut indices = Vec::with_capacity(list.len());
    for kv in list {
        let key_strindex = intern(dictionary, &kv.key)?;
        let entry = KeyValueAndUnit { key_strindex, value: kv.value.clone(), unit_strindex: 0 };
        let index = match dictionary.attribute_table.iter().position(|e| *e == entry) {
            Some(i) => i,
            None => {
                dictionary.attribute_table.push(entry);
                dictionary.attribute_table.len() - 1
            }
        };
        indices.push(i32::try_from(index).map_err(|_| Error::new("the profile attribute table is full"))?);
    }
    profile.attribute_indices = indices;
    Ok(())
}

/// The index of `text` in the string table, appended when missing. Index 0 is the
/// empty string by the format's rule.
fn intern(dictionary: &mut ProfilesDictionary, text: &str) -> Result<i32> {
    if dictionary.string_table.is_empty() {
        dictionary.string_table.push(String::new());
    }
    let index = match dictionary.string_table.iter().position(|s| s == text) {
        Some(i) => i,
        None => {
            dictionary.string_table.push(text.to_string());
            dictionary.string_table.len() - 1
        }
    };
    i32::try_from(index).map_err(|_| Error::new("the profile string table is full"))
}

fn opaque(go_type: &'static str, value: impl serde::Serialize) -> Value {
    Value::Pdata(Box::new(Pdata::Other { go_type, json: serde_json::to_value(value).unwrap_or_default() }))
}

pub(super) fn get(profile: &Profile, dictionary: &ProfilesDictionary, field: Field, keys: &[PathKey]) -> Result<Value> {
    if field == ProfileAttributes {
        let list = attributes(profile, dictionary);
        return Ok(if keys.is_empty() {
            Value::Map(crate::value::map_from_key_values(&list))
        } else {
            keys::get_in_attributes(&list, keys)?
        });
    }
    Ok(match field {
        ProfileSampleType => opaque("pprofile.ValueType", profile.sample_type),
        ProfileSample => opaque("pprofile.SampleSlice", &profile.samples),
        ProfileMappingTable => opaque("pprofile.MappingSlice", &dictionary.mapping_table),
        ProfileLocationTable => opaque("pprofile.LocationSlice", &dictionary.location_table),
        ProfileFunctionTable => opaque("pprofile.FunctionSlice", &dictionary.function_table),
        ProfileAttributeTable => opaque("pprofile.KeyValueAndUnitSlice", &dictionary.attribute_table),
        ProfileLinkTable => opaque("pprofile.LinkSlice", &dictionary.link_table),
        ProfileStringTable => Value::Slice(dictionary.string_table.iter().map(|s| Value::String(s.clone())).collect()),
        ProfileTimeUnixNano => Value::Int(profile.time_unix_nano as i64),
        ProfileTime => time_value(profile.time_unix_nano),
        ProfileDurationUnixNano => Value::Int(profile.duration_nano as i64),
        ProfileDuration => time_value(profile.duration_nano),
        ProfilePeriodType => opaque("pprofile.ValueType", profile.period_type),
        ProfilePeriod => Value::Int(profile.period),
        ProfileProfileId => Value::ProfileId(profile.profile_id.as_slice().try_into().unwrap_or_default()),
        ProfileProfileIdString => Value::String(hex_lower(&profile.profile_id)),
        ProfileAttributeIndices => Value::Slice(profile.attribute_indices.iter().map(|&i| Value::Int(i.into())).collect()),
        ProfileDroppedAttributesCount => Value::Int(profile.dropped_attributes_count.into()),
        ProfileOriginalPayloadFormat => Value::String(profile.original_payload_format.clone()),
        ProfileOriginalPayload => Value::Bytes(profile.original_payload.clone()),
        // Parts of earlier pprofile models that the current one no longer has.
        ProfileLocationIndices | ProfileAttributeUnits | ProfileCommentStringIndices | ProfileDefaultSampleTypeStringIndex => {
            Value::Nil
        }
        other => return Err(Error::new(format!("the path {other:?} is not a profile field"))),
    })
}

pub(super) fn set(
    profile: &mut Profile,
    dictionary: &mut ProfilesDictionary,
    field: Field,
    keys: &[PathKey],
    value: Value,
) -> Result<()> {
    let mismatch = |expected: &str, value: &Value| Err(Error::new(format!("expects {expected} but got {}", value.go_type())));
    match (field, value) {
        (ProfileAttributes, value) => {
            let mut list = attributes(profile, dictionary);
            if keys.is_empty() {
                let Value::Map(map) = value else { return Ok(()) };
                list = crate::value::map_to_key_values(&map);
            } else {
                keys::set_in_attributes(&mut list, keys, &value)?;
            }
            store_attributes(profile, dictionary, &list)
        }
        (ProfileTimeUnixNano, Value::Int(i)) => {
            profile.time_unix_nano = i as u64;
            Ok(())
        }
        (ProfileTime, Value::Time(t)) => {
            profile.time_unix_nano = unix_nanos(&t);
            Ok(())
        }
        (ProfileDurationUnixNano, Value::Int(i)) => {
            profile.duration_nano = i as u64;
            Ok(())
        }
        (ProfileDuration, Value::Time(t)) => {
            profile.duration_nano = unix_nanos(&t);
            Ok(())
        }
        (ProfilePeriod, Value::Int(i)) => {
            profile.period = i;
            Ok(())
        }
        (ProfileProfileId, Value::ProfileId(id)) => set_profile_id(profile, id.to_vec()),
        (ProfileProfileIdString, Value::String(s)) => {
            let id = crate::coerce::parse_hex(&s, 16)
                .ok_or_else(|| Error::new(format!("invalid profile id: {}", crate::coerce::go_quote(&s))))?;
            set_profile_id(profile, id)
        }
        (ProfileAttributeIndices, Value::Slice(items)) => {
            let indices: Option<Vec<i32>> =
                items.iter().map(|v| if let Value::Int(i) = v { i32::try_from(*i).ok() } else { None }).collect();
            profile.attribute_indices = indices.ok_or_else(|| Error::new("attribute_indices takes a list of ints"))?;
            Ok(())
        }
        (ProfileDroppedAttributesCount, Value::Int(i)) => {
            profile.dropped_attributes_count = i as u32;
            Ok(())
        }
        (ProfileOriginalPayloadFormat, Value::String(s)) => {
            profile.original_payload_format = s;
            Ok(())
        }
        (ProfileOriginalPayload, Value::Bytes(b)) => {
            profile.original_payload = b;
            Ok(())
        }
        (ProfileTimeUnixNano | ProfileDurationUnixNano | ProfilePeriod | ProfileDroppedAttributesCount, v) => {
            mismatch("int64", &v)
        }
        (ProfileTime | ProfileDuration, v) => mismatch("time.Time", &v),
        (ProfileOriginalPayloadFormat | ProfileProfileIdString, v) => mismatch("string", &v),
        (ProfileOriginalPayload, v) => mismatch("[]byte", &v),
        (ProfileProfileId, v) => mismatch("pprofile.ProfileID", &v),
        (field, _) => Err(Error::new(format!("the path {field:?} cannot be set in this version"))),
    }
}

/// The reference refuses an empty (all-zero) profile id.
fn set_profile_id(profile: &mut Profile, id: Vec<u8>) -> Result<()> {
    if id.iter().all(|&b| b == 0) {
        return Err(Error::new("profile ids must not be empty"));
    }
    profile.profile_id = id;
    Ok(())
}
