//! Resolution and type checking of one snippet in a known context, producing the IR.
//!
//! The checker never stops at the first problem: an expression it cannot type becomes an
//! `Any`-typed placeholder, so that its siblings are still checked, and the IR is handed
//! out only when no error was found.

use ottl_grammar::ast::{self, ArgValue, BinaryOp, CompareOp, ExprKind as A, UnaryOp};
use ottl_grammar::names::is_seed_lowercase_converter;
use ottl_grammar::{Code, Diagnostic, Severity, Span};

use super::rules::{self, MathError};
use super::{panicking_comparison, repeated_write, report};
use crate::ir::{self, Arg, FunctionId, Key, Value};
use crate::registry::{self, BoundArg, Function, FunctionKind, ParamKind};
use crate::schema::{self, Context, EnumTable};
use crate::types::Type;

pub struct Checker {
    context: Context,
    /// The collector feature gates assumed enabled.
    gates: Vec<String>,
    /// Every path must name its context (the context was inferred).
    prefixes_required: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// The formals of the lambdas being checked, innermost last.
    lambdas: Vec<Vec<Option<String>>>,
}

/// A typed expression and, for enum-valued fields and symbols, the enum it belongs to.
struct Typed {
    expr: ir::Expr,
    enum_table: Option<&'static EnumTable>,
}

impl Typed {
    fn plain(expr: ir::Expr) -> Typed {
        Typed { expr, enum_table: None }
    }

    /// Stands in for an expression that has been reported: any type, no further complaints.
    fn unknown() -> Typed {
        Typed::plain(ir::Expr { kind: ir::ExprKind::Const(Value::Nil), ty: Type::Any })
    }
}

