//! The shape rules of OTTL that the (deliberately broad) grammar does not enforce.
//!
//! The reference's grammar rejects these outright, or its AST checker does with a custom
//! message (`editor names must start with a lowercase letter…`); here each gets its own
//! code and a fix. The messages keep the reference's wording where it has one, so that
//! users who search for the collector's error find ours too. Function names in the wrong
//! case are recorded rather than worded: their advice needs the registry ([`Misnamed`]).
//!
//! Operator chains (`1 + 2 + …`, `a or b or …`, `not not …`, `- - x`) nest as deep as
//! they are long, so their spines are walked in loops: only brackets, which the parser
//! limits, add stack depth here. Diagnostics are built in separate cold functions, which
//! keeps the recursive frames small.

use crate::ast::*;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::misnamed::Misnamed;
use crate::names::is_seed_lowercase_converter;

/// What validation finds: shape errors, worded here, and misnamed functions, which the
/// compiler words once it has looked the names up (see [`crate::misnamed`]).
#[derive(Clone, Debug, Default)]
pub struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    pub misnamed: Vec<Misnamed>,
}

impl Findings {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

pub fn statement(statement: &Statement, out: &mut Findings) {
    action(&statement.action, out);
    if let Some(condition) = &statement.condition {
        self::condition(condition, out);
    }
}

/// Checks an expression that must be a condition.
pub fn condition(expr: &Expr, out: &mut Findings) {
    let mut current = expr;
    loop {
        match &current.kind {
            ExprKind::Compare(_, lhs, rhs) => {
                value(lhs, out);
                value(rhs, out);
                return;
            }
            ExprKind::Not(inner) | ExprKind::Paren(inner) => current = inner,
            // `and`/`or` chains nest on the left; the right operand binds tighter.
            ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
                condition(rhs, out);
                current = lhs;
            }
            ExprKind::Bool(_) | ExprKind::Error => return,
            ExprKind::Call(call) => return converter(call, out),
            _ if has_error_operand(current) => return,
            _ => return out.push(not_a_condition(current)),
        }
    }
}

/// Checks an expression that must be a value.
pub fn value(expr: &Expr, out: &mut Findings) {
    if expr.is_boolean_operator() && !has_error_operand(expr) {
        out.push(condition_as_value(expr));
        condition(expr, out);
        return;
    }
    match &expr.kind {
        ExprKind::Path(path) => self::path(path, out),
        ExprKind::Call(call) => converter(call, out),
        ExprKind::FunctionName(name) => out.misnamed.push(Misnamed::FunctionNameAsValue(name.clone())),
        ExprKind::List(items) => items.iter().for_each(|item| value(item, out)),
        ExprKind::Map(entries) => entries.iter().for_each(|entry| value(&entry.value, out)),
        ExprKind::Unary(..) | ExprKind::Binary(..) => arithmetic(expr, out),
        ExprKind::Paren(inner) => value(inner, out),
        ExprKind::Nil
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::String(_)
        | ExprKind::Bytes(_)
        | ExprKind::Enum(_)
        | ExprKind::Error
        | ExprKind::Compare(..)
        | ExprKind::Not(_)
        | ExprKind::And(..)
        | ExprKind::Or(..) => {}
    }
}

fn action(call: &Call, out: &mut Findings) {
    if call.name.starts_uppercase() {
        out.misnamed.push(Misnamed::UppercaseEditor(call.name.clone()));
    }
    if !call.keys.is_empty() {
        out.push(indexed_editor(call));
    }
    arguments(&call.args, out);
}

/// A call in value or condition position.
fn converter(call: &Call, out: &mut Findings) {
    let lowercase = !call.name.starts_uppercase();
    if lowercase && !is_seed_lowercase_converter(&call.name.name) {
        out.misnamed.push(Misnamed::LowercaseConverter(call.name.clone()));
        if !call.keys.is_empty() {
            out.push(indexed_editor(call));
        }
    }
    arguments(&call.args, out);
    call.keys.iter().for_each(|k| key(k, out));
}

#[cold]
fn indexed_editor(call: &Call) -> Diagnostic {
    let keys_span = call.keys[0].span.cover(call.keys[call.keys.len() - 1].span);
    Diagnostic::new(
        Code::IndexedEditor,
        format!("only paths and converters may be indexed, not editors, but got {}[…]", call.name.name),
        keys_span,
        "an editor returns nothing to index",
    )
    .with_secondary(call.name.span, "this is an editor (lowercase)")
}

fn arguments(args: &[Argument], out: &mut Findings) {
    let mut named_seen = false;
    for arg in args {
        match &arg.name {
            Some(_) => named_seen = true,
            None if named_seen => out.push(positional_after_named(arg)),
            None => {}
        }
        match &arg.value {
            ArgValue::Expr(Expr { kind: ExprKind::FunctionName(_), .. }) => {}
            ArgValue::Expr(expr) => value(expr, out),
            ArgValue::Lambda(lambda) => {
                if lambda.body.is_boolean_operator() {
                    condition(&lambda.body, out);
                } else {
                    value(&lambda.body, out);
                }
            }
        }
    }
}

#[cold]
fn positional_after_named(arg: &Argument) -> Diagnostic {
    Diagnostic::new(
        Code::PositionalAfterNamed,
        "unnamed argument used after named argument",
        arg.span(),
        "this argument has no name",
    )
    .with_help("name it (`name = value`), or move it before the named arguments")
}

fn path(path: &Path, out: &mut Findings) {
    for segment in &path.segments {
        segment.keys.iter().for_each(|k| key(k, out));
    }
}

