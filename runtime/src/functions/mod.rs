//! Every OTTL function, declared once ([`Function`]) and shared by both back ends.
//!
//! Each module declares its functions in a `FUNCTIONS` table next to their bodies;
//! [`registry`] is all of them, the order a function's id indexes.
//!
//! A back end evaluates a call's getter arguments to [`Value`]s (in parameter order, one
//! [`Arg`] per parameter, [`Arg::Absent`] for an optional one not given), then calls the
//! body. Converters return a value; editors act through an [`EditorHost`], which reads
//! and writes the call's target path and reaches the telemetry item for the functions
//! that work on it whole (the metric processors' functions, the rule actions).

mod declaration;
mod editors;
mod hashing;
mod lambdas;
pub mod literal;
mod metrics;
mod parsing;
mod regexes;
mod rules;
mod shorthand;
mod strings;
mod time;
mod typed;
mod types;
mod view;
mod xml;

use std::sync::OnceLock;

use smallvec::SmallVec;

pub use declaration::{Body, ConverterBody, EditorBody, Example, Function, FunctionKind, LAMBDA_GATE, Origin, Param, ParamKind};
pub use typed::{BoolLike, BytesLike, Deferred, Element, FloatLike, FromArg, IntLike, List, Nanos, StringLike, Time};
pub use view::{SliceView, View};

use crate::error::{Error, Result};
use crate::value::Value;

/// One evaluated argument.
pub enum Arg<'a> {
    /// An optional parameter that was not given.
    Absent,
    Value(Value),
    /// A value read where it is, for a converter: see [`View`].
    View(View<'a>),
    /// A converter passed by name (`SHA256` to `replace_pattern`).
    Function(&'static Function),
    /// A lambda; calling it evaluates its body with the given values bound to its formals.
    Lambda(&'a dyn Lambda),
    /// A getter not evaluated yet, for the [`Body::LazyConverter`] functions: calling it
    /// (with no values) evaluates it.
    Deferred(&'a dyn Lambda),
    /// A list literal of getters not evaluated yet, for the lazy functions.
    DeferredList(Vec<&'a dyn Lambda>),
}

/// A lambda argument, evaluated by the back end that compiled it.
pub trait Lambda {
    fn call(&self, args: &[Value]) -> Result<Value>;
}

/// The arguments of one call, in parameter order. Bodies never read them by position:
/// the typed adapters ([`FromArg`]) take each slot as its parameter's Rust type.
pub struct Args<'a> {
    args: SmallVec<[Arg<'a>; INLINE_ARGS]>,
}

/// Calls with up to this many arguments keep them on the stack.
const INLINE_ARGS: usize = 4;

impl<'a> FromIterator<Arg<'a>> for Args<'a> {
    fn from_iter<I: IntoIterator<Item = Arg<'a>>>(args: I) -> Args<'a> {
        Args { args: args.into_iter().collect() }
    }
}

impl<'a> Args<'a> {
    pub fn new(args: Vec<Arg<'a>>) -> Args<'a> {
        args.into_iter().collect()
    }

    /// Room for `count` arguments, to be pushed in parameter order. A back end builds a
    /// call's arguments this way, in place: collecting them through a `Result` would build
    /// them aside and copy the whole inline array over.
    pub fn with_capacity(count: usize) -> Args<'a> {
        Args { args: SmallVec::with_capacity(count) }
    }

    pub fn push(&mut self, arg: Arg<'a>) {
        self.args.push(arg);
    }

    /// Arguments that are all plain values (a function passed by name is called so).
    pub fn values(values: Vec<Value>) -> Args<'static> {
        Args { args: values.into_iter().map(Arg::Value).collect() }
    }

    /// Each argument slot in parameter order, for the typed adapters ([`FromArg`]): the
    /// slots are disjoint, so each parameter borrows or takes its own.
    pub fn slots(&mut self) -> std::slice::IterMut<'_, Arg<'a>> {
        self.args.iter_mut()
    }

    pub fn len(&self) -> usize {
        self.args.len()
    }

    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }
}

/// What an editor can reach: its target path (the first parameter, for editors that have
/// one) and the item the statement runs on.
pub trait EditorHost {
    /// The current value at the target path.
    fn get_target(&mut self) -> Result<Value>;
    /// Writes the target path.
    fn set_target(&mut self, value: Value) -> Result<()>;
    /// The target, when it is a whole attribute list, for an editor that changes it in
    /// place as pdata does (`Map.Remove`) instead of reading and writing it as a map.
    fn target_attributes(&mut self) -> Option<&mut Vec<opentelemetry_proto::tonic::common::v1::KeyValue>> {
        None
    }
    /// The item itself, for the functions that work on it whole.
    fn item(&mut self) -> Option<crate::context::ItemMut<'_>>;
    /// Records a rule action (`keep()`, `drop()`, `route("x")`).
    fn act(&mut self, action: crate::exec::Action);
}

/// Every declared function, in the order of their ids.
pub fn registry() -> &'static [&'static Function] {
    static REGISTRY: OnceLock<Vec<&'static Function>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        [
            editors::keys::FUNCTIONS,
            editors::limits::FUNCTIONS,
            editors::merge::FUNCTIONS,
            editors::replace::FUNCTIONS,
            editors::flatten::FUNCTIONS,
            editors::slices::FUNCTIONS,
            editors::values::FUNCTIONS,
            types::conversions::FUNCTIONS,
            types::ids::FUNCTIONS,
            types::predicates::FUNCTIONS,
            types::collections::FUNCTIONS,
            types::uuids::FUNCTIONS,
            types::math::FUNCTIONS,
            strings::FUNCTIONS,
            parsing::json::FUNCTIONS,
            parsing::key_value::FUNCTIONS,
            parsing::csv::FUNCTIONS,
            parsing::patterns::FUNCTIONS,
            parsing::severity::FUNCTIONS,
            parsing::url::FUNCTIONS,
            parsing::community_id::FUNCTIONS,
            parsing::cef::FUNCTIONS,
            parsing::clf::FUNCTIONS,
            parsing::elf::FUNCTIONS,
            parsing::leef::FUNCTIONS,
            hashing::FUNCTIONS,
            time::FUNCTIONS,
            lambdas::FUNCTIONS,
            xml::FUNCTIONS,
            metrics::conversions::FUNCTIONS,
            metrics::percentile::FUNCTIONS,
            metrics::copy_scale::FUNCTIONS,
            metrics::aggregate::FUNCTIONS,
            metrics::exponential::FUNCTIONS,
            metrics::buckets::FUNCTIONS,
            metrics::span_name::FUNCTIONS,
            metrics::datapoint::FUNCTIONS,
            rules::FUNCTIONS,
        ]
        .into_iter()
        .flatten()
        .collect()
    })
}

