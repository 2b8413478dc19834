//! The protocol: document sync, settings, and every request routed to its module.
//!
//! Every request is answered from the document as it stands, broken or not: the modules
//! behind it read tokens where the tree is missing, and a request that finds nothing to say
//! answers `null` rather than an error. Diagnostics are computed and published on every
//! change, and an open `ottlc test` file's again when what it tests changes.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use ottl_compiler::AnalysisOptions;
use ottl_compiler::schema::Context;
use ottl_compiler::source::SourceKind;
use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::completion::{self, Candidate};
use crate::diagnostics;
use crate::document::{self, Document};
use crate::line_index::Encoding;
use crate::regions::{self, Region};
use crate::{formatting, hover, keys, semantic_tokens, signature, symbols, test_files};

pub struct Backend {
    client: Client,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    documents: HashMap<Uri, Document>,
    settings: Settings,
    encoding: Encoding,
    snippets: bool,
}

/// The user's settings: `initializationOptions` at start, `workspace/didChangeConfiguration`
/// after (either flat or under an `ottl` key, as VS Code sends them).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Settings {
    /// The context of `.ottl` files whose paths name none; a name that is no statement
    /// context is ignored (the files' contexts are inferred instead).
    #[serde(deserialize_with = "statement_context")]
    default_context: Option<Context>,
    /// Collector feature gates assumed enabled.
    feature_gates: Vec<String>,
}

impl Settings {
    fn from_json(value: &Value) -> Settings {
        let value = value.get("ottl").unwrap_or(value);
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    fn check_options(&self) -> AnalysisOptions {
        AnalysisOptions { context: self.default_context, feature_gates: self.feature_gates.clone(), ..AnalysisOptions::default() }
    }
}

impl State {
    /// A file as the editor has it: its buffer when it is open, else the disk's copy.
    fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.documents.values().find(|document| document.path() == path) {
            Some(document) => Ok(document.text.clone()),
            None => std::fs::read_to_string(path),
        }
    }

    /// Every diagnostic of `document` in the compiler's terms (document byte spans).
    fn diagnostics(&self, document: &Document) -> Vec<ottl_grammar::Diagnostic> {
        let options = self.settings.check_options();
        match document.is_test_file() {
            true => test_files::diagnostics(document, &|path| self.read(path), &options),
            false => diagnostics::check(document, &options),
        }
    }

    /// The OTTL regions of `document`; `None` when its YAML does not parse.
    fn regions(&self, document: &Document) -> Option<Vec<Region>> {
        match document.is_test_file() {
            true => Some(test_files::regions(document, &|path| self.read(path), &self.settings.check_options())),
            false => regions::regions(&document.text, document.kind).ok(),
        }
    }

    /// The attribute keys to offer in `document`, most likely first.
    fn attribute_keys(&self, document: &Document, regions: &[Region]) -> Vec<String> {
        match document.is_test_file() {
            true => test_files::attribute_keys(document, regions, &|path| self.read(path)),
            false => keys::attribute_keys(regions),
        }
    }

    /// The open test files that test the file at `uri`: their diagnostics follow its text.
    fn testing(&self, uri: &Uri) -> Vec<Uri> {
        let changed = document::path(uri);
        self.documents
            .values()
            .filter(|document| document.is_test_file() && test_files::target_path(document).is_some_and(|p| p == changed))
            .map(|document| document.uri.clone())
            .collect()
    }
}

/// A context name from the settings, as the context it names.
fn statement_context<'de, D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<Context>, D::Error> {
    let name = Option::<String>::deserialize(deserializer)?;
    Ok(name.as_deref().and_then(Context::parse).filter(|c| c.is_statement_context()))
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend { client, state: Mutex::new(State::default()) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock must not take every later request down with it.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Checks `uri` and publishes its diagnostics.
    async fn publish(&self, uri: Uri) {
        let published = {
            let state = self.state();
            state.documents.get(&uri).map(|document| {
                let found = state.diagnostics(document);
                let lsp: Vec<Diagnostic> = found.iter().map(|d| diagnostics::to_lsp(d, document)).collect();
                (lsp, document.version)
            })
        };
        if let Some((diagnostics, version)) = published {
            self.client.publish_diagnostics(uri, diagnostics, Some(version)).await;
        }
    }

    /// Publishes again the diagnostics of the open test files that test `uri`, whose text
    /// (the editor's, or the disk's once closed) has changed.
    async fn publish_testing(&self, uri: &Uri) {
        let testing = self.state().testing(uri);
        for test_file in testing {
            self.publish(test_file).await;
        }
    }

    /// Runs `f` on the document at `uri`, its OTTL regions and the state; `None` when the
    /// document is unknown or its YAML does not parse.
    fn with_regions<T>(&self, uri: &Uri, f: impl FnOnce(&Document, &[Region], &State) -> Option<T>) -> Option<T> {
        let state = self.state();
        let document = state.documents.get(uri)?;
        let regions = state.regions(document)?;
        f(document, &regions, &state)
    }

    /// Runs `f` on the region under `position` and the offset in its text.
    fn at_position<T>(
        &self,
        uri: &Uri,
        position: Position,
        f: impl FnOnce(&Document, &[Region], &Region, usize, &State) -> Option<T>,
    ) -> Option<T> {
        self.with_regions(uri, |document, regions, state| {
            let offset = document.offset(position);
            let (region, at) = regions::region_at(regions, &document.text, offset)?;
            f(document, regions, region, at, state)
        })
    }

    /// The `ottl/explain` request: `{"code": "E0011"}` → the code's explanation as Markdown.
    pub async fn explain(&self, params: ExplainParams) -> Result<Option<String>> {
        Ok(diagnostics::explain(&params.code))
    }
}

