//! Typed IR → Cranelift IR, one function at a time.
//!
//! Control flow is native: statements in order, `where` clauses, `and` / `or` with
//! short-circuits, each rule's error block applying the error mode. Values whose type is
//! known statically (int, float, bool) stay in registers: arithmetic and comparisons on
//! them are single instructions, and integer fields are loaded from the item at their
//! offsets. Everything else lives in the frame's value slots and goes through the
//! runtime's helpers, which share the interpreter's semantics. Comparisons of an
//! attribute, a string field or the log body with a constant read the value in place.

mod attr_compare;

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    AbiParam, Block, BlockArg, FuncRef, InstBuilder, MemFlagsData, Signature, Type as ClType, Value as ClValue, types,
};
use cranelift_frontend::FunctionBuilder;
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};
use ottl_grammar::ast::CompareOp as AstCompareOp;
use ottl_runtime::compare::CompareOp;
use ottl_runtime::context::PathKey;
use ottl_runtime::math::MathOp;
use ottl_runtime::native::helpers::{self, Abi, HelperId};
use ottl_runtime::native::{Aggregate, ArgSite, CallSite, ClosureSite, Frame, KeySite, PathSite, Sites};
use ottl_runtime::{Error, Result};

use super::layout::{Direct, Width, direct};
use ottl_compiler::ir::{self, Arg, Call, Expr, ExprKind, Key, PathRef};
use ottl_compiler::program::Rule;
use ottl_compiler::schema::Context;

/// What every function of one rule set shares while it is generated.
pub(super) struct Shared<'ir> {
    pub sites: Sites,
    /// Closure bodies still to compile, by closure index.
    pub pending: Vec<(u32, &'ir Expr)>,
    pub helpers: HashMap<HelperId, FuncId>,
    pub context: Context,
}

impl Shared<'_> {
    fn slot(&mut self) -> u32 {
        self.sites.slot_count += 1;
        self.sites.slot_count as u32 - 1
    }
}

/// The signature of a helper, in Cranelift's terms.
pub(super) fn helper_signature(module: &JITModule, id: HelperId) -> Signature {
    let pointer = module.target_config().pointer_type();
    let abi = |abi: Abi| match abi {
        Abi::Ptr => pointer,
        Abi::U8 => types::I8,
        Abi::U32 => types::I32,
        Abi::I64 => types::I64,
        Abi::F64 => types::F64,
    };
    // A byte argument is zero-extended by the caller: Rust (like C compilers) reads the
    // whole register of a `u8` parameter and relies on the caller to have extended it.
    let param = |p: Abi| match p {
        Abi::U8 => AbiParam::new(abi(p)).uext(),
        _ => AbiParam::new(abi(p)),
    };
    let helper = id.helper();
    let mut signature = module.make_signature();
    signature.params.extend(helper.params.iter().map(|p| param(*p)));
    signature.returns.push(param(helper.returns));
    signature
}

/// A value generated code holds: in a register when its type is static, else in a slot.
#[derive(Clone, Copy)]
enum Val {
    Int(ClValue),
    Float(ClValue),
    Bool(ClValue),
    Slot(u32),
}

/// A value generated code reads where the item keeps it, without a copy.
#[derive(Clone, Copy)]
enum InPlace {
    /// A `String` field, this many bytes into the item.
    Str(usize),
    /// The `Option<AnyValue>` log body, this many bytes into the item.
    Any(usize),
    /// An attribute with a constant key: its attribute site.
    Attr(u32),
}

impl InPlace {
    /// The one of a helper family's three forms (string field, body, attribute) that reads it.
    fn helper(self, [string, body, attribute]: [HelperId; 3]) -> HelperId {
        match self {
            InPlace::Str(_) => string,
            InPlace::Any(_) => body,
            InPlace::Attr(_) => attribute,
        }
    }
}

/// The generator of one function: the entry or a closure.
pub(super) struct FnGen<'s, 'ir, 'b> {
    pub b: FunctionBuilder<'b>,
    module: &'s mut JITModule,
    shared: &'s mut Shared<'ir>,
    frame: ClValue,
    /// The enclosing lambda's arguments (null and 0 in the entry).
    params: ClValue,
    count: ClValue,
    /// Where a failure goes: the current rule's error block, or `failed`.
    on_error: Block,
    /// Returns 1.
    failed: Block,
    refs: HashMap<HelperId, FuncRef>,
}

