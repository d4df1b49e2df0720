//! Fuzz target: `ingest::wos_tab::parse` on arbitrary text must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = citemap::ingest::wos_tab::parse("fuzz", &text);
});
