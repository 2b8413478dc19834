//! Running a rule set over the resource → scope → item hierarchy.

/// What a rule-form action asks for an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Keep,
    Drop,
    Route(String),
}
