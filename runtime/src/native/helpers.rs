//! The `extern "C"` functions generated code calls, and their table.
//!
//! Each returns a status: 0 for success and 1 for an error left in the frame, except the
//! comparisons and `truth`, which return 0 (false), 1 (true) or 2 (error). Every body
//! runs under `catch_unwind`: a panic must not cross into generated code, so it becomes
//! the statement's error.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};

use crate::coerce;
use crate::compare::{self, CompareOp};
use crate::context::{PathKey, keys as path_keys};
use crate::error::{Error, Result};
use crate::functions::{Arg, Args, Lambda, View};
use crate::math::{self, MathOp};
use crate::value::{Map, Value};

use super::frame::{ClosureCode, Frame};
use super::host::FrameHost;
use super::sites::{Aggregate, ArgSite, KeySite, Sites};

/// A helper's parameter and return types, as generated code passes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abi {
    Ptr,
    U8,
    U32,
    I64,
    F64,
}

/// One helper: the symbol generated code imports, where it is, and its signature.
#[derive(Clone, Copy, Debug)]
pub struct Helper {
    pub name: &'static str,
    pub address: *const u8,
    pub params: &'static [Abi],
    pub returns: Abi,
}

macro_rules! helper_table {
    ($($id:ident => $function:ident($($param:ident),*);)*) => {
        /// Every helper, by the name the code generator uses.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum HelperId { $($id),* }

        impl HelperId {
            pub const ALL: &[HelperId] = &[$(HelperId::$id),*];

            pub fn helper(self) -> Helper {
                match self {
                    $(HelperId::$id => Helper {
                        name: stringify!($function),
                        address: $function as *const u8,
                        params: &[$(Abi::$param),*],
                        returns: Abi::U8,
                    }),*
                }
            }
        }
    };
}

helper_table! {
    Const => ottl_const(Ptr, U32, U32);
    BoxInt => ottl_box_int(Ptr, I64, U32);
    BoxFloat => ottl_box_float(Ptr, F64, U32);
    BoxBool => ottl_box_bool(Ptr, U8, U32);
    Get => ottl_get(Ptr, U32, U32);
    GetAttr => ottl_get_attr(Ptr, U32, U32);
    AttrFind => ottl_attr_find(Ptr, U32);
    CompareAttr => ottl_compare_attr(Ptr, U32, U32, U32);
    CompareStr => ottl_compare_str(Ptr, Ptr, U32, U32);
    CompareAny => ottl_compare_any(Ptr, Ptr, U32, U32);
    Compare => ottl_compare(Ptr, U32, U32, U32);
    CompareConst => ottl_compare_const(Ptr, U32, U32, U32);
    Math => ottl_math(Ptr, U32, U32, U32, U32);
    Negate => ottl_negate(Ptr, U32, U32);
    Truth => ottl_truth(Ptr, U32);
    Aggregate => ottl_aggregate(Ptr, U32, U32);
    Call => ottl_call(Ptr, U32, Ptr, Ptr, U32);
    Index => ottl_index(Ptr, U32, U32);
    Edit => ottl_edit(Ptr, U32);
    Param => ottl_param(Ptr, Ptr, Ptr, U32, U32);
    RuleFailed => ottl_rule_failed(Ptr, U32);
    DivideByZero => ottl_divide_by_zero(Ptr);
    Set => ottl_set(Ptr, U32, U32);
    SetAttr => ottl_set_attr(Ptr, U32, U32);
    IsMatch => ottl_is_match(Ptr, U32, U32);
    IsMatchAttr => ottl_is_match_attr(Ptr, U32, U32);
    IsMatchStr => ottl_is_match_str(Ptr, Ptr, U32);
    IsMatchAny => ottl_is_match_any(Ptr, Ptr, U32);
    MemoGet => ottl_memo_get(Ptr, U32, U32);
    MemoPut => ottl_memo_put(Ptr, U32, U32, U32);
    MemoForget => ottl_memo_forget(Ptr, U32);
}

