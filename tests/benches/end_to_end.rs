//! `ottl-bench`'s end-to-end section: `ottlc run` against the Go reference (`ottl-ref
//! statements`: the transform processor between pdata's JSON reader and writer) on the same
//! large OTLP/JSON file, as whole processes: reading, the rules, writing, start-up and
//! compilation included. Wall time (best of a few runs) and peak memory (the child's
//! `VmHWM`, read while it runs) of each, with a rule set that does work and one that never
//! matches (where reading and writing are all there is). Goals (issue 16): at least twice
//! as fast as the Go reference, with a lower peak.
//!
//! `ottlc` is the release binary beside this bench's (`cargo build --release -p ottlc`), or
//! the one `OTTLC` names.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ottl_tests::collector::ScratchDir;
use ottl_tests::differential::{self, Verdict};
use ottl_tests::reference::{self, Outcome};

/// Spans in the file.
const SPANS: usize = 20_000;

/// Runs of each program per rule set; the fastest counts, and the highest peak.
const RUNS: usize = 5;

/// Transform statements on spans that both engines run alike (one per line, as both read
/// them).
const SEVEN_STATEMENTS: &str = r#"set(span.attributes["service.name"], "new-service-name")
delete_key(span.attributes, "internal.debug.info")
set(span.attributes["http.status_code"], span.attributes["http.response.status_code"])
delete_key(span.attributes, "http.response.status_code")
set(span.status.code, STATUS_CODE_ERROR) where span.attributes["http.status_code"] >= 500
set(span.attributes["http.url"], Substring(span.attributes["http.url"], 0, 100)) where Len(span.attributes["http.url"]) > 100
replace_pattern(span.attributes["body"], "\\d{4}-\\d{4}-\\d{4}-\\d{4}", "****-****-****-****")
"#;

/// A rule that matches no span: the run is reading and writing.
const NEVER_MATCHES: &str = "set(span.attributes[\"never\"], true) where span.name == \"no such span\"\n";

/// How often a child's peak memory is read.
const POLL: Duration = Duration::from_millis(1);

/// One program's runs: the fastest, and the highest peak.
struct Measured {
    wall: Duration,
    peak_kib: u64,
}

/// Prints the section; a line saying why when it cannot run.
pub fn print() {
    println!("\nend to end: ottlc run vs ottl-ref statements (pdata's JSON), {SPANS} spans, best of {RUNS} runs:");
    if let Err(e) = measure_all() {
        println!("n/a ({e})");
    }
}

fn measure_all() -> Result<(), String> {
    let ottlc = ottlc()?;
    let ottl_ref = reference::binary()?;
    let dir = ScratchDir::new("end-to-end")?;
    let input = dir.join("spans.json");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&input).map_err(|e| e.to_string())?);
    ottl_tests::bench_data::spans(SPANS).write_json(&mut file).map_err(|e| e.to_string())?;
    drop(file);
    let size = std::fs::metadata(&input).map_err(|e| e.to_string())?.len();
    println!("input {:.1} MB of OTLP/JSON; wall time and peak RSS of the whole process", size as f64 / 1e6);
    println!(
        "{:<16} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "rules", "ottlc ms", "go ms", "speed-up", "ottlc MB", "go MB", "mem ratio", "out MB"
    );
    for (name, rules) in [("7 statements", SEVEN_STATEMENTS), ("never matches", NEVER_MATCHES)] {
        let rules_path = dir.join("rules.ottl");
        std::fs::write(&rules_path, rules).map_err(|e| e.to_string())?;
        let (ours_out, theirs_out) = (dir.join("ottlc.json"), dir.join("ref.json"));
        let mut ours = Command::new(&ottlc);
        ours.args(["run", "--context", "span", "--error-mode", "ignore"]).arg(&rules_path).arg(&input);
        let mut theirs = Command::new(&ottl_ref);
        theirs
            .args(["statements", "-signal", "traces", "-context", "span", "-error-mode", "ignore"])
            .arg(&rules_path)
            .arg(&input);
        let (ours_best, theirs_best) = (best_of(&mut ours, &ours_out)?, best_of(&mut theirs, &theirs_out)?);
        agree(&ours_out, &theirs_out).map_err(|e| format!("{name}: {e}"))?;
        let out_size = std::fs::metadata(&ours_out).map_err(|e| e.to_string())?.len();
        let ms = |m: &Measured| m.wall.as_secs_f64() * 1e3;
        let mb = |m: &Measured| m.peak_kib as f64 / 1024.0;
        println!(
            "{name:<16} {:>9.0} {:>9.0} {:>8.2}x {:>9.0} {:>9.0} {:>9.2} {:>9.1}",
            ms(&ours_best),
            ms(&theirs_best),
            ms(&theirs_best) / ms(&ours_best),
            mb(&ours_best),
            mb(&theirs_best),
            mb(&ours_best) / mb(&theirs_best),
            out_size as f64 / 1e6
        );
    }
    println!("goals (issue 16): speed-up >= 2 (go ms / ottlc ms), mem ratio < 1 (ottlc MB / go MB)");
    Ok(())
}

/// `ottlc` beside this bench: target/release/deps/ottl_bench-… → target/release/ottlc.
fn ottlc() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("OTTLC") {
        return Ok(PathBuf::from(path));
    }
    let bench = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = bench.parent().and_then(Path::parent).map(|release| release.join("ottlc")).ok_or("no target directory")?;
    if path.exists() { Ok(path) } else { Err(format!("no {}: cargo build --release -p ottlc", path.display())) }
}

/// [`RUNS`] runs of `command` with its stdout to `output`.
fn best_of(command: &mut Command, output: &Path) -> Result<Measured, String> {
    let mut best = Measured { wall: Duration::MAX, peak_kib: 0 };
    for _ in 0..RUNS {
        let stdout = std::fs::File::create(output).map_err(|e| e.to_string())?;
        let start = Instant::now();
        let mut child =
            command.stdout(stdout).stderr(Stdio::null()).spawn().map_err(|e| format!("cannot run {command:?}: {e}"))?;
        let (status, peak_kib) = watch(&mut child)?;
        let wall = start.elapsed();
        if !status.success() {
            return Err(format!("{command:?} failed ({status})"));
        }
        best = Measured { wall: best.wall.min(wall), peak_kib: best.peak_kib.max(peak_kib) };
    }
    Ok(best)
}

/// Waits for `child`, reading its peak resident set (`VmHWM`, which only grows) every
/// [`POLL`] until it exits: the last reading misses at most what it grew in its last
/// interval. Not the child's `ru_maxrss`: Linux counts in it the peak of the process that
/// started it (the mm a fresh `exec` replaces is the parent's), which is this bench's.
fn watch(child: &mut std::process::Child) -> Result<(std::process::ExitStatus, u64), String> {
    let mut peak_kib = 0;
    loop {
        // An exited child has no `VmHWM` left to read: only its exit status.
        if let Ok(kib) = ottl_tests::procfs::peak_rss_kib(child.id()) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok((status, peak_kib));
        }
        std::thread::sleep(POLL);
    }
}

/// Whether both programs passed on the same spans (as the differential tests compare them).
fn agree(ours: &Path, theirs: &Path) -> Result<(), String> {
    let read = |path: &Path| -> Result<Outcome, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        Ok(Outcome::Output(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?))
    };
    match differential::compare(&read(ours)?, &read(theirs)?) {
        Verdict::Agree => Ok(()),
        _ => Err("ottlc's output differs from the collector's".to_string()),
    }
}
