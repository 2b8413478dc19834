//! Matching a call's arguments to a signature's parameters (spec §2.5, the reference's
//! `buildArgs`): positional arguments first, then named ones; counts; and the shape each
//! parameter kind demands of the syntax (a path for a setter, a literal for a Go `string`,
//! a list literal for a slice, a function name, a lambda of the right arity).
//!
//! Errors carry spans and data only; the checker turns them into diagnostics.

use ottl_grammar::Span;
use ottl_grammar::ast::{ArgValue, Argument, Call, Expr, ExprKind};

use super::{Function, FunctionKind, Param, ParamKind, ParamNames, lookup_kind, suggest_from};

/// One parameter and the argument bound to it (`None` for an omitted optional).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundArg<'a> {
    pub param: &'static Param,
    pub arg: Option<&'a Argument>,
}

impl<'a> BoundArg<'a> {
    /// The argument's value when it is an expression.
    pub fn expr(&self) -> Option<&'a Expr> {
        match self.arg.map(|a| &a.value) {
            Some(ArgValue::Expr(expr)) => Some(expr),
            _ => None,
        }
    }
}

/// The literal a Go `string`/`int64`/`float64`/`bool`/`Enum` field wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LiteralKind {
    String,
    Int,
    Float,
    Bool,
    Enum,
}

impl LiteralKind {
    /// The reference's wording: `must be a string`, `must be an int`, ….
    pub fn must_be(self) -> &'static str {
        match self {
            LiteralKind::String => "must be a string",
            LiteralKind::Int => "must be an int",
            LiteralKind::Float => "must be a float",
            LiteralKind::Bool => "must be a bool",
            LiteralKind::Enum => "must be an Enum",
        }
    }

    /// The element name in `must be a list of type string`.
    pub fn go_name(self) -> &'static str {
        match self {
            LiteralKind::String => "string",
            LiteralKind::Int => "int64",
            LiteralKind::Float => "float64",
            LiteralKind::Bool => "bool",
            LiteralKind::Enum => "Enum",
        }
    }
}