/// The comparison operators as generated code encodes them (`in` / `not in` after the six).
pub fn compare_code(op: Option<CompareOp>, membership: bool) -> u32 {
    match (op, membership) {
        (Some(op), _) => ALL_COMPARE_OPS.iter().position(|o| *o == op).unwrap_or(0) as u32,
        (None, true) => 6,
        (None, false) => 7,
    }
}

const ALL_COMPARE_OPS: [CompareOp; 6] =
    [CompareOp::Eq, CompareOp::Ne, CompareOp::Lt, CompareOp::Le, CompareOp::Gt, CompareOp::Ge];

/// The arithmetic operators as generated code encodes them.
pub fn math_code(op: MathOp) -> u32 {
    match op {
        MathOp::Add => 0,
        MathOp::Sub => 1,
        MathOp::Mul => 2,
        MathOp::Div => 3,
    }
}

fn math_op(code: u32) -> MathOp {
    [MathOp::Add, MathOp::Sub, MathOp::Mul, MathOp::Div][code as usize]
}

/// Runs `body` on the frame; an error or a panic is left in the frame and gives 1.
fn guard(frame: *mut Frame, body: impl FnOnce(*mut Frame) -> Result<()>) -> u8 {
    let error = match catch_unwind(AssertUnwindSafe(|| body(frame))) {
        Ok(Ok(())) => return 0,
        Ok(Err(error)) => error,
        Err(panic) => Error::new(format!("internal error: {}", panic_message(&*panic))),
    };
    // SAFETY: generated code passes the frame it was called with.
    unsafe { (*frame).error = Some(error) };
    1
}

/// A comparison's answer (0 or 1), or 2 with the error in the frame.
fn guard_bool(frame: *mut Frame, body: impl FnOnce(*mut Frame) -> Result<bool>) -> u8 {
    let mut answer = false;
    match guard(frame, |frame| body(frame).map(|b| answer = b)) {
        0 => u8::from(answer),
        _ => 2,
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a helper panicked".to_string())
}

/// The frame's sites, borrowed for as long as a helper runs: the frame holds them for the
/// whole run, so no reference count changes per call.
fn sites_of<'s>(f: &Frame) -> &'s Sites {
    // SAFETY: `f.sites` is an `Arc` the frame keeps until the run ends, after every helper.
    unsafe { &*Arc::as_ptr(&f.sites) }
}

/// The frame, for a helper that calls nothing that re-enters generated code.
///
/// # Safety
/// `frame` is the frame generated code was called with.
unsafe fn frame<'f>(frame: *mut Frame) -> &'f mut Frame {
    unsafe { &mut *frame }
}

fn compare_op(code: u32) -> CompareOp {
    ALL_COMPARE_OPS[code as usize]
}

unsafe extern "C" fn ottl_const(f: *mut Frame, constant: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let value = f.sites.constants[constant as usize].clone();
        f.put(dest, value);
        Ok(())
    })
}

unsafe extern "C" fn ottl_box_int(f: *mut Frame, value: i64, dest: u32) -> u8 {
    guard(f, |f| {
        unsafe { frame(f) }.put(dest, Value::Int(value));
        Ok(())
    })
}

unsafe extern "C" fn ottl_box_float(f: *mut Frame, value: f64, dest: u32) -> u8 {
    guard(f, |f| {
        unsafe { frame(f) }.put(dest, Value::Float(value));
        Ok(())
    })
}

unsafe extern "C" fn ottl_box_bool(f: *mut Frame, value: u8, dest: u32) -> u8 {
    guard(f, |f| {
        unsafe { frame(f) }.put(dest, Value::Bool(value != 0));
        Ok(())
    })
}

