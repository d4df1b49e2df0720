//! Fuzz target: author-year callout extraction on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = citemap::ingest::callouts::extract("fuzz", &text, 0);
});
