//! `ottlc check --format sarif`: one SARIF 2.1.0 log, the format GitHub code scanning and
//! other dashboards import.

use std::collections::BTreeSet;

use ottl_compiler::render::Range;
use ottl_compiler::source::SourceFile;
use ottl_grammar::{Code, Diagnostic, Severity};
use serde_json::{Value, json};

use crate::relative::relative_uri;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The project has no site of its own yet; the language it checks has.
const INFORMATION_URI: &str = "https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/pkg/ottl";

/// The results of every file checked, and the codes they use (each becomes a rule).
#[derive(Default)]
pub struct SarifLog {
    results: Vec<Value>,
    codes: BTreeSet<Code>,
}

impl SarifLog {
    pub fn add(&mut self, file: &SourceFile, diagnostics: &[Diagnostic]) {
        let uri = relative_uri(&file.name);
        for diagnostic in diagnostics {
            self.codes.insert(diagnostic.code);
            self.results.push(result(file, &uri, diagnostic));
        }
    }

    /// The log: one run of `ottlc`, its rules in code order. Columns count characters,
    /// as everywhere in `ottlc` (SARIF's default is UTF-16 code units).
    pub fn to_json(&self) -> Value {
        let rules: Vec<Value> = self.codes.iter().map(|&code| rule(code)).collect();
        json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "ottlc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": self.results,
            }],
        })
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A rule: the code's title, and its `ottlc explain` text (Markdown: examples are indented
/// code blocks).
fn rule(code: Code) -> Value {
    let explanation = code.explanation();
    json!({
        "id": code.as_str(),
        "shortDescription": {"text": code.title()},
        "fullDescription": {"text": explanation},
        "help": {"text": explanation, "markdown": explanation},
        "defaultConfiguration": {"level": level(code.severity())},
    })
}

fn region(range: Range) -> Value {
    json!({
        "startLine": range.line,
        "startColumn": range.column,
        "endLine": range.end_line,
        "endColumn": range.end_column,
    })
}

fn result(file: &SourceFile, uri: &str, diagnostic: &Diagnostic) -> Value {
    let mut result = json!({
        "ruleId": diagnostic.code.as_str(),
        "level": level(diagnostic.severity()),
        "message": {"text": diagnostic.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": region(Range::of(file, diagnostic.span())),
        }}],
    });
    if let Some(fix) = &diagnostic.fix {
        let description =
            diagnostic.help.as_deref().map_or_else(|| format!("replace with `{}`", fix.replacement), str::to_string);
        result["fixes"] = json!([{
            "description": {"text": description},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri},
                "replacements": [{
                    "deletedRegion": region(Range::of(file, fix.span)),
                    "insertedContent": {"text": fix.replacement},
                }],
            }],
        }]);
    }
    result
}
