//! A generator of random OTTL programs and inputs, for differential testing (the Go
//! reference against the interpreter here; later the JIT against the interpreter).
//!
//! Deterministic from a seed: the same seed gives the same program and input on every
//! machine. Programs are built from each context's schema (the fields a statement can read
//! and write, taken from the schema tables) and from converters and editors of the
//! registry whose arguments the generator knows how to fill. Inputs carry attributes of
//! every type (strings, ints, doubles, bools, bytes, maps, slices) under a small set of
//! keys, so that programs often read what is there and sometimes what is missing.

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
    let mut generator = Generator { rng, context, attributes };
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.condition(2)).collect();
    let input = generator.input();
    Program { context, statements, guard: Vec::new(), input }
}

/// Generates program number `seed`.
pub fn program(seed: u64) -> Program {
    let mut rng = Rng::new(seed);
    let &(context, attributes) = rng.pick(CONTEXTS);
    let mut generator = Generator { rng, context, attributes };
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
    let mut generator = Generator { rng, context, attributes };
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.statement()).collect();
    let guard = (0..1 + generator.rng.below(2)).map(|_| generator.condition(1)).collect();
    let input = generator.input();
    Program { context, statements, guard, input }
}

struct Generator {
    rng: Rng,
    context: Context,
    /// `log.attributes`, `span.attributes`, …
    attributes: &'static str,
}

impl Generator {
    fn key(&mut self) -> &'static str {
        KEYS[self.rng.below(KEYS.len())]
    }

    fn attribute(&mut self) -> String {
        let attributes = self.attributes;
        format!("{attributes}[\"{}\"]", self.key())
    }

    fn statement(&mut self) -> String {
        let attributes = self.attributes;
        let action = match self.rng.below(12) {
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
        };
        if self.rng.chance(40) { format!("{action} where {}", self.condition(2)) } else { action }
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
        let mut keys: Vec<&str> = KEYS.iter().copied().filter(|_| self.rng.chance(60)).collect();
        keys.dedup();
        Json::Array(keys.into_iter().map(|k| json!({"key": k, "value": self.any_value(2)})).collect())
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
                    "body": self.any_value(1), "attributes": self.attributes_json(),
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
}
