//! `CommunityID`: the Community ID v1 network flow hash.

use super::super::shorthand::*;
use crate::coerce;
use crate::converter;
use crate::error::{Error, Result};
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[Function::converter(
    "CommunityID",
    &[
        r("source_ip", K::StringGetter),
        r("source_port", K::IntGetter),
        r("destination_ip", K::StringGetter),
        r("destination_port", K::IntGetter),
        o("protocol", K::StringGetter),
        o("seed", K::IntGetter),
    ],
    T::String,
    converter!(community_id(source_ip, source_port, destination_ip, destination_port, protocol, seed)),
    "The Community ID network flow hash (`1:<base64>`); the protocol defaults to TCP.",
    &[Example::new(r#"CommunityID("10.0.0.1", 51000, "10.0.0.2", 443)"#, r#""1:9TD1/n8+yCqzce6RpyFms8F7kdI=""#)],
)
.pure()];

/// The protocols `CommunityID` knows, with their IANA numbers.
const COMMUNITY_ID_PROTOCOLS: &[(&str, u8)] = &[("ICMP", 1), ("TCP", 6), ("UDP", 17), ("RSVP", 46), ("ICMP6", 58), ("SCTP", 132)];

/// `CommunityID(source_ip, source_port, destination_ip, destination_port, protocol="TCP", seed=0)`:
/// the Community ID v1 flow hash, `1:` + base64(SHA-1(seed, ips, protocol, ports)) with the
/// endpoints ordered so that both directions of a flow hash alike. Each argument is read
/// with its own context for a wrong type, in this order: the addresses, the ports (each
/// range-checked as it is read), the protocol, then the addresses are parsed, then the seed.
fn community_id(
    source_ip: &Value,
    source_port: &Value,
    destination_ip: &Value,
    destination_port: &Value,
    protocol: Option<&Value>,
    seed: Option<&Value>,
) -> Result<Value> {
    let src_ip = coerce::string(source_ip).map_err(|e| e.context("failed to get source IP"))?;
    let dst_ip = coerce::string(destination_ip).map_err(|e| e.context("failed to get destination IP"))?;
    let src_port = flow_port(source_port, "source")?;
    let dst_port = flow_port(destination_port, "destination")?;
    let protocol = match protocol {
        None => 6,
        Some(v) => {
            let name = coerce::string(v).map_err(|e| e.context("failed to get protocol"))?;
            COMMUNITY_ID_PROTOCOLS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, number)| *number)
                .ok_or_else(|| Error::new(format!("unsupported protocol: {name}")))?
        }
    };
    let src = flow_ip(src_ip).ok_or_else(|| Error::new(format!("invalid source IP: {src_ip}")))?;
    let dst = flow_ip(dst_ip).ok_or_else(|| Error::new(format!("invalid destination IP: {dst_ip}")))?;
    let seed = match seed {
        None => 0,
        Some(v) => {
            let seed = coerce::int(v).map_err(|e| e.context("failed to get seed"))?;
            u16::try_from(seed).map_err(|_| Error::new(format!("seed must be between 0 and 65535, got {seed}")))?
        }
    };
    let ((a_ip, a_port), (b_ip, b_port)) = ordered_endpoints((src, src_port), (dst, dst_port));
    let mut tuple = seed.to_be_bytes().to_vec();
    tuple.extend_from_slice(&a_ip);
    tuple.extend_from_slice(&b_ip);
    tuple.extend_from_slice(&[protocol, 0]);
    tuple.extend_from_slice(&a_port.to_be_bytes());
    tuple.extend_from_slice(&b_port.to_be_bytes());
    use sha1::Digest as _;
    let digest = sha1::Sha1::digest(&tuple);
    Ok(Value::String(format!("1:{}", coerce::base64_std(&digest))))
}

/// A port parameter, checked to be 1–65535.
fn flow_port(port: &Value, which: &str) -> Result<u16> {
    let port = coerce::int(port).map_err(|e| e.context(format!("failed to get {which} port")))?;
    match u16::try_from(port) {
        Ok(p) if p >= 1 => Ok(p),
        _ => Err(Error::new(format!("{which} port must be between 1 and 65535, got {port}"))),
    }
}

/// The address bytes Go's `net.ParseIP(...).To4()` / `To16()` give: 4 bytes for IPv4
/// and IPv4-mapped IPv6, else 16.
fn flow_ip(text: &str) -> Option<Vec<u8>> {
    match text.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => Some(v4.octets().to_vec()),
        std::net::IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().map_or_else(|| v6.octets().to_vec(), |v4| v4.octets().to_vec())),
    }
}

/// Source and destination in the flow's canonical order (the smaller address first, or
/// on equal addresses the smaller port first; a shorter address counts as smaller).
fn ordered_endpoints(src: (Vec<u8>, u16), dst: (Vec<u8>, u16)) -> ((Vec<u8>, u16), (Vec<u8>, u16)) {
    let swap = if src.0.len() != dst.0.len() { src.0.len() > dst.0.len() } else { (&src.0, src.1) > (&dst.0, dst.1) };
    if swap { (dst, src) } else { (src, dst) }
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn community_id_cases() {
        let id = |proto: Option<&str>, seed: Option<i64>| {
            let mut args = vec![s("123.124.125.126"), Value::Int(12345), s("55.56.57.58"), Value::Int(80)];
            if let Some(p) = proto {
                args.push(s(p));
            }
            if let Some(seed) = seed {
                args.push(Value::Int(seed));
            }
            convert("CommunityID", args).unwrap()
        };
        assert_eq!(id(Some("TCP"), Some(0)), s("1:9qr9Z1LViXcNwtLVOHZ3CL8MlyM="));
        assert_eq!(id(None, None), s("1:9qr9Z1LViXcNwtLVOHZ3CL8MlyM="));
        assert_eq!(id(Some("ICMP"), Some(9)), s("1:7tb0A6iknoFJCZmtLXkvScm21Ss="));
        assert_eq!(id(Some("RSVP"), Some(11)), s("1:cEVbY6jymDAKgyIU4UqMu0WQHTI="));
        assert_eq!(id(Some("SCTP"), Some(12)), s("1:4KOPjy2bsV43uY/mf4HtwyZkwqM="));
        // Both directions of a flow hash alike.
        let reverse =
            convert("CommunityID", vec![s("55.56.57.58"), Value::Int(80), s("123.124.125.126"), Value::Int(12345)]).unwrap();
        assert_eq!(reverse, s("1:9qr9Z1LViXcNwtLVOHZ3CL8MlyM="));
        let bad = |args: Vec<Value>| convert("CommunityID", args).unwrap_err().message().to_string();
        assert_eq!(
            bad(vec![s("1.2.3.4"), Value::Int(0), s("1.2.3.5"), Value::Int(1)]),
            "source port must be between 1 and 65535, got 0"
        );
        assert_eq!(bad(vec![s("1.2.3.4"), Value::Int(1), s("x"), Value::Int(1)]), "invalid destination IP: x");
        assert_eq!(bad(vec![s("1.2.3.4"), Value::Int(1), s("1.2.3.5"), Value::Int(1), s("GRE")]), "unsupported protocol: GRE");
        assert_eq!(
            bad(vec![s("1.2.3.4"), Value::Int(1), s("1.2.3.5"), Value::Int(1), s("TCP"), Value::Int(70000)]),
            "seed must be between 0 and 65535, got 70000"
        );
        assert_eq!(
            bad(vec![Value::Nil, Value::Int(1), s("1.2.3.5"), Value::Int(1)]),
            "failed to get source IP: expected string but got nil"
        );
    }
}
