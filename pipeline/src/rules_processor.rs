//! The `rules` processor's settings (`context`, `files`, `statements`, `error_mode`,
//! `routes`) read from a config, its rule files compiled through the compiler's one way in.
//! The agent reads it to run it; `ottlc test` and `ottlc run --config` read it to run a
//! config's pipeline offline, so the two never read one config differently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ottl_compiler::program::{ErrorMode, RuleSet};
use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::yaml::tree::Tree;
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::{Code, Diagnostic};

use crate::config::ComponentId;
use crate::settings::{At, Reader};

/// The settings keys of a `rules` processor.
pub const RULES_PROCESSOR_KEYS: &[&str] = &["context", "files", "statements", "error_mode", "routes"];

/// The diagnostics of one file a config reads: the config itself, or a rule file.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a `rules` processor's files come from.
pub struct RuleFiles<'a> {
    /// The config file's directory: `files` are relative to it.
    pub base_dir: &'a Path,
    /// Rule files whose text is given rather than read from disk, by file name (an OpAMP
    /// server's `.ottl` entries replace the file of that name).
    pub texts: &'a BTreeMap<String, String>,
    /// Collector feature gates assumed enabled.
    pub feature_gates: &'a [String],
}

/// A `rules` processor read without error.
#[derive(Clone, Debug)]
pub struct RulesProcessor {
    /// Every rule of its files and inline statements, in one context.
    pub rule_set: RuleSet,
    /// Each route's exporters.
    pub routes: BTreeMap<String, Vec<ComponentId>>,
    /// The rule files it read, for reloads.
    pub files: Vec<PathBuf>,
}

/// An exporter a route names, and where: the caller checks that it exists.
pub struct RouteExporter {
    pub route: String,
    pub exporter: ComponentId,
    pub at: At,
}

/// Reads the `rules` processor `id` at `at`. Mistakes in its settings go to the reader's
/// diagnostics, each rule file's (and the inline statements') to `reports`; `None` when
/// there is any error.
pub fn read_rules_processor(
    reader: &mut Reader<'_>,
    at: At,
    id: &ComponentId,
    files: &RuleFiles<'_>,
    reports: &mut Vec<FileReport>,
    route_exporters: &mut Vec<RouteExporter>,
) -> Option<RulesProcessor> {
    let mut context = None;
    let mut error_mode = ErrorMode::Propagate;
    let mut sources = Vec::new();
    let mut routes = BTreeMap::new();
    let mut paths = Vec::new();
    let mut valid = true;
    for (key, at) in reader.settings(at, &id.0, RULES_PROCESSOR_KEYS) {
        match key.as_str() {
            "context" => {
                let name = reader.scalar(at, "`context`")?;
                match Context::parse(&name).filter(|c| c.is_statement_context()) {
                    Some(found) => context = Some(found),
                    None => {
                        reader.error(
                            Code::InvalidComponentSetting,
                            at,
                            format!("`{name}` is not a context rules run in"),
                            "use span, spanevent, metric, datapoint, log, profile, resource or scope",
                        );
                        valid = false;
                    }
                }
            }
            "error_mode" => {
                error_mode = ErrorMode::parse(&reader.one_of(at, "`error_mode`", &["ignore", "silent", "propagate"])?)?
            }
            "files" => {
                for (path, at) in reader.strings(at, "`files`") {
                    let full = files.base_dir.join(&path);
                    paths.push(full.clone());
                    let given = full.file_name().and_then(|name| files.texts.get(&*name.to_string_lossy()));
                    match given.map_or_else(|| std::fs::read_to_string(&full), |text| Ok(text.clone())) {
                        Ok(text) => sources.push(SourceFile::new(full.display().to_string(), text, SourceKind::Ottl)),
                        Err(error) => {
                            reader.error(
                                Code::InvalidComponentSetting,
                                at,
                                format!("cannot read rule file {}: {error}", full.display()),
                                "give a path relative to the config file",
                            );
                            valid = false;
                        }
                    }
                }
            }
            "statements" => {
                let lines: Vec<String> =
                    reader.strings(at, "`statements`").into_iter().map(|(text, _)| text.replace('\n', " ")).collect();
                let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
                sources.push(SourceFile::new(format!("{id} statements"), text, SourceKind::Ottl));
            }
            _ => {
                for (route, at) in reader.entries(at, "`routes`") {
                    let exporters = reader.strings(at, &format!("route `{route}`"));
                    let ids: Vec<ComponentId> = exporters.iter().map(|(name, _)| ComponentId(name.clone())).collect();
                    route_exporters.extend(ids.iter().zip(&exporters).map(|(exporter, (_, at))| RouteExporter {
                        route: route.clone(),
                        exporter: exporter.clone(),
                        at: *at,
                    }));
                    routes.insert(route, ids);
                }
            }
        }
    }
    let mut rule_set = RuleSet::new(context.unwrap_or(Context::Span), Vec::new(), error_mode);
    for source in sources {
        let (compiled, report) = compile_rules(source, context, error_mode, files.feature_gates);
        reports.push(report);
        match compiled {
            // All files of one processor run in one context: the first file's, unless given.
            Some(compiled) if rule_set.rules.is_empty() || compiled.context == rule_set.context => {
                rule_set.context = compiled.context;
                context = Some(compiled.context);
                rule_set.rules.extend(compiled.rules);
            }
            Some(compiled) => {
                let at = at.key_of();
                reader.error(
                    Code::InvalidComponentSetting,
                    at,
                    format!("`{id}`: its rules run in {} and in {}", rule_set.context, compiled.context),
                    "one rules processor runs in one context: set `context:`, or use one processor per context",
                );
                valid = false;
            }
            None => valid = false,
        }
    }
    valid.then_some(RulesProcessor { rule_set, routes, files: paths })
}

