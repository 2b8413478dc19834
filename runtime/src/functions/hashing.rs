//! The hashing converters (`SHA1` … `XXH128`): each hashes the bytes of a string and returns
//! the digest as lowercase hex, except `FNV`, which returns the 64-bit hash as an int64.
//! The hex forms follow the reference's byte orders: the cryptographic digests and XXH3 in
//! their natural (big-endian) order, Murmur3 little-endian (`func_murmur3*.go`).

use std::hash::Hasher as _;

use sha1::Digest as _;

use super::shorthand::*;
use crate::coerce::hex_lower;
use crate::converter;
use crate::error::Result;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- Converters: hashing and ids ----
    Function::converter(
        "SHA1",
        TARGET_STR,
        T::String,
        converter!(sha1_hex(target)),
        "The SHA-1 digest as lowercase hex.",
        &[Example::new(r#"SHA1(attributes["password"])"#, r#""f3bbbd66a63d4bf1747940578ec3d0103530e21d""#)],
    ).pure(),
    Function::converter(
        "SHA256",
        TARGET_STR,
        T::String,
        converter!(sha256_hex(target)),
        "The SHA-256 digest as lowercase hex.",
        &[
            Example::new(
                r#"SHA256(attributes["password"])"#,
                r#""f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7""#,
            ),
            Example::new(r#"SHA256("")"#, r#""e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""#),
        ],
    ).pure(),
    Function::converter(
        "SHA512",
        TARGET_STR,
        T::String,
        converter!(sha512_hex(target)),
        "The SHA-512 digest as lowercase hex.",
        &[Example::new(
            r#"SHA512(attributes["password"])"#,
            r#""6b97ed68d14eb3f1aa959ce5d49c7dc612e1eb1dafd73b1e705847483fd6a6c809f2ceb4e8df6ff9984c6298ff0285cace6614bf8daa9f0070101b6c89899e22""#,
        )],
    ).pure(),
    Function::converter(
        "MD5",
        TARGET_STR,
        T::String,
        converter!(md5_hex(target)),
        "The MD5 digest as lowercase hex.",
        &[Example::new(r#"MD5(attributes["password"])"#, r#""2ab96390c7dbe3439de74d0c9b0b1767""#)],
    ).pure(),
    Function::converter(
        "FNV",
        TARGET_STR,
        T::Int,
        converter!(fnv(target)),
        "The FNV-1a hash as an int64.",
        &[
            Example::new(r#"FNV(attributes["http.route"])"#, "-6000331722679015611"),
            // The empty string hashes to FNV-1a's offset basis, 0xcbf29ce484222325 as an int64.
            Example::new(r#"FNV("")"#, "-3750763034362895579"),
        ],
    ).pure(),
    Function::converter(
        "Murmur3Hash",
        TARGET_STR,
        T::String,
        converter!(murmur3_hex(target)),
        "The 32-bit Murmur3 hash as little-endian hex.",
        &[
            Example::new(r#"Murmur3Hash(attributes["http.route"])"#, r#""4118bfb9""#),
            // The hex keeps its leading zeros: always 8 digits.
            Example::new(r#"Murmur3Hash("")"#, r#""00000000""#),
        ],
    ).pure(),
    Function::converter(
        "Murmur3Hash128",
        TARGET_STR,
        T::String,
        converter!(murmur3_128_hex(target)),
        "The 128-bit Murmur3 hash as little-endian hex.",
        &[Example::new(r#"Murmur3Hash128(attributes["http.route"])"#, r#""bf501a5d79d2aece639d85600a29dbf2""#)],
    ).pure(),
    Function::converter(
        "XXH3",
        TARGET_STR,
        T::String,
        converter!(xxh3_hex(target)),
        "The XXH3 64-bit hash as hex.",
        &[Example::new(r#"XXH3(attributes["http.route"])"#, r#""cf1b296c42cd55a1""#)],
    ).pure(),
    Function::converter(
        "XXH128",
        TARGET_STR,
        T::String,
        converter!(xxh128_hex(target)),
        "The XXH3 128-bit hash as hex.",
        &[Example::new(r#"XXH128(attributes["http.route"])"#, r#""db7a8692844de134839aa70c858500c2""#)],
    ).pure(),
];

/// The digest's bytes as lowercase hex.
fn hex(digest: impl AsRef<[u8]>) -> Result<Value> {
    Ok(Value::String(hex_lower(digest.as_ref())))
}

/// Declares the bodies of the hex converters, each `hex` of one hash of the string's bytes.
macro_rules! hex_bodies {
    ($($body:ident: $hash:expr;)*) => {
        $(
            fn $body(target: &str) -> Result<Value> {
                hex($hash(target.as_bytes()))
            }
        )*
    };
}

hex_bodies! {
    sha1_hex: sha1::Sha1::digest;
    sha256_hex: sha2::Sha256::digest;
    sha512_hex: sha2::Sha512::digest;
    md5_hex: md5::Md5::digest;
    murmur3_hex: |bytes| murmur3_32(bytes).to_le_bytes();
    murmur3_128_hex: |bytes| murmur3_128(bytes).to_le_bytes();
    xxh3_hex: |bytes| xxhash_rust::xxh3::xxh3_64(bytes).to_be_bytes();
    xxh128_hex: |bytes| xxhash_rust::xxh3::xxh3_128(bytes).to_be_bytes();
}

/// `FNV(s)`: FNV-1a 64 of the string, reinterpreted as an int64 as Go's `int64(h.Sum64())`.
fn fnv(target: &str) -> Result<Value> {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(target.as_bytes());
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
