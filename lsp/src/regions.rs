//! Where the OTTL of a document is, and in which context it runs.
//!
//! A `.ottl` file is one region: the whole text, one statement or condition per line. A
//! collector config holds one region per OTTL string (found by the compiler's YAML layer),
//! each with the map from its decoded text back to the file. Every request maps the cursor
//! into a region, works on OTTL text, and maps its answer back out. An `ottlc test` file
//! holds one condition region per expectation (see `test_files`), checked in its test's
//! scope.

use std::ops::Range;

use ottl_compiler::schema::{self, Context};
use ottl_compiler::sema;
use ottl_compiler::source::SourceKind;
use ottl_compiler::yaml::{self, GivenContext, SnippetKind, SourceMap};
use ottl_grammar::document::parse_document;
use ottl_grammar::lexer::{Token, lex};
use ottl_grammar::{EntryPoint, Node, Parsed, Span, parse_tokens};
use ottl_testfile::Scope;
use ottl_testfile::spec::Snippet;

/// What a region holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    /// A `.ottl` document: statements and conditions, one per line.
    Document,
    /// One statement (a transform processor's list item).
    Statement,
    /// One condition (filter processors, transform group conditions, routing, sampling).
    Condition,
}

/// One piece of OTTL text in a document.
#[derive(Clone, Debug)]
pub struct Region {
    /// The OTTL as the collector reads it (YAML-decoded for a config).
    pub text: String,
    pub kind: RegionKind,
    /// The context the config gives (`context: span`, a filter's `span:` list).
    pub given_context: Option<GivenContext>,
    /// `processors/transform/mask`, for a snippet of a config; the test's name, for an
    /// expectation of a test file.
    pub component: Option<String>,
    /// Where an expectation of a test file is checked: its context is inferred among the
    /// scope's, as `ottlc test` infers it.
    pub scope: Option<Scope>,
    /// Text offsets → document offsets; `None` when the region is the document itself.
    map: Option<SourceMap>,
}

impl Region {
    /// An expectation of the test named `test`: a condition checked in `scope`, when a
    /// signal is known.
    pub fn expectation(snippet: &Snippet, test: &str, scope: Option<Scope>) -> Region {
        Region {
            text: snippet.text.clone(),
            kind: RegionKind::Condition,
            given_context: None,
            component: Some(test.to_string()),
            scope,
            map: Some(snippet.map.clone()),
        }
    }

    pub fn document_range(&self, span: Span) -> Range<usize> {
        self.map.as_ref().map_or(span.range(), |map| map.range_to_source(span.range()))
    }

    /// The text offset at document offset `offset`, if the region holds it.
    pub fn text_offset(&self, offset: usize) -> Option<usize> {
        match &self.map {
            None => Some(offset.min(self.text.len())),
            Some(map) => map.to_text(offset),
        }
    }

    /// Whether a text range maps to a document range holding exactly the same text, so that
    /// an edit of the text can be made in the document as it stands (a plain scalar or a
    /// quoted one without escapes on the way).
    pub fn maps_verbatim(&self, document: &str, span: Span) -> bool {
        let range = self.document_range(span);
        document.get(range).is_some_and(|written| written == &self.text[span.range()])
    }

    /// The context its statements run in: the config's, else the one given by the user's
    /// setting for `.ottl` files, else inferred from path prefixes as the collector does,
    /// else guessed from the context prefixes written so far (the text may not parse yet).
    /// An expectation's is its scope's: inferred among the signal's contexts, else the
    /// scope's fallback.
    pub fn context(&self, default: Option<Context>) -> Option<Context> {
        if let Some(given) = &self.given_context {
            return given.statement();
        }
        if let Some(scope) = &self.scope {
            return Some(self.context_in(scope));
        }
        if self.kind == RegionKind::Document
            && let Some(context) = default
        {
            return Some(context);
        }
        let parsed = self.parse_all();
        let clean: Vec<&Node> = parsed.iter().filter(|p| !p.has_errors()).filter_map(|p| p.node.as_ref()).collect();
        if !clean.is_empty()
            && let Ok(context) = sema::infer_context(clean)
        {
            return Some(context);
        }
        self.prefix_guess(Context::STATEMENT_CONTEXTS).or(default)
    }

    /// The context of an expectation, as `ottlc test` checks it (the compiler's
    /// `analyze_expression`): what its prefixes infer among the scope's contexts, else the
    /// scope's fallback; for text that does not parse yet, the prefixes written so far.
    fn context_in(&self, scope: &Scope) -> Context {
        let parsed = self.parse_snippet();
        let inferred = match parsed.node.as_ref().filter(|_| !parsed.has_errors()) {
            Some(node) => sema::infer_context_among([node], scope.candidates()).ok(),
            None => self.prefix_guess(scope.candidates()),
        };
        inferred.unwrap_or(scope.fallback)
    }

    /// The highest-priority context prefix among `candidates` written anywhere in the text
    /// (`span.` in `span.na`), for half-typed text the parser cannot read yet.
    fn prefix_guess(&self, candidates: &[Context]) -> Option<Context> {
        let tokens = lex(&self.text);
        let prefixes: Vec<&str> = tokens
            .windows(2)
            .filter_map(|pair| match pair {
                [(Token::LowerIdent(name), _), (Token::Dot, _)] if Context::parse(name).is_some() => Some(*name),
                _ => None,
            })
            .collect();
        schema::infer_with(&prefixes, candidates, |_| Ok(())).ok()
    }

    /// Every statement or condition of the region, parsed (with errors where they are).
    pub fn parse_all(&self) -> Vec<Parsed<Node>> {
        match self.kind {
            RegionKind::Document => parse_document(&self.text).items.into_iter().map(|item| item.parsed).collect(),
            RegionKind::Statement | RegionKind::Condition => vec![self.parse_snippet()],
        }
    }

