//! `ottl-agent`: OTLP in, the collector's OTTL pipelines as JIT-compiled rules, OTLP out.
//!
//! - `ottl-agent` runs the embedded default (OTLP on 127.0.0.1:4317 and :4318, the working
//!   directory's `rules.ottl` when there is one, the debug exporter).
//! - `ottl-agent --config FILE` runs a collector-layout config.
//! - `ottl-agent validate --config FILE` checks a config and its OTTL; exit 1 on errors.

mod agent;
mod batching;
mod config;
mod exporters;
mod generation;
mod pipeline;
mod receivers;
mod rpc_status;
mod stats;
mod telemetry;
mod tls;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use agent::ConfigSource;
use generation::Backend;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "ottl-agent", version, about = "Runs the collector's OTTL pipelines as compiled rules: OTLP in, OTLP out")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A config in the collector's layout; without it, the embedded default runs.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Run the rules on the reference interpreter instead of the JIT.
    #[arg(long)]
    interpreter: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Checks a config and all the OTTL in it; exit 0 when it would start, 1 when not.
    Validate,
}

/// Exit code of a config that does not load or start.
const EXIT_CONFIG: u8 = 1;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let source = match &cli.config {
        Some(path) => ConfigSource::File(path.clone()),
        None => ConfigSource::Default(std::env::current_dir().unwrap_or_default()),
    };
    let loaded = match source.load() {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("ottl-agent: {error}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    eprint!("{}", agent::render_reports(&loaded));
    if loaded.has_errors() {
        eprintln!("ottl-agent: the config has errors; not starting");
        return ExitCode::from(EXIT_CONFIG);
    }
    if let Some(Command::Validate) = cli.command {
        eprintln!("ottl-agent: the config is valid");
        return ExitCode::SUCCESS;
    }
    let backend = if cli.interpreter { Backend::Interpreter } else { Backend::Jit };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ottl-agent: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(agent::run(source, loaded.config, backend)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ottl-agent: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Structured logs on standard error; `RUST_LOG` filters them (default `info`).
fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).init();
}
