//! Completion that knows where the cursor is: the fields after `span.`, keys inside
//! `attributes["`, named arguments and values inside a call, the symbols of the enum a
//! path compares with, editors where a statement starts, `where`/`and`/`or` after an
//! action or an operand.

use ottl_compiler::registry::{self, Function, ParamNames};
use ottl_compiler::schema::{self, ChildKind, Context, ContextTable, EnumTable};
use ottl_grammar::Span;
use tower_lsp_server::ls_types::CompletionItemKind;

use crate::cursor::Cursor;
use crate::regions::{Region, RegionKind};

/// One completion, with the span of the region's text it replaces.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub label: String,
    pub kind: CompletionItemKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    pub insert: String,
    /// Whether `insert` is an LSP snippet (`set(${1:target}, ${2:value})`).
    pub snippet: bool,
    /// Lower groups sort first: the likeliest candidates for the place.
    pub group: u8,
    pub replace: Span,
}

/// What the caller knows beyond the region.
pub struct Request<'a> {
    /// The statements' context, when known.
    pub context: Option<Context>,
    /// Attribute keys written anywhere in the document, most used first.
    pub known_keys: &'a [String],
    /// Whether the client expands snippets.
    pub snippets: bool,
}

/// The completions at text offset `offset` of `region`, each name once (the first offer,
/// the likeliest for the place, wins).
pub fn complete(region: &Region, offset: usize, request: &Request<'_>) -> Vec<Candidate> {
    let mut seen = std::collections::HashSet::new();
    let mut candidates = candidates(region, offset, request);
    candidates.retain(|c| seen.insert(c.label.clone()));
    candidates
}

fn candidates(region: &Region, offset: usize, request: &Request<'_>) -> Vec<Candidate> {
    let item = region.item_at(offset);
    let cursor = Cursor::new(&region.text, item.start, offset);
    let mut out = Completions { replace: Span::new(cursor.word_start, offset), request, items: Vec::new() };

    if let Some(names) = cursor.path_before_bracket() {
        if cursor.in_string() {
            out.replace = Span::new(cursor.word_start + 1, offset);
            out.keys(false);
        } else if cursor.word.is_none() && names.last().is_some_and(|n| *n == "attributes" || *n == "cache") {
            out.keys(true);
        }
        return out.items;
    }
    if cursor.in_string() {
        return Vec::new();
    }
    if let Some(names) = cursor.path_before_dot() {
        out.fields(&names, 0);
        return out.items;
    }
    let call = cursor.enclosing_call();
    // Where an argument starts (the word being typed, if any, is not part of the tokens).
    if let Some(call) = &call
        && call.named.is_none()
        && !call.in_literal
        && call.at_argument_start
    {
        if let Some(signature) = signature_of(call.name) {
            out.named_arguments(signature, &call.given_names);
        }
        if call.argument == 1
            && let Some(table) = enum_of(&call.first_argument_names(), request.context)
        {
            out.enum_symbols(table, 0);
        }
        out.values(2);
        return out.items;
    }
    if cursor.at_statement_start() {
        match region.kind {
            RegionKind::Statement => out.editors(),
            RegionKind::Condition => out.values(1),
            RegionKind::Document => {
                out.editors();
                out.values(2);
            }
        }
        return out.items;
    }
    if cursor.after_action() {
        out.keyword("where", 0);
        return out.items;
    }
    if let Some(names) = cursor.compared_path() {
        if let Some(table) = enum_of(&names, request.context) {
            out.enum_symbols(table, 0);
        }
        out.values(1);
        return out.items;
    }
    if cursor.after_operand() {
        out.keyword("and", 0);
        out.keyword("or", 0);
        return out.items;
    }
    out.values(1);
    out.items
}

/// The enum of the field `names` spells (`span.kind`, `severity_number`), if it has one.
fn enum_of(names: &[&str], context: Option<Context>) -> Option<&'static EnumTable> {
    let (prefix_context, rest) = split_prefix(names, context)?;
    schema::entry(prefix_context, rest)?.enum_table
}

/// The context a path addresses and its names after the prefix: `span.kind` → (span,
/// `kind`); `kind` in a span statement → (span, `kind`).
pub fn split_prefix<'n, 's>(names: &'n [&'s str], context: Option<Context>) -> Option<(Context, &'n [&'s str])> {
    let (first, rest) = names.split_first()?;
    match (Context::parse(first), context) {
        (Some(prefix), Some(own)) if own.accepts_prefix(first) && !own.table().iter().any(|e| e.segments[0] == *first) => {
            Some((prefix, rest))
        }
        (Some(prefix), None) => Some((prefix, rest)),
        (_, Some(own)) => Some((own, names)),
        (None, None) => None,
    }
}

