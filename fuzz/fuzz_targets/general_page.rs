//! Fuzz target: the general page reader (`ingest::general::parse`) and the
//! loose JSON reader on arbitrary text must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = citemap::ingest::general::parse("fuzz", &text);
    let _ = citemap::ingest::loose_json::parse(&text);
});
