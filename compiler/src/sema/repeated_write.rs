//! W0008: a statement of an item context (span, log, datapoint, …) that rewrites a resource
//! or scope field from its own value.
//!
//! The collector runs an item statement once per item, and every item of a resource shares
//! the one resource (and scope). A write of a constant lands the same value each time; a
//! write whose new value is computed from the field it writes (`set(resource.attributes["e"],
//! SHA256(resource.attributes["e"]))`, `append(resource.attributes["tags"], "x")`) is applied
//! again for every item: the hash is hashed, the list grows. A condition that reads the
//! written field is how a statement guards against that (`where not IsMatch(…, "^[0-9a-f]{64}$")`),
//! so such a statement is left alone.

use ottl_grammar::{Code, Diagnostic, Span};

use crate::ir::{self, Arg, ExprKind, Key, PathRef};
use crate::registry::{Function, FunctionKind, Param, ParamKind};
use crate::schema::{self, Context};

/// Whether `param` of `signature` is a path the call writes: an editor's `Setter`, and the
/// target (first parameter) of an editor, which most editors read and write.
pub fn writes(signature: &Function, param: &Param) -> bool {
    signature.kind == FunctionKind::Editor
        && (param.kind == ParamKind::Setter
            || param.kind.is_setter() && signature.params.first().is_some_and(|first| first.name == param.name))
}

/// Editors whose effect on their target repeats each time they run, whatever the arguments.
fn accumulates(signature: &Function) -> bool {
    signature.name == "append"
}

/// W0008 for `statement`, checked in `context`; `span` is the action's.
pub fn check(context: Context, statement: &ir::Statement, span: Span) -> Option<Diagnostic> {
    if matches!(context, Context::Resource | Context::Scope) {
        return None;
    }
    let call = &statement.action;
    let signature = call.function.signature();
    let (index, target) = signature.params.iter().zip(&call.args).enumerate().find_map(|(index, (param, arg))| match arg {
        Some(Arg::Target(path)) if writes(signature, param) && matches!(path.context, Context::Resource | Context::Scope) => {
            Some((index, path))
        }
        _ => None,
    })?;
    let reads_target = |expr: &ir::Expr| reads(expr, &|path| overlaps(path, target));
    let from_itself = accumulates(signature)
        || call
            .args
            .iter()
            .enumerate()
            .any(|(i, arg)| i != index && arg.as_ref().is_some_and(|arg| arg_reads(arg, &reads_target)));
    let guarded = statement.condition.as_ref().is_some_and(reads_target);
    if !from_itself || guarded {
        return None;
    }
    let level = if target.context == Context::Resource { "resource" } else { "scope" };
    let field = render(target);
    Some(
        Diagnostic::new(
            Code::RepeatedWrite,
            format!(
                "`{}` rewrites `{field}` from its own value once per {}, so every {} after the first changes it again",
                signature.name,
                context.name(),
                context.name()
            ),
            span,
            format!("runs once per {}", context.name()),
        )
        .with_help(format!(
            "move it to a statement group with `context: {level}`, which runs once per {level}, or guard it with a condition on `{field}`"
        )),
    )
}

/// Whether two paths name the same value or one holds the other: the same field, with
/// constant keys of which one list begins the other. A key computed at run time may be
/// anything, so it is not taken to match.
fn overlaps(a: &PathRef, b: &PathRef) -> bool {
    a.context == b.context
        && a.field == b.field
        && a.keys.iter().zip(&b.keys).all(|pair| match pair {
            (Key::String(x), Key::String(y)) => x == y,
            (Key::Int(x), Key::Int(y)) => x == y,
            _ => false,
        })
}

fn arg_reads(arg: &Arg, found: &dyn Fn(&ir::Expr) -> bool) -> bool {
    match arg {
        Arg::Expr(expr) => found(expr),
        Arg::Lambda(lambda) => found(&lambda.body),
        Arg::Target(_) | Arg::Function(_) => false,
    }
}