fn key(key: &Key, out: &mut Findings) {
    let expr = &key.expr;
    match &expr.kind {
        ExprKind::Path(path) if path.segments.len() == 1 && path.segments[0].keys.is_empty() => {
            out.push(bare_path_key(&path.segments[0].name, expr.span));
        }
        // A key is what an operand of arithmetic may be, or a string.
        ExprKind::String(_) => {}
        _ if !is_math_operand(expr) => return out.push(invalid_key(expr)),
        _ => {}
    }
    value(expr, out);
}

#[cold]
fn bare_path_key(name: &Ident, span: crate::Span) -> Diagnostic {
    let name = &name.name;
    Diagnostic::new(
        Code::BarePathKey,
        format!("`{name}` in a key is read as a path, not as the key \"{name}\""),
        span,
        "the value of this path becomes the key",
    )
    .with_help(format!(
        "write [\"{name}\"] for the key named {name}; write the path with its context prefix if you mean its value"
    ))
}

#[cold]
fn invalid_key(expr: &Expr) -> Diagnostic {
    Diagnostic::new(Code::InvalidKey, format!("{} cannot be a key", describe(expr)), expr.span, "not a key")
        .with_help("a key is a string (map key), an integer (list index), or a path, converter or arithmetic yielding one")
}

/// Arithmetic: walks the left spine of a chain (`((1 + 2) + 3) + …`) and the operands of
/// signs in a loop, checking each right operand on the way.
fn arithmetic(expr: &Expr, out: &mut Findings) {
    let mut current = expr;
    loop {
        match &current.kind {
            ExprKind::Binary(_, lhs, rhs) => {
                math_operand(rhs, out);
                current = lhs;
            }
            ExprKind::Unary(_, operand) => current = operand,
            _ => return math_operand(current, out),
        }
    }
}

/// An operand of `+ - * /`, checked.
fn math_operand(expr: &Expr, out: &mut Findings) {
    if !is_math_operand(expr) {
        return out.push(invalid_math_operand(expr));
    }
    value(expr, out);
}

/// Whether `expr` may be an operand of `+ - * /`: the reference's grammar only admits
/// numbers, paths, converter calls and parenthesised arithmetic. An error node and a
/// boolean operator pass too.
fn is_math_operand(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Path(_)
        | ExprKind::Call(_)
        | ExprKind::Binary(..)
        | ExprKind::Unary(..)
        | ExprKind::Paren(_)
        | ExprKind::Error => true,
        _ => expr.is_boolean_operator(),
    }
}

/// Whether a syntax error stands in for an operand: the shape of what remains is a
/// consequence of that error, not a mistake of its own.
fn has_error_operand(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Compare(_, lhs, rhs) | ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) | ExprKind::Binary(_, lhs, rhs) => {
            matches!(lhs.kind, ExprKind::Error) || matches!(rhs.kind, ExprKind::Error)
        }
        ExprKind::Not(inner) | ExprKind::Paren(inner) | ExprKind::Unary(_, inner) => matches!(inner.kind, ExprKind::Error),
        _ => false,
    }
}

#[cold]
fn invalid_math_operand(expr: &Expr) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::InvalidMathOperand,
        format!("{} cannot take part in arithmetic", describe(expr)),
        expr.span,
        "not a number, path or converter call",
    );
    if matches!(expr.kind, ExprKind::String(_)) {
        diagnostic.with_help("to join strings, use Concat([a, b], \"\")")
    } else {
        diagnostic
    }
}

#[cold]
fn condition_as_value(expr: &Expr) -> Diagnostic {
    Diagnostic::new(Code::ConditionAsValue, "a condition cannot be used as a value", expr.span, "this is a condition")
        .with_help("put the condition after `where` and set a literal value instead")
}

#[cold]
fn not_a_condition(expr: &Expr) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::NotACondition,
        format!("expected a condition, found {}", describe(expr)),
        expr.span,
        "not a condition",
    );
    diagnostic = match &expr.kind {
        ExprKind::Path(_) => {
            diagnostic.with_help("compare it, e.g. `… == true` for a boolean field or `… != nil` to test presence")
        }
        _ => diagnostic.with_help("a condition is a comparison, `true`/`false`, or a converter call returning a boolean"),
    };
    diagnostic
}

/// "a path", "the string \"x\"": how an expression is named in a message.
fn describe(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Nil => "`nil`".into(),
        ExprKind::Bool(b) => format!("`{b}`"),
        ExprKind::Int(_) | ExprKind::Float(_) => "a number".into(),
        ExprKind::String(s) => format!("the string {s:?}"),
        ExprKind::Bytes(_) => "a bytes literal".into(),
        ExprKind::Path(p) => format!("the path `{}`", p.dotted_names()),
        ExprKind::Call(c) => format!("a call to `{}`", c.name.name),
        ExprKind::Enum(e) => format!("the enum symbol `{}`", e.name.name),
        ExprKind::FunctionName(n) => format!("the function name `{}`", n.name),
        ExprKind::List(_) => "a list".into(),
        ExprKind::Map(_) => "a map".into(),
        ExprKind::Unary(..) | ExprKind::Binary(..) => "arithmetic".into(),
        ExprKind::Compare(..) | ExprKind::Not(_) | ExprKind::And(..) | ExprKind::Or(..) => "a condition".into(),
        ExprKind::Paren(inner) => describe(inner),
        ExprKind::Error => "an invalid expression".into(),
    }
}
