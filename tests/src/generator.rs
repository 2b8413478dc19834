//! A generator of random OTTL programs and inputs, for differential testing (the Go
//! reference against the interpreter here; later the JIT against the interpreter).
//!
//! Deterministic from a seed: the same seed gives the same program and input on every
//! machine. Programs are built from each context's schema (the fields a statement can read
//! and write, taken from the schema tables) and from converters and editors of the
//! registry whose arguments the generator knows how to fill. Inputs carry attributes of
//! every type (strings, ints, doubles, bools, bytes, maps, slices) under a small set of
//! keys, so that programs often read what is there and sometimes what is missing.
//!
//! [`family_program`] generates the cases of one [`Family`] the plain programs leave out
//! (lambdas, XML, metric functions, the rule form), with inputs on which they do work.

mod lambdas;
mod metrics;
mod rule_form;
mod xml;

use ottl_compiler::schema::{Context, ContextTable, KeyRule};
use ottl_compiler::types::TypeSpec;
use serde_json::{Value as Json, json};

/// A small, fast, seedable generator (SplitMix64): enough randomness for test cases, and
/// no dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A generated case: where it runs, its statements, and its input.
#[derive(Clone, Debug)]
pub struct Program {
    pub context: Context,
    pub statements: Vec<String>,
    /// Conditions guarding the statements, as a transform group's `conditions` do; empty
    /// but for [`guarded`] programs.
    pub guard: Vec<String>,
    pub input: Json,
}

/// The attribute keys programs and inputs share.
const KEYS: &[&str] = &["a", "b", "c", "n", "m", "s"];

/// The contexts programs run in, with the prefix of their attribute map.
const CONTEXTS: &[(Context, &str)] = &[
    (Context::Log, "log.attributes"),
    (Context::Span, "span.attributes"),
    (Context::DataPoint, "datapoint.attributes"),
    (Context::SpanEvent, "spanevent.attributes"),
    (Context::Resource, "resource.attributes"),
    (Context::Scope, "scope.attributes"),
];

/// The contexts the filter processor takes conditions in, with their attribute maps.
const FILTER_CONTEXTS: &[(Context, &str)] = &[
    (Context::Log, "log.attributes"),
    (Context::Span, "span.attributes"),
    (Context::DataPoint, "datapoint.attributes"),
    (Context::SpanEvent, "spanevent.attributes"),
];

/// Generates condition list number `seed`, for the filter processor: one to three
/// conditions (an item they match is dropped).
pub fn conditions(seed: u64) -> Program {
    let mut rng = Rng::new(seed ^ 0xC0DE);
    let &(context, attributes) = rng.pick(FILTER_CONTEXTS);
    let mut generator = Generator::new(rng, context, attributes);
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.condition(2)).collect();
    let input = generator.input();
    Program { context, statements, guard: Vec::new(), input }
}

/// Generates program number `seed`.
pub fn program(seed: u64) -> Program {
    let mut rng = Rng::new(seed);
    let &(context, attributes) = rng.pick(CONTEXTS);
    let mut generator = Generator::new(rng, context, attributes);
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.statement()).collect();
    let input = generator.input();
    Program { context, statements, guard: Vec::new(), input }
}

/// Generates guarded program number `seed`: one to three statements and one or two
/// conditions guarding them (which hold, fail or error on about as many inputs).
pub fn guarded(seed: u64) -> Program {
    let mut rng = Rng::new(seed ^ 0x6A4D);
    let &(context, attributes) = rng.pick(CONTEXTS);
    let mut generator = Generator::new(rng, context, attributes);
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.statement()).collect();
    let guard = (0..1 + generator.rng.below(2)).map(|_| generator.condition(1)).collect();
    let input = generator.input();
    Program { context, statements, guard, input }
}

/// A place in an input that holds a generated value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// The attribute under this key (of the resource, the scope or the item).
    Attribute(&'static str),
    /// A log record's body.
    Body,
}

/// A family of generated cases beyond [`program`]'s: each exercises a part of the language
/// the plain programs leave out, on inputs made for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// The lambda converters (the lambda feature gate), on maps, slices and other values.
    Lambda,
    /// The XML converters, on documents (well-formed or not) and other values.
    Xml,
    /// The metric and datapoint contexts' functions, on metrics of every type.
    Metric,
    /// `condition > action` rules with `keep()`, `drop()` and `route(...)`, on batches.
    RuleForm,
}

