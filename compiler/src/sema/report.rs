//! Diagnostics from the schema's, the registry's and the inference's errors. Those modules
//! say what is wrong as data; this one says it to the user, with the reference's wording
//! where users search for it and a fix where one is known.

use ottl_grammar::ast::{ExprKind, Path};
use ottl_grammar::{Code, Diagnostic};

use crate::registry::{BindError, Function};
use crate::schema::{Context, EnumError, InferenceError, PathError};

pub fn path_error(error: &PathError) -> Diagnostic {
    let code = match error {
        PathError::Empty { .. } | PathError::UnknownSegment { .. } | PathError::ExtraSegments { .. } => Code::UnknownPath,
        PathError::PrefixNotReachable { .. } => Code::UnreachableContext,
        PathError::PrefixOnly { .. } | PathError::Incomplete { .. } => Code::IncompletePath,
        PathError::KeysNotAllowed { .. } | PathError::KeyCount { .. } | PathError::KeyType { .. } => Code::InvalidPathKeys,
        PathError::CacheOutsideContext { .. } => Code::CacheOutsideContext,
    };
    let label = match error {
        PathError::UnknownSegment { .. } => "no such field",
        PathError::PrefixNotReachable { .. } => "not reachable from this context",
        PathError::ExtraSegments { .. } => "not part of any field",
        PathError::KeysNotAllowed { .. } | PathError::KeyCount { .. } | PathError::KeyType { .. } => "these keys",
        _ => "here",
    };
    let diagnostic = Diagnostic::new(code, error.message(), error.span(), label);
    match (error, error.suggestion()) {
        (_, Some(suggestion)) => diagnostic.with_suggestion(error.span(), suggestion),
        (PathError::UnknownSegment { candidates, .. }, None) if !candidates.is_empty() && candidates.len() <= 12 => {
            diagnostic.with_help(format!("valid here: {}", candidates.join(", ")))
        }
        (PathError::CacheOutsideContext { statement_context, prefix_span, .. }, None) => {
            let own = statement_context.name();
            diagnostic.with_help(format!("this statement's cache is `{own}.cache`")).with_fix(*prefix_span, own)
        }
        _ => diagnostic,
    }
}

/// E0105: an un-prefixed path in a statement whose context was inferred. The collector
/// resolves such paths only when the group names its context; the fix names it here.
pub fn missing_context_name(context: Context, path: &Path) -> Diagnostic {
    let written = original_text(path);
    let options: Vec<String> = context.prefixes().iter().map(|prefix| format!("\"{prefix}.{written}\"")).collect();
    let first = &path.segments[0].name;
    Diagnostic::new(
        Code::MissingContextName,
        format!("missing context name for path \"{written}\", possibly valid options are: {}", options.join(", ")),
        path.span,
        "no context name",
    )
    .with_suggestion(first.span, format!("{}.{}", context.name(), first.name))
}

/// A path as the collector quotes it in errors: names joined by dots, keys in brackets
/// without quotes (`attributes[env]`).
fn original_text(path: &Path) -> String {
    let mut out = String::new();
    for (i, segment) in path.segments.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&segment.name.name);
        for key in &segment.keys {
            match &key.expr.kind {
                ExprKind::String(s) => out.push_str(&format!("[{s}]")),
                ExprKind::Int(i) => out.push_str(&format!("[{i}]")),
                _ => out.push_str("[…]"),
            }
        }
    }
    out
}

pub fn enum_error(error: &EnumError) -> Diagnostic {
    let diagnostic = Diagnostic::new(Code::UnknownEnumSymbol, error.message(), error.span(), "unknown here");
    match error {
        EnumError::UnknownSymbol { suggestion: Some(s), .. } | EnumError::UnknownQualifier { suggestion: Some(s), .. } => {
            diagnostic.with_suggestion(error.span(), *s)
        }
        _ => diagnostic,
    }
}

pub fn inference_error(error: &InferenceError, span: ottl_grammar::Span) -> Diagnostic {
    let diagnostic = Diagnostic::new(Code::ContextInference, error.message(), span, "in this statement");
    let help = match (error, error.lower_message()) {
        (InferenceError::NoPrefix, _) => {
            "prefix the paths with their context (`span.name`, `log.body`), or name it: `context: span` in the collector's statement group, `--context span` for a .ottl file".to_string()
        }
        (_, Some(lower)) => format!("{lower}; split the statements into groups with a `context` each"),
        _ => "give the context explicitly".to_string(),
    };
    diagnostic.with_help(help)
}

