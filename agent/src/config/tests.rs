use super::*;
use crate::tls::test_pki as pki;
use ottl_compiler::schema::Context;

fn load_in(dir: &Path, yaml: &str, env: &dyn Fn(&str) -> Option<String>) -> Loaded {
    load("agent.yaml", yaml, &LoadOptions { base_dir: dir, env, feature_gates: Vec::new(), rule_texts: &BTreeMap::new() })
}

fn loaded(yaml: &str) -> Loaded {
    load_in(Path::new("."), yaml, &|_| None)
}

/// Every diagnostic as `CODE text-at-span: message`.
fn problems(loaded: &Loaded) -> Vec<String> {
    loaded
        .reports
        .iter()
        .flat_map(|report| {
            report
                .diagnostics
                .iter()
                .map(|d| format!("{} {:?}: {}", d.code.as_str(), &report.file.text[d.span().range()], d.message))
        })
        .collect()
}

const PIPELINE: &str = "
receivers:
  otlp:
    protocols:
      http:
exporters:
  debug:
service:
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [debug]
";

#[test]
fn a_minimal_config_loads_with_the_collector_defaults() {
    let loaded = loaded(PIPELINE);
    assert!(!loaded.has_errors(), "{:?}", problems(&loaded));
    let ReceiverConfig::Otlp(otlp) = &loaded.config.receivers[&ComponentId("otlp".into())] else { panic!("an otlp receiver") };
    assert_eq!(otlp.http.as_ref().map(|h| h.endpoint.as_str()), Some("localhost:4318"));
    assert!(otlp.grpc.is_none());
    assert_eq!(loaded.config.pipelines[0].signal, Signal::Logs);
    assert_eq!(loaded.config.telemetry.metrics_address, Some(SocketAddr::from(([127, 0, 0, 1], 8888))));
}

#[test]
fn unknown_components_keys_and_values_are_refused_at_their_positions() {
    let yaml = format!(
        "{PIPELINE}\nprocessors:\n  batch:\n    timeout: soon\n    send_batch_sise: 10\n  memory_limiter:\n    limit_mib: 10\n  probabilistic_sampler:\n    sampling_percentage: 10\nextensions:\n  pprof:\n"
    );
    let found = problems(&loaded(&yaml));
    assert!(found.contains(&"E0912 \"soon\": `timeout` must be a duration, not `soon`".to_string()), "{found:?}");
    assert!(found.contains(&"E0911 \"send_batch_sise\": `batch` has no setting `send_batch_sise`".to_string()), "{found:?}");
    assert!(
        found.contains(&"E0910 \"probabilistic_sampler\": the agent has no processor `probabilistic_sampler`".to_string()),
        "{found:?}"
    );
    let limiter = "E0912 \"memory_limiter\": `memory_limiter`: 'check_interval' must be greater than zero";
    assert!(found.contains(&limiter.to_string()), "the collector's own check: {found:?}");
    assert!(found.contains(&"E0910 \"pprof\": the agent has no extension `pprof`".to_string()), "{found:?}");
    let help =
        loaded(&yaml).reports[0].diagnostics.iter().find(|d| d.message.contains("send_batch_sise")).and_then(|d| d.help.clone());
    assert!(help.is_some_and(|h| h.starts_with("did you mean `send_batch_size`?")));
}

#[test]
fn pipelines_name_defined_components_of_a_known_signal() {
    let yaml = "
receivers:
  otlp:
    protocols:
      grpc:
exporters:
  debug:
service:
  pipelines:
    logs:
      receivers: [otlp]
      processors: [transform]
      exporters: [debug, otlphttp]
    events:
      receivers: [otlp]
      exporters: [debug]
";
    let found = problems(&loaded(yaml));
    assert!(
        found.contains(&"E0913 \"transform\": pipeline `logs` uses processor `transform`, which is not defined".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"E0913 \"otlphttp\": pipeline `logs` uses exporter `otlphttp`, which is not defined".to_string()),
        "{found:?}"
    );
    assert!(found.iter().any(|p| p.starts_with("E0913 \"events\"")), "{found:?}");
}

