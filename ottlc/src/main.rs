//! `ottlc`: check, format, run and explain OTTL.

mod config_rules;
mod github;
mod inputs;
mod relative;
mod report;
mod sarif;
mod testing;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ottl_compiler::interp;
use ottl_compiler::program::{ErrorMode, RuleSet};
use ottl_compiler::render;
use ottl_compiler::schema;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::Code;
use ottl_grammar::format::format_document;
use ottl_jit as jit;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;
use ottl_pipeline::rules_processor::FileReport;
use report::{Format, Report, Tally};

#[derive(Parser)]
#[command(name = "ottlc", version, about = "The OpenTelemetry Transformation Language compiler")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check `.ottl` files and the OTTL inside collector YAML; exit 1 on errors.
    Check {
        /// Files to check: `.ottl` documents, collector configs (`.yaml`/`.yml`), `-` for
        /// OTTL on stdin, or directories (their `.ottl` and YAML files, `.gitignore` honoured).
        #[arg(required = true, value_name = "PATH")]
        files: Vec<PathBuf>,
        /// The OTTL context to check against (resource, scope, span, spanevent, spanlink,
        /// metric, datapoint, log, profile); inferred from path prefixes when absent.
        #[arg(long, value_parser = parse_context)]
        context: Option<schema::Context>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors for the exit status.
        #[arg(long)]
        deny_warnings: bool,
        /// Collector feature gates your collector enables, comma-separated as in the
        /// collector's own flag (e.g. `ottl.functions.enableLambda`).
        #[arg(long, value_delimiter = ',')]
        feature_gates: Vec<String>,
    },
    /// Rewrite `.ottl` files in canonical form.
    Fmt {
        /// Files to format (`-` formats stdin to stdout).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing; list the files that are not formatted and exit 1 if any.
        #[arg(long)]
        check: bool,
        /// Print the formatted text instead of rewriting the files.
        #[arg(long)]
        stdout: bool,
    },
    /// Run rules on OTLP JSON: transformed items to OUT, routed items to
    /// `--routes-dir`, dropped items nowhere.
    Run {
        /// The rule file (`.ottl`), then the OTLP JSON input (`resourceSpans`,
        /// `resourceMetrics` or `resourceLogs`; `-` = stdin). With `--config`, the input only.
        #[arg(value_name = "[RULES] INPUT", num_args = 1..=2, required = true)]
        files: Vec<PathBuf>,
        /// Run a collector config's pipeline instead of a rule file: its transform and
        /// filter processors in order, as the collector runs them (needs `--pipeline`).
        #[arg(long, requires = "pipeline")]
        config: Option<PathBuf>,
        /// The pipeline of `--config` to run (`traces`, `logs/critical`, ...).
        #[arg(long, requires = "config")]
        pipeline: Option<String>,
        /// Where the items no rule routed go; stdout when absent or `-`.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The rules' context; inferred from path prefixes when absent.
        #[arg(long, value_parser = parse_context)]
        context: Option<schema::Context>,
        #[arg(long, value_enum, default_value_t = Backend::Jit)]
        backend: Backend,
        /// Write the items routed to `x` (by `route("x")`) to `DIR/x.json`.
        #[arg(long, value_name = "DIR")]
        routes_dir: Option<PathBuf>,
        /// What a failing statement does: `ignore` (log, go on), `silent`, `propagate` (fail).
        #[arg(long, default_value = "ignore", value_parser = parse_error_mode)]
        error_mode: ErrorMode,
        /// Collector feature gates to assume enabled, comma-separated.
        #[arg(long, value_delimiter = ',')]
        feature_gates: Vec<String>,
        /// Indent the OTLP JSON written (the default when stdout is a terminal); otherwise
        /// it is compact, as the collector writes it.
        #[arg(long)]
        pretty: bool,
    },
    /// Compile a rule file and print what the back end made of it: the typed IR, the
    /// Cranelift IR, or the machine code.
    Compile {
        /// The rule file (`.ottl`).
        rules: PathBuf,
        #[arg(long, value_enum, default_value_t = Emit::Clif)]
        emit: Emit,
        /// The rules' context; inferred from path prefixes when absent.
        #[arg(long, value_parser = parse_context)]
        context: Option<schema::Context>,
        /// Collector feature gates to assume enabled, comma-separated.
        #[arg(long, value_delimiter = ',')]
        feature_gates: Vec<String>,
    },
    /// Run test files (`NAME.ottl-test.yaml`): inputs through a rule file or a config's
    /// pipeline, checked against expectations; exit 1 when a test fails.
    Test {
        /// Test files, or directories: their `*.ottl-test.yaml` files.
        #[arg(required = true, value_name = "PATH")]
        files: Vec<PathBuf>,
        /// Run only the tests whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
        #[arg(long, value_enum, default_value_t = testing::TestFormat::Human)]
        format: testing::TestFormat,
        #[arg(long, value_enum, default_value_t = Backend::Jit)]
        backend: Backend,
        /// Collector feature gates to assume enabled, comma-separated.
        #[arg(long, value_delimiter = ',')]
        feature_gates: Vec<String>,
    },
    /// Explain a diagnostic code (`ottlc explain E0007`) or a function (`ottlc explain
    /// Concat`), or list every code.
    Explain { code: Option<String> },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// The typed intermediate representation both back ends consume.
    Ir,
    /// Cranelift IR, one function per rule set plus one per lambda.
    Clif,
    /// The machine code Cranelift generated.
    Asm,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    /// The reference interpreter.
    Interp,
    /// The Cranelift JIT.
    Jit,
}

