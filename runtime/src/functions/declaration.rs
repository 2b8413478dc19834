//! How a function is declared: everything the toolchain knows about one OTTL function, in
//! one place, in the spirit of VRL's `Function` trait.
//!
//! A [`Function`] holds what the Go reference's `Arguments` struct says (parameter names as
//! the snake_case of the Go field names, the kind of each field, which ones are
//! `ottl.Optional[...]`), what the checker and the language server need on top (the static
//! return type, the contexts it is registered in, the feature gate it needs, its doc and
//! examples with their expected results), the load-time checks the reference's factory
//! applies to literal arguments, and the body both back ends call.
//!
//! The compiler's registry, the checker, both back ends, `ottlc explain`, the language
//! server and the generated function reference all read these declarations: adding a
//! function touches one file.

use std::fmt::Write as _;

use super::literal::LiteralCheck;
use super::{Args, EditorHost};
use crate::context::ItemMut;
use crate::error::Result;
use crate::hierarchy::Context;
use crate::types::{Type, TypeSpec};
use crate::value::Value;

/// Editors change telemetry and stand in action position; converters return a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    Editor,
    Converter,
}

/// Where a function comes from: what the user must run for it to exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// `ottlfuncs.StandardFuncs`.
    Standard,
    /// Registered by the transform processor only.
    TransformProcessor,
    /// Registered by the filter processor only.
    FilterProcessor,
    /// The seed's extensions (rule-form actions, lowercase converter spellings, the sampler).
    Seed,
}

/// The lambda feature gate (spec §2.8).
pub const LAMBDA_GATE: &str = "ottl.functions.enableLambda";

/// What a parameter accepts, after the Go type of its `Arguments` struct field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// `ottl.Setter`: must be a path.
    Setter,
    /// `ottl.GetSetter` (and `PMapGetSetter`): must be a path.
    GetSetter,
    /// `ottl.Getter`: any value expression.
    Getter,
    StringGetter,
    IntGetter,
    FloatGetter,
    BoolGetter,
    PMapGetter,
    PSliceGetter,
    TimeGetter,
    DurationGetter,
    StringLikeGetter,
    IntLikeGetter,
    FloatLikeGetter,
    BoolLikeGetter,
    ByteSliceLikeGetter,
    /// Go `string`: a string literal.
    String,
    /// Go `int64`: an int literal.
    Int,
    /// Go `float64`: a float literal.
    Float,
    /// Go `bool`: `true` or `false`.
    Bool,
    /// `ottl.Enum`: an enum symbol.
    Enum,
    /// `[]string`: a list literal of string literals.
    StringList,
    /// `[]int64`: a list literal of int literals.
    IntList,
    /// `[]float64`: a list literal of float literals.
    FloatList,
    /// `[]ottl.Getter`: a list literal of any values.
    GetterList,
    /// `[]ottl.StringGetter`.
    StringGetterList,
    /// `ottl.SliceGetter[K, ottl.StringLikeGetter[K]]` (Concat's `vals`): a list literal of
    /// any values, or any value that is a list at run time.
    StringLikeGetterList,
    /// `[]ottl.PMapGetter`.
    PMapGetterList,
    /// `[]byte`: a bytes literal.
    Bytes,
    /// `ottl.FunctionGetter`: the bare name of a converter, such as `SHA256`.
    FunctionGetter,
    /// `*ottl.LambdaExpression` with this many formals.
    Lambda(u8),
}
impl ParamKind {
    /// Setters must be given a path.
    pub fn is_setter(self) -> bool {
        matches!(self, ParamKind::Setter | ParamKind::GetSetter)
    }

    /// The getters that require a value of their type (`StringGetter`, …), unlike `Getter`
    /// and the `*LikeGetter`s.
    pub fn is_typed_getter(self) -> bool {
        matches!(
            self,
            ParamKind::StringGetter
                | ParamKind::IntGetter
                | ParamKind::FloatGetter
                | ParamKind::BoolGetter
                | ParamKind::PMapGetter
                | ParamKind::PSliceGetter
                | ParamKind::TimeGetter
                | ParamKind::DurationGetter
        )
    }

    /// Getters take any value expression; the type is checked at run time (spec §2.5).
    pub fn is_getter(self) -> bool {
        self.is_typed_getter()
            || matches!(
                self,
                ParamKind::Getter
                    | ParamKind::StringLikeGetter
                    | ParamKind::IntLikeGetter
                    | ParamKind::FloatLikeGetter
                    | ParamKind::BoolLikeGetter
                    | ParamKind::ByteSliceLikeGetter
            )
    }