    fn parse_snippet(&self) -> Parsed<Node> {
        let entry = if self.kind == RegionKind::Statement { EntryPoint::Statement } else { EntryPoint::Condition };
        parse_tokens(&self.text, &lex(&self.text), entry)
    }

    /// The statement or condition around text offset `offset`, with the span it covers: for
    /// a document, the item that starts last at or before it (or, past a finished item's last
    /// line, a new empty one at the cursor's line).
    pub fn item_at(&self, offset: usize) -> Item {
        if self.kind != RegionKind::Document {
            return Item { start: 0, parsed: Some(self.parse_snippet()) };
        }
        let line_start = self.text[..offset.min(self.text.len())].rfind('\n').map_or(0, |i| i + 1);
        let document = parse_document(&self.text);
        let Some(item) = document.items.into_iter().rev().find(|item| item.span.start <= offset) else {
            return Item { start: line_start, parsed: None };
        };
        let past_its_end = item.span.end < line_start && is_balanced(&self.text[item.span.range()]);
        if past_its_end {
            return Item { start: line_start, parsed: None };
        }
        Item { start: item.span.start, parsed: Some(item.parsed) }
    }
}

/// One statement or condition of a region, as far as it goes.
pub struct Item {
    /// Where it starts in the region's text.
    pub start: usize,
    pub parsed: Option<Parsed<Node>>,
}

/// Whether every bracket opened in `text` is closed.
fn is_balanced(text: &str) -> bool {
    crate::cursor::bracket_depth(&lex(text)) <= 0
}

/// The OTTL regions of a document, or the YAML error that hides them.
pub fn regions(text: &str, kind: SourceKind) -> Result<Vec<Region>, yaml::YamlError> {
    match kind {
        SourceKind::Ottl => Ok(vec![Region {
            text: text.to_string(),
            kind: RegionKind::Document,
            given_context: None,
            component: None,
            scope: None,
            map: None,
        }]),
        SourceKind::CollectorYaml => Ok(yaml::extract(text)?
            .into_iter()
            .map(|snippet| Region {
                text: snippet.text,
                kind: match snippet.kind {
                    SnippetKind::Statement => RegionKind::Statement,
                    SnippetKind::Condition => RegionKind::Condition,
                },
                given_context: snippet.context,
                component: Some(snippet.component),
                scope: None,
                map: Some(snippet.source_map),
            })
            .collect()),
    }
}

/// The region holding document offset `offset` of `document` and the offset in its text.
/// A cursor after spaces that end a plain YAML scalar is at the end of its text: YAML
/// drops those spaces from the value, but the user just typed them (`… == |`).
pub fn region_at<'r>(regions: &'r [Region], document: &str, offset: usize) -> Option<(&'r Region, usize)> {
    regions.iter().find_map(|region| region.text_offset(offset).map(|at| (region, at))).or_else(|| {
        regions.iter().find_map(|region| {
            let end = region.document_range(Span::new(region.text.len(), region.text.len())).end;
            let gap = document.get(end..offset)?;
            (!gap.is_empty() && gap.bytes().all(|b| b == b' ' || b == b'\t')).then_some((region, region.text.len()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_in_yaml_lands_in_its_snippet() {
        let yaml = "processors:\n  transform:\n    trace_statements:\n      - context: span\n        statements:\n          - set(name, \"x\")\n          - 'set(attributes[\"a\"], ''q'')'\n";
        let regions = regions(yaml, SourceKind::CollectorYaml).unwrap();
        assert_eq!(regions.len(), 2);
        let (region, at) = region_at(&regions, yaml, yaml.find("name").unwrap() + 2).unwrap();
        assert_eq!(&region.text[at..], "me, \"x\")");
        assert_eq!(region.context(None), Some(Context::Span));
        let (region, at) = region_at(&regions, yaml, yaml.find("''q").unwrap() + 2).unwrap();
        assert_eq!(&region.text[at..], "q')");
        assert!(region_at(&regions, yaml, yaml.find("context").unwrap()).is_none());
    }

    #[test]
    fn spaces_typed_after_a_plain_scalar_belong_to_it() {
        let yaml = "processors:\n  filter:\n    traces:\n      span:\n        - kind ==   \n        - name\n";
        let regions = regions(yaml, SourceKind::CollectorYaml).unwrap();
        let after_spaces = yaml.find("==").unwrap() + 5;
        let (region, at) = region_at(&regions, yaml, after_spaces).unwrap();
        assert_eq!((region.text.as_str(), at), ("kind ==", 7));
        assert!(region_at(&regions, yaml, yaml.find("- name").unwrap()).is_none(), "the dash is no scalar's");
    }

    #[test]
    fn contexts_come_from_prefixes_even_before_the_text_parses() {
        let region = regions("set(span.attributes[\"a\"], span.na", SourceKind::Ottl).unwrap().remove(0);
        assert_eq!(region.context(None), Some(Context::Span));
        assert_eq!(region.context(Some(Context::Log)), Some(Context::Log), "the setting wins for .ottl files");
    }

    #[test]
    fn a_new_line_after_a_finished_item_starts_a_new_one() {
        let text = "set(name, \"a\")\nset(attributes[\"x\"],\n  1)\nkeep";
        let region = regions(text, SourceKind::Ottl).unwrap().remove(0);
        assert_eq!(region.item_at(text.find("1)").unwrap()).start, text.find("set(attr").unwrap());
        assert_eq!(region.item_at(text.len()).start, text.find("keep").unwrap());
    }
}
