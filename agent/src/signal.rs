//! The four OTLP signals, and what a payload of each looks like to the agent.

use ottl_compiler::schema::Context;
use ottl_runtime::otlp::Telemetry;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    Traces,
    Metrics,
    Logs,
    Profiles,
}

impl Signal {
    pub const ALL: [Signal; 4] = [Signal::Traces, Signal::Metrics, Signal::Logs, Signal::Profiles];

    /// The name of a pipeline of this signal, and of the collector's config keys.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
            Signal::Profiles => "profiles",
        }
    }

    pub fn parse(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|signal| signal.name() == name)
    }

    pub fn of(telemetry: &Telemetry) -> Signal {
        match telemetry {
            Telemetry::Traces(_) => Signal::Traces,
            Telemetry::Metrics(_) => Signal::Metrics,
            Telemetry::Logs(_) => Signal::Logs,
            Telemetry::Profiles(_) => Signal::Profiles,
        }
    }

    /// The signal a context belongs to; `None` for `resource` and `scope`, which every
    /// signal has.
    pub fn of_context(context: Context) -> Option<Signal> {
        Signal::ALL.into_iter().find(|signal| {
            let empty = signal.empty();
            context.fits(&empty) && !Signal::ALL.iter().filter(|other| *other != signal).any(|other| context.fits(&other.empty()))
        })
    }

    /// An empty payload of this signal.
    pub fn empty(self) -> Telemetry {
        match self {
            Signal::Traces => Telemetry::Traces(Default::default()),
            Signal::Metrics => Telemetry::Metrics(Default::default()),
            Signal::Logs => Telemetry::Logs(Default::default()),
            Signal::Profiles => Telemetry::Profiles(Default::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_belong_to_their_signal() {
        assert_eq!(Signal::of_context(Context::Span), Some(Signal::Traces));
        assert_eq!(Signal::of_context(Context::DataPoint), Some(Signal::Metrics));
        assert_eq!(Signal::of_context(Context::Log), Some(Signal::Logs));
        assert_eq!(Signal::of_context(Context::Resource), None);
    }
}