/// The signature a call's name stands for: an editor when lowercase, a converter when
/// capitalised (the seed's lowercase converters resolve as written).
pub fn signature_of(name: &str) -> Option<&'static Function> {
    let kind =
        if name.starts_with(char::is_uppercase) { registry::FunctionKind::Converter } else { registry::FunctionKind::Editor };
    registry::lookup_kind(name, kind).or_else(|| registry::lookup(name))
}

struct Completions<'a> {
    replace: Span,
    request: &'a Request<'a>,
    items: Vec<Candidate>,
}

impl Completions<'_> {
    fn push(&mut self, label: impl Into<String>, kind: CompletionItemKind, group: u8) -> &mut Candidate {
        let label = label.into();
        self.items.push(Candidate {
            insert: label.clone(),
            label,
            kind,
            detail: None,
            documentation: None,
            snippet: false,
            group,
            replace: self.replace,
        });
        #[expect(clippy::expect_used, reason = "the item was pushed on the line above")]
        let item = self.items.last_mut().expect("just pushed");
        item
    }

    fn keyword(&mut self, word: &str, group: u8) {
        self.push(word, CompletionItemKind::KEYWORD, group);
    }

    /// The attribute keys of the document, bare inside a string, quoted after `[`.
    fn keys(&mut self, quoted: bool) {
        for key in self.request.known_keys {
            let insert = if quoted { ottl_grammar::printer::string(key) } else { key.clone() };
            let candidate = self.push(key.clone(), CompletionItemKind::VALUE, 0);
            candidate.insert = insert;
            candidate.detail = Some("attribute key used in this document".to_string());
        }
    }

    /// The names after `names.` in the request's context.
    fn fields(&mut self, names: &[&str], group: u8) {
        let context = self.request.context.or_else(|| names.first().and_then(|n| Context::parse(n)));
        let Some(context) = context else { return };
        for child in schema::children(context, names) {
            let kind = match (child.kind, child.entry) {
                (ChildKind::Prefix(_), _) => CompletionItemKind::MODULE,
                (_, Some(entry)) if entry.enum_table.is_some() => CompletionItemKind::ENUM,
                (_, Some(_)) => CompletionItemKind::FIELD,
                (_, None) => CompletionItemKind::STRUCT,
            };
            let candidate = self.push(child.name, kind, group);
            if let Some(entry) = child.entry {
                candidate.detail = Some(entry.ty().to_string());
                candidate.documentation = Some(entry.doc.to_string());
            }
        }
    }

    /// The editors the context allows, as call snippets.
    fn editors(&mut self) {
        let context = self.request.context;
        for signature in registry::registry().iter().copied().filter(|s| s.is_editor() && allowed(s, context)) {
            self.function(signature, 0);
        }
    }

    fn function(&mut self, signature: &'static Function, group: u8) {
        let snippets = self.request.snippets;
        let kind = if signature.is_editor() { CompletionItemKind::METHOD } else { CompletionItemKind::FUNCTION };
        let candidate = self.push(signature.name, kind, group);
        candidate.detail = Some(signature.display_signature());
        candidate.documentation = Some(signature.doc.to_string());
        if snippets {
            let params: Vec<String> = signature
                .params
                .iter()
                .filter(|p| !p.optional)
                .enumerate()
                .map(|(i, p)| format!("${{{}:{}}}", i + 1, p.name))
                .collect();
            candidate.insert = format!("{}({})", signature.name, params.join(", "));
            candidate.snippet = true;
        }
    }

    /// `name = ` for every parameter not given yet.
    fn named_arguments(&mut self, signature: &Function, given: &[&str]) {
        for param in signature.params.iter().filter(|p| !given.iter().any(|g| p.accepts_name(g))) {
            let candidate = self.push(format!("{} =", param.name), CompletionItemKind::VARIABLE, 1);
            candidate.insert = format!("{} = ", param.name);
            candidate.detail = Some(format!("{}{}", param.kind.go_type(), if param.optional { " (optional)" } else { "" }));
        }
    }

    fn enum_symbols(&mut self, table: &EnumTable, group: u8) {
        for &(symbol, value) in table.symbols {
            let candidate = self.push(symbol, CompletionItemKind::ENUM_MEMBER, group);
            candidate.detail = Some(format!("= {value}"));
            candidate.documentation = Some(table.doc.to_string());
        }
    }

    /// Everything a value may start with: paths, converters, enum symbols, literals.
    fn values(&mut self, group: u8) {
        let context = self.request.context;
        match context {
            Some(_) => self.fields(&[], group),
            None => {
                for context in Context::STATEMENT_CONTEXTS {
                    self.push(context.name(), CompletionItemKind::MODULE, group);
                }
            }
        }
        for signature in registry::converters().filter(|s| allowed(s, context) && s.alias_of.is_none()) {
            self.function(signature, group + 1);
        }
        if let Some(context) = context {
            for table in schema::enum_tables(context) {
                self.enum_symbols(table, group + 2);
            }
        }
        for word in ["nil", "true", "false", "not"] {
            self.keyword(word, group + 2);
        }
    }
}

