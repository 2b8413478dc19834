//! What the compiler hands the runtime for one rule set: everything generated code refers
//! to by index. Built once when the rule set is compiled, immutable while it runs.

use crate::context::PathKey;
use crate::exec::{ErrorMode, RuleKind};
use crate::fields::Field;
use crate::functions::Function;
use crate::value::Value;

use super::Slot;
use super::const_key::ConstKey;

/// The descriptors of one compiled rule set.
#[derive(Default)]
pub struct Sites {
    pub constants: Vec<Value>,
    pub paths: Vec<PathSite>,
    /// Attribute reads with one constant key, resolved through the frame's cache.
    pub attrs: Vec<AttrSite>,
    /// The attribute lists those keys are in, one entry per field.
    pub lists: Vec<ListSite>,
    pub calls: Vec<CallSite>,
    pub aggregates: Vec<Aggregate>,
    pub closures: Vec<ClosureSite>,
    /// Constant patterns, compiled once.
    pub regexes: Vec<regex::Regex>,
    pub rules: Vec<RuleSite>,
    /// For each memo of an invariant expression: whether it is kept per scope (else per
    /// resource).
    pub memo_scopes: Vec<bool>,
    /// For each rule: the memos to forget before it runs.
    pub memo_forgets: Vec<Vec<u32>>,
    pub error_mode: ErrorMode,
    /// How many value slots the generated code uses.
    pub slot_count: usize,
}

impl Sites {
    /// The attribute site reading `key` of `field`, added if new.
    pub fn attr(&mut self, field: Field, key: &str) -> u32 {
        let list = match self.lists.iter().position(|l| l.field == field) {
            Some(i) => i as u32,
            None => {
                self.lists.push(ListSite { field });
                self.lists.len() as u32 - 1
            }
        };
        if let Some(id) = self.attrs.iter().position(|a| a.list == list && a.key.as_str() == key) {
            return id as u32;
        }
        self.attrs.push(AttrSite { list, key: ConstKey::new(key) });
        self.attrs.len() as u32 - 1
    }

    /// A new constant's index.
    pub fn constant(&mut self, value: Value) -> u32 {
        self.constants.push(value);
        self.constants.len() as u32 - 1
    }
}

/// One rule, for its error messages.
pub struct RuleSite {
    pub text: String,
    pub kind: RuleKind,
}

/// A path read or written through the context: `field[keys…]`.
pub struct PathSite {
    pub field: Field,
    pub keys: Vec<KeySite>,
    /// The keys, when all are constants: no list is built per read.
    pub fixed: Option<Vec<PathKey>>,
}

impl PathSite {
    pub fn new(field: Field, keys: Vec<KeySite>) -> PathSite {
        let fixed = keys
            .iter()
            .map(|key| match key {
                KeySite::Const(key) => Some(key.clone()),
                KeySite::Slot(_) => None,
            })
            .collect();
        PathSite { field, keys, fixed }
    }
}

/// One `[key]`: known when compiled, or computed by generated code into a slot.
pub enum KeySite {
    Const(PathKey),
    Slot(Slot),
}

/// `field["key"]` on an attribute list.
pub struct AttrSite {
    pub list: u32,
    pub key: ConstKey,
}

/// An attribute list a rule set reads; its keys are the attribute sites naming it.
pub struct ListSite {
    pub field: Field,
}

/// A converter or editor call.
pub struct CallSite {
    /// What is called; its body says whether as a converter or an editor.
    pub function: &'static Function,
    pub args: Vec<ArgSite>,
    /// Keys indexing a converter's result.
    pub keys: Vec<KeySite>,
    /// An editor's target path.
    pub target: Option<u32>,
}

pub enum ArgSite {
    Absent,
    /// A value generated code left in a slot (moved out by the call).
    Slot(Slot),
    /// A constant, lent to the function (a body that keeps it copies it).
    Const(u32),
    /// A converter's argument read in place: attribute site `attr` (never an editor's,
    /// which may change the list the view points into).
    Attr(u32),
    /// A converter's argument read in place: the `String` this many bytes into the item.
    ItemStr(usize),
    /// A converter's argument read in place: the `Option<AnyValue>` (the log body) this
    /// many bytes into the item.
    ItemAny(usize),
    Function(&'static Function),
    /// A lambda or a deferred getter, compiled as its own function.
    Closure(u32),
    DeferredList(Vec<u32>),
}

impl ArgSite {
    pub fn is_closure(&self) -> bool {
        matches!(self, ArgSite::Closure(_) | ArgSite::DeferredList(_))
    }
}

/// A list or map literal built from slots.
pub enum Aggregate {
    List(Vec<Slot>),
    Map(Vec<(String, Slot)>),
}

/// An expression compiled as its own function: a lambda body (its arguments bound to the
/// formals) or the getter of a lazy converter (evaluated where it was written).
pub struct ClosureSite {
    /// Set once the module is finalized.
    pub code: Option<super::frame::ClosureCode>,
    pub result: Slot,
    pub binds_arguments: bool,
}
