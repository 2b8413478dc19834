//! The OpAMP messages, field for field from opamp-spec `proto/opamp/v1/opamp.proto` and
//! `anyvalue.proto` (field numbers and types as in spec/OPAMP.md §2). Maps are `BTreeMap`s
//! so that an encoding is the same every time (a server hashes what it sends).
//!
//! Sub-messages are `Option`s: an empty but present one (`agent_disconnect: Some(..)`)
//! is on the wire as its tag and length 0, and survives a round trip.

use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------
// anyvalue.proto

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnyValue {
    #[prost(oneof = "any_value::Value", tags = "1, 2, 3, 4, 5, 6, 7")]
    pub value: Option<any_value::Value>,
}

pub mod any_value {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(string, tag = "1")]
        StringValue(String),
        #[prost(bool, tag = "2")]
        BoolValue(bool),
        #[prost(int64, tag = "3")]
        IntValue(i64),
        #[prost(double, tag = "4")]
        DoubleValue(f64),
        #[prost(message, tag = "5")]
        ArrayValue(super::ArrayValue),
        #[prost(message, tag = "6")]
        KvlistValue(super::KeyValueList),
        #[prost(bytes = "vec", tag = "7")]
        BytesValue(Vec<u8>),
    }
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ArrayValue {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<AnyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyValueList {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyValue {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<AnyValue>,
}

impl KeyValue {
    /// A string attribute, the common case in an agent description.
    pub fn string(key: impl Into<String>, value: impl Into<String>) -> KeyValue {
        KeyValue { key: key.into(), value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }) }
    }
}

// ---------------------------------------------------------------------------------------
// Agent to server

#[derive(Clone, PartialEq, prost::Message)]
pub struct AgentToServer {
    #[prost(bytes = "vec", tag = "1")]
    pub instance_uid: Vec<u8>,
    #[prost(uint64, tag = "2")]
    pub sequence_num: u64,
    #[prost(message, optional, tag = "3")]
    pub agent_description: Option<AgentDescription>,
    #[prost(uint64, tag = "4")]
    pub capabilities: u64,
    #[prost(message, optional, tag = "5")]
    pub health: Option<ComponentHealth>,
    #[prost(message, optional, tag = "6")]
    pub effective_config: Option<EffectiveConfig>,
    #[prost(message, optional, tag = "7")]
    pub remote_config_status: Option<RemoteConfigStatus>,
    #[prost(message, optional, tag = "8")]
    pub package_statuses: Option<PackageStatuses>,
    #[prost(message, optional, tag = "9")]
    pub agent_disconnect: Option<AgentDisconnect>,
    #[prost(uint64, tag = "10")]
    pub flags: u64,
    #[prost(message, optional, tag = "11")]
    pub connection_settings_request: Option<ConnectionSettingsRequest>,
    #[prost(message, optional, tag = "12")]
    pub custom_capabilities: Option<CustomCapabilities>,
    #[prost(message, optional, tag = "13")]
    pub custom_message: Option<CustomMessage>,
    #[prost(message, optional, tag = "14")]
    pub available_components: Option<AvailableComponents>,
    #[prost(message, optional, tag = "15")]
    pub connection_settings_status: Option<ConnectionSettingsStatus>,
}