impl Family {
    pub const ALL: [Family; 4] = [Family::Lambda, Family::Xml, Family::Metric, Family::RuleForm];

    pub fn name(self) -> &'static str {
        match self {
            Family::Lambda => "lambda",
            Family::Xml => "xml",
            Family::Metric => "metric",
            Family::RuleForm => "rule form",
        }
    }

    /// Mixed into the seed, so that a family's case `n` is not [`program`] `n` in disguise.
    fn salt(self) -> u64 {
        match self {
            Family::Lambda => 0x1A3B,
            Family::Xml => 0x0C31,
            Family::Metric => 0x3E7C,
            Family::RuleForm => 0x2F0A,
        }
    }
}

/// Generates case number `seed` of `family`.
pub fn family_program(family: Family, seed: u64) -> Program {
    let rng = Rng::new(seed ^ family.salt());
    match family {
        Family::Lambda => lambdas::program(rng),
        Family::Xml => xml::program(rng),
        Family::Metric => metrics::program(rng),
        Family::RuleForm => rule_form::program(rng),
    }
}

struct Generator {
    rng: Rng,
    context: Context,
    /// `log.attributes`, `span.attributes`, …
    attributes: &'static str,
    /// What the input holds in each slot: random values of every type, unless a family
    /// needs some slots to hold what its functions work on (XML text, maps, slices).
    slot_value: fn(&mut Generator, Slot) -> Json,
    /// Keys every attribute map of the input has (the others are there more often than not).
    present_keys: &'static [&'static str],
}

impl Generator {
    fn new(rng: Rng, context: Context, attributes: &'static str) -> Generator {
        Generator { rng, context, attributes, slot_value: Generator::any_slot_value, present_keys: &[] }
    }

    /// A value of a random type: shallower in a body, which has no key of its own.
    fn any_slot_value(&mut self, slot: Slot) -> Json {
        self.any_value(if slot == Slot::Body { 1 } else { 2 })
    }