    /// The `*LikeGetter`s convert what they are given (a number to its text, …) instead of
    /// requiring a value of their type.
    pub fn is_like(self) -> bool {
        matches!(
            self,
            ParamKind::StringLikeGetter
                | ParamKind::IntLikeGetter
                | ParamKind::FloatLikeGetter
                | ParamKind::BoolLikeGetter
                | ParamKind::ByteSliceLikeGetter
                | ParamKind::StringLikeGetterList
        )
    }

    /// Go `string`, `int64`, `float64`, `bool`, `ottl.Enum`.
    pub fn is_literal(self) -> bool {
        matches!(self, ParamKind::String | ParamKind::Int | ParamKind::Float | ParamKind::Bool | ParamKind::Enum)
    }

    pub fn is_list(self) -> bool {
        matches!(
            self,
            ParamKind::StringList
                | ParamKind::IntList
                | ParamKind::FloatList
                | ParamKind::GetterList
                | ParamKind::StringGetterList
                | ParamKind::StringLikeGetterList
                | ParamKind::PMapGetterList
        )
    }

    /// The Go type, as the reference's messages and the hover text spell it.
    pub fn go_type(self) -> &'static str {
        match self {
            ParamKind::Setter => "Setter",
            ParamKind::GetSetter => "GetSetter",
            ParamKind::Getter => "Getter",
            ParamKind::StringGetter => "StringGetter",
            ParamKind::IntGetter => "IntGetter",
            ParamKind::FloatGetter => "FloatGetter",
            ParamKind::BoolGetter => "BoolGetter",
            ParamKind::PMapGetter => "PMapGetter",
            ParamKind::PSliceGetter => "PSliceGetter",
            ParamKind::TimeGetter => "TimeGetter",
            ParamKind::DurationGetter => "DurationGetter",
            ParamKind::StringLikeGetter => "StringLikeGetter",
            ParamKind::IntLikeGetter => "IntLikeGetter",
            ParamKind::FloatLikeGetter => "FloatLikeGetter",
            ParamKind::BoolLikeGetter => "BoolLikeGetter",
            ParamKind::ByteSliceLikeGetter => "ByteSliceLikeGetter",
            ParamKind::String => "string",
            ParamKind::Int => "int64",
            ParamKind::Float => "float64",
            ParamKind::Bool => "bool",
            ParamKind::Enum => "Enum",
            ParamKind::StringList => "[]string",
            ParamKind::IntList => "[]int64",
            ParamKind::FloatList => "[]float64",
            ParamKind::GetterList => "[]Getter",
            ParamKind::StringGetterList => "[]StringGetter",
            ParamKind::StringLikeGetterList => "[]StringLikeGetter",
            ParamKind::PMapGetterList => "[]PMapGetter",
            ParamKind::Bytes => "[]byte",
            ParamKind::FunctionGetter => "FunctionGetter",
            ParamKind::Lambda(_) => "LambdaExpression",
        }
    }

    /// The static type a value bound to this kind has (or is converted to).
    pub const fn default_type(self) -> TypeSpec {
        match self {
            ParamKind::Setter | ParamKind::GetSetter | ParamKind::Getter => TypeSpec::Any,
            ParamKind::StringGetter | ParamKind::StringLikeGetter | ParamKind::String => TypeSpec::String,
            ParamKind::IntGetter | ParamKind::IntLikeGetter | ParamKind::Int | ParamKind::Enum => TypeSpec::Int,
            ParamKind::FloatGetter | ParamKind::FloatLikeGetter | ParamKind::Float => TypeSpec::Float,
            ParamKind::BoolGetter | ParamKind::BoolLikeGetter | ParamKind::Bool => TypeSpec::Bool,
            ParamKind::PMapGetter => TypeSpec::Map(&TypeSpec::Any),
            ParamKind::PSliceGetter => TypeSpec::Array(&TypeSpec::Any),
            ParamKind::TimeGetter => TypeSpec::Time,
            ParamKind::DurationGetter => TypeSpec::Duration,
            ParamKind::ByteSliceLikeGetter | ParamKind::Bytes => TypeSpec::Bytes,
            ParamKind::StringList | ParamKind::StringGetterList | ParamKind::StringLikeGetterList => {
                TypeSpec::Array(&TypeSpec::String)
            }
            ParamKind::IntList => TypeSpec::Array(&TypeSpec::Int),
            ParamKind::FloatList => TypeSpec::Array(&TypeSpec::Float),
            ParamKind::GetterList => TypeSpec::Array(&TypeSpec::Any),
            ParamKind::PMapGetterList => TypeSpec::Array(&TypeSpec::Map(&TypeSpec::Any)),
            ParamKind::FunctionGetter => TypeSpec::Opaque("ottl.FunctionGetter"),
            ParamKind::Lambda(_) => TypeSpec::Opaque("ottl.LambdaExpression"),
        }
    }
}