/// Why a call's arguments do not fit its signature.
#[derive(Clone, Debug, PartialEq)]
pub enum BindError {
    /// `unnamed argument used after named argument`. The grammar's validator reports this
    /// already (`Code::PositionalAfterNamed`); the argument is left unbound.
    PositionalAfterNamed { span: Span, first_named: Span },
    /// `no such parameter: x`, with the closest parameter name.
    UnknownParameter { name: String, span: Span, suggestion: Option<&'static str> },
    /// A parameter given twice (by position and by name, or by two names).
    DuplicateParameter { param: &'static str, span: Span, previous: Span },
    /// Fewer arguments than required parameters: `incorrect number of arguments`.
    TooFewArguments { required: usize, total: usize, received: usize, missing: Vec<&'static str>, call_span: Span },
    /// More arguments than parameters: `incorrect number of arguments`; `span` covers the extra ones.
    TooManyArguments { required: usize, total: usize, received: usize, span: Span },
    /// Enough arguments, but a required parameter was skipped by naming later ones.
    MissingRequired { param: &'static str, call_span: Span },
    /// A setter given something other than a path: `must be a path`.
    NotAPath { param: &'static str, span: Span },
    /// A Go literal field given something else: `must be a string`, ….
    WrongLiteral { param: &'static str, expected: LiteralKind, span: Span },
    /// A slice field given something other than a list literal.
    NotAList { param: &'static str, kind: ParamKind, span: Span },
    /// An element of a `[]string`/`[]int64`/`[]float64` list that is not that literal.
    WrongListElement { param: &'static str, index: usize, expected: LiteralKind, span: Span },
    /// A `[]byte` field given something other than a bytes literal.
    NotBytes { param: &'static str, span: Span },
    /// A `FunctionGetter` given something other than a function name.
    NotAFunctionName { param: &'static str, span: Span },
    /// A `FunctionGetter` naming no known converter.
    UnknownFunction { param: &'static str, name: String, span: Span, suggestion: Option<&'static str> },
    /// A lambda parameter given something other than a lambda.
    NotALambda { param: &'static str, arity: u8, span: Span },
    /// A lambda given to a parameter that does not take one.
    UnexpectedLambda { param: &'static str, span: Span },
    /// `lambda should be defined with exactly N formal(s), but has M`.
    LambdaArity { param: &'static str, expected: u8, found: usize, span: Span },
}

impl BindError {
    /// Where the primary label goes.
    pub fn span(&self) -> Span {
        match self {
            BindError::PositionalAfterNamed { span, .. }
            | BindError::UnknownParameter { span, .. }
            | BindError::DuplicateParameter { span, .. }
            | BindError::TooManyArguments { span, .. }
            | BindError::NotAPath { span, .. }
            | BindError::WrongLiteral { span, .. }
            | BindError::NotAList { span, .. }
            | BindError::WrongListElement { span, .. }
            | BindError::NotBytes { span, .. }
            | BindError::NotAFunctionName { span, .. }
            | BindError::UnknownFunction { span, .. }
            | BindError::NotALambda { span, .. }
            | BindError::UnexpectedLambda { span, .. }
            | BindError::LambdaArity { span, .. } => *span,
            BindError::TooFewArguments { call_span, .. } | BindError::MissingRequired { call_span, .. } => *call_span,
        }
    }
}

/// Binds `call`'s arguments to `signature`'s parameters. On success there is one
/// [`BoundArg`] per parameter, in parameter order.
pub fn bind<'a>(signature: &'static Function, call: &'a Call) -> Result<Vec<BoundArg<'a>>, Vec<BindError>> {
    let params = signature.params;
    let mut slots: Vec<Option<&'a Argument>> = vec![None; params.len()];
    let mut errors = Vec::new();
    let mut first_named: Option<Span> = None;
    let mut positional = 0usize;

    for arg in &call.args {
        let index = match &arg.name {
            None => {
                if let Some(first_named) = first_named {
                    errors.push(BindError::PositionalAfterNamed { span: arg.span(), first_named });
                    continue;
                }
                let index = positional;
                positional += 1;
                if index >= params.len() {
                    continue; // Counted below as too many.
                }
                index
            }
            Some(name) => {
                first_named.get_or_insert(name.span);
                match params.iter().position(|p| p.accepts_name(&name.name)) {
                    Some(index) => index,
                    None => {
                        let suggestion = suggest_from(&name.name, params.iter().map(|p| p.name));
                        errors.push(BindError::UnknownParameter { name: name.name.to_string(), span: name.span, suggestion });
                        continue;
                    }
                }
            }
        };
        if let Some(previous) = slots[index] {
            let span = arg.name.as_ref().map_or_else(|| arg.span(), |n| n.span);
            errors.push(BindError::DuplicateParameter { param: params[index].name, span, previous: previous.span() });
            continue;
        }
        slots[index] = Some(arg);
        check_shape(&params[index], arg, &mut errors);
    }

    let required = signature.required_count();
    let received = call.args.len();
    if received > params.len() {
        let extra = &call.args[params.len()..];
        let span = extra[0].span().cover(extra[extra.len() - 1].span());
        errors.push(BindError::TooManyArguments { required, total: params.len(), received, span });
    } else if received < required {
        let missing = params.iter().zip(&slots).filter(|(p, s)| !p.optional && s.is_none()).map(|(p, _)| p.name).collect();
        errors.push(BindError::TooFewArguments { required, total: params.len(), received, missing, call_span: call.span });
    } else if !errors.iter().any(|e| matches!(e, BindError::UnknownParameter { .. })) {
        // (A misspelt name already explains why its parameter looks missing.)
        for (param, slot) in params.iter().zip(&slots) {
            if !param.optional && slot.is_none() {
                errors.push(BindError::MissingRequired { param: param.name, call_span: call.span });
            }
        }
    }

    if errors.is_empty() {
        Ok(params.iter().zip(slots).map(|(param, arg)| BoundArg { param, arg }).collect())
    } else {
        errors.sort_by_key(|e| e.span().start);
        Err(errors)
    }
}

/// The syntactic shape `param` demands of `arg`.
fn check_shape(param: &'static Param, arg: &Argument, errors: &mut Vec<BindError>) {
    let name = param.name;
    let expr = match &arg.value {
        ArgValue::Lambda(lambda) => {
            match param.kind {
                ParamKind::Lambda(arity) if usize::from(arity) != lambda.params.len() => errors.push(BindError::LambdaArity {
                    param: name,
                    expected: arity,
                    found: lambda.params.len(),
                    span: lambda.span,
                }),
                ParamKind::Lambda(_) => {}
                _ => errors.push(BindError::UnexpectedLambda { param: name, span: lambda.span }),
            }
            return;
        }
        ArgValue::Expr(expr) => expr,
    };
    if matches!(expr.kind, ExprKind::Error) {
        return; // Already reported by the parser.
    }
    let span = expr.span;
    match param.kind {
        ParamKind::Setter | ParamKind::GetSetter => {
            if !matches!(expr.kind, ExprKind::Path(_)) {
                errors.push(BindError::NotAPath { param: name, span });
            }
        }
        ParamKind::String => literal(name, expr, LiteralKind::String, errors),
        ParamKind::Int => literal(name, expr, LiteralKind::Int, errors),
        ParamKind::Float => literal(name, expr, LiteralKind::Float, errors),
        ParamKind::Bool => literal(name, expr, LiteralKind::Bool, errors),
        ParamKind::Enum => literal(name, expr, LiteralKind::Enum, errors),
        ParamKind::StringList | ParamKind::IntList | ParamKind::FloatList => {
            let element = match param.kind {
                ParamKind::StringList => LiteralKind::String,
                ParamKind::IntList => LiteralKind::Int,
                _ => LiteralKind::Float,
            };
            match &expr.kind {
                ExprKind::List(items) => {
                    for (index, item) in items.iter().enumerate() {
                        if !matches!(item.kind, ExprKind::Error) && !is_literal(item, element) {
                            errors.push(BindError::WrongListElement { param: name, index, expected: element, span: item.span });
                        }
                    }
                }
                _ => errors.push(BindError::NotAList { param: name, kind: param.kind, span }),
            }
        }
        // `buildSlice` builds each element as the element getter: any value expression, whose
        // type the checker judges.
        ParamKind::GetterList | ParamKind::StringGetterList | ParamKind::PMapGetterList => {
            if !matches!(expr.kind, ExprKind::List(_)) {
                errors.push(BindError::NotAList { param: name, kind: param.kind, span });
            }
        }
        // A `SliceGetter` also takes any value that is a list at run time.
        ParamKind::StringLikeGetterList => {}
        ParamKind::Bytes => {
            if !matches!(expr.kind, ExprKind::Bytes(_)) {
                errors.push(BindError::NotBytes { param: name, span });
            }
        }
        ParamKind::FunctionGetter => {
            let function = match &expr.kind {
                ExprKind::FunctionName(ident) => Some(ident),
                // `SHA256` lexes as an enum-looking all-caps name; the reference accepts it.
                ExprKind::Enum(symbol) if symbol.qualifier.is_none() => Some(&symbol.name),
                _ => None,
            };
            match function {
                None => errors.push(BindError::NotAFunctionName { param: name, span }),
                Some(ident) if lookup_kind(&ident.name, FunctionKind::Converter).is_none() => {
                    let suggestion = suggest_from(&ident.name, super::converters().map(|s| s.name));
                    errors.push(BindError::UnknownFunction { param: name, name: ident.name.to_string(), span, suggestion });
                }
                Some(_) => {}
            }
        }
        ParamKind::Lambda(arity) => errors.push(BindError::NotALambda { param: name, arity, span }),
        // Getters take any value expression; its type is the checker's business.
        getter => debug_assert!(getter.is_getter(), "{getter:?} has no shape check"),
    }
}

fn literal(param: &'static str, expr: &Expr, expected: LiteralKind, errors: &mut Vec<BindError>) {
    if !is_literal(expr, expected) {
        errors.push(BindError::WrongLiteral { param, expected, span: expr.span });
    }
}

fn is_literal(expr: &Expr, kind: LiteralKind) -> bool {
    matches!(
        (kind, &expr.kind),
        (LiteralKind::String, ExprKind::String(_))
            | (LiteralKind::Int, ExprKind::Int(_))
            | (LiteralKind::Float, ExprKind::Float(_))
            | (LiteralKind::Bool, ExprKind::Bool(_))
            | (LiteralKind::Enum, ExprKind::Enum(_))
    )
}
