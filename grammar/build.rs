/// Generates the LALR parser from `src/ottl.lalrpop`; an error in the grammar fails the build
/// with lalrpop's report.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    lalrpop::Configuration::new().use_cargo_dir_conventions().emit_rerun_directives(true).process()?;
    Ok(())
}