pub fn bind_error(error: &BindError, signature: &Function) -> Option<Diagnostic> {
    let name = signature.name;
    let diagnostic = match error {
        // Reported by the grammar's validator already (E0019).
        BindError::PositionalAfterNamed { .. } => return None,
        BindError::UnknownParameter { name: param, span, suggestion } => {
            let diagnostic =
                Diagnostic::new(Code::UnknownArgumentName, format!("no such parameter: {param}"), *span, "unknown name");
            match suggestion {
                Some(s) => diagnostic.with_suggestion(*span, *s),
                None => diagnostic.with_help(format!("the parameters are: {}", signature.display_signature())),
            }
        }
        BindError::DuplicateParameter { param, span, previous } => Diagnostic::new(
            Code::UnknownArgumentName,
            format!("parameter `{param}` of `{name}` is given twice"),
            *span,
            "given again here",
        )
        .with_secondary(*previous, "first given here"),
        BindError::TooFewArguments { required, total, received, missing, call_span } => Diagnostic::new(
            Code::ArgumentCount,
            format!("incorrect number of arguments. Expected: {} Received: {received}", expected(*required, *total)),
            *call_span,
            format!("missing {}", missing.join(", ")),
        )
        .with_help(format!("`{}`", signature.display_signature())),
        BindError::TooManyArguments { required, total, received, span } => Diagnostic::new(
            Code::ArgumentCount,
            format!("incorrect number of arguments. Expected: {} Received: {received}", expected(*required, *total)),
            *span,
            "one argument too many",
        )
        .with_help(format!("`{}`", signature.display_signature())),
        BindError::MissingRequired { param, call_span } => Diagnostic::new(
            Code::ArgumentCount,
            format!("missing required argument `{param}` of `{name}`"),
            *call_span,
            format!("`{param}` is required"),
        )
        .with_help(format!("`{}`", signature.display_signature())),
        BindError::NotAPath { param, span } => shape(name, param, "must be a path", *span),
        BindError::WrongLiteral { param, expected, span } => shape(name, param, expected.must_be(), *span),
        BindError::NotAList { param, kind, span } => {
            shape(name, param, &format!("must be a list of type {}", kind.go_type().trim_start_matches("[]")), *span)
        }
        BindError::WrongListElement { param, index, expected, span } => {
            shape(name, param, &format!("element {index} must be a list element of type {}", expected.go_name()), *span)
        }
        BindError::NotBytes { param, span } => shape(name, param, "must be a byte slice literal", *span),
        BindError::NotAFunctionName { param, span } => shape(name, param, "must be the name of a converter", *span),
        BindError::UnknownFunction { name: function, span, suggestion, .. } => {
            let diagnostic =
                Diagnostic::new(Code::UnknownFunction, format!("undefined function {function}"), *span, "no such converter");
            match suggestion {
                Some(s) => diagnostic.with_suggestion(*span, *s),
                None => diagnostic,
            }
        }
        BindError::NotALambda { param, arity, span } => {
            shape(name, param, &format!("must be a lambda with {arity} formal(s)"), *span)
        }
        BindError::UnexpectedLambda { param, span } => shape(name, param, "does not take a lambda", *span),
        BindError::LambdaArity { expected, found, span, .. } => Diagnostic::new(
            Code::ArgumentShape,
            format!("lambda should be defined with exactly {expected} formal(s), but has {found}"),
            *span,
            "this lambda",
        ),
    };
    Some(diagnostic)
}

/// The reference prints the required count when that is all there is, else the range.
fn expected(required: usize, total: usize) -> String {
    if required == total { required.to_string() } else { format!("{required} to {total}") }
}

fn shape(function: &str, param: &str, must: &str, span: ottl_grammar::Span) -> Diagnostic {
    Diagnostic::new(
        Code::ArgumentShape,
        format!("invalid argument `{param}` of `{function}`: {must}"),
        span,
        must.trim_start_matches("must be ").to_string(),
    )
}
