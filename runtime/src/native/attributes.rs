//! Where the attribute keys a rule set reads are in the current item's lists.
//!
//! A key is looked for when it is first read, as a hand-written lookup would: from the
//! start of the list, lengths first (`ConstKey`), until it is found; the first of duplicate keys wins,
//! as pdata's `Get` finds it. Later reads of the key in the same item, by any statement,
//! are an index. A rule set whose first conditions decide an item touches only the part
//! of the list they needed.
//!
//! What was found is stamped with its list's epoch. A new item, or a statement that
//! writes a list (every list, when its function had the whole item), starts a new epoch,
//! so nothing is cleared per item and stale positions are never used.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};

use super::sites::Sites;

/// Looked for and absent.
const MISSING: u32 = u32::MAX;

pub(super) struct AttrCache {
    /// Per attribute site: where its key was found, and in which epoch of its list.
    found: Vec<Found>,
    /// Per list site: the current epoch. 64 bits: an epoch is never reused.
    epochs: Vec<u64>,
}

#[derive(Clone, Copy)]
struct Found {
    epoch: u64,
    /// The key's position, or `MISSING`.
    position: u32,
}

impl AttrCache {
    pub(super) fn new(sites: &Sites) -> AttrCache {
        AttrCache { found: vec![Found { epoch: 0, position: MISSING }; sites.attrs.len()], epochs: vec![1; sites.lists.len()] }
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

    /// The value of attribute site `attr` in `list` (the list of its field): `None`
    /// when the key is absent, the empty value for a key without one.
    pub(super) fn lookup<'l>(&mut self, sites: &Sites, attr: u32, list: &'l [KeyValue]) -> Option<&'l AnyValue> {
        static EMPTY: AnyValue = AnyValue { value: None };
        let position = self.position(sites, attr, list)?;
        Some(list.get(position)?.value.as_ref().unwrap_or(&EMPTY))
    }

    /// Where attribute site `attr`'s key is in `list`.
    pub(super) fn position(&mut self, sites: &Sites, attr: u32, list: &[KeyValue]) -> Option<usize> {
        let site = &sites.attrs[attr as usize];
        let epoch = self.epochs[site.list as usize];
        let found = &mut self.found[attr as usize];
        if found.epoch != epoch {
            let position = list.iter().position(|kv| site.key.matches(&kv.key)).map_or(MISSING, |p| p as u32);
            *found = Found { epoch, position };
        }
        (found.position != MISSING).then_some(found.position as usize)
    }

    /// The key of attribute site `attr` was appended at `position`.
    pub(super) fn added(&mut self, sites: &Sites, attr: u32, position: usize) {
        let epoch = self.epochs[sites.attrs[attr as usize].list as usize];
        self.found[attr as usize] = Found { epoch, position: position as u32 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Field;

    fn list(keys: &[&str]) -> Vec<KeyValue> {
        keys.iter().map(|key| KeyValue { key: key.to_string(), ..Default::default() }).collect()
    }

    /// The first of duplicate keys is found; an absent key is absent; a new item, or a
    /// write to the list, makes the next read look again.
    #[test]
    fn finds_first_keys_and_forgets_on_new_epochs() {
        let mut sites = Sites::default();
        let (a, b) = (sites.attr(Field::LogAttributes, "a"), sites.attr(Field::LogAttributes, "b"));
        let mut cache = AttrCache::new(&sites);
        let first = list(&["x", "a", "a"]);
        assert_eq!(cache.position(&sites, a, &first), Some(1));
        assert_eq!(cache.position(&sites, b, &first), None);
        cache.forget();
        let second = list(&["b", "x", "a"]);
        assert_eq!(cache.position(&sites, a, &second), Some(2));
        assert_eq!(cache.position(&sites, b, &second), Some(0));
        cache.forget_list(&sites, Field::LogAttributes);
        let written = list(&["a"]);
        assert_eq!(cache.position(&sites, a, &written), Some(0));
        assert_eq!(cache.position(&sites, b, &written), None);
        cache.added(&sites, b, 1);
        assert_eq!(cache.position(&sites, b, &written), Some(1));
    }
}