#[derive(Debug, Deserialize)]
pub struct ExplainParams {
    pub code: String,
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([".", "[", "\"", "(", ",", " "].map(String::from).to_vec()),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".to_string(), ",".to_string()]),
            retrigger_characters: Some(vec![" ".to_string(), "=".to_string()]),
            work_done_progress_options: Default::default(),
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
            legend: SemanticTokensLegend { token_types: semantic_tokens::LEGEND.to_vec(), token_modifiers: Vec::new() },
            full: Some(SemanticTokensFullOptions::Bool(true)),
            range: None,
            ..Default::default()
        })),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = Encoding::negotiate(params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref()));
        let snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        {
            let mut state = self.state();
            state.encoding = encoding;
            state.snippets = snippets;
            if let Some(options) = &params.initialization_options {
                state.settings = Settings::from_json(options);
            }
        }
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo { name: "ottl-lsp".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let uri = item.uri.clone();
        {
            let mut state = self.state();
            let encoding = state.encoding;
            let document = Document::new(item.uri, &item.language_id, item.text, item.version, encoding);
            state.documents.insert(uri.clone(), document);
        }
        self.publish_testing(&uri).await;
        self.publish(uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut state = self.state();
            let encoding = state.encoding;
            let Some(document) = state.documents.get_mut(&uri) else { return };
            document.apply(params.content_changes, params.text_document.version, encoding);
        }
        self.publish_testing(&uri).await;
        self.publish(uri).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state().documents.remove(&uri);
        self.publish_testing(&uri).await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let uris: Vec<Uri> = {
            let mut state = self.state();
            state.settings = Settings::from_json(&params.settings);
            state.documents.keys().cloned().collect()
        };
        for uri in uris {
            self.publish(uri).await;
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let items = self.at_position(&position.text_document.uri, position.position, |document, regions, region, at, state| {
            let known_keys = state.attribute_keys(document, regions);
            let request = completion::Request {
                context: region.context(state.settings.default_context),
                known_keys: &known_keys,
                snippets: state.snippets,
            };
            let candidates = completion::complete(region, at, &request);
            let cursor = document.offset(position.position);
            Some(candidates.into_iter().map(|c| completion_item(c, document, region, cursor)).collect::<Vec<_>>())
        });
        Ok(items.map(CompletionResponse::Array))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        Ok(self.at_position(&position.text_document.uri, position.position, |document, _, region, at, state| {
            let (markdown, span) = hover::hover(region, at, region.context(state.settings.default_context))?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
                range: Some(document.range(region.document_range(span))),
            })
        }))
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let position = params.text_document_position_params;
        Ok(self.at_position(&position.text_document.uri, position.position, |_, _, region, at, _| {
            signature::signature_help(region, at)
        }))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self.with_regions(&params.text_document.uri, |document, regions, _| Some(formatting::format(document, regions))))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self.with_regions(&params.text_document.uri, |document, regions, _| {
            Some(DocumentSymbolResponse::Nested(symbols::symbols(document, regions)))
        }))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        Ok(self.with_regions(&params.text_document.uri, |document, regions, _| {
            let data = encode_tokens(document, regions);
            Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let state = self.state();
        let Some(document) = state.documents.get(&params.text_document.uri) else { return Ok(None) };
        let wanted = document.offset(params.range.start)..document.offset(params.range.end);
        let actions = state
            .diagnostics(document)
            .into_iter()
            .filter_map(|diagnostic| {
                let fix = diagnostic.fix.as_ref().filter(|fix| fits_in_place(document, fix))?;
                let span = diagnostic.span();
                let touches = span.start <= wanted.end && wanted.start <= span.end;
                touches.then(|| quick_fix(document, &diagnostic, fix))
            })
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        Ok(Some(actions))
    }
}

/// Whether a fix's text can go into the document as it is. In YAML the OTTL sits in a
/// scalar whose style may need quotes and backslashes escaped, so only fixes free of them
/// are offered there (names, operators, keywords).
fn fits_in_place(document: &Document, fix: &ottl_grammar::Fix) -> bool {
    document.kind != SourceKind::CollectorYaml || !fix.replacement.contains(['"', '\'', '\\', '$'])
}

/// "Replace `stauts` with `status`", as an edit of the document.
fn quick_fix(document: &Document, diagnostic: &ottl_grammar::Diagnostic, fix: &ottl_grammar::Fix) -> CodeAction {
    let written = document.text.get(fix.span.range()).unwrap_or_default();
    let edit = TextEdit { range: document.range(fix.span.range()), new_text: fix.replacement.clone() };
    CodeAction {
        title: format!("Replace `{written}` with `{}`", fix.replacement),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostics::to_lsp(diagnostic, document)]),
        edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(document.uri.clone(), vec![edit])])), ..Default::default() }),
        is_preferred: Some(true),
        ..Default::default()
    }
}