impl Checker {
    pub fn new(settings: &super::Settings) -> Checker {
        Checker {
            context: settings.context,
            gates: settings.feature_gates.clone(),
            prefixes_required: settings.prefixes_required,
            diagnostics: Vec::new(),
            lambdas: Vec::new(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity() == Severity::Error)
    }

    pub fn statement(&mut self, statement: &ast::Statement) -> Option<ir::Statement> {
        let action = self.call(&statement.action, FunctionKind::Editor);
        let condition = statement.condition.as_ref().map(|c| self.condition(c));
        let statement_ir = ir::Statement { action: action?, condition };
        self.diagnostics.extend(repeated_write::check(self.context, &statement_ir, statement.action.span));
        Some(statement_ir)
    }

    /// A boolean expression: a `where` clause, a rule's condition, a filter condition.
    pub fn condition(&mut self, expr: &ast::Expr) -> ir::Expr {
        match &expr.kind {
            A::Compare(op, lhs, rhs) => self.comparison(*op, lhs, rhs, expr.span),
            A::Not(inner) => {
                let inner = self.condition(inner);
                match inner.as_const() {
                    Some(Value::Bool(b)) => ir::Expr::constant(Value::Bool(!b)),
                    _ => ir::Expr { kind: ir::ExprKind::Not(Box::new(inner)), ty: Type::Bool },
                }
            }
            A::And(lhs, rhs) | A::Or(lhs, rhs) => {
                let is_and = matches!(expr.kind, A::And(..));
                let (lhs, rhs) = (self.condition(lhs), self.condition(rhs));
                match (lhs.as_const(), rhs.as_const()) {
                    (Some(Value::Bool(a)), Some(Value::Bool(b))) => {
                        ir::Expr::constant(Value::Bool(if is_and { *a && *b } else { *a || *b }))
                    }
                    _ => {
                        let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
                        let kind = if is_and { ir::ExprKind::And(lhs, rhs) } else { ir::ExprKind::Or(lhs, rhs) };
                        ir::Expr { kind, ty: Type::Bool }
                    }
                }
            }
            A::Bool(b) => ir::Expr::constant(Value::Bool(*b)),
            A::Paren(inner) => self.condition(inner),
            A::Call(call) => {
                let Some(call) = self.call(call, FunctionKind::Converter) else { return Typed::unknown().expr };
                let ty = call_type(&call);
                if !matches!(ty, Type::Bool | Type::Any) {
                    let name = call.function.signature().name;
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::NotBoolean,
                            format!("`{name}` returns {ty}, not a boolean"),
                            expr.span,
                            format!("this is {ty}"),
                        )
                        .with_help("compare the value to make a condition, e.g. `… > 0` or `… == \"x\"`"),
                    );
                }
                ir::Expr { kind: ir::ExprKind::Call(call), ty: Type::Bool }
            }
            // Anything else is not a condition; the grammar's validator has said so.
            _ => Typed::unknown().expr,
        }
    }

    pub fn value(&mut self, expr: &ast::Expr) -> ir::Expr {
        self.typed(expr).expr
    }

    fn typed(&mut self, expr: &ast::Expr) -> Typed {
        match &expr.kind {
            A::Nil => Typed::plain(ir::Expr::constant(Value::Nil)),
            A::Bool(b) => Typed::plain(ir::Expr::constant(Value::Bool(*b))),
            A::Int(v) => Typed::plain(ir::Expr::constant(Value::Int(*v))),
            A::Float(v) => Typed::plain(ir::Expr::constant(Value::Float(*v))),
            A::String(s) => Typed::plain(ir::Expr::constant(Value::String(s.clone()))),
            A::Bytes(b) => Typed::plain(ir::Expr::constant(Value::Bytes(b.clone()))),
            A::Path(path) => self.path_value(path),
            A::Call(call) => match self.call(call, FunctionKind::Converter) {
                Some(call) => Typed::plain(ir::Expr { ty: call_type(&call), kind: ir::ExprKind::Call(call) }),
                None => Typed::unknown(),
            },
            A::Enum(symbol) => match schema::lookup_enum(self.context, symbol) {
                Ok(value) => Typed { expr: ir::Expr::constant(Value::Int(value.value)), enum_table: Some(value.table) },
                Err(error) => {
                    self.diagnostics.push(report::enum_error(&error));
                    Typed::unknown()
                }
            },
            A::List(items) => {
                let items: Vec<ir::Expr> = items.iter().map(|item| self.value(item)).collect();
                Typed::plain(collection(items, ir::ExprKind::List, Value::List, Type::Array))
            }
            A::Map(entries) => {
                let keys: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
                let values: Vec<ir::Expr> = entries.iter().map(|e| self.value(&e.value)).collect();
                let ty = Type::Map(Box::new(ir::common_type(values.iter().map(|v| v.ty.clone()))));
                let expr = if values.iter().all(|v| v.as_const().is_some()) {
                    let pairs = keys.into_iter().zip(values.into_iter().filter_map(|v| match v.kind {
                        ir::ExprKind::Const(value) => Some(value),
                        _ => None,
                    }));
                    ir::Expr { kind: ir::ExprKind::Const(Value::Map(pairs.collect())), ty }
                } else {
                    ir::Expr { kind: ir::ExprKind::Map(keys.into_iter().zip(values).collect()), ty }
                };
                Typed::plain(expr)
            }
            A::Unary(op, operand) => {
                let operand = self.value(operand);
                Typed::plain(self.negation(*op, operand, expr.span))
            }
            A::Binary(op, lhs, rhs) => {
                let (lhs, rhs) = (self.value(lhs), self.value(rhs));
                Typed::plain(self.arithmetic(*op, lhs, rhs, expr.span))
            }
            A::Paren(inner) => self.typed(inner),
            // Reported by the grammar's validator (a function name or a condition used as
            // a value) or the parser (`Error`).
            A::FunctionName(_) | A::Compare(..) | A::Not(_) | A::And(..) | A::Or(..) | A::Error => Typed::unknown(),
        }
    }

    fn comparison(&mut self, op: CompareOp, lhs: &ast::Expr, rhs: &ast::Expr, span: Span) -> ir::Expr {
        self.diagnostics.extend(panicking_comparison::check(op, lhs, rhs, span));
        let (left, right) = (self.typed(lhs), self.typed(rhs));
        let membership = matches!(op, CompareOp::In | CompareOp::NotIn);
        let right_ty = match (&right.expr.ty, membership) {
            (Type::Array(element), true) => (**element).clone(),
            (_, true) => Type::Any,
            (ty, false) => ty.clone(),
        };
        if !rules::comparable(&left.expr.ty, &right_ty) && !list_has_comparable(&right.expr, &left.expr.ty) {
            let outcome = if matches!(op, CompareOp::Ne | CompareOp::NotIn) { "always true" } else { "always false" };
            self.diagnostics.push(
                Diagnostic::new(
                    Code::IncomparableTypes,
                    format!("`{}` between {} and {right_ty} is {outcome}", op.symbol(), left.expr.ty),
                    span,
                    outcome,
                )
                .with_secondary(lhs.span, format!("{}", left.expr.ty))
                .with_secondary(rhs.span, format!("{}", right.expr.ty))
                .with_help("OTTL does not convert between strings, numbers and booleans; compare values of one type"),
            );
        } else if let (Some(a), Some(b)) = (left.enum_table, right.enum_table)
            && !std::ptr::eq(a, b)
        {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::ForeignEnumSymbol,
                    format!("comparing a {} value with a {} symbol", a.qualifier, b.qualifier),
                    span,
                    "compares values of two different enums",
                )
                .with_help(format!("{} symbols start with {}", a.qualifier, a.prefix)),
            );
        }
        ir::Expr { kind: ir::ExprKind::Compare(op, Box::new(left.expr), Box::new(right.expr)), ty: Type::Bool }
    }

    fn negation(&mut self, op: UnaryOp, operand: ir::Expr, span: Span) -> ir::Expr {
        if !matches!(operand.ty, Type::Int | Type::Float | Type::Any) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidMathOperandType,
                    format!("unsupported unary {} operation on type {}", op.symbol(), operand.ty),
                    span,
                    format!("this is {}", operand.ty),
                )
                .with_help("a sign applies to an int or a float"),
            );
            return Typed::unknown().expr;
        }
        match (op, operand.as_const()) {
            (UnaryOp::Plus, _) => operand,
            (UnaryOp::Neg, Some(Value::Int(v))) => ir::Expr::constant(Value::Int(v.wrapping_neg())),
            (UnaryOp::Neg, Some(Value::Float(v))) => ir::Expr::constant(Value::Float(-v)),
            (UnaryOp::Neg, _) => ir::Expr { ty: operand.ty.clone(), kind: ir::ExprKind::Neg(Box::new(operand)) },
        }
    }

    fn arithmetic(&mut self, op: BinaryOp, lhs: ir::Expr, rhs: ir::Expr, span: Span) -> ir::Expr {
        let ty = match rules::math_result(op, &lhs.ty, &rhs.ty) {
            Ok(ty) => ty,
            Err(error) => {
                let message = match &error {
                    MathError::NotNumeric(ty) => format!("{ty} cannot take part in arithmetic"),
                    MathError::TimeProduct => {
                        "only addition and subtraction supported for time.Time and time.Duration".to_string()
                    }
                    MathError::Mismatch(a, b) => format!("`{}` is not defined between {a} and {b}", op.symbol()),
                };
                self.diagnostics.push(
                    Diagnostic::new(Code::InvalidMathOperandType, message, span, "always fails")
                        .with_help("arithmetic works on ints, floats, and times and durations for + and -"),
                );
                return Typed::unknown().expr;
            }
        };
        if let Some(folded) = fold_math(op, lhs.as_const(), rhs.as_const()) {
            return ir::Expr::constant(folded);
        }
        ir::Expr { kind: ir::ExprKind::Math(op, Box::new(lhs), Box::new(rhs)), ty }
    }

    /// A path in value position: a lambda's formal, or a field of the schema.
    fn path_value(&mut self, path: &ast::Path) -> Typed {
        if let [segment] = path.segments.as_slice()
            && segment.keys.is_empty()
            && let Some(index) = self.lambda_param(&segment.name.name)
        {
            return Typed::plain(ir::Expr { kind: ir::ExprKind::LambdaParam(index), ty: Type::Any });
        }
        match self.path(path) {
            Some((path_ref, resolved)) => Typed {
                expr: ir::Expr { kind: ir::ExprKind::Path(path_ref), ty: resolved.ty.clone() },
                enum_table: resolved.enum_table,
            },
            None => Typed::unknown(),
        }
    }

    fn lambda_param(&self, name: &str) -> Option<usize> {
        self.lambdas.last()?.iter().position(|formal| formal.as_deref() == Some(name))
    }

    fn path(&mut self, path: &ast::Path) -> Option<(ir::PathRef, schema::ResolvedPath)> {
        match schema::resolve(self.context, path) {
            Ok(resolved) => {
                if self.prefixes_required && !resolved.prefixed {
                    self.diagnostics.push(report::missing_context_name(self.context, path));
                }
                let keys = path.segments.iter().flat_map(|s| s.keys.iter()).map(|k| self.key(k)).collect();
                Some((ir::PathRef { context: resolved.context, field: resolved.field, keys }, resolved))
            }
            Err(error) => {
                self.diagnostics.push(report::path_error(&error));
                None
            }
        }
    }

    fn key(&mut self, key: &ast::Key) -> Key {
        match &key.expr.kind {
            A::String(s) => Key::String(s.clone()),
            A::Int(i) => Key::Int(*i),
            _ => {
                let expr = self.value(&key.expr);
                if !matches!(expr.ty, Type::String | Type::Int | Type::Any) {
                    self.diagnostics.push(Diagnostic::new(
                        Code::InvalidPathKeys,
                        format!("a key must be a string or an int, but this is {}", expr.ty),
                        key.expr.span,
                        format!("this is {}", expr.ty),
                    ));
                }
                Key::Expr(Box::new(expr))
            }
        }
    }

    /// A call in action (`Editor`) or value (`Converter`) position.
    fn call(&mut self, call: &ast::Call, kind: FunctionKind) -> Option<ir::Call> {
        let name = call.name.name.as_str();
        let cased_right = match kind {
            FunctionKind::Editor => !call.name.starts_uppercase(),
            FunctionKind::Converter => call.name.starts_uppercase() || is_seed_lowercase_converter(name),
        };
        if !cased_right {
            // A syntax error (the grammar finds it, `names` words it); do not also call it unknown.
            return None;
        }
        let Some(signature) = registry::lookup_kind(name, kind) else {
            let mut diagnostic = Diagnostic::new(
                Code::UnknownFunction,
                format!("undefined function \"{name}\""),
                call.name.span,
                "no such function",
            );
            if let Some(suggestion) = registry::suggest(name) {
                diagnostic = diagnostic.with_suggestion(call.name.span, suggestion);
            }
            self.diagnostics.push(diagnostic);
            return None;
        };
        if !signature.allowed_in(self.context) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::FunctionNotInContext,
                    format!("`{name}` is not available in the {} context", self.context.name()),
                    call.name.span,
                    "not available here",
                )
                .with_help(format!("`{name}` is available in: {}", context_list(signature.contexts))),
            );
        }
        if let Some(gate) = signature.feature_gate
            && !self.gates.iter().any(|enabled| enabled == gate)
        {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::FeatureGate,
                    format!("lambda expression arguments require the `{gate}` feature gate to be enabled (`{name}`)"),
                    call.name.span,
                    "needs a feature gate",
                )
                .with_help(format!("if the collector runs with --feature-gates={gate}, check with the same option")),
            );
        }
        let bound = match registry::bind(signature, call) {
            Ok(bound) => bound,
            Err(errors) => {
                self.diagnostics.extend(errors.iter().filter_map(|e| report::bind_error(e, signature)));
                return None;
            }
        };
        for problem in crate::literals::check_declared(signature, &bound) {
            self.diagnostics.push(literal_problem(problem));
        }
        let args = bound.iter().map(|b| self.argument(signature, b)).collect::<Vec<_>>();
        self.check_set(signature, &args, &bound);
        let keys = call.keys.iter().map(|k| self.key(k)).collect();
        Some(ir::Call { function: FunctionId::of(signature)?, args, keys })
    }

    fn argument(&mut self, signature: &'static Function, bound: &BoundArg<'_>) -> Option<Arg> {
        let argument = bound.arg?;
        let param = bound.param;
        let expr = match &argument.value {
            ArgValue::Lambda(lambda) => {
                self.lambdas.push(lambda.params.iter().map(|p| (p.name != "_").then(|| p.name.to_string())).collect());
                let body =
                    if lambda.body.is_boolean_operator() { self.condition(&lambda.body) } else { self.value(&lambda.body) };
                let params = self.lambdas.pop().unwrap_or_default();
                return Some(Arg::Lambda(ir::Lambda { params, body: Box::new(body) }));
            }
            ArgValue::Expr(expr) => expr,
        };
        if let Some(problem) = crate::literals::validate_like(param.kind, expr) {
            self.diagnostics.push(literal_problem(problem));
        }
        match param.kind {
            ParamKind::Setter | ParamKind::GetSetter => {
                let A::Path(path) = &expr.kind else { return None };
                let (path_ref, resolved) = self.path(path)?;
                if repeated_write::writes(signature, param) {
                    if schema::ignores_writes(resolved.entry) {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::IgnoredWrite,
                                format!("setting `{}` has no effect", path.dotted_names()),
                                path.span,
                                "ignored",
                            )
                            .with_help("metric types change through convert_sum_to_gauge, convert_gauge_to_sum and friends"),
                        );
                    } else if !resolved.settable {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::ReadOnlyPath,
                                format!("`{}` cannot be set", path.dotted_names()),
                                path.span,
                                "read-only",
                            )
                            .with_help(format!("`{}` writes to its `{}` argument", signature.name, param.name)),
                        );
                    }
                }
                Some(Arg::Target(path_ref))
            }
            ParamKind::FunctionGetter => {
                let name = match &expr.kind {
                    A::FunctionName(ident) => &ident.name,
                    A::Enum(symbol) => &symbol.name.name,
                    _ => return None,
                };
                registry::lookup_kind(name, FunctionKind::Converter).and_then(FunctionId::of).map(Arg::Function)
            }
            kind => {
                let value = match (&expr.kind, rules::element_kind(kind)) {
                    (A::List(items), Some(element)) => self.list_argument(signature, param.name, element, items),
                    _ => self.value(expr),
                };
                if (kind.is_getter() || kind.is_list()) && rules::rejects(signature.name, kind, &value) {
                    self.diagnostics.push(argument_type(signature, &format!("`{}`", param.name), kind, &value, expr.span));
                }
                Some(Arg::Expr(value))
            }
        }
    }

    /// A list literal given for a slice of getters: each element is checked as an argument
    /// of the element getter would be (the collector builds one getter per element).
    fn list_argument(&mut self, signature: &'static Function, param: &str, element: ParamKind, items: &[ast::Expr]) -> ir::Expr {
        let mut values = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let value = self.value(item);
            if rules::rejects(signature.name, element, &value) {
                let what = format!("element {index} of `{param}`");
                self.diagnostics.push(argument_type(signature, &what, element, &value, item.span));
            }
            values.push(value);
        }
        collection(values, ir::ExprKind::List, Value::List, Type::Array)
    }

    /// `set(target, value)` with a value the target's type can never hold.
    fn check_set(&mut self, signature: &Function, args: &[Option<Arg>], bound: &[BoundArg<'_>]) {
        if signature.name != "set" || signature.kind != FunctionKind::Editor {
            return;
        }
        let (Some(Some(Arg::Target(target))), Some(Some(Arg::Expr(value)))) = (args.first(), args.get(1)) else { return };
        let Some(entry) = schema::entry_by_id(target.field) else { return };
        let target_ty = if target.keys.is_empty() { entry.ty() } else { Type::Any };
        if !rules::storable(&target_ty, &value.ty) {
            let span = bound.get(1).and_then(|b| b.expr()).map_or(Span::default(), |e| e.span);
            self.diagnostics.push(
                Diagnostic::new(
                    Code::IneffectiveSet,
                    format!("{} value cannot be stored in `{}`, which holds {target_ty}", article(&value.ty), entry.full_name()),
                    span,
                    format!("this is {}", value.ty),
                )
                .with_help("convert it first, e.g. with Int(), Double() or String()"),
            );
        }
    }
}