impl<'s, 'ir, 'b> FnGen<'s, 'ir, 'b> {
    /// A generator positioned in `start`, the block holding the function's parameters:
    /// the frame, then for a closure its arguments and their count.
    pub fn new(mut b: FunctionBuilder<'b>, module: &'s mut JITModule, shared: &'s mut Shared<'ir>, start: Block) -> Self {
        let params = b.block_params(start).to_vec();
        let frame = params[0];
        let (params, count) = match params[..] {
            [_, params, count] => (params, count),
            _ => {
                let null = b.ins().iconst(module.target_config().pointer_type(), 0);
                (null, null)
            }
        };
        // Failures that reach this block end the function with status 1 (filled last:
        // the entry block must come first in the layout).
        let failed = b.create_block();
        FnGen { b, module, shared, frame, params, count, on_error: failed, failed, refs: HashMap::new() }
    }

    /// Seals and completes the function.
    pub fn finish(mut self) {
        self.b.switch_to_block(self.failed);
        let one = self.b.ins().iconst(types::I8, 1);
        self.b.ins().return_(&[one]);
        self.b.seal_all_blocks();
        let config = self.module.target_config();
        self.b.finalize(config);
    }

    /// Returns 0 from the current block.
    fn succeed(&mut self) {
        let zero = self.b.ins().iconst(types::I8, 0);
        self.b.ins().return_(&[zero]);
    }

    /// The entry's body: each rule, then its error block, which applies the error mode
    /// and either goes on with the next rule or ends the item with the error.
    pub fn rules(&mut self, rules: &'ir [(Rule, String)]) -> Result<()> {
        for (index, (rule, _)) in rules.iter().enumerate() {
            if index > 0 {
                self.forget_memos(index)?;
            }
            let next = self.b.create_block();
            let error = self.b.create_block();
            self.on_error = error;
            match rule {
                Rule::Statement(statement) => {
                    if let Some(condition) = &statement.condition {
                        let holds = self.condition(condition)?;
                        let act = self.b.create_block();
                        self.b.ins().brif(holds, act, &[], next, &[]);
                        self.b.switch_to_block(act);
                    }
                    self.editor(&statement.action)?;
                    self.b.ins().jump(next, &[]);
                }
                Rule::Condition(condition) => self.drop_condition(condition, next)?,
            }
            self.b.switch_to_block(error);
            let (frame, rule) = (self.frame, self.u32(index as u32));
            let propagates = self.helper(HelperId::RuleFailed, &[frame, rule])?;
            self.b.ins().brif(propagates, self.failed, &[], next, &[]);
            self.b.switch_to_block(next);
        }
        self.succeed();
        Ok(())
    }

    /// Forgets the memos that the rule before rule `index` may have changed the reads of
    /// (for the first rule, before the guard: the last rule, on the previous item).
    pub fn forget_memos(&mut self, index: usize) -> Result<()> {
        if self.shared.sites.memo_forgets.get(index).is_some_and(|memos| !memos.is_empty()) {
            let (frame, rule) = (self.frame, self.u32(index as u32));
            self.helper(HelperId::MemoForget, &[frame, rule])?;
        }
        Ok(())
    }

    /// A group's guard, before the rules: its conditions in order until one holds, which
    /// goes on to the rules; when none holds the item is done, with nothing run. A failing
    /// condition goes through an error block like a rule's, with its site at
    /// `first_site` + its index, and on to the next condition unless the error mode
    /// propagates.
    pub fn guard(&mut self, guard: &'ir [(Expr, String)], first_site: usize) -> Result<()> {
        if guard.is_empty() {
            return Ok(());
        }
        let holds_block = self.b.create_block();
        for (index, (condition, _)) in guard.iter().enumerate() {
            let next = self.b.create_block();
            let error = self.b.create_block();
            self.on_error = error;
            let holds = self.condition(condition)?;
            self.b.ins().brif(holds, holds_block, &[], next, &[]);
            self.b.switch_to_block(error);
            let (frame, site) = (self.frame, self.u32((first_site + index) as u32));
            let propagates = self.helper(HelperId::RuleFailed, &[frame, site])?;
            self.b.ins().brif(propagates, self.failed, &[], next, &[]);
            self.b.switch_to_block(next);
        }
        self.succeed();
        self.b.switch_to_block(holds_block);
        Ok(())
    }

    fn pointer(&self) -> ClType {
        self.module.target_config().pointer_type()
    }

    fn u32(&mut self, n: u32) -> ClValue {
        self.b.ins().iconst(types::I32, i64::from(n))
    }

