//! The state generated code runs with: one frame per run, reused for every item.

use std::sync::Arc;

use crate::context::{ItemMut, TransformContext};
use crate::error::{Error, Result};
use crate::exec::Fate;
use crate::memo::Memos;
use crate::value::Value;

use super::attributes::{AttrCache, AttrSlot};
use super::sites::Sites;

/// A rule set's entry: 0 when the item is done, 1 when it failed under `propagate`
/// (the error is in the frame).
pub type Entry = unsafe extern "C" fn(*mut Frame) -> u8;

/// A closure's code: 0 with its result in its slot, or 1 with the error in the frame.
pub type ClosureCode = unsafe extern "C" fn(*mut Frame, *const Value, usize) -> u8;

/// Everything the helpers of one run share. `#[repr(C)]` because generated code reads
/// [`Frame::item`] at offset 0.
#[repr(C)]
pub struct Frame {
    /// The item's own struct (a `Span` or a `LogRecord`) for fields loaded at fixed
    /// offsets; null for other contexts.
    pub item: *mut u8,
    /// The attribute sites' slots ([`AttrSlot`]), read by generated code; they live in
    /// `attributes`, which only helpers change, while generated code waits for them.
    attr_slots: *mut AttrSlot,
    /// The epoch of each attribute list, to tell a slot current from stale.
    list_epochs: *const u64,
    /// The item being run, valid only inside [`Frame::run_item`].
    pub(super) ctx: *mut TransformContext<'static>,
    pub(super) sites: Arc<Sites>,
    pub(super) slots: Vec<Value>,
    pub(super) attributes: AttrCache,
    /// The run's invariant values, kept from item to item.
    pub(super) memos: Memos,
    pub(super) fate: Fate,
    pub(super) error: Option<Error>,
    /// Errors the `ignore` mode logs, handed out after each item.
    pub(super) warnings: Vec<String>,
}

impl Frame {
    /// Where generated code reads whether the item was dropped (a byte: 0 or 1).
    pub const DROPPED_OFFSET: usize = std::mem::offset_of!(Frame, fate) + std::mem::offset_of!(Fate, dropped);
    /// Where generated code reads the address of the attribute slots.
    pub const ATTR_SLOTS_OFFSET: usize = std::mem::offset_of!(Frame, attr_slots);
    /// Where generated code reads the address of the list epochs.
    pub const LIST_EPOCHS_OFFSET: usize = std::mem::offset_of!(Frame, list_epochs);

    pub fn new(sites: Arc<Sites>) -> Frame {
        let mut attributes = AttrCache::new(&sites);
        Frame {
            item: std::ptr::null_mut(),
            attr_slots: attributes.slots_ptr(),
            list_epochs: attributes.epochs_ptr(),
            ctx: std::ptr::null_mut(),
            slots: vec![Value::Nil; sites.slot_count],
            attributes,
            memos: Memos::new(&sites.memo_scopes),
            sites,
            fate: Fate::default(),
            error: None,
            warnings: Vec::new(),
        }
    }

    /// Runs `entry` on one item; `warn` receives what the `ignore` mode logs.
    ///
    /// # Safety
    /// `entry` must be code compiled against this frame's sites.
    pub unsafe fn run_item(
        &mut self,
        entry: Entry,
        ctx: &mut TransformContext<'_>,
        warn: &mut dyn FnMut(String),
    ) -> Result<Fate> {
        self.item = match &mut ctx.item {
            ItemMut::Span(span) => std::ptr::from_mut(&mut **span).cast(),
            ItemMut::Log(log) => std::ptr::from_mut(&mut **log).cast(),
            _ => std::ptr::null_mut(),
        };
        // The frame keeps the context only while the entry runs; the lifetime is erased
        // because generated code cannot carry it.
        self.ctx = std::ptr::from_mut(ctx).cast();
        self.attributes.forget();
        self.fate = Fate::default();
        // SAFETY: the caller vouches for `entry`; the frame outlives the call.
        let status = unsafe { entry(self) };
        self.ctx = std::ptr::null_mut();
        self.item = std::ptr::null_mut();
        for warning in self.warnings.drain(..) {
            warn(warning);
        }
        if status == 0 {
            Ok(std::mem::take(&mut self.fate))
        } else {
            Err(self.error.take().unwrap_or_else(|| Error::new("a compiled rule failed without an error")))
        }
    }

    /// Applies the error mode to rule `rule`'s failure; true when it propagates.
    pub(super) fn rule_failed(&mut self, rule: usize) -> bool {
        let error = self.error.take().unwrap_or_else(|| Error::new("unknown error"));
        let site = &self.sites.rules[rule];
        match self.sites.error_mode.on_failure(site.kind, &site.text, error) {
            Ok(warning) => {
                self.warnings.extend(warning);
                false
            }
            Err(error) => {
                self.error = Some(error);
                true
            }
        }
    }

    /// The value in `slot`, moved out.
    pub(super) fn take(&mut self, slot: u32) -> Value {
        std::mem::take(&mut self.slots[slot as usize])
    }

    pub(super) fn put(&mut self, slot: u32, value: Value) {
        self.slots[slot as usize] = value;
    }
}
