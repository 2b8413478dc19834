//! Reading a test file (`NAME.ottl-test.yaml`): what it tests, and each test's input and
//! expectations, with the place of everything in the file, so that every mistake in it is
//! a diagnostic at its line (code E0920), reported before any test runs.

use std::path::{Component, Path, PathBuf};

use ottl_compiler::program::ErrorMode;
use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::suggest::closest;
use ottl_compiler::yaml::tree::{self, NodeId, Tree};
use ottl_compiler::yaml::{SourceMap, scalar_source_map};
use ottl_grammar::{Code, Diagnostic, Span};
use ottl_runtime::otlp::Telemetry;
use serde_json::Value as Json;

use crate::compact;

/// The top-level keys.
const FILE_KEYS: &[&str] = &["rules", "context", "error_mode", "config", "pipeline", "processors", "tests"];
const TEST_KEYS: &[&str] = &["name", "input", "input_file", "expect"];
const EXPECT_KEYS: &[&str] = &["conditions", "dropped", "route", "output", "error", "diagnostic"];

/// What a test file runs.
#[derive(Debug)]
pub enum Target {
    /// A rule file, run as a `rules` processor whose every route leaves the pipeline, under
    /// `error_mode` (`ignore` unless given, as `ottlc run`).
    Rules { path: PathBuf, context: Option<Context>, error_mode: ErrorMode },
    /// A collector config's pipeline, or a list of its processors, in order.
    Config { path: PathBuf, selection: Selection },
}

impl Target {
    /// The rule file or config: its path as written, joined to the test file's folder.
    pub fn path(&self) -> &Path {
        match self {
            Target::Rules { path, .. } | Target::Config { path, .. } => path,
        }
    }

    /// How its file reads: OTTL, or a collector config.
    pub fn kind(&self) -> SourceKind {
        match self {
            Target::Rules { .. } => SourceKind::Ottl,
            Target::Config { .. } => SourceKind::CollectorYaml,
        }
    }
}

#[derive(Debug)]
pub enum Selection {
    Pipeline(String),
    Processors(Vec<String>),
}

/// An OTTL string of the test file and where its bytes stand in the file.
#[derive(Debug)]
pub struct Snippet {
    pub text: String,
    pub map: SourceMap,
    pub span: Span,
}

impl Snippet {
    /// A span of the text as a span of the file.
    pub fn to_file(&self, span: Span) -> Span {
        Span::from(self.map.range_to_source(span.range()))
    }
}

/// What a test expects.
#[derive(Debug, Default)]
pub struct Expect {
    /// Conditions that hold on every output item.
    pub conditions: Vec<Snippet>,
    /// `true`: no item is left; `false`: some item is.
    pub dropped: Option<(bool, Span)>,
    /// Every item was routed to this route.
    pub route: Option<(String, Span)>,
    /// The exact output (OTLP/JSON).
    pub output: Option<(Json, Span)>,
    /// A statement error whose message holds this text.
    pub error: Option<(String, Span)>,
    /// A diagnostic of `ottlc check` on what is tested: its code and line.
    pub diagnostic: Option<(String, usize, Span)>,
}

#[derive(Debug)]
pub struct TestCase {
    pub name: String,
    /// The `name` value: where a failure points.
    pub span: Span,
    /// OTLP/JSON; `None` for a test that expects only a diagnostic.
    pub input: Option<Json>,
    pub expect: Expect,
}

impl TestCase {
    /// The input as telemetry; `None` for a test without one, `Err` when it is not OTLP.
    pub fn telemetry(&self) -> Option<Result<Telemetry, String>> {
        self.input.as_ref().map(|json| Telemetry::from_json(&json.to_string()))
    }
}

#[derive(Debug)]
pub struct TestFile {
    pub file: SourceFile,
    pub target: Target,
    pub target_span: Span,
    pub tests: Vec<TestCase>,
}