    /// Calls a helper and gives its status.
    fn helper(&mut self, id: HelperId, args: &[ClValue]) -> Result<ClValue> {
        let callee = match self.refs.get(&id) {
            Some(callee) => *callee,
            None => {
                let function = match self.shared.helpers.get(&id) {
                    Some(function) => *function,
                    None => {
                        let signature = helper_signature(self.module, id);
                        let function = self
                            .module
                            .declare_function(id.helper().name, Linkage::Import, &signature)
                            .map_err(|e| Error::new(e.to_string()))?;
                        self.shared.helpers.insert(id, function);
                        function
                    }
                };
                let callee = self.module.declare_func_in_func(function, self.b.func);
                self.refs.insert(id, callee);
                callee
            }
        };
        let call = self.b.ins().call(callee, args);
        Ok(self.b.inst_results(call)[0])
    }

    /// Goes on when `status` is 0, to the error block otherwise.
    fn check(&mut self, status: ClValue) {
        let next = self.b.create_block();
        self.b.ins().brif(status, self.on_error, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    /// A helper that can fail, checked.
    fn fallible(&mut self, id: HelperId, args: &[ClValue]) -> Result<()> {
        let status = self.helper(id, args)?;
        self.check(status);
        Ok(())
    }

    /// A helper answering 0 or 1, or 2 on error: the answer, checked.
    fn answer(&mut self, id: HelperId, args: &[ClValue]) -> Result<ClValue> {
        let status = self.helper(id, args)?;
        let failed = self.b.ins().icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, status, 2);
        let next = self.b.create_block();
        self.b.ins().brif(failed, self.on_error, &[], next, &[]);
        self.b.switch_to_block(next);
        Ok(status)
    }

    // ---- Statements ----

    /// An editor call (a statement's action).
    fn editor(&mut self, call: &'ir Call) -> Result<()> {
        let editor = call.function.signature();
        if let ("set", [Some(Arg::Target(path)), Some(Arg::Expr(value))]) = (editor.name, &call.args[..]) {
            return self.set(path, value);
        }
        let mut target = None;
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(match arg {
                None => ArgSite::Absent,
                Some(Arg::Target(path)) if target.is_none() => {
                    target = Some(self.path_site(path)?);
                    ArgSite::Absent
                }
                Some(other) => self.plain_arg(other)?,
            });
        }
        let site = self.call_site(CallSite { function: editor, args, keys: Vec::new(), target });
        let frame = self.frame;
        self.fallible(HelperId::Edit, &[frame, site])
    }

    /// `set(path, value)`, the commonest editor, straight to the context's setter; an
    /// attribute with a constant key is written where the frame's cache found it.
    fn set(&mut self, path: &'ir PathRef, value: &'ir Expr) -> Result<()> {
        let (helper, target) = match (&path.keys[..], direct(self.shared.context, path.field)) {
            ([Key::String(key)], None) => (HelperId::SetAttr, self.shared.sites.attr(path.field, key)),
            _ => (HelperId::Set, self.path_site(path)?),
        };
        let value = self.value(value)?;
        let slot = self.slotted(value)?;
        let (frame, target, slot) = (self.frame, self.u32(target), self.u32(slot));
        self.fallible(helper, &[frame, target, slot])
    }

    /// A condition rule: drops the item when it holds, unless an earlier one did.
    fn drop_condition(&mut self, condition: &'ir Expr, next: Block) -> Result<()> {
        let frame = self.frame;
        let flags = self.trusted();
        let dropped = self.b.ins().load(types::I8, flags, frame, Frame::DROPPED_OFFSET as i32);
        let evaluate = self.b.create_block();
        self.b.ins().brif(dropped, next, &[], evaluate, &[]);
        self.b.switch_to_block(evaluate);
        let holds = self.condition(condition)?;
        let drop = self.b.create_block();
        self.b.ins().brif(holds, drop, &[], next, &[]);
        self.b.switch_to_block(drop);
        let dropped = self.b.ins().iconst(types::I8, 1);
        self.b.ins().store(flags, dropped, frame, Frame::DROPPED_OFFSET as i32);
        self.b.ins().jump(next, &[]);
        Ok(())
    }

    // ---- Conditions ----

    /// A boolean expression as 0 or 1 (i8); anything but a bool fails.
    fn condition(&mut self, expr: &'ir Expr) -> Result<ClValue> {
        match &expr.kind {
            ExprKind::And(left, right) => self.short_circuit(left, right, false),
            ExprKind::Or(left, right) => self.short_circuit(left, right, true),
            ExprKind::Not(inner) => {
                let value = self.condition(inner)?;
                Ok(self.b.ins().bxor_imm_u(value, 1))
            }
            ExprKind::Compare(op, left, right) => self.compare(*op, left, right),
            _ => match self.value(expr)? {
                Val::Bool(value) => Ok(value),
                other => {
                    let slot = self.slotted(other)?;
                    let (frame, slot) = (self.frame, self.u32(slot));
                    self.answer(HelperId::Truth, &[frame, slot])
                }
            },
        }
    }

