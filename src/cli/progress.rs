//! Progress lines on stderr for long work: each step says what starts, with
//! the time since the run began and the peak memory so far (Linux: `VmHWM`),
//! e.g. `[  12.3 s, 1.2 GB] clustering 57643 nodes`. Off with `--quiet` or
//! `--json`, so scripts get clean output. Also what memory the process can
//! still have ([`memory_room`]), for `map`'s warning before a run too big
//! for the machine, and a guard that stops such a run cleanly when memory
//! runs out ([`guard_memory`]).

use std::io::Write;
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
/// (Linux): its resident memory plus what is left ([`memory_left`]).
pub fn memory_room() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some(kb_field(&status, "VmRSS:")?.saturating_add(left_with(&status)?))
}

/// What is left of the memory this process can have, in bytes (Linux): the
/// least of what the system has available (memory, and swap space: a run
/// that swaps is slow but ends), its address-space limit less its address
/// space, and its cgroup's limit less what the cgroup holds (plus the swap
/// space the cgroup may still use; what the cgroup holds beside this
/// process counts as taken).
pub fn memory_left() -> Option<u64> {
    left_with(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// [`memory_left`] with the text of `/proc/self/status` read already.
fn left_with(status: &str) -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let number = |p: &str| read(p).and_then(|t| t.trim().parse::<u64>().ok());
    let cgroup = number("/sys/fs/cgroup/memory.max").zip(number("/sys/fs/cgroup/memory.current"));
    // `max` (no limit) or no swap accounting: the system's swap space.
    let cgroup_swap = number("/sys/fs/cgroup/memory.swap.max")
        .zip(number("/sys/fs/cgroup/memory.swap.current"))
        .map(|(max, current)| max.saturating_sub(current));
    left_of(status, &read("/proc/meminfo")?, read("/proc/self/limits").as_deref(), cgroup, cgroup_swap)
}

/// [`memory_left`] from the texts of `/proc/self/status`, `/proc/meminfo`
/// and `/proc/self/limits`, the cgroup's `(memory.max, memory.current)`
/// and the swap space its limit leaves it (`memory.swap.max` less
/// `memory.swap.current`; `None` when unlimited or not accounted).
fn left_of(
    status: &str,
    meminfo: &str,
    limits: Option<&str>,
    cgroup: Option<(u64, u64)>,
    cgroup_swap: Option<u64>,
) -> Option<u64> {
    let swap = kb_field(meminfo, "SwapFree:").unwrap_or(0);
    let mut left = kb_field(meminfo, "MemAvailable:")?.saturating_add(swap);
    if let (Some(limit), Some(size)) = (limits.and_then(address_limit), kb_field(status, "VmSize:")) {
        left = left.min(limit.saturating_sub(size));
    }
    if let Some((max, current)) = cgroup {
        let swap = cgroup_swap.map_or(swap, |s| s.min(swap));
        left = left.min(max.saturating_sub(current).saturating_add(swap));
    }
    Some(left)
}

/// Memory kept free by [`guard_memory`]: below this much left, a run stops.
/// An address-space limit is reached a whole allocator arena (1 GiB) at a
/// time, so that room is kept too.
pub const MEMORY_RESERVE: u64 = 1 << 30;

/// How often [`guard_memory`] looks.
const GUARD_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Held while a set of outputs is renamed into place ([`renaming`]); true
/// once one was.
static RENAMED: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

/// Runs `rename` (the renames that put a complete set of outputs in
/// place) so that [`guard_memory`] never stops the process in the middle,
/// which would leave some outputs new and others old: the guard waits for
/// the lock this holds, and once outputs are in place it stops no more.
pub fn renaming<T>(rename: impl FnOnce() -> T) -> T {
    let mut renamed = RENAMED.lock().unwrap_or_else(|e| e.into_inner());
    let value = rename();
    *renamed = true;
    value
}

/// Watches, for the rest of the run, what memory is left ([`memory_left`]),
/// and when less than [`MEMORY_RESERVE`] is, stops the process with exit
/// code 1 and a message naming `what` was being done, before the system
/// stops it without one (an allocation failing, or the kernel's
/// out-of-memory killer taking it or another process). For runs already
/// warned to be too big for the machine. No outputs are written then
/// (they are renamed into place only when complete); a store keeps what it
/// committed before (the inputs read), and a transaction not committed
/// leaves it as it was.
pub fn guard_memory(what: String) {
    let spawned = std::thread::Builder::new().name("memory guard".into()).spawn(move || loop {
        std::thread::sleep(GUARD_EVERY);
        let Some(left) = memory_left() else { return };
        if left < MEMORY_RESERVE {
            // Held until the process ends: no renaming starts after this.
            let renamed = RENAMED.lock().unwrap_or_else(|e| e.into_inner());
            if *renamed {
                // The outputs are in place: the run is as good as done.
                return;
            }
            let used = std::fs::read_to_string("/proc/self/status").ok().and_then(|s| kb_field(&s, "VmRSS:"));
            // Not `eprintln!`, which panics (here: ends this thread, not
            // the run) when standard error is gone.
            let _ = writeln!(
                std::io::stderr(),
                "error: stopped for lack of memory while {what}: {:.1} GB in use and {:.0} MB left; no outputs were written (earlier ones are as they were)",
                used.unwrap_or(0) as f64 / 1e9,
                left as f64 / 1e6
            );
            std::process::exit(1);
        }
    });
    // No thread to be had: the run goes on unguarded, as without the warning.
    drop(spawned);
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

    #[test]
    fn memory_left_is_the_least_of_system_address_space_and_cgroup() {
        let status = "VmSize:\t 3000000 kB\nVmRSS:\t 1000000 kB\n";
        let meminfo = "MemTotal:  8000000 kB\nMemAvailable:  4000000 kB\nSwapFree:  0 kB\n";
        let kb = |n: u64| n * 1024;
        // The system alone.
        assert_eq!(left_of(status, meminfo, None, None, None), Some(kb(4_000_000)));
        // Free swap space counts: a run that swaps ends.
        let swapping = "MemAvailable:  500000 kB\nSwapFree:  2000000 kB\n";
        assert_eq!(left_of(status, swapping, None, None, None), Some(kb(2_500_000)));
        // An address-space limit counts the address space, not the resident memory.
        let limits =
            format!("Max address space         {}          unlimited            bytes     \n", kb(3_500_000));
        assert_eq!(left_of(status, meminfo, Some(&limits), None, None), Some(kb(500_000)));
        let unlimited = "Max address space         unlimited            unlimited            bytes     \n";
        assert_eq!(left_of(status, meminfo, Some(unlimited), None, None), Some(kb(4_000_000)));
        // A cgroup nearly full.
        let nearly_full = Some((kb(2_000_000), kb(1_900_000)));
        assert_eq!(left_of(status, meminfo, None, nearly_full, None), Some(kb(100_000)));
        // ... that may swap: within the system's swap space and its own swap limit.
        assert_eq!(left_of(status, swapping, None, nearly_full, None), Some(kb(2_100_000)));
        assert_eq!(left_of(status, swapping, None, nearly_full, Some(kb(300_000))), Some(kb(400_000)));
        // Over its limit (a limit lowered under a running process): nothing left.
        assert_eq!(left_of(status, meminfo, None, Some((kb(1_000), kb(2_000))), None), Some(0));
        // Without the system's figure nothing is known.
        assert_eq!(left_of(status, "MemTotal: 1 kB\n", None, None, None), None);
        // On Linux the process's own figures are read (two readings: what
        // is left may change between them, so they are not compared).
        if std::path::Path::new("/proc/meminfo").exists() {
            assert!(memory_left().is_some(), "memory left read");
            assert!(memory_room().is_some_and(|r| r > 0), "memory room read");
        }
    }
}
