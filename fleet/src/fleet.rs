//! The server's state: each group's generations and rollout, and every agent. One lock
//! around it; every change ends in [`Fleet::tick`], which moves rollouts on and pushes
//! offers over the WebSocket connections (plain-HTTP agents get theirs on their next poll),
//! and forgets the agents that have been gone too long.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ottl_opamp::capabilities::{agent as agent_caps, server as server_caps, server_flags};
use ottl_opamp::hash::config_hash;
use ottl_opamp::proto::{
    AgentConfigMap, AgentRemoteConfig, AgentToServer, RemoteConfigStatuses, RetryInfo, ServerErrorResponse,
    ServerErrorResponseType, ServerToAgent, server_error_response,
};

use crate::config::{AgentLimits, GroupConfig};
use crate::registry::{Agent, Connection, Transport, Uid, hex};
use crate::rollout::{CanaryReport, Phase};
use crate::ruleset::Verdict;
use crate::selector::as_text;
use crate::status::{AgentStatus, GroupStatus, Health, Rejected, RemoteStatus, RolloutStatus, Status};

/// What the server says it does, in every reply.
const CAPABILITIES: u64 = server_caps::ACCEPTS_STATUS | server_caps::OFFERS_REMOTE_CONFIG | server_caps::ACCEPTS_EFFECTIVE_CONFIG;

/// One checked version of a group's rule files.
#[derive(Debug)]
pub struct Generation {
    pub number: u64,
    pub config: AgentConfigMap,
    pub hash: Vec<u8>,
    pub warnings: String,
}

#[derive(Debug)]
struct Group {
    config: GroupConfig,
    /// The newest generation that passed the checks.
    current: Option<Arc<Generation>>,
    /// The generation offered to the agents a rollout has not reached yet.
    stable: Option<Arc<Generation>>,
    phase: Phase,
    rejected: Option<Rejected>,
}

pub struct Fleet {
    groups: Vec<Group>,
    agents: HashMap<Uid, Agent>,
    limits: AgentLimits,
    next_connection: u64,
}

impl Fleet {
    pub fn new(groups: Vec<GroupConfig>, limits: AgentLimits) -> Fleet {
        let groups = groups
            .into_iter()
            .map(|config| Group { config, current: None, stable: None, phase: Phase::Complete, rejected: None })
            .collect();
        Fleet { groups, agents: HashMap::new(), limits, next_connection: 0 }
    }

    pub fn group_names(&self) -> Vec<String> {
        self.groups.iter().map(|group| group.config.name.clone()).collect()
    }

    /// A new WebSocket connection's id.
    pub fn connection_id(&mut self) -> u64 {
        self.next_connection += 1;
        self.next_connection
    }

    /// The rule files of `group` as they now are on disk, with the compiler's verdict. A
    /// set without errors becomes the group's next generation, rolled out by its policy; a
    /// set with errors is only shown.
    pub fn offer_rules(&mut self, group: &str, config: AgentConfigMap, verdict: Verdict, now: Instant) {
        let hash = config_hash(&config);
        let members = self.connected_members(group);
        let Some(group) = self.groups.iter_mut().find(|g| g.config.name == group) else {
            return;
        };
        if verdict.has_errors {
            tracing::warn!(group = %group.config.name, "rule set not offered, it has errors:\n{}", verdict.diagnostics);
            group.rejected = Some(Rejected { hash: hex(&hash), diagnostics: verdict.diagnostics });
            return;
        }
        group.rejected = None;
        if group.current.as_ref().is_some_and(|current| current.hash == hash) {
            return;
        }
        if !verdict.diagnostics.is_empty() {
            tracing::warn!(group = %group.config.name, "rule set offered with warnings:\n{}", verdict.diagnostics);
        }
        let number = group.current.as_ref().map_or(1, |current| current.number + 1);
        if group.phase == Phase::Complete {
            group.stable = group.current.take();
        }
        group.current = Some(Arc::new(Generation { number, config, hash, warnings: verdict.diagnostics }));
        group.phase = Phase::start(&group.config.policy, &members, now);
        tracing::info!(group = %group.config.name, generation = number, phase = ?group.phase, "new generation");
        self.tick(now);
    }

