//! The JIT against the interpreter (issue 6): the same rule sets on the same inputs must
//! give the same outputs, routes, warnings and errors. Covers every executable corpus row
//! and generated cases (`OTTL_JIT_CASES`, default 100,000, from seed `OTTL_DIFF_SEED`):
//! programs, filter-condition lists and the generator's families (lambdas, XML, metric
//! functions, the rule form), each counted apart; and generated transform groups with
//! guarding conditions, under all three error modes. A disagreement is shrunk by dropping
//! statements and `where` clauses and printed with both outcomes.

use std::collections::BTreeMap;

use ottl_compiler::interp;
use ottl_compiler::program::{ErrorMode, RuleSet};
use ottl_compiler::registry::LAMBDA_GATE;
use ottl_compiler::schema::Context;
use ottl_jit as jit;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::corpus;
use ottl_tests::differential::shrink_rules;
use ottl_tests::rules::TransformGroup;
use ottl_tests::{fixtures, generator};
use serde_json::Value as Json;

/// Everything a run shows: the outputs (default and per route) and the warnings, or the
/// error that failed the payload.
#[derive(Debug, PartialEq)]
enum Outcome {
    Ran { default: Json, routes: BTreeMap<String, Json>, warnings: Vec<String> },
    Failed(String),
}

#[derive(Clone, Copy)]
enum Backend {
    Interp,
    Jit,
}

fn run(backend: Backend, rules: &RuleSet, input: &Telemetry) -> Outcome {
    let mut warnings = Vec::new();
    let ran = match backend {
        Backend::Interp => interp::run(rules, input.clone(), &mut |w| warnings.push(w)),
        Backend::Jit => match jit::compile(rules) {
            Ok(program) => program.run(input.clone(), &mut |w| warnings.push(w)),
            Err(error) => return Outcome::Failed(format!("JIT compile error: {error}")),
        },
    };
    match ran {
        Ok(outputs) => Outcome::Ran {
            default: outputs.default.to_json(),
            routes: outputs.routes.iter().map(|(name, t)| (name.clone(), t.to_json())).collect(),
            warnings,
        },
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

/// A rule list that compiles: both back ends' outcomes. `None` when the checker rejects it.
fn outcomes(text: &str, context: Option<Context>, mode: ErrorMode, input: &Telemetry) -> Option<(Outcome, Outcome)> {
    let rules = ottl_tests::rules::compile(text, context, &[LAMBDA_GATE.to_string()], mode).ok()?;
    Some((run(Backend::Interp, &rules, input), run(Backend::Jit, &rules, input)))
}

/// The smallest variant of a disagreeing rule list that still disagrees, with both outcomes.
fn shrink(mut rules: Vec<String>, context: Option<Context>, mode: ErrorMode, input: &Telemetry) -> String {
    'smaller: loop {
        for candidate in shrink_rules(&rules) {
            if let Some((interp, jit)) = outcomes(&candidate.join("\n"), context, mode, input)
                && interp != jit
            {
                rules = candidate;
                continue 'smaller;
            }
        }
        let (interp, jit) = outcomes(&rules.join("\n"), context, mode, input).expect("compiled before");
        return format!(
            "rules ({mode:?}, {context:?}):\n  {}\ninput: {}\ninterpreter: {interp:?}\njit:         {jit:?}",
            rules.join("\n  "),
            input.to_json()
        );
    }
}

const MODES: [ErrorMode; 3] = [ErrorMode::Propagate, ErrorMode::Ignore, ErrorMode::Silent];

/// What a generated seed is: a plain program, a filter-condition list, or a case of one
/// of the generator's families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Program,
    Conditions,
    Family(generator::Family),
}

impl Kind {
    /// Out of every twenty seeds: eight programs, three condition lists, three lambda
    /// cases, and two of each other family.
    fn of(seed: u64) -> Kind {
        use generator::Family::*;
        match seed % 20 {
            0..=7 => Kind::Program,
            8..=10 => Kind::Conditions,
            11..=13 => Kind::Family(Lambda),
            14 | 15 => Kind::Family(Xml),
            16 | 17 => Kind::Family(Metric),
            _ => Kind::Family(RuleForm),
        }
    }

