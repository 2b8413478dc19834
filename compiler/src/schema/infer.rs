//! Context inference (spec §4.1, `context_inferrer.go`).

use super::{Context, priority_of};

/// What a candidate context lacks, as reported by the caller's check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsupported {
    Function(String),
    EnumSymbol(String),
    /// The check gave no detail (the `bool` form of [`infer`]).
    Unspecified,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InferenceError {
    /// No path carried a prefix, so there is nothing to infer from.
    NoPrefix,
    /// The winning prefix names no context that is a candidate here (unknown name,
    /// `otelcol`, or a context the signal does not offer).
    NotACandidate { name: String },
    /// The chosen context lacks something the statements use, and no lower context
    /// supports everything. `lower` are the lower contexts that were tried, in order.
    Unsupported { context: Context, missing: Unsupported, lower: Vec<Context> },
}

impl InferenceError {
    /// The error text the reference returns.
    pub fn message(&self) -> String {
        match self {
            InferenceError::NoPrefix => {
                "unable to infer a context: no path in the statements starts with a context name".to_string()
            }
            InferenceError::NotACandidate { name } => format!("inferred context \"{name}\" is not a valid candidate"),
            InferenceError::Unsupported { context, missing, .. } => match missing {
                Unsupported::Function(f) => {
                    format!("inferred context \"{}\" does not support the function \"{f}\"", context.name())
                }
                Unsupported::EnumSymbol(e) => {
                    format!("inferred context \"{}\" does not support the enum symbol \"{e}\"", context.name())
                }
                Unsupported::Unspecified => {
                    format!("inferred context \"{}\" does not support every function and enum symbol used", context.name())
                }
            },
        }
    }

    /// Why the fallback failed, as the reference logs it.
    pub fn lower_message(&self) -> Option<String> {
        match self {
            InferenceError::Unsupported { context, lower, .. } if lower.is_empty() => {
                Some(format!("context \"{}\" has no lower contexts candidates", context.name()))
            }
            InferenceError::Unsupported { .. } => Some("no valid lower context found".to_string()),
            _ => None,
        }
    }
}

/// Infers the context of a group of statements from the prefixes of their paths (first
/// segments of prefixed paths, as written; `instrumentation_scope` counts as itself for
/// priority). `supports(c)` tells whether context `c` supports every function and enum
/// symbol the statements use (return `true` when they use none). All statement contexts
/// are candidates.
pub fn infer(prefixes: &[&str], supports: impl Fn(Context) -> bool) -> Result<Context, InferenceError> {
    infer_with(prefixes, Context::STATEMENT_CONTEXTS, |c| if supports(c) { Ok(()) } else { Err(Unsupported::Unspecified) })
}

/// [`infer`] with the candidate contexts of a signal (trace statements: resource, scope,
/// span, spanevent, …) and a check that names what is missing, for the reference's
/// messages.
pub fn infer_with(
    prefixes: &[&str],
    candidates: &[Context],
    check: impl Fn(Context) -> Result<(), Unsupported>,
) -> Result<Context, InferenceError> {
    // The first prefix with the strictly best priority wins, as in the reference.
    let mut best: Option<(&str, usize)> = None;
    for &prefix in prefixes {
        let p = priority_of(prefix);
        if best.is_none_or(|(_, bp)| p < bp) {
            best = Some((prefix, p));
        }
    }
    let Some((name, _)) = best else {
        return Err(InferenceError::NoPrefix);
    };
    let Some(context) = Context::parse(name).filter(|c| c.is_statement_context() && candidates.contains(c)) else {
        return Err(InferenceError::NotACandidate { name: name.to_string() });
    };
    let missing = match check(context) {
        Ok(()) => return Ok(context),
        Err(missing) => missing,
    };
    let lower: Vec<Context> = context.lower().into_iter().filter(|c| candidates.contains(c)).collect();
    for &candidate in &lower {
        if check(candidate).is_ok() {
            return Ok(candidate);
        }
    }
    Err(InferenceError::Unsupported { context, missing, lower })
}
