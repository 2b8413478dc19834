use std::collections::BTreeMap;

use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_runtime::otlp::Telemetry;

use super::*;

/// A `rules` processor over `text` (span context) with `routes` given exporters.
fn rules(text: &str, routes: &[&str], backend: Backend) -> CompiledProcessor {
    let file = SourceFile::new("r.ottl", text, SourceKind::Ottl);
    let rule_set = analyze(&file, &AnalysisOptions::default()).into_rule_set().unwrap();
    let routes: BTreeMap<String, Vec<ComponentId>> =
        routes.iter().map(|route| (route.to_string(), vec![ComponentId(format!("otlp/{route}"))])).collect();
    CompiledProcessor::rules(&rule_set, routes, backend, &mut Clone::clone).unwrap()
}

fn spans(names: &[&str]) -> Telemetry {
    let spans: Vec<String> = names.iter().map(|name| format!(r#"{{"name":"{name}"}}"#)).collect();
    Telemetry::from_json(&format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#, spans.join(","))).unwrap()
}

#[derive(Default)]
struct Counts {
    items_in: u64,
    routed: u64,
    dropped: u64,
}

impl Observer for Counts {
    fn items_in(&mut self, _: &ComponentId, items: u64) {
        self.items_in += items;
    }
    fn routed(&mut self, _: &ComponentId, items: u64) {
        self.routed += items;
    }
    fn dropped(&mut self, _: &ComponentId, items: u64) {
        self.dropped += items;
    }
}

#[test]
fn a_route_with_exporters_leaves_the_chain_and_one_without_goes_on() {
    for backend in [Backend::Jit, Backend::Interpreter] {
        let first = rules(
            "span.name == \"a\" > route(\"audit\")\nspan.name == \"b\" > route(\"nowhere\")\nspan.name == \"c\" > drop()",
            &["audit"],
            backend,
        );
        let second = rules("true > set(span.attributes[\"seen\"], true)", &[], backend);
        let (a, b) = (ComponentId("rules/a".into()), ComponentId("rules/b".into()));
        let mut counts = Counts::default();
        let ran = run_chain([(&a, &first), (&b, &second)], spans(&["a", "b", "c", "d"]), &mut counts).unwrap();
        assert_eq!(ran.routed.len(), 1, "{backend:?}");
        assert_eq!(ran.routed[0].route, "audit");
        assert_eq!(ran.routed[0].exporters, [ComponentId("otlp/audit".into())]);
        // `b` went on down the chain with `d`, and met the second processor.
        assert_eq!(ran.telemetry.item_count(), 2, "{backend:?}");
        let Telemetry::Traces(data) = &ran.telemetry else { panic!() };
        assert!(data.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans).all(|s| s.attributes.len() == 1));
        // Four in, then two; the routed and the dropped item no longer go on.
        assert_eq!((counts.items_in, counts.routed, counts.dropped), (6, 1, 2), "{backend:?}");
    }
}

#[test]
fn a_configs_processors_and_pipelines_are_found() {
    let yaml = "processors:\n  transform/a:\n    log_statements:\n      - context: log\n        statements:\n          - set(log.attributes[\"x\"], 1)\n      - context: resource\n        statements:\n          - set(resource.attributes[\"y\"], 2)\n  filter/b:\n    logs:\n      log_record: ['attributes[\"drop\"] == true']\n  batch: {}\nservice:\n  pipelines:\n    logs/in:\n      processors: [transform/a, batch, filter/b]\n";
    let analysis = analyze(&SourceFile::new("c.yaml", yaml, SourceKind::CollectorYaml), &AnalysisOptions::default());
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let processors = ottl_processors(analysis.rule_sets);
    let ids: Vec<&str> = processors.keys().map(|id| id.0.as_str()).collect();
    assert_eq!(ids, ["filter/b", "transform/a"]);
    assert_eq!(processors[&ComponentId("transform/a".into())].len(), 2);
    let tree = ottl_compiler::yaml::tree::parse(yaml).unwrap();
    let pipelines = pipelines(&tree);
    assert_eq!(pipelines.len(), 1);
    assert_eq!(pipelines[0].id, "logs/in");
    assert_eq!(pipelines[0].processors, ["transform/a", "batch", "filter/b"].map(|id| ComponentId(id.into())));
}