impl From<Backend> for ottl_pipeline::Backend {
    fn from(backend: Backend) -> Self {
        match backend {
            Backend::Interp => ottl_pipeline::Backend::Interpreter,
            Backend::Jit => ottl_pipeline::Backend::Jit,
        }
    }
}

/// Parsing builds many small nodes; mimalloc makes that markedly cheaper than the
/// system allocator (see the parse benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `--context`: any statement context of the schema (`instrumentation_scope` is `scope`).
fn parse_context(name: &str) -> Result<schema::Context, String> {
    schema::Context::parse(name).filter(|c| c.is_statement_context()).ok_or_else(|| {
        let names: Vec<&str> = schema::Context::STATEMENT_CONTEXTS.iter().map(|c| c.name()).collect();
        format!("not an OTTL context; one of: {}", names.join(", "))
    })
}

fn parse_error_mode(name: &str) -> Result<ErrorMode, String> {
    ErrorMode::parse(name).ok_or_else(|| "one of: ignore, silent, propagate".to_string())
}

/// The collector's `--feature-gates` also takes `+gate` (enable) and `-gate` (disable).
fn enabled_gates(gates: &[String]) -> Vec<String> {
    gates.iter().filter(|gate| !gate.starts_with('-')).map(|gate| gate.trim_start_matches('+').to_string()).collect()
}

const EXIT_USAGE_OR_IO: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, context, format, deny_warnings, feature_gates } => {
            let options = AnalysisOptions { context, feature_gates: enabled_gates(&feature_gates), ..AnalysisOptions::default() };
            check(&files, &options, format, deny_warnings)
        }
        Command::Run { files, config, pipeline, output, context, backend, routes_dir, error_mode, feature_gates, pretty } => {
            let (rules, input) = match (&files[..], config.is_some()) {
                ([input], true) => (None, input.clone()),
                ([rules, input], false) => (Some(rules.clone()), input.clone()),
                _ => return fail("give RULES and INPUT, or `--config FILE --pipeline NAME` and INPUT".into(), EXIT_USAGE_OR_IO),
            };
            let job = RunJob {
                rules,
                pipeline: config.zip(pipeline),
                input,
                output,
                context,
                backend,
                routes_dir,
                error_mode,
                feature_gates: enabled_gates(&feature_gates),
                pretty,
            };
            run(&job)
        }
        Command::Compile { rules, emit, context, feature_gates } => {
            compile(&rules, emit, context, &enabled_gates(&feature_gates))
        }
        Command::Fmt { files, check, stdout } => fmt(&files, check, stdout),
        Command::Test { files, filter, format, backend, feature_gates } => {
            let analysis = AnalysisOptions { feature_gates: enabled_gates(&feature_gates), ..AnalysisOptions::default() };
            testing::run(&test_files(&files), &testing::TestOptions { backend: backend.into(), filter, format, analysis })
        }
        Command::Explain { code } => explain(code.as_deref()),
    }
}

