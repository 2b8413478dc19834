//! "Did you mean": the one edit-distance measure behind every suggestion (paths, enum
//! symbols, functions, argument names).

/// The optimal-string-alignment distance (Levenshtein plus adjacent transpositions, each
/// substring edited once): `stauts` → `status` is 1, `atributes` → `attributes` is 1.
/// Compared case-insensitively.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (n, m) = (a.len(), b.len());
    // Three rows: i-2, i-1, i.
    let mut before: Vec<usize> = vec![0; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur: Vec<usize> = vec![0; m + 1];
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo: at most a
/// third of the word's length (between 1 and 3) edits away, case ignored — so a candidate
/// that differs only in case (`parsejson` → `ParseJSON`) always wins. Ties go to the
/// earlier candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.is_empty() {
        return None;
    }
    let limit = word.chars().count().div_ceil(3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let d = edit_distance(word, candidate);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("stauts", "status"), 1);
        assert_eq!(edit_distance("atributes", "attributes"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("Name", "name"), 0);
    }

    #[test]
    fn closest_respects_the_limit() {
        assert_eq!(closest("nme", ["name", "kind"]), Some("name"));
        assert_eq!(closest("zzzzzz", ["name", "kind"]), None);
        assert_eq!(closest("resurce", ["span", "resource", "scope"]), Some("resource"));
        assert_eq!(closest("parsejson", ["ParseXML", "ParseJSON"]), Some("ParseJSON"));
        assert_eq!(closest("", ["a"]), None);
    }
}
