//! The eBPF profiler (`profiling` receiver) against things nobody here wrote: a known
//! workload's hot function measured against its true share and against `perf`, the export
//! read back by the collector built from Go modules, and `profile`-context rules applied to
//! the samples. Needs root (CI runs as root); skipped with a message otherwise.

#![allow(clippy::unwrap_used, reason = "test: a failure is the message")]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use common::profiles::{
    Beside, Observed, Workload, build_workload, can_load_bpf, perf_share, profiles_config, profiles_config_beside,
};
use common::{Running, free_port, temp_dir};
use opentelemetry_proto::tonic::common::v1::AnyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::collector::{Collector, read_file_output};

/// The tests take turns: each runs busy workloads, and on two CPUs their shares of the
/// machine would otherwise depend on which other tests run at the same time.
static SERIAL: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Seconds a workload runs; the agent profiles it for PROFILE_SECONDS of them.
const WORKLOAD_SECONDS: u32 = 8;
const PROFILE_SECONDS: u64 = 5;
const HOT: &str = "hot_function";
/// CPUs a process uses to count as hot: low enough that a busy workload is hot even on a
/// loaded machine.
const HOT_CPUS: f64 = 0.3;
/// The rate a process is sampled at until it is hot.
const BASE_HZ: u32 = 99;

/// The receiver's settings in these tests, profiling what `selection` names
/// (`processes: [...]` or `cgroup: ...`).
fn receiver(selection: &str) -> String {
    receiver_hot_over(HOT_CPUS, selection)
}

/// [`receiver`] whose profiler raises the rate of a process over `cpu_threshold` CPUs.
fn receiver_hot_over(cpu_threshold: f64, selection: &str) -> String {
    format!(
        "    samples_per_second: {BASE_HZ}
    reporter_interval: 1s
    adaptive:
      cpu_threshold: {cpu_threshold}
    {selection}
"
    )
}

/// `processes: [...]` for `pids`.
fn pids(pids: &[u32]) -> String {
    let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
    format!("processes: [{}]", pids.join(", "))
}

/// An agent profiling `pids` into the file `profiles.json` of `dir`, and nothing more.
fn agent_config(dir: &Path, profiled: &[u32]) -> String {
    profiles_config(dir, &receiver(&pids(profiled)), &[], &[], &[])
}

/// Runs the agent on `config` for PROFILE_SECONDS, stops it (its last report is drained on
/// SIGTERM) and returns its log.
fn profile(dir: &Path, config: &str) -> String {
    let agent = Running::start(dir, config, &[]);
    std::thread::sleep(Duration::from_secs(PROFILE_SECONDS));
    let output = agent.stop();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the agent failed:\n{log}");
    assert!(!log.contains("profiling is off"), "the profiler did not run:\n{log}");
    log
}

fn observed(path: &Path) -> Observed {
    Observed::of(&read_file_output(path).unwrap())
}

#[test]
fn the_hot_function_of_a_known_workload_gets_its_share_as_perf_sees_it() {
    if !can_load_bpf() {
        return;
    }
    let _turn = one_at_a_time();
    let dir = temp_dir("profiler-known");
    let binary = build_workload(dir.path());

    let hot = Workload::start(&binary, WORKLOAD_SECONDS, 90);
    let config = agent_config(dir.path(), &[hot.pid()]);
    // perf profiles the same process at the same time, at 999 Hz so that its own sampling
    // error (about 0.5 point) leaves the 5-point margin to the agent's.
    let perf = {
        let (dir, pid) = (dir.path().to_path_buf(), hot.pid());
        std::thread::spawn(move || perf_share(&dir, pid, 999, PROFILE_SECONDS as u32 - 1, HOT))
    };
    let log = profile(dir.path(), &config);
    let perf = perf.join().unwrap();
    let seen = observed(&dir.path().join("profiles.json"));
    let (share, samples) = (seen.self_share(hot.pid(), HOT), seen.samples(hot.pid()));
    println!("90 % workload: agent {share:.1} % of {samples} samples, perf {perf:.1} %");
    assert!(samples >= 200, "too few samples to judge: {samples}\n{log}");
    assert!(share >= 75.0, "{HOT} got {share:.1} %, expected about 90 %\n{seen:?}");
    assert!((share - perf).abs() <= 5.0, "agent {share:.1} % and perf {perf:.1} % disagree");
    assert!(log.contains("rates now"), "a busy process is sampled faster:\n{log}");
    drop(hot);

    // The negative control: the same binary with the ratio flipped.
    std::fs::remove_file(dir.path().join("profiles.json")).unwrap();
    let cold = Workload::start(&binary, WORKLOAD_SECONDS, 10);
    profile(dir.path(), &agent_config(dir.path(), &[cold.pid()]));
    let seen = observed(&dir.path().join("profiles.json"));
    let share = seen.self_share(cold.pid(), HOT);
    println!("10 % workload: agent {share:.1} % of {} samples", seen.samples(cold.pid()));
    assert!(seen.samples(cold.pid()) >= 200);
    assert!(share <= 25.0, "{HOT} got {share:.1} % of a workload that gives it 10 %");
}

