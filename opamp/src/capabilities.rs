//! Capability bits and message flags (spec/OPAMP.md §2.2–§2.4): plain `u64` masks, as they
//! are on the wire, so that bits a peer sets and we do not know survive untouched.

/// `AgentCapabilities`.
pub mod agent {
    pub const REPORTS_STATUS: u64 = 0x0001;
    pub const ACCEPTS_REMOTE_CONFIG: u64 = 0x0002;
    pub const REPORTS_EFFECTIVE_CONFIG: u64 = 0x0004;
    pub const ACCEPTS_PACKAGES: u64 = 0x0008;
    pub const REPORTS_PACKAGE_STATUSES: u64 = 0x0010;
    pub const REPORTS_OWN_TRACES: u64 = 0x0020;
    pub const REPORTS_OWN_METRICS: u64 = 0x0040;
    pub const REPORTS_OWN_LOGS: u64 = 0x0080;
    pub const ACCEPTS_OPAMP_CONNECTION_SETTINGS: u64 = 0x0100;
    pub const ACCEPTS_OTHER_CONNECTION_SETTINGS: u64 = 0x0200;
    pub const ACCEPTS_RESTART_COMMAND: u64 = 0x0400;
    pub const REPORTS_HEALTH: u64 = 0x0800;
    pub const REPORTS_REMOTE_CONFIG: u64 = 0x1000;
    pub const REPORTS_HEARTBEAT: u64 = 0x2000;
    pub const REPORTS_AVAILABLE_COMPONENTS: u64 = 0x4000;
    pub const REPORTS_CONNECTION_SETTINGS_STATUS: u64 = 0x8000;
}

/// `ServerCapabilities`.
pub mod server {
    pub const ACCEPTS_STATUS: u64 = 0x01;
    pub const OFFERS_REMOTE_CONFIG: u64 = 0x02;
    pub const ACCEPTS_EFFECTIVE_CONFIG: u64 = 0x04;
    pub const OFFERS_PACKAGES: u64 = 0x08;
    pub const ACCEPTS_PACKAGES_STATUS: u64 = 0x10;
    pub const OFFERS_CONNECTION_SETTINGS: u64 = 0x20;
    pub const ACCEPTS_CONNECTION_SETTINGS_REQUEST: u64 = 0x40;
}

/// `AgentToServerFlags`.
pub mod agent_flags {
    /// The agent asks the server for an instance uid (it sends a temporary one meanwhile).
    pub const REQUEST_INSTANCE_UID: u64 = 0x1;
}

/// `ServerToAgentFlags`.
pub mod server_flags {
    /// The agent must send everything it may have left out as unchanged.
    pub const REPORT_FULL_STATE: u64 = 0x1;
    pub const REPORT_AVAILABLE_COMPONENTS: u64 = 0x2;
}
