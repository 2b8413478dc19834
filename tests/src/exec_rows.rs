//! Running the corpus's `statement`, `condition` and `value` rows on their fixtures with
//! the reference interpreter, and comparing the effect with the row's expectation.

use ottl_compiler::interp::{self, Evaluator};
use ottl_compiler::ir::{ExprKind, PathRef};
use ottl_compiler::program::{ErrorMode, Rule, RuleSet};
use ottl_compiler::schema::Context;
use ottl_compiler::sema::Settings;
use ottl_compiler::types::Type;
use ottl_grammar::{EntryPoint, Node, Severity, lexer, parse_tokens};
use ottl_runtime::context::{PathKey, TransformContext};
use ottl_runtime::exec::{self, Fate};
use ottl_runtime::otlp::Telemetry;
use ottl_runtime::{Map, Value};
use serde_json::Value as Json;

use crate::check_rows;
use crate::corpus::Row;
use crate::differential::key_values_as_objects;
use crate::fixtures;

pub fn is_exec_kind(kind: &str) -> bool {
    matches!(kind, "statement" | "condition" | "value")
}

pub fn run(row: &Row) -> Result<(), String> {
    let settings = settings(row);
    let fixture = fixtures::for_note(&row.note).ok_or_else(|| format!("unknown fixture in {:?}", row.note))?;
    let expected_error = row.expected.get("error").and_then(Json::as_str);
    let outcome = match row.kind.as_str() {
        "statement" => run_statements(row, &settings, fixture.clone()).map(Outcome::Telemetry),
        _ => evaluate(row, &settings, fixture.clone()).map(Outcome::Value),
    };
    match (outcome, expected_error) {
        (Err(error), Some(expected)) if expected == "*" || error.contains(expected) => Ok(()),
        (Err(error), Some(expected)) => Err(format!("error {error:?} does not contain {expected:?}")),
        (Err(error), None) => Err(format!("failed: {error}")),
        (Ok(_), Some(expected)) => Err(format!("ran without the expected error {expected:?}")),
        (Ok(Outcome::Value(value)), None) => compare_result(&value, &row.expected),
        (Ok(Outcome::Telemetry(after)), None) => {
            let expected = expected_telemetry(row, &settings, fixture)?;
            let (after, expected) = (key_values_as_objects(after.to_json()), key_values_as_objects(expected.to_json()));
            if after == expected { Ok(()) } else { Err(format!("got {after}, expected {expected}")) }
        }
    }
}

enum Outcome {
    Telemetry(Telemetry),
    Value(Value),
}

/// The row's context (`grammar` rows run in the log context) with the lambda gate on.
fn settings(row: &Row) -> Settings {
    match check_rows::settings(row) {
        Some(settings) => settings,
        None => Settings {
            context: Context::Log,
            feature_gates: vec![ottl_compiler::registry::LAMBDA_GATE.to_string()],
            prefixes_required: false,
        },
    }
}

/// Parses and checks `text`; the error is every error message joined.
fn compile(text: &str, entry: EntryPoint, settings: &Settings) -> Result<Node, String> {
    let errors = check_rows::errors(text, entry, settings);
    if !errors.is_empty() {
        return Err(errors.join("; "));
    }
    let parsed = parse_tokens(text, &lexer::lex(text), entry);
    parsed.node.ok_or_else(|| "no tree".to_string())
}

fn run_statements(row: &Row, settings: &Settings, fixture: Telemetry) -> Result<Telemetry, String> {
    let mut rules = Vec::new();
    for text in row.snippets() {
        let Node::Statement(statement) = compile(text, EntryPoint::Statement, settings)? else {
            return Err("not a statement".into());
        };
        let checked = ottl_compiler::sema::check_statement(&statement, settings);
        let ir = checked.ir.ok_or_else(|| first_error(&checked.diagnostics))?;
        rules.push((Rule::Statement(ir), text.to_string()));
    }
    let rule_set = RuleSet::new(settings.context, rules, ErrorMode::Propagate);
    interp::run(&rule_set, fixture, &mut |_| {}).map(|outputs| outputs.default).map_err(|e| e.to_string())
}

fn first_error(diagnostics: &[ottl_grammar::Diagnostic]) -> String {
    diagnostics.iter().find(|d| d.severity() == Severity::Error).map(|d| d.message.clone()).unwrap_or_default()
}

/// A condition's or value's result on the fixture's item.
fn evaluate(row: &Row, settings: &Settings, mut fixture: Telemetry) -> Result<Value, String> {
    let entry = if row.kind == "condition" { EntryPoint::Condition } else { EntryPoint::Value };
    let Node::Expr(expr) = compile(&row.text, entry, settings)? else { return Err("not an expression".into()) };
    let checked = if entry == EntryPoint::Condition {
        ottl_compiler::sema::check_condition(&expr, settings)
    } else {
        ottl_compiler::sema::check_value(&expr, settings)
    };
    let ir = checked.ir.ok_or_else(|| first_error(&checked.diagnostics))?;
    let mut result = None;
    on_item(&mut fixture, settings.context, &mut |ctx| {
        result = Some(Evaluator::new(ctx).eval(&ir, &[]).map_err(|e| e.to_string()));
    })?;
    result.ok_or("the fixture has no item for this context")?
}