fn literal_problem(problem: crate::literals::LiteralProblem) -> Diagnostic {
    let mut diagnostic =
        Diagnostic::new(Code::InvalidLiteralArgument, problem.message, problem.span, "rejected by the collector");
    diagnostic.help = problem.help.map(String::into_boxed_str);
    diagnostic
}

/// "an Int", "a String": a type with its article.
fn article(ty: &Type) -> String {
    let text = ty.to_string();
    let vowel = text.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {text}", if vowel { "an" } else { "a" })
}

/// E0116: `value`, given for `what` (a parameter or a list element), has a type `kind`
/// never accepts.
fn argument_type(signature: &Function, what: &str, kind: ParamKind, value: &ir::Expr, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::ArgumentType,
        format!("`{}` expects {} for {what}, but this is {}", signature.name, expects(kind), value.ty),
        span,
        format!("this is {}", value.ty),
    )
    .with_help(format!("`{}`", signature.display_signature()))
}

fn expects(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::StringGetter => "a string",
        ParamKind::IntGetter => "an int",
        ParamKind::FloatGetter => "a float",
        ParamKind::BoolGetter => "a bool",
        ParamKind::PMapGetter => "a map",
        ParamKind::PSliceGetter => "a list",
        ParamKind::TimeGetter => "a time",
        ParamKind::DurationGetter => "a duration",
        ParamKind::StringLikeGetter => "a value convertible to a string",
        ParamKind::IntLikeGetter | ParamKind::FloatLikeGetter => "a number or numeric string",
        ParamKind::BoolLikeGetter => "a bool, number or boolean string",
        ParamKind::ByteSliceLikeGetter => "bytes or a scalar",
        ParamKind::StringLikeGetterList => "a list",
        _ => "another kind of value",
    }
}