    /// `left and right` (`stop_on` false) or `left or right` (`stop_on` true).
    fn short_circuit(&mut self, left: &'ir Expr, right: &'ir Expr, stop_on: bool) -> Result<ClValue> {
        let left = self.condition(left)?;
        let evaluate_right = self.b.create_block();
        let merge = self.b.create_block();
        let result = self.b.append_block_param(merge, types::I8);
        let decided = [BlockArg::Value(self.b.ins().iconst(types::I8, i64::from(stop_on)))];
        if stop_on {
            self.b.ins().brif(left, merge, &decided, evaluate_right, &[]);
        } else {
            self.b.ins().brif(left, evaluate_right, &[], merge, &decided);
        }
        self.b.switch_to_block(evaluate_right);
        let right = self.condition(right)?;
        self.b.ins().jump(merge, &[BlockArg::Value(right)]);
        self.b.switch_to_block(merge);
        Ok(result)
    }

    fn compare(&mut self, op: AstCompareOp, left: &'ir Expr, right: &'ir Expr) -> Result<ClValue> {
        let simple = ir::compare_op(op);
        let code = helpers::compare_code(simple, op == AstCompareOp::In);
        if let Some(op) = simple {
            for (op, path, constant) in [(op, left, right), (op.swapped(), right, left)] {
                if let Some(constant) = constant.as_const()
                    && let Some(InPlace::Attr(attr)) = self.in_place(path)
                    && let Some(answer) = self.compare_attr_native(attr, op, helpers::compare_code(Some(op), false), constant)?
                {
                    return Ok(answer);
                }
            }
        }
        if let Some(answer) = self.compare_in_place(code, left, right)? {
            return Ok(answer);
        }
        if let Some(op) = simple
            && let Some(answer) = self.compare_in_place(helpers::compare_code(Some(op.swapped()), false), right, left)?
        {
            return Ok(answer);
        }
        // Against a constant that is not a number or a bool: compared where it is kept.
        if let Some(constant) =
            right.as_const().filter(|c| !matches!(c, ir::Value::Int(_) | ir::Value::Float(_) | ir::Value::Bool(_)))
        {
            let left = self.value(left)?;
            let left = self.slotted(left)?;
            let code = helpers::compare_code(simple, op == AstCompareOp::In);
            let (frame, left, constant, code) = (self.frame, self.u32(left), self.constant(constant), self.u32(code));
            return self.answer(HelperId::CompareConst, &[frame, left, constant, code]);
        }
        let left = self.value(left)?;
        let right = self.value(right)?;
        if let Some(op) = simple
            && let Some(answer) = self.compare_native(op, left, right)
        {
            return Ok(answer);
        }
        let left = self.slotted(left)?;
        let right = self.slotted(right)?;
        let code = helpers::compare_code(simple, op == AstCompareOp::In);
        let (frame, left, right, code) = (self.frame, self.u32(left), self.u32(right), self.u32(code));
        self.answer(HelperId::Compare, &[frame, left, right, code])
    }

    /// `path OP constant` (an operator by its code, `in` and `not in` included) without
    /// copying what the path holds: an attribute with one constant key, a string field or
    /// the log body.
    fn compare_in_place(&mut self, code: u32, path: &'ir Expr, constant: &'ir Expr) -> Result<Option<ClValue>> {
        let Some(value) = constant.as_const() else { return Ok(None) };
        let Some(place) = self.in_place(path) else { return Ok(None) };
        let helper = place.helper([HelperId::CompareStr, HelperId::CompareAny, HelperId::CompareAttr]);
        let first = self.place_operand(place);
        let constant = self.constant(value);
        let (frame, code) = (self.frame, self.u32(code));
        self.answer(helper, &[frame, first, constant, code]).map(Some)
    }

    /// A comparison of two statically typed values, inline.
    fn compare_native(&mut self, op: CompareOp, left: Val, right: Val) -> Option<ClValue> {
        Some(match (left, right) {
            (Val::Int(a), Val::Int(b)) => self.b.ins().icmp(int_cc(op, true), a, b),
            (Val::Bool(a), Val::Bool(b)) => self.b.ins().icmp(int_cc(op, false), a, b),
            (Val::Float(_) | Val::Int(_), Val::Float(_) | Val::Int(_)) => {
                let a = self.as_float(left);
                let b = self.as_float(right);
                self.b.ins().fcmp(float_cc(op), a, b)
            }
            // A bool against a number never compares: only `!=` holds.
            (Val::Bool(_), Val::Int(_) | Val::Float(_)) | (Val::Int(_) | Val::Float(_), Val::Bool(_)) => {
                self.b.ins().iconst(types::I8, i64::from(op == CompareOp::Ne))
            }
            _ => return None,
        })
    }

