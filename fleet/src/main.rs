//! `ottl-fleet serve --config fleet.yaml` serves rule sets to a fleet of agents over OpAMP;
//! `ottl-fleet status --url http://host:4320` prints a running server's status as a table.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ottl_fleet::config::FleetConfig;
use ottl_fleet::status::Status;
use ottl_fleet::status_client;

/// Where `ottl-fleet status` finds the fleet's token when `--token` is not given.
const TOKEN_VARIABLE: &str = "OTTL_FLEET_TOKEN";

#[derive(Parser)]
#[command(name = "ottl-fleet", version, about = "An OpAMP server for OTTL rule sets, with staged rollout")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the rule sets of a fleet config.
    Serve {
        #[arg(long)]
        config: PathBuf,
        /// Overrides the config's `listen` (`127.0.0.1:0` picks a free port).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
    /// Print a running server's status as a table (`--json`: as the endpoint returns it).
    Status {
        /// `http://…`, or `https://…` for a fleet with `tls`.
        #[arg(long, default_value = "http://127.0.0.1:4320")]
        url: String,
        #[arg(long)]
        json: bool,
        /// The fleet's `auth.bearer_token`. Better in the environment variable
        /// OTTL_FLEET_TOKEN, read when this is not given, which keeps it out of shell history
        /// and process listings.
        #[arg(long)]
        token: Option<String>,
        /// The CA certificate (PEM) that signed an `https` fleet's certificate; the system's
        /// CAs without it.
        #[arg(long)]
        ca_file: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ottl-fleet: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match Cli::parse().command {
        Command::Serve { config, listen } => runtime.block_on(async {
            let mut config = FleetConfig::load(&config)?;
            if let Some(listen) = listen {
                config.listen = listen;
            }
            ottl_fleet::serve(config).await
        }),
        Command::Status { url, json, token, ca_file } => {
            let token = token.or_else(|| std::env::var(TOKEN_VARIABLE).ok().filter(|token| !token.is_empty()));
            runtime.block_on(print_status(&url, json, token.as_deref(), ca_file.as_deref()))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ottl-fleet: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn print_status(url: &str, json: bool, token: Option<&str>, ca_file: Option<&Path>) -> Result<(), String> {
    let body = status_client::fetch(url, token, ca_file).await?;
    let text = if json {
        String::from_utf8_lossy(&body).into_owned()
    } else {
        let status: Status = serde_json::from_slice(&body).map_err(|e| format!("{url} did not send a fleet status: {e}"))?;
        status.table()
    };
    let mut stdout = std::io::stdout();
    stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).map_err(|e| e.to_string())
}