    fn program(self, seed: u64) -> generator::Program {
        match self {
            Kind::Program => generator::program(seed),
            Kind::Conditions => generator::conditions(seed),
            Kind::Family(family) => generator::family_program(family, seed),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Program => "programs",
            Kind::Conditions => "filter conditions",
            Kind::Family(family) => family.name(),
        }
    }
}

/// How the generated cases of one kind fared.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    generated: u64,
    /// Compiled and ran on both back ends.
    ran: u64,
    /// Of those, how many changed, dropped or routed something.
    changed: u64,
    /// Of those, how many failed on an item (the interpreter's outcome or a warning).
    errors: u64,
    disagreements: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.generated += other.generated;
        self.ran += other.ran;
        self.changed += other.changed;
        self.errors += other.errors;
        self.disagreements += other.disagreements;
    }
}

/// What a generated case came to.
enum CaseResult {
    Rejected,
    /// Both back ends agree; whether the output differs from the input, and whether a
    /// statement failed (or warned) on the way.
    Agreed {
        changed: bool,
        failed: bool,
    },
    /// The shrunk reproduction.
    Disagreed(String),
}

/// Runs generated case `seed` (of the kind [`Kind::of`] says).
fn generated_case(seed: u64) -> CaseResult {
    let program = Kind::of(seed).program(seed);
    let mode = MODES[(seed % 3) as usize];
    let Ok(input) = Telemetry::from_json(&program.input.to_string()) else { return CaseResult::Rejected };
    let context = Some(program.context);
    match outcomes(&program.statements.join("\n"), context, mode, &input) {
        None => CaseResult::Rejected,
        Some((interp, jit)) if interp == jit => {
            let (changed, failed) = match &interp {
                Outcome::Failed(_) => (false, true),
                Outcome::Ran { default, routes, warnings } => {
                    (*default != input.to_json() || !routes.is_empty(), !warnings.is_empty())
                }
            };
            CaseResult::Agreed { changed, failed }
        }
        Some(_) => CaseResult::Disagreed(format!("seed {seed}: {}", shrink(program.statements, context, mode, &input))),
    }
}

#[test]
fn generated_cases_agree() {
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let start = env("OTTL_DIFF_SEED", 0);
    let count = env("OTTL_JIT_CASES", 100_000);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let results: Vec<(BTreeMap<Kind, Tally>, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || {
                    let (mut tallies, mut disagreements) = (BTreeMap::<Kind, Tally>::new(), Vec::new());
                    for seed in (start + worker..start + count).step_by(threads as usize) {
                        let tally = tallies.entry(Kind::of(seed)).or_default();
                        tally.generated += 1;
                        match generated_case(seed) {
                            CaseResult::Rejected => {}
                            CaseResult::Agreed { changed, failed } => {
                                tally.ran += 1;
                                tally.changed += u64::from(changed);
                                tally.errors += u64::from(failed);
                            }
                            CaseResult::Disagreed(reproduction) => {
                                tally.ran += 1;
                                tally.disagreements += 1;
                                disagreements.push(reproduction);
                            }
                        }
                    }
                    (tallies, disagreements)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    });
    let mut tallies = BTreeMap::<Kind, Tally>::new();
    for (worker_tallies, _) in &results {
        for (kind, tally) in worker_tallies {
            tallies.entry(*kind).or_default().add(tally);
        }
    }
    let disagreements: Vec<&String> = results.iter().flat_map(|(_, d)| d).collect();
    let ran: u64 = tallies.values().map(|t| t.ran).sum();
    println!(
        "jit differential (generated): {count} cases, {ran} compiled and ran on both back ends, {} disagree",
        disagreements.len()
    );
    for (kind, t) in &tallies {
        println!(
            "  {:<18} {:>7} generated, {:>7} ran ({:>6} changed the output, {:>6} failed or warned on an item), {} disagree",
            kind.name(),
            t.generated,
            t.ran,
            t.changed,
            t.errors,
            t.disagreements
        );
    }
    let shown: Vec<&str> = disagreements.iter().take(5).map(|s| s.as_str()).collect();
    assert!(disagreements.is_empty(), "{} disagreements, first ones:\n\n{}", disagreements.len(), shown.join("\n\n"));
    // Each kind must mostly compile, or its share of the cases tests little.
    for (kind, t) in &tallies {
        assert!(t.ran * 3 >= t.generated, "only {} of {} generated {} cases compiled", t.ran, t.generated, kind.name());
    }
}

