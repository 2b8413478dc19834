//! The soak's rule swaps as data: each step is a rule set pushed over OpAMP, what the agent
//! must report for it, and what it does to the records it runs. The soak pushes the steps
//! of [`CYCLE`] round and round, and the accounting reads each record's fate from the step
//! whose marker it carries.

use ottl_opamp::proto::RemoteConfigStatuses;

use super::FAILING_STATEMENT;
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
    /// Stamps every record, then fails a statement on each of them (their bodies are not
    /// JSON): its statement-error ratio jumps, and the self-operation loop rolls it back to
    /// the generation before it, which the agent reports as FAILED. The records it ran
    /// before the rollback carry its marker and are delivered like any other.
    RolledBack,
}

/// The order of the pushes, repeated for as long as the soak runs: a broken push after a
/// stamping generation and after a dropping one, so that FAILED is seen to change nothing
/// in either; a rolled-back one after a dropping one, whose rules then run again.
pub const CYCLE: [Step; 7] =
    [Step::Stamp, Step::StampAndDrop, Step::Broken, Step::Stamp, Step::Broken, Step::StampAndDrop, Step::RolledBack];

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
            Step::RolledBack => format!("{stamp}{FAILING_STATEMENT}"),
        }
    }

    /// What the agent must report over OpAMP for this step.
    pub fn expected(self) -> RemoteConfigStatuses {
        match self {
            Step::Stamp | Step::StampAndDrop => RemoteConfigStatuses::Applied,
            Step::Broken | Step::RolledBack => RemoteConfigStatuses::Failed,
        }
    }

    /// Whether a generation of this step drops the record `id`.
    pub fn drops(self, id: &str) -> bool {
        self == Step::StampAndDrop && id.ends_with(DROPPED_DIGIT)
    }
}
