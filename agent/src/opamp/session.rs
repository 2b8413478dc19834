//! The client's protocol state, whatever the transport: the instance uid, the sequence
//! number, and what was last reported, so that each message carries only what changed
//! (spec §3.2) unless the server asked for the full state (§3.3).

use std::time::{Duration, Instant};

use ottl_opamp::capabilities::server_flags;
use ottl_opamp::proto::{
    AgentDescription, AgentDisconnect, AgentToServer, ComponentHealth, EffectiveConfig, RemoteConfigStatus, ServerToAgent,
};

/// The heartbeat the spec proposes when the server offers none.
pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(30);

/// The status sub-messages, as they are now or as they were last reported.
#[derive(Clone, Default, PartialEq)]
struct Status {
    description: Option<AgentDescription>,
    health: Option<ComponentHealth>,
    effective_config: Option<EffectiveConfig>,
    remote_config_status: Option<RemoteConfigStatus>,
}

pub struct Session {
    pub uid: Vec<u8>,
    capabilities: u64,
    /// The number of the next message sent.
    sequence: u64,
    current: Status,
    reported: Status,
    /// The server asked for everything (or nothing was reported on this connection yet).
    full_state: bool,
    /// `heartbeat_interval_seconds` if the server offered one; zero: no heartbeats.
    pub offered_heartbeat: Option<Duration>,
    /// When the last message was sent: a heartbeat is due one interval after it.
    last_sent: Instant,
}

impl Session {
    pub fn new(uid: Vec<u8>, capabilities: u64, description: AgentDescription) -> Session {
        let current = Status { description: Some(description), ..Status::default() };
        Session {
            uid,
            capabilities,
            sequence: 0,
            current,
            reported: Status::default(),
            full_state: true,
            offered_heartbeat: None,
            last_sent: Instant::now(),
        }
    }

    /// How long after a message the next heartbeat is due; zero: none.
    fn heartbeat(&self) -> Duration {
        self.offered_heartbeat.unwrap_or(DEFAULT_HEARTBEAT)
    }

    /// When the next heartbeat is due: one interval after the last message sent, whatever
    /// else happened meanwhile; `None`: no heartbeats.
    pub fn next_heartbeat(&self) -> Option<Instant> {
        let interval = self.heartbeat();
        (!interval.is_zero()).then(|| self.last_sent + interval)
    }

    pub fn set_health(&mut self, health: ComponentHealth) {
        self.current.health = Some(health);
    }

    pub fn health(&self) -> Option<&ComponentHealth> {
        self.current.health.as_ref()
    }

    pub fn set_effective_config(&mut self, config: EffectiveConfig) {
        self.current.effective_config = Some(config);
    }

    pub fn set_remote_config_status(&mut self, status: RemoteConfigStatus) {
        self.current.remote_config_status = Some(status);
    }

    /// Whether a status changed since it was last reported: worth a message now.
    pub fn has_news(&self) -> bool {
        self.full_state || self.current != self.reported
    }

    /// The next message: uid, sequence number, capabilities, and every status that changed
    /// (all of them for a full state). Call [`Session::sent`] once it is sent.
    pub fn next_message(&self) -> AgentToServer {
        let full = self.full_state;
        AgentToServer {
            instance_uid: self.uid.clone(),
            sequence_num: self.sequence,
            capabilities: self.capabilities,
            agent_description: changed(full, &self.current.description, &self.reported.description),
            health: changed(full, &self.current.health, &self.reported.health),
            effective_config: changed(full, &self.current.effective_config, &self.reported.effective_config),
            remote_config_status: changed(full, &self.current.remote_config_status, &self.reported.remote_config_status),
            ..AgentToServer::default()
        }
    }

    /// The last message of a connection.
    pub fn disconnect_message(&self) -> AgentToServer {
        AgentToServer {
            instance_uid: self.uid.clone(),
            sequence_num: self.sequence,
            capabilities: self.capabilities,
            agent_disconnect: Some(AgentDisconnect {}),
            ..AgentToServer::default()
        }
    }

    /// `message` reached the server: what it carried counts as reported.
    pub fn sent(&mut self, message: &AgentToServer) {
        self.sequence += 1;
        self.last_sent = Instant::now();
        keep(&mut self.reported.description, &message.agent_description);
        keep(&mut self.reported.health, &message.health);
        keep(&mut self.reported.effective_config, &message.effective_config);
        keep(&mut self.reported.remote_config_status, &message.remote_config_status);
        if message.agent_description.is_some() {
            self.full_state = false;
        }
    }

