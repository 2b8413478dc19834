//! Where the attribute keys a rule set reads are in the current item's lists, and what
//! they hold, in a form generated code reads without calling a helper.
//!
//! A key is looked for when it is first read, as a hand-written lookup would: from the
//! start of the list, lengths first (`ConstKey`), until it is found; the first of
//! duplicate keys wins, as pdata's `Get` finds it. Its position and a flat copy of its
//! scalar value (a string's address and length, an int's, double's or bool's bits) go into
//! the site's [`AttrSlot`]; later reads in the same item, by any statement, use the slot.
//! A rule set whose first conditions decide an item touches only the part of the list
//! they needed.
//!
//! A slot is stamped with its list's epoch. A new item, or a statement that writes a list
//! through a path or an editor (every list, when the function had the whole item), starts
//! a new epoch, so nothing is cleared per item and stale slots are never used; a `set` of
//! the site's own key refreshes its slot in place.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value as Any};

use super::sites::Sites;

/// Looked for and absent.
const MISSING: u32 = u32::MAX;

/// What an attribute site's key holds in the current item, as generated code reads it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct AttrSlot {
    /// The epoch of its list this was found in.
    pub epoch: u64,
    /// A string's address, or an int's, double's or bool's bits.
    pub word: u64,
    /// A string's length in bytes.
    pub len: u64,
    /// The key's position in the list, or `MISSING`.
    pub position: u32,
    /// An [`AttrKind`].
    pub kind: u32,
}

/// The kinds of value an [`AttrSlot`] holds.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrKind {
    /// No such key, or a key without a value: nil.
    Absent,
    Str,
    Int,
    Double,
    Bool,
    /// Bytes, a list or a map, or a field that is not an attribute list: generated code
    /// takes the general path.
    Other,
}

impl AttrSlot {
    /// Where generated code finds each part.
    pub const EPOCH_OFFSET: usize = std::mem::offset_of!(AttrSlot, epoch);
    pub const WORD_OFFSET: usize = std::mem::offset_of!(AttrSlot, word);
    pub const LEN_OFFSET: usize = std::mem::offset_of!(AttrSlot, len);
    pub const KIND_OFFSET: usize = std::mem::offset_of!(AttrSlot, kind);
    pub const SIZE: usize = std::mem::size_of::<AttrSlot>();

    const STALE: AttrSlot = AttrSlot { epoch: 0, word: 0, len: 0, position: MISSING, kind: AttrKind::Other as u32 };

    fn new(epoch: u64, position: u32, value: Option<&AnyValue>) -> AttrSlot {
        let (kind, word, len) = match value.and_then(|v| v.value.as_ref()) {
            None => (AttrKind::Absent, 0, 0),
            Some(Any::StringValue(s)) => (AttrKind::Str, s.as_ptr() as u64, s.len() as u64),
            Some(Any::IntValue(i)) => (AttrKind::Int, *i as u64, 0),
            Some(Any::DoubleValue(d)) => (AttrKind::Double, d.to_bits(), 0),
            Some(Any::BoolValue(b)) => (AttrKind::Bool, u64::from(*b), 0),
            Some(_) => (AttrKind::Other, 0, 0),
        };
        AttrSlot { epoch, word, len, position, kind: kind as u32 }
    }
}

pub(super) struct AttrCache {
    /// Per attribute site. Generated code reads these through [`AttrCache::slots_ptr`].
    slots: Box<[AttrSlot]>,
    /// Per list site: the current epoch. 64 bits: an epoch is never reused.
    epochs: Box<[u64]>,
}

impl AttrCache {
    pub(super) fn new(sites: &Sites) -> AttrCache {
        AttrCache { slots: vec![AttrSlot::STALE; sites.attrs.len()].into(), epochs: vec![1; sites.lists.len()].into() }
    }

    /// The slots' address, for generated code (a box: it does not move with the frame).
    pub(super) fn slots_ptr(&mut self) -> *mut AttrSlot {
        self.slots.as_mut_ptr()
    }

    /// The list epochs' address, for generated code.
    pub(super) fn epochs_ptr(&self) -> *const u64 {
        self.epochs.as_ptr()
    }

    /// A new item: nothing is known.
    pub(super) fn forget(&mut self) {
        for epoch in &mut self.epochs {
            *epoch += 1;
        }
    }