    /// Takes in an agent's message and answers it.
    pub fn receive(
        &mut self,
        message: &AgentToServer,
        transport: Transport,
        connection: Option<&Connection>,
        now: Instant,
    ) -> ServerToAgent {
        let mut reply =
            ServerToAgent { instance_uid: message.instance_uid.clone(), capabilities: CAPABILITIES, ..Default::default() };
        if message.instance_uid.len() != 16 {
            reply.error_response = Some(ServerErrorResponse {
                r#type: ServerErrorResponseType::BadRequest as i32,
                error_message: format!("instance_uid must be 16 bytes, not {}", message.instance_uid.len()),
                details: None,
            });
            return reply;
        }
        let uid = Uid(message.instance_uid.clone());
        if !self.agents.contains_key(&uid) && self.agents.len() >= self.limits.max {
            tracing::debug!(agent = %uid, max = self.limits.max, "a new agent refused: the fleet is full");
            reply.error_response = Some(unavailable(self.limits.retry_after));
            return reply;
        }
        let agent = self.agents.entry(uid.clone()).or_insert_with(|| Agent::new(uid.clone(), transport, now));
        agent.transport = transport;
        if let Some(connection) = connection {
            if agent.connection.as_ref().is_none_or(|known| known.id != connection.id) {
                // A new connection knows nothing of earlier offers.
                agent.offered_hash = None;
            }
            agent.connection = Some(connection.clone());
        }
        if agent.absorb(message, now) {
            reply.flags |= server_flags::REPORT_FULL_STATE;
        }
        if message.agent_description.is_some() {
            let group = agent.description.as_ref().and_then(|d| self.groups.iter().find(|g| g.config.selector.matches(d)));
            agent.group = group.map(|g| g.config.name.clone());
        }
        if !agent.connected {
            agent.connection = None;
        }
        if let Some(offer) = self.offer_for(&uid) {
            reply.remote_config = Some(offer);
        }
        self.tick(now);
        reply
    }

    /// A WebSocket connection closed (its agent may already be on a newer one).
    pub fn disconnected(&mut self, uid: &Uid, connection_id: u64, now: Instant) {
        if let Some(agent) = self.agents.get_mut(uid).filter(|a| a.connection.as_ref().is_some_and(|c| c.id == connection_id)) {
            agent.connection = None;
            agent.connected = false;
            agent.last_seen = now;
        }
    }

    /// Forgets the agents gone for `forget_after` (so that a client inventing instance
    /// uids cannot grow the registry without bound, and a rollout stops waiting for a
    /// canary that is not coming back), moves rollouts on (canaries that applied, health
    /// windows that passed, forgotten canaries replaced) and pushes what each connected
    /// WebSocket agent lacks.
    pub fn tick(&mut self, now: Instant) {
        self.forget_gone_agents(now);
        for index in 0..self.groups.len() {
            let group = &self.groups[index];
            let Some(current) = group.current.clone() else { continue };
            let name = group.config.name.clone();
            let phase =
                group.phase.clone().without_forgotten(|uid| self.agents.contains_key(uid), || self.connected_members(&name));
            let was_running = matches!(phase, Phase::Canary { .. });
            let next = phase.advance(&group.config.policy, now, |uid| self.canary_report(uid, &current.hash));
            if was_running && !matches!(next, Phase::Canary { .. }) {
                tracing::info!(group = %group.config.name, generation = current.number, phase = ?next, "rollout ended");
            }
            self.groups[index].phase = next;
        }
        let pushes: Vec<Uid> = self
            .agents
            .values()
            .filter(|agent| agent.connected && agent.connection.is_some() && agent.transport == Transport::WebSocket)
            .map(|agent| agent.uid.clone())
            .collect();
        for uid in pushes {
            let Some(offer) = self.offer_for(&uid) else { continue };
            let Some(agent) = self.agents.get_mut(&uid) else { continue };
            let Some(connection) = &agent.connection else { continue };
            let message = ServerToAgent {
                instance_uid: uid.0.clone(),
                capabilities: CAPABILITIES,
                remote_config: Some(offer),
                ..Default::default()
            };
            if connection.sender.try_send(message).is_err() {
                // Its queue is full (or it just closed): offer it again on the next tick.
                agent.offered_hash = None;
            }
        }
    }

