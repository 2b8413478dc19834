//! The character sets of `golang.org/x/text` v0.41.0 (`encoding/ianaindex.IANA`: names and
//! aliases, case-insensitive) with the overrides of the reference's `Decode` (`utf-16` is
//! little-endian; `utf-8`, `ascii`, `nop` and the empty name pass the bytes through),
//! decoded with `encoding_rs`. `encoding_rs` follows the WHATWG Encoding Standard, whose
//! labels and tables differ from Go's: WHATWG maps ISO-8859-1 to windows-1252 and treats
//! `utf-16` and byte order marks its own way, and Go's single-byte tables leave undefined
//! what WHATWG maps to C1 controls; this module corrects for each. Go's IBM code pages and
//! HZ-GB-2312 have no `encoding_rs` decoder and are reported as unsupported.

use encoding_rs::Encoding;

use crate::error::{Error, Result};

pub(crate) enum Charset {
    /// UTF-8 (invalid bytes become U+FFFD) and the pass-through overrides.
    Utf8,
    /// US-ASCII under its other IANA names: bytes above 0x7F become U+FFFD.
    Ascii,
    /// An `encoding_rs` decoder, byte order marks kept as characters.
    Table(&'static Encoding),
    /// IANA `UTF-16` (`csUTF16`): a byte order mark picks the order, big-endian without.
    Utf16Marked,
    /// ISO-8859-1 and -9, which the WHATWG tables replace with windows-1252 and -1254:
    /// those tables, except that 0x80–0x9F are the C1 control characters.
    Latin(&'static Encoding),
}

impl Charset {
    pub(crate) fn named(name: &str) -> Result<Charset> {
        let label = name.trim().to_lowercase();
        lookup(&label).ok_or_else(|| {
            // A name the WHATWG list knows is a real character set Go's index has no
            // decoder for (`GB2312`); anything else is an unknown name.
            if Encoding::for_label(label.as_bytes()).is_some() {
                Error::new(format!("no charmap defined for encoding '{name}'"))
            } else {
                Error::new(format!("unsupported encoding '{name}'"))
            }
        })
    }

    pub(crate) fn decode(&self, bytes: &[u8]) -> String {
        match self {
            Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Charset::Ascii => bytes.iter().map(|&b| if b.is_ascii() { char::from(b) } else { '\u{FFFD}' }).collect(),
            Charset::Table(encoding) => decode_table(encoding, bytes),
            Charset::Utf16Marked => match bytes {
                [0xFF, 0xFE, rest @ ..] => decode_table(encoding_rs::UTF_16LE, rest),
                [0xFE, 0xFF, rest @ ..] => decode_table(encoding_rs::UTF_16BE, rest),
                _ => decode_table(encoding_rs::UTF_16BE, bytes),
            },
            Charset::Latin(encoding) => {
                let text = encoding.decode_without_bom_handling(bytes).0;
                // One character per byte in a single-byte encoding.
                bytes.iter().zip(text.chars()).map(|(&b, c)| if (0x80..=0x9F).contains(&b) { char::from(b) } else { c }).collect()
            }
        }
    }
}

/// Decodes with `encoding_rs`. Go's single-byte tables leave the bytes the WHATWG tables
/// map to C1 controls undefined, so those become U+FFFD.
fn decode_table(encoding: &'static Encoding, bytes: &[u8]) -> String {
    let text = encoding.decode_without_bom_handling(bytes).0;
    if encoding.is_single_byte() {
        text.chars().map(|c| if ('\u{80}'..='\u{9F}').contains(&c) { '\u{FFFD}' } else { c }).collect()
    } else {
        text.into_owned()
    }
}

/// The reference's names (lower-cased) that have a decoder.
fn lookup(label: &str) -> Option<Charset> {
    use encoding_rs::*;
    Some(match label {
        "utf-8" | "utf8" | "csutf8" | "nop" | "" | "ascii" | "us-ascii" => Charset::Utf8,
        "ansi_x3.4-1968" | "ansi_x3.4-1986" | "cp367" | "csascii" | "ibm367" | "iso-ir-6" | "iso646-us" | "iso_646.irv:1991"
        | "us" => Charset::Ascii,
        "utf-16" | "utf16" | "utf-16le" | "csutf16le" => Charset::Table(UTF_16LE),
        "utf-16be" | "csutf16be" => Charset::Table(UTF_16BE),
        "csutf16" => Charset::Utf16Marked,
        "iso-8859-1" | "iso_8859-1" | "iso_8859-1:1987" | "iso-ir-100" | "latin1" | "l1" | "ibm819" | "cp819" | "csisolatin1" => {
            Charset::Latin(WINDOWS_1252)
        }
        "iso-8859-9" | "iso_8859-9" | "iso_8859-9:1989" | "iso-ir-148" | "latin5" | "l5" | "csisolatin5" => {
            Charset::Latin(WINDOWS_1254)
        }
        "iso-8859-2" | "iso_8859-2" | "iso_8859-2:1987" | "iso-ir-101" | "latin2" | "l2" | "csisolatin2" => {
            Charset::Table(ISO_8859_2)
        }
        "iso-8859-3" | "iso_8859-3" | "iso_8859-3:1988" | "iso-ir-109" | "latin3" | "l3" | "csisolatin3" => {
            Charset::Table(ISO_8859_3)
        }
        "iso-8859-4" | "iso_8859-4" | "iso_8859-4:1988" | "iso-ir-110" | "latin4" | "l4" | "csisolatin4" => {
            Charset::Table(ISO_8859_4)
        }
        "iso-8859-5" | "iso_8859-5" | "iso_8859-5:1988" | "iso-ir-144" | "cyrillic" | "csisolatincyrillic" => {
            Charset::Table(ISO_8859_5)
        }
        "iso-8859-6" | "iso_8859-6" | "iso_8859-6:1987" | "iso-ir-127" | "arabic" | "asmo-708" | "ecma-114"
        | "csisolatinarabic" | "iso-8859-6-e" | "iso_8859-6-e" | "csiso88596e" | "iso-8859-6-i" | "iso_8859-6-i"
        | "csiso88596i" => Charset::Table(ISO_8859_6),
        "iso-8859-7" | "iso_8859-7" | "iso_8859-7:1987" | "iso-ir-126" | "greek" | "greek8" | "ecma-118" | "elot_928"
        | "csisolatingreek" => Charset::Table(ISO_8859_7),
        "iso-8859-8" | "iso_8859-8" | "iso_8859-8:1988" | "iso-ir-138" | "hebrew" | "csisolatinhebrew" | "iso-8859-8-e"
        | "iso_8859-8-e" | "csiso88598e" => Charset::Table(ISO_8859_8),
        "iso-8859-8-i" | "iso_8859-8-i" | "csiso88598i" => Charset::Table(ISO_8859_8_I),
        "iso-8859-10" | "iso_8859-10:1992" | "iso-ir-157" | "latin6" | "l6" | "csisolatin6" => Charset::Table(ISO_8859_10),
        "iso-8859-13" | "csiso885913" => Charset::Table(ISO_8859_13),
        "iso-8859-14" | "iso_8859-14" | "iso_8859-14:1998" | "iso-ir-199" | "iso-celtic" | "latin8" | "l8" | "csiso885914" => {
            Charset::Table(ISO_8859_14)
        }
        "iso-8859-15" | "iso_8859-15" | "latin-9" | "csiso885915" => Charset::Table(ISO_8859_15),
        "iso-8859-16" | "iso_8859-16" | "iso_8859-16:2001" | "iso-ir-226" | "latin10" | "l10" | "csiso885916" => {
            Charset::Table(ISO_8859_16)
        }
        "koi8-r" | "cskoi8r" => Charset::Table(KOI8_R),
        "koi8-u" | "cskoi8u" => Charset::Table(KOI8_U),
        "macintosh" | "mac" | "csmacintosh" => Charset::Table(MACINTOSH),
        "ibm866" | "cp866" | "866" | "csibm866" => Charset::Table(IBM866),
        "windows-874" | "cswindows874" => Charset::Table(WINDOWS_874),
        "windows-1250" | "cswindows1250" => Charset::Table(WINDOWS_1250),
        "windows-1251" | "cswindows1251" => Charset::Table(WINDOWS_1251),
        "windows-1252" | "cswindows1252" => Charset::Table(WINDOWS_1252),
        "windows-1253" | "cswindows1253" => Charset::Table(WINDOWS_1253),
        "windows-1254" | "cswindows1254" => Charset::Table(WINDOWS_1254),
        "windows-1255" | "cswindows1255" => Charset::Table(WINDOWS_1255),
        "windows-1256" | "cswindows1256" => Charset::Table(WINDOWS_1256),
        "windows-1257" | "cswindows1257" => Charset::Table(WINDOWS_1257),
        "windows-1258" | "cswindows1258" => Charset::Table(WINDOWS_1258),
        "shift_jis" | "ms_kanji" | "csshiftjis" => Charset::Table(SHIFT_JIS),
        "euc-jp" | "cseucpkdfmtjapanese" | "extended_unix_code_packed_format_for_japanese" => Charset::Table(EUC_JP),
        "iso-2022-jp" | "csiso2022jp" => Charset::Table(ISO_2022_JP),
        "euc-kr" | "cseuckr" => Charset::Table(EUC_KR),
        "gbk" | "cp936" | "ms936" | "windows-936" | "csgbk" => Charset::Table(GBK),
        "gb18030" | "csgb18030" => Charset::Table(GB18030),
        "big5" | "csbig5" => Charset::Table(BIG5),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(name: &str, bytes: &[u8]) -> String {
        Charset::named(name).unwrap_or_else(|e| panic!("{name}: {e}")).decode(bytes)
    }

    #[test]
    fn names_and_tables_follow_go() {
        assert_eq!(decode("ISO-8859-1", &[0x80, 0xE9]), "\u{80}é");
        assert_eq!(decode("windows-1252", &[0x80, 0x81, 0xE9]), "€\u{FFFD}é");
        assert_eq!(decode("iso646-us", &[0x41, 0xE9]), "A\u{FFFD}");
        assert_eq!(decode("Shift_JIS", &[0x82, 0xA0]), "あ");
        assert_eq!(decode("UTF-16BE", &[0xFE, 0xFF, 0, 0x41]), "\u{FEFF}A");
        assert_eq!(decode(" utf-8 ", b"ok"), "ok");
        assert_eq!(
            Charset::named("GB2312").err().map(|e| e.message().to_string()).as_deref(),
            Some("no charmap defined for encoding 'GB2312'")
        );
        assert_eq!(
            Charset::named("klingon").err().map(|e| e.message().to_string()).as_deref(),
            Some("unsupported encoding 'klingon'")
        );
    }
}