/// The keys of a path or call, evaluated: borrowed when all are constants.
fn keys<'s>(f: &mut Frame, sites: &'s [KeySite], fixed: Option<&'s [PathKey]>) -> Result<Cow<'s, [PathKey]>> {
    if let Some(fixed) = fixed {
        return Ok(Cow::Borrowed(fixed));
    }
    sites
        .iter()
        .map(|key| match key {
            KeySite::Const(key) => Ok(key.clone()),
            KeySite::Slot(slot) => PathKey::from_value(f.take(*slot)),
        })
        .collect::<Result<Vec<_>>>()
        .map(Cow::Owned)
}

unsafe extern "C" fn ottl_get(f: *mut Frame, path: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let sites = sites_of(f);
        let site = &sites.paths[path as usize];
        let keys = keys(f, &site.keys, site.fixed.as_deref())?;
        let value = unsafe { &*f.ctx }.get(site.field, &keys)?;
        f.put(dest, value);
        Ok(())
    })
}

/// The value of attribute site `attr` through the frame's cache, handed to `use_value`
/// (`None`: absent); lists the context does not keep as attributes go through the
/// path's own getter.
fn with_attr<T>(
    f: &mut Frame,
    attr: u32,
    use_value: impl FnOnce(Option<&AnyValue>) -> T,
    use_owned: impl FnOnce(Value) -> T,
) -> Result<T> {
    Ok(match attr_view(f, attr)? {
        AttrView::Found(any) => use_value(any),
        AttrView::Owned(value) => use_owned(value),
    })
}

/// Attribute site `attr`'s value where the item keeps it, or, for a list the context
/// does not keep as attributes, what the path's getter returns.
enum AttrView<'a> {
    Found(Option<&'a AnyValue>),
    Owned(Value),
}

fn attr_view<'a>(f: &mut Frame, attr: u32) -> Result<AttrView<'a>> {
    let sites = sites_of(f);
    let site = &sites.attrs[attr as usize];
    let field = sites.lists[site.list as usize].field;
    // SAFETY: the context outlives the helper call that reads it, and is not written
    // while a view of it is held (only converters get views).
    let ctx = unsafe { &*f.ctx };
    Ok(match ctx.attributes(field)? {
        Some(list) => AttrView::Found(f.attributes.lookup(sites, attr, list)),
        None => AttrView::Owned(ctx.get(field, &[PathKey::String(site.key.as_str().to_string())])?),
    })
}

/// Fills attribute site `attr`'s slot for the current item: generated code found it
/// stale. A field that is not an attribute list marks the slot for the general path.
unsafe extern "C" fn ottl_attr_find(f: *mut Frame, attr: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let sites = sites_of(f);
        let field = sites.lists[sites.attrs[attr as usize].list as usize].field;
        // SAFETY: as in `attr_view`.
        match unsafe { &*f.ctx }.attributes(field) {
            Ok(Some(list)) => drop(f.attributes.position(sites, attr, list)),
            _ => f.attributes.not_a_list(sites, attr),
        }
        Ok(())
    })
}

unsafe extern "C" fn ottl_get_attr(f: *mut Frame, attr: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let value = with_attr(f, attr, |v| v.map(Value::from_any_value).unwrap_or_default(), |v| v)?;
        f.put(dest, value);
        Ok(())
    })
}

unsafe extern "C" fn ottl_compare_attr(f: *mut Frame, attr: u32, constant: u32, op: u32) -> u8 {
    guard_bool(f, |f| {
        let f = unsafe { frame(f) };
        let sites = sites_of(f);
        let right = &sites.constants[constant as usize];
        with_attr(f, attr, |v| compare_any_value(v, right, op), |v| compare_values(&v, right, op))
    })
}

unsafe extern "C" fn ottl_compare_str(f: *mut Frame, left: *const String, constant: u32, op: u32) -> u8 {
    guard_bool(f, |f| {
        let f = unsafe { frame(f) };
        let left = unsafe { &*left };
        Ok(compare_by_code(&f.sites.constants[constant as usize], op, |right, op| compare::compare_str(left, right, op)))
    })
}

