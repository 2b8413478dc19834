//! The self-operation loop provoked from outside: a load step into a sampled traces
//! pipeline, and the sampling ratio the agent's own rules ask for settling the exported rate
//! near their budget, smoothly. (The profiling-rate action is provoked in `profiler.rs`,
//! which needs root.) `--nocapture` prints the time series the README shows.

#![allow(clippy::unwrap_used, reason = "test: a failure is the message")]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::spans::SpanLoad;
use common::{Running, exporter_counter, free_port, metric, receiver_counter, temp_dir};

/// Spans a second the decision rules let through.
const BUDGET: f64 = 1_000.0;
/// The load: spans a second, and for how many seconds, before and after the step. The
/// agent and the sender share two CPUs with other work; 6,000 spans/s leaves them room.
const BEFORE: (u64, u64) = (2_500, 8);
const AFTER: (u64, u64) = (6_000, 17);
/// `agent_actions`' `sampling.time_constant`, in seconds.
const TIME_CONSTANT: u64 = 2;
/// Seconds after the step the exported rate may take to settle: the agent's rate is measured
/// over whole 1 s intervals, so the first ask at the new rate comes up to two intervals after
/// the step (the one in progress, then a whole one); the filter then closes 95 % of the
/// ratio's gap in three time constants, and the deadband may leave 2 % more.
const SETTLE: u64 = 2 + 3 * TIME_CONSTANT;
/// Once settled, the exported rate averaged over windows of this many seconds stays within
/// TOLERANCE of the budget.
const WINDOW: usize = 3;
const TOLERANCE: f64 = 0.2;
/// The ratio the sampling rule is written with.
const WRITTEN_RATIO: f64 = 0.5;

/// One second of the run: spans a second taken in and exported, and the ratio in force at
/// its end.
struct Second {
    at: u64,
    incoming: f64,
    exported: f64,
    ratio: f64,
}

/// The agent: OTLP/HTTP spans sampled by `rules/sample`, exported to `debug`; its own signals
/// through the budget's decisions to `agent_actions`.
fn config(dir: &Path, http: u16, metrics: u16) -> String {
    std::fs::write(dir.join("sample.ottl"), format!("not TraceIDRatioBasedSampler(span.trace_id, {WRITTEN_RATIO}) > drop()\n"))
        .unwrap();
    let sampler = "metric.name == \"ottl_agent.sampler.incoming_items_rate\" and datapoint.value_double > 0";
    std::fs::write(
        dir.join("decisions.ottl"),
        format!(
            "set(datapoint.attributes[\"ottl_agent.action.ratio\"], {BUDGET:.1} / datapoint.value_double) where {sampler}\n\
             set(datapoint.attributes[\"ottl_agent.action\"], \"set_sampling_ratio\") where {sampler}\n"
        ),
    )
    .unwrap();
    format!(
        "receivers:
  otlp:
    protocols:
      http: {{endpoint: 127.0.0.1:{http}}}
  agent_telemetry:
    interval: 1s
processors:
  rules/sample:
    context: span
    files: [sample.ottl]
  rules/decide:
    context: datapoint
    files: [decisions.ottl]
exporters:
  debug: {{verbosity: basic}}
  agent_actions:
    sampling: {{time_constant: {TIME_CONSTANT}s}}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
  pipelines:
    traces:
      receivers: [otlp]
      processors: [rules/sample]
      exporters: [debug]
    metrics/self:
      receivers: [agent_telemetry]
      processors: [rules/decide]
      exporters: [agent_actions]
"
    )
}

/// The ratios the agent applied, in order, from its log lines
/// `self-operation: sampling ratio of `rules/sample` 0.5000 → 0.4200 (asked ...)`.
fn applied_ratios(log: &str) -> Vec<f64> {
    log.lines()
        .filter(|line| line.contains("self-operation: sampling ratio of `rules/sample`"))
        .filter_map(|line| line.split_once(" → ")?.1.split_whitespace().next()?.parse().ok())
        .collect()
}

