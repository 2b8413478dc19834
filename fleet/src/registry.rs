//! What the server knows about each agent: the last of everything it reported (agents send
//! only what changed), how it is connected, and what it was last offered.

use std::fmt;
use std::time::{Duration, Instant};

use ottl_opamp::hash::config_hash;
use ottl_opamp::proto::{AgentDescription, AgentToServer, ComponentHealth, RemoteConfigStatus, ServerToAgent};
use tokio::sync::mpsc;

/// An agent's `instance_uid`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid(pub Vec<u8>);

impl fmt::Display for Uid {
    /// UUID text for the 16 bytes the spec requires.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ottl_opamp::http::uid_text(&self.0) {
            Some(text) => f.write_str(&text),
            None => f.write_str(&hex(&self.0)),
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    WebSocket,
    Http,
}

/// The OpAMP default polling interval (spec/OPAMP.md §1.3), assumed for a plain-HTTP agent
/// until it has shown its own.
const DEFAULT_POLLING_INTERVAL: Duration = Duration::from_secs(30);

/// How many polls in a row a plain-HTTP agent may miss before the server takes it to be gone.
const MISSED_POLLS: u32 = 3;

/// A WebSocket connection, through which the server pushes offers.
#[derive(Clone, Debug)]
pub struct Connection {
    /// Tells a reconnected agent's new connection from its old one, which may close later.
    pub id: u64,
    pub sender: mpsc::Sender<ServerToAgent>,
}

#[derive(Debug)]
pub struct Agent {
    pub uid: Uid,
    pub transport: Transport,
    pub connection: Option<Connection>,
    /// False after `agent_disconnect`, over WebSocket once the connection closed, and over
    /// plain HTTP once it stopped polling ([`Agent::stopped_polling`]).
    pub connected: bool,
    /// Its last message or, over WebSocket, the close of its connection: a gone agent is
    /// forgotten some time after it.
    pub last_seen: Instant,
    /// The gap before its last poll (a message that only says it is there): over plain HTTP,
    /// its polling interval.
    last_poll_gap: Option<Duration>,
    /// The longest gap between two of its messages while it was connected.
    longest_gap: Duration,
    pub sequence_num: Option<u64>,
    pub capabilities: u64,
    pub description: Option<AgentDescription>,
    /// The group its description selects; `None` until it has sent one, or when none matches.
    pub group: Option<String>,
    pub health: Option<ComponentHealth>,
    pub remote_config_status: Option<RemoteConfigStatus>,
    pub effective_config_hash: Option<Vec<u8>>,
    /// The config hash last sent to it, so that an offer is not repeated while the agent
    /// works on it; forgotten when the server cannot know what the agent received.
    pub offered_hash: Option<Vec<u8>>,
}

impl Agent {
    pub fn new(uid: Uid, transport: Transport, now: Instant) -> Agent {
        Agent {
            uid,
            transport,
            connection: None,
            connected: true,
            last_seen: now,
            last_poll_gap: None,
            longest_gap: Duration::ZERO,
            sequence_num: None,
            capabilities: 0,
            description: None,
            group: None,
            health: None,
            remote_config_status: None,
            effective_config_hash: None,
            offered_hash: None,
        }
    }

    /// Takes in a report. Returns whether the server must ask for the full state: it has
    /// no record of this agent, or missed a message (a gap in `sequence_num`), and the
    /// report does not carry the description (spec/OPAMP.md §3.3).
    pub fn absorb(&mut self, message: &AgentToServer, now: Instant) -> bool {
        let in_sequence = self.sequence_num.is_some_and(|previous| message.sequence_num == previous.wrapping_add(1));
        if !in_sequence {
            // What it received meanwhile is unknown: offer again if it needs it.
            self.offered_hash = None;
        }
        // A gap while it was gone says nothing of how often it polls.
        if self.connected && self.sequence_num.is_some() {
            let gap = now.saturating_duration_since(self.last_seen);
            self.longest_gap = self.longest_gap.max(gap);
            if is_poll(message) {
                self.last_poll_gap = Some(gap);
            }
        }
        self.sequence_num = Some(message.sequence_num);
        self.last_seen = now;
        self.capabilities = message.capabilities;
        self.connected = message.agent_disconnect.is_none();
        if let Some(description) = &message.agent_description {
            self.description = Some(description.clone());
        }
        if let Some(health) = &message.health {
            self.health = Some(health.clone());
        }
        if let Some(status) = &message.remote_config_status {
            self.remote_config_status = Some(status.clone());
        }
        if let Some(effective) = &message.effective_config {
            self.effective_config_hash = Some(config_hash(&effective.config_map.clone().unwrap_or_default()));
        }
        !in_sequence && message.agent_description.is_none()
    }

    /// How often it polls over plain HTTP, as the server has seen it. The server offers no
    /// heartbeat interval (which opamp-go would turn into the polling interval, overriding
    /// what the agent's operator chose), so it learns the interval instead: a poll comes one
    /// interval after the agent's previous message (spec/OPAMP.md §1.2), so the gap before
    /// the latest poll is the interval, and follows it when it changes. An agent seen
    /// polling no bare message (some clients send full state every time) is taken to poll
    /// at the longest gap seen, and at least at the OpAMP default, so that a burst of
    /// reports is not mistaken for fast polling.
    pub fn polling_interval(&self) -> Duration {
        self.last_poll_gap.unwrap_or(self.longest_gap.max(DEFAULT_POLLING_INTERVAL))
    }