unsafe extern "C" fn ottl_compare_any(f: *mut Frame, left: *const Option<AnyValue>, constant: u32, op: u32) -> u8 {
    guard_bool(f, |f| {
        let f = unsafe { frame(f) };
        Ok(compare_any_value(unsafe { &*left }.as_ref(), &f.sites.constants[constant as usize], op))
    })
}

/// `left OP right` by the code of `OP` (the six operators, then `in` and `not in` a list),
/// where `left_against(value, op)` compares the left side, wherever it is, with `value`.
fn compare_by_code(right: &Value, op: u32, left_against: impl Fn(&Value, CompareOp) -> bool) -> bool {
    match op {
        6 | 7 => {
            let found = match right {
                Value::Slice(items) => items.iter().any(|item| left_against(item, CompareOp::Eq)),
                _ => false,
            };
            found == (op == 6)
        }
        op => left_against(right, compare_op(op)),
    }
}

/// A value against a constant by the code of the operator.
fn compare_values(left: &Value, right: &Value, op: u32) -> bool {
    compare_by_code(right, op, |right, op| compare::compare(left, right, op))
}

/// An attribute or the log body against a constant by the code of the operator.
fn compare_any_value(left: Option<&AnyValue>, right: &Value, op: u32) -> bool {
    compare_by_code(right, op, |right, op| compare::compare_any(left, right, op))
}

unsafe extern "C" fn ottl_compare(f: *mut Frame, left: u32, right: u32, op: u32) -> u8 {
    guard_bool(f, |f| {
        let f = unsafe { frame(f) };
        Ok(compare_values(&f.slots[left as usize], &f.slots[right as usize], op))
    })
}

/// A value in a slot against a constant, which is not copied.
unsafe extern "C" fn ottl_compare_const(f: *mut Frame, left: u32, constant: u32, op: u32) -> u8 {
    guard_bool(f, |f| {
        let f = unsafe { frame(f) };
        Ok(compare_values(&f.slots[left as usize], &sites_of(f).constants[constant as usize], op))
    })
}

unsafe extern "C" fn ottl_math(f: *mut Frame, op: u32, left: u32, right: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let value = math::apply(math_op(op), &f.slots[left as usize], &f.slots[right as usize])?;
        f.put(dest, value);
        Ok(())
    })
}

unsafe extern "C" fn ottl_negate(f: *mut Frame, source: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let value = math::negate(&f.slots[source as usize])?;
        f.put(dest, value);
        Ok(())
    })
}

unsafe extern "C" fn ottl_truth(f: *mut Frame, slot: u32) -> u8 {
    guard_bool(f, |f| match &unsafe { frame(f) }.slots[slot as usize] {
        Value::Bool(b) => Ok(*b),
        other => Err(Error::new(format!("expected bool but got {}", other.go_type()))),
    })
}

unsafe extern "C" fn ottl_aggregate(f: *mut Frame, aggregate: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let sites = sites_of(f);
        let value = match &sites.aggregates[aggregate as usize] {
            Aggregate::List(items) => Value::Slice(items.iter().map(|slot| f.take(*slot)).collect()),
            Aggregate::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, slot) in entries {
                    map.insert(key.clone(), f.take(*slot));
                }
                Value::Map(map)
            }
        };
        f.put(dest, value);
        Ok(())
    })
}

/// A lambda or deferred getter compiled as its own function, called by a converter.
struct NativeClosure {
    frame: *mut Frame,
    code: ClosureCode,
    result: u32,
    /// The arguments of the lambda the getter was written in, for a deferred getter.
    enclosing: (*const Value, usize),
    binds_arguments: bool,
}

impl Lambda for NativeClosure {
    fn call(&self, args: &[Value]) -> Result<Value> {
        let (params, count) = if self.binds_arguments { (args.as_ptr(), args.len()) } else { self.enclosing };
        // SAFETY: the code was compiled with this frame's sites; the frame outlives the
        // call that handed out this closure.
        match unsafe { (self.code)(self.frame, params, count) } {
            0 => Ok(unsafe { frame(self.frame) }.take(self.result)),
            _ => Err(unsafe { frame(self.frame) }.error.take().unwrap_or_else(|| Error::new("a lambda failed"))),
        }
    }
}

