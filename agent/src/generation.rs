//! A generation: every processor of a config compiled once, swapped in whole.
//!
//! Compilation (the JIT, or the interpreter behind `--interp`) happens off the data path;
//! the data path loads the current generation once per batch (`arc-swap`), so that each
//! batch is processed by exactly one generation and a reload never stalls it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use arc_swap::ArcSwap;
use ottl_compiler::program::RuleSet;

use crate::config::{ComponentId, Config, ProcessorConfig};
use crate::stats::GenerationStats;
use crate::tuning::{self, Tuning};

// The processors' semantics live in `ottl-pipeline`, which `ottlc` runs too.
pub use ottl_pipeline::{Backend, CompiledProcessor, Processed, ProcessorError, Program, SignalProgram};

/// Every processor of a config, compiled.
pub struct Generation {
    pub number: u64,
    pub processors: HashMap<ComponentId, CompiledProcessor>,
    /// What its processors did, counted on the batches that ran on it.
    pub stats: Arc<GenerationStats>,
    /// When it started serving: a rollback is allowed only within a window of it.
    pub started: Instant,
    /// The ratios of the generation it replaced, over that one's life: what a jump is
    /// measured against.
    pub baseline: Ratios,
    /// The processors with a sampler, and the ratio each runs with (tuned or written).
    pub samplers: BTreeMap<ComponentId, f64>,
}

/// What share of a generation's items its statements failed on, and dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ratios {
    /// Statement errors per item, in either error mode: under `ignore` each failing
    /// statement counts (a record two statements fail on counts twice); under `propagate`,
    /// where the first error fails the whole batch, each item of a failed batch counts
    /// once. A rule set failing on every record is at 1 either way.
    pub statement_errors: f64,
    pub dropped: f64,
}

impl Ratios {
    pub fn of(stats: &GenerationStats) -> Ratios {
        let items = stats.items_in.get();
        if items == 0 {
            return Ratios::default();
        }
        Ratios {
            statement_errors: (stats.statement_errors.get() + stats.failed_items.get()) as f64 / items as f64,
            dropped: stats.dropped.get() as f64 / items as f64,
        }
    }
}

static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

impl Generation {
    /// Compiles every processor of `config`, each sampler with its tuned ratio. Fails on
    /// the first rule set the back end refuses (the checker has accepted it, so this is a
    /// JIT limitation or bug).
    pub fn compile(config: &Config, backend: Backend, tuning: &Tuning) -> Result<Generation, String> {
        let (processors, samplers) = compile_processors(config, backend, tuning)?;
        let number = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
        Ok(Generation {
            number,
            processors,
            stats: Arc::default(),
            started: Instant::now(),
            baseline: Ratios::default(),
            samplers,
        })
    }

    /// This generation compiled again with other sampling ratios: the same generation (its
    /// number, counters and start), which is what a tuned ratio is, not a new rule set.
    pub fn retuned(&self, config: &Config, backend: Backend, tuning: &Tuning) -> Result<Generation, String> {
        let (processors, samplers) = compile_processors(config, backend, tuning)?;
        Ok(Generation { processors, samplers, stats: self.stats.clone(), ..*self })
    }
}

type Compiled = (HashMap<ComponentId, CompiledProcessor>, BTreeMap<ComponentId, f64>);

fn compile_processors(config: &Config, backend: Backend, tuning: &Tuning) -> Result<Compiled, String> {
    let mut processors = HashMap::new();
    let mut samplers = BTreeMap::new();
    // The rule set as it runs: its sampler's ratio tuned, when the loop tuned it.
    let mut tuned = |id: &ComponentId, rules: &RuleSet| -> RuleSet {
        let (rules, running) = tuning::apply(rules, tuning.get(id).copied());
        if let Some(ratio) = running {
            samplers.entry(id.clone()).or_insert(ratio);
        }
        rules
    };
    for (id, processor) in &config.processors {
        let mut prepare = |rules: &RuleSet| tuned(id, rules);
        let compiled = match processor {
            ProcessorConfig::Ottl { rule_sets, prunes_empty } => {
                CompiledProcessor::ottl(rule_sets, *prunes_empty, backend, &mut prepare)
            }
            ProcessorConfig::Rules { rule_set, routes, .. } => {
                CompiledProcessor::rules(rule_set, routes.clone(), backend, &mut prepare)
            }
            // Not transformations: the pipeline builds them from their config.
            ProcessorConfig::Batch(_) | ProcessorConfig::MemoryLimiter(_) => continue,
        }
        .map_err(|e| format!("{id}: {e}"))?;
        processors.insert(id.clone(), compiled);
    }
    Ok((processors, samplers))
}

