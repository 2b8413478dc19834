//! Stacks as the profile keeps them: user addresses normalized at drain time, while the
//! process still exists, to a binary (path and build id) and a file offset. A sample of a
//! process that exits before the profile is exported keeps its frames, and symbolization
//! (which needs only the file) can wait for the export.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use blazesym::normalize::{Normalizer, UserMeta};

/// An executable or shared object, interned: frames of one binary share it. It carries the
/// names found in it, which go when the last frame of the binary goes.
#[derive(Debug)]
pub struct Binary {
    pub path: PathBuf,
    /// The GNU build id, when the file has one.
    pub build_id: Option<Vec<u8>>,
    /// Per file offset: the function's name, `None` when the file has no symbol there.
    pub names: Mutex<HashMap<u64, Option<Arc<str>>>>,
}

/// A binary is its path and build id; the names are a cache.
impl PartialEq for Binary {
    fn eq(&self, other: &Binary) -> bool {
        self.path == other.path && self.build_id == other.build_id
    }
}

impl Eq for Binary {}

impl Hash for Binary {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.path.hash(state);
        self.build_id.hash(state);
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Frame {
    /// A kernel address, symbolized from kallsyms.
    Kernel(u64),
    User {
        binary: Arc<Binary>,
        file_offset: u64,
    },
    /// A user address in no file: JIT code, anonymous memory, or a process gone before the
    /// drain.
    Unmapped(u64),
}

/// Normalizes the user addresses of each drain, and interns binaries.
pub struct Stacks {
    normalizer: Normalizer,
    binaries: HashMap<(PathBuf, Option<Vec<u8>>), Arc<Binary>>,
}

impl Stacks {
    pub fn new() -> Stacks {
        Stacks { normalizer: new_normalizer(), binaries: HashMap::new() }
    }

    /// One process's user addresses as frames, in the same order. Reads the process's
    /// mappings once for all of them.
    pub fn normalize(&mut self, tgid: u32, addresses: &[u64]) -> Vec<Frame> {
        let interned = &mut self.binaries;
        let Ok(output) = self.normalizer.normalize_user_addrs(tgid.into(), addresses) else {
            return addresses.iter().map(|&address| Frame::Unmapped(address)).collect();
        };
        let binaries: Vec<Option<Arc<Binary>>> = output
            .meta
            .iter()
            .map(|meta| match meta {
                UserMeta::Elf(elf) => Some(intern(interned, elf.path.clone(), elf.build_id.as_ref().map(|id| id.to_vec()))),
                _ => None,
            })
            .collect();
        addresses
            .iter()
            .zip(&output.outputs)
            .map(|(&address, &(offset, meta))| match binaries.get(meta) {
                Some(Some(binary)) => Frame::User { binary: binary.clone(), file_offset: offset },
                _ => Frame::Unmapped(address),
            })
            .collect()
    }

    /// Forgets binaries no frame refers to any more, so that a long-running agent on a node
    /// whose processes come and go does not keep every binary it ever saw; and starts a new
    /// normalizer, whose build-id cache holds every file it read open.
    pub fn forget_unused(&mut self) {
        self.binaries.retain(|_, binary| Arc::strong_count(binary) > 1);
        self.normalizer = new_normalizer();
    }
}

/// A normalizer that reads each binary's build id once in its life (a report interval).
fn new_normalizer() -> Normalizer {
    Normalizer::builder().enable_build_ids(true).enable_build_id_caching(true).build()
}

fn intern(
    binaries: &mut HashMap<(PathBuf, Option<Vec<u8>>), Arc<Binary>>,
    path: PathBuf,
    build_id: Option<Vec<u8>>,
) -> Arc<Binary> {
    binaries
        .entry((path.clone(), build_id.clone()))
        .or_insert_with(|| Arc::new(Binary { path, build_id, names: Mutex::default() }))
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[inline(never)]
    fn a_function_of_this_test() -> u64 {
        a_function_of_this_test as *const () as usize as u64
    }

    #[test]
    fn an_address_in_this_test_binary_becomes_a_file_offset_in_it() {
        let mut stacks = Stacks::new();
        let address = a_function_of_this_test();
        let frames = stacks.normalize(std::process::id(), &[address, 8]);
        let Frame::User { binary, file_offset } = &frames[0] else { panic!("not normalized: {frames:?}") };
        assert_eq!(binary.path, std::env::current_exe().unwrap().canonicalize().unwrap());
        assert!(*file_offset > 0 && *file_offset < std::fs::metadata(&binary.path).unwrap().len());
        assert_eq!(frames[1], Frame::Unmapped(8), "an address in no mapping");
        drop(frames);
        stacks.forget_unused();
        assert!(stacks.binaries.is_empty());
    }
}