/// Every `rules` processor of a config, read: what `ottlc` checks and runs of a config
/// beside its transform and filter processors.
pub struct ConfigRulesProcessors {
    /// Those read without error.
    pub processors: BTreeMap<ComponentId, RulesProcessor>,
    /// Mistakes in their settings, in the config.
    pub diagnostics: Vec<Diagnostic>,
    /// Each rule file's (and inline statements') diagnostics.
    pub reports: Vec<FileReport>,
}

/// Reads every processor of type `rules` under `processors` of a config's tree.
pub fn read_config_rules_processors(tree: &Tree, files: &RuleFiles<'_>) -> ConfigRulesProcessors {
    let mut reader = Reader::new(tree);
    let mut processors = BTreeMap::new();
    let mut reports = Vec::new();
    let section = tree.roots.first().and_then(|&root| tree.get(root, "processors"));
    let entries = section.filter(|&section| tree.is_map(section)).map(|section| tree.keyed_entries(section));
    for (key, name, value) in entries.unwrap_or_default() {
        let id = ComponentId(name.to_string());
        if id.kind() != "rules" {
            continue;
        }
        let at = At { node: value, key: Some(key) };
        if let Some(processor) = read_rules_processor(&mut reader, at, &id, files, &mut reports, &mut Vec::new()) {
            processors.insert(id, processor);
        }
    }
    ConfigRulesProcessors { processors, diagnostics: reader.diagnostics, reports }
}

/// Compiles a rule-form file or inline statements for a `rules` processor.
fn compile_rules(file: SourceFile, context: Option<Context>, error_mode: ErrorMode, gates: &[String]) -> (Option<RuleSet>, FileReport) {
    let options = AnalysisOptions { context, feature_gates: gates.to_vec(), error_mode };
    let analysis = analyze(&file, &options);
    let diagnostics = analysis.diagnostics.clone();
    let rule_set = analysis.into_rule_set().ok();
    (rule_set, FileReport { file, diagnostics })
}
