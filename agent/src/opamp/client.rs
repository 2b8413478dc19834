//! The client's behaviour, whatever the transport: what it does with a server's message,
//! and how it applies a remote config (APPLYING, then APPLIED or FAILED, spec §3.6).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ottl_opamp::proto::{
    AgentConfigFile, AgentConfigMap, AgentRemoteConfig, EffectiveConfig, RemoteConfigStatus, RemoteConfigStatuses,
    ServerErrorResponseType, ServerToAgent, server_error_response,
};
use uuid::Uuid;

use super::health::{HealthWatch, unix_nanos};
use super::identity;
use super::remote::{self, Offer};
use super::saved;
use super::session::Session;
use crate::config::RetryConfig;
use crate::exporters::Backoff;
use crate::rules::{CONFIG_ENTRY, EffectiveFiles, Rules};

/// The longest error text a FAILED status carries: a huge rule file's diagnostics are cut
/// there rather than make a message the server refuses.
const MAX_ERROR_MESSAGE: usize = 64 << 10;

/// What the transport does after a server's message.
pub enum Reaction {
    /// Send what changed, if anything.
    Report,
    /// The server is overloaded: disconnect, and wait this long (or back off).
    Throttled(Option<Duration>),
    /// Report APPLYING, then apply the offer and report how it went.
    Apply(Offer),
}

pub struct Client {
    pub session: Session,
    rules: Arc<Rules>,
    health: Option<HealthWatch>,
    reports_effective_config: bool,
    /// The hash of the last offer acted on.
    last_offer: Option<Vec<u8>>,
    /// The remote configs applied, the running one last: what a rollback goes back to.
    applied: Vec<AgentRemoteConfig>,
    /// The sequence number of the last rollback reported.
    rollbacks_seen: u64,
    state_dir: PathBuf,
    pub max_message_size: usize,
}

impl Client {
    pub fn new(
        session: Session,
        rules: Arc<Rules>,
        health: Option<HealthWatch>,
        reports_effective_config: bool,
        state_dir: PathBuf,
        max_message_size: usize,
    ) -> Client {
        let mut client = Client {
            session,
            rules,
            health,
            reports_effective_config,
            last_offer: None,
            applied: Vec::new(),
            rollbacks_seen: 0,
            state_dir,
            max_message_size,
        };
        client.refresh_effective_config();
        client.refresh();
        client
    }

    /// Reads what may have changed without a server's message: the health, and a rollback.
    pub fn refresh(&mut self) {
        self.refresh_health();
        self.refresh_rollback();
    }

    /// A rollback by the self-operation loop, once: a remote config it rolled back is
    /// FAILED with the reason and the numbers, and the one before it is kept for restarts
    /// (none: the local files run then).
    fn refresh_rollback(&mut self) {
        let Some(notice) = self.rules.last_rollback().filter(|notice| notice.sequence > self.rollbacks_seen) else { return };
        self.rollbacks_seen = notice.sequence;
        if notice.remote
            && let Some(rolled_back) = self.applied.pop()
        {
            let error = format!(
                "rolled back by the self-operation loop: generation {} back to {}: {}",
                notice.from, notice.to, notice.reason
            );
            self.set_status(&rolled_back.config_hash, RemoteConfigStatuses::Failed, error);
            let kept = match self.applied.last() {
                Some(before) => saved::save(&self.state_dir, before),
                None => saved::forget(&self.state_dir),
            };
            if let Err(error) = kept {
                tracing::warn!("{error}");
            }
        }
        self.refresh_effective_config();
    }

    /// Reads the health again; a change is stamped with the time it was seen.
    fn refresh_health(&mut self) {
        let Some(watch) = &self.health else { return };
        let now = watch.now();
        let unchanged = self.session.health().is_some_and(|old| ComponentHealthKey(old) == ComponentHealthKey(&now));
        if !unchanged {
            self.session
                .set_health(ottl_opamp::proto::ComponentHealth { status_time_unix_nano: unix_nanos(SystemTime::now()), ..now });
        }
    }

    fn refresh_effective_config(&mut self) {
        if self.reports_effective_config {
            self.session.set_effective_config(effective_config(self.rules.effective()));
        }
    }

