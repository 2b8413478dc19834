//! The function registry: every OTTL function the toolchain knows, as the runtime declares
//! them ([`Function`], one declaration per function beside its body).
//!
//! This module looks functions up by name and role, suggests names, and [`bind`] matches a
//! call's arguments to a declaration's parameters the way the reference's `buildArgs`
//! does, without building diagnostics.

pub mod bind;
pub mod reference;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::OnceLock;

use ottl_grammar::names::snake_to_upper_camel;

pub use bind::{BindError, BoundArg, LiteralKind, bind};
pub use ottl_runtime::functions::{Function, FunctionKind, LAMBDA_GATE, Origin, Param, ParamKind, registry};

/// How a call names a parameter: the reference binds a name to the field
/// `strcase.ToCamel(name)`, so snake and camel spellings of the same words both reach it.
pub trait ParamNames {
    /// `resolve_conflicts` → `resolveConflicts`.
    fn camel_name(&self) -> String;
    /// Whether a named argument spelled `name` binds to this parameter.
    fn accepts_name(&self, name: &str) -> bool;
}

impl ParamNames for Param {
    fn camel_name(&self) -> String {
        let upper = snake_to_upper_camel(self.name);
        let mut chars = upper.chars();
        match chars.next() {
            Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    }

    fn accepts_name(&self, name: &str) -> bool {
        name == self.name || snake_to_upper_camel(name) == snake_to_upper_camel(self.name)
    }
}

/// The parameter of `function` a named argument spelled `name` binds to.
pub fn param(function: &Function, name: &str) -> Option<&'static Param> {
    function.params.iter().find(|p| p.accepts_name(name))
}

fn index() -> &'static HashMap<&'static str, Vec<&'static Function>> {
    static INDEX: OnceLock<HashMap<&'static str, Vec<&'static Function>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<&'static Function>> = HashMap::new();
        for &signature in registry() {
            map.entry(signature.name).or_default().push(signature);
        }
        map
    })
}

/// The function spelled exactly `name`. `replace_pattern` is both an editor and (the seed's
/// value-position spelling) a converter; this returns the editor, see [`lookup_kind`].
pub fn lookup(name: &str) -> Option<&'static Function> {
    index().get(name).and_then(|all| all.first().copied())
}

/// The function spelled exactly `name` in the role `kind` (action or value position).
pub fn lookup_kind(name: &str, kind: FunctionKind) -> Option<&'static Function> {
    index().get(name).and_then(|all| all.iter().copied().find(|s| s.kind == kind))
}

/// Every converter, for `FunctionGetter` arguments and completion.
pub fn converters() -> impl Iterator<Item = &'static Function> {
    registry().iter().copied().filter(|s| s.is_converter())
}

/// Did you mean: a function whose name differs only in case (`parsejson` → `ParseJSON`,
/// `Set` → `set`), else the closest name by edit distance, if close enough.
pub fn suggest(name: &str) -> Option<&'static str> {
    suggest_from(name, registry().iter().map(|s| s.name))
}

/// [`suggest`] over any candidates, e.g. a signature's parameter names.
pub fn suggest_from<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    crate::suggest::closest(name, candidates)
}
