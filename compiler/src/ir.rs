//! The typed intermediate representation both back ends consume.
//!
//! Every expression carries its static [`Type`]; paths are resolved to schema fields,
//! calls to registry functions, enum symbols to their values; literals and constant
//! sub-expressions are folded. Nothing here refers to source text: the IR of a statement
//! is the same whatever spacing or spelling (`StatusCode::Error` or `STATUS_CODE_ERROR`)
//! it was written with.

use ottl_grammar::ast::{BinaryOp, CompareOp};

use crate::registry::{Function, registry};
use crate::schema::{Context, FieldId};
use crate::types::Type;

/// An index into the function registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FunctionId(pub u16);

impl FunctionId {
    /// The id of a registry entry (`None` for a signature that is not in the registry).
    pub fn of(signature: &'static Function) -> Option<FunctionId> {
        registry().iter().position(|s| std::ptr::eq(*s, signature)).and_then(|i| u16::try_from(i).ok()).map(FunctionId)
    }

    /// The declaration: what is called, and how.
    pub fn signature(self) -> &'static Function {
        registry()[usize::from(self.0)]
    }
}

/// `action(args) where condition`, whichever form it was written in.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub action: Call,
    pub condition: Option<Expr>,
}

/// A call with one slot per parameter of its function, in parameter order; `None` for an
/// optional parameter that was not given.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub function: FunctionId,
    pub args: Vec<Option<Arg>>,
    /// Keys indexing a converter's result: `Split(x, ",")[0]`.
    pub keys: Vec<Key>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Expr(Expr),
    /// A path a setter writes to.
    Target(PathRef),
    /// A function passed by name (`SHA256` to `replace_pattern`).
    Function(FunctionId),
    Lambda(Lambda),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// One entry per formal; `None` for the `_` placeholder.
    pub params: Vec<Option<String>>,
    pub body: Box<Expr>,
}

/// A path resolved against its context's schema.
#[derive(Clone, Debug, PartialEq)]
pub struct PathRef {
    /// The context whose table holds the field (`Resource` for `resource.attributes`).
    pub context: Context,
    pub field: FieldId,
    pub keys: Vec<Key>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    String(String),
    Int(i64),
    /// A key computed at run time (a path, a converter, arithmetic).
    Expr(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Const(Value),
    Path(PathRef),
    Call(Call),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    Neg(Box<Expr>),
    Math(BinaryOp, Box<Expr>, Box<Expr>),
    Compare(CompareOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// The `index`-th formal of the innermost enclosing lambda.
    LambdaParam(usize),
    /// An expression that reads only resource or scope fields (and constants), evaluated
    /// once per resource or scope and remembered as the rule set's memo `id` until a rule
    /// that may write what it reads runs (see [`crate::invariant`]).
    Memo(u32, Box<Expr>),
}

impl Expr {
    /// Calls `visit` on each expression directly inside this one: operands, items, a call's
    /// arguments and keys, a path's computed keys, a lambda's body, a memo's expression.
    /// Passes that rewrite the IR recurse through it instead of matching every kind.
    pub fn for_each_child_mut(&mut self, visit: &mut dyn FnMut(&mut Expr)) {
        match &mut self.kind {
            ExprKind::Const(_) | ExprKind::LambdaParam(_) => {}
            ExprKind::Path(path) => keys_mut(&mut path.keys, visit),
            ExprKind::Call(call) => call.for_each_expr_mut(visit),
            ExprKind::List(items) => items.iter_mut().for_each(visit),
            ExprKind::Map(entries) => entries.iter_mut().for_each(|(_, value)| visit(value)),
            ExprKind::Neg(inner) | ExprKind::Not(inner) | ExprKind::Memo(_, inner) => visit(inner),
            ExprKind::Math(_, left, right)
            | ExprKind::Compare(_, left, right)
            | ExprKind::And(left, right)
            | ExprKind::Or(left, right) => {
                visit(left);
                visit(right);
            }
        }
    }
}

impl Call {
    /// Calls `visit` on each expression of the call: its arguments (a lambda's body, a
    /// target path's computed keys) and the keys indexing its result.
    pub fn for_each_expr_mut(&mut self, visit: &mut dyn FnMut(&mut Expr)) {
        for arg in self.args.iter_mut().flatten() {
            match arg {
                Arg::Expr(expr) => visit(expr),
                Arg::Target(path) => keys_mut(&mut path.keys, visit),
                Arg::Lambda(lambda) => visit(&mut lambda.body),
                Arg::Function(_) => {}
            }
        }
        keys_mut(&mut self.keys, visit);
    }
}

fn keys_mut(keys: &mut [Key], visit: &mut dyn FnMut(&mut Expr)) {
    for key in keys {
        if let Key::Expr(expr) = key {
            visit(expr);
        }
    }
}

/// A value known when the statement is compiled.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Bytes(Vec<u8>),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
    /// A value computed when the rule set compiled (a pure call on constants) of a kind no
    /// literal spells: a duration, a time, an id, a pdata structure.
    Computed(Computed),
}

/// A runtime value held as a constant, compared as the runtime compares values.
#[derive(Clone, Debug)]
pub struct Computed(pub ottl_runtime::Value);

impl PartialEq for Computed {
    fn eq(&self, other: &Computed) -> bool {
        self.0 == other.0
    }
}

impl Value {
    pub fn ty(&self) -> Type {
        match self {
            Value::Nil => Type::Nil,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Float(_) => Type::Float,
            Value::String(_) => Type::String,
            Value::Bytes(_) => Type::Bytes,
            Value::List(items) => Type::Array(Box::new(common_type(items.iter().map(Value::ty)))),
            Value::Map(entries) => Type::Map(Box::new(common_type(entries.iter().map(|(_, v)| v.ty())))),
            Value::Computed(Computed(value)) => runtime_type(value),
        }
    }