fn allowed(signature: &Function, context: Option<Context>) -> bool {
    context.is_none_or(|c| signature.allowed_in(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::regions;
    use ottl_compiler::source::SourceKind;

    /// Labels offered at the end of `text` (a `.ottl` document, or one snippet of `kind`).
    fn labels_at_end(text: &str, kind: RegionKind) -> Vec<String> {
        let mut region = regions(text, SourceKind::Ottl).unwrap().remove(0);
        region.kind = kind;
        let keys = crate::keys::attribute_keys(std::slice::from_ref(&region));
        let request = Request { context: region.context(Some(Context::Span)), known_keys: &keys, snippets: false };
        complete(&region, text.len(), &request).into_iter().map(|c| c.label).collect()
    }

    #[test]
    fn each_place_offers_its_own_kind_of_name() {
        let statement_start = labels_at_end("", RegionKind::Statement);
        assert!(statement_start.contains(&"set".to_string()) && !statement_start.contains(&"IsMatch".to_string()));
        let condition_start = labels_at_end("", RegionKind::Condition);
        assert!(condition_start.contains(&"IsMatch".to_string()) && !condition_start.contains(&"set".to_string()));
        assert!(condition_start.contains(&"resource".to_string()), "context prefixes: {condition_start:?}");
        assert_eq!(labels_at_end("set(name, \"a\") ", RegionKind::Statement), ["where"]);
        assert_eq!(labels_at_end("name == \"a\" ", RegionKind::Condition), ["and", "or"]);
        assert_eq!(labels_at_end("set(span.status.", RegionKind::Statement), ["code", "message"]);
        let compared = labels_at_end("set(name, \"x\") where span.kind == ", RegionKind::Statement);
        assert_eq!(compared.iter().filter(|l| *l == "SPAN_KIND_SERVER").count(), 1, "offered once");
        let in_list = labels_at_end("set(name, Concat([name, ", RegionKind::Statement);
        assert!(!in_list.contains(&"delimiter =".to_string()) && in_list.contains(&"name".to_string()), "{in_list:?}");
        assert!(!labels_at_end("set(name, \"no completion in a plain str", RegionKind::Statement).iter().any(|l| l == "set"));
    }

    #[test]
    fn keys_come_from_the_document() {
        let text = "set(attributes[\"b\"], 1)\nset(attributes[\"a\"], attributes[\"b\"])\nset(attributes[";
        assert_eq!(labels_at_end(text, RegionKind::Document), ["b", "a"], "most used first");
        let mut region = regions(text, SourceKind::Ottl).unwrap().remove(0);
        region.kind = RegionKind::Document;
        let keys = crate::keys::attribute_keys(std::slice::from_ref(&region));
        let request = Request { context: Some(Context::Span), known_keys: &keys, snippets: false };
        let inserted: Vec<String> = complete(&region, text.len(), &request).into_iter().map(|c| c.insert).collect();
        assert_eq!(inserted, ["\"b\"", "\"a\""], "quoted after `[`");
    }

    #[test]
    fn named_arguments_leave_out_the_given_ones() {
        let labels = labels_at_end("replace_pattern(name, \"a\", \"b\", replacement_format = \"%s\", ", RegionKind::Statement);
        assert!(labels.contains(&"function =".to_string()), "{labels:?}");
        assert!(!labels.contains(&"replacement_format =".to_string()));
    }
}
