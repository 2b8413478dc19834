//! What the kernel says about a process's resource use (`/proc`): the benchmarks' CPU time,
//! peak memory and the units they are counted in. Linux only, as the benchmarks are.

/// The CPU time `pid` has used in user and kernel mode (`utime` + `stime` of
/// `/proc/PID/stat`), in clock ticks ([`clock_ticks_per_second`]), over all its threads.
pub fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    // The command name, field 2, is in parentheses and may hold spaces: count from after it.
    // What follows starts with field 3 (state); utime and stime are fields 14 and 15.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or_else(|| format!("{path}: no command name"))?;
    let mut fields = after_name.split_whitespace().skip(14 - 3);
    let mut field = |name: &str| fields.next().and_then(|f| f.parse::<u64>().ok()).ok_or_else(|| format!("{path}: no {name}"));
    Ok(field("utime")? + field("stime")?)
}

/// The peak resident set of `pid` so far (`VmHWM` of `/proc/PID/status`), in KiB.
pub fn peak_rss_kib(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("{path}: no VmHWM"))
}

/// How many clock ticks make a second, the unit of [`cpu_ticks`] (`sysconf(_SC_CLK_TCK)`).
pub fn clock_ticks_per_second() -> Result<u64, String> {
    const AT_CLKTCK: u64 = 17;
    auxv(AT_CLKTCK).ok_or_else(|| "no clock tick rate in /proc/self/auxv".to_string())
}

/// The size of a memory page in bytes.
pub fn page_size() -> Result<u64, String> {
    const AT_PAGESZ: u64 = 6;
    auxv(AT_PAGESZ).ok_or_else(|| "no page size in /proc/self/auxv".to_string())
}

/// The CPU model and the number of cores this machine shows, from /proc/cpuinfo: what a
/// benchmark's figures were measured on.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name").and_then(|rest| rest.split_once(':')).map(|(_, m)| m.trim()))
        .unwrap_or("unknown CPU");
    let cores = cpuinfo.lines().filter(|line| line.starts_with("processor")).count();
    format!("{model}, {cores} cores")
}

/// The value of `key` in the auxiliary vector the kernel gave this process: where the
/// kernel's constants are when std has no call for them (and libc's `sysconf` reads them).
fn auxv(key: u64) -> Option<u64> {
    let auxv = std::fs::read("/proc/self/auxv").ok()?;
    auxv.chunks_exact(16).map(|pair| pair.split_at(8)).find_map(|(k, value)| {
        let word = |bytes: &[u8]| bytes.try_into().ok().map(u64::from_ne_bytes);
        (word(k)? == key).then(|| word(value)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        // Spin until the kernel has counted a tick of this process's CPU time.
        let start = std::time::Instant::now();
        while cpu_ticks(pid).unwrap() == 0 && start.elapsed().as_secs() < 10 {
            std::hint::black_box((0..10_000u64).sum::<u64>());
        }
        assert!(cpu_ticks(pid).unwrap() > 0);
        assert!(peak_rss_kib(pid).unwrap() > 0);
        assert_eq!(clock_ticks_per_second().unwrap(), 100, "Linux reports CPU times in hundredths of a second");
        assert!(page_size().unwrap() >= 4096);
    }

    #[test]
    fn a_process_that_does_not_exist_is_an_error() {
        assert!(cpu_ticks(u32::MAX).is_err());
        assert!(peak_rss_kib(u32::MAX).is_err());
    }
}