#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct AgentDisconnect {}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AgentDescription {
    #[prost(message, repeated, tag = "1")]
    pub identifying_attributes: Vec<KeyValue>,
    #[prost(message, repeated, tag = "2")]
    pub non_identifying_attributes: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ComponentHealth {
    #[prost(bool, tag = "1")]
    pub healthy: bool,
    #[prost(fixed64, tag = "2")]
    pub start_time_unix_nano: u64,
    #[prost(string, tag = "3")]
    pub last_error: String,
    #[prost(string, tag = "4")]
    pub status: String,
    #[prost(fixed64, tag = "5")]
    pub status_time_unix_nano: u64,
    #[prost(btree_map = "string, message", tag = "6")]
    pub component_health_map: BTreeMap<String, ComponentHealth>,
    #[prost(message, repeated, tag = "7")]
    pub attributes: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct EffectiveConfig {
    #[prost(message, optional, tag = "1")]
    pub config_map: Option<AgentConfigMap>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct RemoteConfigStatus {
    #[prost(bytes = "vec", tag = "1")]
    pub last_remote_config_hash: Vec<u8>,
    #[prost(enumeration = "RemoteConfigStatuses", tag = "2")]
    pub status: i32,
    #[prost(string, tag = "3")]
    pub error_message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum RemoteConfigStatuses {
    Unset = 0,
    Applied = 1,
    Applying = 2,
    Failed = 3,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PackageStatuses {
    #[prost(btree_map = "string, message", tag = "1")]
    pub packages: BTreeMap<String, PackageStatus>,
    #[prost(bytes = "vec", tag = "2")]
    pub server_provided_all_packages_hash: Vec<u8>,
    #[prost(string, tag = "3")]
    pub error_message: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PackageStatus {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub agent_has_version: String,
    #[prost(bytes = "vec", tag = "3")]
    pub agent_has_hash: Vec<u8>,
    #[prost(string, tag = "4")]
    pub server_offered_version: String,
    #[prost(bytes = "vec", tag = "5")]
    pub server_offered_hash: Vec<u8>,
    #[prost(enumeration = "PackageStatusEnum", tag = "6")]
    pub status: i32,
    #[prost(string, tag = "7")]
    pub error_message: String,
    #[prost(message, optional, tag = "8")]
    pub download_details: Option<PackageDownloadDetails>,
}

#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct PackageDownloadDetails {
    #[prost(double, tag = "1")]
    pub download_percent: f64,
    #[prost(double, tag = "2")]
    pub download_bytes_per_second: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum PackageStatusEnum {
    Installed = 0,
    InstallPending = 1,
    Installing = 2,
    InstallFailed = 3,
    Downloading = 4,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ConnectionSettingsStatus {
    #[prost(bytes = "vec", tag = "1")]
    pub last_connection_settings_hash: Vec<u8>,
    #[prost(enumeration = "ConnectionSettingsStatuses", tag = "2")]
    pub status: i32,
    #[prost(string, tag = "3")]
    pub error_message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum ConnectionSettingsStatuses {
    Unset = 0,
    Applied = 1,
    Applying = 2,
    Failed = 3,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AvailableComponents {
    #[prost(btree_map = "string, message", tag = "1")]
    pub components: BTreeMap<String, ComponentDetails>,
    #[prost(bytes = "vec", tag = "2")]
    pub hash: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ComponentDetails {
    #[prost(message, repeated, tag = "1")]
    pub metadata: Vec<KeyValue>,
    #[prost(btree_map = "string, message", tag = "2")]
    pub sub_component_map: BTreeMap<String, ComponentDetails>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ConnectionSettingsRequest {
    #[prost(message, optional, tag = "1")]
    pub opamp: Option<OpAmpConnectionSettingsRequest>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct OpAmpConnectionSettingsRequest {
    #[prost(message, optional, tag = "1")]
    pub certificate_request: Option<CertificateRequest>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct CertificateRequest {
    #[prost(bytes = "vec", tag = "1")]
    pub csr: Vec<u8>,
}

// ---------------------------------------------------------------------------------------
// Server to agent

#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerToAgent {
    #[prost(bytes = "vec", tag = "1")]
    pub instance_uid: Vec<u8>,
    #[prost(message, optional, tag = "2")]
    pub error_response: Option<ServerErrorResponse>,
    #[prost(message, optional, tag = "3")]
    pub remote_config: Option<AgentRemoteConfig>,
    #[prost(message, optional, tag = "4")]
    pub connection_settings: Option<ConnectionSettingsOffers>,
    #[prost(message, optional, tag = "5")]
    pub packages_available: Option<PackagesAvailable>,
    #[prost(uint64, tag = "6")]
    pub flags: u64,
    #[prost(uint64, tag = "7")]
    pub capabilities: u64,
    #[prost(message, optional, tag = "8")]
    pub agent_identification: Option<AgentIdentification>,
    #[prost(message, optional, tag = "9")]
    pub command: Option<ServerToAgentCommand>,
    #[prost(message, optional, tag = "10")]
    pub custom_capabilities: Option<CustomCapabilities>,
    #[prost(message, optional, tag = "11")]
    pub custom_message: Option<CustomMessage>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerErrorResponse {
    #[prost(enumeration = "ServerErrorResponseType", tag = "1")]
    pub r#type: i32,
    #[prost(string, tag = "2")]
    pub error_message: String,
    #[prost(oneof = "server_error_response::Details", tags = "3")]
    pub details: Option<server_error_response::Details>,
}

pub mod server_error_response {
    #[derive(Clone, Copy, PartialEq, prost::Oneof)]
    pub enum Details {
        #[prost(message, tag = "3")]
        RetryInfo(super::RetryInfo),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum ServerErrorResponseType {
    Unknown = 0,
    BadRequest = 1,
    Unavailable = 2,
}

#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct RetryInfo {
    #[prost(uint64, tag = "1")]
    pub retry_after_nanoseconds: u64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AgentRemoteConfig {
    #[prost(message, optional, tag = "1")]
    pub config: Option<AgentConfigMap>,
    #[prost(bytes = "vec", tag = "2")]
    pub config_hash: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AgentConfigMap {
    #[prost(btree_map = "string, message", tag = "1")]
    pub config_map: BTreeMap<String, AgentConfigFile>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AgentConfigFile {
    #[prost(bytes = "vec", tag = "1")]
    pub body: Vec<u8>,
    #[prost(string, tag = "2")]
    pub content_type: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AgentIdentification {
    #[prost(bytes = "vec", tag = "1")]
    pub new_instance_uid: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct ServerToAgentCommand {
    #[prost(enumeration = "CommandType", tag = "1")]
    pub r#type: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum CommandType {
    Restart = 0,
}

// ---------------------------------------------------------------------------------------
// Connection settings

#[derive(Clone, PartialEq, prost::Message)]
pub struct ConnectionSettingsOffers {
    #[prost(bytes = "vec", tag = "1")]
    pub hash: Vec<u8>,
    #[prost(message, optional, tag = "2")]
    pub opamp: Option<OpAmpConnectionSettings>,
    #[prost(message, optional, tag = "3")]
    pub own_metrics: Option<TelemetryConnectionSettings>,
    #[prost(message, optional, tag = "4")]
    pub own_traces: Option<TelemetryConnectionSettings>,
    #[prost(message, optional, tag = "5")]
    pub own_logs: Option<TelemetryConnectionSettings>,
    #[prost(btree_map = "string, message", tag = "6")]
    pub other_connections: BTreeMap<String, OtherConnectionSettings>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct OpAmpConnectionSettings {
    #[prost(string, tag = "1")]
    pub destination_endpoint: String,
    #[prost(message, optional, tag = "2")]
    pub headers: Option<Headers>,
    #[prost(message, optional, tag = "3")]
    pub certificate: Option<TlsCertificate>,
    #[prost(uint64, tag = "4")]
    pub heartbeat_interval_seconds: u64,
    #[prost(message, optional, tag = "5")]
    pub tls: Option<TlsConnectionSettings>,
    #[prost(message, optional, tag = "6")]
    pub proxy: Option<ProxyConnectionSettings>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TelemetryConnectionSettings {
    #[prost(string, tag = "1")]
    pub destination_endpoint: String,
    #[prost(message, optional, tag = "2")]
    pub headers: Option<Headers>,
    #[prost(message, optional, tag = "3")]
    pub certificate: Option<TlsCertificate>,
    #[prost(message, optional, tag = "4")]
    pub tls: Option<TlsConnectionSettings>,
    #[prost(message, optional, tag = "5")]
    pub proxy: Option<ProxyConnectionSettings>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct OtherConnectionSettings {
    #[prost(string, tag = "1")]
    pub destination_endpoint: String,
    #[prost(message, optional, tag = "2")]
    pub headers: Option<Headers>,
    #[prost(message, optional, tag = "3")]
    pub certificate: Option<TlsCertificate>,
    #[prost(btree_map = "string, string", tag = "4")]
    pub other_settings: BTreeMap<String, String>,
    #[prost(message, optional, tag = "5")]
    pub tls: Option<TlsConnectionSettings>,
    #[prost(message, optional, tag = "6")]
    pub proxy: Option<ProxyConnectionSettings>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TlsConnectionSettings {
    #[prost(string, tag = "1")]
    pub ca_pem_contents: String,
    #[prost(bool, tag = "2")]
    pub include_system_ca_certs_pool: bool,
    #[prost(bool, tag = "3")]
    pub insecure_skip_verify: bool,
    #[prost(string, tag = "4")]
    pub min_version: String,
    #[prost(string, tag = "5")]
    pub max_version: String,
    #[prost(string, repeated, tag = "6")]
    pub cipher_suites: Vec<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ProxyConnectionSettings {
    #[prost(string, tag = "1")]
    pub url: String,
    #[prost(message, optional, tag = "2")]
    pub connect_headers: Option<Headers>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Headers {
    #[prost(message, repeated, tag = "1")]
    pub headers: Vec<Header>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Header {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TlsCertificate {
    #[prost(bytes = "vec", tag = "1")]
    pub cert: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub private_key: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    pub ca_cert: Vec<u8>,
}

// ---------------------------------------------------------------------------------------
// Packages

#[derive(Clone, PartialEq, prost::Message)]
pub struct PackagesAvailable {
    #[prost(btree_map = "string, message", tag = "1")]
    pub packages: BTreeMap<String, PackageAvailable>,
    #[prost(bytes = "vec", tag = "2")]
    pub all_packages_hash: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PackageAvailable {
    #[prost(enumeration = "PackageType", tag = "1")]
    pub r#type: i32,
    #[prost(string, tag = "2")]
    pub version: String,
    #[prost(message, optional, tag = "3")]
    pub file: Option<DownloadableFile>,
    #[prost(bytes = "vec", tag = "4")]
    pub hash: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum PackageType {
    TopLevel = 0,
    Addon = 1,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct DownloadableFile {
    #[prost(string, tag = "1")]
    pub download_url: String,
    #[prost(bytes = "vec", tag = "2")]
    pub content_hash: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    pub signature: Vec<u8>,
    #[prost(message, optional, tag = "4")]
    pub headers: Option<Headers>,
}

// ---------------------------------------------------------------------------------------
// Custom capabilities and messages

#[derive(Clone, PartialEq, prost::Message)]
pub struct CustomCapabilities {
    #[prost(string, repeated, tag = "1")]
    pub capabilities: Vec<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct CustomMessage {
    #[prost(string, tag = "1")]
    pub capability: String,
    #[prost(string, tag = "2")]
    pub r#type: String,
    #[prost(bytes = "vec", tag = "3")]
    pub data: Vec<u8>,
}
