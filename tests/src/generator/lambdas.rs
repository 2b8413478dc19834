//! Lambda cases (the `ottl.functions.enableLambda` gate): `All`, `Any`, `Filter`, `Find`,
//! `MapEach`, `MapKeys`, `Reduce` and `When` walking the item's maps and slices, literals,
//! and values of the wrong type, with bodies that read their parameters, the record, and
//! the parameters of the lambdas around them (nested lambdas, sometimes shadowing).

use serde_json::{Value as Json, json};

use super::{CONTEXTS, Generator, Program, Rng, Slot};

/// Generates a lambda case: one to three statements calling lambda converters (now and
/// then beside a plain statement), on an input whose `m` attributes are maps and whose `s`
/// attributes are slices, more often than not.
pub(super) fn program(mut rng: Rng) -> Program {
    let &(context, attributes) = rng.pick(CONTEXTS);
    let mut generator = Generator::new(rng, context, attributes);
    generator.slot_value = collections;
    generator.present_keys = &["m", "s"];
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.lambda_statement()).collect();
    let input = generator.input();
    Program { context, statements, guard: Vec::new(), input }
}

/// Maps under `m`, slices under `s`, strings that split into lists under `c`; random
/// values elsewhere and sometimes there too.
fn collections(generator: &mut Generator, slot: Slot) -> Json {
    match slot {
        Slot::Attribute("m") if generator.rng.chance(75) => {
            let keys: Vec<&str> = ["a", "b", "n"].into_iter().filter(|_| generator.rng.chance(70)).collect();
            let entries: Vec<Json> = keys.into_iter().map(|k| json!({"key": k, "value": generator.any_value(1)})).collect();
            json!({"kvlistValue": {"values": entries}})
        }
        Slot::Attribute("s") if generator.rng.chance(75) => {
            let items: Vec<Json> = (0..generator.rng.below(5)).map(|_| generator.any_value(1)).collect();
            json!({"arrayValue": {"values": items}})
        }
        Slot::Attribute("c") if generator.rng.chance(60) => {
            json!({"stringValue": *generator.rng.pick(&["x,y", "a,b,a", "1,2,3", "", "x"])})
        }
        other => generator.any_slot_value(other),
    }
}

/// The names a lambda body can read: the formals of the lambdas around it, innermost last.
type Scope = Vec<&'static str>;

/// Formals of a two-argument lambda at each nesting depth, and of a three-argument one.
const PAIRS: &[[&str; 2]] = &[["k", "v"], ["i", "w"], ["j", "x"]];
const ACCUMULATOR_NAMES: &[&str] = &["acc", "acc2", "acc3"];

impl Generator {
    fn lambda_statement(&mut self) -> String {
        let attributes = self.attributes;
        let action = match self.rng.below(9) {
            0 => format!("set({attributes}, Filter({attributes}, {}))", self.predicate(&Vec::new(), 1)),
            1 => format!(
                "merge_maps({attributes}, MapKeys({}, {}), \"{}\")",
                self.map_source(),
                self.key_mapper(&Vec::new()),
                self.rng.pick(&["insert", "update", "upsert"])
            ),
            2 => self.editor_call(),
            _ => format!("set({}, {})", self.attribute(), self.lambda_call(&Vec::new(), 2)),
        };
        if self.rng.chance(35) { format!("{action} where {}", self.lambda_condition(&Vec::new(), 1)) } else { action }
    }

    /// A condition that calls `Any` or `All`, or reads the result of another lambda call.
    fn lambda_condition(&mut self, scope: &Scope, depth: usize) -> String {
        let source = self.lambda_source(scope, depth);
        match self.rng.below(4) {
            0 => format!("Any({source}, {})", self.predicate(scope, depth)),
            1 => format!("All({source}, {})", self.predicate(scope, depth)),
            2 => format!("Len({}) {} {}", self.lambda_call(scope, depth), self.rng.pick(&[">", "==", "<="]), self.rng.below(3)),
            _ => format!("{} {} {}", self.lambda_call(scope, depth), self.rng.pick(&["==", "!="]), self.lambda_operand(scope)),
        }
    }