/// The mean of `f` over `seconds`.
fn mean(seconds: &[Second], f: impl Fn(&Second) -> f64) -> f64 {
    seconds.iter().map(f).sum::<f64>() / seconds.len().max(1) as f64
}

#[test]
fn a_load_step_settles_the_exported_rate_near_the_budget_without_oscillation() {
    let dir = temp_dir("self-operation-step");
    let (http, metrics) = (free_port(), free_port());
    let agent = Running::start(&dir, &config(&dir, http, metrics), &[http, metrics]);
    let load = SpanLoad::start(http, BEFORE.0);
    let counters = || (receiver_counter(metrics, "accepted", "otlp"), exporter_counter(metrics, "sent", "debug"));

    let started = Instant::now();
    let (mut last, mut then) = (counters(), Instant::now());
    let (mut series, mut ratios_before_step) = (Vec::new(), 0);
    for at in 1..=BEFORE.1 + AFTER.1 {
        std::thread::sleep((started + Duration::from_secs(at)).saturating_duration_since(Instant::now()));
        let (now, when) = (counters(), Instant::now());
        let seconds = when.duration_since(then).as_secs_f64();
        let ratio = applied_ratios(&agent.log()).last().copied().unwrap_or(WRITTEN_RATIO);
        let (incoming, exported) = ((now.0 - last.0) as f64 / seconds, (now.1 - last.1) as f64 / seconds);
        series.push(Second { at, incoming, exported, ratio });
        (last, then) = (now, when);
        if at == BEFORE.1 {
            load.set_rate(AFTER.0);
            ratios_before_step = applied_ratios(&agent.log()).len();
        }
    }
    load.stop();
    let log = agent.log();
    let ratios = applied_ratios(&log);
    let actions =
        metric(metrics, "ottl_agent_self_operation_actions_total{action=\"set_sampling_ratio\",outcome=\"done\"}") as usize;
    agent.stop();

    println!("budget {BUDGET} spans/s, time constant {TIME_CONSTANT} s; load step at {} s", BEFORE.1);
    println!("second  incoming/s  exported/s  ratio");
    for second in &series {
        println!("{:>6}  {:>10.0}  {:>10.0}  {:.4}", second.at, second.incoming, second.exported, second.ratio);
    }
    println!("ratios applied: {ratios:.4?} (the step came after the first {ratios_before_step})");

    let before = &series[BEFORE.1 as usize - WINDOW..BEFORE.1 as usize];
    let settled = &series[(BEFORE.1 + SETTLE) as usize..];
    let (incoming_before, incoming_after) = (mean(before, |s| s.incoming), mean(settled, |s| s.incoming));
    assert!(
        incoming_after >= 2.0 * incoming_before,
        "no load step: {incoming_before:.0} then {incoming_after:.0} spans/s came in (the machine did not sustain the load)"
    );
    for window in settled.chunks(WINDOW) {
        let exported = mean(window, |s| s.exported);
        assert!(
            (exported / BUDGET - 1.0).abs() <= TOLERANCE,
            "seconds {}..={}: {exported:.0} spans/s exported, not within {:.0} % of the budget {BUDGET}",
            window[0].at,
            window[window.len() - 1].at,
            100.0 * TOLERANCE
        );
    }
    // From the ratio in force at the step on, every change goes down: a change up would be a
    // reversal beyond the deadband (smaller changes are not applied at all).
    let after_step = &ratios[ratios_before_step.saturating_sub(1)..];
    assert!(after_step.len() >= 3, "the ratio hardly moved after the step: {ratios:?}");
    for pair in after_step.windows(2) {
        assert!(pair[1] <= pair[0], "the ratio went back up after the step, {} → {}: {ratios:?}", pair[0], pair[1]);
    }
    assert_eq!(actions, ratios.len(), "each change is counted on /metrics and logged once");
}
