//! The fifteen real collector configs in `tests/realworld/configs` check with exactly the
//! diagnostics below: each one a real mistake (or a vendor function the standard set does
//! not have). A new diagnostic on these files is a false positive until shown otherwise.

use std::path::Path;

use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};

const EXPECTED: &[(&str, &[(&str, usize)])] = &[
    // `HasAttrOnDatapoint("http.method","GET"` is never closed; `kyma` is no datapoint path.
    ("kyma__metricagent__user-defined-filters.yaml", &[("E0009", 188), ("E0100", 190)]),
    // Google's ops-agent registers IsMatchRubyRegex itself; the standard set has no such function.
    ("ops-agent__golden__logging-otel-processor_exclude_logs__otel.yaml", &[("E0110", 153)]),
    // `sending_queue` twice in the failover connector (template-only lines were removed from
    // the Helm chart it comes from); go-yaml refuses the file.
    ("sapcc__audit-logs-collector__processors.yaml", &[("E0901", 310)]),
];

#[test]
fn real_configs_check_with_only_their_known_mistakes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("realworld/configs");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("the real-world configs are in the project").flatten().map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();
    assert_eq!(files.len(), 15);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let file = SourceFile::new(&name, std::fs::read_to_string(&path).unwrap(), SourceKind::CollectorYaml);
        let found: Vec<(&str, usize)> = analyze(&file, &AnalysisOptions::default())
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), file.line_column(d.span().start).0))
            .collect();
        let expected = EXPECTED.iter().find(|(n, _)| *n == name).map_or(&[][..], |(_, e)| *e);
        assert_eq!(found, expected, "{name}");
    }
}
