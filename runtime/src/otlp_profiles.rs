//! OTLP/JSON for profiles. The `opentelemetry-proto` crate's serde support for the
//! development profiles messages does not follow the OTLP JSON mapping: every field is
//! required, 64-bit integers are numbers and bytes are arrays. This module translates a
//! profiles document between the two forms, message by message, from a table of the
//! fields that need it; everything else passes through.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value as Json;

/// How one field is written, and what it holds when the OTLP form leaves it out.
#[derive(Clone, Copy)]
enum Kind {
    /// A 64-bit integer: a string in OTLP, a number for the crate.
    Int64,
    /// A 32-bit integer.
    Int32,
    Str,
    /// Bytes: base64 in OTLP, an array of numbers for the crate.
    Bytes,
    /// Bytes both forms write as hex.
    Hex,
    /// A repeated field of one of the other kinds.
    List(&'static Kind),
    /// An optional message.
    Message(&'static [(&'static str, Kind)]),
    /// A repeated message.
    Messages(&'static [(&'static str, Kind)]),
}

type Fields = &'static [(&'static str, Kind)];

const VALUE_TYPE: Fields = &[("typeStrindex", Kind::Int32), ("unitStrindex", Kind::Int32)];
const SAMPLE: Fields = &[
    ("stackIndex", Kind::Int32),
    ("attributeIndices", Kind::List(&Kind::Int32)),
    ("linkIndex", Kind::Int32),
    ("values", Kind::List(&Kind::Int64)),
    // The crate already reads and writes these as strings.
    ("timestampsUnixNano", Kind::List(&Kind::Str)),
];
const PROFILE: Fields = &[
    ("sampleType", Kind::Message(VALUE_TYPE)),
    ("samples", Kind::Messages(SAMPLE)),
    ("timeUnixNano", Kind::Int64),
    ("durationNano", Kind::Int64),
    ("periodType", Kind::Message(VALUE_TYPE)),
    ("period", Kind::Int64),
    ("profileId", Kind::Hex),
    ("droppedAttributesCount", Kind::Int32),
    ("originalPayloadFormat", Kind::Str),
    ("originalPayload", Kind::Bytes),
    ("attributeIndices", Kind::List(&Kind::Int32)),
];
const SCOPE_PROFILES: Fields = &[("profiles", Kind::Messages(PROFILE)), ("schemaUrl", Kind::Str)];
/// An entity reference, whose lists the OTLP form leaves out when empty (found by fuzzing).
const ENTITY_REF: Fields = &[
    ("schemaUrl", Kind::Str),
    ("type", Kind::Str),
    ("idKeys", Kind::List(&Kind::Str)),
    ("descriptionKeys", Kind::List(&Kind::Str)),
];
const RESOURCE: Fields = &[("entityRefs", Kind::Messages(ENTITY_REF))];
const RESOURCE_PROFILES: Fields =
    &[("resource", Kind::Message(RESOURCE)), ("scopeProfiles", Kind::Messages(SCOPE_PROFILES)), ("schemaUrl", Kind::Str)];
const MAPPING: Fields = &[
    ("memoryStart", Kind::Int64),
    ("memoryLimit", Kind::Int64),
    ("fileOffset", Kind::Int64),
    ("filenameStrindex", Kind::Int32),
    ("attributeIndices", Kind::List(&Kind::Int32)),
];
const LINE: Fields = &[("functionIndex", Kind::Int32), ("line", Kind::Int64), ("column", Kind::Int64)];
const LOCATION: Fields = &[
    ("mappingIndex", Kind::Int32),
    ("address", Kind::Int64),
    ("lines", Kind::Messages(LINE)),
    ("attributeIndices", Kind::List(&Kind::Int32)),
];
const FUNCTION: Fields = &[
    ("nameStrindex", Kind::Int32),
    ("systemNameStrindex", Kind::Int32),
    ("filenameStrindex", Kind::Int32),
    ("startLine", Kind::Int64),
];
const LINK: Fields = &[("traceId", Kind::Bytes), ("spanId", Kind::Bytes)];
const KEY_VALUE_AND_UNIT: Fields = &[("keyStrindex", Kind::Int32), ("unitStrindex", Kind::Int32)];
const STACK: Fields = &[("locationIndices", Kind::List(&Kind::Int32))];
const DICTIONARY: Fields = &[
    ("mappingTable", Kind::Messages(MAPPING)),
    ("locationTable", Kind::Messages(LOCATION)),
    ("functionTable", Kind::Messages(FUNCTION)),
    ("linkTable", Kind::Messages(LINK)),
    ("stringTable", Kind::List(&Kind::Str)),
    ("attributeTable", Kind::Messages(KEY_VALUE_AND_UNIT)),
    ("stackTable", Kind::Messages(STACK)),
];
const PROFILES_DATA: Fields =
    &[("resourceProfiles", Kind::Messages(RESOURCE_PROFILES)), ("dictionary", Kind::Message(DICTIONARY))];