    /// A call of a lambda converter, its lambdas nested at most `depth` deep.
    fn lambda_call(&mut self, scope: &Scope, depth: usize) -> String {
        let source = self.lambda_source(scope, depth);
        match self.rng.below(9) {
            0 => format!("All({source}, {})", self.predicate(scope, depth)),
            1 => format!("Any({source}, {})", self.predicate(scope, depth)),
            2 | 3 => format!("Filter({source}, {})", self.predicate(scope, depth)),
            4 if self.rng.chance(50) => format!("Find({source}, {})", self.predicate(scope, depth)),
            4 => format!("Find({source}, {}, {})", self.predicate(scope, depth), self.mapper(scope, depth)),
            5 => format!("MapEach({source}, {})", self.mapper(scope, depth)),
            6 => format!("MapKeys({}, {})", self.map_source_in(scope), self.key_mapper(scope)),
            7 => format!("Reduce({source}, {}, {})", self.reduce_seed(), self.accumulator(scope, depth)),
            _ => self.when(scope, depth),
        }
    }

    /// What a lambda converter walks: mostly a map or a slice, sometimes a value it refuses.
    fn lambda_source(&mut self, scope: &Scope, depth: usize) -> String {
        match self.rng.below(12) {
            0..=2 => format!("{}[\"{}\"]", self.attributes, self.rng.pick(&["m", "s"])),
            3 => self.attributes.to_string(),
            4 => self
                .rng
                .pick(&[
                    "[1, 2, 3]",
                    "[\"a\", \"b\", \"a\"]",
                    "[1, \"x\", 2.5, true, nil]",
                    "[]",
                    "[[1, 2], [\"x\"]]",
                    "[{\"k\": 1}, {\"k\": 2}]",
                ])
                .to_string(),
            5 => self.rng.pick(&["{\"a\": 1, \"b\": \"x\"}", "{}", "{\"m\": {\"n\": 1}, \"s\": [1, 2]}"]).to_string(),
            6 => format!("Split({}[\"c\"], \",\")", self.attributes),
            7 if depth > 0 => format!("Filter({}, {})", self.lambda_source(scope, 0), self.predicate(scope, depth - 1)),
            8 if depth > 0 => format!("MapEach({}, {})", self.lambda_source(scope, 0), self.mapper(scope, depth - 1)),
            9 if !scope.is_empty() => self.rng.pick(scope).to_string(),
            10 => self.attribute(),
            _ => self.literal(),
        }
    }

    /// A map for `MapKeys` (a `PMapGetter`), or now and then something else.
    fn map_source(&mut self) -> String {
        self.map_source_in(&Vec::new())
    }

    fn map_source_in(&mut self, scope: &Scope) -> String {
        match self.rng.below(6) {
            0 | 1 => self.attributes.to_string(),
            2 => format!("{}[\"m\"]", self.attributes),
            3 => "{\"a\": 1, \"b.c\": \"x\"}".to_string(),
            4 if !scope.is_empty() => self.rng.pick(scope).to_string(),
            _ => self.attribute(),
        }
    }