impl Function {
    /// Calls the converter on the item `item`.
    pub fn convert(&self, args: &mut Args<'_>, item: &crate::context::ItemMut<'_>) -> Result<Value> {
        match self.body {
            Body::Converter(body) | Body::LazyConverter(body) => body(args, item),
            Body::Editor(_) => Err(Error::new(format!("{} is an editor, not a converter", self.name))),
        }
    }

    /// Calls the converter with plain values, as a `FunctionGetter` does (the functions
    /// passed by name need no item).
    pub fn invoke(&self, values: Vec<Value>) -> Result<Value> {
        self.convert(&mut Args::values(values), &crate::context::ItemMut::Resource)
    }

    /// Runs the editor through `host`.
    pub fn edit(&self, args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
        match self.body {
            Body::Editor(body) => body(args, host),
            _ => Err(Error::new(format!("{} is a converter, not an editor", self.name))),
        }
    }

    /// Whether its getter arguments arrive unevaluated.
    pub fn is_lazy(&self) -> bool {
        matches!(self.body, Body::LazyConverter(_))
    }
}

/// An editor host whose target is a value of its own: for editors used as converters
/// (the seed's `replace_pattern` in value position) and for tests.
pub(crate) struct ValueHost {
    pub(crate) target: Value,
    pub(crate) actions: Vec<crate::exec::Action>,
}

impl EditorHost for ValueHost {
    fn get_target(&mut self) -> Result<Value> {
        Ok(self.target.clone())
    }
    fn set_target(&mut self, value: Value) -> Result<()> {
        self.target = value;
        Ok(())
    }
    fn item(&mut self) -> Option<crate::context::ItemMut<'_>> {
        None
    }
    fn act(&mut self, action: crate::exec::Action) {
        self.actions.push(action);
    }
}

/// Helpers for the functions' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    fn find(name: &str, kind: FunctionKind) -> &'static Function {
        registry().iter().find(|f| f.name == name && f.kind == kind).unwrap_or_else(|| panic!("no {kind:?} {name}"))
    }

    /// The converter named `name`.
    pub fn converter(name: &str) -> &'static Function {
        find(name, FunctionKind::Converter)
    }

    /// The editor named `name`.
    pub fn editor(name: &str) -> &'static Function {
        find(name, FunctionKind::Editor)
    }

    /// Calls converter `name` with plain values.
    pub fn convert(name: &str, values: Vec<Value>) -> Result<Value> {
        converter(name).invoke(values)
    }

    /// Runs editor `name` on `target` with the other arguments `rest` (the target's own
    /// slot is filled with the target's value); returns the target afterwards.
    pub fn edit(name: &str, target: Value, rest: Vec<Arg<'_>>) -> Result<Value> {
        let editor = editor(name);
        let mut args = vec![Arg::Value(target.clone())];
        args.extend(rest);
        let mut host = ValueHost { target, actions: Vec::new() };
        editor.edit(&mut Args::new(args), &mut host)?;
        Ok(host.target)
    }
}

#[cfg(test)]
mod purity_tests {
    use super::*;

    /// The converters that read the clock, randomness or the item, or sample: folding or
    /// caching one of them would run it once instead of on every item.
    #[test]
    fn every_converter_is_pure_except_those_reading_the_clock_randomness_or_the_item() {
        let impure: Vec<&str> = registry().iter().filter(|f| f.is_converter() && !f.pure).map(|f| f.name).collect();
        assert_eq!(
            impure,
            ["IsRootSpan", "UUID", "UUIDv7", "Now", "HasAttrKeyOnDatapoint", "HasAttrOnDatapoint", "TraceIDRatioBasedSampler"]
        );
        assert!(registry().iter().filter(|f| f.is_editor()).all(|f| !f.pure), "editors change telemetry");
    }
}
