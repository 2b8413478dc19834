//! The function reference, generated from the declarations: `docs/functions.md` and
//! `ottlc explain FUNCTION`. A test fails when the checked-in file is stale.

use std::fmt::Write as _;

use super::{Function, FunctionKind, Origin, registry};

/// The whole reference as Markdown: editors, then converters, each alphabetical.
pub fn markdown() -> String {
    let mut out = String::from(
        "# OTTL function reference\n\n\
         Generated from the function declarations in `runtime/src/functions/` (`ottlc explain NAME` \
         prints one section). Each example runs on both back ends in the test suite, with the result \
         shown.\n",
    );
    for (kind, title) in [(FunctionKind::Editor, "Editors"), (FunctionKind::Converter, "Converters")] {
        let mut functions: Vec<&Function> = registry().iter().copied().filter(|f| f.kind == kind).collect();
        functions.sort_by_key(|f| (f.name.to_ascii_lowercase(), f.name));
        let _ = write!(out, "\n## {title}\n\n");
        let names: Vec<String> = functions.iter().map(|f| format!("`{}`", f.name)).collect();
        let _ = writeln!(out, "{}", names.join(" · "));
        for function in functions {
            let _ = write!(out, "\n{}", section(function));
        }
    }
    out
}

/// One function's section: signature, doc, where it exists, and its examples with what
/// they give.
pub fn section(function: &Function) -> String {
    let mut out = format!("### {}\n\n```\n{}\n```\n\n{}\n", function.name, function.display_signature(), function.doc);
    let origin = match function.origin {
        Origin::Standard => None,
        Origin::TransformProcessor => Some("Registered by the transform processor only."),
        Origin::FilterProcessor => Some("Registered by the filter processor only."),
        Origin::Seed => Some("An extension of this toolchain (the seed's rule form); the collector does not have it."),
    };
    let notes: Vec<String> = function.notes().into_iter().chain(origin.map(str::to_owned)).collect();
    if !notes.is_empty() {
        let _ = write!(out, "\n{}\n", notes.join(" "));
    }
    let _ = write!(out, "\n```ottl\n");
    for example in function.examples {
        let arrow = match function.kind {
            FunctionKind::Converter => "gives",
            FunctionKind::Editor => "then",
        };
        let _ = writeln!(out, "{}\n    # {arrow}: {}", example.code, example.result);
    }
    out.push_str("```\n");
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// `docs/functions.md` is what the declarations generate; `OTTL_BLESS=1` rewrites it.
    #[test]
    fn the_function_reference_is_up_to_date() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/functions.md");
        let expected = super::markdown();
        if std::env::var_os("OTTL_BLESS").is_some() {
            std::fs::write(&path, &expected).expect("docs/functions.md is writable");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/functions.md is stale: regenerate it with `OTTL_BLESS=1 cargo test -p ottl-compiler --lib reference`"
        );
    }

    #[test]
    fn every_function_has_a_section_with_its_examples() {
        let reference = super::markdown();
        for function in super::registry() {
            assert!(reference.contains(&format!("### {}\n", function.name)), "{}", function.name);
            for example in function.examples {
                assert!(reference.contains(example.code), "{}: {}", function.name, example.code);
            }
        }
    }
}