    /// The list of `field` changed.
    pub(super) fn forget_list(&mut self, sites: &Sites, field: crate::fields::Field) {
        if let Some(list) = sites.lists.iter().position(|l| l.field == field) {
            self.epochs[list] += 1;
        }
    }

    /// The current epoch of attribute site `attr`'s list.
    fn epoch(&self, sites: &Sites, attr: u32) -> u64 {
        self.epochs[sites.attrs[attr as usize].list as usize]
    }

    /// The value of attribute site `attr` in `list` (the list of its field): `None`
    /// when the key is absent, the empty value for a key without one.
    pub(super) fn lookup<'l>(&mut self, sites: &Sites, attr: u32, list: &'l [KeyValue]) -> Option<&'l AnyValue> {
        static EMPTY: AnyValue = AnyValue { value: None };
        let position = self.position(sites, attr, list)?;
        Some(list.get(position)?.value.as_ref().unwrap_or(&EMPTY))
    }

    /// Where attribute site `attr`'s key is in `list`, filling its slot when stale.
    pub(super) fn position(&mut self, sites: &Sites, attr: u32, list: &[KeyValue]) -> Option<usize> {
        let site = &sites.attrs[attr as usize];
        let epoch = self.epoch(sites, attr);
        let slot = &mut self.slots[attr as usize];
        if slot.epoch != epoch {
            *slot = match list.iter().position(|kv| site.key.matches(&kv.key)) {
                Some(position) => AttrSlot::new(epoch, position as u32, list[position].value.as_ref()),
                None => AttrSlot::new(epoch, MISSING, None),
            };
        }
        (slot.position != MISSING).then_some(slot.position as usize)
    }

    /// Attribute site `attr` is not in an attribute list the context keeps: generated
    /// code must take the general path for this item.
    pub(super) fn not_a_list(&mut self, sites: &Sites, attr: u32) {
        self.slots[attr as usize] = AttrSlot { epoch: self.epoch(sites, attr), ..AttrSlot::STALE };
    }

    /// The key of attribute site `attr` was written (or appended) at `position` of `list`.
    pub(super) fn written(&mut self, sites: &Sites, attr: u32, list: &[KeyValue], position: usize) {
        self.slots[attr as usize] = AttrSlot::new(self.epoch(sites, attr), position as u32, list[position].value.as_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Field;

    fn list(entries: &[(&str, i64)]) -> Vec<KeyValue> {
        let value = |i: i64| Some(AnyValue { value: Some(Any::IntValue(i)) });
        entries.iter().map(|(key, i)| KeyValue { key: key.to_string(), value: value(*i), ..Default::default() }).collect()
    }

    fn slot(cache: &AttrCache, attr: u32) -> (u32, u64) {
        let slot = cache.slots[attr as usize];
        (slot.kind, slot.word)
    }

    /// The first of duplicate keys is found, with its value in the slot; an absent key is
    /// nil; a new item, or a write to the list, makes the next read look again; a write of
    /// the key refreshes its slot.
    #[test]
    fn finds_first_keys_and_forgets_on_new_epochs() {
        let mut sites = Sites::default();
        let (a, b) = (sites.attr(Field::LogAttributes, "a"), sites.attr(Field::LogAttributes, "b"));
        let mut cache = AttrCache::new(&sites);
        let first = list(&[("x", 0), ("a", 1), ("a", 2)]);
        assert_eq!(cache.position(&sites, a, &first), Some(1));
        assert_eq!(slot(&cache, a), (AttrKind::Int as u32, 1));
        assert_eq!(cache.position(&sites, b, &first), None);
        assert_eq!(slot(&cache, b).0, AttrKind::Absent as u32);
        cache.forget();
        let second = list(&[("b", 3), ("x", 0), ("a", 4)]);
        assert_eq!(cache.position(&sites, a, &second), Some(2));
        assert_eq!(cache.position(&sites, b, &second), Some(0));
        cache.forget_list(&sites, Field::LogAttributes);
        let mut written = list(&[("a", 5)]);
        assert_eq!(cache.position(&sites, a, &written), Some(0));
        assert_eq!(cache.position(&sites, b, &written), None);
        written.extend(list(&[("b", 6)]));
        cache.written(&sites, b, &written, 1);
        assert_eq!(cache.position(&sites, b, &written), Some(1));
        assert_eq!(slot(&cache, b), (AttrKind::Int as u32, 6));
    }
}
