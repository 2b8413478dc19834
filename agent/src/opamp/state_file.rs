//! Files in the agent's state directory (the instance uid, the saved remote config). Each is
//! written to a temporary file, synced, and renamed over the old one, so that a crash or a
//! full disk mid-write leaves the previous content whole, never a torn file.

use std::io::Write;
use std::path::Path;

/// Replaces `dir/name` with `bytes` at once, creating `dir` when needed.
pub fn replace(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!("{name}.tmp"));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    // On disk before the rename makes it the one that counts.
    file.sync_all()?;
    std::fs::rename(&temporary, dir.join(name))
}
