//! The soak's exact accounting: every record the clients sent, by what became of it. Which
//! generation ran a record is read from the marker it arrived with; a record a generation
//! dropped never arrives, so its generation is that of the other records of its request
//! (the agent runs a request as one batch, through one generation, which is checked here).

use std::collections::{HashMap, HashSet};

use super::load::Ledger;
use super::rule_steps::Step;
use super::sink::Arrivals;

/// The counts, in records.
#[derive(Debug, Default)]
pub struct Accounting {
    pub sent: usize,
    pub acknowledged: usize,
    /// Pushed back by the agent (its budget spent while the sink was away).
    pub refused: usize,
    /// Requests without an answer: taken or not, they may arrive at most once.
    pub unanswered: usize,
    /// Distinct records that arrived, and arrivals in all (duplicates counted).
    pub arrived: usize,
    pub arrivals: usize,
    pub dropped_by_rule: usize,
    pub duplicates: usize,
    /// Acknowledged, neither arrived nor dropped by rule.
    pub lost: usize,
    /// Requests whose records arrived with more than one marker: run by two generations.
    pub split_requests: usize,
    /// Arrivals whose marker is not exactly one served generation's (none, two, a broken
    /// step's).
    pub foreign_stamps: usize,
}

/// The marker of a record that arrived: the generation in `N;`, when it is exactly one.
fn marker(stamp: &str) -> Option<usize> {
    stamp.strip_suffix(';').filter(|n| !n.contains(';')).and_then(|n| n.parse().ok())
}

/// The request a record id (`<client>-<request>-<record>`) belongs to.
fn request(id: &str) -> &str {
    id.rsplit_once('-').map_or(id, |(request, _)| request)
}

/// Accounts for `ledger` against `arrivals`, where generation 0 stamped and generation `n`
/// ran `steps[n - 1]`. The second value tells, for an acknowledged record, whether a rule
/// dropped it.
pub fn account(ledger: &Ledger, arrivals: &Arrivals, steps: &[Step]) -> (Accounting, HashSet<String>) {
    let step = |generation: usize| if generation == 0 { Some(Step::Stamp) } else { steps.get(generation - 1).copied() };
    let mut generations: HashMap<&str, HashSet<usize>> = HashMap::new();
    let mut foreign_stamps = 0;
    for (id, stamps) in arrivals {
        for stamp in stamps {
            match marker(stamp).filter(|g| step(*g).is_some_and(|s| s != Step::Broken)) {
                Some(generation) => {
                    generations.entry(request(id)).or_default().insert(generation);
                }
                None => foreign_stamps += 1,
            }
        }
    }
    let split_requests = generations.values().filter(|g| g.len() > 1).count();
    let dropped: HashSet<String> = ledger
        .acknowledged
        .iter()
        .filter(|id| {
            let ran = generations.get(request(id)).and_then(|g| (g.len() == 1).then(|| g.iter().next()).flatten());
            ran.and_then(|g| step(*g)).is_some_and(|s| s.drops(id))
        })
        .cloned()
        .collect();
    let count = |id: &String| arrivals.get(id).map_or(0, Vec::len);
    let lost = ledger.acknowledged.iter().filter(|id| count(id) == 0 && !dropped.contains(*id)).count();
    let accounting = Accounting {
        sent: ledger.acknowledged.len() + ledger.refused.len() + ledger.unanswered.len(),
        acknowledged: ledger.acknowledged.len(),
        refused: ledger.refused.len(),
        unanswered: ledger.unanswered.len(),
        arrived: arrivals.len(),
        arrivals: arrivals.values().map(Vec::len).sum(),
        dropped_by_rule: dropped.len(),
        duplicates: arrivals.values().map(|a| a.len().saturating_sub(1)).sum(),
        lost,
        split_requests,
        foreign_stamps,
    };
    (accounting, dropped)
}

impl Accounting {
    /// The table for the log and the README.
    pub fn table(&self) -> String {
        let rows = [
            ("records sent", self.sent),
            ("acknowledged (in)", self.acknowledged),
            ("refused (pushed back)", self.refused),
            ("unanswered", self.unanswered),
            ("arrived (out)", self.arrived),
            ("dropped by rule", self.dropped_by_rule),
            ("duplicates", self.duplicates),
            ("lost: acknowledged − arrived − dropped by rule", self.lost),
        ];
        let mut text = String::from("| records | count |\n|---|---:|\n");
        for (what, count) in rows {
            text.push_str(&format!("| {what} | {count} |\n"));
        }
        text
    }
}
