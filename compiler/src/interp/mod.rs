//! The reference interpreter: runs a compiled rule set over OTLP data, item by item, by
//! walking the typed IR. Clear rather than clever: it is the oracle the JIT is tested
//! against.

mod eval;

use std::cell::RefCell;

use ottl_runtime::context::{ItemMut, PathKey, TransformContext};
use ottl_runtime::exec::{self, Action, Fate, Outputs, RuleKind};
use ottl_runtime::fields::Field;
use ottl_runtime::functions::{Arg as RuntimeArg, Args, EditorHost};
use ottl_runtime::memo::Memos;
use ottl_runtime::otlp::Telemetry;
use ottl_runtime::otlp::common::v1::KeyValue;
use ottl_runtime::{Error, Result, Value};

pub use eval::Evaluator;

use crate::ir::{Arg, Statement};
use crate::program::{Rule, RuleSet};

/// Runs `rules` on every item of `telemetry` and sorts the items into outputs.
/// `warn` receives the errors the `ignore` error mode logs.
pub fn run(rules: &RuleSet, telemetry: Telemetry, warn: &mut dyn FnMut(String)) -> Result<Outputs> {
    let memos = RefCell::new(Memos::new(&rules.memos.per_scope));
    exec::run_and_split(telemetry, rules.context, rules.is_allow_list(), rules.routes(), &mut |ctx| {
        run_item(rules, ctx, &memos, warn)
    })
}

/// Every rule on one item, under the rule set's error mode, when its guard lets them run.
/// `memos` holds the run's invariant values; before each rule, those the rule before it
/// may have changed are forgotten.
pub fn run_item(
    rules: &RuleSet,
    ctx: &mut TransformContext<'_>,
    memos: &RefCell<Memos>,
    warn: &mut dyn FnMut(String),
) -> Result<Fate> {
    let mut fate = Fate::default();
    memos.borrow_mut().forget(rules.memos.forget_before(0));
    if !guard_holds(rules, ctx, memos, warn)? {
        return Ok(fate);
    }
    for (index, (rule, text)) in rules.rules.iter().enumerate() {
        if index > 0 {
            memos.borrow_mut().forget(rules.memos.forget_before(index));
        }
        // Conditions are ORed and stop at the first that matches, as the filter processor's
        // condition sequence does: later ones are not evaluated (nor can they fail).
        if matches!(rule, Rule::Condition(_)) && fate.dropped {
            continue;
        }
        let outcome = match rule {
            Rule::Statement(statement) => execute(statement, ctx, memos, &mut fate),
            Rule::Condition(condition) => Evaluator::with_memos(ctx, memos).condition(condition, &[]).map(|matched| {
                if matched {
                    fate.record(Action::Drop);
                }
            }),
        };
        if let Err(error) = outcome
            && let Some(warning) = rules.error_mode.on_failure(rule.kind(), text, error)?
        {
            warn(warning);
        }
    }
    Ok(fate)
}

/// Whether the rule set's guard lets its rules run on this item: no guard, or one of its
/// conditions holds. They are ORed in order and stop at the first that holds; one that
/// fails is the error mode's (the payload fails, or it counts as not holding).
fn guard_holds(
    rules: &RuleSet,
    ctx: &TransformContext<'_>,
    memos: &RefCell<Memos>,
    warn: &mut dyn FnMut(String),
) -> Result<bool> {
    if rules.guard.is_empty() {
        return Ok(true);
    }
    for (condition, text) in &rules.guard {
        match Evaluator::with_memos(ctx, memos).condition(condition, &[]) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(error) => {
                if let Some(warning) = rules.error_mode.on_failure(RuleKind::Condition, text, error)? {
                    warn(warning);
                }
            }
        }
    }
    Ok(false)
}

/// One statement: its condition, then its editor.
pub fn execute(statement: &Statement, ctx: &mut TransformContext<'_>, memos: &RefCell<Memos>, fate: &mut Fate) -> Result<()> {
    let evaluator = Evaluator::with_memos(ctx, memos);
    if let Some(condition) = &statement.condition
        && !evaluator.condition(condition, &[])?
    {
        return Ok(());
    }
    let call = &statement.action;
    let editor = call.function.signature();
    let mut target = None;
    let mut args = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        args.push(match arg {
            None => RuntimeArg::Absent,
            Some(Arg::Target(path)) if target.is_none() => {
                target = Some((path.field, evaluator.keys(&path.keys, &[])?));
                RuntimeArg::Absent
            }
            Some(other) => evaluator.plain_arg(other, &[])?,
        });
    }
    let mut host = Host { ctx, target, fate };
    editor.edit(&mut Args::new(args), &mut host)
}

/// The interpreter's side of an editor call.
struct Host<'h, 'a> {
    ctx: &'h mut TransformContext<'a>,
    target: Option<(Field, Vec<PathKey>)>,
    fate: &'h mut Fate,
}

impl EditorHost for Host<'_, '_> {
    fn get_target(&mut self) -> Result<Value> {
        let (field, keys) = self.target.as_ref().ok_or_else(|| Error::new("this function has no target path"))?;
        self.ctx.get(*field, keys)
    }

    fn set_target(&mut self, value: Value) -> Result<()> {
        let (field, keys) = self.target.as_ref().ok_or_else(|| Error::new("this function has no target path"))?;
        self.ctx.set(*field, keys, value)
    }

    fn target_attributes(&mut self) -> Option<&mut Vec<KeyValue>> {
        match &self.target {
            Some((field, keys)) if keys.is_empty() => self.ctx.attributes_mut(*field).ok().flatten(),
            _ => None,
        }
    }

    fn item(&mut self) -> Option<ItemMut<'_>> {
        Some(self.ctx.item.reborrow())
    }

    fn act(&mut self, action: Action) {
        self.fate.record(action);
    }
}
