//! The status endpoint's JSON (`GET /status`) and the table `ottl-fleet status` prints
//! from it: each group's offered generation and rollout, each agent's last report.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Status {
    pub groups: Vec<GroupStatus>,
    pub agents: Vec<AgentStatus>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GroupStatus {
    pub name: String,
    /// The newest generation that passed the checks; `None` before any did.
    pub generation: Option<u64>,
    pub hash: Option<String>,
    pub files: Vec<String>,
    /// The generation every agent of the group is offered while a rollout is not complete.
    pub stable_generation: Option<u64>,
    pub rollout: RolloutStatus,
    /// The newest content that failed the checks and was not offered, while it is on disk.
    pub rejected: Option<Rejected>,
    /// Warnings of the offered generation, rendered as `ottlc check` renders them.
    pub warnings: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RolloutStatus {
    /// `canary`, `complete` or `halted`.
    pub state: String,
    pub canaries: Vec<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rejected {
    pub hash: String,
    pub diagnostics: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentStatus {
    pub uid: String,
    pub group: Option<String>,
    /// `websocket` or `http`.
    pub transport: String,
    pub connected: bool,
    pub last_seen_unix_ms: u64,
    /// Its identifying and non-identifying attributes, as text.
    pub attributes: Vec<(String, String)>,
    /// The generation it should run (it is offered it until it reports it).
    pub offered_generation: Option<u64>,
    pub remote_config_status: Option<RemoteStatus>,
    pub effective_config_hash: Option<String>,
    pub health: Option<Health>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RemoteStatus {
    pub hash: String,
    /// `UNSET`, `APPLIED`, `APPLYING` or `FAILED`.
    pub status: String,
    /// The generation of the group whose hash it reported, when it is one the server knows.
    pub generation: Option<u64>,
    pub error_message: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Health {
    pub healthy: bool,
    pub status: String,
    pub last_error: String,
}

/// Enough of a hash to tell generations apart in a table.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_string())
}

impl Status {
    /// Two plain-text tables, groups then agents, with each rejected rule set's diagnostics
    /// and each failed agent's error after them.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let mut rows = vec![["GROUP", "GEN", "HASH", "STABLE", "ROLLOUT", "REJECTED"].map(String::from).to_vec()];
        for group in &self.groups {
            rows.push(vec![
                group.name.clone(),
                or_dash(group.generation.map(|g| g.to_string())),
                or_dash(group.hash.as_deref().map(|h| short(h).to_string())),
                or_dash(group.stable_generation.map(|g| g.to_string())),
                group.rollout.state.clone(),
                if group.rejected.is_some() { "yes".into() } else { "no".into() },
            ]);
        }
        write_rows(&mut out, &rows);
        out.push('\n');
        let mut rows =
            vec![["AGENT", "GROUP", "TRANSPORT", "CONNECTED", "OFFERED", "STATUS", "HASH", "HEALTHY"].map(String::from).to_vec()];
        for agent in &self.agents {
            let status = agent.remote_config_status.as_ref();
            rows.push(vec![
                agent.uid.clone(),
                or_dash(agent.group.clone()),
                agent.transport.clone(),
                agent.connected.to_string(),
                or_dash(agent.offered_generation.map(|g| g.to_string())),
                or_dash(status.map(|s| s.status.clone())),
                or_dash(status.map(|s| short(&s.hash).to_string())),
                or_dash(agent.health.as_ref().map(|h| h.healthy.to_string())),
            ]);
        }
        write_rows(&mut out, &rows);
        for group in &self.groups {
            if let Some(reason) = &group.rollout.reason {
                let _ = writeln!(out, "\ngroup {}: rollout halted: {reason}", group.name);
            }
            if let Some(rejected) = &group.rejected {
                let _ = write!(
                    out,
                    "\ngroup {}: rule set {} not offered:\n{}",
                    group.name,
                    short(&rejected.hash),
                    rejected.diagnostics
                );
            }
        }
        for agent in &self.agents {
            if let Some(status) = agent.remote_config_status.as_ref().filter(|s| !s.error_message.is_empty()) {
                let _ = write!(out, "\nagent {} {}:\n{}\n", agent.uid, status.status, status.error_message);
            }
        }
        out
    }
}

fn write_rows(out: &mut String, rows: &[Vec<String>]) {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns).map(|c| rows.iter().map(|row| row[c].len()).max().unwrap_or(0)).collect();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, width)| format!("{cell:width$}")).collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lines_up_and_shows_why() {
        let status = Status {
            groups: vec![GroupStatus {
                name: "edge".into(),
                generation: Some(2),
                hash: Some("0123456789abcdef".into()),
                files: vec!["rules.ottl".into()],
                stable_generation: Some(1),
                rollout: RolloutStatus {
                    state: "halted".into(),
                    canaries: vec!["a".into()],
                    reason: Some("canary a reported FAILED: x".into()),
                },
                rejected: Some(Rejected { hash: "ffff".into(), diagnostics: "error[E0001]: bad\n".into() }),
                warnings: String::new(),
            }],
            agents: vec![],
        };
        let table = status.table();
        assert!(
            table.starts_with(
                "GROUP  GEN  HASH          STABLE  ROLLOUT  REJECTED\nedge   2    0123456789ab  1       halted   yes\n"
            ),
            "{table}"
        );
        assert!(table.contains("rollout halted: canary a reported FAILED: x"), "{table}");
        assert!(table.contains("rule set ffff not offered:\nerror[E0001]: bad"), "{table}");
    }
}