/// The test files named, and the `*.ottl-test.yaml` files under the directories named
/// (walked as `check` walks them).
fn test_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let in_dir = |dir: &PathBuf| {
        let found = inputs::expand(std::slice::from_ref(dir)).files;
        found.into_iter().filter(|file| file.to_string_lossy().ends_with(testing::TEST_FILE_SUFFIX)).collect()
    };
    paths.iter().flat_map(|path| if path.is_dir() { in_dir(path) } else { vec![path.clone()] }).collect()
}

fn read_source(path: &Path) -> Result<SourceFile, String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(SourceFile::new("<stdin>", text, SourceKind::Ottl));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("{} is not UTF-8 (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to()))?;
    Ok(SourceFile::new(path.display().to_string(), text, SourceKind::from_path(path)))
}

/// `ottlc check`: a file that is neither OTTL nor YAML is a usage error and nothing is
/// checked; a file or directory that cannot be read is reported and the others are checked.
fn check(paths: &[PathBuf], options: &AnalysisOptions, format: Format, deny_warnings: bool) -> ExitCode {
    let inputs = inputs::expand(paths);
    if !inputs.refused.is_empty() {
        for refusal in &inputs.refused {
            eprintln!("ottlc: {refusal}");
        }
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    let mut tally = Tally::default();
    for problem in &inputs.unreadable {
        eprintln!("ottlc: {problem}");
        tally.io_failed = true;
    }
    let mut report = Report::new(format);
    for path in &inputs.files {
        let file = match read_source(path) {
            Ok(file) => file,
            Err(message) => {
                eprintln!("ottlc: {message}");
                tally.io_failed = true;
                continue;
            }
        };
        let reports = match file.name.ends_with(testing::TEST_FILE_SUFFIX) {
            // A test file is checked as `ottlc test` checks it before running it.
            true => {
                let (file, diagnostics) = testing::diagnostics(path, file.text, options);
                vec![FileReport { file, diagnostics }]
            }
            false => check_file(path, file, options),
        };
        for checked in &reports {
            tally.count(&checked.diagnostics);
            report.file(&checked.file, &checked.diagnostics);
        }
    }
    report.finish(&tally);
    let _ = std::io::stdout().flush();
    if tally.io_failed {
        ExitCode::from(EXIT_USAGE_OR_IO)
    } else if tally.errors > 0 || (deny_warnings && tally.warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A rule file's or config's diagnostics; a config's `rules` processors are read as the
/// agent reads them, so a mistake in their settings is the config's and one in their files
/// is reported in the file.
fn check_file(path: &Path, file: SourceFile, options: &AnalysisOptions) -> Vec<FileReport> {
    let mut diagnostics = analyze(&file, options).diagnostics;
    let rules = match file.kind {
        SourceKind::CollectorYaml => config_rules::read(&file, path, options),
        SourceKind::Ottl => None,
    };
    let Some(rules) = rules else { return vec![FileReport { file, diagnostics }] };
    diagnostics.extend(rules.diagnostics);
    diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    let mut reports = vec![FileReport { file, diagnostics }];
    reports.extend(rules.reports);
    reports
}

fn fmt(paths: &[PathBuf], check_only: bool, to_stdout: bool) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for path in paths {
        let file = match read_source(path) {
            Ok(file) if file.kind == SourceKind::CollectorYaml => {
                eprintln!("ottlc: {}: fmt formats .ottl files, not collector YAML", file.name);
                return ExitCode::from(EXIT_USAGE_OR_IO);
            }
            Ok(file) => file,
            Err(message) => {
                eprintln!("ottlc: {message}");
                return ExitCode::from(EXIT_USAGE_OR_IO);
            }
        };
        let formatted = match format_document(&file.text) {
            Ok(formatted) => formatted,
            Err(errors) => {
                eprint!("{}", render::human(&file, &errors));
                eprintln!("ottlc: {} has syntax errors and was not formatted", file.name);
                status = ExitCode::FAILURE;
                continue;
            }
        };
        if check_only {
            if formatted != file.text {
                println!("would reformat {}", file.name);
                status = ExitCode::FAILURE;
            }
        } else if to_stdout || path == Path::new("-") {
            print!("{formatted}");
        } else if formatted != file.text
            && let Err(e) = std::fs::write(path, formatted)
        {
            eprintln!("ottlc: cannot write {}: {e}", path.display());
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
    }
    status
}

struct RunJob {
    /// The rule file; `None` with a config's pipeline.
    rules: Option<PathBuf>,
    /// A collector config and the pipeline of it to run.
    pipeline: Option<(PathBuf, String)>,
    input: PathBuf,
    output: Option<PathBuf>,
    context: Option<schema::Context>,
    backend: Backend,
    routes_dir: Option<PathBuf>,
    error_mode: ErrorMode,
    feature_gates: Vec<String>,
    pretty: bool,
}

/// `ottlc run`: exit 1 when the rules do not compile or a statement fails under
/// `propagate`, 2 on usage or I/O failure.
fn fail(message: String, code: u8) -> ExitCode {
    eprintln!("ottlc: {message}");
    ExitCode::from(code)
}

/// A `.ottl` rule file compiled to the typed IR. Its diagnostics, the same as `ottlc
/// check` reports, go to stderr.
fn load_rule_set(path: &Path, context: Option<schema::Context>, gates: &[String], mode: ErrorMode) -> Result<RuleSet, ExitCode> {
    let rules_file = match read_source(path) {
        Ok(file) if file.kind == SourceKind::CollectorYaml => {
            return Err(fail(format!("{}: takes a .ottl rule file", file.name), EXIT_USAGE_OR_IO));
        }
        Ok(file) => file,
        Err(message) => return Err(fail(message, EXIT_USAGE_OR_IO)),
    };
    let options = AnalysisOptions { context, feature_gates: gates.to_vec(), error_mode: mode };
    let analysis = analyze(&rules_file, &options);
    eprint!("{}", render::human(&rules_file, &analysis.diagnostics));
    analysis.into_rule_set().map_err(|_| fail(format!("{} does not compile", rules_file.name), 1))
}

/// `ottlc compile --emit`.
fn compile(rules: &Path, emit: Emit, context: Option<schema::Context>, gates: &[String]) -> ExitCode {
    let rule_set = match load_rule_set(rules, context, gates, ErrorMode::default()) {
        Ok(rule_set) => rule_set,
        Err(code) => return code,
    };
    if emit == Emit::Ir {
        println!("context {}", rule_set.context);
        for (rule, text) in &rule_set.rules {
            println!("// {text}\n{rule:#?}");
        }
        return ExitCode::SUCCESS;
    }
    match jit::compile_with_listing(&rule_set) {
        Ok((_, listing)) => {
            print!("{}", if emit == Emit::Clif { listing.clif } else { listing.asm });
            ExitCode::SUCCESS
        }
        Err(error) => fail(error.to_string(), 1),
    }
}

fn run(job: &RunJob) -> ExitCode {
    let outputs = match (&job.rules, &job.pipeline) {
        (Some(rules), _) => run_rules(job, rules),
        (None, Some((config, pipeline))) => run_pipeline(job, config, pipeline),
        (None, None) => return fail("nothing to run".into(), EXIT_USAGE_OR_IO),
    };
    let outputs = match outputs {
        Ok(outputs) => outputs,
        Err(code) => return code,
    };
    if !outputs.routes.is_empty() && job.routes_dir.is_none() {
        eprintln!("ottlc: warning: items were routed but no --routes-dir was given; they were not written");
    }
    if let Some(dir) = &job.routes_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(format!("cannot create {}: {e}", dir.display()), EXIT_USAGE_OR_IO);
        }
        for (route, telemetry) in &outputs.routes {
            if let Err(message) = write_json(Some(&dir.join(format!("{route}.json"))), telemetry, job.pretty) {
                return fail(message, EXIT_USAGE_OR_IO);
            }
        }
    }
    match write_json(job.output.as_deref(), &outputs.default, job.pretty) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message, EXIT_USAGE_OR_IO),
    }
}