    fn key(&mut self) -> &'static str {
        KEYS[self.rng.below(KEYS.len())]
    }

    fn attribute(&mut self) -> String {
        let attributes = self.attributes;
        format!("{attributes}[\"{}\"]", self.key())
    }

    fn statement(&mut self) -> String {
        let action = self.editor_call();
        if self.rng.chance(40) { format!("{action} where {}", self.condition(2)) } else { action }
    }

    /// A statement's editor call, without a `where` clause.
    fn editor_call(&mut self) -> String {
        let attributes = self.attributes;
        match self.rng.below(12) {
            0 => format!("delete_key({attributes}, \"{}\")", self.key()),
            1 => format!("keep_keys({attributes}, [\"{}\", \"{}\"])", self.key(), self.key()),
            2 => format!("truncate_all({attributes}, {})", 1 + self.rng.below(6)),
            3 => format!("replace_pattern({}, \"[0-9]+\", \"N\")", self.attribute()),
            // A scalar: the collector appends a list literal but no other list (see append).
            4 => format!("append({}, {})", self.attribute(), self.scalar_literal()),
            5 => {
                format!("merge_maps({attributes}, {}, \"{}\")", self.attribute(), self.rng.pick(&["insert", "update", "upsert"]))
            }
            6 => format!("set({}, {})", self.scalar_field_or_attribute(), self.value(2)),
            7 => format!("flatten({})", self.attribute()),
            8 => format!("delete_matching_keys({attributes}, \"^[{}]\")", self.key()),
            9 => format!("limit({attributes}, {}, [])", 1 + self.rng.below(4)),
            _ => format!("set({}, {})", self.attribute(), self.value(3)),
        }
    }

    /// A writable field of this context (any type) or an attribute.
    fn scalar_field_or_attribute(&mut self) -> String {
        let fields: Vec<String> = self
            .context
            .table()
            .iter()
            .filter(|e| e.settable && e.keys == KeyRule::None && is_simple(e.ty))
            .map(|e| e.full_name())
            .collect();
        if fields.is_empty() || self.rng.chance(50) { self.attribute() } else { self.rng.pick(&fields).clone() }
    }

    /// A readable field of this context or of the contexts above it.
    fn readable_field(&mut self) -> String {
        let fields: Vec<String> = self
            .context
            .reachable()
            .iter()
            .flat_map(|c| c.table().iter())
            // The transform processor does not set the span event's index (ottlc does).
            .filter(|e| e.keys == KeyRule::None && is_simple(e.ty) && e.segments != ["event_index"])
            .map(|e| e.full_name())
            .collect();
        if fields.is_empty() { self.attribute() } else { self.rng.pick(&fields).clone() }
    }

    fn scalar_literal(&mut self) -> String {
        match self.rng.below(3) {
            0 => format!("\"{}\"", self.key()),
            1 => (self.rng.below(7) as i64 - 3).to_string(),
            _ => self.rng.pick(&["true", "1.5"]).to_string(),
        }
    }

    fn literal(&mut self) -> String {
        match self.rng.below(9) {
            0 => format!("\"{}\"", self.rng.pick(&["", "x", "abc", "12", "a b", "3.5", "true", "x,y"])),
            1 => (self.rng.below(7) as i64 - 3).to_string(),
            2 => self.rng.pick(&["0.5", "2.0", "-1.25", "100.0"]).to_string(),
            3 => self.rng.pick(&["true", "false"]).to_string(),
            4 => "nil".to_string(),
            5 => format!("[{}, {}]", self.rng.below(5), self.rng.pick(&["\"x\"", "1.5", "true"])),
            6 => format!("{{\"k\": {}}}", self.rng.below(5)),
            7 => "0x0a0b".to_string(),
            _ => format!("\"{}\"", self.key()),
        }
    }

    /// A value expression at most `depth` calls deep.
    fn value(&mut self, depth: usize) -> String {
        if depth == 0 {
            return match self.rng.below(3) {
                0 => self.literal(),
                1 => self.readable_field(),
                _ => self.attribute(),
            };
        }
        let a = self.value(depth - 1);
        match self.rng.below(16) {
            0 => format!("String({a})"),
            1 => format!("Int({a})"),
            2 => format!("Double({a})"),
            3 => format!("Bool({a})"),
            4 => format!("Concat([{a}, {}], \"-\")", self.value(depth - 1)),
            5 => format!("Len({a})"),
            6 => format!("ToUpperCase({})", self.attribute()),
            7 => format!("Split({}, \",\")", self.attribute()),
            8 => format!("IsString({a})"),
            9 => format!("{a} {} {}", self.rng.pick(&["+", "-", "*", "/"]), self.value(depth - 1)),
            10 => format!("SHA256({})", self.attribute()),
            11 => format!("Hex({a})"),
            12 => format!("Coalesce([{a}, {}])", self.value(depth - 1)),
            13 => format!("Trim({})", self.attribute()),
            14 => format!("IsMatch({a}, \"[0-9]\")"),
            _ => self.attribute(),
        }
    }

    fn condition(&mut self, depth: usize) -> String {
        let comparison = |g: &mut Generator| {
            let op = *g.rng.pick(&["==", "!=", "<", "<=", ">", ">="]);
            format!("{} {op} {}", g.value(1), g.value(1))
        };
        if depth == 0 || self.rng.chance(50) {
            return comparison(self);
        }
        match self.rng.below(3) {
            0 => format!("{} and {}", self.condition(depth - 1), self.condition(depth - 1)),
            1 => format!("{} or {}", self.condition(depth - 1), self.condition(depth - 1)),
            _ => format!("not ({})", self.condition(depth - 1)),
        }
    }

    /// One attribute value of a random type.
    fn any_value(&mut self, depth: usize) -> Json {
        match self.rng.below(if depth == 0 { 6 } else { 8 }) {
            0 => json!({"stringValue": self.rng.pick(&["", "x", "abc", "12", "a1b22", "3.5", "true", "x,y", " pad "])}),
            1 => json!({"intValue": (self.rng.below(11) as i64 - 5).to_string()}),
            2 => json!({"doubleValue": *self.rng.pick(&[0.0, 1.5, -2.25, 10.0])}),
            3 => json!({"boolValue": self.rng.chance(50)}),
            4 => json!({"bytesValue": *self.rng.pick(&["", "AQI=", "aGk="])}),
            5 => json!({}),
            6 => {
                let values: Vec<Json> = (0..self.rng.below(3)).map(|_| self.any_value(depth - 1)).collect();
                json!({"arrayValue": {"values": values}})
            }
            _ => {
                // OTLP map keys are unique.
                let mut keys: Vec<&str> = (0..self.rng.below(3)).map(|_| self.key()).collect();
                keys.sort_unstable();
                keys.dedup();
                let values: Vec<Json> = keys.into_iter().map(|k| json!({"key": k, "value": self.any_value(depth - 1)})).collect();
                json!({"kvlistValue": {"values": values}})
            }
        }
    }

    fn attributes_json(&mut self) -> Json {
        let mut keys: Vec<&str> = KEYS.iter().copied().filter(|k| self.present_keys.contains(k) || self.rng.chance(60)).collect();
        keys.dedup();
        Json::Array(keys.into_iter().map(|k| json!({"key": k, "value": (self.slot_value)(self, Slot::Attribute(k))})).collect())
    }

    /// One resource with one scope and one item of this context's signal.
    fn input(&mut self) -> Json {
        let resource = json!({"attributes": self.attributes_json()});
        let scope = json!({"name": "lib", "version": "1", "attributes": self.attributes_json()});
        match self.context {
            Context::Span | Context::SpanEvent => {
                let span = json!({
                    "traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "op",
                    "kind": 2, "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001000000000",
                    "attributes": self.attributes_json(),
                    "events": [{"name": "e", "timeUnixNano": "1700000000500000000", "attributes": self.attributes_json()}],
                });
                json!({"resourceSpans": [{"resource": resource, "scopeSpans": [{"scope": scope, "spans": [span]}]}]})
            }
            Context::DataPoint => {
                let point = json!({"asInt": "7", "timeUnixNano": "1700000000000000000", "attributes": self.attributes_json()});
                let metric = json!({"name": "m", "unit": "1", "sum": {"dataPoints": [point], "aggregationTemporality": 2, "isMonotonic": true}});
                json!({"resourceMetrics": [{"resource": resource, "scopeMetrics": [{"scope": scope, "metrics": [metric]}]}]})
            }
            _ => {
                let record = json!({
                    "timeUnixNano": "1700000000000000000", "severityNumber": 9, "severityText": "INFO",
                    "body": (self.slot_value)(self, Slot::Body), "attributes": self.attributes_json(),
                });
                json!({"resourceLogs": [{"resource": resource, "scopeLogs": [{"scope": scope, "logRecords": [record]}]}]})
            }
        }
    }
}