/// A test file as far as it reads, and what is wrong in it: what an editor serves while
/// the file is being written (the tests that read, though another one does not yet).
#[derive(Debug, Default)]
pub struct Draft {
    /// What it tests, when that reads.
    pub target: Option<(Target, Span)>,
    pub tests: Vec<TestCase>,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the test file `text` (paths in it are relative to `dir`) as far as it goes.
pub fn draft(text: &str, dir: &Path) -> Draft {
    let tree = match tree::parse(text) {
        Ok(tree) => tree,
        Err(error) => {
            let diagnostic =
                Diagnostic::new(Code::InvalidYaml, format!("invalid YAML: {}", error.message), Span::from(error.span), "here");
            return Draft { diagnostics: vec![diagnostic], ..Draft::default() };
        }
    };
    let mut reader = Reader { tree: &tree, src: text, dir, diagnostics: Vec::new() };
    let (target, tests) = reader.file();
    let mut diagnostics = reader.diagnostics;
    diagnostics.sort_by_key(|d| d.span().start);
    Draft { target, tests, diagnostics }
}

/// Reads `file` (paths in it are relative to `dir`): the test file, or the diagnostics
/// that say why it is none.
pub fn read(file: SourceFile, dir: &Path) -> Result<TestFile, (SourceFile, Vec<Diagnostic>)> {
    let draft = draft(&file.text, dir);
    match draft.target {
        Some((target, target_span)) if draft.diagnostics.is_empty() => {
            Ok(TestFile { file, target, target_span, tests: draft.tests })
        }
        _ => Err((file, draft.diagnostics)),
    }
}

struct Reader<'t> {
    tree: &'t Tree,
    src: &'t str,
    dir: &'t Path,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, at: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(Code::InvalidTestFile, message, at, "here").with_help(help));
    }

    /// The span of a node: a scalar's own, a collection's first scalar's.
    fn span(&self, id: NodeId) -> Span {
        if let Some(range) = self.tree.span(id) {
            return Span::from(range);
        }
        let first = match self.tree.node(id) {
            tree::Node::Seq(items) => items.first().copied(),
            tree::Node::Map(entries) => entries.first().map(|&(key, _)| key),
            _ => None,
        };
        first.map_or(Span::new(0, 0), |first| self.span(first))
    }

    /// A mapping's entries, each key known; unknown keys are reported with the closest.
    fn entries(&mut self, id: NodeId, what: &str, known: &[&str]) -> Vec<(String, NodeId, Span)> {
        if !self.tree.is_map(id) {
            let at = self.span(id);
            self.error(at, format!("{what} is a mapping"), format!("its keys are: {}", known.join(", ")));
            return Vec::new();
        }
        let mut out = Vec::new();
        for (key, name, value) in self.tree.keyed_entries(id) {
            let at = self.span(key);
            if known.contains(&name) {
                out.push((name.to_string(), value, at));
                continue;
            }
            let help = match closest(name, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the keys of {what} are: {}", known.join(", ")),
            };
            self.error(at, format!("{what} has no key `{name}`"), help);
        }
        out
    }

    fn string(&mut self, id: NodeId, what: &str) -> Option<(String, Span)> {
        let at = self.span(id);
        match self.tree.string(id) {
            Some(scalar) => Some((scalar.value.clone(), at)),
            None => {
                self.error(at, format!("{what} is a string"), "write it as a plain or quoted string");
                None
            }
        }
    }

    /// What the file tests and its tests; nothing more once what it tests does not read.
    fn file(&mut self) -> (Option<(Target, Span)>, Vec<TestCase>) {
        let Some(&root) = self.tree.roots.first() else {
            self.error(Span::new(0, 0), "the test file is empty", "name what it tests (`rules:` or `config:`) and list `tests:`");
            return (None, Vec::new());
        };
        let (mut rules, mut config, mut context, mut pipeline, mut processors, mut tests) = (None, None, None, None, None, None);
        let mut error_mode = ErrorMode::Ignore;
        for (key, value, at) in self.entries(root, "a test file", FILE_KEYS) {
            match key.as_str() {
                "rules" => rules = self.string(value, "`rules`").map(|(path, span)| (beside(self.dir, &path), span)),
                "config" => config = self.string(value, "`config`").map(|(path, span)| (beside(self.dir, &path), span)),
                "pipeline" => pipeline = self.string(value, "`pipeline`"),
                "processors" => processors = Some((self.strings(value, "`processors`"), at)),
                "context" => context = self.context(value),
                "error_mode" => error_mode = self.error_mode(value).unwrap_or(error_mode),
                _ => tests = Some(value),
            }
        }
        let (target, span) = match (rules, config, pipeline, processors) {
            (Some((path, span)), None, None, None) => (Target::Rules { path, context, error_mode }, span),
            (None, Some((path, span)), Some((name, _)), None) => {
                (Target::Config { path, selection: Selection::Pipeline(name) }, span)
            }
            (None, Some((path, span)), None, Some((ids, _))) => {
                (Target::Config { path, selection: Selection::Processors(ids) }, span)
            }
            _ => {
                self.error(
                    self.span(root),
                    "a test file tests one thing",
                    "write `rules: FILE.ottl`, or `config: FILE.yaml` with `pipeline: NAME` or `processors: [ID, ...]`",
                );
                return (None, Vec::new());
            }
        };
        let Some(tests) = tests else {
            self.error(self.span(root), "the test file has no `tests`", "add `tests:`, a list of tests each with a `name`");
            return (Some((target, span)), Vec::new());
        };
        let cases = self.tree.items(tests).iter().filter_map(|&test| self.test(test)).collect();
        (Some((target, span)), cases)
    }

    fn strings(&mut self, id: NodeId, what: &str) -> Vec<String> {
        self.tree.items(id).iter().filter_map(|&item| self.string(item, what).map(|(s, _)| s)).collect()
    }

    fn context(&mut self, id: NodeId) -> Option<Context> {
        let (name, at) = self.string(id, "`context`")?;
        let context = Context::parse(&name).filter(|c| c.is_statement_context());
        if context.is_none() {
            let names: Vec<&str> = Context::STATEMENT_CONTEXTS.iter().map(|c| c.name()).collect();
            self.error(at, format!("`{name}` is not an OTTL context"), format!("one of: {}", names.join(", ")));
        }
        context
    }

    fn error_mode(&mut self, id: NodeId) -> Option<ErrorMode> {
        let (name, at) = self.string(id, "`error_mode`")?;
        let mode = ErrorMode::parse(&name);
        if mode.is_none() {
            self.error(at, format!("`{name}` is not an error mode"), "one of: ignore, silent, propagate");
        }
        mode
    }

    fn test(&mut self, id: NodeId) -> Option<TestCase> {
        let (mut name, mut input, mut expect) = (None, None, None);
        for (key, value, at) in self.entries(id, "a test", TEST_KEYS) {
            match key.as_str() {
                "name" => name = self.string(value, "`name`"),
                "input" => input = self.input(compact::to_json(self.tree, value), self.span(value)),
                "input_file" => input = self.input_file(value),
                _ => expect = Some((value, at)),
            }
        }
        let Some((name, span)) = name else {
            self.error(self.span(id), "a test without a `name`", "every test has a `name`, which reports and `--filter` use");
            return None;
        };
        let Some((expect, at)) = expect else {
            self.error(
                span,
                format!("test `{name}` expects nothing"),
                format!("add `expect:` with any of: {}", EXPECT_KEYS.join(", ")),
            );
            return None;
        };
        let expect = self.expect(expect);
        if input.is_none() && expect.diagnostic.is_none() {
            self.error(
                at,
                format!("test `{name}` has no input"),
                "add `input:` (OTLP/JSON or the compact form) or `input_file:`",
            );
        }
        Some(TestCase { name, span, input, expect })
    }

    fn input(&mut self, written: Json, at: Span) -> Option<Json> {
        match compact::to_otlp(&written) {
            Ok(otlp) => Some(otlp),
            Err(message) => {
                self.error(at, message, "see the README's `ottlc test` section for the compact form");
                None
            }
        }
    }

    fn input_file(&mut self, id: NodeId) -> Option<Json> {
        let (path, at) = self.string(id, "`input_file`")?;
        let read = std::fs::read_to_string(beside(self.dir, &path)).map_err(|e| e.to_string());
        match read.and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string())) {
            Ok(json) => Some(json),
            Err(message) => {
                self.error(at, format!("cannot read `{path}`: {message}"), "an input file holds OTLP/JSON");
                None
            }
        }
    }

    fn expect(&mut self, id: NodeId) -> Expect {
        let mut expect = Expect::default();
        for (key, value, _) in self.entries(id, "`expect`", EXPECT_KEYS) {
            let at = self.span(value);
            match key.as_str() {
                "conditions" => {
                    let items: Vec<NodeId> = match self.tree.node(value) {
                        tree::Node::Seq(items) => items.clone(),
                        _ => vec![value],
                    };
                    expect.conditions = items.into_iter().filter_map(|item| self.snippet(item)).collect();
                }
                "dropped" => match compact::to_json(self.tree, value) {
                    Json::Bool(dropped) => expect.dropped = Some((dropped, at)),
                    _ => self.error(at, "`dropped` is true or false", "`dropped: true`: the pipeline leaves no item"),
                },
                "route" => expect.route = self.string(value, "`route`"),
                "output" => expect.output = self.input(compact::to_json(self.tree, value), at).map(|json| (json, at)),
                "error" => expect.error = self.string(value, "`error`"),
                _ => expect.diagnostic = self.diagnostic(value),
            }
        }
        expect
    }

    fn snippet(&mut self, id: NodeId) -> Option<Snippet> {
        let at = self.span(id);
        let Some(scalar) = self.tree.string(id) else {
            self.error(at, "a condition is a string of OTTL", "quote it if YAML reads it as something else");
            return None;
        };
        Some(Snippet { text: scalar.value.clone(), map: scalar_source_map(self.src, scalar), span: at })
    }

    fn diagnostic(&mut self, id: NodeId) -> Option<(String, usize, Span)> {
        let at = self.span(id);
        let entries = self.entries(id, "`diagnostic`", &["code", "line"]);
        let field = |key: &str| entries.iter().find(|(k, _, _)| k == key).map(|&(_, value, _)| value);
        let code = field("code").and_then(|value| self.tree.string(value)).map(|s| s.value.clone());
        let line = field("line").and_then(|value| compact::to_json(self.tree, value).as_u64());
        match (code, line) {
            (Some(code), Some(line)) => Some((code, line as usize, at)),
            _ => {
                self.error(at, "a diagnostic has a `code` and a `line`", "`diagnostic: {code: E0101, line: 3}`");
                None
            }
        }
    }
}

/// `path` as written in a test file in `dir`: joined, each `..` taking back the folder
/// before it (so that reports name `tests/realworld/configs/x.yaml`, not
/// `ottlc/tests/golden/../../../tests/realworld/configs/x.yaml`).
fn beside(dir: &Path, path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in dir.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_beside_the_test_file_take_back_folders() {
        assert_eq!(beside(Path::new("ottlc/tests/golden"), "../../../examples/a.ottl"), PathBuf::from("examples/a.ottl"));
        assert_eq!(beside(Path::new("a"), "../../b.yaml"), PathBuf::from("../b.yaml"));
        assert_eq!(beside(Path::new(""), "./c.yaml"), PathBuf::from("c.yaml"));
    }
}