#[test]
fn the_collector_reads_the_stacks_and_names_the_agent_saw() {
    if !can_load_bpf() || !ottl_tests::collector::available() {
        return;
    }
    let _turn = one_at_a_time();
    let dir = temp_dir("profiler-collector");
    let binary = build_workload(dir.path());
    let port = free_port();
    let collector_out = dir.path().join("collector.json");
    let collector = Collector::start_with(
        &format!(
            "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{port}\nexporters:\n  file:\n    path: {}\nservice:\n  pipelines:\n    profiles:\n      receivers: [otlp]\n      exporters: [file]\n",
            collector_out.display()
        ),
        &[],
        &["--feature-gates=service.profilesSupport"],
    )
    .unwrap();
    let workload = Workload::start(&binary, WORKLOAD_SECONDS, 90);
    let exporter = ("otlp_http", format!("    endpoint: http://127.0.0.1:{port}\n"));
    let settings = receiver(&pids(&[workload.pid()]));
    profile(dir.path(), &profiles_config(dir.path(), &settings, &[], &[exporter], &["otlp_http"]));
    collector.shutdown().unwrap();

    let agent_saw = observed(&dir.path().join("profiles.json"));
    let collector_wrote = observed(&collector_out);
    assert!(agent_saw.samples(workload.pid()) > 0);
    assert_eq!(collector_wrote, agent_saw, "the collector's file differs from what the agent exported");
    let names: Vec<&String> = agent_saw.processes[&i64::from(workload.pid())].keys().flatten().collect();
    for function in [HOT, "cold_function", "main"] {
        assert!(names.iter().any(|name| *name == function), "no frame named {function}: {names:?}");
    }
}

#[test]
fn profile_rules_drop_one_process_and_route_another() {
    if !can_load_bpf() {
        return;
    }
    let _turn = one_at_a_time();
    let dir = temp_dir("profiler-rules");
    let binary = build_workload(dir.path());
    let (dropped, routed, kept) = (
        Workload::start(&binary, WORKLOAD_SECONDS, 50),
        Workload::start(&binary, WORKLOAD_SECONDS, 50),
        Workload::start(&binary, WORKLOAD_SECONDS, 50),
    );
    let rules = format!(
        "    statements:\n      - 'resource.attributes[\"process.pid\"] == {} > drop()'\n      - 'resource.attributes[\"process.pid\"] == {} > route(\"other\")'\n    routes:\n      other: [file/other]\n",
        dropped.pid(),
        routed.pid()
    );
    let other = ("file/other", format!("    path: {}\n", dir.path().join("other.json").display()));
    let settings = receiver(&pids(&[dropped.pid(), routed.pid(), kept.pid()]));
    profile(dir.path(), &profiles_config(dir.path(), &settings, &[("rules", rules)], &[other], &[]));

    let main = observed(&dir.path().join("profiles.json"));
    let second = observed(&dir.path().join("other.json"));
    let pids = |observed: &Observed| observed.processes.keys().copied().collect::<Vec<_>>();
    assert_eq!(pids(&main), [i64::from(kept.pid())], "the default exporter gets only the process no rule names");
    assert_eq!(pids(&second), [i64::from(routed.pid())], "the route gets only the routed process");
}

