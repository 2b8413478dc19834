//! Golden files: a test's output compared with the file that holds what it should be, or
//! written there when the output changed on purpose (`UPDATE_GOLDEN=1`, or `OTTL_BLESS=1`
//! as the agent's tests have called it).

use std::path::Path;

/// Compares `actual` with the golden file `expected`, or rewrites the file when asked;
/// what differs, as the test's failure text.
pub fn compare(expected: &Path, actual: &str) -> Option<String> {
    if ["UPDATE_GOLDEN", "OTTL_BLESS"].iter().any(|name| std::env::var_os(name).is_some()) {
        if let Err(error) = std::fs::write(expected, actual) {
            return Some(format!("cannot write {}: {error}", expected.display()));
        }
        return None;
    }
    let golden = std::fs::read_to_string(expected).unwrap_or_default();
    (golden != actual).then(|| format!("--- {} differs; the output is:\n{actual}", expected.display()))
}