    /// The formals of a lambda inside `scope`: the next depth's names, one sometimes
    /// blank or (rarely) shadowing an outer one.
    fn formals(&mut self, scope: &Scope, arity: usize) -> Vec<&'static str> {
        let pair = PAIRS[scope.len().div_ceil(2).min(PAIRS.len() - 1)];
        let mut names: Vec<&'static str> = if arity == 3 {
            vec![ACCUMULATOR_NAMES[scope.len().div_ceil(3).min(ACCUMULATOR_NAMES.len() - 1)], pair[0], pair[1]]
        } else {
            pair.to_vec()
        };
        let last = names.len() - 1;
        if self.rng.chance(25) {
            names[self.rng.below(last + 1)] = "_";
        } else if !scope.is_empty() && self.rng.chance(10) {
            names[last] = *self.rng.pick(scope);
        }
        names
    }

    /// `(formals) => body`. The body reads its own formals, and now and then those of the
    /// lambdas around it: the collector allows that, the checker here does not yet (it
    /// rejects those cases, which compare once it does).
    fn lambda(&mut self, scope: &Scope, arity: usize, body: fn(&mut Generator, &Scope, usize) -> String, depth: usize) -> String {
        let formals = self.formals(scope, arity);
        let mut inner = self.outer_names(scope);
        inner.extend(formals.iter().copied().filter(|&name| name != "_"));
        format!("({}) => {}", formals.join(", "), body(self, &inner, depth))
    }

    /// What a nested lambda's body sees of `scope`: nothing, but one time in ten.
    fn outer_names(&mut self, scope: &Scope) -> Scope {
        if self.rng.chance(10) { scope.clone() } else { Vec::new() }
    }

    fn predicate(&mut self, scope: &Scope, depth: usize) -> String {
        self.lambda(scope, 2, Generator::body_condition, depth)
    }

    fn mapper(&mut self, scope: &Scope, depth: usize) -> String {
        self.lambda(scope, 2, Generator::body_value, depth)
    }

    fn key_mapper(&mut self, scope: &Scope) -> String {
        self.lambda(scope, 2, Generator::key_body, 0)
    }

    fn accumulator(&mut self, scope: &Scope, depth: usize) -> String {
        self.lambda(scope, 3, Generator::accumulator_body, depth)
    }

    /// A name in scope, a literal, or something of the record.
    fn lambda_operand(&mut self, scope: &Scope) -> String {
        match self.rng.below(5) {
            0..=2 if !scope.is_empty() => self.rng.pick(scope).to_string(),
            3 => self.attribute(),
            _ => self.literal(),
        }
    }

    /// A predicate's body: comparisons and type tests of the formals, string tests that
    /// fail on an index, nested `Any`/`All`.
    fn body_condition(&mut self, scope: &Scope, depth: usize) -> String {
        let operand = self.lambda_operand(scope);
        match self.rng.below(10) {
            0..=2 => format!("{operand} {} {}", self.rng.pick(&["==", "!=", "<", ">="]), self.lambda_operand(scope)),
            3 => format!("{}({operand})", self.rng.pick(&["IsString", "IsMap", "IsList", "IsInt", "IsDouble"])),
            4 => format!("HasPrefix({operand}, \"{}\")", self.key()),
            5 => format!("Len({operand}) > {}", self.rng.below(3)),
            6 if depth > 0 => format!("{}({operand}, {})", self.rng.pick(&["Any", "All"]), self.predicate(scope, depth - 1)),
            7 => format!("{} and {}", self.body_condition(scope, 0), self.body_condition(scope, 0)),
            8 => format!("not ({})", self.body_condition(scope, 0)),
            _ => format!("{operand} != nil"),
        }
    }

    /// A mapper's body: a formal, conversions and concatenations of them, collections of
    /// them, arithmetic that fails on strings, nested lambda calls.
    fn body_value(&mut self, scope: &Scope, depth: usize) -> String {
        let operand = self.lambda_operand(scope);
        match self.rng.below(11) {
            0 | 1 => operand,
            2 => format!("String({operand})"),
            3 => format!("Concat([String({operand}), String({})], \"=\")", self.lambda_operand(scope)),
            4 => format!("ToUpperCase({operand})"),
            5 => format!("{{\"key\": {operand}, \"value\": {}}}", self.lambda_operand(scope)),
            6 => format!("[{operand}, {}]", self.lambda_operand(scope)),
            7 => format!("{operand} {} {}", self.rng.pick(&["+", "*"]), self.rng.pick(&["2", "1.5", "\"x\""])),
            8 if depth > 0 => self.lambda_call(scope, depth - 1),
            9 => self.when(scope, 0),
            _ => self.value(1),
        }
    }

    /// A `MapKeys` body: a string most of the time, so that keys are renamed (and may
    /// collide); sometimes not a string.
    fn key_body(&mut self, scope: &Scope, _depth: usize) -> String {
        let operand = self.lambda_operand(scope);
        match self.rng.below(6) {
            0 => format!("Concat([\"p\", String({operand})], \".\")"),
            1 => format!("ToUpperCase(String({operand}))"),
            2 => format!("Substring(String({operand}), 0, 1)"),
            3 => format!("\"{}\"", self.key()),
            _ => operand,
        }
    }

    /// A `Reduce` body: sums, concatenations and choices between the accumulator and the
    /// element.
    fn accumulator_body(&mut self, scope: &Scope, depth: usize) -> String {
        let operand = self.lambda_operand(scope);
        let other = self.lambda_operand(scope);
        match self.rng.below(6) {
            0 => format!("{operand} + {other}"),
            1 => format!("{operand} + Int({other})"),
            2 => format!("Concat([String({operand}), String({other})], \",\")"),
            3 => self.when(scope, 0),
            4 if depth > 0 => self.lambda_call(scope, depth - 1),
            _ => operand,
        }
    }

    /// `When(() => condition, a, b)`: its values read `scope`, its condition (a lambda's
    /// body) what [`Generator::outer_names`] lets it.
    fn when(&mut self, scope: &Scope, depth: usize) -> String {
        let visible = self.outer_names(scope);
        let condition = self.body_condition(&visible, depth);
        format!("When(() => {condition}, {}, {})", self.lambda_operand(scope), self.lambda_operand(scope))
    }

    fn reduce_seed(&mut self) -> String {
        match self.rng.below(6) {
            0 => "0".to_string(),
            1 => "\"\"".to_string(),
            2 => "1.5".to_string(),
            3 => "[]".to_string(),
            4 => "{}".to_string(),
            _ => self.attribute(),
        }
    }
}
