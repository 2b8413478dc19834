//! What an editor called from generated code reaches: its target path and the item, on
//! the frame's context.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::KeyValue;

use crate::context::{ItemMut, PathKey};
use crate::error::{Error, Result};
use crate::exec::Action;
use crate::fields::Field;
use crate::functions::EditorHost;
use crate::value::Value;

use super::frame::Frame;

pub(super) struct FrameHost<'k> {
    pub(super) frame: *mut Frame,
    pub(super) target: Option<(Field, Cow<'k, [PathKey]>)>,
    /// The editor had the whole item: any attribute list may have changed.
    pub(super) took_item: bool,
    /// The editor wrote its target.
    pub(super) wrote_target: bool,
}

impl FrameHost<'_> {
    fn target(&self) -> Result<(Field, &[PathKey])> {
        self.target.as_ref().map(|(field, keys)| (*field, &**keys)).ok_or_else(|| Error::new("this function has no target path"))
    }

    /// Forgets the attribute positions the editor may have moved.
    pub(super) fn invalidate(&self) {
        // SAFETY: the editor has returned; no other reference to the frame is live.
        let frame = unsafe { &mut *self.frame };
        if self.took_item {
            frame.attributes.forget();
        } else if let (true, Some((field, _))) = (self.wrote_target, &self.target) {
            frame.attributes.forget_list(&frame.sites, *field);
        }
    }
}

impl EditorHost for FrameHost<'_> {
    fn get_target(&mut self) -> Result<Value> {
        let (field, keys) = self.target()?;
        // SAFETY: the frame's context is live while its entry runs, and editors run only
        // from the entry, with no other reference to the context held.
        unsafe { &*(*self.frame).ctx }.get(field, keys)
    }

    fn set_target(&mut self, value: Value) -> Result<()> {
        self.wrote_target = true;
        let frame = self.frame;
        let (field, keys) = self.target()?;
        // SAFETY: as in `get_target`.
        unsafe { &mut *(*frame).ctx }.set(field, keys, value)
    }

    fn target_attributes(&mut self) -> Option<&mut Vec<KeyValue>> {
        let frame = self.frame;
        let (field, keys) = self.target().ok()?;
        if !keys.is_empty() {
            return None;
        }
        self.wrote_target = true;
        // SAFETY: as in `get_target`.
        unsafe { &mut *(*frame).ctx }.attributes_mut(field).ok().flatten()
    }

    fn item(&mut self) -> Option<ItemMut<'_>> {
        self.took_item = true;
        // SAFETY: as in `get_target`.
        Some(unsafe { &mut *(*self.frame).ctx }.item.reborrow())
    }

    fn act(&mut self, action: Action) {
        // SAFETY: as in `get_target`.
        unsafe { (*self.frame).fate.record(action) }
    }
}
