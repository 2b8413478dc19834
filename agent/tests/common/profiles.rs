//! The profiler's tests' side: the known workload (agent/tests/profiler/workload.c) built
//! and run, and OTLP profiles read back as stacks of function names with their CPU time.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::profiles::v1development::ProfilesData;
use ottl_runtime::otlp::Telemetry;

/// eBPF needs root (or CAP_BPF and CAP_PERFMON); CI runs these tests as root, and a
/// developer's unprivileged run says it skipped them.
pub fn can_load_bpf() -> bool {
    // SAFETY: geteuid has no arguments and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        eprintln!("skipped: loading BPF needs root");
    }
    root
}

/// The workload, compiled with frame pointers into `dir`.
pub fn build_workload(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/profiler/workload.c");
    let binary = dir.join("workload");
    let status = Command::new("cc")
        // -O0: GCC omits the frame of a leaf function at -O1 even with -fno-omit-frame-pointer,
        // and the leaf's caller would be missing from its stacks.
        .args(["-O0", "-fno-omit-frame-pointer", "-o"])
        .arg(&binary)
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success(), "cc failed on {}", source.display());
    binary
}

/// A running workload, killed when dropped.
pub struct Workload(Child);

impl Workload {
    pub fn start(binary: &Path, seconds: u32, hot_percent: u32) -> Workload {
        Workload::spawn(Command::new(binary), seconds, hot_percent, Stdio::null())
    }

    /// The workload on CPU `cpu` only (`taskset`, which execs it: the process id is the
    /// workload's), so that one on each CPU keeps every CPU busy. Its throughput is
    /// [`Workload::throughput`].
    pub fn pinned(binary: &Path, seconds: u32, hot_percent: u32, cpu: usize) -> Workload {
        let mut taskset = Command::new("taskset");
        taskset.arg("-c").arg(cpu.to_string()).arg(binary);
        Workload::spawn(taskset, seconds, hot_percent, Stdio::piped())
    }

    /// `command` (the workload, or a command that execs it) with the workload's arguments.
    fn spawn(mut command: Command, seconds: u32, hot_percent: u32, stdout: Stdio) -> Workload {
        Workload(command.args([seconds.to_string(), hot_percent.to_string()]).stdout(stdout).spawn().unwrap())
    }

