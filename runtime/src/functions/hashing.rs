//! The hashing converters (`SHA1` … `XXH128`): each hashes the bytes of a string and returns
//! the digest as lowercase hex, except `FNV`, which returns the 64-bit hash as an int64.
//! The hex forms follow the reference's byte orders: the cryptographic digests and XXH3 in
//! their natural (big-endian) order, Murmur3 little-endian (`func_murmur3*.go`).

use std::hash::Hasher as _;

use sha1::Digest as _;

use super::Args;
use super::shorthand::*;
use crate::coerce::hex_lower;
use crate::error::Result;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- Converters: hashing and ids ----
    Function::converter(
        "SHA1",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| sha1::Sha1::digest(s).to_vec()),
        "The SHA-1 digest as lowercase hex.",
        &[Example::new(r#"SHA1(attributes["email"])"#, "")],
    ),
    Function::converter(
        "SHA256",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| sha2::Sha256::digest(s).to_vec()),
        "The SHA-256 digest as lowercase hex.",
        &[Example::new(r#"SHA256(attributes["email"])"#, "")],
    ),
    Function::converter(
        "SHA512",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| sha2::Sha512::digest(s).to_vec()),
        "The SHA-512 digest as lowercase hex.",
        &[Example::new(r#"SHA512(attributes["email"])"#, "")],
    ),
    Function::converter(
        "MD5",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| md5::Md5::digest(s).to_vec()),
        "The MD5 digest as lowercase hex.",
        &[Example::new(r#"MD5(attributes["email"])"#, "")],
    ),
    Function::converter(
        "FNV",
        TARGET_STR,
        T::Int,
        |args, _| fnv(args),
        "The FNV-1a hash as an int64.",
        &[Example::new(r#"FNV(attributes["user.id"])"#, "")],
    ),
    Function::converter(
        "Murmur3Hash",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| murmur3_32(s).to_le_bytes().to_vec()),
        "The 32-bit Murmur3 hash as little-endian hex.",
        &[Example::new(r#"Murmur3Hash(attributes["user.id"])"#, "")],
    ),
    Function::converter(
        "Murmur3Hash128",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| murmur3_128(s).to_le_bytes().to_vec()),
        "The 128-bit Murmur3 hash as little-endian hex.",
        &[Example::new(r#"Murmur3Hash128(attributes["user.id"])"#, "")],
    ),
    Function::converter(
        "XXH3",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| xxhash_rust::xxh3::xxh3_64(s).to_be_bytes().to_vec()),
        "The XXH3 64-bit hash as hex.",
        &[Example::new(r#"XXH3(attributes["user.id"])"#, "")],
    ),
    Function::converter(
        "XXH128",
        TARGET_STR,
        T::String,
        |args, _| hex_digest(args, |s| xxhash_rust::xxh3::xxh3_128(s).to_be_bytes().to_vec()),
        "The XXH3 128-bit hash as hex.",
        &[Example::new(r#"XXH128(attributes["user.id"])"#, "")],
    ),
];

/// Hashes the string argument with `digest` and returns the bytes as lowercase hex.
fn hex_digest(args: &mut Args<'_>, digest: fn(&[u8]) -> Vec<u8>) -> Result<Value> {
    Ok(Value::String(hex_lower(&digest(args.string(0)?.as_bytes()))))
}

/// `FNV(s)`: FNV-1a 64 of the string, reinterpreted as an int64 as Go's `int64(h.Sum64())`.
fn fnv(args: &mut Args<'_>) -> Result<Value> {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(args.string(0)?.as_bytes());
    Ok(Value::Int(hasher.finish() as i64))
}

/// MurmurHash3 x86 32-bit with seed 0 (`murmur3.Sum32`). Reading a byte slice cannot fail.
fn murmur3_32(bytes: &[u8]) -> u32 {
    murmur3::murmur3_32(&mut &bytes[..], 0).unwrap_or_default()
}

/// MurmurHash3 x64 128-bit with seed 0: `h1` in the low half, `h2` in the high half, so that
/// its little-endian bytes are `h1` then `h2`, each little-endian, as the reference writes them.
fn murmur3_128(bytes: &[u8]) -> u128 {
    murmur3::murmur3_x64_128(&mut &bytes[..], 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::testing::convert;
    use super::*;

    fn hash(name: &str, input: &str) -> Value {
        convert(name, vec![Value::string(input)]).unwrap()
    }

    fn hex(name: &str, input: &str) -> String {
        match hash(name, input) {
            Value::String(s) => s,
            other => panic!("{name} gave {other:?}"),
        }
    }

    #[test]
    fn digests_match_the_corpus() {
        assert_eq!(hex("MD5", "pass"), "1a1dc91c907325c69271ddf0c944bc72");
        assert_eq!(hex("SHA256", "pass"), "d74ff0ee8da3b9806b18c877dbf29bbde50b5bd8e4dad7a3a725000feb82e8f1");
        assert_eq!(hex("Murmur3Hash", "Hello World"), "ce837619");
        assert_eq!(hex("Murmur3Hash128", "Hello World"), "dbc2a0c1ab26631a27b4c09fcf1fe683");
        assert_eq!(hex("XXH128", "hello world"), "df8d09e93f874900a99b8775cc15b6c7");
        assert!(matches!(hash("FNV", "pass"), Value::Int(266877920130663416)));
    }

    #[test]
    fn known_vectors() {
        assert_eq!(hex("SHA1", "hello world"), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        assert_eq!(
            hex("SHA512", "abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        // xxh3_64("") is 0x2d06800538d394c2; the hex keeps the leading zeros.
        assert_eq!(hex("XXH3", ""), "2d06800538d394c2");
        assert_eq!(hex("XXH3", "hello world"), "d447b1ea40e6988b");
        // h1 = 0xf14b7935f63800a5, h2 = 0x57d98c62725b8ebd, each written little-endian.
        assert_eq!(hex("Murmur3Hash128", "foo.bar.baz"), "a50038f635794bf1bd8e5b72628cd957");
    }

    #[test]
    fn empty_strings_are_hashed() {
        assert_eq!(hex("Murmur3Hash128", ""), "00000000000000000000000000000000");
        assert_eq!(hex("Murmur3Hash", ""), "00000000");
        assert_eq!(hex("MD5", ""), "d41d8cd98f00b204e9800998ecf8427e");
        assert!(matches!(hash("FNV", ""), Value::Int(v) if v == 0xcbf29ce484222325_u64 as i64));
    }

    #[test]
    fn non_strings_are_errors() {
        for name in ["SHA1", "SHA256", "SHA512", "MD5", "FNV", "Murmur3Hash", "Murmur3Hash128", "XXH3", "XXH128"] {
            assert_eq!(convert(name, vec![Value::Int(1)]).unwrap_err().message(), "expected string but got int64");
            assert_eq!(convert(name, vec![Value::Nil]).unwrap_err().message(), "expected string but got nil");
        }
    }
}
