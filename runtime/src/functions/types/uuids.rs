//! `UUID` and `UUIDv7`: generated ids as strings.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "UUID",
        &[],
        T::String,
        converter!(uuid_v4()),
        "A random (v4) UUID string.",
        &[Example::new(r#"Len(UUID())"#, "36"), Example::new(r#"Substring(UUID(), 14, 1)"#, r#""4""#)],
    ),
    Function::converter(
        "UUIDv7",
        &[],
        T::String,
        converter!(uuid_v7()),
        "A time-ordered (v7) UUID string.",
        &[Example::new(r#"Len(UUIDv7())"#, "36"), Example::new(r#"Substring(UUIDv7(), 14, 1)"#, r#""7""#)],
    ),
];

fn uuid_v4() -> Result<Value> {
    Ok(Value::String(uuid::Uuid::new_v4().to_string()))
}

fn uuid_v7() -> Result<Value> {
    Ok(Value::String(uuid::Uuid::now_v7().to_string()))
}
