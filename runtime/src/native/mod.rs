//! The ABI between JIT-compiled rule sets and the runtime (DESIGN §4).
//!
//! Generated code owns the control flow (conditions, short-circuits, statement order,
//! error modes) and the arithmetic and comparisons whose types are known statically. It
//! reaches everything else through the `extern "C"` helpers in [`helpers`], which work on
//! a [`Frame`] (one per run, reused for every item) and on the [`Sites`] the compiler
//! built for the rule set: its constants, paths, calls and attribute keys, owned by the
//! compiled module for as long as its code lives.
//!
//! Helpers never unwind: a panic inside one becomes the statement's error.

mod attributes;
mod const_key;
mod frame;
pub mod helpers;
mod host;
mod sites;

pub use attributes::{AttrKind, AttrSlot};
pub use frame::{ClosureCode, Entry, Frame};
pub use helpers::Helper;
pub use sites::{Aggregate, ArgSite, AttrSite, CallSite, ClosureSite, KeySite, ListSite, PathSite, RuleSite, Sites};

/// A slot index in the frame.
pub type Slot = u32;
