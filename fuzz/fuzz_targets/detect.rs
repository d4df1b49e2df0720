//! Fuzz target: decode + detect + parse (`ingest::parse_bytes`) on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = citemap::ingest::parse_bytes("fuzz", data, &citemap::ingest::Options::default());
});
