//! `ottl-agent`: OTLP in, the collector's OTTL pipelines as JIT-compiled rules, OTLP out.
//!
//! - `ottl-agent` runs the embedded default (OTLP on 127.0.0.1:4317 and :4318, the working
//!   directory's `rules.ottl` when there is one, the debug exporter).
//! - `ottl-agent --config FILE` runs a collector-layout config.
//! - `ottl-agent validate --config FILE` checks a config and its OTTL; exit 1 on errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use ottl_agent::agent::{self, ConfigSource};
use ottl_agent::generation::Backend;
use ottl_agent::rules;

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
    /// How long a shutdown (SIGTERM, SIGINT) waits for the queues to drain, in seconds;
    /// what is still queued after it is counted as failed.
    #[arg(long, value_name = "SECONDS", default_value_t = agent::DEFAULT_DRAIN_TIMEOUT.as_secs_f64())]
    drain_timeout: f64,
}

#[derive(Subcommand)]
enum Command {
    /// Checks a config and all the OTTL in it; exit 0 when it would start, 1 when not.
    Validate,
}

/// Exit code of a config that does not load or start.
const EXIT_CONFIG: u8 = 1;
/// Exit code of a command line that does not parse (clap's own).
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    disable_transparent_huge_pages();
    let Ok(drain_timeout) = std::time::Duration::try_from_secs_f64(cli.drain_timeout) else {
        eprintln!("ottl-agent: `--drain-timeout {}` is not a number of seconds", cli.drain_timeout);
        return ExitCode::from(EXIT_USAGE);
    };
    init_logging();
    let source = match &cli.config {
        Some(path) => ConfigSource::File(path.clone()),
        None => ConfigSource::Default(std::env::current_dir().unwrap_or_default()),
    };
    let (loaded, effective) = match source.load_with(&rules::RemoteFiles::default()) {
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
    match runtime.block_on(agent::run(source, loaded.config, effective, backend, drain_timeout)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ottl-agent: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Turns transparent huge pages off for the agent. mimalloc asks for them, and the kernel
/// zeroes each 2 MiB page when it is first touched: agent-bench's profiles showed a fifth
/// to a quarter of the agent's CPU in `clear_page_erms` under the allocator, where small
/// pages serve its many short-lived batches for less. Checked at each page fault, so it
/// covers what the allocator reserved before `main` too.
fn disable_transparent_huge_pages() {
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and changes nothing but
    // this process's huge-page policy; it cannot touch Rust-visible memory.
    let result = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    if result != 0 {
        eprintln!("ottl-agent: cannot turn transparent huge pages off: {}", std::io::Error::last_os_error());
    }
}

/// Structured logs on standard error; `RUST_LOG` filters them (default `info`).
fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).init();
}
