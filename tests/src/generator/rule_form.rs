//! Rule-form cases (the seed's `condition > action`, DESIGN §3): `keep()`, `drop()` and
//! `route("name")` deciding each item's fate, beside editors in rule form, plain statements
//! (`keep()` in statement form too) and bare filter conditions, on batches of several
//! items spread over resources and scopes, so that some items survive, some are dropped
//! and some go to each route.

use serde_json::Value as Json;

use super::{CONTEXTS, Generator, Program, Rng};

/// Generates a rule-form case: two to five rules on a batch of two to five items.
pub(super) fn program(mut rng: Rng) -> Program {
    let &(context, attributes) = rng.pick(CONTEXTS);
    let mut generator = Generator::new(rng, context, attributes);
    let count = 2 + generator.rng.below(4);
    let statements = (0..count).map(|_| generator.rule()).collect();
    let items = 2 + generator.rng.below(4);
    let input = generator.batch(items);
    Program { context, statements, guard: Vec::new(), input }
}

/// The OTLP JSON keys of each level of a signal's hierarchy: resources, scopes, items.
const LEVELS: &[[&str; 3]] = &[
    ["resourceSpans", "scopeSpans", "spans"],
    ["resourceLogs", "scopeLogs", "logRecords"],
    ["resourceMetrics", "scopeMetrics", "metrics"],
];

impl Generator {
    fn rule(&mut self) -> String {
        match self.rng.below(12) {
            0..=6 => format!("{} > {}", self.fate_condition(), self.fate_action()),
            7 | 8 => format!("{} > {}", self.fate_condition(), self.editor_call()),
            9 => format!("{} where {}", self.fate_action(), self.fate_condition()),
            10 => self.fate_condition(),
            _ => self.statement(),
        }
    }

    /// A condition that holds on some items of a batch and not on others: mostly a test
    /// of one attribute, sometimes any generated condition (which may fail on an item).
    fn fate_condition(&mut self) -> String {
        let attribute = self.attribute();
        match self.rng.below(6) {
            0 => format!("{attribute} == {}", self.scalar_literal()),
            1 => format!("{attribute} != nil"),
            2 => format!("{}({attribute})", self.rng.pick(&["IsString", "IsInt", "IsMap", "IsList", "IsBool"])),
            3 => format!("{attribute} > {}", self.rng.below(5) as i64 - 2),
            _ => self.condition(1),
        }
    }

    /// `keep()`, `drop()` or `route(…)` to one of two routes; now and then the routing
    /// connector's `route()` without a name.
    fn fate_action(&mut self) -> String {
        match self.rng.below(10) {
            0..=2 => "keep()".to_string(),
            3..=5 => "drop()".to_string(),
            6..=8 => format!("route(\"{}\")", self.rng.pick(&["r1", "r2"])),
            _ => "route()".to_string(),
        }
    }

    /// `items` items of this context's signal: each after the first joins the last scope,
    /// starts a scope in the last resource, or starts a resource.
    fn batch(&mut self, items: usize) -> Json {
        let mut batch = self.input();
        for _ in 1..items {
            let single = self.input();
            let placement = self.rng.below(3);
            merge(&mut batch, single, placement);
        }
        batch
    }
}

/// Adds `single`'s one resource → scope → item to `batch`: its item into the last scope
/// (`placement` 0), its scope into the last resource (1), or its resource at the end.
fn merge(batch: &mut Json, mut single: Json, placement: usize) {
    let Some(&[resources, scopes, items]) = LEVELS.iter().find(|keys| batch.get(keys[0]).is_some()) else { return };
    let last_resource = |json: &mut Json| json.get_mut(resources)?.as_array_mut()?.last_mut().map(std::mem::take);
    let (Some(mut resource), Some(target)) = (last_resource(&mut single), batch.get_mut(resources).and_then(Json::as_array_mut))
    else {
        return;
    };
    let Some(last) = target.last_mut() else { return };
    let last_scope = |resource: &mut Json| resource.get_mut(scopes)?.as_array_mut()?.last_mut().map(std::mem::take);
    match placement {
        0 => {
            let new_items = last_scope(&mut resource).and_then(|mut s| s.get_mut(items).map(std::mem::take));
            let scope_items =
                last.get_mut(scopes).and_then(Json::as_array_mut).and_then(|s| s.last_mut()).and_then(|s| s.get_mut(items));
            if let (Some(Json::Array(new_items)), Some(Json::Array(scope_items))) = (new_items, scope_items) {
                scope_items.extend(new_items);
            }
        }
        1 => {
            if let (Some(scope), Some(Json::Array(resource_scopes))) = (last_scope(&mut resource), last.get_mut(scopes)) {
                resource_scopes.push(scope);
            }
        }
        _ => target.push(resource),
    }
}
