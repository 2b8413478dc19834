//! The OpAMP client (the collector's `opamp` extension): the agent reports itself to an
//! OpAMP server and takes rules from it, over a WebSocket or by polling over HTTP. Rule
//! files pushed as a remote config are compiled off the data path and swapped in whole
//! (crate::rules); the protocol itself is the `ottl-opamp` crate.
//!
//! - `session`: uid, sequence numbers, what changed since the last report.
//! - `client`: what a server's message does; APPLYING, then APPLIED or FAILED.
//! - `remote`: what a remote config's entries mean.
//! - `saved`: the last applied remote config, kept across restarts.
//! - `identity`: the instance uid kept across restarts, description, capabilities.
//! - `health`: each pipeline's health.
//! - `ws`, `http`: the two transports.

mod client;
mod health;
mod http;
mod identity;
mod remote;
mod saved;
mod session;
mod state_file;
mod ws;

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::{Config, OpAmpConfig, OpAmpTransport};
use crate::rules::Rules;
use crate::stats::Stats;
use client::Client;
use health::HealthWatch;
use session::Session;

/// Starts the client; it says goodbye to the server and ends when `stopping` turns true.
/// Fails only on what the config cannot have caught: the state directory, the TLS setup.
pub fn start(
    opamp: &OpAmpConfig,
    running: &Config,
    rules: Arc<Rules>,
    stats: Arc<Stats>,
    stopping: watch::Receiver<bool>,
) -> Result<JoinHandle<Result<(), String>>, String> {
    let state_dir = identity::state_directory(opamp);
    let uid = identity::instance_uid(opamp, &state_dir)?;
    tracing::info!("OpAMP: instance uid {uid} (kept in {})", state_dir.display());
    let session = Session::new(uid.as_bytes().to_vec(), identity::capabilities(opamp), identity::description(opamp, uid));
    let health = opamp.reports_health.then(|| HealthWatch::new(running, stats));
    let mut client = Client::new(session, rules, health, opamp.reports_effective_config, state_dir, opamp.max_message_size);
    // Before the receivers start (the caller starts them after this): no record runs the
    // local rules when a remote config was applied before the restart.
    client.restore_saved();
    let opamp = opamp.clone();
    Ok(match opamp.transport {
        OpAmpTransport::WebSocket => tokio::spawn(async move {
            ws::run(&mut client, &opamp, stopping).await;
            Ok(())
        }),
        OpAmpTransport::Http { polling_interval } => {
            let poster = http::Poster::new(&opamp)?;
            tokio::spawn(async move {
                http::run(&mut client, poster, polling_interval, stopping).await;
                Ok(())
            })
        }
    })
}