/// An empty replacement inserts at the cursor, which may lie past the region's text (spaces
/// after a plain YAML scalar).
fn completion_item(candidate: Candidate, document: &Document, region: &Region, cursor: usize) -> CompletionItem {
    let range = if candidate.replace.is_empty() {
        document.range(cursor..cursor)
    } else {
        document.range(region.document_range(candidate.replace))
    };
    CompletionItem {
        sort_text: Some(format!("{}{}", candidate.group, candidate.label)),
        kind: Some(candidate.kind),
        detail: candidate.detail,
        documentation: candidate
            .documentation
            .map(|value| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value })),
        insert_text_format: Some(if candidate.snippet { InsertTextFormat::SNIPPET } else { InsertTextFormat::PLAIN_TEXT }),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: candidate.insert })),
        label: candidate.label,
        ..Default::default()
    }
}

/// Semantic tokens of every region, in document order, delta-encoded. A token whose text
/// does not stand on one line of the file as written (a folded or escaped piece of YAML)
/// is left to the TextMate grammar.
fn encode_tokens(document: &Document, regions: &[Region]) -> Vec<SemanticToken> {
    let mut tokens: Vec<(Position, u32, u32)> = Vec::new();
    for region in regions {
        for (span, kind) in semantic_tokens::classify(&region.text) {
            if !region.maps_verbatim(&document.text, span) {
                continue;
            }
            let range = document.range(region.document_range(span));
            if range.start.line != range.end.line {
                continue;
            }
            tokens.push((range.start, range.end.character - range.start.character, kind as u32));
        }
    }
    tokens.sort_by_key(|(start, ..)| (start.line, start.character));
    let mut previous = Position::new(0, 0);
    tokens
        .into_iter()
        .map(|(start, length, token_type)| {
            let delta_line = start.line - previous.line;
            let delta_start = if delta_line == 0 { start.character - previous.character } else { start.character };
            previous = start;
            SemanticToken { delta_line, delta_start, length, token_type, token_modifiers_bitset: 0 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    /// A state with `files` open, none of them on disk.
    fn open(files: &[(&str, &str)]) -> State {
        let mut state = State::default();
        for (uri, text) in files {
            let uri = Uri::from_str(uri).unwrap();
            state.documents.insert(uri.clone(), Document::new(uri, "", text.to_string(), 1, Encoding::Utf16));
        }
        state
    }

    const TEST_FILE: &str = "file:///nowhere/t.ottl-test.yaml";
    const CONFIG: &str = "file:///nowhere/collector.yaml";

    #[test]
    fn a_test_file_is_checked_as_a_test_file_against_the_editors_config() {
        let config = "processors:\n  transform/a:\n    trace_statements:\n      - set(span.name, \"x\")\n";
        let test = "config: collector.yaml\nprocessors: [transform/a]\ntests:\n  - name: t\n    input: {span: {name: a}}\n    expect:\n      conditions: ['span.nmae == \"x\"']\n";
        let state = open(&[(CONFIG, config), (TEST_FILE, test)]);
        let document = &state.documents[&Uri::from_str(TEST_FILE).unwrap()];
        let codes: Vec<&str> = state.diagnostics(document).iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["E0100"], "the expectation's typo, not a config's layout");
        let regions = state.regions(document).unwrap();
        assert_eq!((regions.len(), regions[0].context(None)), (1, Some(Context::Span)));
    }

    #[test]
    fn the_test_files_of_a_target_are_those_naming_it() {
        let test = "config: collector.yaml\npipeline: traces\ntests: []\n";
        let other = "rules: other.ottl\ntests: []\n";
        let state = open(&[(CONFIG, ""), (TEST_FILE, test), ("file:///nowhere/o.ottl-test.yaml", other)]);
        assert_eq!(state.testing(&Uri::from_str(CONFIG).unwrap()), [Uri::from_str(TEST_FILE).unwrap()]);
        assert_eq!(state.testing(&Uri::from_str("file:///nowhere/closed.yaml").unwrap()), []);
    }
}
