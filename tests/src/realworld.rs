//! The real-world OTTL of `tests/realworld` (issue 8): statements and conditions mined from
//! public collector configs, and whole configs, checked by `ottlc` and by the collector.
//!
//! A row is what a user wrote in a config, after YAML unquoting. Both sides see it the way
//! the collector would: `ottlc` reads it from a generated collector config (so its YAML layer
//! applies the config layer's `$$` → `$`), the collector gets the text with `$$` → `$`
//! already applied. Rows that need environment expansion (`${env:X}`) cannot be judged
//! without the environment and are skipped.

use std::collections::BTreeMap;

use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::yaml;
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::{Diagnostic, Severity, Span};

/// The project's copy of the real-world set.
pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/realworld");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// In a transform processor's statement group.
    Statement,
    /// In a filter processor's condition list (or a transform group's `conditions`).
    Condition,
    /// A routing connector table row's `statement` (`route() where …`).
    Route,
}

impl Kind {
    /// The kind as `ottl-ref check` names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Statement => "statement",
            Kind::Condition => "condition",
            Kind::Route => "route",
        }
    }
}

/// One in-scope row of `statements.tsv`.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    /// `traces`, `metrics` or `logs`.
    pub signal: String,
    /// `None`: the config relies on inference from path prefixes.
    pub context: Option<String>,
    pub kind: Kind,
    /// As written in the config, after YAML unquoting.
    pub text: String,
}

/// The rows of `statements.tsv` that can be judged, and how many were skipped, by reason.
pub struct Rows {
    pub rows: Vec<Row>,
    pub skipped: BTreeMap<String, usize>,
}

pub fn rows() -> Rows {
    let text = std::fs::read_to_string(format!("{DIR}/statements.tsv")).expect("statements.tsv is in the project");
    let mut rows = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [id, signal, context, kind, text, _validity, _source, note, ..] = fields[..] else { continue };
        let excluded = fields.get(10).copied().unwrap_or_default();
        if !excluded.is_empty() {
            *skipped.entry(format!("excluded: {excluded}")).or_default() += 1;
            continue;
        }
        if text.contains("${") {
            *skipped.entry("needs environment expansion".to_string()).or_default() += 1;
            continue;
        }
        let kind = match kind {
            "condition" => Kind::Condition,
            _ if note.starts_with("routing connector table") => Kind::Route,
            _ => Kind::Statement,
        };
        let context = (context != "infer").then(|| context.to_string());
        rows.push(Row { id: id.to_string(), signal: signal.to_string(), context, kind, text: text.to_string() });
    }
    Rows { rows, skipped }
}

impl Row {
    /// The text the collector parses: the config layer turns `$$` into `$`.
    pub fn collector_text(&self) -> String {
        self.text.replace("$$", "$")
    }

    /// The row as the collector config it came from: a transform processor group for a
    /// statement, a filter processor's condition list for a condition, a routing
    /// connector's table row for a route, with the row's context or none.
    pub fn as_config(&self) -> String {
        let singular = self.signal.trim_end_matches('s');
        let quoted = format!("\"{}\"", self.text.replace('\\', "\\\\").replace('"', "\\\""));
        let context = self.context.as_ref().map(|c| format!("context: {c}\n        ")).unwrap_or_default();
        let (component, list, items) = match self.kind {
            Kind::Statement => ("transform", format!("{singular}_statements"), "statements"),
            Kind::Condition => ("filter", format!("{singular}_conditions"), "conditions"),
            Kind::Route => {
                return format!(
                    "connectors:\n  routing:\n    table:\n      - {context}statement: {quoted}\n        pipelines: [{}/routed]\n",
                    self.signal
                );
            }
        };
        format!("processors:\n  {component}:\n    {list}:\n      - {context}{items}:\n          - {quoted}\n")
    }
}

/// What `ottlc check` says of a config: its errors, and its warnings by code.
#[derive(Clone, Debug, Default)]
pub struct Verdict {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

impl Verdict {
    pub fn accepted(&self) -> bool {
        self.errors.is_empty()
    }
}

/// `ottlc check` on a row, through its config.
pub fn check_row(row: &Row) -> Verdict {
    let file = SourceFile::new(format!("{}.yaml", row.id), row.as_config(), SourceKind::CollectorYaml);
    verdict(analyze(&file, &AnalysisOptions::default()).diagnostics.iter())
}

fn verdict<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) -> Verdict {
    let mut verdict = Verdict::default();
    for diagnostic in diagnostics {
        let line = format!("{}: {}", diagnostic.code.as_str(), diagnostic.message);
        match diagnostic.severity() {
            Severity::Error => verdict.errors.push(line),
            Severity::Warning => verdict.warnings.push(line),
        }
    }
    verdict
}

/// `ottlc check` on a whole config file, per component (`processors/transform/x`); errors
/// that belong to no component (invalid YAML) under `""`.
pub fn check_config(name: &str, text: &str) -> BTreeMap<String, Verdict> {
    let file = SourceFile::new(name, text, SourceKind::CollectorYaml);
    let diagnostics = analyze(&file, &AnalysisOptions::default()).diagnostics;
    let extracted = yaml::extract_all(text).unwrap_or_default();
    let snippets = &extracted.snippets;
    let mut out: BTreeMap<String, Verdict> = BTreeMap::new();
    for snippet in snippets {
        out.entry(snippet.component.clone()).or_default();
    }
    for diagnostic in &diagnostics {
        let at = diagnostic.span().start;
        let setting = extracted
            .config_errors
            .iter()
            .find(|e| e.code == diagnostic.code && Span::from(e.span.clone()) == diagnostic.span())
            .map(|e| e.component.clone());
        let component = setting.unwrap_or_else(|| {
            snippets
                .iter()
                .find(|s| {
                    let range = s.source_map.range_to_source(0..s.text.len());
                    range.start <= at && at <= range.end
                })
                .map_or(String::new(), |s| s.component.clone())
        });
        let entry = out.entry(component).or_default();
        let found = verdict(std::iter::once(diagnostic));
        entry.errors.extend(found.errors);
        entry.warnings.extend(found.warnings);
    }
    out
}

/// The listed differences: id (a row's, or `config:component`) → the reason.
pub fn known_differences() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(format!("{DIR}/known-differences.tsv")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, why)| (id.to_string(), why.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_becomes_the_config_it_came_from() {
        let row = Row {
            id: "x".into(),
            signal: "logs".into(),
            context: Some("log".into()),
            kind: Kind::Statement,
            text: r#"replace_pattern(body, "\\d+", "$$1")"#.into(),
        };
        let config = row.as_config();
        let snippets = yaml::extract(&config).unwrap();
        assert_eq!(snippets.len(), 1);
        assert_eq!(snippets[0].text, row.collector_text(), "the YAML layer applies $$ -> $ as the collector does");
        assert_eq!(snippets[0].context.as_ref().map(|c| c.name()), Some("log"));
        let condition = Row { kind: Kind::Condition, context: None, ..row };
        assert!(condition.as_config().contains("log_conditions:\n      - conditions:"));
    }
}
