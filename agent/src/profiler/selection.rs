//! Which processes the program samples, resolved from the config at start: the agent's own
//! pid, or a cgroup's id and depth for `bpf_get_current_ancestor_cgroup_id`.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::config::Processes;

/// Where cgroup v2 is mounted on current distributions; hybrid systems mount it at
/// `/sys/fs/cgroup/unified`, which the mount table tells.
const CGROUP_ROOT: &str = "/sys/fs/cgroup";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    Pids(Vec<u32>),
    /// A cgroup v2's id (its directory's inode number) and its depth below the root.
    Cgroup {
        id: u64,
        level: u32,
    },
}

impl Selection {
    pub fn resolve(processes: &Processes) -> Result<Selection, String> {
        match processes {
            Processes::All => Ok(Selection::All),
            Processes::Agent => Ok(Selection::Pids(vec![std::process::id()])),
            Processes::Pids(pids) => Ok(Selection::Pids(pids.clone())),
            Processes::Cgroup(path) => cgroup(&cgroup2_root(), path),
        }
    }
}

/// The cgroup v2 mount point: the program compares ids of that hierarchy.
fn cgroup2_root() -> PathBuf {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    mounts
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|fields| fields.get(2) == Some(&"cgroup2"))
        .and_then(|fields| fields.get(1).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(CGROUP_ROOT))
}

fn cgroup(root: &Path, path: &Path) -> Result<Selection, String> {
    let full: PathBuf =
        if path.starts_with(root) { path.to_path_buf() } else { root.join(path.strip_prefix("/").unwrap_or(path)) };
    let metadata = std::fs::metadata(&full).map_err(|error| format!("cgroup {}: {error}", full.display()))?;
    if !metadata.is_dir() {
        return Err(format!("cgroup {} is not a directory of the cgroup v2 hierarchy", full.display()));
    }
    let below = full.strip_prefix(root).map_err(|_| format!("cgroup {} is not under {}", full.display(), root.display()))?;
    let level = below.components().count() as u32;
    Ok(Selection::Cgroup { id: metadata.ino(), level })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cgroup_is_its_directory_and_depth() {
        let root = std::env::temp_dir().join(format!("ottl-cgroup-test-{}", std::process::id()));
        let leaf = root.join("system.slice/app.service");
        std::fs::create_dir_all(&leaf).unwrap();
        let inode = std::fs::metadata(&leaf).unwrap().ino();
        assert_eq!(cgroup(&root, Path::new("system.slice/app.service")), Ok(Selection::Cgroup { id: inode, level: 2 }));
        assert_eq!(cgroup(&root, &leaf), Ok(Selection::Cgroup { id: inode, level: 2 }));
        assert!(cgroup(&root, Path::new("missing")).unwrap_err().contains("missing"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn self_is_the_agent() {
        assert_eq!(Selection::resolve(&Processes::Agent), Ok(Selection::Pids(vec![std::process::id()])));
    }
}