#[test]
fn without_permission_the_profiler_says_why_in_one_line_and_everything_else_runs() {
    if !can_load_bpf() {
        return;
    }
    let _turn = one_at_a_time();
    // The agent as `nobody`, without capabilities: the same agent, the same config.
    let dir = temp_dir("profiler-unprivileged");
    let (port, out) = (free_port(), dir.path().join("logs.json"));
    let config = format!(
        "receivers:\n  profiling: {{}}\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{port}\nexporters:\n  debug: {{}}\n  file:\n    path: {}\nservice:\n  telemetry:\n    metrics:\n      level: none\n  pipelines:\n    profiles:\n      receivers: [profiling]\n      exporters: [debug]\n    logs:\n      receivers: [otlp]\n      exporters: [file]\n",
        out.display()
    );
    std::fs::write(dir.path().join("agent.yaml"), config).unwrap();
    make_writable_by_anyone(dir.path());
    let child = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_ottl-agent"))
        .args(["--config", "agent.yaml"])
        .current_dir(dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let agent = Running::adopt(child, &[port]);
    let answer =
        common::post(port, "/v1/logs", &[("content-type", "application/json")], common::json_logs(&[("k", "v")]).as_bytes());
    assert_eq!(answer.0, 200, "the OTLP receiver runs without the profiler");
    agent.wait_until("the log record is written", || common::bodies(&out) == ["k"]);
    let output = agent.stop();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    let lines: Vec<&str> = log.lines().filter(|line| line.contains("profiling")).collect();
    assert_eq!(lines.len(), 1, "one line about the profiler:\n{log}");
    assert!(lines[0].contains("profiling is off: loading BPF needs root, or CAP_BPF and CAP_PERFMON"), "{}", lines[0]);
}

fn make_writable_by_anyone(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
}

/// A cgroup v2 made for a test, removed (after its processes are gone) when dropped.
struct TestCgroup(std::path::PathBuf);

impl TestCgroup {
    /// `None` (said) on a machine without cgroup v2, where the selection cannot work.
    fn create(name: &str) -> Option<TestCgroup> {
        let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
        let Some(root) = mounts
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .find(|fields| fields[2] == "cgroup2")
            .map(|fields| std::path::PathBuf::from(fields[1]))
        else {
            eprintln!("skipped: cgroup v2 is not mounted");
            return None;
        };
        let path = root.join(name);
        std::fs::create_dir(&path).unwrap();
        Some(TestCgroup(path))
    }

    fn enter(&self, pid: u32) {
        std::fs::write(self.0.join("cgroup.procs"), pid.to_string()).unwrap();
    }
}

impl Drop for TestCgroup {
    fn drop(&mut self) {
        // A cgroup can be removed once its last process has exited.
        for _ in 0..100 {
            if std::fs::remove_dir(&self.0).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn a_cgroup_selects_its_processes_in_the_kernel() {
    if !can_load_bpf() {
        return;
    }
    let _turn = one_at_a_time();
    let dir = temp_dir("profiler-cgroup");
    let binary = build_workload(dir.path());
    let name = format!("ottl-agent-test-{}", std::process::id());
    let Some(cgroup) = TestCgroup::create(&name) else { return };
    let (inside, outside) = (Workload::start(&binary, WORKLOAD_SECONDS, 50), Workload::start(&binary, WORKLOAD_SECONDS, 50));
    cgroup.enter(inside.pid());
    let config = profiles_config(dir.path(), &receiver(&format!("cgroup: {name}")), &[], &[], &[]);
    profile(dir.path(), &config);
    let seen = observed(&dir.path().join("profiles.json"));
    assert_eq!(seen.processes.keys().copied().collect::<Vec<_>>(), [i64::from(inside.pid())], "only the cgroup's process");
    assert!(seen.samples(inside.pid()) > 50);
    drop((inside, outside));
    drop(cgroup);
}

/// The self-operation loop around the profiler of `pid`, whose own threshold no process
/// reaches (100 CPUs), so that only the loop can raise a rate: the agent's signals, through
/// the decision that a process over HOT_CPUS is hot (`decide`; without it, the control), to
/// `agent_actions`; the loop's actions as log records in `actions.json`.
fn loop_config(dir: &Path, pid: u32, decide: bool) -> String {
    let rule = format!(
        "    context: datapoint\n    statements:\n      - 'set(datapoint.attributes[\"ottl_agent.action\"], \"raise_profiling_rate\") where metric.name == \"ottl_agent.process.cpu\" and datapoint.value_double >= {HOT_CPUS}'\n"
    );
    let processors = if decide { vec![("rules/decide", rule)] } else { Vec::new() };
    let beside = Beside {
        receivers: &[("agent_telemetry", "    interval: 1s\n".to_string())],
        processors: &processors,
        pipelines: format!(
            "    metrics/self:\n      receivers: [agent_telemetry]\n      processors: [{}]\n      exporters: [agent_actions]\n    logs/self:\n      receivers: [agent_telemetry]\n      exporters: [file/actions]\n",
            if decide { "rules/decide" } else { "" }
        ),
    };
    let exporters = [
        ("agent_actions", "    rollback: {window: 30s}\n".to_string()),
        ("file/actions", format!("    path: {}\n", dir.join("actions.json").display())),
    ];
    profiles_config_beside(dir, &receiver_hot_over(100.0, &pids(&[pid])), &[], &exporters, &[], &beside)
}

/// The rate `pid` is sampled at after each change, from the profiler's log lines
/// `profiling: rates now: base 99 Hz, raised [(1234, 198)] (pid, Hz)`.
fn rates_of(log: &str, pid: u32) -> Vec<u32> {
    log.lines()
        .filter_map(|line| line.split_once("rates now: base ")?.1.split_once("raised [")?.1.split_once(']'))
        .map(|(raised, _)| {
            let pairs = raised.trim_matches(|c| c == '(' || c == ')');
            let rate = pairs.split("), (").filter_map(|pair| pair.split_once(", ")).find(|(of, _)| *of == pid.to_string());
            rate.and_then(|(_, hz)| hz.parse().ok()).unwrap_or(BASE_HZ)
        })
        .collect()
}

/// The processes the loop's `raise_profiling_rate` records in `path` name, with their bodies.
fn raise_events(path: &Path) -> Vec<(i64, String)> {
    let value = |value: Option<&AnyValue>| value.and_then(|v| v.value.clone());
    let mut events = Vec::new();
    for document in read_file_output(path).unwrap() {
        let Telemetry::Logs(data) = document else { continue };
        for record in data.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
            let attribute = |key: &str| record.attributes.iter().find(|kv| kv.key == key).and_then(|kv| value(kv.value.as_ref()));
            if attribute("ottl_agent.action") != Some(Value::StringValue("raise_profiling_rate".into())) {
                continue;
            }
            let Some(Value::IntValue(pid)) = attribute("process.pid") else { panic!("a raise without its pid: {record:?}") };
            let Some(Value::StringValue(body)) = value(record.body.as_ref()) else {
                panic!("a raise without a body: {record:?}")
            };
            events.push((pid, body));
        }
    }
    events
}

#[test]
fn a_rule_marking_a_hot_spot_raises_its_profiling_rate_and_without_it_nothing_does() {
    if !can_load_bpf() {
        return;
    }
    let _turn = one_at_a_time();
    let dir = temp_dir("profiler-self-operation");
    let binary = build_workload(dir.path());
    // Long enough for both runs; killed when the test ends.
    let busy = Workload::start(&binary, 30, 90);
    let actions = dir.path().join("actions.json");

    let started = Instant::now();
    let agent = Running::start(dir.path(), &loop_config(dir.path(), busy.pid(), true), &[]);
    agent.wait_until("the loop raises the workload's rate to 4 times the base", || {
        rates_of(&agent.log(), busy.pid()).iter().any(|hz| *hz >= 4 * BASE_HZ)
    });
    let took = started.elapsed();
    let output = agent.stop();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the agent failed:\n{log}");
    let (rates, events) = (rates_of(&log, busy.pid()), raise_events(&actions));
    println!("marked hot by the loop: process {} sampled at {rates:?} Hz (base {BASE_HZ}) after {took:.1?}", busy.pid());
    println!("the loop's records: {events:?}");
    for line in log.lines().filter(|line| line.contains("rates now") || line.contains("self-operation")) {
        println!("  {line}");
    }
    assert!(!events.is_empty(), "no raise_profiling_rate record in {}:\n{log}", actions.display());
    for (pid, body) in &events {
        assert_eq!(*pid, i64::from(busy.pid()), "a raise for another process: {body}");
        assert!(body.contains(&format!("process {}", busy.pid())), "{body}");
    }
    assert!(log.contains("self-operation: raising the profiling rate of process"), "the action is logged:\n{log}");

    // The control: the same agent without the decision, for longer than the loop took.
    std::fs::remove_file(&actions).unwrap();
    let control = Running::start(dir.path(), &loop_config(dir.path(), busy.pid(), false), &[]);
    std::thread::sleep(took + Duration::from_secs(2));
    let output = control.stop();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the agent failed:\n{log}");
    assert!(!log.contains("profiling is off"), "the profiler did not run:\n{log}");
    let rates = rates_of(&log, busy.pid());
    println!("without the rule: sampled at {rates:?} Hz over {:.1?}", took + Duration::from_secs(2));
    assert!(rates.iter().all(|hz| *hz == BASE_HZ), "raised without the rule: {rates:?}\n{log}");
    assert!(raise_events(&actions).is_empty(), "a raise recorded without the rule");
}
