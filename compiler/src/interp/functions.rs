//! The runtime implementation of each registry function, looked up once per function id.

use std::sync::OnceLock;

use ottl_runtime::functions::{self, Converter, Editor};

use crate::ir::FunctionId;
use crate::registry::{FunctionKind, REGISTRY};

/// What a registry entry runs as.
#[derive(Clone, Copy)]
pub enum Implementation {
    Converter(&'static Converter),
    Editor(&'static Editor),
    /// Known to the checker but without a runtime implementation.
    Missing,
}

/// The implementation of `function` (the seed's spellings run their canonical function).
pub fn implementation(function: FunctionId) -> Implementation {
    static TABLE: OnceLock<Vec<Implementation>> = OnceLock::new();
    TABLE.get_or_init(|| {
        REGISTRY
            .iter()
            .map(|signature| {
                let name = signature.alias_of.unwrap_or(signature.name);
                match signature.kind {
                    FunctionKind::Converter => {
                        functions::converter(name).map_or(Implementation::Missing, Implementation::Converter)
                    }
                    FunctionKind::Editor => functions::editor(name).map_or(Implementation::Missing, Implementation::Editor),
                }
            })
            .collect()
    })[usize::from(function.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registry_function_has_an_implementation() {
        let missing: Vec<&str> = (0..REGISTRY.len())
            .filter(|&i| matches!(implementation(FunctionId(i as u16)), Implementation::Missing))
            .map(|i| REGISTRY[i].name)
            .collect();
        assert!(missing.is_empty(), "no runtime implementation: {missing:?}");
    }
}