/// Generated statement groups guarded by conditions (`OTTL_JIT_GUARDED`, default 10,000,
/// from seed `OTTL_DIFF_SEED`), compiled from a collector config's transform group, under
/// each error mode in turn.
#[test]
fn generated_guarded_groups_agree() {
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let start = env("OTTL_DIFF_SEED", 0);
    let count = env("OTTL_JIT_GUARDED", 10_000);
    let gates = [LAMBDA_GATE.to_string()];
    let (mut compiled, mut guard_failed, mut disagreements) = (0, 0, Vec::new());
    for seed in start..start + count {
        let program = generator::guarded(seed);
        let mode = MODES[(seed % 3) as usize];
        let Ok(input) = Telemetry::from_json(&program.input.to_string()) else { continue };
        let signal = input.signal();
        let group = TransformGroup {
            signal,
            context: Some(program.context),
            statements: &program.statements,
            conditions: &program.guard,
        };
        let Ok(rules) = group.compile(&gates, mode) else { continue };
        compiled += 1;
        let (interp, jit) = (run(Backend::Interp, &rules, &input), run(Backend::Jit, &rules, &input));
        if matches!(&interp, Outcome::Failed(e) if e.contains("failed to eval condition"))
            || matches!(&interp, Outcome::Ran { warnings, .. } if warnings.iter().any(|w| w.contains("failed to eval condition")))
        {
            guard_failed += 1;
        }
        if interp != jit {
            disagreements.push(format!(
                "seed {seed} ({mode:?}):\n{}\ninput: {}\ninterpreter: {interp:?}\njit:         {jit:?}",
                group.config(),
                input.to_json()
            ));
        }
    }
    println!(
        "jit differential (guarded groups): {count} groups, {compiled} compiled and ran on both back ends ({guard_failed} with a failing guard condition), {} disagree",
        disagreements.len()
    );
    assert!(compiled > count / 3, "only {compiled} of {count} guarded groups compiled");
    let shown: Vec<&str> = disagreements.iter().take(5).map(|s| s.as_str()).collect();
    assert!(disagreements.is_empty(), "{} disagreements, first ones:\n\n{}", disagreements.len(), shown.join("\n\n"));
}

#[test]
fn corpus_rows_agree() {
    let rows = corpus::load(&corpus::corpus_path()).expect("corpus");
    let (mut ran, mut disagreements) = (0, Vec::new());
    for row in &rows {
        let Some(input) = fixtures::for_note(&row.note) else { continue };
        let context = Context::parse(&row.context);
        let rules: Vec<String> = match row.kind.as_str() {
            "statement" => row.snippets().into_iter().map(str::to_string).collect(),
            "condition" => vec![format!("set(cache[\"result\"], true) where {}", row.text), row.text.clone()],
            "value" => vec![format!("set(cache[\"result\"], {})", row.text)],
            _ => continue,
        };
        for mode in MODES {
            for text in rules_variants(&rules) {
                if let Some((interp, jit)) = outcomes(&text, context, mode, &input) {
                    ran += 1;
                    if interp != jit {
                        disagreements
                            .push(format!("{} ({mode:?}): {text}\ninterpreter: {interp:?}\njit:         {jit:?}", row.id));
                    }
                }
            }
        }
    }
    println!("jit differential (corpus): {ran} rule sets, {} disagree", disagreements.len());
    assert!(ran > 500, "only {ran} corpus rule sets ran");
    assert!(disagreements.is_empty(), "{} disagreements:\n\n{}", disagreements.len(), disagreements.join("\n\n"));
}

/// A row's rules together, and each alone (a value or condition row's two forms).
fn rules_variants(rules: &[String]) -> Vec<String> {
    let mut variants = vec![rules.join("\n")];
    if rules.len() > 1 {
        variants.extend(rules.iter().cloned());
    }
    variants
}
