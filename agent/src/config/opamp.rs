//! `opamp`: the collector's OpAMP extension (contrib `extension/opampextension`), with its
//! keys: `server` with `ws` (`endpoint`, `headers`, `tls`) or `http` (the same and
//! `polling_interval`), `instance_uid`, `capabilities` (`reports_effective_config`,
//! `reports_health`) and `agent_description` (`non_identifying_attributes`). The agent
//! adds where it keeps its state and the message size limit, which the collector leaves to
//! its supervisor.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ottl_grammar::Code;

use ottl_pipeline::settings::{At, Reader};
use super::{ClientTls, ComponentId, tls};

const KEYS: &[&str] = &["server", "instance_uid", "capabilities", "agent_description", "state_directory", "max_message_size_mib"];
const TRANSPORT_KEYS: &[&str] = &["endpoint", "headers", "tls"];
const HTTP_KEYS: &[&str] = &["endpoint", "headers", "tls", "polling_interval"];
/// The extension's default polling interval over plain HTTP.
const DEFAULT_POLLING_INTERVAL: Duration = Duration::from_secs(30);

/// How the agent reaches its OpAMP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpAmpTransport {
    /// `server::ws`: one WebSocket, the server pushes when it likes.
    WebSocket,
    /// `server::http`: a `POST` every `polling_interval`, the server answers each.
    Http { polling_interval: Duration },
}

#[derive(Clone, Debug)]
pub struct OpAmpConfig {
    pub transport: OpAmpTransport,
    /// `ws://`, `wss://`, `http://` or `https://`, with the path (`/v1/opamp`).
    pub endpoint: String,
    /// Sent on every request (the WebSocket's upgrade): `Authorization` for bearer or
    /// basic auth.
    pub headers: Vec<(String, String)>,
    /// Used for `wss://` and `https://` endpoints.
    pub tls: ClientTls,
    /// `instance_uid`: a fixed uid; without it one is made once and kept in the state
    /// directory.
    pub instance_uid: Option<[u8; 16]>,
    pub reports_effective_config: bool,
    pub reports_health: bool,
    pub non_identifying_attributes: BTreeMap<String, String>,
    /// `state_directory`; without it, `$XDG_STATE_HOME/ottl-agent` (or
    /// `~/.local/state/ottl-agent`).
    pub state_directory: Option<PathBuf>,
    /// `max_message_size_mib`: the largest message taken or sent (the spec's 64 MiB).
    pub max_message_size: usize,
}

/// Reads an `opamp` extension.
pub fn extension(reader: &mut Reader<'_>, at: At, id: &ComponentId, base_dir: &Path) -> Option<OpAmpConfig> {
    let mut server = None;
    let mut config = OpAmpConfig {
        transport: OpAmpTransport::WebSocket,
        endpoint: String::new(),
        headers: Vec::new(),
        tls: ClientTls::default(),
        instance_uid: None,
        reports_effective_config: true,
        reports_health: true,
        non_identifying_attributes: BTreeMap::new(),
        state_directory: None,
        max_message_size: ottl_opamp::DEFAULT_MAX_MESSAGE_SIZE,
    };
    for (key, at) in reader.settings(at, &id.0, KEYS) {
        match key.as_str() {
            "server" => server = Some(at),
            "instance_uid" => config.instance_uid = Some(instance_uid(reader, at)?),
            "capabilities" => {
                let what = format!("{id}::capabilities");
                for (key, at) in reader.settings(at, &what, &["reports_effective_config", "reports_health"]) {
                    let value = reader.bool(at, &format!("`{key}`"))?;
                    match key.as_str() {
                        "reports_effective_config" => config.reports_effective_config = value,
                        _ => config.reports_health = value,
                    }
                }
            }
            "agent_description" => {
                let what = format!("{id}::agent_description");
                for (_, at) in reader.settings(at, &what, &["non_identifying_attributes"]) {
                    for (name, at) in reader.entries(at, "`non_identifying_attributes`") {
                        let value = reader.scalar(at, &format!("attribute `{name}`"))?;
                        config.non_identifying_attributes.insert(name, value);
                    }
                }
            }
            "state_directory" => config.state_directory = Some(base_dir.join(reader.scalar(at, "`state_directory`")?)),
            _ => {
                let mib = reader.number(at, "`max_message_size_mib`", |n| n > 0.0 && n <= 4096.0, "between 0 and 4096")?;
                config.max_message_size = (mib * f64::from(1u32 << 20)) as usize;
            }
        }
    }
    let Some(server) = server else {
        reader.error(
            Code::InvalidComponentSetting,
            at.key_of(),
            format!("`{id}` has no `server`"),
            "add `server: {ws: {endpoint: ws://HOST:4320/v1/opamp}}` or `server: {http: {endpoint: ...}}`",
        );
        return None;
    };
    read_server(reader, server, id, base_dir, &mut config)?;
    Some(config)
}

