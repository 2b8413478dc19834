//! The attribute keys a rule set reads, resolved once per item.
//!
//! The keys are known when the rule set is compiled. The first read of a list finds
//! every one of them in a single pass over it; later reads, by any statement, are an
//! index. A statement that writes a list forgets that list's positions (or every list's,
//! when its function had the whole item), and the next read resolves it again.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};

use super::sites::Sites;

/// Looked up and absent (or not looked up yet: `resolved` tells).
const MISSING: u32 = u32::MAX;

pub(super) struct AttrCache {
    /// Per attribute site: the key's position in its list.
    positions: Vec<u32>,
    /// Per list site: whether `positions` is current for it.
    resolved: Vec<bool>,
}

impl AttrCache {
    pub(super) fn new(sites: &Sites) -> AttrCache {
        AttrCache { positions: vec![MISSING; sites.attrs.len()], resolved: vec![false; sites.lists.len()] }
    }

    /// A new item: nothing is known.
    pub(super) fn forget(&mut self) {
        self.resolved.fill(false);
    }

    /// The list of `field` changed.
    pub(super) fn forget_list(&mut self, sites: &Sites, field: crate::fields::Field) {
        if let Some(list) = sites.lists.iter().position(|l| l.field == field) {
            self.resolved[list] = false;
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
        let list_id = sites.attrs[attr as usize].list as usize;
        if !self.resolved[list_id] {
            self.resolve(sites, list_id, list);
        }
        match self.positions[attr as usize] {
            MISSING => None,
            position => Some(position as usize),
        }
    }

    /// The key of attribute site `attr` was appended at `position`.
    pub(super) fn added(&mut self, attr: u32, position: usize) {
        self.positions[attr as usize] = position as u32;
    }

    /// One pass over `list` for every key the rule set reads in it; the first of
    /// duplicate keys wins, as pdata's `Get` finds it.
    fn resolve(&mut self, sites: &Sites, list_id: usize, list: &[KeyValue]) {
        let site = &sites.lists[list_id];
        for attr in site.attrs() {
            self.positions[attr as usize] = MISSING;
        }
        let mut unfound = site.key_count;
        for (position, kv) in list.iter().enumerate() {
            if let Some(attr) = site.find(&kv.key) {
                let found = &mut self.positions[attr as usize];
                if *found == MISSING {
                    *found = position as u32;
                    unfound -= 1;
                    if unfound == 0 {
                        break;
                    }
                }
            }
        }
        self.resolved[list_id] = true;
    }
}
