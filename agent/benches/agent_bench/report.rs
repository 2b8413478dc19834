//! The table: a row per workload and process, the agent's rows compared with the
//! collector's on the same workload; and whether every row's records were all delivered.

use std::time::Duration;

use crate::run::Measurement;
use crate::workloads::Process;

pub struct Row {
    pub workload: String,
    pub process: Process,
    pub label: &'static str,
    /// The measurement, or why there is none.
    pub result: Result<Measurement, String>,
    /// A run that could not be made here (the collector not built) is skipped, not failed.
    pub skipped: bool,
}

impl Row {
    /// Whether the run failed or lost or duplicated records.
    pub fn failed(&self) -> bool {
        match &self.result {
            Ok(m) => m.delivered != m.expected,
            Err(_) => !self.skipped,
        }
    }
}

pub fn print(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "{:<22} {:<18} {:>10} {:>12} {:>9} {:>8} {:>8} {:>9} {:>9}  delivered",
        "workload", "process", "records/s", "rec/CPU-s", "vs coll.", "p50 ms", "p99 ms", "rejected", "peak MiB"
    );
    for row in rows {
        print!("{:<22} {:<18}", row.workload, row.label);
        let m = match &row.result {
            Ok(m) => m,
            Err(why) => {
                println!(" {}: {}", if row.skipped { "skipped" } else { "FAILED" }, why.lines().next().unwrap_or_default());
                continue;
            }
        };
        let ratio = match (row.process, collector_rate(rows, &row.workload)) {
            (Process::Agent, Some(collector)) if collector > 0.0 => format!("{:.2}x", m.records_per_cpu_second / collector),
            _ => "-".to_string(),
        };
        println!(
            " {:>10} {:>12} {ratio:>9} {:>8} {:>8} {:>8.1}% {:>9.0}  {}",
            thousands(m.records_per_second),
            thousands(m.records_per_cpu_second),
            millis(m.p50),
            millis(m.p99),
            m.rejected * 100.0,
            m.peak_rss_kib as f64 / 1024.0,
            delivery(m),
        );
    }
    for row in rows.iter().filter(|r| r.result.is_err()) {
        if let Err(why) = &row.result {
            println!("{} / {}: {why}", row.workload, row.label);
        }
    }
}

/// The collector's records per CPU-second on `workload`.
fn collector_rate(rows: &[Row], workload: &str) -> Option<f64> {
    let row = rows.iter().find(|r| r.workload == workload && r.process == Process::Collector)?;
    row.result.as_ref().ok().map(|m| m.records_per_cpu_second)
}

/// Whether the sink got exactly what the accepted requests should deliver.
fn delivery(m: &Measurement) -> String {
    match m.delivered.cmp(&m.expected) {
        std::cmp::Ordering::Equal => format!("ok, {}", thousands(m.delivered as f64)),
        std::cmp::Ordering::Less => format!("LOST {} of {}", m.expected - m.delivered, m.expected),
        std::cmp::Ordering::Greater => format!("EXTRA {} over {}", m.delivered - m.expected, m.expected),
    }
}

fn millis(latency: Option<Duration>) -> String {
    latency.map(|l| format!("{:.1}", l.as_secs_f64() * 1e3)).unwrap_or_else(|| "-".to_string())
}

/// `value` rounded, with thousands separated by commas.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