/// The OTLP JSON input. The text is dropped once read, so that it and the output are never
/// held together.
fn read_input(path: &Path) -> Result<Telemetry, ExitCode> {
    let input = read_text(path).map_err(|message| fail(message, EXIT_USAGE_OR_IO))?;
    Telemetry::from_json(&input).map_err(|message| fail(format!("{}: {message}", path.display()), EXIT_USAGE_OR_IO))
}

/// A rule file on the input.
fn run_rules(job: &RunJob, rules: &Path) -> Result<Outputs, ExitCode> {
    let rule_set = load_rule_set(rules, job.context, &job.feature_gates, job.error_mode)?;
    let telemetry = read_input(&job.input)?;
    let warn = &mut |warning| eprintln!("ottlc: warning: {warning}");
    let ran = match job.backend {
        Backend::Interp => interp::run(&rule_set, telemetry, warn),
        Backend::Jit => jit::compile(&rule_set).and_then(|program| program.run(telemetry, warn)),
    };
    ran.map_err(|error| fail(error.to_string(), 1))
}

/// A config's pipeline on the input, through the runner `ottlc test` uses.
fn run_pipeline(job: &RunJob, config: &Path, pipeline: &str) -> Result<Outputs, ExitCode> {
    let options = AnalysisOptions { feature_gates: job.feature_gates.clone(), ..AnalysisOptions::default() };
    let stages = testing::pipeline(config, pipeline, job.backend.into(), &options).map_err(|message| fail(message, 1))?;
    let telemetry = read_input(&job.input)?;
    testing::run_stages(&stages, telemetry).map_err(|message| fail(message, 1))
}

