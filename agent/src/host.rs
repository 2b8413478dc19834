//! Facts about the node the agent runs on, for the attributes that describe it (the OpAMP
//! agent description, the profiles' resources).

/// The host's name as the kernel has it; `None` when it cannot be read or is empty.
pub fn name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    Some(name.trim().to_string()).filter(|name| !name.is_empty())
}
