//! `ParseLEEF`: an IBM QRadar Log Event Extended Format event (transform processor, logs).

use super::super::shorthand::*;
use super::{from_marker, map_of};
use crate::bail;
use crate::coerce::go_quote;
use crate::converter;
use crate::error::{Error, Result};
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseLEEF",
        TARGET_STR,
        MAP,
        converter!(parse_leef(target)),
        "Parses a Log Event Extended Format line into a map.",
        &[Example::new(r#"ParseLEEF("LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5")"#, r#"{"leef.version": "2.0", "leef.vendor": "Lancope", "leef.product.name": "StealthWatch", "leef.product.version": "1.0", "leef.event.id": "41", "leef.attributes": {"src": "10.0.1.8", "dst": "10.0.0.5"}}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor).pure(),
];

/// `ParseLEEF(target)`: an IBM QRadar LEEF 1.0 or 2.0 event
/// (`LEEF:Version|Vendor|Product|Version|EventID|[Delimiter|]attributes`).
fn parse_leef(target: &str) -> Result<Value> {
    if target.is_empty() {
        bail!("cannot parse empty LEEF message");
    }
    let leef = from_marker(target, "LEEF:", "LEEF")?;
    let Some((version_field, remainder)) = leef.split_once('|') else {
        bail!("invalid LEEF message: missing pipe delimiter in header");
    };
    let version = &version_field["LEEF:".len()..];
    let (header, delimiter, attributes) = match version {
        "1.0" => {
            let parts: Vec<&str> = remainder.splitn(5, '|').collect();
            if parts.len() < 4 {
                bail!(
                    "invalid LEEF 1.0 header: expected at least 4 fields (vendor, product, version, eventID), got {}",
                    parts.len()
                );
            }
            (parts[..4].to_vec(), "\t".to_string(), parts.get(4).copied().unwrap_or(""))
        }
        "2.0" => {
            let parts: Vec<&str> = remainder.splitn(6, '|').collect();
            if parts.len() < 5 {
                bail!(
                    "invalid LEEF 2.0 header: expected at least 5 fields (vendor, product, version, eventID, delimiter), got {}",
                    parts.len()
                );
            }
            let delimiter = leef_delimiter(parts[4]).map_err(|e| e.context("invalid LEEF 2.0 delimiter"))?;
            (parts[..4].to_vec(), delimiter, parts.get(5).copied().unwrap_or(""))
        }
        other => bail!("unsupported LEEF version: {other} (supported: 1.0, 2.0)"),
    };
    let mut m = Map::new();
    m.insert("leef.version".into(), Value::string(version));
    for (key, value) in ["leef.vendor", "leef.product.name", "leef.product.version", "leef.event.id"].into_iter().zip(header) {
        m.insert(key.into(), Value::string(value));
    }
    m.insert("leef.attributes".into(), Value::Map(parse_leef_attributes(attributes, &delimiter)));
    Ok(Value::Map(m))
}

/// A LEEF 2.0 delimiter: a character, or `0x..` for one byte in hex; empty means tab.
fn leef_delimiter(spec: &str) -> Result<String> {
    let Some(hex) = spec.strip_prefix("0x").or_else(|| spec.strip_prefix("0X")) else {
        return Ok(if spec.is_empty() { "\t".into() } else { spec.into() });
    };
    if hex.is_empty() {
        bail!("empty hex value");
    }
    let invalid = || Error::new(format!("invalid hex delimiter {}: encoding/hex: invalid byte", go_quote(spec)));
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    if hex.len() != 2 {
        bail!("hex delimiter must decode to a single byte, got {} bytes", hex.len() / 2);
    }
    let byte = u8::from_str_radix(hex, 16).map_err(|_| invalid())?;
    Ok(String::from_utf8_lossy(&[byte]).into_owned())
}

/// The `key=value` attributes between delimiters; pieces without `=` or a key are skipped.
fn parse_leef_attributes(attributes: &str, delimiter: &str) -> Map {
    let pairs = attributes.split(delimiter).map(str::trim).filter_map(|pair| pair.split_once('='));
    map_of(pairs.filter(|(k, _)| !k.is_empty()).map(|(k, v)| (k.to_string(), Value::string(v))))
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn parse_leef_cases() {
        let leef = |text: &str| convert("ParseLEEF", vec![s(text)]).unwrap();
        let header = |version: &str, vendor: &str, product: &str, pv: &str, id: &str, attrs: Value| {
            map(&[
                ("leef.version", s(version)),
                ("leef.vendor", s(vendor)),
                ("leef.product.name", s(product)),
                ("leef.product.version", s(pv)),
                ("leef.event.id", s(id)),
                ("leef.attributes", attrs),
            ])
        };
        assert_eq!(
            leef("LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=10.50.1.1\tdst=2.10.20.20\tsev=5"),
            header(
                "1.0",
                "Microsoft",
                "MSExchange",
                "4.0 SP1",
                "15345",
                strings(&[("src", "10.50.1.1"), ("dst", "2.10.20.20"), ("sev", "5")])
            )
        );
        assert_eq!(leef("LEEF:1.0|Vendor|Product|1.0|EventID"), header("1.0", "Vendor", "Product", "1.0", "EventID", map(&[])));
        assert_eq!(
            leef("LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^^sev=5"),
            header(
                "2.0",
                "Lancope",
                "StealthWatch",
                "1.0",
                "41",
                strings(&[("src", "10.0.1.8"), ("dst", "10.0.0.5"), ("sev", "5")])
            )
        );
        assert_eq!(
            leef("LEEF:2.0|Vendor|Product|1.0|100|0X5E|key1=val1^key2=val2"),
            header("2.0", "Vendor", "Product", "1.0", "100", strings(&[("key1", "val1"), ("key2", "val2")]))
        );
        assert_eq!(
            leef("<30>Aug 19 12:33:31 host guard[1]: LEEF:1.0|IBM|Guardium|8.0|Login failures|url=http://x?a=b\tk=\t=v"),
            header("1.0", "IBM", "Guardium", "8.0", "Login failures", strings(&[("url", "http://x?a=b"), ("k", "")]))
        );
        assert_eq!(error("ParseLEEF", vec![s("")]), "cannot parse empty LEEF message");
        assert_eq!(error("ParseLEEF", vec![s("nope")]), "invalid LEEF message: 'LEEF:' not found");
        assert_eq!(error("ParseLEEF", vec![s("LEEF:3.0|a|b|c|d|")]), "unsupported LEEF version: 3.0 (supported: 1.0, 2.0)");
        assert_eq!(
            error("ParseLEEF", vec![s("LEEF:1.0|a|b")]),
            "invalid LEEF 1.0 header: expected at least 4 fields (vendor, product, version, eventID), got 2"
        );
        assert_eq!(
            error("ParseLEEF", vec![s("LEEF:2.0|a|b|c|d|0x5e5e|")]),
            "invalid LEEF 2.0 delimiter: hex delimiter must decode to a single byte, got 2 bytes"
        );
    }
}
