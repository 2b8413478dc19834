//! The function registry: every OTTL function the toolchain knows, as data.
//!
//! Each [`FunctionSignature`] records what the Go reference's `Arguments` struct says about
//! a function (parameter names as the snake_case of the Go field names, the kind of each
//! field, which ones are `ottl.Optional[...]`), plus what the checker and the language
//! server need on top: the static return type, the contexts the function is registered in,
//! the feature gate it needs, and hover text with an example.
//!
//! The table lives in [`functions`]; [`bind`] matches a call's arguments to a signature's
//! parameters the way the reference's `buildArgs` does, without building diagnostics.

pub mod bind;
pub mod functions;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use ottl_grammar::names::snake_to_upper_camel;

use crate::types::{Type, TypeSpec};

pub use bind::{BindError, BoundArg, LiteralKind, bind};
pub use functions::REGISTRY;

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

    /// `resolve_conflicts` → `resolveConflicts`.
    pub fn camel_name(&self) -> String {
        let upper = snake_to_upper_camel(self.name);
        let mut chars = upper.chars();
        match chars.next() {
            Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    }

    /// Whether a named argument spelled `name` binds to this parameter. The reference
    /// binds a name to the field `strcase.ToCamel(name)`, so snake and camel spellings of
    /// the same words both reach it.
    pub fn accepts_name(&self, name: &str) -> bool {
        name == self.name || snake_to_upper_camel(name) == snake_to_upper_camel(self.name)
    }
}

/// Everything the toolchain knows about one function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FunctionSignature {
    pub name: &'static str,
    pub kind: FunctionKind,
    pub params: &'static [Param],
    /// What a converter returns; `None` for editors.
    pub returns: Option<TypeSpec>,
    /// Contexts it is registered in (`"span"`, `"metric"`, …); empty = every context.
    pub contexts: &'static [&'static str],
    /// A feature gate that must be enabled for it to exist.
    pub feature_gate: Option<&'static str>,
    pub origin: Origin,
    /// For the seed's lowercase spellings: the canonical function they stand for.
    pub alias_of: Option<&'static str>,
    /// One paragraph for hover text.
    pub doc: &'static str,
    /// A complete statement (editors) or value/condition (converters) using the function.
    pub example: &'static str,
}

/// The lambda feature gate (spec §2.8).
pub const LAMBDA_GATE: &str = "ottl.functions.enableLambda";

impl FunctionSignature {
    pub const fn editor(name: &'static str, params: &'static [Param], doc: &'static str, example: &'static str) -> Self {
        FunctionSignature {
            name,
            kind: FunctionKind::Editor,
            params,
            returns: None,
            contexts: &[],
            feature_gate: None,
            origin: Origin::Standard,
            alias_of: None,
            doc,
            example,
        }
    }

    pub const fn converter(
        name: &'static str,
        params: &'static [Param],
        returns: TypeSpec,
        doc: &'static str,
        example: &'static str,
    ) -> Self {
        FunctionSignature {
            name,
            kind: FunctionKind::Converter,
            params,
            returns: Some(returns),
            contexts: &[],
            feature_gate: None,
            origin: Origin::Standard,
            alias_of: None,
            doc,
            example,
        }
    }

    pub const fn only_in(self, contexts: &'static [&'static str]) -> Self {
        FunctionSignature { contexts, ..self }
    }

    pub const fn gated(self, gate: &'static str) -> Self {
        FunctionSignature { feature_gate: Some(gate), ..self }
    }

    pub const fn origin(self, origin: Origin) -> Self {
        FunctionSignature { origin, ..self }
    }

    pub const fn alias_of(self, canonical: &'static str) -> Self {
        FunctionSignature { alias_of: Some(canonical), ..self }
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

    /// Whether the function is registered in `context` (a context name such as `"span"`).
    pub fn allowed_in(&self, context: &str) -> bool {
        self.contexts.is_empty() || self.contexts.contains(&context)
    }

    /// How many parameters must be supplied.
    pub fn required_count(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.accepts_name(name))
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

    /// The language server's hover text: signature, doc, where it is allowed, example.
    pub fn hover(&self) -> String {
        let mut out = format!("```ottl\n{}\n```\n\n{}", self.display_signature(), self.doc);
        if !self.contexts.is_empty() {
            let _ = write!(out, "\n\nOnly in the {} context{}.", self.contexts.join(" and "), plural(self.contexts.len()));
        }
        if let Some(gate) = self.feature_gate {
            let _ = write!(out, "\n\nRequires the feature gate `{gate}`.");
        }
        if let Some(canonical) = self.alias_of {
            let _ = write!(out, "\n\nThe seed's spelling of `{canonical}`.");
        }
        let _ = write!(out, "\n\nExample:\n```ottl\n{}\n```", self.example);
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn index() -> &'static HashMap<&'static str, Vec<&'static FunctionSignature>> {
    static INDEX: OnceLock<HashMap<&'static str, Vec<&'static FunctionSignature>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<&'static FunctionSignature>> = HashMap::new();
        for signature in REGISTRY {
            map.entry(signature.name).or_default().push(signature);
        }
        map
    })
}

/// The function spelled exactly `name`. `replace_pattern` is both an editor and (the seed's
/// value-position spelling) a converter; this returns the editor, see [`lookup_kind`].
pub fn lookup(name: &str) -> Option<&'static FunctionSignature> {
    index().get(name).and_then(|all| all.first().copied())
}

/// The function spelled exactly `name` in the role `kind` (action or value position).
pub fn lookup_kind(name: &str, kind: FunctionKind) -> Option<&'static FunctionSignature> {
    index().get(name).and_then(|all| all.iter().copied().find(|s| s.kind == kind))
}

/// Every converter, for `FunctionGetter` arguments and completion.
pub fn converters() -> impl Iterator<Item = &'static FunctionSignature> {
    REGISTRY.iter().filter(|s| s.is_converter())
}

/// Did you mean: a function whose name differs only in case (`parsejson` → `ParseJSON`,
/// `Set` → `set`), else the closest name by edit distance, if close enough.
pub fn suggest(name: &str) -> Option<&'static str> {
    suggest_from(name, REGISTRY.iter().map(|s| s.name))
}

/// [`suggest`] over any candidates, e.g. a signature's parameter names.
pub fn suggest_from<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    crate::suggest::closest(name, candidates)
}
