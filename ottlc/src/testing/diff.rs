//! A unified line diff of two texts, as `diff -u` and insta show one: `-` lines only in the
//! first, `+` lines only in the second, with three lines of context around each change.

/// The diff of `before` and `after` (labelled `from` and `to`); empty when they are equal.
pub fn unified(from: &str, to: &str, before: &str, after: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    if a == b {
        return String::new();
    }
    let ops = edits(&a, &b);
    const CONTEXT: usize = 3;
    // A line shows when a change is within CONTEXT lines of it.
    let mut shown = vec![false; ops.len()];
    for (i, op) in ops.iter().enumerate() {
        if !matches!(op, Edit::Same(_)) {
            shown[i.saturating_sub(CONTEXT)..(i + CONTEXT + 1).min(ops.len())].fill(true);
        }
    }
    let mut out = format!("--- {from}\n+++ {to}\n");
    for (i, op) in ops.iter().enumerate() {
        if !shown[i] {
            continue;
        }
        if i == 0 || !shown[i - 1] {
            out.push_str("@@\n");
        }
        let (mark, line) = match op {
            Edit::Same(line) => (' ', line),
            Edit::Removed(line) => ('-', line),
            Edit::Added(line) => ('+', line),
        };
        out.push_str(&format!("{mark}{line}\n"));
    }
    out
}

enum Edit<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The edits from `a` to `b` along a longest common subsequence of lines. Quadratic, which
/// is fine for one test's payload; past a bound it shows all of `a` removed and `b` added.
fn edits<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Edit<'a>> {
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        return a.iter().map(|l| Edit::Removed(l)).chain(b.iter().map(|l| Edit::Added(l))).collect();
    }
    // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push(Edit::Same(a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(Edit::Removed(a[i]));
            i += 1;
        } else {
            ops.push(Edit::Added(b[j]));
            j += 1;
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_shows_with_its_context() {
        let diff = unified("before", "after", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n");
        assert_eq!(diff, "--- before\n+++ after\n@@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a", "b", "x\n", "x\n"), "");
    }
}
