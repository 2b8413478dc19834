//! The soak's rule swaps as data: each step is a rule set pushed over OpAMP, what the agent
//! must report for it, and what it does to the records it runs. The soak pushes the steps
//! of [`CYCLE`] round and round, and the accounting reads each record's fate from the step
//! whose marker it carries.

use ottl_opamp::proto::RemoteConfigStatuses;

use super::swaps::stamping_rule;

/// What one pushed rule set is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Stamps every record with its marker: APPLIED.
    Stamp,
    /// Stamps every record, then drops those whose id ends in [`DROPPED_DIGIT`]: APPLIED.
    StampAndDrop,
    /// Does not compile (a parenthesis missing): FAILED with its diagnostics, and the
    /// generation running before it keeps running; no record ever carries its marker.
    Broken,
    // A rule set the self-operation loop must roll back goes here, as a variant and a place
    // in `CYCLE`: its rules stamp, then fail a statement on most records (say
    // `set(log.attributes["json"], ParseJSON(log.body))`: the bodies are not JSON), so its
    // statement-error ratio jumps and the loop's ROLLBACK reverts to the generation before.
    // `expected`: FAILED (the last status reported for its hash, once rolled back); `drops`:
    // nothing. The records it ran before the rollback carry its marker and are delivered
    // like any other, so the soak's exactly-once accounting covers them unchanged. The
    // soak then also counts the rolled-back pushes for its table, and its check of the
    // generations swapped in counts the rollback's own swap as the loop numbers it.
}

/// The order of the pushes, repeated for as long as the soak runs: a broken push after a
/// stamping generation and after a dropping one, so that FAILED is seen to change nothing
/// in either.
pub const CYCLE: [Step; 6] = [Step::Stamp, Step::StampAndDrop, Step::Broken, Step::Stamp, Step::Broken, Step::StampAndDrop];

/// The last digit of the ids a [`Step::StampAndDrop`] generation drops: a tenth of them.
pub const DROPPED_DIGIT: char = '7';

impl Step {
    /// The rule file of this step under `marker`.
    pub fn rules(self, marker: &str) -> String {
        let stamp = stamping_rule(marker);
        match self {
            Step::Stamp => stamp,
            Step::StampAndDrop => format!("{stamp}IsMatch(log.body, \"{DROPPED_DIGIT}$\") > drop()\n"),
            Step::Broken => stamp.trim_end().trim_end_matches(')').to_string(),
        }
    }

    /// What the agent must report over OpAMP for this step.
    pub fn expected(self) -> RemoteConfigStatuses {
        match self {
            Step::Stamp | Step::StampAndDrop => RemoteConfigStatuses::Applied,
            Step::Broken => RemoteConfigStatuses::Failed,
        }
    }

    /// Whether a generation of this step drops the record `id`.
    pub fn drops(self, id: &str) -> bool {
        self == Step::StampAndDrop && id.ends_with(DROPPED_DIGIT)
    }
}
