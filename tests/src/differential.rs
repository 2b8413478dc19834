//! Differential testing: the same case through `ottlc`'s interpreter and through the Go
//! reference, outputs compared after both are put in one canonical form.

use ottl_compiler::interp;
use ottl_compiler::program::ErrorMode;
use ottl_compiler::registry::LAMBDA_GATE;
use ottl_compiler::schema::Context;
use ottl_runtime::otlp::{Signal, Telemetry};
use serde_json::Value as Json;

use crate::reference::{Case, Outcome};
use crate::rules::TransformGroup;

/// Runs a case through `ottlc`'s interpreter, as `ottl-ref` runs it through the collector.
pub fn run_ours(case: &Case) -> Outcome {
    let context = match case.context.as_str() {
        "" => None,
        name => match Context::parse(name) {
            Some(context) => Some(context),
            None => return Outcome::Rejected(format!("no context {name}")),
        },
    };
    let mode = match case.error_mode {
        "ignore" => ErrorMode::Ignore,
        "silent" => ErrorMode::Silent,
        _ => ErrorMode::Propagate,
    };
    let gates = [LAMBDA_GATE.to_string()];
    let compiled = if case.conditions.is_empty() {
        // The filter processor's conditions are the rule file's bare conditions (dropped
        // when they match); a statement is never read as one.
        crate::rules::compile(&case.rules.join("\n"), context, &gates, mode)
    } else {
        // Guarded statements: a transform group of a collector config.
        let Some(signal) = [Signal::Traces, Signal::Metrics, Signal::Logs].into_iter().find(|s| s.name() == case.signal) else {
            return Outcome::Rejected(format!("no signal {}", case.signal));
        };
        let group = TransformGroup { signal, context, statements: &case.rules, conditions: &case.conditions };
        group.compile(&gates, mode)
    };
    let rules = match compiled {
        Ok(rules) => rules,
        Err(diagnostics) => {
            return Outcome::Rejected(diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "));
        }
    };
    let telemetry = match Telemetry::from_json(&case.input.to_string()) {
        Ok(telemetry) => telemetry,
        Err(e) => return Outcome::Failed(format!("input: {e}")),
    };
    match interp::run(&rules, telemetry, &mut |_| {}) {
        Ok(outputs) => Outcome::Output(outputs.default.to_json()),
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

/// How two outcomes relate.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Agree,
    /// Both failed or both rejected, with different words.
    AgreeWithOtherWords {
        ours: String,
        reference: String,
    },
    Disagree,
}

pub fn compare(ours: &Outcome, reference: &Outcome) -> Verdict {
    match (ours, reference) {
        (Outcome::Output(a), Outcome::Output(b)) => match (canonical(a), canonical(b)) {
            (Ok(a), Ok(b)) if a == b => Verdict::Agree,
            _ => Verdict::Disagree,
        },
        (Outcome::Rejected(a), Outcome::Rejected(b)) | (Outcome::Failed(a), Outcome::Failed(b)) => {
            if b.contains(a.as_str()) || a.contains(b.as_str()) {
                Verdict::Agree
            } else {
                Verdict::AgreeWithOtherWords { ours: a.clone(), reference: b.clone() }
            }
        }
        _ => Verdict::Disagree,
    }
}

/// OTLP JSON in one form: read and written by the runtime (defaults dropped), attribute
/// lists as objects (OTLP does not order map keys; the reference builds some maps from Go
/// maps, whose order is random), and data points sorted (the reference's aggregations emit
/// their groups in Go's random map order).
pub fn canonical(json: &Json) -> Result<Json, String> {
    let mut json = match Telemetry::from_json(&json.to_string()) {
        Ok(telemetry) => key_values_as_objects(telemetry.to_json()),
        // What the runtime cannot read (non-finite doubles) is compared as written.
        Err(_) => {
            let mut json = json.clone();
            ottl_runtime::otlp::prune_defaults(&mut json);
            key_values_as_objects(json)
        }
    };
    sort_data_points(&mut json);
    Ok(json)
}

fn sort_data_points(json: &mut Json) {
    match json {
        Json::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "dataPoints"
                    && let Json::Array(points) = value
                {
                    points.sort_by_key(|p| p.to_string());
                }
                sort_data_points(value);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(sort_data_points),
        _ => {}
    }
}

/// OTLP JSON with every `[{key, value}]` list turned into an object, so that comparing
/// ignores key order, as pdata's `Map.Equal` does.
pub fn key_values_as_objects(json: Json) -> Json {
    match json {
        Json::Array(items) if !items.is_empty() && items.iter().all(is_key_value) => Json::Object(
            items
                .into_iter()
                .filter_map(|item| match item {
                    Json::Object(mut o) => {
                        let key = o.remove("key")?.as_str()?.to_string();
                        Some((key, key_values_as_objects(o.remove("value").unwrap_or(Json::Null))))
                    }
                    _ => None,
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.into_iter().map(key_values_as_objects).collect()),
        Json::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, key_values_as_objects(v))).collect()),
        other => other,
    }
}

fn is_key_value(item: &Json) -> bool {
    matches!(item, Json::Object(o) if o.contains_key("key") && o.keys().all(|k| k == "key" || k == "value"))
}

/// One case's two outcomes, for a report a person can act on.
pub fn reproduction(case: &Case, ours: &Outcome, reference: &Outcome) -> String {
    let show = |o: &Outcome| match o {
        Outcome::Output(json) => canonical(json).map(|j| j.to_string()).unwrap_or_else(|e| format!("unreadable output: {e}")),
        Outcome::Rejected(e) => format!("rejected: {e}"),
        Outcome::Failed(e) => format!("failed: {e}"),
    };
    format!(
        "case {} ({} in {} context {:?}):\n  rules: {:?}\n  guarded by: {:?}\n  input: {}\n  ottlc:     {}\n  reference: {}",
        case.id,
        case.command,
        case.signal,
        case.context,
        case.rules,
        case.conditions,
        case.input,
        show(ours),
        show(reference)
    )
}

/// Smaller variants of a case: each statement left out, each `where` left out, each
/// guarding condition but the last left out.
pub fn shrink_candidates(case: &Case) -> Vec<Case> {
    let rules = shrink_rules(&case.rules).into_iter().map(|rules| Case { rules, ..case.clone() });
    let guards = (0..case.conditions.len()).filter(|_| case.conditions.len() > 1).map(|i| {
        let mut conditions = case.conditions.clone();
        conditions.remove(i);
        Case { conditions, ..case.clone() }
    });
    rules.chain(guards).collect()
}

/// Smaller variants of a rule list: each rule left out, each `where` left out.
pub fn shrink_rules(rules: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for i in 0..rules.len() {
        if rules.len() > 1 {
            let mut smaller = rules.to_vec();
            smaller.remove(i);
            out.push(smaller);
        }
        if let Some((action, _)) = rules[i].split_once(" where ") {
            let mut smaller = rules.to_vec();
            smaller[i] = action.to_string();
            out.push(smaller);
        }
    }
    out
}
