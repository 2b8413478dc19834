//! Sampling ratios the self-operation loop tunes: a rule set's `TraceIDRatioBasedSampler`
//! calls with a written ratio (`TraceIDRatioBasedSampler(span.trace_id, 0.1)`) are its
//! samplers. The loop moves the ratio to hold an export budget; the rule set is compiled
//! again with the tuned ratio in place of the written one, so that both back ends run it as
//! a constant, exactly as if it had been written so.

use std::collections::BTreeMap;

use ottl_compiler::ir::{Arg, Call, Expr, ExprKind, Value};
use ottl_compiler::program::{RootMut, RuleSet};

use crate::config::ComponentId;

/// The converter whose ratio argument is tuned.
const SAMPLER: &str = "TraceIDRatioBasedSampler";

/// The ratios in force, by processor: they outlive a reload or a remote config, which
/// recompile the processor with its written ratio replaced again.
pub type Tuning = BTreeMap<ComponentId, f64>;

/// `rule_set` as it runs, and the ratio its samplers run with when it has any: the written
/// one, or `tuned` in place of every written one. One copy and one walk, whether or not the
/// rule set has a sampler.
pub fn apply(rule_set: &RuleSet, tuned: Option<f64>) -> (RuleSet, Option<f64>) {
    let mut rules = rule_set.clone();
    let mut written = None;
    each_ratio(&mut rules, &mut |ratio| {
        written.get_or_insert(*ratio);
        if let Some(tuned) = tuned {
            *ratio = tuned;
        }
    });
    let running = written.map(|written| tuned.unwrap_or(written));
    (rules, running)
}

/// Calls `visit` with every sampler's written ratio, as a float it may change.
fn each_ratio(rule_set: &mut RuleSet, visit: &mut dyn FnMut(&mut f64)) {
    rule_set.for_each_root_mut(&mut |root| match root {
        RootMut::Action(call) => in_call(call, visit),
        RootMut::Condition(condition) => in_expr(condition, visit),
    });
}

fn in_call(call: &mut Call, visit: &mut dyn FnMut(&mut f64)) {
    if call.function.signature().name == SAMPLER {
        // The checker takes only a float for the ratio (`1` is an error, `1.0` is not).
        if let Some(Some(Arg::Expr(Expr { kind: ExprKind::Const(Value::Float(ratio)), .. }))) = call.args.get_mut(1) {
            visit(ratio);
        }
    }
    call.for_each_expr_mut(&mut |expr| in_expr(expr, visit));
}

fn in_expr(expr: &mut Expr, visit: &mut dyn FnMut(&mut f64)) {
    match &mut expr.kind {
        ExprKind::Call(call) => in_call(call, visit),
        _ => expr.for_each_child_mut(&mut |child| in_expr(child, visit)),
    }
}

#[cfg(test)]
mod tests {
    use ottl_compiler::schema::Context;
    use ottl_runtime::otlp::Telemetry;

    use super::*;
    use crate::config::ProcessorConfig;
    use crate::config::load_valid;

    fn rule_set(rules: &str) -> RuleSet {
        let yaml = format!("processors:\n  rules:\n    context: span\n    statements:\n{rules}");
        let config = load_valid(&yaml);
        match config.processors.values().next() {
            Some(ProcessorConfig::Rules { rule_set, .. }) => rule_set.clone(),
            _ => unreachable!("a rules processor"),
        }
    }

    #[test]
    fn the_written_ratio_is_found_in_a_condition_and_replaced_everywhere() {
        let rules = rule_set(
            "      - 'not TraceIDRatioBasedSampler(span.trace_id, 0.25) > drop()'\n      - 'set(span.attributes[\"kept\"], TraceIDRatioBasedSampler(span.trace_id, 1.0))'\n",
        );
        assert_eq!(rules.context, Context::Span);
        assert_eq!(apply(&rules, None).1, Some(0.25));
        let (mut tuned, running) = apply(&rules, Some(0.01));
        assert_eq!(running, Some(0.01));
        let mut ratios = Vec::new();
        each_ratio(&mut tuned, &mut |ratio| ratios.push(*ratio));
        assert_eq!(ratios, [0.01, 0.01], "the condition's ratio and the action's");
        assert_eq!(apply(&rule_set("      - 'drop() where span.name == \"x\"'\n"), Some(0.5)).1, None);
    }

    #[test]
    fn the_tuned_rule_set_runs_with_the_new_ratio() {
        let rules = rule_set("      - 'not TraceIDRatioBasedSampler(span.trace_id, 1.0) > drop()'\n");
        // Trace ids spread over the sampler's range: about a tenth is kept at 0.1.
        let spans: Vec<String> = (0..1000u64)
            .map(|i| {
                let id = format!("{:016x}{:016x}", i, i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                format!(r#"{{"traceId":"{id}","spanId":"0102030405060708"}}"#)
            })
            .collect();
        let input = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#, spans.join(","));
        let kept = |rules: &RuleSet| {
            let out = ottl_compiler::interp::run(rules, Telemetry::from_json(&input).unwrap(), &mut |_| {}).unwrap();
            out.default.item_count()
        };
        assert_eq!(kept(&rules), 1000);
        let tenth = kept(&apply(&rules, Some(0.1)).0);
        assert!((60..=140).contains(&tenth), "{tenth} of 1000 kept at 0.1");
    }
}
