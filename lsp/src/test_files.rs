//! `ottlc test` files (`NAME.ottl-test.yaml`), served as `ottlc` reads them, through
//! `ottl-testfile`: their diagnostics are `ottlc check`'s, each `expect.conditions` string is
//! a condition region checked in the context `ottlc test` checks it in, and completion
//! inside `attributes["` knows the keys the target's statements and the tests' inputs use.
//!
//! What a test file tests is read beside it, through `read`: the server reads a file open
//! in the editor from its buffer, so the test file follows the edits of its rule file or
//! config before they are saved.

use std::path::{Path, PathBuf};

use ottl_compiler::AnalysisOptions;
use ottl_grammar::Diagnostic;
use ottl_testfile::spec::{self, Draft};
use ottl_testfile::{Reader, Scope, analyze_target};

use crate::document::Document;
use crate::keys;
use crate::regions::{self, Region};

/// The test file as far as it reads (paths in it are relative to its folder).
fn draft(document: &Document) -> Draft {
    let path = document.path();
    spec::draft(&document.text, path.parent().unwrap_or(Path::new(".")))
}

/// `ottlc check`'s diagnostics of the test file.
pub fn diagnostics(document: &Document, read: Reader<'_>, options: &AnalysisOptions) -> Vec<Diagnostic> {
    ottl_testfile::diagnostics(&document.path(), document.text.clone(), read, options).1
}

/// The rule file or config the test file names, when that reads.
pub fn target_path(document: &Document) -> Option<PathBuf> {
    draft(document).target.map(|(target, _)| target.path().to_path_buf())
}

/// Every expectation of every test that reads, as a condition region in its test's scope:
/// the signal of its input, else of what is tested; without either, the context is
/// inferred from its prefixes alone.
pub fn regions(document: &Document, read: Reader<'_>, options: &AnalysisOptions) -> Vec<Region> {
    let draft = draft(document);
    let target = draft.target.as_ref().and_then(|(target, _)| analyze_target(target, read, options).ok());
    let mut regions = Vec::new();
    for case in &draft.tests {
        let input = case.telemetry().and_then(Result::ok).map(|telemetry| telemetry.signal());
        let scope = Scope::new(input, target.as_ref());
        regions.extend(case.expect.conditions.iter().map(|snippet| Region::expectation(snippet, &case.name, scope)));
    }
    regions
}