unsafe extern "C" fn ottl_call(f: *mut Frame, call: u32, params: *const Value, count: usize, dest: u32) -> u8 {
    guard(f, |f| {
        let sites = sites_of(unsafe { frame(f) });
        let site = &sites.calls[call as usize];
        let converter = site.function;
        // A closure without code was never linked: an error, never a panic across JIT code.
        let closure = |index: u32| -> Result<NativeClosure> {
            let closure = &sites.closures[index as usize];
            Ok(NativeClosure {
                frame: f,
                code: closure.code.ok_or_else(|| Error::new("a closure was called before its module was linked"))?,
                result: closure.result,
                enclosing: (params, count),
                binds_arguments: closure.binds_arguments,
            })
        };
        // Per argument, its closures (most calls have none, and allocate nothing here).
        let closures: Vec<Vec<NativeClosure>> = if site.args.iter().any(ArgSite::is_closure) {
            site.args
                .iter()
                .map(|arg| match arg {
                    ArgSite::Closure(index) => closure(*index).map(|c| vec![c]),
                    ArgSite::DeferredList(indices) => indices.iter().map(|i| closure(*i)).collect(),
                    _ => Ok(Vec::new()),
                })
                .collect::<Result<_>>()?
        } else {
            Vec::new()
        };
        let mut args = Args::with_capacity(site.args.len());
        for (position, arg) in site.args.iter().enumerate() {
            let closures = closures.get(position).map_or(&[][..], Vec::as_slice);
            args.push(match arg {
                ArgSite::Closure(index) if sites.closures[*index as usize].binds_arguments => Arg::Lambda(&closures[0]),
                ArgSite::Closure(_) => Arg::Deferred(&closures[0]),
                ArgSite::DeferredList(_) => Arg::DeferredList(closures.iter().map(|c| c as &dyn Lambda).collect()),
                other => plain_arg(unsafe { frame(f) }, other)?,
            });
        }
        // The converter may call back into generated code through the closures, so no
        // reference to the frame is held across the call.
        let item = unsafe { &(*(*f).ctx).item };
        let result = converter.convert(&mut args, item)?;
        unsafe { frame(f) }.put(dest, result);
        Ok(())
    })
}

/// Applies a call's keys to its result in `slot`: `Split(x, ",")[1]`.
unsafe extern "C" fn ottl_index(f: *mut Frame, call: u32, slot: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let sites = sites_of(f);
        let keys = keys(f, &sites.calls[call as usize].keys, None)?;
        let value = path_keys::index_result(f.take(slot), &keys)?;
        f.put(slot, value);
        Ok(())
    })
}

/// An argument evaluated before the call: moved out of its slot, or a view of a constant,
/// attribute or field of the item, which stays where it is for the call.
fn plain_arg<'a>(f: &mut Frame, arg: &ArgSite) -> Result<Arg<'a>> {
    let sites = sites_of(f);
    Ok(match arg {
        ArgSite::Absent => Arg::Absent,
        ArgSite::Slot(slot) => Arg::Value(f.take(*slot)),
        ArgSite::Const(constant) => Arg::View(View::Value(&sites.constants[*constant as usize])),
        ArgSite::Attr(attr) => match attr_view(f, *attr)? {
            AttrView::Found(any) => Arg::View(View::Any(any)),
            AttrView::Owned(value) => Arg::Value(value),
        },
        // SAFETY: the code generator gives these offsets only for the item's struct, which
        // outlives the call; converters only read it.
        ArgSite::ItemStr(offset) => Arg::View(View::Str(unsafe { &*f.item.add(*offset).cast::<String>() })),
        ArgSite::ItemAny(offset) => Arg::View(View::Any(unsafe { (*f.item.add(*offset).cast::<Option<AnyValue>>()).as_ref() })),
        ArgSite::Function(converter) => Arg::Function(converter),
        ArgSite::Closure(_) | ArgSite::DeferredList(_) => Arg::Absent,
    })
}

