//! The remembered values of a rule set's invariant expressions: computed from resource or
//! scope fields alone, each is kept for the resource (or scope) it was computed on, so that
//! the other items there reuse it. The compiler decides which expressions these are and
//! when a rule may have changed what one reads; both back ends keep them here, one store
//! per run.

use crate::context::Group;
use crate::value::Value;

/// One run's memos, by the index the compiler gave them.
#[derive(Debug, Default)]
pub struct Memos {
    entries: Vec<Entry>,
}

#[derive(Debug, Default)]
struct Entry {
    /// Whether the value depends on the scope too, not only on the resource.
    per_scope: bool,
    /// The value, and the group it was computed on.
    kept: Option<(Group, Value)>,
}

impl Memos {
    /// An empty store for memos that each read scope fields (`true`) or only resource ones.
    pub fn new(per_scope: &[bool]) -> Memos {
        Memos { entries: per_scope.iter().map(|&per_scope| Entry { per_scope, kept: None }).collect() }
    }

    /// Memo `id`'s value, when it was computed on the same resource (and scope, if it reads
    /// the scope) as `group`'s.
    pub fn get(&self, id: u32, group: Group) -> Option<&Value> {
        let entry = self.entries.get(id as usize)?;
        match &entry.kept {
            Some((kept, value)) if kept.resource == group.resource && (!entry.per_scope || kept.scope == group.scope) => {
                Some(value)
            }
            _ => None,
        }
    }

    /// Keeps memo `id`'s value computed on `group`.
    pub fn put(&mut self, id: u32, group: Group, value: Value) {
        if let Some(entry) = self.entries.get_mut(id as usize) {
            entry.kept = Some((group, value));
        }
    }

    /// Forgets the memos `ids`: something they read may have changed.
    pub fn forget(&mut self, ids: &[u32]) {
        for &id in ids {
            if let Some(entry) = self.entries.get_mut(id as usize) {
                entry.kept = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(resource: usize, scope: usize) -> Group {
        Group { resource, scope }
    }

    #[test]
    fn a_memo_is_kept_for_its_resource_or_scope_until_forgotten() {
        let mut memos = Memos::new(&[false, true]);
        memos.put(0, group(0, 0), Value::Int(1));
        memos.put(1, group(0, 0), Value::Int(2));
        assert_eq!(memos.get(0, group(0, 1)), Some(&Value::Int(1)), "a resource's memo serves all its scopes");
        assert_eq!(memos.get(1, group(0, 1)), None, "a scope's memo serves only its scope");
        assert_eq!(memos.get(0, group(1, 0)), None, "another resource has its own value");
        memos.forget(&[0]);
        assert_eq!(memos.get(0, group(0, 0)), None);
        assert_eq!(memos.get(1, group(0, 0)), Some(&Value::Int(2)));
        assert_eq!(memos.get(7, group(0, 0)), None, "no such memo");
    }
}
