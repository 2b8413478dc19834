//! File names as CI tools want them: relative to the working directory (the repository's
//! root in a CI job), `/`-separated.

use std::path::{Component, Path};

/// `name` relative to the working directory when it lies under it, else as given; `./`
/// dropped, components joined with `/` on every platform.
pub fn relative_path(name: &str) -> String {
    let path = Path::new(name);
    let under_cwd = std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    let path = under_cwd.as_deref().unwrap_or(path);
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    parts.join("/")
}

/// [`relative_path`] as a URI reference: relative when the file lies under the working
/// directory, `file:///…` when it is elsewhere; reserved and non-ASCII bytes
/// percent-encoded.
pub fn relative_uri(name: &str) -> String {
    let path = relative_path(name);
    let encoded = percent_encode(&path);
    if path.starts_with('/') { format!("file://{encoded}") } else { encoded }
}

/// Keeps RFC 3986's unreserved characters and `/`; encodes every other byte.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_the_working_directory_become_relative() {
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("configs").join("a b.yaml");
        assert_eq!(relative_path(inside.to_str().unwrap()), "configs/a b.yaml");
        assert_eq!(relative_uri(inside.to_str().unwrap()), "configs/a%20b.yaml");
        assert_eq!(relative_path("./rules/x.ottl"), "rules/x.ottl");
        assert_eq!(relative_uri("/elsewhere/é.ottl"), "file:///elsewhere/%C3%A9.ottl");
        assert_eq!(relative_uri("<stdin>"), "%3Cstdin%3E");
    }
}