    /// A runtime value as a constant: in the literals' forms where it has one, so that
    /// the back ends treat a computed string like a written one.
    pub fn from_runtime(value: ottl_runtime::Value) -> Value {
        use ottl_runtime::Value as Runtime;
        match value {
            Runtime::Nil => Value::Nil,
            Runtime::Bool(b) => Value::Bool(b),
            Runtime::Int(i) => Value::Int(i),
            Runtime::Float(f) => Value::Float(f),
            Runtime::String(s) => Value::String(s),
            Runtime::Bytes(b) => Value::Bytes(b),
            Runtime::Slice(items) => Value::List(items.into_iter().map(Value::from_runtime).collect()),
            Runtime::Map(entries) => Value::Map(entries.into_iter().map(|(k, v)| (k, Value::from_runtime(v))).collect()),
            other => Value::Computed(Computed(other)),
        }
    }
}

/// The static type of a runtime value that no literal spells.
fn runtime_type(value: &ottl_runtime::Value) -> Type {
    use ottl_runtime::Value as Runtime;
    match value {
        Runtime::Time(_) => Type::Time,
        Runtime::Duration(_) => Type::Duration,
        Runtime::TraceId(_) => Type::TraceId,
        Runtime::SpanId(_) => Type::SpanId,
        Runtime::ProfileId(_) => Type::ProfileId,
        _ => Type::Any,
    }
}

impl Value {
    /// The constant as the runtime holds it.
    pub fn to_runtime(&self) -> ottl_runtime::Value {
        use ottl_runtime::Value as Runtime;
        match self {
            Value::Nil => Runtime::Nil,
            Value::Bool(b) => Runtime::Bool(*b),
            Value::Int(i) => Runtime::Int(*i),
            Value::Float(f) => Runtime::Float(*f),
            Value::String(s) => Runtime::String(s.clone()),
            Value::Bytes(b) => Runtime::Bytes(b.clone()),
            Value::List(items) => Runtime::Slice(items.iter().map(Value::to_runtime).collect()),
            Value::Map(entries) => Runtime::Map(entries.iter().map(|(k, v)| (k.clone(), v.to_runtime())).collect()),
            Value::Computed(Computed(value)) => value.clone(),
        }
    }
}

/// The runtime's operator for an arithmetic operator.
pub fn math_op(op: BinaryOp) -> ottl_runtime::math::MathOp {
    use ottl_runtime::math::MathOp;
    match op {
        BinaryOp::Add => MathOp::Add,
        BinaryOp::Sub => MathOp::Sub,
        BinaryOp::Mul => MathOp::Mul,
        BinaryOp::Div => MathOp::Div,
    }
}

/// The runtime's operator for a comparison; `None` for the seed's `in` / `not in`.
pub fn compare_op(op: CompareOp) -> Option<ottl_runtime::compare::CompareOp> {
    use ottl_runtime::compare::CompareOp as Runtime;
    Some(match op {
        CompareOp::Eq => Runtime::Eq,
        CompareOp::Ne => Runtime::Ne,
        CompareOp::Lt => Runtime::Lt,
        CompareOp::Le => Runtime::Le,
        CompareOp::Gt => Runtime::Gt,
        CompareOp::Ge => Runtime::Ge,
        CompareOp::In | CompareOp::NotIn => return None,
    })
}

impl Expr {
    pub fn constant(value: Value) -> Expr {
        Expr { ty: value.ty(), kind: ExprKind::Const(value) }
    }

    pub fn as_const(&self) -> Option<&Value> {
        match &self.kind {
            ExprKind::Const(value) => Some(value),
            _ => None,
        }
    }
}

/// The one type all of `types` share, or `Any` when they differ (or there are none).
pub fn common_type(types: impl Iterator<Item = Type>) -> Type {
    let mut common: Option<Type> = None;
    for ty in types {
        match &common {
            None => common = Some(ty),
            Some(c) if *c == ty => {}
            Some(_) => return Type::Any,
        }
    }
    common.unwrap_or(Type::Any)
}