/// One field of a function's `Arguments` struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// The Go field name in snake_case (`resolve_conflicts`); the camelCase spelling binds too.
    pub name: &'static str,
    pub kind: ParamKind,
    /// `ottl.Optional[...]`.
    pub optional: bool,
    /// The static type where it says more than the kind does (a map-valued setter).
    pub type_override: Option<TypeSpec>,
}

impl Param {
    pub const fn required(name: &'static str, kind: ParamKind) -> Param {
        Param { name, kind, optional: false, type_override: None }
    }

    pub const fn optional(name: &'static str, kind: ParamKind) -> Param {
        Param { name, kind, optional: true, type_override: None }
    }

    pub const fn typed(self, ty: TypeSpec) -> Param {
        Param { type_override: Some(ty), ..self }
    }

    /// The static type of a value bound here.
    pub fn ty(&self) -> Type {
        self.type_override.unwrap_or(self.kind.default_type()).to_type()
    }
}

/// A use of the function with what it gives, shown in the docs and run on both back ends
/// by a test (on the example telemetry of the function's context, see `tests/examples`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// A value expression (converters) or a statement (editors).
    pub code: &'static str,
    /// For a converter, an expression of the value `code` gives (`"a-b"`, `["a", "b"]`);
    /// for an editor, a condition that holds after the statement ran.
    pub result: &'static str,
}

impl Example {
    pub const fn new(code: &'static str, result: &'static str) -> Example {
        Example { code, result }
    }
}

/// A converter's body: its arguments, and the item the statement runs on for the few
/// that read it (`IsRootSpan`), to a value.
pub type ConverterBody = fn(&mut Args<'_>, &ItemMut<'_>) -> Result<Value>;

/// An editor's body: its arguments and the host that reaches its target path and item.
pub type EditorBody = fn(&mut Args<'_>, &mut dyn EditorHost) -> Result<()>;

/// What runs when the function is called. The typed bodies are written as plain Rust
/// functions of typed parameters and adapted by [`converter!`](crate::converter) and
/// [`editor!`](crate::editor).
#[derive(Clone, Copy)]
pub enum Body {
    Converter(ConverterBody),
    /// A converter whose getter arguments arrive unevaluated ([`super::Deferred`]):
    /// `Coalesce` stops at the first non-nil value, and an error in what it skips must not
    /// surface.
    LazyConverter(ConverterBody),
    Editor(EditorBody),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Body::Converter(_) => "Converter",
            Body::LazyConverter(_) => "LazyConverter",
            Body::Editor(_) => "Editor",
        })
    }
}

/// Everything the toolchain knows about one function.
#[derive(Clone, Copy, Debug)]
pub struct Function {
    pub name: &'static str,
    pub kind: FunctionKind,
    pub params: &'static [Param],
    /// What a converter returns; `None` for editors.
    pub returns: Option<TypeSpec>,
    /// Contexts it is registered in; empty = every context.
    pub contexts: &'static [Context],
    /// A feature gate that must be enabled for it to exist.
    pub feature_gate: Option<&'static str>,
    pub origin: Origin,
    /// For the seed's lowercase spellings: the canonical function they stand for.
    pub alias_of: Option<&'static str>,
    /// One paragraph for hover text and the function reference.
    pub doc: &'static str,
    /// At least one; the first is the one hover shows.
    pub examples: &'static [Example],
    /// The checks the reference's factory applies to literal arguments when the collector
    /// loads the statement; `None` when it checks nothing.
    pub literals: Option<LiteralCheck>,
    /// Whether a call's result depends on its arguments alone, the same every time: no
    /// clock, randomness, environment or item. A pure converter called on constants is
    /// evaluated once, when the rule set compiles, and one reading only resource or scope
    /// fields once per resource or scope. Not pure unless declared so: an impure function
    /// wrongly declared pure would run once instead of on every item.
    pub pure: bool,
    pub body: Body,
}