/// Fields whose values the generator can read and write meaningfully.
fn is_simple(ty: TypeSpec) -> bool {
    matches!(ty, TypeSpec::String | TypeSpec::Int | TypeSpec::Float | TypeSpec::Bool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_deterministic_and_varied() {
        assert_eq!(program(7).statements, program(7).statements);
        assert_eq!(guarded(7).guard, guarded(7).guard);
        assert!((0..50).all(|s| !guarded(s).guard.is_empty() && program(s).guard.is_empty()));
        let distinct: std::collections::HashSet<Vec<String>> = (0..200).map(|s| program(s).statements).collect();
        assert!(distinct.len() > 190);
    }

    #[test]
    fn family_cases_are_deterministic_varied_and_use_their_family() {
        let marks: [(Family, &[&str]); 4] = [
            (Family::Lambda, &["=>"]),
            (Family::Xml, &["XML("]),
            (Family::Metric, &["metric", "datapoint", "_metric", "_to_", "merge_histogram_buckets", "OnDatapoint"]),
            (Family::RuleForm, &["keep()", "drop()", "route("]),
        ];
        for (family, marks) in marks {
            assert_eq!(family_program(family, 7).statements, family_program(family, 7).statements);
            assert_eq!(family_program(family, 7).input, family_program(family, 7).input);
            let programs: Vec<Program> = (0..200).map(|s| family_program(family, s)).collect();
            let distinct: std::collections::HashSet<&Vec<String>> = programs.iter().map(|p| &p.statements).collect();
            assert!(distinct.len() > 190, "{family:?}: {} distinct", distinct.len());
            let using = programs.iter().filter(|p| p.statements.iter().any(|s| marks.iter().any(|m| s.contains(m)))).count();
            assert!(using > 180, "{family:?}: only {using} of 200 use the family");
        }
    }

    #[test]
    fn rule_form_batches_hold_several_items() {
        for seed in 0..50 {
            let input = family_program(Family::RuleForm, seed).input.to_string();
            let items = ottl_runtime::otlp::Telemetry::from_json(&input).map(|t| t.item_count());
            assert!(matches!(items, Ok(n) if n >= 2), "seed {seed}: {items:?}");
        }
    }
}
