//! Request bodies decompressed with a bound on the output, so that a small compressed body
//! cannot expand past the receiver's size limit (a compression bomb stops at the limit).

use std::io::Read;

pub enum Decompressed {
    Body(Vec<u8>),
    /// More than the limit once decompressed.
    TooLarge,
    /// An unknown `Content-Encoding`, or a body that does not decompress.
    Invalid(String),
}

/// The body of a request with `Content-Encoding: encoding` (empty or `identity`: as is),
/// at most `limit` bytes.
pub fn body(encoding: &str, body: &[u8], limit: usize) -> Decompressed {
    let encoding = encoding.trim().to_ascii_lowercase();
    let reader: Box<dyn Read + '_> = match encoding.as_str() {
        "" | "identity" => {
            return if body.len() > limit { Decompressed::TooLarge } else { Decompressed::Body(body.to_vec()) };
        }
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(body)),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(body)),
        "zstd" => match zstd::stream::read::Decoder::new(body) {
            Ok(decoder) => Box::new(decoder),
            Err(error) => return Decompressed::Invalid(format!("cannot read the zstd body: {error}")),
        },
        other => return Decompressed::Invalid(format!("unsupported Content-Encoding `{other}`: use gzip, zstd or deflate")),
    };
    let mut out = Vec::new();
    // One byte past the limit tells "exactly the limit" from "more".
    match reader.take(limit as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > limit => Decompressed::TooLarge,
        Ok(_) => Decompressed::Body(out),
        Err(error) => Decompressed::Invalid(format!("cannot decompress the {encoding} body: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn bodies_decompress_within_the_limit() {
        let Decompressed::Body(out) = body("gzip", &gzip(b"hello"), 100) else { panic!() };
        assert_eq!(out, b"hello");
        let Decompressed::Body(out) = body("zstd", &zstd::encode_all(&b"hi"[..], 3).unwrap(), 100) else { panic!() };
        assert_eq!(out, b"hi");
        assert!(matches!(body("br", b"x", 100), Decompressed::Invalid(m) if m.contains("unsupported")));
        assert!(matches!(body("gzip", b"not gzip", 100), Decompressed::Invalid(_)));
    }

    #[test]
    fn a_compression_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; 50 << 20]);
        assert!(bomb.len() < 100 << 10, "{} bytes compressed", bomb.len());
        assert!(matches!(body("gzip", &bomb, 1 << 20), Decompressed::TooLarge));
        assert!(matches!(body("", &[0; 11], 10), Decompressed::TooLarge));
    }
}
