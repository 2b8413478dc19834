//! `ottl-fleet`: an OpAMP server for OTTL rule sets.
//!
//! - [`config`]: the fleet's YAML: groups, their selectors and rollout policy.
//! - [`ruleset`]: a group's rule files, and the compiler's verdict on them.
//! - [`watch`]: polls the rules directory and offers what changed and passed.
//! - [`rollout`]: canaries first, the rest after a health window; halt on failure.
//! - [`registry`]: what the server knows of each agent.
//! - [`fleet`]: groups, generations and agents together: who is offered what.
//! - [`server`], [`http_transport`], [`ws_transport`]: both transports and `/status` on one port.
//! - [`status`]: the status JSON and its table; [`status_client`]: how `ottl-fleet status` reads it.
//! - [`tls`], [`auth`]: HTTPS/WSS on the port, and the bearer token the OpAMP endpoint and
//!   the status want.

pub mod auth;
pub mod config;
pub mod fleet;
pub mod http_transport;
pub mod registry;
pub mod rollout;
pub mod ruleset;
pub mod selector;
pub mod server;
pub mod status;
pub mod status_client;
pub mod tls;
pub mod watch;
pub mod ws_transport;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use config::FleetConfig;
use fleet::Fleet;
use server::Shared;

/// How often rollouts are looked at for health windows that passed.
const TICK: Duration = Duration::from_millis(100);

/// Serves `config` until the process is stopped. Prints `listening on ADDR` to stdout once
/// the port is bound (the address with the port the system chose, for `:0`).
pub async fn serve(config: FleetConfig) -> Result<(), String> {
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let fleet = Arc::new(Mutex::new(Fleet::new(config.groups.clone(), config.agents)));
    tokio::spawn(watch::watch(fleet.clone(), config.rules_dir.clone(), config.poll_interval));
    tokio::spawn(tick(fleet.clone()));
    let shared = Shared {
        fleet,
        max_message_size: ottl_opamp::DEFAULT_MAX_MESSAGE_SIZE,
        bearer_token: config.bearer_token.as_deref().map(Arc::from),
    };
    let router = server::router(shared, &config.path);
    let tls = config.tls.as_ref().map(|tls| tls::server_config(&tls.cert_file, &tls.key_file)).transpose()?;
    println!("listening on {address}");
    tracing::info!(%address, path = %config.path, rules = %config.rules_dir.display(), tls = tls.is_some(), "serving");
    match tls {
        Some(tls) => {
            let incoming = tls::TlsIncoming::new(listener, tls).map_err(|e| e.to_string())?;
            axum::serve(incoming, router).await.map_err(|e| e.to_string())
        }
        None => axum::serve(listener, router).await.map_err(|e| e.to_string()),
    }
}

async fn tick(fleet: Arc<Mutex<Fleet>>) {
    let mut interval = tokio::time::interval(TICK);
    loop {
        interval.tick().await;
        match fleet.lock() {
            Ok(mut fleet) => fleet.tick(Instant::now()),
            Err(_) => return,
        }
    }
}
