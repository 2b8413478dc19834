//! A minimal OpAMP server over WebSocket (on `ottl-opamp`'s framing and messages) that pushes
//! a rule file (or any message) the moment it is told to, and keeps when each report
//! arrived and every remote config status the agent reports. It exists for pushes every 100 ms: ottl-fleet reads its directory every poll
//! interval and offers a change only once it has held for one more poll, and opamp-go's
//! test server answers each report with the offer current when it reads it, which can
//! overtake a newer push; here pushes go out in order, one writer, nothing else sent.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use ottl_opamp::framing;
use ottl_opamp::hash::config_hash;
use ottl_opamp::proto::{
    AgentConfigFile, AgentConfigMap, AgentRemoteConfig, AgentToServer, ConnectionSettingsOffers, OpAmpConnectionSettings,
    RemoteConfigStatus, RemoteConfigStatuses, ServerToAgent,
};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// The largest report taken from the agent.
const MAX_REPORT: usize = 16 << 20;

/// A running server, stopped with its runtime when dropped.
pub struct PushServer {
    pub port: u16,
    offers: mpsc::UnboundedSender<ServerToAgent>,
    statuses: Arc<Mutex<Vec<RemoteConfigStatus>>>,
    arrivals: Arc<Mutex<Vec<Instant>>>,
    _runtime: tokio::runtime::Runtime,
}

#[allow(clippy::unwrap_used, reason = "test server: one that cannot start or be read fails the test")]
impl PushServer {
    /// Listens on a free loopback port; serves one agent connection at a time.
    pub fn start() -> PushServer {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let (offers, mut pending) = mpsc::unbounded_channel::<ServerToAgent>();
        let statuses = Arc::new(Mutex::new(Vec::new()));
        let kept = statuses.clone();
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let arrived = arrivals.clone();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else { continue };
                loop {
                    tokio::select! {
                        incoming = socket.next() => match incoming {
                            Some(Ok(Message::Binary(bytes))) => {
                                arrived.lock().unwrap().push(Instant::now());
                                let report = framing::decode::<AgentToServer>(&bytes, MAX_REPORT);
                                if let Some(status) = report.ok().and_then(|r| r.remote_config_status) {
                                    kept.lock().unwrap().push(status);
                                }
                            }
                            Some(Ok(_)) => {}
                            _ => break,
                        },
                        offer = pending.recv() => {
                            let Some(offer) = offer else { return };
                            if socket.send(Message::Binary(framing::encode(&offer).into())).await.is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        });
        PushServer { port, offers, statuses, arrivals, _runtime: runtime }
    }

    /// Pushes `text` as the rule file `name` (sent as soon as an agent is connected); the
    /// offer's hash.
    pub fn push(&self, name: &str, text: &str) -> Vec<u8> {
        let (offer, hash) = offer_file(name, text);
        self.send(offer);
        hash
    }

    /// Sends `message` (as soon as an agent is connected).
    pub fn send(&self, message: ServerToAgent) {
        self.offers.send(message).unwrap();
    }

    /// When each of the agent's reports arrived, in order.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.arrivals.lock().unwrap().clone()
    }

    /// The last status the agent reported for the offer `hash`.
    pub fn status(&self, hash: &[u8]) -> Option<RemoteConfigStatuses> {
        RemoteConfigStatuses::try_from(self.last_report(hash)?.status).ok()
    }

    /// The last report of a status for the offer `hash`, with its error message.
    pub fn last_report(&self, hash: &[u8]) -> Option<RemoteConfigStatus> {
        let statuses = self.statuses.lock().unwrap();
        statuses.iter().rev().find(|s| s.last_remote_config_hash == hash).cloned()
    }
}

/// A message offering `seconds` as the heartbeat interval
/// (`connection_settings.opamp.heartbeat_interval_seconds`).
pub fn heartbeat_offer(seconds: u64) -> ServerToAgent {
    let opamp = OpAmpConnectionSettings { heartbeat_interval_seconds: seconds, ..Default::default() };
    let connection_settings = ConnectionSettingsOffers { opamp: Some(opamp), ..Default::default() };
    ServerToAgent { connection_settings: Some(connection_settings), ..Default::default() }
}

/// A message offering `text` as the config file `name`, and the offer's hash.
pub fn offer_file(name: &str, text: &str) -> (ServerToAgent, Vec<u8>) {
    let file = AgentConfigFile { body: text.as_bytes().to_vec(), content_type: "text/plain".into() };
    let map = AgentConfigMap { config_map: [(name.to_string(), file)].into() };
    let config_hash = config_hash(&map);
    let remote_config = AgentRemoteConfig { config: Some(map), config_hash: config_hash.clone() };
    (ServerToAgent { remote_config: Some(remote_config), ..Default::default() }, config_hash)
}