    /// Marks the plain-HTTP agents that stopped polling as gone, and forgets those gone
    /// for `forget_after`.
    fn forget_gone_agents(&mut self, now: Instant) {
        for agent in self.agents.values_mut().filter(|agent| agent.stopped_polling(now)) {
            tracing::info!(agent = %agent.uid, polling_interval = ?agent.polling_interval(), "an HTTP agent stopped polling");
            agent.connected = false;
        }
        let before = self.agents.len();
        let forget_after = self.limits.forget_after;
        self.agents.retain(|_, agent| !agent.expired(now, forget_after));
        if self.agents.len() < before {
            tracing::info!(forgotten = before - self.agents.len(), ?forget_after, "agents gone too long forgotten");
        }
    }

    fn canary_report(&self, uid: &Uid, hash: &[u8]) -> CanaryReport {
        let Some(agent) = self.agents.get(uid).filter(|agent| agent.connected) else {
            return CanaryReport::Away;
        };
        match agent.remote_config_status.as_ref().filter(|s| s.last_remote_config_hash == hash) {
            Some(status) if status.status == RemoteConfigStatuses::Applied as i32 => CanaryReport::Applied {
                healthy: agent.healthy(),
                last_error: agent.health.as_ref().map(|h| h.last_error.clone()).unwrap_or_default(),
            },
            Some(status) if status.status == RemoteConfigStatuses::Failed as i32 => {
                CanaryReport::Failed { error_message: status.error_message.clone() }
            }
            _ => CanaryReport::Pending,
        }
    }

    fn connected_members(&self, group: &str) -> BTreeSet<Uid> {
        self.agents.values().filter(|a| a.connected && a.group.as_deref() == Some(group)).map(|a| a.uid.clone()).collect()
    }

    /// The generation `agent` should run: the group's newest once the rollout reached it.
    fn desired(&self, agent: &Agent) -> Option<&Arc<Generation>> {
        let group = self.groups.iter().find(|g| Some(&g.config.name) == agent.group.as_ref())?;
        if group.phase == Phase::Complete || group.phase.is_canary(&agent.uid) {
            group.current.as_ref()
        } else {
            group.stable.as_ref()
        }
    }

    /// The offer to send `uid` now, if it accepts remote config, does not have what it
    /// should run, and was not already sent it; recorded as sent.
    fn offer_for(&mut self, uid: &Uid) -> Option<AgentRemoteConfig> {
        let agent = self.agents.get(uid)?;
        if agent.capabilities & agent_caps::ACCEPTS_REMOTE_CONFIG == 0 {
            return None;
        }
        let desired = self.desired(agent)?;
        if agent.reported_hash() == Some(desired.hash.as_slice()) || agent.offered_hash.as_ref() == Some(&desired.hash) {
            return None;
        }
        let offer = AgentRemoteConfig { config: Some(desired.config.clone()), config_hash: desired.hash.clone() };
        let hash = desired.hash.clone();
        self.agents.get_mut(uid)?.offered_hash = Some(hash);
        Some(offer)
    }

    pub fn status(&self) -> Status {
        let groups = self.groups.iter().map(group_status).collect();
        let mut agents: Vec<AgentStatus> = self.agents.values().map(|agent| self.agent_status(agent)).collect();
        agents.sort_by(|a, b| (&a.group, &a.uid).cmp(&(&b.group, &b.uid)));
        Status { groups, agents }
    }