unsafe extern "C" fn ottl_edit(f: *mut Frame, call: u32) -> u8 {
    guard(f, |f| {
        let frame_ref = unsafe { frame(f) };
        let sites = sites_of(frame_ref);
        let site = &sites.calls[call as usize];
        let editor = site.function;
        let target = match site.target {
            Some(path) => {
                let path = &sites.paths[path as usize];
                Some((path.field, keys(frame_ref, &path.keys, path.fixed.as_deref())?))
            }
            None => None,
        };
        let mut args = Args::with_capacity(site.args.len());
        for arg in &site.args {
            args.push(plain_arg(frame_ref, arg)?);
        }
        let mut host = FrameHost { frame: f, target, took_item: false, wrote_target: false };
        let result = editor.edit(&mut args, &mut host);
        host.invalidate();
        result
    })
}

unsafe extern "C" fn ottl_param(f: *mut Frame, params: *const Value, count: usize, index: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let params: &[Value] = if params.is_null() { &[] } else { unsafe { std::slice::from_raw_parts(params, count) } };
        let value = params.get(index as usize).cloned().unwrap_or_default();
        unsafe { frame(f) }.put(dest, value);
        Ok(())
    })
}

/// 1 when the rule's failure propagates (the entry returns it), 0 to go on.
unsafe extern "C" fn ottl_rule_failed(f: *mut Frame, rule: u32) -> u8 {
    let mut propagates = false;
    let status = guard(f, |f| {
        propagates = unsafe { frame(f) }.rule_failed(rule as usize);
        Ok(())
    });
    u8::from(propagates || status != 0)
}

unsafe extern "C" fn ottl_divide_by_zero(f: *mut Frame) -> u8 {
    guard(f, |_| Err(Error::new(math::DIVIDE_BY_ZERO)))
}

/// `set(path, value)` without the editor's arguments and host.
unsafe extern "C" fn ottl_set(f: *mut Frame, path: u32, slot: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let site = &sites_of(f).paths[path as usize];
        let keys = keys(f, &site.keys, site.fixed.as_deref())?;
        let value = f.take(slot);
        let result = unsafe { &mut *f.ctx }.set(site.field, &keys, value);
        f.attributes.forget_list(&f.sites, site.field);
        result
    })
}

/// `set(attributes["key"], value)`: written where the frame's cache says the key is,
/// appended (and remembered) when it is absent, as the context's setter does.
unsafe extern "C" fn ottl_set_attr(f: *mut Frame, attr: u32, slot: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let sites = sites_of(f);
        let site = &sites.attrs[attr as usize];
        let field = sites.lists[site.list as usize].field;
        let value = f.take(slot);
        let ctx = unsafe { &mut *f.ctx };
        let Some(list) = ctx.attributes_mut(field)? else {
            return ctx.set(field, &[PathKey::String(site.key.as_str().to_string())], value);
        };
        let position = match f.attributes.position(sites, attr, list) {
            Some(position) => position,
            None => {
                list.push(KeyValue {
                    key: site.key.as_str().to_string(),
                    value: Some(AnyValue::default()),
                    ..Default::default()
                });
                // The entry stays even if the value is refused below.
                f.attributes.written(sites, attr, list, list.len() - 1);
                list.len() - 1
            }
        };
        path_keys::check_storable(&value)?;
        list[position].value = Some(value.into_any_value());
        f.attributes.written(sites, attr, list, position);
        Ok(())
    })
}

/// `IsMatch(value, "constant pattern")` on a value in a slot.
unsafe extern "C" fn ottl_is_match(f: *mut Frame, slot: u32, regex: u32) -> u8 {
    guard_bool(f, |f| {
        let f = unsafe { frame(f) };
        let value = f.take(slot);
        value_matches(&sites_of(f).regexes[regex as usize], &value)
    })
}

