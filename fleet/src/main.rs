//! `ottl-fleet serve --config fleet.yaml` serves rule sets to a fleet of agents over OpAMP;
//! `ottl-fleet status --url http://host:4320` prints a running server's status as a table.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use ottl_fleet::config::FleetConfig;
use ottl_fleet::status::Status;

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
        #[arg(long, default_value = "http://127.0.0.1:4320")]
        url: String,
        #[arg(long)]
        json: bool,
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
        Command::Status { url, json } => runtime.block_on(print_status(&url, json)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ottl-fleet: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn print_status(url: &str, json: bool) -> Result<(), String> {
    let uri: hyper::Uri =
        format!("{}/status", url.trim_end_matches('/')).parse().map_err(|e| format!("bad --url `{url}`: {e}"))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let response = client.get(uri.clone()).await.map_err(|e| format!("cannot reach {uri}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("{uri} answered {}", response.status()));
    }
    let body = response.into_body().collect().await.map_err(|e| format!("reading {uri}: {e}"))?.to_bytes();
    let text = if json {
        String::from_utf8_lossy(&body).into_owned()
    } else {
        let status: Status = serde_json::from_slice(&body).map_err(|e| format!("{uri} did not send a fleet status: {e}"))?;
        status.table()
    };
    let mut stdout = std::io::stdout();
    stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).map_err(|e| e.to_string())
}