    /// A new connection: the spec lets its first report leave out what is unchanged, but a
    /// server that restarted knows nothing, so the first report is a full one.
    pub fn reconnected(&mut self) {
        self.full_state = true;
    }

    /// Takes what concerns the session in a server's message: a new instance uid (true
    /// when it changed), the full-state flag, the heartbeat interval.
    pub fn receive(&mut self, message: &ServerToAgent) -> bool {
        if message.flags & server_flags::REPORT_FULL_STATE != 0 {
            self.full_state = true;
        }
        if let Some(seconds) =
            message.connection_settings.as_ref().and_then(|s| s.opamp.as_ref()).map(|o| o.heartbeat_interval_seconds)
        {
            self.offered_heartbeat = Some(Duration::from_secs(seconds));
        }
        match &message.agent_identification {
            Some(identification)
                if identification.new_instance_uid.len() == 16 && identification.new_instance_uid != self.uid =>
            {
                self.uid.clone_from(&identification.new_instance_uid);
                true
            }
            _ => false,
        }
    }
}

/// `now` when it is to be sent: for a full state, or when it differs from what was sent.
fn changed<T: Clone + PartialEq>(full: bool, now: &Option<T>, then: &Option<T>) -> Option<T> {
    if full || now != then { now.clone() } else { None }
}

/// What a sent message carried counts as reported.
fn keep<T: Clone>(reported: &mut Option<T>, carried: &Option<T>) {
    if carried.is_some() {
        reported.clone_from(carried);
    }
}

#[cfg(test)]
mod tests {
    use ottl_opamp::proto::{AgentIdentification, KeyValue};

    use super::*;

    fn session() -> Session {
        let description =
            AgentDescription { identifying_attributes: vec![KeyValue::string("service.name", "a")], ..Default::default() };
        Session::new(vec![1; 16], 0x3007, description)
    }

    #[test]
    fn only_what_changed_is_sent_after_the_first_report() {
        let mut session = session();
        let first = session.next_message();
        assert!(first.agent_description.is_some());
        assert_eq!(first.sequence_num, 0);
        session.sent(&first);
        assert!(!session.has_news());
        let heartbeat = session.next_message();
        assert_eq!((heartbeat.sequence_num, heartbeat.agent_description.is_none()), (1, true));
        session.sent(&heartbeat);
        session.set_remote_config_status(RemoteConfigStatus { status: 2, ..Default::default() });
        assert!(session.has_news());
        let status = session.next_message();
        assert!(status.remote_config_status.is_some() && status.agent_description.is_none());
    }

    #[test]
    fn a_heartbeat_is_due_one_interval_after_the_last_message() {
        let mut session = session();
        let before = Instant::now();
        let first = session.next_message();
        session.sent(&first);
        let due = session.next_heartbeat().unwrap();
        assert!(due >= before + DEFAULT_HEARTBEAT && due <= Instant::now() + DEFAULT_HEARTBEAT);
        session.receive(&ServerToAgent {
            connection_settings: Some(ottl_opamp::proto::ConnectionSettingsOffers {
                opamp: Some(ottl_opamp::proto::OpAmpConnectionSettings { heartbeat_interval_seconds: 0, ..Default::default() }),
                ..Default::default()
            }),
            ..Default::default()
        });
        assert_eq!(session.next_heartbeat(), None, "an offered 0 turns heartbeats off");
    }

    #[test]
    fn a_message_not_sent_is_sent_again_with_the_same_number() {
        let session = session();
        let first = session.next_message();
        assert_eq!(session.next_message(), first);
    }

    #[test]
    fn report_full_state_sends_everything_again() {
        let mut session = session();
        session.set_remote_config_status(RemoteConfigStatus { status: 1, ..Default::default() });
        let first = session.next_message();
        session.sent(&first);
        session.receive(&ServerToAgent { flags: server_flags::REPORT_FULL_STATE, ..Default::default() });
        let full = session.next_message();
        assert!(full.agent_description.is_some() && full.remote_config_status.is_some());
    }

    #[test]
    fn a_new_instance_uid_of_16_bytes_is_adopted() {
        let mut session = session();
        let short = AgentIdentification { new_instance_uid: vec![2; 3] };
        assert!(!session.receive(&ServerToAgent { agent_identification: Some(short), ..Default::default() }));
        let new = AgentIdentification { new_instance_uid: vec![2; 16] };
        assert!(session.receive(&ServerToAgent { agent_identification: Some(new), ..Default::default() }));
        assert_eq!(session.next_message().instance_uid, vec![2; 16]);
    }
}