impl PartialEq for Function {
    /// Declarations are static: two are the same function when they are the same
    /// declaration.
    fn eq(&self, other: &Function) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Function {
    pub const fn editor(
        name: &'static str,
        params: &'static [Param],
        body: EditorBody,
        doc: &'static str,
        examples: &'static [Example],
    ) -> Function {
        Function::new(name, FunctionKind::Editor, params, None, Body::Editor(body), doc, examples)
    }

    pub const fn converter(
        name: &'static str,
        params: &'static [Param],
        returns: TypeSpec,
        body: ConverterBody,
        doc: &'static str,
        examples: &'static [Example],
    ) -> Function {
        Function::new(name, FunctionKind::Converter, params, Some(returns), Body::Converter(body), doc, examples)
    }

    const fn new(
        name: &'static str,
        kind: FunctionKind,
        params: &'static [Param],
        returns: Option<TypeSpec>,
        body: Body,
        doc: &'static str,
        examples: &'static [Example],
    ) -> Function {
        Function {
            name,
            kind,
            params,
            returns,
            contexts: &[],
            feature_gate: None,
            origin: Origin::Standard,
            alias_of: None,
            doc,
            examples,
            literals: None,
            pure: false,
            body,
        }
    }

    /// Its getter arguments arrive unevaluated (see [`Body::LazyConverter`]).
    pub const fn lazy(self) -> Function {
        match self.body {
            Body::Converter(body) => Function { body: Body::LazyConverter(body), ..self },
            _ => self,
        }
    }

    pub const fn only_in(self, contexts: &'static [Context]) -> Function {
        Function { contexts, ..self }
    }

    pub const fn gated(self, gate: &'static str) -> Function {
        Function { feature_gate: Some(gate), ..self }
    }

    pub const fn origin(self, origin: Origin) -> Function {
        Function { origin, ..self }
    }

    pub const fn alias_of(self, canonical: &'static str) -> Function {
        Function { alias_of: Some(canonical), ..self }
    }

    pub const fn literals(self, check: LiteralCheck) -> Function {
        Function { literals: Some(check), ..self }
    }

    /// Its result depends on its arguments alone (see the `pure` field).
    pub const fn pure(self) -> Function {
        Function { pure: true, ..self }
    }

    pub fn is_editor(&self) -> bool {
        self.kind == FunctionKind::Editor
    }

    pub fn is_converter(&self) -> bool {
        self.kind == FunctionKind::Converter
    }

    pub fn return_type(&self) -> Option<Type> {
        self.returns.map(TypeSpec::to_type)
    }

    /// Whether the function is registered in `context`.
    pub fn allowed_in(&self, context: Context) -> bool {
        self.contexts.is_empty() || self.contexts.contains(&context)
    }

    /// How many parameters must be supplied.
    pub fn required_count(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    /// The example hover shows.
    pub fn example(&self) -> &'static str {
        self.examples.first().map_or("", |e| e.code)
    }

    /// `replace_pattern(target: GetSetter, regex_pattern: StringGetter, …, function?: FunctionGetter)`,
    /// with `-> String` for converters.
    pub fn display_signature(&self) -> String {
        let mut out = String::from(self.name);
        out.push('(');
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{}{}: {}", p.name, if p.optional { "?" } else { "" }, p.kind.go_type());
            if let ParamKind::Lambda(arity) = p.kind {
                let _ = write!(out, "/{arity}");
            }
        }
        out.push(')');
        if let Some(ret) = self.return_type() {
            let _ = write!(out, " -> {ret}");
        }
        out
    }

    /// Where it may be used, feature gate and origin, as sentences (hover text and the
    /// function reference).
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.contexts.is_empty() {
            let names: Vec<&str> = self.contexts.iter().map(|c| c.name()).collect();
            notes.push(format!("Only in the {} context{}.", names.join(" and "), if names.len() == 1 { "" } else { "s" }));
        }
        if let Some(gate) = self.feature_gate {
            notes.push(format!("Requires the feature gate `{gate}`."));
        }
        if let Some(canonical) = self.alias_of {
            notes.push(format!("The seed's spelling of `{canonical}`."));
        }
        notes
    }

    /// The language server's hover text: signature, doc, where it is allowed, example.
    pub fn hover(&self) -> String {
        let mut out = format!("```ottl\n{}\n```\n\n{}", self.display_signature(), self.doc);
        for note in self.notes() {
            let _ = write!(out, "\n\n{note}");
        }
        let _ = write!(out, "\n\nExample:\n```ottl\n{}\n```", self.example());
        out
    }
}