    // ---- Values ----

    fn value(&mut self, expr: &'ir Expr) -> Result<Val> {
        Ok(match &expr.kind {
            ExprKind::Const(ir::Value::Int(i)) => Val::Int(self.b.ins().iconst(types::I64, *i)),
            ExprKind::Const(ir::Value::Float(f)) => Val::Float(self.b.ins().f64const(*f)),
            ExprKind::Const(ir::Value::Bool(b)) => Val::Bool(self.b.ins().iconst(types::I8, i64::from(*b))),
            ExprKind::Const(other) => {
                let slot = self.shared.slot();
                let constant = self.constant(other);
                let (frame, slot_value) = (self.frame, self.u32(slot));
                self.fallible(HelperId::Const, &[frame, constant, slot_value])?;
                Val::Slot(slot)
            }
            ExprKind::Path(path) => self.path(path)?,
            ExprKind::Call(call) => match self.is_match(call)? {
                Some(answer) => Val::Bool(answer),
                None => Val::Slot(self.converter(call)?),
            },
            ExprKind::List(items) => {
                let slots = items.iter().map(|item| self.value(item).and_then(|v| self.slotted(v))).collect::<Result<_>>()?;
                self.aggregate(Aggregate::List(slots))?
            }
            ExprKind::Map(entries) => {
                let mut slots = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let value = self.value(value)?;
                    slots.push((key.clone(), self.slotted(value)?));
                }
                self.aggregate(Aggregate::Map(slots))?
            }
            ExprKind::Neg(inner) => match self.value(inner)? {
                Val::Int(v) => Val::Int(self.b.ins().ineg(v)),
                Val::Float(v) => Val::Float(self.b.ins().fneg(v)),
                other => {
                    let source = self.slotted(other)?;
                    let dest = self.shared.slot();
                    let (frame, source, dest_value) = (self.frame, self.u32(source), self.u32(dest));
                    self.fallible(HelperId::Negate, &[frame, source, dest_value])?;
                    Val::Slot(dest)
                }
            },
            ExprKind::Math(op, left, right) => {
                let left = self.value(left)?;
                let right = self.value(right)?;
                self.math(ir::math_op(*op), left, right)?
            }
            ExprKind::Compare(..) | ExprKind::Not(_) | ExprKind::And(..) | ExprKind::Or(..) => Val::Bool(self.condition(expr)?),
            ExprKind::LambdaParam(index) => {
                let dest = self.shared.slot();
                let (frame, params, count, index, dest_value) =
                    (self.frame, self.params, self.count, self.u32(*index as u32), self.u32(dest));
                self.fallible(HelperId::Param, &[frame, params, count, index, dest_value])?;
                Val::Slot(dest)
            }
            ExprKind::Memo(id, inner) => Val::Slot(self.memo(*id, inner)?),
        })
    }

    /// An invariant expression: the value kept for the item's resource or scope, else
    /// computed and kept (a failure goes to the error block, kept nowhere).
    fn memo(&mut self, id: u32, inner: &'ir Expr) -> Result<u32> {
        let dest = self.shared.slot();
        let (frame, memo, dest_value) = (self.frame, self.u32(id), self.u32(dest));
        let kept = self.helper(HelperId::MemoGet, &[frame, memo, dest_value])?;
        let compute = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(kept, done, &[], compute, &[]);
        self.b.switch_to_block(compute);
        let value = self.value(inner)?;
        let source = self.slotted(value)?;
        let (frame, memo, source, dest_value) = (self.frame, self.u32(id), self.u32(source), self.u32(dest));
        self.fallible(HelperId::MemoPut, &[frame, memo, source, dest_value])?;
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        Ok(dest)
    }

    fn aggregate(&mut self, aggregate: Aggregate) -> Result<Val> {
        self.shared.sites.aggregates.push(aggregate);
        let index = self.shared.sites.aggregates.len() as u32 - 1;
        let dest = self.shared.slot();
        let (frame, index, dest_value) = (self.frame, self.u32(index), self.u32(dest));
        self.fallible(HelperId::Aggregate, &[frame, index, dest_value])?;
        Ok(Val::Slot(dest))
    }

    /// Integer and float arithmetic inline; anything else through the runtime.
    fn math(&mut self, op: MathOp, left: Val, right: Val) -> Result<Val> {
        match (left, right) {
            (Val::Int(a), Val::Int(b)) => Ok(Val::Int(self.int_math(op, a, b)?)),
            (Val::Float(_) | Val::Int(_), Val::Float(_) | Val::Int(_)) => {
                let a = self.as_float(left);
                let b = self.as_float(right);
                Ok(Val::Float(self.float_math(op, a, b)?))
            }
            _ => {
                let left = self.slotted(left)?;
                let right = self.slotted(right)?;
                let dest = self.shared.slot();
                let code = helpers::math_code(op);
                let (frame, code, left, right, dest_value) =
                    (self.frame, self.u32(code), self.u32(left), self.u32(right), self.u32(dest));
                self.fallible(HelperId::Math, &[frame, code, left, right, dest_value])?;
                Ok(Val::Slot(dest))
            }
        }
    }

    /// Go's int64 arithmetic: wrapping, truncating division, an error for division by 0.
    fn int_math(&mut self, op: MathOp, a: ClValue, b: ClValue) -> Result<ClValue> {
        Ok(match op {
            MathOp::Add => self.b.ins().iadd(a, b),
            MathOp::Sub => self.b.ins().isub(a, b),
            MathOp::Mul => self.b.ins().imul(a, b),
            MathOp::Div => {
                let zero = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
                self.fail_if_zero(zero)?;
                // i64::MIN / -1 traps in hardware; Go (and wrapping_div) gives i64::MIN.
                let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
                let one = self.b.ins().iconst(types::I64, 1);
                let divisor = self.b.ins().select(minus_one, one, b);
                let quotient = self.b.ins().sdiv(a, divisor);
                let negated = self.b.ins().ineg(a);
                self.b.ins().select(minus_one, negated, quotient)
            }
        })
    }

    fn float_math(&mut self, op: MathOp, a: ClValue, b: ClValue) -> Result<ClValue> {
        Ok(match op {
            MathOp::Add => self.b.ins().fadd(a, b),
            MathOp::Sub => self.b.ins().fsub(a, b),
            MathOp::Mul => self.b.ins().fmul(a, b),
            MathOp::Div => {
                let zero = self.b.ins().f64const(0.0);
                let is_zero = self.b.ins().fcmp(FloatCC::Equal, b, zero);
                self.fail_if_zero(is_zero)?;
                self.b.ins().fdiv(a, b)
            }
        })
    }

    /// The division-by-zero error when `is_zero` holds.
    fn fail_if_zero(&mut self, is_zero: ClValue) -> Result<()> {
        let fail = self.b.create_block();
        let next = self.b.create_block();
        self.b.ins().brif(is_zero, fail, &[], next, &[]);
        self.b.switch_to_block(fail);
        let frame = self.frame;
        self.helper(HelperId::DivideByZero, &[frame])?;
        self.b.ins().jump(self.on_error, &[]);
        self.b.switch_to_block(next);
        Ok(())
    }

    fn as_float(&mut self, value: Val) -> ClValue {
        match value {
            Val::Int(v) => self.b.ins().fcvt_from_sint(types::F64, v),
            Val::Float(v) => v,
            Val::Bool(_) | Val::Slot(_) => unreachable!("only numbers are converted"),
        }
    }

    /// Puts a value in a slot, boxing a register value.
    fn slotted(&mut self, value: Val) -> Result<u32> {
        let (helper, register) = match value {
            Val::Slot(slot) => return Ok(slot),
            Val::Int(v) => (HelperId::BoxInt, v),
            Val::Float(v) => (HelperId::BoxFloat, v),
            Val::Bool(v) => (HelperId::BoxBool, v),
        };
        let slot = self.shared.slot();
        let (frame, slot_value) = (self.frame, self.u32(slot));
        self.fallible(helper, &[frame, register, slot_value])?;
        Ok(slot)
    }

    fn constant(&mut self, value: &ir::Value) -> ClValue {
        let index = self.shared.sites.constant(value.to_runtime());
        self.u32(index)
    }

    /// Flags for loads from the frame and the item: aligned, and they cannot trap.
    fn trusted(&self) -> MemFlagsData {
        MemFlagsData::trusted()
    }

    /// The item's address ([`ottl_runtime::native::Frame::item`], at offset 0).
    fn item(&mut self) -> ClValue {
        let (pointer, flags) = (self.pointer(), self.trusted());
        self.b.ins().load(pointer, flags, self.frame, 0)
    }

    /// The address `offset` bytes into the item.
    fn item_address(&mut self, offset: usize) -> ClValue {
        let item = self.item();
        self.b.ins().iadd_imm_s(item, offset as i64)
    }

    // ---- Paths ----

    fn path(&mut self, path: &'ir PathRef) -> Result<Val> {
        let located = direct(self.shared.context, path.field);
        if path.keys.is_empty()
            && let Some(Direct::Int(offset, width)) = located
        {
            let item = self.item();
            let flags = self.trusted();
            let offset = offset as i32;
            return Ok(Val::Int(match width {
                Width::I32 => self.b.ins().sload32(flags, item, offset),
                Width::U32 => self.b.ins().uload32(flags, item, offset),
                Width::U64 => self.b.ins().load(types::I64, flags, item, offset),
            }));
        }
        let dest = self.shared.slot();
        if let ([Key::String(key)], None) = (&path.keys[..], located) {
            let attr = self.shared.sites.attr(path.field, key);
            let (frame, attr, dest_value) = (self.frame, self.u32(attr), self.u32(dest));
            self.fallible(HelperId::GetAttr, &[frame, attr, dest_value])?;
            return Ok(Val::Slot(dest));
        }
        let site = self.path_site(path)?;
        let (frame, site, dest_value) = (self.frame, self.u32(site), self.u32(dest));
        self.fallible(HelperId::Get, &[frame, site, dest_value])?;
        Ok(Val::Slot(dest))
    }

    /// A path's site, with its computed keys generated into slots.
    fn path_site(&mut self, path: &'ir PathRef) -> Result<u32> {
        let keys = self.key_sites(&path.keys)?;
        self.shared.sites.paths.push(PathSite::new(path.field, keys));
        Ok(self.shared.sites.paths.len() as u32 - 1)
    }

    fn key_sites(&mut self, keys: &'ir [Key]) -> Result<Vec<KeySite>> {
        keys.iter()
            .map(|key| {
                Ok(match key {
                    Key::String(s) => KeySite::Const(PathKey::String(s.clone())),
                    Key::Int(i) => KeySite::Const(PathKey::Int(*i)),
                    Key::Expr(expr) => {
                        let value = self.value(expr)?;
                        KeySite::Slot(self.slotted(value)?)
                    }
                })
            })
            .collect()
    }

    // ---- Calls ----

    fn call_site(&mut self, site: CallSite) -> ClValue {
        self.shared.sites.calls.push(site);
        let index = self.shared.sites.calls.len() as u32 - 1;
        self.u32(index)
    }

    /// A converter call into a new slot; its result's keys are evaluated after the call,
    /// as the interpreter does.
    fn converter(&mut self, call: &'ir Call) -> Result<u32> {
        let converter = call.function.signature();
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(match arg {
                None => ArgSite::Absent,
                Some(Arg::Lambda(lambda)) => ArgSite::Closure(self.closure(&lambda.body, true)),
                Some(Arg::Expr(expr)) if converter.is_lazy() && expr.as_const().is_none() => match &expr.kind {
                    ExprKind::List(items) => ArgSite::DeferredList(items.iter().map(|item| self.closure(item, false)).collect()),
                    _ => ArgSite::Closure(self.closure(expr, false)),
                },
                Some(arg @ Arg::Expr(expr)) => match self.in_place(expr) {
                    Some(InPlace::Str(offset)) => ArgSite::ItemStr(offset),
                    Some(InPlace::Any(offset)) => ArgSite::ItemAny(offset),
                    Some(InPlace::Attr(attr)) => ArgSite::Attr(attr),
                    None => self.plain_arg(arg)?,
                },
                Some(other) => self.plain_arg(other)?,
            });
        }
        let site = self.call_site(CallSite { function: converter, args, keys: Vec::new(), target: None });
        let dest = self.shared.slot();
        let (frame, params, count, dest_value) = (self.frame, self.params, self.count, self.u32(dest));
        self.fallible(HelperId::Call, &[frame, site, params, count, dest_value])?;
        if !call.keys.is_empty() {
            let keys = self.key_sites(&call.keys)?;
            let index = self.shared.sites.calls.len() - 1;
            self.shared.sites.calls[index].keys = keys;
            let (frame, dest_value) = (self.frame, self.u32(dest));
            self.fallible(HelperId::Index, &[frame, site, dest_value])?;
        }
        Ok(dest)
    }

    /// `IsMatch(target, "pattern")` with a pattern that compiles: the regex is compiled
    /// once into the sites, and a string field or attribute is matched in place.
    fn is_match(&mut self, call: &'ir Call) -> Result<Option<ClValue>> {
        let converter = call.function.signature();
        let ([Some(Arg::Expr(target)), Some(Arg::Expr(pattern))], []) = (&call.args[..], &call.keys[..]) else {
            return Ok(None);
        };
        let (Some(ir::Value::String(pattern)), "IsMatch") = (pattern.as_const(), converter.name) else { return Ok(None) };
        let Ok(regex) = ottl_runtime::regex::compile_uncached(pattern) else { return Ok(None) };
        self.shared.sites.regexes.push(regex);
        let regex = self.shared.sites.regexes.len() as u32 - 1;
        let (helper, first) = match self.in_place(target) {
            Some(place) => {
                (place.helper([HelperId::IsMatchStr, HelperId::IsMatchAny, HelperId::IsMatchAttr]), self.place_operand(place))
            }
            None => (HelperId::IsMatch, self.slot_of(target)?),
        };
        let (frame, regex) = (self.frame, self.u32(regex));
        self.answer(helper, &[frame, first, regex]).map(Some)
    }

    /// Where `expr` can be read without a copy, if it is a path to a string field, the log
    /// body or an attribute with a constant key (whose site this adds).
    fn in_place(&mut self, expr: &'ir Expr) -> Option<InPlace> {
        let ExprKind::Path(path) = &expr.kind else { return None };
        Some(match (&path.keys[..], direct(self.shared.context, path.field)) {
            ([], Some(Direct::Str(offset))) => InPlace::Str(offset),
            ([], Some(Direct::Any(offset))) => InPlace::Any(offset),
            ([Key::String(key)], None) => InPlace::Attr(self.shared.sites.attr(path.field, key)),
            _ => return None,
        })
    }

    /// What a helper reading `place` is given: the field's address, or the attribute site.
    fn place_operand(&mut self, place: InPlace) -> ClValue {
        match place {
            InPlace::Str(offset) | InPlace::Any(offset) => self.item_address(offset),
            InPlace::Attr(attr) => self.u32(attr),
        }
    }

    /// `expr`'s value in a slot, as an immediate for a helper.
    fn slot_of(&mut self, expr: &'ir Expr) -> Result<ClValue> {
        let value = self.value(expr)?;
        let slot = self.slotted(value)?;
        Ok(self.u32(slot))
    }

    /// An argument evaluated before the call.
    fn plain_arg(&mut self, arg: &'ir Arg) -> Result<ArgSite> {
        Ok(match arg {
            Arg::Expr(expr) => match expr.as_const() {
                Some(value) => ArgSite::Const(self.shared.sites.constant(value.to_runtime())),
                None => {
                    let value = self.value(expr)?;
                    ArgSite::Slot(self.slotted(value)?)
                }
            },
            Arg::Target(path) => {
                let value = self.path(path)?;
                ArgSite::Slot(self.slotted(value)?)
            }
            Arg::Function(function) => ArgSite::Function(function.signature()),
            Arg::Lambda(lambda) => ArgSite::Closure(self.closure(&lambda.body, true)),
        })
    }

    /// A closure site for `body`, compiled later as its own function.
    fn closure(&mut self, body: &'ir Expr, binds_arguments: bool) -> u32 {
        let sites = &mut self.shared.sites;
        sites.closures.push(ClosureSite { code: None, result: 0, binds_arguments });
        let index = sites.closures.len() as u32 - 1;
        self.shared.pending.push((index, body));
        index
    }

    /// A closure's body: its value into a slot the closure site names.
    pub fn closure_body(&mut self, index: u32, body: &'ir Expr) -> Result<()> {
        let value = self.value(body)?;
        let slot = self.slotted(value)?;
        self.shared.sites.closures[index as usize].result = slot;
        self.succeed();
        Ok(())
    }
}