/// What a call evaluates to: its function's return type, or `Any` once indexed.
fn call_type(call: &ir::Call) -> Type {
    if !call.keys.is_empty() {
        return Type::Any;
    }
    call.function.signature().return_type().unwrap_or(Type::Nil)
}

/// A list literal some element of which could equal a value of type `ty`.
fn list_has_comparable(list: &ir::Expr, ty: &Type) -> bool {
    match &list.kind {
        ir::ExprKind::List(items) => items.iter().any(|item| rules::comparable(&item.ty, ty)),
        ir::ExprKind::Const(Value::List(items)) => items.iter().any(|item| rules::comparable(&item.ty(), ty)),
        _ => false,
    }
}

/// A list or map of constants is itself a constant.
fn collection(
    items: Vec<ir::Expr>,
    dynamic: fn(Vec<ir::Expr>) -> ir::ExprKind,
    constant: fn(Vec<Value>) -> Value,
    wrap: fn(Box<Type>) -> Type,
) -> ir::Expr {
    let ty = wrap(Box::new(ir::common_type(items.iter().map(|i| i.ty.clone()))));
    if items.iter().all(|i| i.as_const().is_some()) {
        let values = items
            .into_iter()
            .filter_map(|i| match i.kind {
                ir::ExprKind::Const(v) => Some(v),
                _ => None,
            })
            .collect();
        return ir::Expr { kind: ir::ExprKind::Const(constant(values)), ty };
    }
    ir::Expr { kind: dynamic(items), ty }
}