#[test]
fn ottl_errors_are_reported_at_their_yaml_positions_and_the_rest_compiles() {
    let yaml = format!("{PIPELINE}\nprocessors:\n  transform:\n    log_statements:\n      - set(log.atributes[\"a\"], 1)\n");
    let found = problems(&loaded(&yaml));
    assert!(found.iter().any(|p| p.contains("\"atributes\"")), "{found:?}");
    let yaml = format!("{PIPELINE}\nprocessors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n");
    let ok = loaded(&yaml);
    assert!(!ok.has_errors());
    let Some(ProcessorConfig::Ottl { rule_sets, .. }) = ok.config.processors.get(&ComponentId("transform".into())) else {
        panic!()
    };
    assert_eq!(rule_sets.len(), 1);
    assert_eq!(rule_sets[0].0, Some(Signal::Logs));
}

#[test]
fn environment_references_expand_before_reading() {
    let yaml = "exporters:\n  otlp_http:\n    endpoint: ${env:BACKEND}\n    compression: ${env:COMPRESSION:-zstd}\n";
    let env = |name: &str| (name == "BACKEND").then(|| "http://backend:4318".to_string());
    let loaded = load_in(Path::new("."), yaml, &env);
    let ExporterConfig::Otlp(otlp) = &loaded.config.exporters[&ComponentId("otlp_http".into())] else { panic!() };
    assert_eq!(otlp.endpoint, "http://backend:4318");
    assert_eq!(otlp.compression, Compression::Zstd);
    assert_eq!(otlp.protocol, OtlpProtocol::Http);
}