fn int_cc(op: CompareOp, signed: bool) -> IntCC {
    match (op, signed) {
        (CompareOp::Eq, _) => IntCC::Equal,
        (CompareOp::Ne, _) => IntCC::NotEqual,
        (CompareOp::Lt, true) => IntCC::SignedLessThan,
        (CompareOp::Le, true) => IntCC::SignedLessThanOrEqual,
        (CompareOp::Gt, true) => IntCC::SignedGreaterThan,
        (CompareOp::Ge, true) => IntCC::SignedGreaterThanOrEqual,
        (CompareOp::Lt, false) => IntCC::UnsignedLessThan,
        (CompareOp::Le, false) => IntCC::UnsignedLessThanOrEqual,
        (CompareOp::Gt, false) => IntCC::UnsignedGreaterThan,
        (CompareOp::Ge, false) => IntCC::UnsignedGreaterThanOrEqual,
    }
}

/// Go's float comparisons: ordered (false with a NaN) except `!=` (true with a NaN).
fn float_cc(op: CompareOp) -> FloatCC {
    match op {
        CompareOp::Eq => FloatCC::Equal,
        CompareOp::Ne => FloatCC::NotEqual,
        CompareOp::Lt => FloatCC::LessThan,
        CompareOp::Le => FloatCC::LessThanOrEqual,
        CompareOp::Gt => FloatCC::GreaterThan,
        CompareOp::Ge => FloatCC::GreaterThanOrEqual,
    }
}