/// Whether `regex` matches an OTLP value read in place (`None`: absent), as `IsMatch`
/// does: a string directly, anything else as its string form.
fn any_matches(regex: &regex::Regex, value: Option<&AnyValue>) -> Result<bool> {
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
    match value.and_then(|v| v.value.as_ref()) {
        Some(Any::StringValue(text)) => Ok(regex.is_match(text)),
        _ => value_matches(regex, &value.map(Value::from_any_value).unwrap_or_default()),
    }
}

fn value_matches(regex: &regex::Regex, value: &Value) -> Result<bool> {
    Ok(coerce::string_like(value)?.is_some_and(|text| regex.is_match(&text)))
}

/// `IsMatch(attributes["key"], "constant pattern")`, a string attribute matched in place.
unsafe extern "C" fn ottl_is_match_attr(f: *mut Frame, attr: u32, regex: u32) -> u8 {
    guard_bool(f, |f| {
        let f = unsafe { frame(f) };
        let regex = &sites_of(f).regexes[regex as usize];
        with_attr(f, attr, |v| any_matches(regex, v), |v| value_matches(regex, &v))?
    })
}

/// `IsMatch(log.body, "constant pattern")`, matched in place.
unsafe extern "C" fn ottl_is_match_any(f: *mut Frame, value: *const Option<AnyValue>, regex: u32) -> u8 {
    guard_bool(f, |f| any_matches(&sites_of(unsafe { frame(f) }).regexes[regex as usize], unsafe { &*value }.as_ref()))
}

/// `IsMatch(string field, "constant pattern")`, matched in place.
unsafe extern "C" fn ottl_is_match_str(f: *mut Frame, text: *const String, regex: u32) -> u8 {
    guard_bool(f, |f| Ok(sites_of(unsafe { frame(f) }).regexes[regex as usize].is_match(unsafe { &*text })))
}

/// Memo `memo`'s value kept for the item's resource or scope, into `dest`: 1 when it was
/// kept, 0 when it must be computed.
unsafe extern "C" fn ottl_memo_get(f: *mut Frame, memo: u32, dest: u32) -> u8 {
    let mut kept = false;
    let status = guard(f, |f| {
        let f = unsafe { frame(f) };
        let group = unsafe { &*f.ctx }.group;
        if let Some(value) = f.memos.get(memo, group) {
            let value = value.clone();
            f.put(dest, value);
            kept = true;
        }
        Ok(())
    });
    u8::from(kept && status == 0)
}

/// Keeps the value computed into `source` as memo `memo` for the item's resource or scope,
/// and moves it to `dest`.
unsafe extern "C" fn ottl_memo_put(f: *mut Frame, memo: u32, source: u32, dest: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let group = unsafe { &*f.ctx }.group;
        let value = f.take(source);
        f.memos.put(memo, group, value.clone());
        f.put(dest, value);
        Ok(())
    })
}

/// Forgets the memos whose reads the rule before rule `rule` may have written.
unsafe extern "C" fn ottl_memo_forget(f: *mut Frame, rule: u32) -> u8 {
    guard(f, |f| {
        let f = unsafe { frame(f) };
        let sites = sites_of(f);
        f.memos.forget(sites.memo_forgets.get(rule as usize).map_or(&[], Vec::as_slice));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::native::Sites;

    #[test]
    fn a_panic_inside_a_helper_becomes_an_error_instead_of_unwinding() {
        let mut frame = Frame::new(Arc::new(Sites::default()));
        // There is no constant 7 (nor slot 0): the lookup panics inside the helper.
        let status = unsafe { ottl_const(&mut frame, 7, 0) };
        assert_eq!(status, 1);
        let error = frame.error.take().expect("the panic is the frame's error").to_string();
        assert!(error.starts_with("internal error: "), "{error}");
    }

    #[test]
    fn a_failing_comparison_answers_2_with_the_error() {
        let mut frame = Frame::new(Arc::new(Sites::default()));
        assert_eq!(unsafe { ottl_truth(&mut frame, 3) }, 2);
        assert!(frame.error.is_some());
    }
}
