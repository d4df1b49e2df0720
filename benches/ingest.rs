//! Throughput and peak memory of the readers on a synthetic corpus, through
//! the path `citemap ingest` and `map` use ([`ingest::read_each`]).
//!
//! Generate a corpus with the shared generator, then run the bench on it:
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py --n 100000 --seed 42 --formats jsonl,ris,wos --out /tmp/c100k
//! CITEMAP_BENCH_DIR=/tmp/c100k cargo bench --bench ingest
//! ```
//!
//! For each of `works.jsonl` (OpenAlex JSON Lines, streamed), `works.wos.txt`
//! (WoS plain text, streamed) and `works.ris` (RIS, read whole) found in the
//! directory it prints records, citations, seconds, records/s, MB/s (wall
//! clock and per CPU second; the latter is what to compare on a shared
//! machine) and the peak resident memory. Each file is read in a child
//! process of its own, so each peak belongs to one format. Records are
//! dropped as they come, as `ingest` does after storing them. Without
//! `CITEMAP_BENCH_DIR` it prints this usage and exits.

use citemap::ingest;
use std::path::Path;
use std::time::Instant;

/// The allocator the `citemap` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of this process in seconds, all threads (Linux `/proc/self/stat`:
/// user plus system time, in the kernel's fixed 100 ticks a second), so the
/// figures stay meaningful on a loaded machine; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = s.get(s.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Peak resident memory of this process in MB (Linux `VmHWM`).
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(path: &Path, label: &str) {
    let Ok(meta) = std::fs::metadata(path) else {
        println!("{label}: {} not found, skipped", path.display());
        return;
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            println!("{label}: cannot open {}: {e}", path.display());
            return;
        }
    };
    let mut citations: u64 = 0;
    let mut n: u64 = 0;
    let start = Instant::now();
    let cpu0 = cpu_seconds();
    let name = path.display().to_string();
    let opts = ingest::Options::default();
    let diags = match ingest::read_each(&name, &mut file, &opts, u64::MAX, &mut |r| {
        n += 1;
        citations += r.citations.len() as u64;
    }) {
        Ok((_, d)) => d,
        Err(e) => {
            println!("{label}: read error: {e}");
            return;
        }
    };
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let mb = meta.len() as f64 / 1e6;
    println!(
        "{label}: {n} records, {citations} citations, {} diagnostics, {:.1} MB in {secs:.2} s wall: {:.0} records/s, {:.1} MB/s",
        diags.len(),
        mb,
        n as f64 / secs,
        mb / secs
    );
    if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
        let cpu = (b - a).max(1e-9);
        println!(
            "{label}: {cpu:.2} s CPU: {:.0} records/s, {:.1} MB/s per CPU second",
            n as f64 / cpu,
            mb / cpu
        );
    }
    if let Some(p) = peak_mb() {
        println!("{label}: peak memory {p:.0} MB");
    }
}

const FILES: [(&str, &str); 3] =
    [("works.jsonl", "openalex jsonl"), ("works.wos.txt", "wos plain text"), ("works.ris", "ris")];

fn main() {
    // As the `citemap` binary runs (src/main.rs): transparent huge pages
    // off, unless MIMALLOC_ALLOW_THP asks for them.
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none_or(|v| v == "0") {
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
    let Some(dir) = std::env::var_os("CITEMAP_BENCH_DIR") else {
        println!("set CITEMAP_BENCH_DIR to a directory written by ../shared/bench/gen_corpus.py (works.jsonl, works.wos.txt, works.ris)");
        return;
    };
    let dir = Path::new(&dir);
    if let Some(one) = std::env::var_os("CITEMAP_BENCH_ONE") {
        let one = one.to_string_lossy().into_owned();
        let label = FILES.iter().find(|(f, _)| *f == one).map_or(one.as_str(), |(_, l)| l);
        run(&dir.join(&one), label);
        return;
    }
    let Ok(me) = std::env::current_exe() else {
        println!("cannot find the bench executable to run each format on its own");
        return;
    };
    for (file, _) in FILES {
        // cargo bench passes `--bench`; the child needs no arguments.
        match std::process::Command::new(&me).env("CITEMAP_BENCH_ONE", file).status() {
            Ok(s) if s.success() => {}
            Ok(s) => println!("{file}: bench child failed: {s}"),
            Err(e) => println!("{file}: cannot run the bench child: {e}"),
        }
    }
}