/// Calls `f` on the fixture's item of `context`.
fn on_item(telemetry: &mut Telemetry, context: Context, f: &mut dyn FnMut(&mut TransformContext<'_>)) -> Result<(), String> {
    exec::run(telemetry, context, &mut |ctx| {
        f(ctx);
        Ok(Fate::default())
    })
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// The fixture with the row's expected effect applied.
fn expected_telemetry(row: &Row, settings: &Settings, mut fixture: Telemetry) -> Result<Telemetry, String> {
    let expected = &row.expected;
    let mut edits: Vec<(PathRef, Option<Value>)> = Vec::new();
    if let Some(Json::Object(sets)) = expected.get("set") {
        for (path, value) in sets {
            let (path, ty) = resolve_path(path, settings)?;
            edits.push((path, Some(json_to_value(value, &ty))));
        }
    }
    if let Some(Json::Array(deletes)) = expected.get("delete") {
        for path in deletes {
            let (path, _) = resolve_path(path.as_str().ok_or("delete path is not a string")?, settings)?;
            edits.push((path, None));
        }
    }
    if let Some(attributes) = expected.get("attributes") {
        let (path, ty) = resolve_path("attributes", settings)?;
        edits.push((path, Some(json_to_value(attributes, &ty))));
    }
    let mut failure = None;
    on_item(&mut fixture, settings.context, &mut |ctx| {
        for (path, value) in &edits {
            if let Err(e) = apply(ctx, path, value.clone()) {
                failure = Some(e);
            }
        }
    })?;
    match failure {
        Some(e) => Err(format!("cannot build the expected state: {e}")),
        None => Ok(fixture),
    }
}

fn apply(ctx: &mut TransformContext<'_>, path: &PathRef, value: Option<Value>) -> Result<(), String> {
    let keys: Vec<PathKey> = path
        .keys
        .iter()
        .map(|k| match k {
            ottl_compiler::ir::Key::String(s) => Ok(PathKey::String(s.clone())),
            ottl_compiler::ir::Key::Int(i) => Ok(PathKey::Int(*i)),
            ottl_compiler::ir::Key::Expr(_) => Err("computed keys in expectations".to_string()),
        })
        .collect::<Result<_, _>>()?;
    match value {
        Some(value) => ctx.set(path.field, &keys, value).map_err(|e| e.to_string()),
        None => {
            let (last, parent) = keys.split_last().ok_or("delete needs a key")?;
            let PathKey::String(last) = last else { return Err("delete needs a string key".into()) };
            let Value::Map(mut map) = ctx.get(path.field, parent).map_err(|e| e.to_string())? else {
                return Err("delete from a non-map".into());
            };
            map.shift_remove(last);
            ctx.set(path.field, parent, Value::Map(map)).map_err(|e| e.to_string())
        }
    }
}

/// A path of an expectation (`attributes["x"]`, `span.kind`) resolved in the row's context.
fn resolve_path(text: &str, settings: &Settings) -> Result<(PathRef, Type), String> {
    let Node::Expr(expr) = compile(text, EntryPoint::Value, settings)? else { return Err("not a path".into()) };
    let checked = ottl_compiler::sema::check_value(&expr, settings);
    let ir = checked.ir.ok_or_else(|| first_error(&checked.diagnostics))?;
    match ir.kind {
        ExprKind::Path(path) => Ok((path, ir.ty)),
        _ => Err(format!("{text} is not a path")),
    }
}

/// The corpus's value encoding (README, "Expected-effect vocabulary"), typed by where the
/// value goes.
fn json_to_value(json: &Json, ty: &Type) -> Value {
    match json {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) if n.is_f64() => Value::Float(n.as_f64().unwrap_or_default()),
        Json::Number(n) => Value::Int(n.as_i64().unwrap_or(n.as_u64().map_or(0, |u| u as i64))),
        Json::String(s) if s == "+Inf" && *ty == Type::Float => Value::Float(f64::INFINITY),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Slice(items.iter().map(|v| json_to_value(v, &Type::Any)).collect()),
        Json::Object(object) => {
            if let Some(Json::String(hex)) = object.get("bytes") {
                let bytes = decode_hex(hex);
                return match (ty, bytes.len()) {
                    (Type::TraceId, 16) => Value::TraceId(bytes.try_into().unwrap_or_default()),
                    (Type::SpanId, 8) => Value::SpanId(bytes.try_into().unwrap_or_default()),
                    _ => Value::Bytes(bytes),
                };
            }
            if let Some(n) = object.get("duration_ns").and_then(Json::as_i64) {
                return Value::Duration(n);
            }
            if let Some(Json::String(hex)) = object.get("string_hex") {
                return Value::String(String::from_utf8_lossy(&decode_hex(hex)).into_owned());
            }
            Value::Map(object.iter().map(|(k, v)| (k.clone(), json_to_value(v, &Type::Any))).collect::<Map>())
        }
    }
}

fn decode_hex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2).filter_map(|i| hex.get(2 * i..2 * i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

fn compare_result(actual: &Value, expected: &Json) -> Result<(), String> {
    let want = expected.get("result").ok_or("row has no result")?;
    let ty = match actual {
        Value::TraceId(_) => Type::TraceId,
        Value::SpanId(_) => Type::SpanId,
        Value::Float(_) => Type::Float,
        _ => Type::Any,
    };
    let want = json_to_value(want, &ty);
    if same(actual, &want) { Ok(()) } else { Err(format!("got {actual:?}, expected {want:?}")) }
}

/// Equality that tells an int from a float (the corpus does).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Map(x), Value::Map(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        (Value::Slice(x), Value::Slice(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
        (Value::Int(_), Value::Float(_)) | (Value::Float(_), Value::Int(_)) => false,
        _ => a == b,
    }
}
