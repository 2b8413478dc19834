//! Builds the profiler's eBPF program (`agent-ebpf/profiler.bpf.c`) with clang, into an object
//! the agent embeds (DESIGN §3). BPF is built in C, not Rust: Rust-written BPF needs a nightly
//! toolchain and bpf-linker, and the build must work on a stable toolchain (spec/EBPF.md).
//!
//! Without clang or libbpf's headers the agent still builds, without its profiler (which then
//! says why when configured), unless `OTTL_AGENT_REQUIRE_EBPF` is set: the test script sets it,
//! so that CI cannot pass on an agent that silently has no profiler.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const SOURCE: &str = "../agent-ebpf/profiler.bpf.c";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-env-changed=OTTL_AGENT_REQUIRE_EBPF");
    println!("cargo::rerun-if-env-changed=CLANG");
    println!("cargo::rustc-check-cfg=cfg(ebpf_profiler)");
    let Some(out_dir) = env::var_os("OUT_DIR").map(PathBuf::from) else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    match compile(&out_dir.join("profiler.bpf.o")) {
        Ok(()) => println!("cargo::rustc-cfg=ebpf_profiler"),
        Err(why) if env::var_os("OTTL_AGENT_REQUIRE_EBPF").is_some() => {
            panic!("the profiler's eBPF program did not build: {why}")
        }
        Err(why) => {
            println!("cargo::warning=building ottl-agent without its eBPF profiler: {why}");
            watch_for_the_toolchain();
        }
    }
}

/// Without the profiler, the build runs again when clang or libbpf's headers may have been
/// installed since: a change in a directory of `PATH` or in the system headers. Cargo
/// would otherwise keep the profiler-less build until a clean one.
fn watch_for_the_toolchain() {
    let path = env::var_os("PATH").unwrap_or_default();
    let headers = PathBuf::from("/usr/include");
    for dir in env::split_paths(&path).chain([headers]).filter(|dir| dir.is_dir()) {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
}

fn compile(object: &Path) -> Result<(), String> {
    let clang = env::var("CLANG").unwrap_or_else(|_| "clang".to_string());
    // The target's asm/ headers (linux/bpf.h includes asm/types.h) live under the multiarch
    // include directory on Debian.
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let bpf_arch = match arch.as_str() {
        "x86_64" => "x86",
        "aarch64" => "arm64",
        other => other,
    };
    let multiarch = format!("/usr/include/{arch}-linux-gnu");
    let output = Command::new(&clang)
        .args(["-O2", "-g", "-target", "bpf", "-Wall", "-Werror"])
        .arg(format!("-D__TARGET_ARCH_{bpf_arch}"))
        .arg(format!("-I{multiarch}"))
        .args(["-c", SOURCE, "-o"])
        .arg(object)
        .output()
        .map_err(|error| format!("`{clang}` could not run ({error}); install clang and libbpf-dev"))?;
    if output.status.success() { Ok(()) } else { Err(format!("`{clang}` failed:\n{}", String::from_utf8_lossy(&output.stderr))) }
}