/// The current generation, shared by every pipeline and swapped whole.
pub type CurrentGeneration = Arc<ArcSwap<Generation>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load_valid;
    use ottl_runtime::otlp::Telemetry;

    fn logs(json: &str) -> Telemetry {
        Telemetry::from_json(json).unwrap()
    }

    #[test]
    fn errors_count_per_item_in_both_error_modes() {
        let stats = GenerationStats::default();
        stats.items_in.add(200);
        stats.statement_errors.add(30);
        stats.failed_items.add(20);
        stats.dropped.add(50);
        assert_eq!(Ratios::of(&stats), Ratios { statement_errors: 0.25, dropped: 0.25 });
        assert_eq!(Ratios::of(&GenerationStats::default()), Ratios::default(), "no items, no ratio");
    }

    #[test]
    fn transform_and_filter_run_in_order_on_both_back_ends() {
        let yaml = r#"
processors:
  transform:
    log_statements:
      - set(log.attributes["env"], "prod")
  filter:
    logs:
      log_record:
        - attributes["drop"] == true
"#;
        let config = load_valid(yaml);
        let input = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}},{"attributes":[{"key":"drop","value":{"boolValue":true}}]}]}]}]}"#;
        for backend in [Backend::Jit, Backend::Interpreter] {
            let generation = Generation::compile(&config, backend, &Tuning::new()).unwrap();
            let mut telemetry = logs(input);
            for id in ["transform", "filter"] {
                let id = ComponentId(id.into());
                telemetry = generation.processors[&id].process(&id, telemetry, &mut |_| {}).unwrap().telemetry;
            }
            let Telemetry::Logs(data) = telemetry else { panic!() };
            let records = &data.resource_logs[0].scope_logs[0].log_records;
            assert_eq!(records.len(), 1, "{backend:?}");
            assert_eq!(records[0].attributes[0].key, "env");
        }
    }

    #[test]
    fn the_filter_removes_scopes_and_resources_it_leaves_empty_and_the_transform_does_not() {
        let yaml = r#"
processors:
  transform:
    log_statements:
      - set(log.attributes["seen"], true)
  filter:
    logs:
      log_record:
        - attributes["drop"] == true
"#;
        let config = load_valid(yaml);
        // An empty resource, one whose only record is dropped, and one that keeps a record.
        let input = r#"{"resourceLogs":[{"resource":{}},{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"drop","value":{"boolValue":true}}]}]}]},{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"kept"}}]}]}]}"#;
        let generation = Generation::compile(&config, Backend::Jit, &Tuning::new()).unwrap();
        let run = |id: &str, telemetry: Telemetry| {
            let id = ComponentId(id.into());
            generation.processors[&id].process(&id, telemetry, &mut |_| {}).unwrap().telemetry
        };
        let Telemetry::Logs(transformed) = run("transform", logs(input)) else { panic!() };
        assert_eq!(transformed.resource_logs.len(), 3, "the transform keeps every container");
        let Telemetry::Logs(filtered) = run("filter", logs(input)) else { panic!() };
        assert_eq!(filtered.resource_logs.len(), 1);
        assert_eq!(filtered.resource_logs[0].scope_logs[0].log_records.len(), 1);
    }

    #[test]
    fn a_transform_group_runs_only_where_its_conditions_hold() {
        let yaml = r#"
processors:
  transform:
    log_statements:
      - context: log
        conditions:
          - attributes["team"] == "payments"
        statements:
          - set(attributes["team"], "billing")
          - set(attributes["moved"], true)
"#;
        let config = load_valid(yaml);
        let input = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"team","value":{"stringValue":"payments"}}]},{"attributes":[{"key":"team","value":{"stringValue":"search"}}]}]}]}]}"#;
        for backend in [Backend::Jit, Backend::Interpreter] {
            let generation = Generation::compile(&config, backend, &Tuning::new()).unwrap();
            let id = ComponentId("transform".into());
            let telemetry = generation.processors[&id].process(&id, logs(input), &mut |_| {}).unwrap().telemetry;
            let Telemetry::Logs(data) = telemetry else { panic!() };
            let records = &data.resource_logs[0].scope_logs[0].log_records;
            // The guard is evaluated once, before the statements: the second statement still
            // runs although the first changed what the condition reads.
            assert_eq!(records[0].attributes.len(), 2, "{backend:?}: {:?}", records[0].attributes);
            assert_eq!(records[1].attributes.len(), 1, "{backend:?}: the other team is left alone");
        }
    }
}
