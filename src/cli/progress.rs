//! Progress lines on stderr for long work: each step says what starts, with
//! the time since the run began and the peak memory so far (Linux: `VmHWM`),
//! e.g. `[  12.3 s, 1.2 GB] clustering 57643 nodes`. Off with `--quiet` or
//! `--json`, so scripts get clean output. Also what memory the process can
//! still have ([`memory_room`]), for `map`'s warning before a run too big
//! for the machine.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);
static START: OnceLock<Instant> = OnceLock::new();

/// Turns progress lines on or off and starts the clock.
pub fn init(enabled: bool) {
    START.get_or_init(Instant::now);
    ENABLED.store(enabled, Ordering::Relaxed);
}

/// Peak resident memory of this process in bytes, where the system tells it.
pub fn peak_memory() -> Option<u64> {
    kb_field(&std::fs::read_to_string("/proc/self/status").ok()?, "VmHWM:")
}

/// Memory this process can grow to, in bytes, where the system tells it
/// (Linux): its resident memory plus what the system has available, within
/// its address-space limit and its cgroup's memory limit (what the cgroup
/// holds beside this process counted as taken).
pub fn memory_room() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let rss = kb_field(&read("/proc/self/status")?, "VmRSS:")?;
    let mut room = rss.saturating_add(kb_field(&read("/proc/meminfo")?, "MemAvailable:")?);
    if let Some(limit) = read("/proc/self/limits").and_then(|t| address_limit(&t)) {
        room = room.min(limit);
    }
    let number = |p: &str| read(p).and_then(|t| t.trim().parse::<u64>().ok());
    if let (Some(max), Some(current)) =
        (number("/sys/fs/cgroup/memory.max"), number("/sys/fs/cgroup/memory.current"))
    {
        room = room.min(max.saturating_sub(current).saturating_add(rss));
    }
    Some(room)
}

/// The value in bytes of a `Name:   123 kB` line of `/proc` text.
fn kb_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kb: u64 = line[name.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}

/// The soft address-space limit in `/proc/self/limits` text (none when
/// unlimited).
fn address_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max address space"))?;
    line["Max address space".len()..].split_whitespace().next()?.parse().ok()
}

/// How often a long step says how far it has gone ([`Ticker`]).
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Tells a long step when to say how far it has gone: at most once every
/// `every`, and never before `every` has passed (a short step says nothing
/// more than its start and end).
pub struct Ticker {
    every: std::time::Duration,
    last: Instant,
}

impl Ticker {
    /// A ticker whose first tick is `every` from now.
    pub fn new(every: std::time::Duration) -> Ticker {
        Ticker { every, last: Instant::now() }
    }

    /// True when `every` has passed since the last tick (or the start);
    /// the next tick is then `every` from now. False while progress lines
    /// are off, so nothing is formatted for nothing.
    pub fn due(&mut self) -> bool {
        if !ENABLED.load(Ordering::Relaxed) || self.last.elapsed() < self.every {
            return false;
        }
        self.last = Instant::now();
        true
    }
}

/// Prints one progress line (when enabled).
pub fn step(what: impl std::fmt::Display) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    let secs = START.get().map_or(0.0, |s| s.elapsed().as_secs_f64());
    match peak_memory() {
        Some(b) => eprintln!("[{secs:7.1} s, {:5.2} GB] {what}", b as f64 / 1e9),
        None => eprintln!("[{secs:7.1} s] {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticker_ticks_once_per_interval_and_only_when_enabled() {
        init(true);
        let mut t = Ticker::new(std::time::Duration::from_millis(30));
        assert!(!t.due(), "before the first interval");
        std::thread::sleep(std::time::Duration::from_millis(40));
        assert!(t.due());
        assert!(!t.due(), "the clock restarts at a tick");
        let mut zero = Ticker::new(std::time::Duration::ZERO);
        assert!(zero.due());
        init(false);
        assert!(!zero.due(), "progress lines off");
    }

    #[test]
    fn proc_texts_are_read() {
        let status = "Name:\tcitemap\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n";
        assert_eq!(kb_field(status, "VmRSS:"), Some(1024 * 1024));
        assert_eq!(kb_field(status, "VmHWM:"), Some(2048 * 1024));
        assert_eq!(kb_field(status, "VmSwap:"), None);
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max address space         23552000000          unlimited            bytes     \n";
        assert_eq!(address_limit(limits), Some(23_552_000_000));
        let unlimited = "Max address space         unlimited            unlimited            bytes     \n";
        assert_eq!(address_limit(unlimited), None);
        assert!(memory_room().is_none_or(|r| r > 0));
    }
}