fn read_text(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// OTLP JSON to `path` (stdout when `None` or `-`), one document and a newline, written
/// as it is made: compact, or indented when `pretty` or written to a terminal.
fn write_json(path: Option<&Path>, telemetry: &Telemetry, pretty: bool) -> Result<(), String> {
    match path.filter(|p| *p != Path::new("-")) {
        None => {
            let stdout = std::io::stdout();
            let pretty = pretty || stdout.is_terminal();
            write_document(&mut std::io::BufWriter::new(stdout.lock()), telemetry, pretty)
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
        Some(p) => std::fs::File::create(p)
            .and_then(|file| write_document(&mut std::io::BufWriter::new(file), telemetry, pretty))
            .map_err(|e| format!("cannot write {}: {e}", p.display())),
    }
}

fn write_document(writer: &mut impl Write, telemetry: &Telemetry, pretty: bool) -> std::io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *writer, &telemetry.to_json())?;
    } else {
        telemetry.write_json(writer)?;
    }
    writer.write_all(b"\n")?;
    writer.flush()
}

fn explain(code: Option<&str>) -> ExitCode {
    let Some(text) = code else {
        for code in Code::ALL {
            println!("{}  {}", code.as_str(), code.title());
        }
        return ExitCode::SUCCESS;
    };
    match Code::parse(text) {
        Some(code) => {
            println!("{}: {}\n\n{}", code.as_str(), code.title(), code.explanation());
            ExitCode::SUCCESS
        }
        None => match ottl_grammar::codes::retired(text) {
            Some(why) => {
                println!("{} is retired: ottlc no longer reports it.\n\n{why}", text.trim().to_uppercase());
                ExitCode::SUCCESS
            }
            None => match ottl_compiler::registry::lookup(text.trim()) {
                Some(function) => {
                    print!("{}", ottl_compiler::registry::reference::section(function));
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("ottlc: no diagnostic code or function `{text}`; `ottlc explain` lists the codes");
                    ExitCode::from(EXIT_USAGE_OR_IO)
                }
            },
        },
    }
}
