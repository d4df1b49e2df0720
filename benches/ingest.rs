//! Throughput of the streaming readers on a synthetic corpus.
//!
//! Generate a corpus with the shared generator, then run the bench on it:
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py --n 100000 --seed 42 --formats jsonl,wos --out /tmp/c100k
//! CITEMAP_BENCH_DIR=/tmp/c100k cargo bench --bench ingest
//! ```
//!
//! For each of `works.jsonl` (OpenAlex JSON Lines, [`ingest::openalex::read_stream`])
//! and `works.wos.txt` (WoS plain text, [`ingest::wos::read_stream`]) found in
//! the directory it prints records, citations, seconds, records/s and MB/s
//! (one core, file read through a 1 MiB `BufReader`, records dropped as they
//! come), by wall clock and per CPU second (the latter is what to compare on
//! a shared machine). Without `CITEMAP_BENCH_DIR` it prints this usage and exits.

use citemap::ingest;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

type StreamFn = fn(
    &str,
    BufReader<std::fs::File>,
    &mut dyn FnMut(citemap::model::Record),
    &mut Vec<citemap::model::Diagnostic>,
) -> std::io::Result<u64>;

/// CPU time of this process in seconds (Linux `/proc/self/schedstat`), so the
/// figures stay meaningful on a loaded machine; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn run(dir: &Path, file: &str, label: &str, f: StreamFn) {
    let path = dir.join(file);
    let Ok(meta) = std::fs::metadata(&path) else {
        println!("{label}: {} not found, skipped", path.display());
        return;
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            println!("{label}: cannot open {}: {e}", path.display());
            return;
        }
    };
    let reader = BufReader::with_capacity(1 << 20, file);
    let mut citations: u64 = 0;
    let mut diags = Vec::new();
    let start = Instant::now();
    let cpu0 = cpu_seconds();
    let n = match f(
        &path.display().to_string(),
        reader,
        &mut |r| citations += r.citations.len() as u64,
        &mut diags,
    ) {
        Ok(n) => n,
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
}

fn main() {
    let Some(dir) = std::env::var_os("CITEMAP_BENCH_DIR") else {
        println!("set CITEMAP_BENCH_DIR to a directory written by ../shared/bench/gen_corpus.py (works.jsonl, works.wos.txt)");
        return;
    };
    let dir = Path::new(&dir);
    run(dir, "works.jsonl", "openalex jsonl", ingest::openalex::read_stream);
    run(dir, "works.wos.txt", "wos plain text", ingest::wos::read_stream);
}
