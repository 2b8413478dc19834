//! What the server knows about each agent: the last of everything it reported (agents send
//! only what changed), how it is connected, and what it was last offered.

use std::fmt;
use std::time::SystemTime;

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
    /// False after `agent_disconnect` or, over WebSocket, once the connection closed.
    pub connected: bool,
    pub last_seen: SystemTime,
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
    pub fn new(uid: Uid, transport: Transport) -> Agent {
        Agent {
            uid,
            transport,
            connection: None,
            connected: true,
            last_seen: SystemTime::now(),
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
    pub fn absorb(&mut self, message: &AgentToServer) -> bool {
        let in_sequence = self.sequence_num.is_some_and(|previous| message.sequence_num == previous.wrapping_add(1));
        if !in_sequence {
            // What it received meanwhile is unknown: offer again if it needs it.
            self.offered_hash = None;
        }
        self.sequence_num = Some(message.sequence_num);
        self.last_seen = SystemTime::now();
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

    /// The config hash the agent last said it received.
    pub fn reported_hash(&self) -> Option<&[u8]> {
        self.remote_config_status.as_ref().map(|status| status.last_remote_config_hash.as_slice())
    }

    /// Healthy, or not reporting health (which a rollout takes as healthy).
    pub fn healthy(&self) -> bool {
        self.health.as_ref().is_none_or(|health| health.healthy)
    }
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
        let mut agent = Agent::new(Uid(vec![1; 16]), Transport::Http);
        assert!(!agent.absorb(&report(0, true)), "a first report with its description is full");
        assert!(!agent.absorb(&report(1, false)));
        agent.offered_hash = Some(vec![9]);
        assert!(agent.absorb(&report(5, false)), "a gap");
        assert_eq!(agent.offered_hash, None);
        let mut stranger = Agent::new(Uid(vec![2; 16]), Transport::WebSocket);
        assert!(stranger.absorb(&report(7, false)), "unknown to this server");
    }

    #[test]
    fn a_disconnect_is_recorded_and_uids_print_as_uuids() {
        let mut agent = Agent::new(Uid((1..=16).collect()), Transport::Http);
        agent.absorb(&AgentToServer { agent_disconnect: Some(AgentDisconnect {}), ..report(0, true) });
        assert!(!agent.connected);
        assert_eq!(agent.uid.to_string(), "01020304-0506-0708-090a-0b0c0d0e0f10");
        assert_eq!(Uid(vec![0xab, 0x01]).to_string(), "ab01");
    }
}
