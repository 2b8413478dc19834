//! `attributes["key"] OP constant` in generated code.
//!
//! The first read of a key in an item calls a helper that finds it and copies its scalar
//! value into the site's [`AttrSlot`] (see `ottl_runtime::native::attributes`). Every
//! comparison then loads the slot, checks that it belongs to the item's current epoch of
//! the list, and compares in registers: the kind, then the integer, float or bool bits, or
//! a string's length and its bytes a word at a time against the constant's, with no
//! helper call. Values the slot does not hold (bytes, lists, maps, fields that are not
//! attribute lists) take the general helper, which has the interpreter's semantics; so do
//! constants of other kinds and strings longer than [`INLINE_STRING`].

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{BlockArg, InstBuilder, MemFlagsData, Value as ClValue, types};
use ottl_compiler::ir;
use ottl_runtime::Result;
use ottl_runtime::compare::CompareOp;
use ottl_runtime::native::helpers::HelperId;
use ottl_runtime::native::{AttrKind, AttrSlot, Frame};

use super::{FnGen, float_cc, int_cc};

/// Constants up to this many bytes are compared inline, a word at a time.
const INLINE_STRING: usize = 64;

impl FnGen<'_, '_, '_> {
    /// `attribute OP constant` for attribute site `attr`, natively; `None` when the
    /// constant's kind has no native comparison. `code` is the operator's helper code, for
    /// the general path.
    pub(super) fn compare_attr_native(
        &mut self,
        attr: u32,
        op: CompareOp,
        code: u32,
        constant: &ir::Value,
    ) -> Result<Option<ClValue>> {
        let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
        let native_kinds: &[AttrKind] = match constant {
            ir::Value::String(s) if equality && s.len() <= INLINE_STRING => &[AttrKind::Str],
            ir::Value::Int(_) | ir::Value::Float(_) => &[AttrKind::Int, AttrKind::Double],
            ir::Value::Bool(_) => &[AttrKind::Bool],
            ir::Value::Nil if equality => &[AttrKind::Absent],
            _ => return Ok(None),
        };
        let slot = self.attr_slot(attr)?;
        let kind = self.b.ins().load(types::I32, MemFlagsData::trusted(), slot, AttrSlot::KIND_OFFSET as i32);
        let merge = self.b.create_block();
        let answer = self.b.append_block_param(merge, types::I8);
        for &native in native_kinds {
            let (this_kind, next) = (self.b.create_block(), self.b.create_block());
            let is_kind = self.b.ins().icmp_imm_u(IntCC::Equal, kind, i64::from(native as u32));
            self.b.ins().brif(is_kind, this_kind, &[], next, &[]);
            self.b.switch_to_block(this_kind);
            let result = self.compare_slot(slot, native, op, constant);
            self.b.ins().jump(merge, &[BlockArg::Value(result)]);
            self.b.switch_to_block(next);
        }
        // Anything else: the general path for what the slot does not hold, else a
        // comparison of different kinds, where only `!=` holds.
        let (general, mismatch) = (self.b.create_block(), self.b.create_block());
        let is_other = self.b.ins().icmp_imm_u(IntCC::Equal, kind, i64::from(AttrKind::Other as u32));
        self.b.ins().brif(is_other, general, &[], mismatch, &[]);
        self.b.switch_to_block(mismatch);
        let only_ne = self.b.ins().iconst(types::I8, i64::from(op == CompareOp::Ne));
        self.b.ins().jump(merge, &[BlockArg::Value(only_ne)]);
        self.b.switch_to_block(general);
        let constant = self.constant(constant);
        let (frame, attr, code) = (self.frame, self.u32(attr), self.u32(code));
        let result = self.answer(HelperId::CompareAttr, &[frame, attr, constant, code])?;
        self.b.ins().jump(merge, &[BlockArg::Value(result)]);
        self.b.switch_to_block(merge);
        Ok(Some(answer))
    }

    /// The address of attribute site `attr`'s slot, filled for the current item.
    fn attr_slot(&mut self, attr: u32) -> Result<ClValue> {
        let (pointer, flags) = (self.pointer(), MemFlagsData::trusted());
        let list = self.shared.sites.attrs[attr as usize].list;
        let slots = self.b.ins().load(pointer, flags, self.frame, Frame::ATTR_SLOTS_OFFSET as i32);
        let slot = self.b.ins().iadd_imm_s(slots, (attr as usize * AttrSlot::SIZE) as i64);
        let epochs = self.b.ins().load(pointer, flags, self.frame, Frame::LIST_EPOCHS_OFFSET as i32);
        let current = self.b.ins().load(types::I64, flags, epochs, (list as usize * 8) as i32);
        let stamped = self.b.ins().load(types::I64, flags, slot, AttrSlot::EPOCH_OFFSET as i32);
        let stale = self.b.ins().icmp(IntCC::NotEqual, current, stamped);
        let (find, filled) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(stale, find, &[], filled, &[]);
        self.b.switch_to_block(find);
        let (frame, attr) = (self.frame, self.u32(attr));
        self.fallible(HelperId::AttrFind, &[frame, attr])?;
        self.b.ins().jump(filled, &[]);
        self.b.switch_to_block(filled);
        Ok(slot)
    }

    /// The comparison of a slot holding `kind` with `constant`, which `compare_attr_native`
    /// accepted for that kind.
    fn compare_slot(&mut self, slot: ClValue, kind: AttrKind, op: CompareOp, constant: &ir::Value) -> ClValue {
        let flags = MemFlagsData::trusted();
        let word = self.b.ins().load(types::I64, flags, slot, AttrSlot::WORD_OFFSET as i32);
        match (kind, constant) {
            (AttrKind::Str, ir::Value::String(s)) => {
                let len = self.b.ins().load(types::I64, flags, slot, AttrSlot::LEN_OFFSET as i32);
                let equal = self.bytes_equal(word, len, s.as_bytes());
                if op == CompareOp::Eq { equal } else { self.b.ins().icmp_imm_u(IntCC::Equal, equal, 0) }
            }
            (AttrKind::Int, ir::Value::Int(i)) => self.b.ins().icmp_imm_s(int_cc(op, true), word, *i),
            (AttrKind::Bool, ir::Value::Bool(b)) => self.b.ins().icmp_imm_u(int_cc(op, false), word, i64::from(*b)),
            (AttrKind::Absent, _) => self.b.ins().iconst(types::I8, i64::from(op == CompareOp::Eq)),
            (AttrKind::Int | AttrKind::Double, ir::Value::Int(_) | ir::Value::Float(_)) => {
                let left = match kind {
                    AttrKind::Int => self.b.ins().fcvt_from_sint(types::F64, word),
                    _ => self.b.ins().bitcast(types::F64, MemFlagsData::new(), word),
                };
                let right = match constant {
                    ir::Value::Int(i) => *i as f64,
                    ir::Value::Float(f) => *f,
                    _ => unreachable!("matched above"),
                };
                let right = self.b.ins().f64const(right);
                self.b.ins().fcmp(float_cc(op), left, right)
            }
            _ => self.b.ins().iconst(types::I8, i64::from(op == CompareOp::Ne)),
        }
    }

    /// Whether the `len` bytes at `address` are `expected` (at most [`INLINE_STRING`]):
    /// the length, then overlapping words that never read outside the string.
    fn bytes_equal(&mut self, address: ClValue, len: ClValue, expected: &[u8]) -> ClValue {
        let same_length = self.b.ins().icmp_imm_u(IntCC::Equal, len, expected.len() as i64);
        if expected.is_empty() {
            return same_length;
        }
        let (compare, merge) = (self.b.create_block(), self.b.create_block());
        let answer = self.b.append_block_param(merge, types::I8);
        let no = self.b.ins().iconst(types::I8, 0);
        self.b.ins().brif(same_length, compare, &[], merge, &[BlockArg::Value(no)]);
        self.b.switch_to_block(compare);
        let mut equal: Option<ClValue> = None;
        for (offset, width) in word_reads(expected.len()) {
            let ty = match width {
                1 => types::I8,
                4 => types::I32,
                _ => types::I64,
            };
            // The string's bytes are not necessarily aligned.
            let loaded = self.b.ins().load(ty, MemFlagsData::new().with_notrap(), address, offset as i32);
            let mut bytes = [0u8; 8];
            bytes[..width].copy_from_slice(&expected[offset..offset + width]);
            let same = self.b.ins().icmp_imm_u(IntCC::Equal, loaded, u64::from_le_bytes(bytes) as i64);
            equal = Some(match equal {
                Some(so_far) => self.b.ins().band(so_far, same),
                None => same,
            });
        }
        let equal = equal.unwrap_or(same_length);
        self.b.ins().jump(merge, &[BlockArg::Value(equal)]);
        self.b.switch_to_block(merge);
        answer
    }
}

/// The (offset, width) reads that cover `len` bytes (1 to `INLINE_STRING`): bytes under 4,
/// two overlapping 4-byte words under 8, else 8-byte words, the last one ending at the end.
fn word_reads(len: usize) -> Vec<(usize, usize)> {
    match len {
        0 => Vec::new(),
        1..=3 => (0..len).map(|offset| (offset, 1)).collect(),
        4..=7 => vec![(0, 4), (len - 4, 4)],
        _ => {
            let mut reads: Vec<(usize, usize)> = (0..len / 8).map(|word| (word * 8, 8)).collect();
            if !len.is_multiple_of(8) {
                reads.push((len - 8, 8));
            }
            reads
        }
    }
}

#[cfg(test)]
mod tests {
    use super::word_reads;

    /// Every byte of every inline length is read, and nothing past the end.
    #[test]
    fn word_reads_cover_the_string_exactly() {
        for len in 1..=super::INLINE_STRING {
            let mut covered = vec![false; len];
            for (offset, width) in word_reads(len) {
                assert!(offset + width <= len, "read past {len} bytes");
                covered[offset..offset + width].fill(true);
            }
            assert!(covered.iter().all(|c| *c), "{len} bytes not covered");
        }
    }
}
