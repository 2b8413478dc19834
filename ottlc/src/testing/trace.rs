//! Which statements changed a failing test's data: each processor's rule sets run again on
//! the interpreter, one rule more at a time, on what reached the processor; a rule whose
//! addition changes the processor's output matched. Only failing tests pay for it, so the
//! run that decides pass or fail stays the compiled chain alone.

use ottl_compiler::program::RuleSet;
use ottl_pipeline::Backend;
use ottl_runtime::otlp::Telemetry;

use super::target::Stage;

/// Each rule that changed the data on its way through `stages`, as `processor: rule`.
pub fn matched(stages: &[Stage], input: &Telemetry) -> Vec<String> {
    let mut matched = Vec::new();
    let mut state = input.clone();
    for stage in stages {
        let rule_sets = stage.source.rule_sets();
        let run = |set: usize, rules: usize| -> Option<serde_json::Value> {
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
            let processed = processor.process(&stage.id, state.clone(), &mut |_| {}).ok()?;
            Some(processed.telemetry.to_json())
        };
        for (set, rule_set) in rule_sets.iter().enumerate() {
            let mut before = run(set, 0);
            for (count, (_, text)) in rule_set.rules.iter().enumerate() {
                let after = run(set, count + 1);
                if after != before {
                    matched.push(format!("{}: {text}", stage.id));
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

/// The first `count` rules of a rule set, forgetting every memo before each rule (the
/// memo plan was made for the whole set).
fn prefix(rule_set: &RuleSet, count: usize) -> RuleSet {
    let mut prefix = rule_set.clone();
    prefix.rules.truncate(count);
    let all: Vec<u32> = (0..rule_set.memos.per_scope.len() as u32).collect();
    prefix.memos.forget_before = vec![all; count.max(1)];
    prefix
}
