//! CPU time per thread group, from Linux's `/proc/self/task/<tid>/schedstat` (nanoseconds on
//! the CPU). Hardware counters (`perf`) are often unavailable on shared machines; this is not.
#![forbid(unsafe_code)]

/// Nanoseconds of CPU used so far by the server's threads (named [`crate::server::THREAD_NAME`])
/// and by every other thread of the process (the client). `None` where `/proc` is unavailable.
pub fn split_ns() -> Option<CpuSplit> {
    let mut split = CpuSplit::default();
    for entry in std::fs::read_dir("/proc/self/task").ok()?.take(4096) {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let Ok(stat) = std::fs::read_to_string(path.join("schedstat")) else {
            continue; // the thread ended meanwhile
        };
        let Some(ns) = stat
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
        else {
            continue;
        };
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if comm.trim_end().starts_with(crate::server::THREAD_NAME) {
            split.server += ns;
        } else {
            split.client += ns;
        }
    }
    Some(split)
}

/// CPU nanoseconds, client and server side.
#[derive(Debug, Default, Clone, Copy)]
pub struct CpuSplit {
    /// Every thread but the server's.
    pub client: u64,
    /// The server's threads.
    pub server: u64,
}

impl CpuSplit {
    /// `self - earlier`, saturating (a thread that ended takes its time with it).
    pub fn since(self, earlier: CpuSplit) -> CpuSplit {
        CpuSplit {
            client: self.client.saturating_sub(earlier.client),
            server: self.server.saturating_sub(earlier.server),
        }
    }
}
