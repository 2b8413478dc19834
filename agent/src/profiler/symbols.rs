//! Function names for frames, with blazesym: ELF symbols of user binaries (by file offset)
//! and kallsyms for the kernel. Names are cached per binary (in [`Binary::names`]) and
//! offset, so a hot stack costs a lookup once per agent, not once per export.

use std::collections::HashMap;
use std::sync::Arc;

use blazesym::symbolize::source::{Elf, Kernel, Source};
use blazesym::symbolize::{Input, Symbolized, Symbolizer};

use super::stacks::{Binary, Frame};

/// The names found so far. A blazesym symbolizer lives for one [`Symbols::resolve`] only: it
/// keeps every file it parsed open for as long as it lives, and the names are cached here
/// and in the binaries anyway, so a long-lived one would only hold on to files of processes
/// long gone (the soak counted 16 more descriptors in 150 s on a machine running builds).
pub struct Symbols {
    kernel: HashMap<u64, Option<Arc<str>>>,
}

impl Symbols {
    pub fn new() -> Symbols {
        Symbols { kernel: HashMap::new() }
    }

    /// Looks up every frame of `frames` not yet known, one batch per binary.
    pub fn resolve<'a>(&mut self, frames: impl IntoIterator<Item = &'a Frame>) {
        let symbolizer = Symbolizer::new();
        let mut user_missing: HashMap<Arc<Binary>, Vec<u64>> = HashMap::new();
        let mut kernel_missing = Vec::new();
        for frame in frames {
            match frame {
                Frame::User { binary, file_offset } if !names_of(binary).contains_key(file_offset) => {
                    user_missing.entry(binary.clone()).or_default().push(*file_offset);
                }
                Frame::Kernel(address) if !self.kernel.contains_key(address) => kernel_missing.push(*address),
                _ => {}
            }
        }
        for (binary, mut offsets) in user_missing {
            offsets.sort_unstable();
            offsets.dedup();
            let source = Source::Elf(Elf::new(&binary.path));
            let names = lookup(&symbolizer, &source, Input::FileOffset(&offsets), offsets.len());
            names_of(&binary).extend(offsets.into_iter().zip(names));
        }
        if !kernel_missing.is_empty() {
            kernel_missing.sort_unstable();
            kernel_missing.dedup();
            let source = Source::Kernel(Kernel::default());
            let names = lookup(&symbolizer, &source, Input::AbsAddr(&kernel_missing), kernel_missing.len());
            self.kernel.extend(kernel_missing.into_iter().zip(names));
        }
    }

    /// The function name of a frame already resolved.
    pub fn name(&self, frame: &Frame) -> Option<Arc<str>> {
        match frame {
            Frame::User { binary, file_offset } => names_of(binary).get(file_offset)?.clone(),
            Frame::Kernel(address) => self.kernel.get(address)?.clone(),
            Frame::Unmapped(_) => None,
        }
    }
}

fn lookup(symbolizer: &Symbolizer, source: &Source<'_>, input: Input<&[u64]>, count: usize) -> Vec<Option<Arc<str>>> {
    match symbolizer.symbolize(source, input) {
        Ok(symbolized) => symbolized
            .into_iter()
            .map(|symbol| match symbol {
                Symbolized::Sym(symbol) => Some(Arc::from(symbol.name.as_ref())),
                Symbolized::Unknown(_) => None,
            })
            .collect(),
        Err(_) => vec![None; count],
    }
}

/// A binary's names; a lock poisoned by a panic elsewhere still holds a usable cache.
fn names_of(binary: &Binary) -> std::sync::MutexGuard<'_, HashMap<u64, Option<Arc<str>>>> {
    binary.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::super::stacks::Stacks;
    use super::*;

    #[inline(never)]
    fn a_named_function_for_the_symbolizer() -> u64 {
        a_named_function_for_the_symbolizer as *const () as usize as u64
    }

    #[test]
    fn a_frame_of_this_binary_gets_its_function_name() {
        let mut stacks = Stacks::new();
        let frames = stacks.normalize(std::process::id(), &[a_named_function_for_the_symbolizer()]);
        let mut symbols = Symbols::new();
        symbols.resolve(&frames);
        let name = symbols.name(&frames[0]).expect("symbolized");
        assert!(name.contains("a_named_function_for_the_symbolizer"), "{name}");
    }
}
