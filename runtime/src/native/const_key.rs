//! A key known when the rule set compiles, compared with the keys of an item's list.
//!
//! A hand-written lookup compares against a literal, and the compiler turns that into a
//! length check and one or two word loads. A key that is only known at run time would go
//! through `memcmp` for every key of the same length; `ConstKey` keeps the words to
//! compare ready instead, so a scan costs what the hand-written one does.

/// A constant key with the words it is compared by.
pub struct ConstKey {
    text: String,
    /// The key's first bytes and last bytes, as read by [`ConstKey::matches`] for its length.
    head: u64,
    tail: u64,
}

impl ConstKey {
    pub fn new(text: &str) -> ConstKey {
        let bytes = text.as_bytes();
        let (head, tail) = words(bytes).unwrap_or((0, 0));
        ConstKey { text: text.to_string(), head, tail }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `candidate` is this key: the length first, then at most two words (keys
    /// longer than 16 bytes compare their first word, then every byte).
    #[inline]
    pub fn matches(&self, candidate: &str) -> bool {
        let (candidate, key) = (candidate.as_bytes(), self.text.as_bytes());
        if candidate.len() != key.len() {
            return false;
        }
        match words(candidate) {
            Some((head, tail)) => head == self.head && tail == self.tail && (key.len() <= 16 || candidate == key),
            // Under 4 bytes: byte by byte, which beats a call.
            None => candidate.iter().zip(key).all(|(a, b)| a == b),
        }
    }
}

/// The two words a key of this length is compared by: overlapping first and last 4 bytes
/// (4 to 7 bytes) or 8 bytes (8 and more); `None` for keys under 4 bytes, compared whole.
#[inline]
fn words(bytes: &[u8]) -> Option<(u64, u64)> {
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return Some((u64::from_le_bytes(*head), u64::from_le_bytes(*tail)));
    }
    let (head, tail) = (bytes.first_chunk::<4>()?, bytes.last_chunk::<4>()?);
    Some((u64::from(u32::from_le_bytes(*head)), u64::from(u32::from_le_bytes(*tail))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length class tells a key from others of its length that differ in one byte
    /// anywhere, and from keys of other lengths.
    #[test]
    fn matches_exactly_its_key() {
        for key in
            ["", "a", "abc", "abcd", "abcdefg", "abcdefgh", "http.status_code", "abcdefghXabcdefgh", "service.instance.id.long"]
        {
            let constant = ConstKey::new(key);
            assert!(constant.matches(key), "{key:?}");
            for i in 0..key.len() {
                let mut other = key.as_bytes().to_vec();
                other[i] ^= 1;
                let other = String::from_utf8(other).unwrap_or_default();
                assert!(!constant.matches(&other), "{key:?} against {other:?}");
            }
            assert!(!constant.matches(&format!("{key}x")), "{key:?} against a longer key");
            if let Some(shorter) = key.get(1..) {
                assert!(!constant.matches(shorter), "{key:?} against {shorter:?}");
            }
        }
    }
}
