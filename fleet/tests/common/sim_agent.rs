//! A lightweight simulated agent over WebSocket: it reports its description, answers the
//! server's requests for full state, hands out the offers it gets, and reports on them as
//! told. The tests and the 1,000-agent bench share it.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use ottl_opamp::capabilities::server_flags;
use ottl_opamp::framing;
use ottl_opamp::proto::{
    AgentDescription, AgentRemoteConfig, AgentToServer, ComponentHealth, KeyValue, RemoteConfigStatus, RemoteConfigStatuses,
    ServerToAgent,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// `ReportsStatus | AcceptsRemoteConfig | ReportsEffectiveConfig | ReportsHealth |
/// ReportsRemoteConfig | ReportsHeartbeat`.
pub const CAPABILITIES: u64 = 0x3807;

pub struct SimAgent {
    pub uid: Vec<u8>,
    sequence_num: u64,
    description: AgentDescription,
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl SimAgent {
    /// Connects and sends the first report.
    pub async fn connect(url: &str, uid: Vec<u8>, attributes: &[(&str, &str)]) -> Result<SimAgent, String> {
        let (socket, _) = tokio_tungstenite::connect_async(url).await.map_err(|e| e.to_string())?;
        let description = AgentDescription {
            identifying_attributes: attributes.iter().map(|(k, v)| KeyValue::string(*k, *v)).collect(),
            non_identifying_attributes: vec![KeyValue::string("os.type", "linux")],
        };
        let mut agent = SimAgent { uid, sequence_num: 0, description, socket };
        agent.send_full().await?;
        Ok(agent)
    }

    pub fn uid_text(&self) -> String {
        ottl_opamp::http::uid_text(&self.uid).unwrap_or_default()
    }

    async fn send(&mut self, mut message: AgentToServer) -> Result<(), String> {
        message.instance_uid = self.uid.clone();
        message.sequence_num = self.sequence_num;
        message.capabilities = CAPABILITIES;
        self.sequence_num += 1;
        self.socket.send(Message::Binary(Bytes::from(framing::encode(&message)))).await.map_err(|e| e.to_string())
    }

    async fn send_full(&mut self) -> Result<(), String> {
        let health = ComponentHealth { healthy: true, status: "running".into(), ..Default::default() };
        self.send(AgentToServer { agent_description: Some(self.description.clone()), health: Some(health), ..Default::default() })
            .await
    }

    /// The next message from the server, answering a request for full state on the way.
    pub async fn next_message(&mut self, timeout: Duration) -> Result<Option<ServerToAgent>, String> {
        loop {
            let received = match tokio::time::timeout(timeout, self.socket.next()).await {
                Err(_) => return Ok(None),
                Ok(None) => return Err("the server closed the connection".into()),
                Ok(Some(received)) => received.map_err(|e| e.to_string())?,
            };
            let Message::Binary(bytes) = received else { continue };
            let message: ServerToAgent =
                framing::decode(&bytes, ottl_opamp::DEFAULT_MAX_MESSAGE_SIZE).map_err(|e| e.to_string())?;
            if message.flags & server_flags::REPORT_FULL_STATE != 0 {
                self.send_full().await?;
            }
            return Ok(Some(message));
        }
    }

    /// The next offer, within `timeout`.
    pub async fn next_offer(&mut self, timeout: Duration) -> Result<Option<AgentRemoteConfig>, String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_message(left).await? {
                None => return Ok(None),
                Some(ServerToAgent { remote_config: Some(offer), .. }) => return Ok(Some(offer)),
                Some(_) => continue,
            }
        }
    }

    /// Reports what became of the config with `hash`.
    pub async fn report(&mut self, hash: &[u8], status: RemoteConfigStatuses, error_message: &str) -> Result<(), String> {
        let remote_config_status = RemoteConfigStatus {
            last_remote_config_hash: hash.to_vec(),
            status: status as i32,
            error_message: error_message.into(),
        };
        self.send(AgentToServer { remote_config_status: Some(remote_config_status), ..Default::default() }).await
    }

    /// Sends raw bytes as one binary message (for the hostile-input tests).
    pub async fn send_raw(&mut self, bytes: Vec<u8>) -> Result<(), String> {
        self.socket.send(Message::Binary(Bytes::from(bytes))).await.map_err(|e| e.to_string())
    }

    /// The close frame's code, once the server closes the connection.
    pub async fn closed_with(&mut self, timeout: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.socket.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
                Ok(Some(Ok(_))) => continue,
                _ => return None,
            }
        }
    }
}

/// A fresh instance uid (UUIDv7).
pub fn new_uid() -> Vec<u8> {
    uuid::Uuid::now_v7().as_bytes().to_vec()
}