/// Constant arithmetic with Go's semantics: ints wrap; a division by zero is left for run
/// time, where it is an error.
fn fold_math(op: BinaryOp, lhs: Option<&Value>, rhs: Option<&Value>) -> Option<Value> {
    match (lhs?, rhs?) {
        (Value::Int(a), Value::Int(b)) => Some(Value::Int(match op {
            BinaryOp::Add => a.wrapping_add(*b),
            BinaryOp::Sub => a.wrapping_sub(*b),
            BinaryOp::Mul => a.wrapping_mul(*b),
            BinaryOp::Div if *b == 0 => return None,
            BinaryOp::Div => a.wrapping_div(*b),
        })),
        (a @ (Value::Int(_) | Value::Float(_)), b @ (Value::Int(_) | Value::Float(_))) => {
            let (a, b) = (as_float(a), as_float(b));
            Some(Value::Float(match op {
                BinaryOp::Add => a + b,
                BinaryOp::Sub => a - b,
                BinaryOp::Mul => a * b,
                BinaryOp::Div if b == 0.0 => return None,
                BinaryOp::Div => a / b,
            }))
        }
        _ => None,
    }
}

fn as_float(value: &Value) -> f64 {
    match value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

/// `metric, datapoint`: context names as a list for messages.
fn context_list(contexts: &[Context]) -> String {
    contexts.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}