/// Whether `expr` reads a path that is `wanted` (in its operands, arguments and keys).
fn reads(expr: &ir::Expr, wanted: &dyn Fn(&PathRef) -> bool) -> bool {
    let path_read = |path: &PathRef| wanted(path) || keys_read(&path.keys, wanted);
    match &expr.kind {
        ExprKind::Path(path) => path_read(path),
        ExprKind::Call(call) => {
            keys_read(&call.keys, wanted)
                || call.args.iter().flatten().any(|arg| match arg {
                    Arg::Target(path) => path_read(path),
                    other => arg_reads(other, &|e| reads(e, wanted)),
                })
        }
        ExprKind::List(items) => items.iter().any(|e| reads(e, wanted)),
        ExprKind::Map(entries) => entries.iter().any(|(_, e)| reads(e, wanted)),
        ExprKind::Neg(inner) | ExprKind::Not(inner) | ExprKind::Memo(_, inner) => reads(inner, wanted),
        ExprKind::Math(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            reads(a, wanted) || reads(b, wanted)
        }
        ExprKind::Const(_) | ExprKind::LambdaParam(_) => false,
    }
}

fn keys_read(keys: &[Key], wanted: &dyn Fn(&PathRef) -> bool) -> bool {
    keys.iter().any(|key| matches!(key, Key::Expr(e) if reads(e, wanted)))
}

/// `resource.attributes["user.email"]`, as the user wrote it (keys computed at run time as `[…]`).
fn render(path: &PathRef) -> String {
    let mut text = schema::entry_by_id(path.field).map_or_else(String::new, |entry| entry.full_name());
    for key in &path.keys {
        match key {
            Key::String(s) => text.push_str(&format!("[{s:?}]")),
            Key::Int(i) => text.push_str(&format!("[{i}]")),
            Key::Expr(_) => text.push_str("[…]"),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sema::{Settings, check_statement};

    fn warns(context: Context, text: &str) -> bool {
        let parsed = ottl_grammar::parse_statement(text);
        let statement = parsed.node.expect("parses");
        let checked = check_statement(&statement, &Settings::new(context));
        assert!(checked.ir.is_some(), "{text}: {:?}", checked.diagnostics);
        checked.diagnostics.iter().any(|d| d.code == Code::RepeatedWrite)
    }

    #[test]
    fn a_write_from_its_own_value_in_an_item_context_warns() {
        let hash = r#"set(resource.attributes["user.email"], SHA256(resource.attributes["user.email"]))"#;
        assert!(warns(Context::Span, hash));
        assert!(warns(Context::Log, r#"set(scope.name, Concat([scope.name, "x"], "-"))"#));
        assert!(warns(Context::DataPoint, r#"set(resource.attributes["n"], resource.attributes["n"] + 1)"#));
        // Reading the whole map the field is in counts; so does writing the map from a key of it.
        assert!(warns(Context::Span, r#"set(resource.attributes["n"], Len(resource.attributes))"#));
        assert!(warns(Context::Span, r#"merge_maps(resource.attributes, ParseJSON(resource.attributes["j"]), "upsert")"#));
        assert!(warns(Context::Span, r#"append(resource.attributes["tags"], "x")"#));
    }

    #[test]
    fn idempotent_guarded_or_per_resource_writes_do_not_warn() {
        let hash = r#"set(resource.attributes["user.email"], SHA256(resource.attributes["user.email"]))"#;
        assert!(!warns(Context::Resource, hash));
        assert!(!warns(
            Context::Span,
            &format!(r#"{hash} where not IsMatch(resource.attributes["user.email"], "^[0-9a-f]{{64}}$")"#)
        ));
        assert!(!warns(Context::Span, r#"set(resource.attributes["x"], "y")"#));
        assert!(!warns(Context::Span, r#"set(resource.attributes["x"], resource.attributes["y"])"#));
        assert!(!warns(Context::Span, r#"set(resource.attributes["x"], span.attributes["x"])"#));
        assert!(!warns(Context::Span, r#"set(attributes["x"], SHA256(attributes["x"]))"#));
        assert!(!warns(Context::Span, r#"delete_key(resource.attributes, "x")"#));
        assert!(!warns(Context::Span, r#"set(resource.attributes[attributes["k"]], resource.attributes["v"])"#));
    }
}