/// The attribute keys to offer inside `attributes["`: those the expectations and the
/// target's statements use, most used first, then those the tests' inputs carry.
pub fn attribute_keys(document: &Document, regions: &[Region], read: Reader<'_>) -> Vec<String> {
    let draft = draft(document);
    let mut written = regions.to_vec();
    if let Some((target, _)) = &draft.target {
        let text = read(target.path()).unwrap_or_default();
        written.extend(regions::regions(&text, target.kind()).unwrap_or_default());
    }
    let mut keys = keys::attribute_keys(&written);
    for input in draft.tests.iter().filter_map(|case| case.input.as_ref()) {
        keys::otlp_keys(input, &mut keys);
    }
    keys
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::str::FromStr;

    use ottl_compiler::schema::Context;
    use tower_lsp_server::ls_types::Uri;

    use super::*;
    use crate::line_index::Encoding;
    use crate::regions::region_at;

    const CONFIG: &str = "processors:\n  transform/a:\n    trace_statements:\n      - set(span.attributes[\"tier\"], \"gold\")\nservice:\n  pipelines:\n    traces:\n      processors: [transform/a]\n";
    const RULES: &str = "set(log.attributes[\"level\"], \"info\")\n";

    /// The files beside the test files, as an editor's buffers would give them.
    fn files() -> HashMap<PathBuf, String> {
        HashMap::from([
            (PathBuf::from("/w/collector.yaml"), CONFIG.to_string()),
            (PathBuf::from("/w/logs.ottl"), RULES.to_string()),
        ])
    }

    fn reader(files: &HashMap<PathBuf, String>) -> impl Fn(&Path) -> std::io::Result<String> + '_ {
        |path| files.get(path).cloned().ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }

    fn test_file(text: &str) -> Document {
        let uri = Uri::from_str("file:///w/t.ottl-test.yaml").unwrap();
        Document::new(uri, "yaml", text.to_string(), 1, Encoding::Utf8)
    }

    /// The context of the expectation holding `needle`.
    fn context_at(document: &Document, needle: &str) -> Option<Context> {
        let files = files();
        let regions = regions(document, &reader(&files), &AnalysisOptions::default());
        let (region, _) = region_at(&regions, &document.text, document.text.find(needle).unwrap())?;
        region.context(None)
    }

    const PIPELINE_TEST: &str = "config: collector.yaml\npipeline: traces\ntests:\n  - name: gold\n    input:\n      resource: {service.name: shop}\n      span: {name: GET, attributes: {http.route: /a}}\n    expect:\n      conditions:\n        - attributes[\"tier\"] == \"gold\"\n        - resource.attributes[\"service.name\"] == \"shop\"\n        - 'span.atributes[\"x\"] == 1'\n";

    #[test]
    fn expectations_are_conditions_in_the_context_ottlc_test_infers() {
        let document = test_file(PIPELINE_TEST);
        assert!(document.is_test_file());
        assert_eq!(context_at(&document, "attributes[\"tier\"]"), Some(Context::Span), "the traces pipeline's item");
        assert_eq!(context_at(&document, "resource.attributes"), Some(Context::Resource), "the prefix written");
        assert_eq!(context_at(&document, "span.atributes"), Some(Context::Span));
        assert_eq!(context_at(&document, "config:"), None, "only expectations are OTTL");

        let logs = test_file(
            "rules: logs.ottl\ntests:\n  - name: l\n    input: {log: {body: hi}}\n    expect:\n      conditions:\n        - attributes[\"level\"] == \"info\"\n        - span.name == \"x\"\n",
        );
        assert_eq!(context_at(&logs, "attributes[\"level\"]"), Some(Context::Log), "the rule file's context");
        assert_eq!(context_at(&logs, "span.name"), Some(Context::Log), "span is no context of logs: the fallback");
    }

    #[test]
    fn half_typed_expectations_take_the_prefix_written() {
        let document = test_file(
            "config: collector.yaml\npipeline: traces\ntests:\n  - name: t\n    input: {span: {name: a}}\n    expect:\n      conditions:\n        - resource.attributes[\"x\"] ==\n",
        );
        assert_eq!(context_at(&document, "resource."), Some(Context::Resource));
    }

    #[test]
    fn diagnostics_are_ottlc_checks() {
        let files = files();
        let document = test_file(PIPELINE_TEST);
        let found = diagnostics(&document, &reader(&files), &AnalysisOptions::default());
        let codes: Vec<(&str, usize)> =
            found.iter().map(|d| (d.code.as_str(), document.text[..d.span().start].lines().count())).collect();
        assert_eq!(codes, [("E0100", 12)], "{found:?}");
        let (_, expected) = ottl_testfile::diagnostics(
            Path::new("/w/t.ottl-test.yaml"),
            PIPELINE_TEST.to_string(),
            &reader(&files),
            &AnalysisOptions::default(),
        );
        assert_eq!(found, expected);
    }

    #[test]
    fn the_target_is_read_as_the_editor_has_it() {
        let mut files = files();
        let document = test_file(
            "rules: logs.ottl\ntests:\n  - name: l\n    input: {log: {body: hi}}\n    expect:\n      conditions: ['log.body == \"hi\"']\n",
        );
        assert_eq!(target_path(&document), Some(PathBuf::from("/w/logs.ottl")));
        assert_eq!(diagnostics(&document, &reader(&files), &AnalysisOptions::default()), []);
        files.remove(Path::new("/w/logs.ottl"));
        let found = diagnostics(&document, &reader(&files), &AnalysisOptions::default());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("cannot read /w/logs.ottl"), "{}", found[0].message);
    }

    #[test]
    fn every_prefix_of_a_test_file_being_typed_is_served() {
        let files = files();
        let options = AnalysisOptions::default();
        for end in (0..=PIPELINE_TEST.len()).filter(|&end| PIPELINE_TEST.is_char_boundary(end)) {
            let document = test_file(&PIPELINE_TEST[..end]);
            diagnostics(&document, &reader(&files), &options);
            let regions = regions(&document, &reader(&files), &options);
            let keys = attribute_keys(&document, &regions, &reader(&files));
            for region in &regions {
                let request = crate::completion::Request { context: region.context(None), known_keys: &keys, snippets: true };
                crate::completion::complete(region, region.text.len(), &request);
            }
        }
    }

    #[test]
    fn keys_come_from_the_target_and_the_inputs() {
        let files = files();
        let document = test_file(PIPELINE_TEST);
        let regions = regions(&document, &reader(&files), &AnalysisOptions::default());
        let keys = attribute_keys(&document, &regions, &reader(&files));
        assert_eq!(keys, ["tier", "service.name", "http.route"], "used most first, then the inputs'");
    }
}
