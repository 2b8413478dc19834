//! Which statements matched a failing test's data: each processor's rule sets run again on
//! the interpreter, one rule more at a time, on what reached the processor. A rule matched
//! when its condition (and its group's `conditions`) held on an item as the data stood
//! just before it ran; it changed the data when its addition changed the processor's
//! output. Only failing tests pay for it, so the run that decides pass or fail stays the
//! compiled chain alone.

use ottl_compiler::interp::Evaluator;
use ottl_compiler::program::{Rule, RuleSet};
use ottl_pipeline::Backend;
use ottl_runtime::exec::{self, Fate};
use ottl_runtime::otlp::Telemetry;

use super::target::Stage;

/// Each rule that matched on the data's way through `stages`, as `processor: rule`, with
/// on how many items its condition held and whether it changed anything.
pub fn matched(stages: &[Stage], input: &Telemetry) -> Vec<String> {
    let mut matched = Vec::new();
    let mut state = input.clone();
    for stage in stages {
        let rule_sets = stage.source.rule_sets();
        // What the processor made of the data, with its JSON to compare runs by.
        let run = |set: usize, rules: usize| -> Option<(Telemetry, serde_json::Value)> {
            let mut index = 0;
            let mut prepare = |rule_set: &RuleSet| {
                let keep = if index < set {
                    rule_set.rules.len()
                } else if index == set {
                    rules
                } else {
                    0
                };
                index += 1;
                prefix(rule_set, keep)
            };
            let processor = stage.source.compile(Backend::Interpreter, &mut prepare).ok()?;
            let telemetry = processor.process(&stage.id, state.clone(), &mut |_| {}).ok()?.telemetry;
            let json = telemetry.to_json();
            Some((telemetry, json))
        };
        for (set, (signal, rule_set)) in rule_sets.iter().enumerate() {
            if signal.is_some_and(|signal| signal != state.signal()) || !rule_set.context.fits(&state) {
                continue;
            }
            let mut before = run(set, 0);
            for (count, (rule, text)) in rule_set.rules.iter().enumerate() {
                let after = run(set, count + 1);
                let changed = after.as_ref().map(|(_, json)| json) != before.as_ref().map(|(_, json)| json);
                let held = before.as_ref().and_then(|(data, _)| held_on(rule_set, rule, data));
                if let Some((held, items)) = held.filter(|&(held, _)| held > 0 || changed) {
                    let context = rule_set.context;
                    let plural = if items == 1 { "" } else { "s" };
                    let effect = if changed { "" } else { "; changed nothing" };
                    matched.push(format!("{}: {text}  (held on {held} of {items} {context}{plural}{effect})", stage.id));
                }
                before = after;
            }
        }
        match stage
            .source
            .compile(Backend::Interpreter, &mut RuleSet::clone)
            .map(|p| p.process(&stage.id, state.clone(), &mut |_| {}))
        {
            Ok(Ok(processed)) => state = processed.telemetry,
            _ => break,
        }
    }
    matched
}

/// On how many of the items of `data` in the rule set's context `rule` would run: its
/// group's conditions let it (one holds, or there are none) and its own condition holds
/// (a statement without one always does). One that fails to evaluate does not hold, as
/// the collector's `ignore` error mode has it.
fn held_on(rule_set: &RuleSet, rule: &Rule, data: &Telemetry) -> Option<(usize, usize)> {
    let condition = match rule {
        Rule::Statement(statement) => statement.condition.as_ref(),
        Rule::Condition(condition) => Some(condition),
    };
    let (mut held, mut items) = (0, 0);
    let mut data = data.clone();
    exec::run(&mut data, rule_set.context, &mut |ctx| {
        let evaluator = Evaluator::new(ctx);
        let holds = |condition| matches!(evaluator.condition(condition, &[]), Ok(true));
        let guard = rule_set.guard.is_empty() || rule_set.guard.iter().any(|(condition, _)| holds(condition));
        held += usize::from(guard && condition.is_none_or(holds));
        items += 1;
        Ok(Fate::default())
    })
    .ok()?;
    Some((held, items))
}

/// The first `count` rules of a rule set, forgetting every memo before each rule (the
/// memo plan was made for the whole set).
fn prefix(rule_set: &RuleSet, count: usize) -> RuleSet {
    let mut prefix = rule_set.clone();
    prefix.rules.truncate(count);
    let all: Vec<u32> = (0..rule_set.memos.per_scope.len() as u32).collect();
    prefix.memos.forget_before = vec![all; count.max(1)];
    prefix
}
