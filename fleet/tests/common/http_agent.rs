//! A plain-HTTP agent made of single POSTs, for the tests that decide when it polls, what
//! it reports and when it falls silent.

use ottl_opamp::proto::{AgentDescription, AgentToServer, KeyValue, RemoteConfigStatus, RemoteConfigStatuses, ServerToAgent};
use prost::Message;

use super::http_exchange;
use super::sim_agent::CAPABILITIES;

/// What the server answered a POST: its status code, head and, on 200, its message.
pub struct Answer {
    pub code: u16,
    pub head: String,
    pub reply: Option<ServerToAgent>,
}

pub struct HttpAgent {
    pub uid: Vec<u8>,
    address: String,
    sequence_num: u64,
}

impl HttpAgent {
    pub fn new(address: &str, uid: Vec<u8>) -> HttpAgent {
        HttpAgent { uid, address: address.to_string(), sequence_num: 0 }
    }

    pub fn uid_text(&self) -> String {
        ottl_opamp::http::uid_text(&self.uid).unwrap_or_default()
    }

    /// POSTs `message` as this agent's next one. A refused message does not use up its
    /// sequence number.
    pub fn send(&mut self, mut message: AgentToServer) -> Answer {
        message.instance_uid = self.uid.clone();
        message.sequence_num = self.sequence_num;
        message.capabilities = CAPABILITIES;
        let headers = [("Content-Type", "application/x-protobuf")];
        let (code, head, body) = http_exchange(&self.address, "POST", "/v1/opamp", &headers, &message.encode_to_vec());
        let reply = (code == 200).then(|| ServerToAgent::decode(body.as_slice()).unwrap());
        if code == 200 {
            self.sequence_num += 1;
        }
        Answer { code, head, reply }
    }

    /// Its first report: its description with `service.name`.
    pub fn introduce(&mut self, service: &str) -> Answer {
        let description = AgentDescription {
            identifying_attributes: vec![KeyValue::string("service.name", service)],
            non_identifying_attributes: vec![],
        };
        self.send(AgentToServer { agent_description: Some(description), ..Default::default() })
    }

    /// A poll: only its uid, sequence number and capabilities.
    pub fn poll(&mut self) -> Answer {
        self.send(AgentToServer::default())
    }

    pub fn report(&mut self, hash: &[u8], status: RemoteConfigStatuses) -> Answer {
        let status = RemoteConfigStatus { last_remote_config_hash: hash.to_vec(), status: status as i32, ..Default::default() };
        self.send(AgentToServer { remote_config_status: Some(status), ..Default::default() })
    }
}
