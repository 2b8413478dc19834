#![no_main]
//! One target of `ottl_fuzz_targets::TARGETS`, the one this binary is named after.

libfuzzer_sys::fuzz_target!(|data: &[u8]| match ottl_fuzz_targets::target(env!("CARGO_BIN_NAME")) {
    Some(target) => (target.run)(data),
    None => panic!("ottl-fuzz-targets has no target `{}`", env!("CARGO_BIN_NAME")),
});
