//! The examples of every `ottlc explain` text are checked: an indented example line marked
//! `# wrong` must raise the code it explains, one marked `# right` must not.
//!
//! An example is checked as `ottlc check` checks a `.ottl` file: in the context named by the
//! nearest `context: NAME` line above it in its example block (as in a collector group,
//! `- context: span`), else in the context its path prefixes give, else in `span`. A leading
//! `- ` (a YAML list item) is not part of the statement. The examples of `E09xx` codes (the
//! YAML around the OTTL) are whole blocks: the indented lines around the marked one,
//! checked as a collector configuration.

use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::Code;

/// One marked example.
#[derive(Debug)]
struct Example {
    text: String,
    kind: SourceKind,
    context: Option<Context>,
    wrong: bool,
}

/// The marker of an example line and the text before it.
fn marked(line: &str) -> Option<(&str, bool)> {
    [("# wrong", true), ("# right", false)]
        .iter()
        .find_map(|(marker, wrong)| line.rfind(marker).map(|at| (line[..at].trim_end(), *wrong)))
}

fn is_example_line(line: &str) -> bool {
    line.starts_with("    ")
}

fn examples(code: Code) -> Vec<Example> {
    let lines: Vec<&str> = code.explanation().lines().collect();
    let yaml = code.as_str().starts_with("E09");
    let mut found = Vec::new();
    let mut context = None;
    for (index, line) in lines.iter().enumerate() {
        if !is_example_line(line) {
            context = None;
            continue;
        }
        let item = line.trim_start().trim_start_matches("- ");
        // In an `.ottl` example a `context:` line gives the lines below it their context; in
        // a collector config it is part of the example.
        if !yaml && let Some(name) = item.strip_prefix("context:") {
            let name = name.trim();
            context = Some(Context::parse(name).unwrap_or_else(|| panic!("{}: no context {name:?}", code.as_str())));
            continue;
        }
        let Some((statement, wrong)) = marked(item) else { continue };
        let example = if yaml {
            let start = lines[..index].iter().rposition(|l| !is_example_line(l)).map_or(0, |i| i + 1);
            let end = lines[index..].iter().position(|l| !is_example_line(l)).map_or(lines.len(), |i| index + i);
            let block: Vec<&str> = lines[start..end].iter().map(|l| &l[4..]).collect();
            Example { text: block.join("\n") + "\n", kind: SourceKind::CollectorYaml, context: None, wrong }
        } else {
            Example { text: format!("{statement}\n"), kind: SourceKind::Ottl, context, wrong }
        };
        found.push(example);
    }
    found
}

/// The codes `ottlc check` reports for the example.
fn codes(example: &Example) -> Vec<Code> {
    let check = |context: Option<Context>| {
        let file = SourceFile::new("example", example.text.clone(), example.kind);
        analyze(&file, &AnalysisOptions { context, ..AnalysisOptions::default() }).diagnostics
    };
    let mut diagnostics = check(example.context);
    if example.context.is_none() && diagnostics.iter().any(|d| d.code == Code::ContextUnknown) {
        diagnostics = check(Some(Context::Span));
    }
    diagnostics.into_iter().map(|d| d.code).collect()
}

#[test]
fn wrong_examples_raise_their_code_and_right_ones_do_not() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for code in Code::ALL {
        for example in examples(*code) {
            checked += 1;
            let raised = codes(&example);
            if raised.contains(code) != example.wrong {
                let verdict = if example.wrong { "does not raise" } else { "raises" };
                failures.push(format!(
                    "{}: {verdict} it ({:?}, context {:?}): {}\n  raised {raised:?}",
                    code.as_str(),
                    example.kind,
                    example.context,
                    example.text.trim_end()
                ));
            }
        }
    }
    println!("explain examples: {checked} checked, {} wrong", failures.len());
    assert!(checked >= 30, "only {checked} marked examples: are the markers still `# wrong` and `# right`?");
    assert!(failures.is_empty(), "explanation examples that say the wrong thing:\n{}", failures.join("\n"));
}

#[test]
fn example_markers_are_read() {
    assert_eq!(marked(r#"set(x, 1)   # wrong: it is"#), Some(("set(x, 1)", true)));
    assert_eq!(marked("set(x, 1) # right"), Some(("set(x, 1)", false)));
    assert_eq!(marked("set(x, 1) # a comment"), None);
    let contexts: Vec<Option<Context>> = examples(Code::RepeatedWrite).iter().map(|e| e.context).collect();
    assert_eq!(contexts, [Some(Context::Span), Some(Context::Resource)]);
}