/// An OTLP/JSON profiles document in the form the crate reads.
pub fn to_crate_form(json: &mut Json) -> Result<(), String> {
    message_to_crate(json, PROFILES_DATA)
}

/// The crate's form of a profiles document in OTLP/JSON.
pub fn to_otlp_form(json: &mut Json) {
    message_to_otlp(json, PROFILES_DATA);
}

fn message_to_crate(json: &mut Json, fields: Fields) -> Result<(), String> {
    let Json::Object(object) = json else { return Err("a profiles message must be an object".to_string()) };
    for &(name, kind) in fields {
        match object.get_mut(name) {
            Some(value) => value_to_crate(value, kind).map_err(|e| format!("{name}: {e}"))?,
            None => {
                if let Some(default) = default(kind) {
                    object.insert(name.to_string(), default);
                }
            }
        }
    }
    Ok(())
}

fn value_to_crate(value: &mut Json, kind: Kind) -> Result<(), String> {
    match kind {
        Kind::Int64 => {
            if let Json::String(text) = value {
                let number: serde_json::Number = text.parse().map_err(|_| format!("not an integer: {text:?}"))?;
                *value = Json::Number(number);
            }
        }
        Kind::Bytes => {
            if let Json::String(text) = value {
                let bytes = STANDARD.decode(text.as_bytes()).map_err(|e| format!("not base64: {e}"))?;
                *value = Json::Array(bytes.into_iter().map(Json::from).collect());
            }
        }
        Kind::List(item) => {
            if let Json::Array(items) = value {
                items.iter_mut().try_for_each(|v| value_to_crate(v, *item))?;
            }
        }
        Kind::Message(fields) => {
            if !value.is_null() {
                message_to_crate(value, fields)?;
            }
        }
        Kind::Messages(fields) => {
            if let Json::Array(items) = value {
                items.iter_mut().try_for_each(|v| message_to_crate(v, fields))?;
            }
        }
        Kind::Int32 | Kind::Str | Kind::Hex => {}
    }
    Ok(())
}

/// What a field the OTLP form left out holds (optional messages stay absent).
fn default(kind: Kind) -> Option<Json> {
    Some(match kind {
        Kind::Int64 | Kind::Int32 => Json::from(0),
        Kind::Str | Kind::Hex => Json::String(String::new()),
        Kind::Bytes | Kind::List(_) | Kind::Messages(_) => Json::Array(Vec::new()),
        Kind::Message(_) => return None,
    })
}

fn message_to_otlp(json: &mut Json, fields: Fields) {
    let Json::Object(object) = json else { return };
    for &(name, kind) in fields {
        if let Some(value) = object.get_mut(name) {
            value_to_otlp(value, kind);
        }
    }
}

fn value_to_otlp(value: &mut Json, kind: Kind) {
    match kind {
        Kind::Int64 => {
            if let Json::Number(n) = value {
                *value = Json::String(n.to_string());
            }
        }
        Kind::Bytes => {
            if let Json::Array(items) = value {
                let bytes: Vec<u8> = items.iter().filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok())).collect();
                *value = Json::String(STANDARD.encode(bytes));
            }
        }
        Kind::List(item) => {
            if let Json::Array(items) = value {
                items.iter_mut().for_each(|v| value_to_otlp(v, *item));
            }
        }
        Kind::Message(fields) => message_to_otlp(value, fields),
        Kind::Messages(fields) => {
            if let Json::Array(items) = value {
                items.iter_mut().for_each(|v| message_to_otlp(v, fields));
            }
        }
        Kind::Int32 | Kind::Str | Kind::Hex => {}
    }
}
