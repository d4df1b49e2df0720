//! Fuzz target: reference-string parsing (WoS CR and free text) on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let at = citemap::model::Provenance::new("fuzz", 1, None);
    let _ = citemap::ingest::refs::parse_wos_cr(&text, at.clone());
    let _ = citemap::ingest::refs::parse_free_text(&text, at);
});