    /// Whether a connected plain-HTTP agent has been silent for [`MISSED_POLLS`] of its
    /// polling intervals, and so is gone without saying so.
    pub fn stopped_polling(&self, now: Instant) -> bool {
        self.transport == Transport::Http
            && self.connected
            && now.saturating_duration_since(self.last_seen) > self.polling_interval().saturating_mul(MISSED_POLLS)
    }

    /// Whether it has been gone for `forget_after` since the server last saw it.
    pub fn expired(&self, now: Instant, forget_after: Duration) -> bool {
        !self.connected && now.saturating_duration_since(self.last_seen) >= forget_after
    }

    /// The config hash the agent last said it received.
    pub fn reported_hash(&self) -> Option<&[u8]> {
        self.remote_config_status.as_ref().map(|status| status.last_remote_config_hash.as_slice())
    }

    /// Healthy, or not reporting health (which a rollout takes as healthy).
    pub fn healthy(&self) -> bool {
        self.health.as_ref().is_none_or(|health| health.healthy)
    }
}

/// A message that only says the agent is there: its uid, sequence number and capabilities.
fn is_poll(message: &AgentToServer) -> bool {
    let bare = AgentToServer {
        instance_uid: message.instance_uid.clone(),
        sequence_num: message.sequence_num,
        capabilities: message.capabilities,
        ..Default::default()
    };
    *message == bare
}

#[cfg(test)]
mod tests {
    use super::*;
    use ottl_opamp::proto::{AgentDisconnect, KeyValue};

    fn report(sequence_num: u64, with_description: bool) -> AgentToServer {
        let description =
            AgentDescription { identifying_attributes: vec![KeyValue::string("service.name", "a")], ..Default::default() };
        AgentToServer {
            instance_uid: vec![1; 16],
            sequence_num,
            capabilities: 0x3007,
            agent_description: with_description.then_some(description),
            ..Default::default()
        }
    }

    #[test]
    fn full_state_is_asked_for_when_the_server_may_have_missed_something() {
        let now = Instant::now();
        let mut agent = Agent::new(Uid(vec![1; 16]), Transport::Http, now);
        assert!(!agent.absorb(&report(0, true), now), "a first report with its description is full");
        assert!(!agent.absorb(&report(1, false), now));
        agent.offered_hash = Some(vec![9]);
        assert!(agent.absorb(&report(5, false), now), "a gap");
        assert_eq!(agent.offered_hash, None);
        let mut stranger = Agent::new(Uid(vec![2; 16]), Transport::WebSocket, now);
        assert!(stranger.absorb(&report(7, false), now), "unknown to this server");
    }

    #[test]
    fn a_disconnect_is_recorded_and_uids_print_as_uuids() {
        let mut agent = Agent::new(Uid((1..=16).collect()), Transport::Http, Instant::now());
        agent.absorb(&AgentToServer { agent_disconnect: Some(AgentDisconnect {}), ..report(0, true) }, Instant::now());
        assert!(!agent.connected);
        assert_eq!(agent.uid.to_string(), "01020304-0506-0708-090a-0b0c0d0e0f10");
        assert_eq!(Uid(vec![0xab, 0x01]).to_string(), "ab01");
    }

    #[test]
    fn an_http_agent_is_gone_after_missing_three_of_its_polls() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut agent = Agent::new(Uid(vec![1; 16]), Transport::Http, start);
        agent.absorb(&report(0, true), start);
        // A burst of reports is no polling interval: until a poll, the OpAMP default.
        let applying = RemoteConfigStatus { status: 3, ..Default::default() };
        agent.absorb(&AgentToServer { remote_config_status: Some(applying), ..report(1, false) }, at(10));
        assert_eq!(agent.polling_interval(), DEFAULT_POLLING_INTERVAL);
        assert!(!agent.stopped_polling(at(10 + 89_000)));
        assert!(agent.stopped_polling(at(10 + 91_000)));
        // A poll one second later: it polls every second.
        let poll = AgentToServer { instance_uid: vec![1; 16], sequence_num: 2, capabilities: 0x3007, ..Default::default() };
        agent.absorb(&poll, at(1_010));
        assert_eq!(agent.polling_interval(), Duration::from_secs(1));
        assert!(!agent.stopped_polling(at(3_900)));
        assert!(agent.stopped_polling(at(4_100)));
        assert!(!agent.expired(at(4_100), Duration::from_secs(5)), "still connected: the fleet's tick marks it gone");
        agent.connected = false;
        assert!(!agent.expired(at(6_000), Duration::from_secs(5)));
        assert!(agent.expired(at(6_010), Duration::from_secs(5)));
        // Back after being gone: the silence is not taken as its polling interval.
        agent.absorb(&AgentToServer { sequence_num: 3, ..poll.clone() }, at(60_000));
        assert!(agent.connected);
        assert_eq!(agent.polling_interval(), Duration::from_secs(1));
        let websocket = Agent::new(Uid(vec![2; 16]), Transport::WebSocket, start);
        assert!(!websocket.stopped_polling(at(3_600_000)), "a WebSocket agent is gone when its connection closes");
    }
}
