//! Fuzz target: citation-matrix reader (CSV and xlsx bytes) on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = citemap::ingest::matrix::read_bytes("fuzz", data);
});
