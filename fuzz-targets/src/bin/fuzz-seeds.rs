//! Writes every target's seed corpus into `DIR/TARGET/` (default `fuzz/corpus`), where
//! `cargo fuzz run TARGET` starts from:
//! `cargo run --release -p ottl-fuzz-targets --bin fuzz-seeds [DIR]`.

use std::path::PathBuf;
use std::process::ExitCode;

use ottl_fuzz_targets::{TARGETS, workspace_root};

fn main() -> ExitCode {
    let out = std::env::args_os().nth(1).map_or_else(|| workspace_root().join("fuzz/corpus"), PathBuf::from);
    for target in TARGETS {
        let directory = out.join(target.name);
        let seeds = (target.seeds)(workspace_root());
        let written = std::fs::create_dir_all(&directory).and_then(|()| {
            seeds
                .iter()
                .enumerate()
                .try_for_each(|(index, seed)| std::fs::write(directory.join(format!("seed-{index:04}")), seed))
        });
        if let Err(error) = written {
            eprintln!("fuzz-seeds: cannot write {}: {error}", directory.display());
            return ExitCode::FAILURE;
        }
        println!("{:<16} {:>4} seeds in {}", target.name, seeds.len(), directory.display());
    }
    ExitCode::SUCCESS
}