#[test]
fn rules_processors_read_their_files_and_report_in_them() {
    let dir = std::env::temp_dir().join(format!("ottl-agent-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("good.ottl"), "span.attributes[\"x\"] == 1 > route(\"audit\")\n").unwrap();
    std::fs::write(dir.join("bad.ottl"), "set(span.atributes[\"x\"], 1)\n").unwrap();
    let rules = |file: &str| {
        format!(
            "exporters:\n  debug:\n  file:\n    path: out.json\nprocessors:\n  rules:\n    files: [{file}]\n    routes:\n      audit: [file]\n"
        )
    };
    let good = load_in(&dir, &rules("good.ottl"), &|_| None);
    assert!(!good.has_errors(), "{:?}", problems(&good));
    let Some(ProcessorConfig::Rules { rule_set, routes, files }) = good.config.processors.get(&ComponentId("rules".into()))
    else {
        panic!()
    };
    assert_eq!((rule_set.context, rule_set.rules.len()), (Context::Span, 1));
    assert_eq!(routes["audit"], [ComponentId("file".into())]);
    assert_eq!(files, &[dir.join("good.ottl")]);
    let bad = load_in(&dir, &rules("bad.ottl"), &|_| None);
    assert!(bad.has_errors());
    assert!(bad.reports.iter().any(|r| r.file.name.ends_with("bad.ottl") && !r.diagnostics.is_empty()));
    let missing = load_in(&dir, &rules("missing.ottl"), &|_| None);
    assert!(problems(&missing).iter().any(|p| p.contains("cannot read rule file")), "{:?}", problems(&missing));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_embedded_default_is_valid_with_and_without_rules() {
    let empty = std::env::temp_dir().join(format!("ottl-agent-default-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let plain = load_in(&empty, &default_config_text(&empty), &|_| None);
    assert!(!plain.has_errors(), "{:?}", problems(&plain));
    assert!(plain.config.processors.is_empty());
    std::fs::write(empty.join("rules.ottl"), "span.name == \"health\" > drop()\n").unwrap();
    let with_rules = load_in(&empty, &default_config_text(&empty), &|_| None);
    assert!(!with_rules.has_errors(), "{:?}", problems(&with_rules));
    assert_eq!(with_rules.config.processors.len(), 1);
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn retry_numbers_are_checked_as_the_collector_checks_them() {
    let yaml = |setting: &str| {
        format!(
            "receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  otlp:\n    endpoint: localhost:4317\n    retry_on_failure:\n      {setting}\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [otlp]\n"
        )
    };
    assert!(!loaded(&yaml("multiplier: 2")).has_errors());
    let found = problems(&loaded(&yaml("multiplier: 0")));
    assert!(found.contains(&"E0912 \"0\": `multiplier` must be positive, not `0`".to_string()), "{found:?}");
    let found = problems(&loaded(&yaml("randomization_factor: 1.5")));
    assert!(found.contains(&"E0912 \"1.5\": `randomization_factor` must be within [0, 1], not `1.5`".to_string()), "{found:?}");
}

#[test]
fn the_health_check_extension_runs_when_the_service_lists_it() {
    let yaml = format!(
        "{PIPELINE}  extensions: [health_check, health_check/custom]\nextensions:\n  health_check:\n  health_check/custom:\n    endpoint: 127.0.0.1:0\n    path: /health/status\n    response_body:\n      healthy: I'm good\n    check_collector_pipeline:\n      enabled: false\n"
    );
    let loaded = loaded(&yaml);
    assert!(!loaded.has_errors(), "{:?}", problems(&loaded));
    assert_eq!(loaded.config.service_extensions.len(), 2);
    let ExtensionConfig::HealthCheck(default) = &loaded.config.extensions[&ComponentId("health_check".into())] else {
        panic!("not a health check")
    };
    assert_eq!((default.endpoint.as_str(), default.path.as_str()), ("localhost:13133", "/"));
    let ExtensionConfig::HealthCheck(custom) = &loaded.config.extensions[&ComponentId("health_check/custom".into())] else {
        panic!("not a health check")
    };
    assert_eq!((custom.path.as_str(), custom.healthy_body.as_deref()), ("/health/status", Some("I'm good")));

    let wrong = format!(
        "{PIPELINE}  extensions: [health_check/missing]\nextensions:\n  health_check:\n    tls: {{}}\n    check_collector_pipeline:\n      enabled: true\n"
    );
    let found = problems(&self::loaded(&wrong));
    assert!(found.iter().any(|p| p.starts_with("E0911 \"tls\": `health_check` has no setting `tls`")), "{found:?}");
    assert!(found.iter().any(|p| p.starts_with("E0912 \"true\": the agent does not check pipelines")), "{found:?}");
    let missing =
        "E0913 \"health_check/missing\": `service::extensions` uses extension `health_check/missing`, which is not defined";
    assert!(found.contains(&missing.to_string()), "{found:?}");
}

/// A directory with a CA, a server and a client certificate, and a config whose OTLP
/// exporter and receiver take `exporter_tls` and `receiver_tls` (YAML flow mappings).
fn tls_config(exporter_tls: &str, receiver_tls: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("ottl-agent-config-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    if !dir.join("ca-ca.pem").exists() {
        pki::Pki::create(&dir, "ca");
    }
    let yaml = format!(
        "receivers:\n  otlp:\n    protocols:\n      grpc:\n        tls: {receiver_tls}\nexporters:\n  otlp:\n    endpoint: backend:4317\n    tls: {exporter_tls}\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [otlp]\n"
    );
    (dir, yaml)
}

const SERVER_TLS: &str = "{cert_file: ca-server.pem, key_file: ca-server-key.pem}";

fn tls_problems(exporter_tls: &str, receiver_tls: &str) -> Vec<String> {
    let (dir, yaml) = tls_config(exporter_tls, receiver_tls);
    problems(&load_in(&dir, &yaml, &|_| None))
}

#[test]
fn tls_keys_are_read_with_files_relative_to_the_config() {
    let exporter_tls = "{ca_file: ca-ca.pem, cert_file: ca-client.pem, key_file: ca-client-key.pem, server_name_override: backend.internal, min_version: \"1.3\", insecure_skip_verify: false}";
    let receiver_tls = "{cert_file: ca-server.pem, key_file: ca-server-key.pem, client_ca_file: ca-ca.pem, max_version: \"1.2\"}";
    let (dir, yaml) = tls_config(exporter_tls, receiver_tls);
    let loaded = load_in(&dir, &yaml, &|_| None);
    assert!(!loaded.has_errors(), "{:?}", problems(&loaded));
    let ExporterConfig::Otlp(otlp) = &loaded.config.exporters[&ComponentId("otlp".into())] else { panic!() };
    let tls = &otlp.tls;
    assert_eq!(tls.ca.as_ref().and_then(|ca| ca.path.clone()), Some(dir.join("ca-ca.pem")));
    assert!(tls.ca.as_ref().is_some_and(|ca| ca.text.starts_with(b"-----BEGIN CERTIFICATE-----")));
    assert!(tls.identity.is_some());
    assert_eq!(tls.server_name_override.as_deref(), Some("backend.internal"));
    assert_eq!(tls.versions, TlsVersions { min: Some(TlsVersion::V1_3), max: None });
    assert!(!tls.insecure && tls.configures_tls());
    let ReceiverConfig::Otlp(receiver) = &loaded.config.receivers[&ComponentId("otlp".into())] else {
        panic!("an otlp receiver")
    };
    let server = receiver.grpc.as_ref().and_then(|grpc| grpc.tls.as_ref()).unwrap();
    assert!(server.client_ca.is_some());
    assert_eq!(server.versions.max, Some(TlsVersion::V1_2));
}

#[test]
fn without_tls_settings_an_exporter_uses_tls_as_the_collectors_does() {
    let loaded = loaded(
        "exporters:\n  otlp:\n    endpoint: backend:4317\n  otlp/plain:\n    endpoint: backend:4317\n    tls:\n      insecure: true\n",
    );
    assert!(!loaded.has_errors(), "{:?}", problems(&loaded));
    let tls = |id: &str| match &loaded.config.exporters[&ComponentId(id.into())] {
        ExporterConfig::Otlp(otlp) => otlp.tls.configures_tls(),
        _ => panic!(),
    };
    assert!(tls("otlp"));
    assert!(!tls("otlp/plain"));
}

#[test]
fn tls_mistakes_are_refused_at_their_positions() {
    let found = tls_problems("{ca_file: missing.pem}", SERVER_TLS);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("E0912 \"missing.pem\": cannot read `ca_file`") && p.contains("missing.pem: No such file")),
        "{found:?}"
    );
    let found = tls_problems("{cipher_suites: [TLS_AES_128_GCM_SHA256]}", SERVER_TLS);
    assert!(found.contains(&"E0911 \"cipher_suites\": `otlp::tls` has no setting `cipher_suites`".to_string()), "{found:?}");
    let found = tls_problems("{ca_file: ca-ca.pem, ca_pem: x}", SERVER_TLS);
    assert!(found.contains(&"E0912 \"ca_pem\": `ca_pem` and `ca_file` give the same thing twice".to_string()), "{found:?}");
    let found = tls_problems("{cert_file: ca-client.pem}", SERVER_TLS);
    assert!(found.contains(&"E0912 \"tls\": `otlp::tls` has a certificate or a key without the other".to_string()), "{found:?}");
    let found = tls_problems("{min_version: \"1.4\"}", SERVER_TLS);
    assert!(found.contains(&"E0912 \"\\\"1.4\\\"\": `min_version` cannot be `1.4`".to_string()), "{found:?}");
    let found = tls_problems("{min_version: \"1.3\", max_version: \"1.2\"}", SERVER_TLS);
    let expected = "E0912 \"tls\": `otlp::tls`: min_version cannot be greater than max_version";
    assert!(found.contains(&expected.to_string()), "{found:?}");
    let found = tls_problems("{server_name_override: not a name}", SERVER_TLS);
    assert!(found.iter().any(|p| p.starts_with("E0912 \"not a name\": `server_name_override` must be")), "{found:?}");
    let found = tls_problems("{ca_file: ca-server-key.pem}", SERVER_TLS);
    assert!(
        found.iter().any(|p| p.starts_with("E0912 \"tls\": `otlp::tls`: `ca_file`") && p.ends_with("holds no certificate")),
        "{found:?}"
    );
}

#[test]
fn a_tls_receiver_needs_its_certificate_and_key_and_they_must_match() {
    let found = tls_problems("{insecure: true}", "{client_ca_file: ca-ca.pem}");
    let expected = "E0912 \"tls\": `otlp::protocols::grpc::tls` needs a certificate and its key";
    assert!(found.contains(&expected.to_string()), "{found:?}");
    let found = tls_problems("{insecure: true}", "{cert_file: ca-server.pem, key_file: ca-client-key.pem}");
    assert!(found.iter().any(|p| p.contains("are no certificate and key pair")), "{found:?}");
    let found = tls_problems("{insecure: true}", "{cert_file: ca-server.pem, key_file: ca-server-key.pem, ca_file: ca-ca.pem}");
    assert!(found.contains(&"E0911 \"ca_file\": `otlp::protocols::grpc::tls` has no setting `ca_file`".to_string()), "{found:?}");
}

#[test]
fn the_opamp_extension_reads_the_collectors_keys() {
    let yaml = format!(
        "{PIPELINE}  extensions: [opamp]\nextensions:\n  opamp:\n    server:\n      http:\n        endpoint: http://127.0.0.1:4320/v1/opamp\n        polling_interval: 2s\n        headers:\n          Authorization: Bearer secret\n    instance_uid: 01912f3c-8a6e-7b3d-9c1a-2f4e5d6c7b8a\n    capabilities:\n      reports_health: false\n    agent_description:\n      non_identifying_attributes:\n        env: prod\n    state_directory: state\n    max_message_size_mib: 1\n"
    );
    let loaded = load_in(Path::new("/etc/agent"), &yaml, &|_| None);
    assert!(!loaded.has_errors(), "{:?}", problems(&loaded));
    let ExtensionConfig::OpAmp(opamp) = &loaded.config.extensions[&ComponentId("opamp".into())] else { panic!("not opamp") };
    assert_eq!(opamp.transport, OpAmpTransport::Http { polling_interval: Duration::from_secs(2) });
    assert_eq!(opamp.endpoint, "http://127.0.0.1:4320/v1/opamp");
    assert_eq!(opamp.headers, [("Authorization".to_string(), "Bearer secret".to_string())]);
    assert_eq!(opamp.instance_uid.map(|uid| uid[..2].to_vec()), Some(vec![0x01, 0x91]));
    assert!(opamp.reports_effective_config && !opamp.reports_health);
    assert_eq!(opamp.non_identifying_attributes["env"], "prod");
    assert_eq!(opamp.state_directory.as_deref(), Some(Path::new("/etc/agent/state")));
    assert_eq!(opamp.max_message_size, 1 << 20);
}

#[test]
fn opamp_mistakes_are_reported_at_their_positions() {
    let cases = [
        (
            "server:\n      ws:\n        endpoint: http://x/v1/opamp",
            "E0912 \"http://x/v1/opamp\": `opamp::server::ws::endpoint` must start with ws:// or wss://",
        ),
        (
            "server:\n      ws:\n        polling_interval: 1s",
            "E0911 \"polling_interval\": `opamp::server::ws` has no setting `polling_interval`",
        ),
        (
            "server:\n      ws: {endpoint: ws://a}\n      http: {endpoint: http://a}",
            "E0912 \"server\": `opamp::server` must have one of `ws` and `http`",
        ),
        ("instance_uid: 42", "E0912 \"42\": `instance_uid` must be a UUID, not `42`"),
        (
            "capabilities:\n      reports_available_components: true",
            "E0911 \"reports_available_components\": `opamp::capabilities` has no setting `reports_available_components`",
        ),
        ("ppid: 1", "E0911 \"ppid\": `opamp` has no setting `ppid`"),
    ];
    for (settings, expected) in cases {
        let yaml = format!("{PIPELINE}  extensions: [opamp]\nextensions:\n  opamp:\n    {settings}\n");
        let found = problems(&loaded(&yaml));
        assert!(found.iter().any(|p| p == expected), "{settings}: {found:?}");
    }
    let yaml = format!(
        "{PIPELINE}  extensions: [opamp]\nextensions:\n  opamp:\n    instance_uid: 01912f3c-8a6e-7b3d-9c1a-2f4e5d6c7b8a\n"
    );
    let found = problems(&loaded(&yaml));
    assert!(found.contains(&"E0912 \"opamp\": `opamp` has no `server`".to_string()), "{found:?}");
}

#[test]
fn the_profiling_receiver_takes_the_upstream_keys_in_both_spellings_and_ours() {
    let profiling = |settings: &str| {
        format!(
            "receivers:\n  profiling:\n{settings}exporters:\n  debug:\nservice:\n  pipelines:\n    profiles:\n      receivers: [profiling]\n      exporters: [debug]\n"
        )
    };
    let read = |settings: &str| {
        let loaded = loaded(&profiling(settings));
        assert!(!loaded.has_errors(), "{:?}", problems(&loaded));
        let ReceiverConfig::Profiling(config) = &loaded.config.receivers[&ComponentId("profiling".into())] else {
            panic!("a profiling receiver")
        };
        config.clone()
    };
    assert_eq!(read(""), ProfilingConfig::default());
    assert_eq!(read("    SamplesPerSecond: 20\n    ReporterInterval: 10s\n").samples_per_second, 20);
    let config = read(
        "    samples_per_second: 19\n    reporter_interval: 2s\n    adaptive:\n      max_samples_per_second: 499\n      cpu_threshold: 0.5\n      overhead_budget: 0.01\n    processes: [12, 34]\n",
    );
    assert_eq!(config.reporter_interval, Duration::from_secs(2));
    assert_eq!(
        config.adaptive,
        AdaptiveConfig { enabled: true, max_samples_per_second: 499, cpu_threshold: 0.5, overhead_budget: 0.01 }
    );
    assert_eq!(config.processes, Processes::Pids(vec![12, 34]));
    assert_eq!(read("    processes: self\n").processes, Processes::Agent);
    assert_eq!(read("    cgroup: system.slice/app.service\n").processes, Processes::Cgroup("system.slice/app.service".into()));

    let first_problem = |settings: &str| problems(&loaded(&profiling(settings))).remove(0);
    assert_eq!(
        first_problem("    samples_per_second: 0\n"),
        "E0912 \"0\": `samples_per_second` must be a whole number from 1 to 999, not `0`"
    );
    assert!(first_problem("    Tracers: all\n").starts_with("E0911 \"Tracers\": `profiling` has no setting `Tracers`"));
    assert_eq!(first_problem("    processes: [one]\n"), "E0912 \"one\": `one` is not a process id");
    assert!(
        first_problem("    adaptive:\n      overhead_budget: 5\n")
            .starts_with("E0912 \"5\": `overhead_budget` must be between 0 and 1")
    );
    let found = problems(&loaded(&profiling("    processes: self\n    cgroup: x\n")));
    assert!(found.iter().any(|problem| problem.contains("`cgroup` and `processes` select processes two ways")), "{found:?}");
}

#[test]
fn the_profiler_makes_only_profiles() {
    let yaml = "receivers:\n  profiling:\nexporters:\n  debug:\nservice:\n  pipelines:\n    logs:\n      receivers: [profiling]\n      exporters: [debug]\n";
    assert_eq!(
        problems(&loaded(yaml)),
        ["E0913 \"profiling\": pipeline `logs` uses receiver `profiling`, which makes profiles, not logs"]
    );
}

#[test]
fn the_self_operation_components_read_their_keys_and_go_where_their_signals_do() {
    let yaml = |telemetry: &str, actions: &str, pipeline: &str| {
        format!(
            "receivers:\n  agent_telemetry:\n{telemetry}exporters:\n  agent_actions:\n{actions}  debug:\nservice:\n  pipelines:\n{pipeline}"
        )
    };
    let both = "    metrics:\n      receivers: [agent_telemetry]\n      exporters: [agent_actions]\n    logs:\n      receivers: [agent_telemetry]\n      exporters: [debug]\n";
    let good = loaded(&yaml(
        "    interval: 250ms\n",
        "    rollback: {window: 1m}\n    sampling: {time_constant: 10s, min_ratio: 0.01}\n",
        both,
    ));
    assert!(!good.has_errors(), "{:?}", problems(&good));
    let ReceiverConfig::AgentTelemetry(telemetry) = &good.config.receivers[&ComponentId("agent_telemetry".into())] else {
        panic!("the agent's telemetry")
    };
    assert_eq!(telemetry.interval, Duration::from_millis(250));
    let ExporterConfig::AgentActions(actions) = &good.config.exporters[&ComponentId("agent_actions".into())] else {
        panic!("the actions")
    };
    assert_eq!(
        (actions.rollback_window, actions.sampling_time_constant, actions.sampling_min_ratio),
        (Duration::from_secs(60), Duration::from_secs(10), 0.01)
    );
    assert_eq!(good.config.signals_of(&ComponentId("agent_telemetry".into())), [Signal::Metrics, Signal::Logs]);

    let traces = "    traces:\n      receivers: [agent_telemetry]\n      exporters: [agent_actions]\n";
    assert_eq!(
        problems(&loaded(&yaml("", "", traces))),
        [
            "E0913 \"agent_telemetry\": pipeline `traces` uses receiver `agent_telemetry`, which makes metrics and logs, not traces",
            "E0913 \"agent_actions\": pipeline `traces` uses exporter `agent_actions`, which takes metrics, not traces",
        ]
    );
    let mistakes =
        problems(&loaded(&yaml("    interval: 10ms\n", "    rollback: {windw: 1m}\n    sampling: {min_ratio: 0}\n", both)));
    // Each mistake where it is written (a component left undefined by one is then named
    // by its pipelines too).
    assert!(mistakes[0].starts_with("E0912 \"10ms\": `interval` must be at least 100ms"), "{mistakes:?}");
    assert!(mistakes[1].starts_with("E0911 \"windw\""), "{mistakes:?}");
    assert!(mistakes[2].starts_with("E0912 \"0\""), "{mistakes:?}");
}