/// `server`: exactly one of `ws` and `http`.
fn read_server(reader: &mut Reader<'_>, at: At, id: &ComponentId, base_dir: &Path, config: &mut OpAmpConfig) -> Option<()> {
    let entries = reader.settings(at, &format!("{id}::server"), &["ws", "http"]);
    let [(kind, at)] = entries.as_slice() else {
        reader.error(
            Code::InvalidComponentSetting,
            at.key_of(),
            format!("`{id}::server` must have one of `ws` and `http`"),
            "the agent talks to its server over a WebSocket (`ws`) or by polling over HTTP (`http`)",
        );
        return None;
    };
    let (kind, at) = (kind.as_str(), *at);
    let what = format!("{id}::server::{kind}");
    let (keys, schemes) = match kind {
        "ws" => (TRANSPORT_KEYS, ["ws://", "wss://"]),
        _ => (HTTP_KEYS, ["http://", "https://"]),
    };
    config.transport = match kind {
        "ws" => OpAmpTransport::WebSocket,
        _ => OpAmpTransport::Http { polling_interval: DEFAULT_POLLING_INTERVAL },
    };
    let mut endpoint = None;
    for (key, at) in reader.settings(at, &what, keys) {
        match key.as_str() {
            "endpoint" => {
                let text = reader.scalar(at, "`endpoint`")?;
                if !schemes.iter().any(|scheme| text.starts_with(scheme)) {
                    reader.error(
                        Code::InvalidComponentSetting,
                        at,
                        format!("`{what}::endpoint` must start with {} or {}", schemes[0], schemes[1]),
                        format!("write a URL such as {}localhost:4320/v1/opamp", schemes[0]),
                    );
                    return None;
                }
                endpoint = Some(text);
            }
            "headers" => {
                for (name, at) in reader.entries(at, "`headers`") {
                    let value = reader.scalar(at, &format!("header `{name}`"))?;
                    config.headers.push((name, value));
                }
            }
            "tls" => config.tls = tls::client(reader, at, &format!("{what}::tls"), base_dir)?,
            _ => {
                let interval = reader.duration(at, "`polling_interval`")?;
                // The extension takes 0 as its default.
                let interval = if interval.is_zero() { DEFAULT_POLLING_INTERVAL } else { interval };
                config.transport = OpAmpTransport::Http { polling_interval: interval };
            }
        }
    }
    let Some(endpoint) = endpoint else {
        reader.error(
            Code::InvalidComponentSetting,
            at.key_of(),
            format!("`{what}` has no `endpoint`"),
            "add `endpoint:` with the server's URL",
        );
        return None;
    };
    config.endpoint = endpoint;
    Some(())
}

/// `instance_uid`: a UUID in its canonical text form, as the extension takes it.
fn instance_uid(reader: &mut Reader<'_>, at: At) -> Option<[u8; 16]> {
    let text = reader.scalar(at, "`instance_uid`")?;
    match parse_uuid(&text) {
        Some(uid) => Some(uid),
        None => {
            reader.error(
                Code::InvalidComponentSetting,
                at,
                format!("`instance_uid` must be a UUID, not `{text}`"),
                "write a UUID such as 01912f3c-8a6e-7b3d-9c1a-2f4e5d6c7b8a, or leave it out to have one made",
            );
            None
        }
    }
}

/// The bytes of a UUID written `8-4-4-4-12` in hex.
fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let groups: Vec<&str> = text.split('-').collect();
    if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
        return None;
    }
    let hex = groups.concat();
    let mut uid = [0u8; 16];
    for (i, byte) in uid.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(uid)
}