    /// Waits for a [`Workload::pinned`] to end: the throughput it printed.
    pub fn throughput(mut self) -> Throughput {
        let mut printed = String::new();
        self.0.stdout.take().unwrap().read_to_string(&mut printed).unwrap();
        let status = self.0.wait().unwrap();
        assert!(status.success(), "the workload failed ({status}): {printed}");
        let mut numbers = printed.split_whitespace().step_by(2).map(|number| number.parse().ok());
        match (numbers.next().flatten(), numbers.next().flatten()) {
            (Some(per_second), Some(per_cpu_second)) => Throughput { per_second, per_cpu_second },
            _ => panic!("the workload printed no throughput: {printed:?}"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Workload {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A workload's loop rounds per second of wall-clock time and per second of its own CPU time.
/// The second leaves out the time other processes (and the hypervisor) took from it, but not
/// the time of interrupts it took: this kernel charges them to the task they interrupt.
#[derive(Clone, Copy, Debug, Default)]
pub struct Throughput {
    pub per_second: f64,
    pub per_cpu_second: f64,
}

/// What profiles say, per process id: each stack (function names, innermost first; `?` for a
/// frame without a name) with its sample count and CPU time (count × period).
#[derive(Debug, Default, PartialEq)]
pub struct Observed {
    pub processes: BTreeMap<i64, BTreeMap<Vec<String>, Weight>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Weight {
    pub samples: i64,
    pub nanoseconds: i64,
}

impl Observed {
    pub fn of(documents: &[Telemetry]) -> Observed {
        let mut observed = Observed::default();
        for document in documents {
            if let Telemetry::Profiles(data) = document {
                observed.add(data);
            }
        }
        observed
    }

    fn add(&mut self, data: &ProfilesData) {
        let dictionary = data.dictionary.clone().unwrap_or_default();
        let string = |index: i32| dictionary.string_table.get(index as usize).cloned().unwrap_or_default();
        for resource in &data.resource_profiles {
            let pid = resource
                .resource
                .iter()
                .flat_map(|resource| &resource.attributes)
                // The collector writes resource attribute keys into the dictionary
                // (`keyStrindex`), as the current proto allows.
                .find(|attribute| attribute.key == "process.pid" || string(attribute.key_strindex) == "process.pid")
                .and_then(|attribute| match attribute.value.as_ref()?.value.as_ref()? {
                    Value::IntValue(pid) => Some(*pid),
                    _ => None,
                })
                .unwrap_or(-1);
            for profile in resource.scope_profiles.iter().flat_map(|scope| &scope.profiles) {
                for sample in &profile.samples {
                    let stack = &dictionary.stack_table[sample.stack_index as usize];
                    let names: Vec<String> = stack
                        .location_indices
                        .iter()
                        .map(|&location| {
                            let location = &dictionary.location_table[location as usize];
                            match location.lines.first() {
                                Some(line) => string(dictionary.function_table[line.function_index as usize].name_strindex),
                                None => "?".to_string(),
                            }
                        })
                        .collect();
                    let count = sample.values.first().copied().unwrap_or(0);
                    let weight = self.processes.entry(pid).or_default().entry(names).or_default();
                    weight.samples += count;
                    weight.nanoseconds += count * profile.period;
                }
            }
        }
    }

    /// Samples of `pid`.
    pub fn samples(&self, pid: u32) -> i64 {
        self.processes.get(&i64::from(pid)).map_or(0, |stacks| stacks.values().map(|weight| weight.samples).sum())
    }

    /// The share of `pid`'s CPU time whose innermost named frame is `function`, in percent.
    pub fn self_share(&self, pid: u32, function: &str) -> f64 {
        let Some(stacks) = self.processes.get(&i64::from(pid)) else { return 0.0 };
        let total: i64 = stacks.values().map(|weight| weight.nanoseconds).sum();
        let own: i64 = stacks
            .iter()
            .filter(|(names, _)| names.first().is_some_and(|leaf| leaf == function))
            .map(|(_, weight)| weight.nanoseconds)
            .sum();
        100.0 * own as f64 / total.max(1) as f64
    }
}

/// `perf record` on `pid` at `hz` for `seconds`, and the self share of `function` that
/// `perf report` gives, in percent.
pub fn perf_share(dir: &Path, pid: u32, hz: u32, seconds: u32, function: &str) -> f64 {
    let data = dir.join("perf.data");
    let record = Command::new("perf")
        .args(["record", "-e", "cpu-clock", "-F", &hz.to_string(), "-g", "-p", &pid.to_string(), "-o"])
        .arg(&data)
        .args(["--", "sleep", &seconds.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|error| panic!("perf is installed (scripts/test.sh installs linux-perf): {error}"));
    assert!(record.success(), "perf record failed");
    let report =
        Command::new("perf").args(["report", "--stdio", "--no-children", "--sort", "symbol", "-i"]).arg(&data).output().unwrap();
    let text = String::from_utf8_lossy(&report.stdout);
    text.lines()
        .find(|line| line.split_whitespace().last() == Some(function) || line.contains(&format!("] {function} ")))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|percent| percent.trim_end_matches('%').parse().ok())
        .unwrap_or_else(|| panic!("perf report has no line for {function}:\n{text}"))
}

/// An agent config whose `profiling` receiver has the settings `receiver` (YAML indented
/// four spaces) and feeds one profiles pipeline: `processors` in order (each an id and its
/// settings, indented four spaces), then the file `profiles.json` of `dir` and the exporters
/// named in `pipeline_exporters`. `exporters` defines more exporters (a route's, or the
/// pipeline's).
pub fn profiles_config(
    dir: &Path,
    receiver: &str,
    processors: &[(&str, String)],
    exporters: &[(&str, String)],
    pipeline_exporters: &[&str],
) -> String {
    profiles_config_beside(dir, receiver, processors, exporters, pipeline_exporters, &Beside::default())
}

/// What runs beside the profiles pipeline (the self-operation loop's pipelines, which read
/// the profiler's measurements and act on it): more receivers and processors (each an id and
/// its settings, indented four spaces) and the pipelines (YAML indented four spaces). Their
/// exporters are among `exporters` of [`profiles_config_beside`].
#[derive(Default)]
pub struct Beside<'a> {
    pub receivers: &'a [(&'a str, String)],
    pub processors: &'a [(&'a str, String)],
    pub pipelines: String,
}

/// [`profiles_config`] with `beside` in the same config.
pub fn profiles_config_beside(
    dir: &Path,
    receiver: &str,
    processors: &[(&str, String)],
    exporters: &[(&str, String)],
    pipeline_exporters: &[&str],
    beside: &Beside<'_>,
) -> String {
    let section = |components: &[(&str, String)]| -> String {
        components.iter().map(|(id, settings)| format!("  {id}:\n{settings}")).collect()
    };
    let all_processors: Vec<(&str, String)> = processors.iter().chain(beside.processors).cloned().collect();
    let processor_section =
        if all_processors.is_empty() { String::new() } else { format!("processors:\n{}", section(&all_processors)) };
    let processor_ids: Vec<&str> = processors.iter().map(|(id, _)| *id).collect();
    let exporter_ids: Vec<&str> = std::iter::once("file").chain(pipeline_exporters.iter().copied()).collect();
    format!(
        "receivers:
  profiling:
{receiver}{more_receivers}{processor_section}exporters:
  file:
    path: {out}
{exporters}service:
  telemetry:
    metrics:
      level: none
  pipelines:
    profiles:
      receivers: [profiling]
      processors: [{processors}]
      exporters: [{exporter_ids}]
{pipelines}",
        more_receivers = section(beside.receivers),
        out = dir.join("profiles.json").display(),
        exporters = section(exporters),
        processors = processor_ids.join(", "),
        exporter_ids = exporter_ids.join(", "),
        pipelines = beside.pipelines,
    )
}