    fn agent_status(&self, agent: &Agent) -> AgentStatus {
        let group = self.groups.iter().find(|g| Some(&g.config.name) == agent.group.as_ref());
        let generation_of = |hash: &[u8]| {
            let group = group?;
            [&group.current, &group.stable].into_iter().flatten().find(|g| g.hash == hash).map(|g| g.number)
        };
        let attributes =
            agent.description.iter().flat_map(|d| d.identifying_attributes.iter().chain(&d.non_identifying_attributes));
        AgentStatus {
            uid: agent.uid.to_string(),
            group: agent.group.clone(),
            transport: match agent.transport {
                Transport::WebSocket => "websocket".into(),
                Transport::Http => "http".into(),
            },
            connected: agent.connected,
            last_seen_unix_ms: SystemTime::now()
                .checked_sub(agent.last_seen.elapsed())
                .and_then(|seen| seen.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |since_epoch| since_epoch.as_millis() as u64),
            attributes: attributes.map(|kv| (kv.key.clone(), kv.value.as_ref().and_then(as_text).unwrap_or_default())).collect(),
            offered_generation: self.desired(agent).map(|g| g.number),
            remote_config_status: agent.remote_config_status.as_ref().map(|status| RemoteStatus {
                hash: hex(&status.last_remote_config_hash),
                status: status_name(status.status),
                generation: generation_of(&status.last_remote_config_hash),
                error_message: status.error_message.clone(),
            }),
            effective_config_hash: agent.effective_config_hash.as_deref().map(hex),
            health: agent.health.as_ref().map(|health| Health {
                healthy: health.healthy,
                status: health.status.clone(),
                last_error: health.last_error.clone(),
            }),
        }
    }
}

/// The refusal of a new agent while the fleet is full: `Unavailable`, retry after `retry_after`.
fn unavailable(retry_after: Duration) -> ServerErrorResponse {
    ServerErrorResponse {
        r#type: ServerErrorResponseType::Unavailable as i32,
        error_message: "the fleet is serving as many agents as it is configured for".into(),
        details: Some(server_error_response::Details::RetryInfo(RetryInfo {
            retry_after_nanoseconds: u64::try_from(retry_after.as_nanos()).unwrap_or(u64::MAX),
        })),
    }
}

/// How long `reply` tells its agent to wait, when it refuses the agent for now.
pub fn retry_after(reply: &ServerToAgent) -> Option<Duration> {
    let error = reply.error_response.as_ref().filter(|error| error.r#type == ServerErrorResponseType::Unavailable as i32)?;
    error.details.map(|server_error_response::Details::RetryInfo(RetryInfo { retry_after_nanoseconds })| {
        Duration::from_nanos(retry_after_nanoseconds)
    })
}

/// A `RemoteConfigStatuses` value as the proto names it (without the prefix).
fn status_name(status: i32) -> String {
    match RemoteConfigStatuses::try_from(status) {
        Ok(RemoteConfigStatuses::Unset) => "UNSET".into(),
        Ok(RemoteConfigStatuses::Applied) => "APPLIED".into(),
        Ok(RemoteConfigStatuses::Applying) => "APPLYING".into(),
        Ok(RemoteConfigStatuses::Failed) => "FAILED".into(),
        Err(_) => format!("UNKNOWN({status})"),
    }
}

fn group_status(group: &Group) -> GroupStatus {
    let (state, canaries, reason) = match &group.phase {
        Phase::Canary { canaries, .. } => ("canary", Some(canaries), None),
        Phase::Complete => ("complete", None, None),
        Phase::Halted { canaries, reason } => ("halted", Some(canaries), Some(reason.clone())),
    };
    GroupStatus {
        name: group.config.name.clone(),
        generation: group.current.as_ref().map(|g| g.number),
        hash: group.current.as_ref().map(|g| hex(&g.hash)),
        files: group.current.iter().flat_map(|g| g.config.config_map.keys().cloned()).collect(),
        stable_generation: if group.phase == Phase::Complete {
            group.current.as_ref().map(|g| g.number)
        } else {
            group.stable.as_ref().map(|g| g.number)
        },
        rollout: RolloutStatus {
            state: state.to_string(),
            canaries: canaries.into_iter().flatten().map(Uid::to_string).collect(),
            reason,
        },
        rejected: group.rejected.clone(),
        warnings: group.current.as_ref().map(|g| g.warnings.clone()).unwrap_or_default(),
    }
}