    /// Runs the remote config the last run applied and saved, before the agent takes any
    /// data, and reports it APPLIED with its hash, so that a server that offered it need
    /// not offer it again. One that no longer applies (the local config changed under it)
    /// is reported FAILED and the local rules run; an unreadable one is a warning.
    pub fn restore_saved(&mut self) {
        let saved = match saved::load(&self.state_dir) {
            Ok(Some(saved)) => saved,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!("{error}; running the local config");
                return;
            }
        };
        let path = saved::path(&self.state_dir);
        let files = match remote::files(&saved) {
            Ok(files) => files,
            Err(error) => {
                tracing::warn!("{} is not a remote config that was applied: {error}; running the local config", path.display());
                return;
            }
        };
        self.last_offer = Some(saved.config_hash.clone());
        match self.rules.apply_remote(files) {
            Ok(()) => {
                tracing::info!("OpAMP: running the remote config the last run applied (kept in {})", path.display());
                self.applied = vec![saved.clone()];
                self.set_status(&saved.config_hash, RemoteConfigStatuses::Applied, String::new());
                self.refresh_effective_config();
            }
            Err(error) => {
                let error = format!("the remote config the last run applied no longer applies; the local config runs:\n{error}");
                tracing::error!("{error}");
                self.set_status(&saved.config_hash, RemoteConfigStatuses::Failed, truncate(error));
            }
        }
    }

    /// Takes a server's message.
    pub fn receive(&mut self, message: ServerToAgent) -> Reaction {
        if let Some(error) = &message.error_response {
            if error.r#type == ServerErrorResponseType::Unavailable as i32 {
                let retry = error
                    .details
                    .map(|server_error_response::Details::RetryInfo(info)| Duration::from_nanos(info.retry_after_nanoseconds));
                return Reaction::Throttled(retry);
            }
            tracing::warn!("the OpAMP server refused a message: {}", error.error_message);
            return Reaction::Report;
        }
        if self.session.receive(&message) {
            let uid = Uuid::from_slice(&self.session.uid).unwrap_or_default();
            tracing::info!("the OpAMP server assigned the instance uid {uid}");
            if let Err(error) = identity::keep_instance_uid(&self.state_dir, uid) {
                tracing::warn!("{error}");
            }
        }
        let Some(offer) = message.remote_config.as_ref().and_then(|r| remote::offer(r, self.last_offer.as_deref())) else {
            return Reaction::Report;
        };
        self.last_offer = Some(offer.hash.clone());
        if offer.files.is_ok() {
            self.set_status(&offer.hash, RemoteConfigStatuses::Applying, String::new());
        }
        Reaction::Apply(offer)
    }

    /// Applies an offer off the async threads (compiling is CPU work) and records the
    /// outcome: APPLIED with the new effective config, or FAILED with the reason. An
    /// applied offer logs its time to swap: from its message's arrival to the new
    /// generation serving.
    pub async fn apply(&mut self, offer: Offer) {
        let received = offer.received;
        let outcome = match offer.files {
            Ok(files) => {
                let rules = self.rules.clone();
                // Timed where the swap happens, not after the blocking task is joined.
                tokio::task::spawn_blocking(move || rules.apply_remote(files).map(|()| received.elapsed()))
                    .await
                    .unwrap_or_else(|error| Err(format!("applying the rules failed: {error}")))
            }
            Err(error) => Err(error),
        };
        match outcome {
            Ok(swap) => {
                // The time to swap (agent-bench's swap section reads it from the log).
                tracing::info!("remote config applied: serving {} µs after its message arrived", swap.as_micros());
                self.set_status(&offer.hash, RemoteConfigStatuses::Applied, String::new());
                self.refresh_effective_config();
                if let Err(error) = saved::save(&self.state_dir, &offer.remote) {
                    tracing::warn!("{error}; a restart runs the local config until the server offers it again");
                }
                // Only the one before it can be rolled back to.
                self.applied.push(offer.remote);
                if self.applied.len() > 2 {
                    self.applied.remove(0);
                }
            }
            Err(error) => {
                tracing::error!("remote config refused, the running rules stay:\n{error}");
                self.set_status(&offer.hash, RemoteConfigStatuses::Failed, truncate(error));
            }
        }
    }

    fn set_status(&mut self, hash: &[u8], status: RemoteConfigStatuses, error_message: String) {
        self.session.set_remote_config_status(RemoteConfigStatus {
            last_remote_config_hash: hash.to_vec(),
            status: status as i32,
            error_message,
        });
    }
}

/// A reconnect backoff as opamp-go's (cenkalti/backoff's defaults, capped at a minute).
pub fn reconnect_backoff() -> Backoff<impl FnMut() -> f64> {
    let config = RetryConfig {
        initial_interval: Duration::from_millis(500),
        max_interval: Duration::from_secs(60),
        multiplier: 1.5,
        randomization_factor: 0.5,
        ..RetryConfig::default()
    };
    Backoff::new(&config, rand::random::<f64>)
}

/// Health compared without its status time.
struct ComponentHealthKey<'h>(&'h ottl_opamp::proto::ComponentHealth);

impl PartialEq for ComponentHealthKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        (a.healthy, &a.last_error, &a.status, &a.component_health_map)
            == (b.healthy, &b.last_error, &b.status, &b.component_health_map)
    }
}

/// The running files as a config map: the config as YAML, rule files as text.
fn effective_config(files: EffectiveFiles) -> EffectiveConfig {
    let config_map = files
        .into_iter()
        .map(|(name, text)| {
            let content_type = if name == CONFIG_ENTRY { "text/yaml" } else { "text/plain" };
            (name, AgentConfigFile { body: text.into_bytes(), content_type: content_type.into() })
        })
        .collect();
    EffectiveConfig { config_map: Some(AgentConfigMap { config_map }) }
}

/// `error` cut to [`MAX_ERROR_MESSAGE`] bytes at a character boundary.
fn truncate(mut error: String) -> String {
    if error.len() > MAX_ERROR_MESSAGE {
        let mut end = MAX_ERROR_MESSAGE;
        while !error.is_char_boundary(end) {
            end -= 1;
        }
        error.truncate(end);
        error.push_str("\n(cut)");
    }
    error
}
