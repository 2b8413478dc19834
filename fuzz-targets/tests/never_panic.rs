//! Every fuzz target on stable, bounded: its seed corpus, the inputs of crashes found
//! before (`regressions/TARGET/`), then `OTTL_FUZZ_CASES` deterministic mutations of the
//! seeds (a few seconds' worth by default, so that CI runs it; set it higher for a long
//! run). A panic fails the test with the input written out for `cargo fuzz run TARGET FILE`.

#![allow(clippy::unwrap_used, reason = "a test harness: a step that cannot be done fails the test, with the error")]

mod mutate;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use ottl_fuzz_targets::{TARGETS, Target, target, workspace_root};

/// Mutated cases per target when `OTTL_FUZZ_CASES` does not say.
const DEFAULT_CASES: u64 = 20_000;

fn cases() -> u64 {
    std::env::var("OTTL_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_CASES)
}

fn fuzz(name: &str) {
    let target = target(name).unwrap();
    let seeds = (target.seeds)(workspace_root());
    assert!(!seeds.is_empty(), "{name}: no seeds found under {}", workspace_root().display());
    for (index, seed) in seeds.iter().enumerate() {
        run(target, seed, &format!("seed-{index:04}"));
    }
    for path in regressions(name) {
        let input = std::fs::read(&path).unwrap();
        run(target, &input, &path.file_name().unwrap().to_string_lossy());
    }
    let cases = cases();
    let started = std::time::Instant::now();
    for case in 0..cases {
        let input = mutate::case(&mut mutate::Rng::new(name, case), &seeds);
        run(target, &input, &format!("case-{case}"));
    }
    eprintln!("{name}: {} seeds, {cases} mutated cases in {:.1?}", seeds.len(), started.elapsed());
}

/// The committed inputs of crashes found before.
fn regressions(name: &str) -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions").join(name);
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(directory) {
        Ok(entries) => entries.map(|entry| entry.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    paths
}

/// Runs one input; a panic becomes a failure that names the input and writes it out.
fn run(target: &Target, input: &[u8], what: &str) {
    if catch_unwind(AssertUnwindSafe(|| (target.run)(input))).is_ok() {
        return;
    }
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{}-{what}", target.name));
    std::fs::write(&path, input).unwrap();
    let shown: String = String::from_utf8_lossy(input).chars().take(400).collect();
    panic!("{} panicked on {what}, {} bytes, written to {}:\n{shown:?}", target.name, input.len(), path.display());
}

/// One test per target, so that they run in parallel, and a check that none is left out.
macro_rules! targets {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                fuzz(stringify!($name));
            }
        )*

        #[test]
        fn every_target_runs_here() {
            let here = [$(stringify!($name)),*];
            let all: Vec<&str> = TARGETS.iter().map(|target| target.name).collect();
            assert_eq!(here.as_slice(), all.as_slice());
        }

        /// The cargo-fuzz harness has a binary for every target, and no other.
        #[test]
        fn every_target_has_a_cargo_fuzz_binary() {
            let manifest = std::fs::read_to_string(workspace_root().join("fuzz/Cargo.toml")).unwrap();
            let binaries: Vec<&str> = manifest
                .split("[[bin]]")
                .skip(1)
                .map(|bin| bin.lines().find_map(|line| line.strip_prefix("name = ")).unwrap().trim_matches('"'))
                .collect();
            assert_eq!(binaries.as_slice(), [$(stringify!($name)),*].as_slice());
            for name in binaries {
                assert!(workspace_root().join(format!("fuzz/fuzz_targets/{name}.rs")).is_file(), "{name}");
            }
        }
    };
}

targets!(ottl_check, collector_yaml, otlp_protobuf, otlp_json, otlp_http_body, opamp_websocket, opamp_http, agent_config);
